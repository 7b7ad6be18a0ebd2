"""Who sees what in the technology market: published results and open public demands for every
participant, drafts and bureau-only demands within scope, the confidential part for the
bureau, the owner and approved enterprises only: in pages, lists, exports and the API."""

import pytest
from django.urls import reverse

from kechuang.techmarket import choices, services
from kechuang.techmarket.models import Disclosure, TechDemand, TechResult
from kechuang.techmarket.tests.factories import (
    ExpertProfileFactory,
    MatchFactory,
    TechDemandFactory,
    TechResultFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "传感器探头的激励频率为 125 Hz"


@pytest.fixture
def market(world):
    own = TechResultFactory(institution=world.own_institution, title="本院成果：磨削烧伤检测")
    draft = TechResultFactory(
        institution=world.other_institution,
        title="他院草稿：冷媒泄漏检测",
        status=choices.ResultStatus.DRAFT,
        published_on=None,
    )
    other = TechResultFactory(institution=world.other_institution, title="他院成果：制冷阀门")
    public = TechDemandFactory(enterprise=world.own_enterprise, title="本企业公开需求")
    bureau_only = TechDemandFactory(
        enterprise=world.qixing_enterprise,
        title="七星企业保密需求",
        visibility=choices.Visibility.BUREAU,
    )
    qixing_public = TechDemandFactory(enterprise=world.qixing_enterprise, title="七星企业公开需求")
    return {
        "own": own,
        "draft": draft,
        "other": other,
        "public": public,
        "bureau_only": bureau_only,
        "qixing_public": qixing_public,
    }


RESULT_VIEW = {
    # persona -> titles of results listed
    "admin": {"本院成果：磨削烧伤检测", "他院草稿：冷媒泄漏检测", "他院成果：制冷阀门"},
    "staff": {"本院成果：磨削烧伤检测", "他院草稿：冷媒泄漏检测", "他院成果：制冷阀门"},
    "leader": {"本院成果：磨削烧伤检测", "他院草稿：冷媒泄漏检测", "他院成果：制冷阀门"},
    "town": {"本院成果：磨削烧伤检测", "他院成果：制冷阀门"},  # the draft is Qixing's
    "enterprise": {"本院成果：磨削烧伤检测", "他院成果：制冷阀门"},
    "university": {"本院成果：磨削烧伤检测", "他院成果：制冷阀门"},
    "outsider": set(),
}


@pytest.mark.parametrize(("persona", "titles"), RESULT_VIEW.items())
def test_results_listed_by_role(world, market, login, persona, titles):
    user = world.personas()[persona]
    listed = set(TechResult.objects.restrict(user).values_list("title", flat=True))
    assert listed == titles
    response = login(user).get(reverse("techmarket:techresult_list"))
    assert response.status_code == (403 if persona == "outsider" else 200)
    api = login(user).get("/api/techmarket/results/")
    if persona != "outsider":
        assert {r["title"] for r in api.json()["results"]} == titles


DEMAND_VIEW = {
    "staff": {"本企业公开需求", "七星企业保密需求", "七星企业公开需求"},
    "leader": {"本企业公开需求", "七星企业保密需求", "七星企业公开需求"},
    "town": {"本企业公开需求", "七星企业公开需求"},  # Qixing's bureau-only demand is not Nanming's
    # bureau-only: not even the town the enterprise sits in
    "other_town": {"本企业公开需求", "七星企业公开需求"},
    "enterprise": {"本企业公开需求", "七星企业公开需求"},
    "university": {"本企业公开需求", "七星企业公开需求"},
}


@pytest.mark.parametrize(("persona", "titles"), DEMAND_VIEW.items())
def test_bureau_only_demands_stay_in_scope(world, market, login, persona, titles):
    user = getattr(world, persona)
    assert set(TechDemand.objects.restrict(user).values_list("title", flat=True)) == titles
    page = login(user).get(reverse("techmarket:techdemand_detail", args=[market["bureau_only"].pk]))
    assert page.status_code == (200 if "七星企业保密需求" in titles else 404)


def test_draft_demand_is_seen_only_by_its_enterprise_and_the_bureau(world, login):
    draft = TechDemandFactory(
        enterprise=world.qixing_enterprise, status=choices.DemandStatus.DRAFT, published_on=None
    )
    assert TechDemand.objects.restrict(world.staff).filter(pk=draft.pk).exists()
    assert not TechDemand.objects.restrict(world.enterprise).filter(pk=draft.pk).exists()
    assert not TechDemand.objects.restrict(world.university).filter(pk=draft.pk).exists()


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("admin", True),
        ("staff", True),
        ("leader", False),  # reads the market, not what owners keep back
        ("town", False),
        ("enterprise", False),
        ("university", True),  # the owner
    ],
)
def test_confidential_part_on_page_and_api(world, market, login, persona, sees):
    user = world.personas()[persona]
    result = market["own"]
    page = login(user).get(result.get_absolute_url()).content.decode()
    assert (SECRET in page) is sees
    assert ("13805751234" in page) is sees
    api = login(user).get(f"/api/techmarket/results/{result.pk}/").json()
    assert (api["confidential"] is not None) is sees


@pytest.mark.parametrize(("persona", "sees"), [("staff", True), ("leader", False)])
def test_the_change_log_tells_no_part_of_the_confidential_part(world, market, login, persona, sees):
    result = market["own"]
    result.confidential = "激励频率改为 250 Hz，探头间距 3 mm"
    result.contact_phone = "13911112222"
    result.save()
    page = login(world.personas()[persona]).get(result.get_absolute_url()).content.decode()
    assert ("250 Hz" in page) is sees
    assert ("激励" in page) is sees  # not even its first characters
    assert ("2222" in page) is sees and ("139" in page) is sees
    if not sees:
        assert "（内容不公开）" in page


def test_confidential_part_never_in_exports_of_those_who_may_not_read_it(world, market, login):
    response = login(world.leader).get(reverse("techmarket:techresult_list") + "?export=csv")
    assert response.status_code == 200
    assert SECRET not in response.content.decode("utf-8-sig")


def test_an_approved_enterprise_reads_the_confidential_part_and_a_revoked_one_no_longer(
    world, market, login
):
    result = market["own"]
    client = login(world.enterprise)
    response = client.post(
        reverse("techmarket:techresult_access", args=[result.pk]), {"reason": "用于套圈产线"}
    )
    assert response.status_code == 302
    disclosure = Disclosure.objects.get(result=result, enterprise=world.own_enterprise)
    assert disclosure.status == choices.DisclosureStatus.REQUESTED
    assert SECRET not in client.get(result.get_absolute_url()).content.decode()
    # The owner is told, and answers.
    assert world.university.notifications.filter(title__contains="申请查阅").exists()
    owner = login(world.university)
    owner.post(reverse("techmarket:disclosure_decide", args=[disclosure.pk]), {"approve": "1"})
    assert SECRET in client.get(result.get_absolute_url()).content.decode()
    assert world.enterprise.notifications.filter(title__contains="已同意").exists()
    owner.post(reverse("techmarket:disclosure_decide", args=[disclosure.pk]), {"approve": "0"})
    disclosure.refresh_from_db()
    assert disclosure.status == choices.DisclosureStatus.REVOKED
    assert SECRET not in client.get(result.get_absolute_url()).content.decode()
    page = client.get(result.get_absolute_url()).content.decode()
    assert "上次申请的结果" in page and "已收回" in page  # told, and may ask again


def test_a_request_to_read_says_what_for(world, market, login):
    result = market["own"]
    response = login(world.enterprise).post(
        reverse("techmarket:techresult_access", args=[result.pk]), {"reason": " "}, follow=True
    )
    assert "请写明申请说明" in response.content.decode()
    assert not Disclosure.objects.exists()


def test_only_the_owner_or_the_bureau_decides_a_disclosure(world, market, login):
    disclosure = services.request_disclosure(
        market["own"], enterprise=world.own_enterprise, user=world.enterprise
    )
    response = login(world.enterprise).post(
        reverse("techmarket:disclosure_decide", args=[disclosure.pk]), {"approve": "1"}
    )
    assert response.status_code == 403
    disclosure.refresh_from_db()
    assert disclosure.status == choices.DisclosureStatus.REQUESTED


def test_matches_are_seen_by_the_parties_and_the_bureau(world, market, login):
    match = MatchFactory(demand=market["public"], result=market["other"])
    expert = ExpertProfileFactory(person=world.own_person)
    expert_match = MatchFactory(
        demand=market["qixing_public"], kind="expert", result=None, expert=expert
    )
    seen = {
        persona: set(type(match).objects.restrict(user).values_list("pk", flat=True))
        for persona, user in world.personas().items()
    }
    assert seen["staff"] == {match.pk, expert_match.pk}
    assert seen["enterprise"] == {match.pk}  # its own demand
    assert seen["university"] == set()  # neither its result nor, without its account, its expert
    assert seen["town"] == {match.pk}  # Nanming's enterprise
    assert seen["outsider"] == set()
    world.own_person.user = world.university
    world.own_person.save()
    assert type(match).objects.restrict(world.university).filter(pk=expert_match.pk).exists()
