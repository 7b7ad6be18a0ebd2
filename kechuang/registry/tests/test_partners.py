"""Partners of the county (universities elsewhere, the county's enclave in Hangzhou) and their
experts belong to the county's scope as well as to where they stand."""

import pytest
from django.urls import reverse

from kechuang.accounts.models import Organisation
from kechuang.accounts.services import create_user, ensure_standard_roles
from kechuang.conftest import PASSWORD, SHARED_WORLD
from kechuang.registry.models import Institution, Person
from kechuang.registry.tests.factories import InstitutionFactory, PersonFactory

pytestmark = [SHARED_WORLD, pytest.mark.django_db]

HANGZHOU = "330106"  # 西湖区, where the partner university stands


@pytest.fixture
def partner(world):
    university = InstitutionFactory(name="浙江工业大学", region_id=HANGZHOU, is_local=False)
    expert = PersonFactory(name="钱教授", institution=university, region_id=HANGZHOU)
    return university, expert


@pytest.fixture
def shengzhou_staff(world):
    bureau = Organisation.objects.get(name="嵊州市科学技术局")
    roles = ensure_standard_roles()
    return create_user("sz_staff", PASSWORD, organisation=bureau, roles=[roles["科技局科员"]])


def test_a_partner_outside_the_county_is_the_home_countys(partner):
    university, _expert = partner
    assert university.partner_county_id == "330624"
    university.is_local = True
    university.save()
    assert university.partner_county_id is None


@pytest.mark.parametrize(
    "persona, sees",
    [
        ("admin", True),
        ("leader", True),
        ("staff", True),
        ("town", False),
        ("enterprise", False),
        ("university", False),
        ("outsider", False),
    ],
)
def test_county_users_see_the_partner_and_its_experts(world, login, partner, persona, sees):
    university, expert = partner
    user = getattr(world, persona)
    assert Institution.objects.restrict(user).filter(pk=university.pk).exists() == sees
    assert Person.objects.restrict(user).filter(pk=expert.pk).exists() == sees
    client = login(user)
    detail = client.get(reverse("registry:institution_detail", args=[university.pk]))
    assert detail.status_code in ((200,) if sees else (403, 404))
    listed = client.get(reverse("registry:person_list"), {"q": "钱教授"})
    link = reverse("registry:person_detail", args=[expert.pk])
    assert (link in listed.content.decode()) == sees
    api = client.get("/api/registry/institutions/", {"q": "浙江工业大学"})
    if api.status_code == 200:
        assert (api.json()["count"] == 1) == sees


def test_another_countys_staff_do_not_see_our_partners(partner, shengzhou_staff):
    university, expert = partner
    assert not Institution.objects.restrict(shengzhou_staff).filter(pk=university.pk).exists()
    assert not Person.objects.restrict(shengzhou_staff).filter(pk=expert.pk).exists()


def test_a_form_refusing_rows_outside_the_scope_accepts_partners(world, partner):
    from kechuang.registry.forms import PersonForm

    university, _expert = partner
    form = PersonForm(
        data={
            "name": "孙研究员",
            "kind": "expert",
            "institution": university.pk,
            "region": HANGZHOU,
        },
        user=world.staff,
    )
    form.is_valid()
    assert "保存后该记录将不在您的数据范围内" not in str(form.errors)


def test_county_staff_register_a_partner_standing_in_another_city(world, login):
    client = login(world.staff)
    form = client.get(reverse("registry:institution_add"))
    page = form.content.decode()
    assert "西湖区（杭州市）" in page
    data = {"name": "浙江大学", "kind": "university", "region": HANGZHOU, "status": "active"}
    refused = client.post(reverse("registry:institution_add"), {**data, "is_local": "on"})
    assert refused.status_code == 200
    assert "县内机构的所在区划应在您的数据范围内" in refused.content.decode()
    assert not Institution.objects.filter(name="浙江大学").exists()
    saved = client.post(reverse("registry:institution_add"), data)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    university = Institution.objects.get(name="浙江大学")
    assert (university.region_id, university.partner_county_id) == (HANGZHOU, "330624")
    assert client.get(university.get_absolute_url()).status_code == 200


def test_a_town_elsewhere_is_not_offered(world, login):
    page = login(world.staff).get(reverse("registry:institution_add")).content.decode()
    assert "塔山街道" not in page  # a town of 越城区: partners are placed by county or city
    assert "南明街道（新昌县）" in page


def test_county_staff_register_an_expert_of_a_partner_in_its_city(world, login, partner):
    university, _expert = partner
    response = login(world.staff).post(
        reverse("registry:person_add"),
        {"name": "孙研究员", "kind": "expert", "institution": university.pk, "region": HANGZHOU},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Person.objects.get(name="孙研究员").region_id == HANGZHOU


def test_a_partner_outside_the_county_cannot_stand_inside_it(world, login):
    response = login(world.staff).post(
        reverse("registry:institution_add"),
        {
            "name": "某某研究院",
            "kind": "research_institute",
            "region": "330624003",
            "status": "active",
        },
    )
    assert response.status_code == 200
    assert "县外合作机构的所在区划应在本县以外" in response.content.decode()
    assert not Institution.objects.filter(name="某某研究院").exists()
