"""A match moves proposed -> contacted -> negotiating -> contracted / declined, one stage at a
time, with who, when and why, telling the parties; what a stage needs is refused without it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kechuang.accounts.services import create_user, ensure_standard_roles
from kechuang.core.models import Notification
from kechuang.techmarket import choices, services
from kechuang.techmarket.models import Match, MatchStep
from kechuang.techmarket.tests.factories import MatchFactory, TechDemandFactory, TechResultFactory

pytestmark = pytest.mark.django_db
Status = choices.MatchStatus


@pytest.fixture
def broker(world):
    return create_user(
        "broker", "x", organisation=None, roles=[ensure_standard_roles()["技术经纪人"]]
    )


@pytest.fixture
def accepted(world):
    demand = TechDemandFactory(enterprise=world.own_enterprise)
    result = TechResultFactory(institution=world.own_institution)
    return services.accept(kind="result", candidate=result, demand=demand, user=world.staff)


def test_accepting_a_candidate_makes_a_proposed_match_and_tells_the_parties(world, accepted):
    assert accepted.status == Status.PROPOSED
    assert accepted.handler == world.staff
    assert list(accepted.steps.values_list("from_status", "to_status")) == [("", Status.PROPOSED)]
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"enterprise", "university"}  # not the officer who accepted
    note = Notification.objects.filter(recipient__username="enterprise").get()
    assert note.body.startswith("操作人：新昌县科学技术局·staff")


def test_accepting_the_same_pair_twice_keeps_one_match(world, accepted):
    again = services.accept(
        kind="result", candidate=accepted.result, demand=accepted.demand, user=world.staff
    )
    assert again.pk == accepted.pk
    assert Match.objects.count() == 1


def test_an_enterprise_is_not_offered_its_own_result(world):
    demand = TechDemandFactory(enterprise=world.own_enterprise)
    own = TechResultFactory(institution=None, enterprise=world.own_enterprise)
    with pytest.raises(ValidationError, match="自己的成果"):
        services.accept(kind="result", candidate=own, demand=demand, user=world.staff)


def test_the_whole_way_to_a_contract(world, accepted):
    services.move(accepted, Status.CONTACTED, user=world.staff, note="电话联系")
    services.move(accepted, Status.NEGOTIATING, user=world.enterprise, note="考察实验室")
    today = timezone.localdate()
    match = services.move(
        accepted,
        Status.CONTRACTED,
        user=world.university,
        contract_value=Decimal("600000"),
        contracted_on=today,
    )
    assert match.status == Status.CONTRACTED
    assert match.contract_value == Decimal("600000")
    steps = list(
        MatchStep.objects.filter(match=match).values_list("to_status", "created_by__username")
    )
    assert steps == [
        (Status.PROPOSED, "staff"),
        (Status.CONTACTED, "staff"),
        (Status.NEGOTIATING, "enterprise"),
        (Status.CONTRACTED, "university"),
    ]
    assert match.next_statuses() == ()


@pytest.mark.parametrize(
    ("stage", "to", "message"),
    [
        (Status.PROPOSED, Status.NEGOTIATING, "不能改为“洽谈中”"),  # no skipping
        (Status.PROPOSED, Status.CONTRACTED, "不能改为“已签约”"),
        (Status.CONTRACTED, Status.DECLINED, "不能改为“未成”"),  # a contract stands
        (Status.DECLINED, Status.CONTACTED, "不能改为“已联系”"),
    ],
)
def test_transitions_not_in_the_flow_are_refused(world, stage, to, message):
    match = MatchFactory(status=stage)
    with pytest.raises(ValidationError, match=message):
        services.move(match, to, user=world.staff, reason="x")
    match.refresh_from_db()
    assert match.status == stage
    assert not match.steps.exists()


@pytest.mark.parametrize(
    ("value", "day", "field"),
    [
        (None, "today", "contract_value"),
        (Decimal("0"), "today", "contract_value"),
        (Decimal("1"), None, "contracted_on"),
        (Decimal("1"), "tomorrow", "contracted_on"),
    ],
)
def test_a_contract_needs_a_positive_value_and_a_date_not_ahead(world, value, day, field):
    match = MatchFactory(status=Status.NEGOTIATING)
    today = timezone.localdate()
    on = {"today": today, "tomorrow": today + datetime.timedelta(days=1), None: None}[day]
    with pytest.raises(ValidationError) as raised:
        services.move(
            match, Status.CONTRACTED, user=world.staff, contract_value=value, contracted_on=on
        )
    assert field in raised.value.message_dict
    match.refresh_from_db()
    assert match.status == Status.NEGOTIATING


def test_declining_needs_a_reason(world):
    match = MatchFactory(status=Status.CONTACTED)
    with pytest.raises(ValidationError, match="原因"):
        services.move(match, Status.DECLINED, user=world.staff, reason="  ")
    services.move(match, Status.DECLINED, user=world.staff, reason="报价超出预算")
    match.refresh_from_db()
    assert match.declined_reason == "报价超出预算"


def test_a_stale_page_does_not_overwrite_a_newer_stage(world, accepted):
    services.move(accepted, Status.CONTACTED, user=world.staff)
    with pytest.raises(ValidationError, match="已被他人更新"):
        services.move(
            accepted, Status.DECLINED, user=world.enterprise, reason="x", expected=Status.PROPOSED
        )


def test_the_page_moves_a_match_and_shows_what_is_missing(world, accepted, login):
    client = login(world.enterprise)
    url = reverse("techmarket:match_move", args=[accepted.pk])
    response = client.post(
        url, {"to_status": Status.CONTACTED, "expected": Status.PROPOSED, "note": "已联系"}
    )
    assert response.status_code == 302
    response = client.post(url, {"to_status": Status.DECLINED, "expected": Status.CONTACTED})
    assert response.status_code == 200
    assert "请说明未成的原因" in response.content.decode()
    accepted.refresh_from_db()
    assert accepted.status == Status.CONTACTED


def test_someone_outside_the_match_cannot_move_it(world, accepted, login):
    response = login(world.other_town).post(
        reverse("techmarket:match_move", args=[accepted.pk]),
        {"to_status": Status.CONTACTED, "expected": Status.PROPOSED},
    )
    assert response.status_code == 404
    accepted.refresh_from_db()
    assert accepted.status == Status.PROPOSED


def test_the_api_moves_a_match_and_answers_409_to_a_stale_stage(world, accepted, login):
    client = login(world.staff)
    url = f"/api/techmarket/matches/{accepted.pk}/move/"
    ok = client.post(
        url, {"to_status": "contacted", "expected": "proposed"}, content_type="application/json"
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["status"] == "contacted"
    stale = client.post(
        url, {"to_status": "negotiating", "expected": "proposed"}, content_type="application/json"
    )
    assert stale.status_code == 409
    bad = client.post(url, {"to_status": "contracted"}, content_type="application/json")
    assert bad.status_code == 400


def test_a_draft_result_cannot_become_a_match(world, login):
    demand = TechDemandFactory(enterprise=world.own_enterprise)
    draft = TechResultFactory(institution=world.other_institution, status="draft")
    with pytest.raises(ValidationError, match="尚未发布"):
        services.accept(kind="result", candidate=draft, demand=demand, user=world.staff)
    login(world.staff).post(
        reverse("techmarket:techdemand_accept", args=[demand.pk]),
        {"kind": "result", "candidate": draft.pk},
    )
    assert not Match.objects.exists()


@pytest.mark.parametrize(
    ("persona", "mine", "allowed"),
    [
        ("staff", False, True),
        ("town", True, True),
        ("other_town", False, False),
        ("enterprise", True, True),
        ("broker", False, True),
    ],
)
def test_who_takes_candidates_for_a_demand(world, login, broker, persona, mine, allowed):
    user = broker if persona == "broker" else getattr(world, persona)
    demand = TechDemandFactory(
        enterprise=world.own_enterprise if mine else world.nanming_enterprise
    )
    result = TechResultFactory(institution=world.own_institution)
    response = login(user).post(
        reverse("techmarket:techdemand_accept", args=[demand.pk]),
        {"kind": "result", "candidate": result.pk},
    )
    assert Match.objects.filter(demand=demand).exists() is allowed
    if not allowed:
        assert response.status_code == 403


def test_a_broker_does_not_match_a_bureau_only_demand(world, login, broker):
    demand = TechDemandFactory(
        enterprise=world.own_enterprise, visibility=choices.Visibility.BUREAU
    )
    result = TechResultFactory(institution=world.own_institution)
    response = login(broker).post(
        reverse("techmarket:techdemand_accept", args=[demand.pk]),
        {"kind": "result", "candidate": result.pk},
    )
    assert response.status_code == 404 and not Match.objects.exists()


def test_closing_a_demand_with_matches_under_way_says_so_and_tells_the_parties(
    world, accepted, login
):
    Notification.objects.all().delete()
    response = login(world.enterprise).post(
        reverse("techmarket:techdemand_status", args=[accepted.demand.pk]),
        {"action": "closed"},
        follow=True,
    )
    assert f"仍有 1 个对接在进行中：#{accepted.pk}（已推荐）" in response.content.decode()
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"university", "staff"}  # not the enterprise that closed it
