"""Registry writes and pages that must not reach beyond the user's scope or crash on edge
values: the API in a browser, chains, member users' people and own facts, codes registered
elsewhere, no-op changes and far dates."""

import pytest
from django.utils import timezone

from kechuang.conftest import NANMING, QIXING, SHARED_WORLD

pytestmark = [SHARED_WORLD, pytest.mark.django_db]


@pytest.mark.parametrize(
    "url", ["/api/registry/people/", "/api/registry/people.api", "/api/registry/enterprises/"]
)
def test_api_in_a_browser_shows_no_forms_listing_other_rows(world, login, url):
    response = login(world.enterprise).get(url, HTTP_ACCEPT="text/html")
    body = response.content.decode()
    assert response.status_code in (200, 404, 406)
    assert "<form" not in body
    for name in (world.qixing_enterprise.name, world.nanming_enterprise.name):
        assert name not in body


CHAIN = {"name": "新材料", "kind": "chain", "order": 1, "is_active": "on"}


def test_town_officer_cannot_create_or_edit_the_county_chains(world, login):
    from kechuang.registry.models import IndustryChain
    from kechuang.registry.tests.factories import IndustryChainFactory

    chain = IndustryChainFactory(name="高端装备")
    town = login(world.town)
    assert town.get("/registry/chains/add/").status_code == 403
    assert town.post("/registry/chains/add/", CHAIN).status_code == 403
    edit = f"/registry/chains/{chain.pk}/edit/"
    assert town.post(edit, {**CHAIN, "name": "改名"}).status_code == 403
    assert "industrychain_edit" not in town.get(f"/registry/chains/{chain.pk}/").content.decode()
    assert list(IndustryChain.objects.values_list("name", flat=True)) == ["高端装备"]
    staff = login(world.staff)
    assert staff.post("/registry/chains/add/", CHAIN).status_code == 302
    assert staff.post(edit, {**CHAIN, "name": "智能装备"}).status_code == 302
    assert IndustryChain.objects.filter(name__in=["新材料", "智能装备"]).count() == 2


PERSON = {"name": "赵工", "kind": "expert", "region": NANMING, "is_active": "on"}


@pytest.mark.parametrize("persona", ["enterprise", "university"])
def test_member_users_cannot_create_people_they_could_not_see(world, login, persona):
    from kechuang.registry.models import Person

    client = login(getattr(world, persona))
    response = client.post("/registry/people/add/", PERSON)
    assert response.status_code == 200
    assert "保存后您将无法查看该人员" in response.content.decode()
    response = client.post("/api/registry/people/", PERSON, content_type="application/json")
    assert response.status_code == 400
    assert "保存后您将无法查看该人员" in response.content.decode()
    assert not Person.objects.filter(name="赵工").exists()
    own = (
        {"enterprise": world.own_enterprise.pk}
        if persona == "enterprise"
        else {"institution": world.own_institution.pk}
    )
    assert client.post("/registry/people/add/", {**PERSON, **own}).status_code == 302
    person = Person.objects.get(name="赵工")
    assert client.get(person.get_absolute_url()).status_code == 200


def test_town_officer_files_people_in_own_town_only(world, login):
    from kechuang.registry.models import Person

    client = login(world.town)
    assert client.post("/registry/people/add/", PERSON).status_code == 302
    response = client.post("/registry/people/add/", {**PERSON, "name": "钱工", "region": QIXING})
    assert response.status_code == 200
    assert not Person.objects.filter(name="钱工").exists()


def test_institution_user_cannot_change_its_registered_name_or_level(world, login):
    institution = world.own_institution
    client = login(world.university)
    response = client.patch(
        f"/api/registry/institutions/{institution.pk}/",
        {"name": "新昌国家实验室", "level": "national", "address": "南明街道1号"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"name": ["您无权修改此字段。"], "level": ["您无权修改此字段。"]}
    institution.refresh_from_db()
    assert (institution.name, institution.level) == ("新昌智能装备研究院", "county")
    assert institution.address != "南明街道1号"  # nothing of a refused request is saved
    response = client.patch(
        f"/api/registry/institutions/{institution.pk}/",
        {"address": "南明街道1号"},
        content_type="application/json",
    )
    assert response.status_code == 200
    institution.refresh_from_db()
    assert institution.address == "南明街道1号"
    staff = login(world.staff)
    staff.patch(
        f"/api/registry/institutions/{institution.pk}/",
        {"level": "city"},
        content_type="application/json",
    )
    institution.refresh_from_db()
    assert institution.level == "city"


def test_member_users_see_the_bureau_not_its_staff_in_the_history(world, login):
    world.staff.display_name = "张科员"
    world.staff.save()
    enterprise = world.own_enterprise
    login(world.staff).patch(
        f"/api/registry/enterprises/{enterprise.pk}/",
        {"employees": 130},
        content_type="application/json",
        REMOTE_ADDR="10.20.30.40",
    )
    page = login(world.enterprise).get(enterprise.get_absolute_url()).content.decode()
    assert "张科员" not in page and "10.20.30.40" not in page
    assert "新昌县科学技术局" in page
    page = login(world.staff).get(enterprise.get_absolute_url()).content.decode()
    assert "张科员" in page and "10.20.30.40" not in page
    page = login(world.admin).get(enterprise.get_absolute_url()).content.decode()
    assert "张科员" in page and "10.20.30.40" in page


@pytest.mark.parametrize("how", ["page", "api"])
def test_a_code_registered_in_another_town_is_refused_without_naming_it(world, login, how):
    from kechuang.registry.models import Enterprise

    data = {
        "uscc": world.qixing_enterprise.uscc,
        "name": "新昌县南明新开有限公司",
        "town": NANMING,
        "industry": "3451",
        "founded_on": "2021-03-15",
        "status": "active",
    }
    client = login(world.town)
    if how == "page":
        response = client.post("/registry/enterprises/add/", data)
    else:
        response = client.post("/api/registry/enterprises/", data, content_type="application/json")
    body = response.content.decode()
    assert response.status_code in (200, 400)
    assert "该统一社会信用代码已登记，如需变更请联系科技局" in body
    assert "七星" not in body and world.qixing_enterprise.name not in body
    assert Enterprise.objects.filter(uscc=world.qixing_enterprise.uscc).count() == 1


def test_a_patch_that_changes_nothing_writes_no_history(world, login):
    enterprise = world.own_enterprise
    client = login(world.staff)
    url = f"/api/registry/enterprises/{enterprise.pk}/"
    before = enterprise.history.count()
    response = client.patch(url, {"name": enterprise.name}, content_type="application/json")
    assert response.status_code == 200
    response = client.patch(url, {}, content_type="application/json")
    assert response.status_code == 200
    assert enterprise.history.count() == before
    client.patch(url, {"employees": 999}, content_type="application/json")
    assert enterprise.history.count() == before + 1


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("9999-12-31", "认定日期不能晚于今天"),
        ("2101-01-01", "认定日期不能晚于今天"),
        ("1949-12-31", "日期应在1950年至2100年之间"),
    ],
)
def test_a_qualification_dated_beyond_reason_is_refused(world, login, day, message):
    from kechuang.registry.models import Qualification

    response = login(world.staff).post(
        "/registry/qualifications/add/",
        {"enterprise": world.own_enterprise.pk, "kind": "hnte", "issued_on": day},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert page.count("invalid-feedback") == 1  # one message for the field, not two
    assert not Qualification.objects.exists()


def test_qualification_dates_at_the_bounds_are_accepted(world, login):
    from kechuang.registry.models import Qualification

    client = login(world.staff)
    today = timezone.localdate().isoformat()
    for issued, until in (("1950-01-01", ""), (today, "2100-12-31")):
        response = client.post(
            "/registry/qualifications/add/",
            {
                "enterprise": world.own_enterprise.pk,
                "kind": "hnte",
                "issued_on": issued,
                "valid_until": until,
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    assert Qualification.objects.count() == 2


@pytest.mark.parametrize("value", [str(2**70), "-1", "0", "2147483648"])
def test_api_filters_refuse_ids_no_table_holds(world, login, value):
    response = login(world.staff).get("/api/monitoring/rd-records/", {"enterprise": value})
    assert response.status_code == 400
    assert "enterprise" in response.json()
