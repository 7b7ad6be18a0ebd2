import pytest
from django.urls import reverse

from kechuang.conftest import SHARED_WORLD

pytestmark = SHARED_WORLD


@pytest.mark.django_db
def test_every_page_renders_for_admin(world, login):
    client = login(world.admin)
    for name in [
        "home",
        "registry:enterprise_list",
        "registry:qualification_list",
        "registry:institution_list",
        "registry:person_list",
        "registry:industrychain_list",
        "registry:enterprise_add",
        "registry:import",
        "accounts:organisation_list",
        "accounts:user_list",
        "accounts:operationlog_list",
        "accounts:loginlog_list",
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    response = client.get(world.own_enterprise.get_absolute_url())
    assert response.status_code == 200
    assert world.own_enterprise.uscc in response.content.decode()
