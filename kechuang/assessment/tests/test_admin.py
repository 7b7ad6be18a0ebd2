from django.urls import reverse

from kechuang.conftest import SHARED_WORLD

pytestmark = SHARED_WORLD


def test_figures_are_typed_in_wan_in_the_admin(world, login):
    page = (
        login(world.admin).get(reverse("admin:assessment_recognitionfigures_add")).content.decode()
    )
    assert "销售收入（万元）" in page
