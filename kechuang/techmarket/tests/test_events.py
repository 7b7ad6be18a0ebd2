"""产学研金 events: attendance and pairings are recorded from the day the event is held, only
between participants who came; a pairing with an enterprise and a provider is followed as a
match, and a deal signed on the day is not signed twice."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kechuang.techmarket import choices, forms, services
from kechuang.techmarket.models import EventParticipant, Match, MatchmakingEvent
from kechuang.techmarket.tests.factories import TechResultFactory

pytestmark = pytest.mark.django_db
Kind = choices.ParticipantKind


def event_on(day, status=choices.EventStatus.HELD):
    return MatchmakingEvent.objects.create(
        title="轴承产业产学研金对接会", held_on=day, region_id="330624", status=status
    )


@pytest.fixture
def held(world):
    event = event_on(timezone.localdate() - datetime.timedelta(days=3))
    seeker = EventParticipant.objects.create(
        event=event, kind=Kind.ENTERPRISE, enterprise=world.own_enterprise, attended=True
    )
    provider = EventParticipant.objects.create(
        event=event, kind=Kind.INSTITUTION, institution=world.own_institution, attended=True
    )
    bank = EventParticipant.objects.create(event=event, kind=Kind.BANK, name="新昌农商银行")
    result = TechResultFactory(institution=world.own_institution)
    return event, seeker, provider, bank, result


def pairing_form(world, event, seeker, provider, **data):
    values = {
        "event": event.pk,
        "seeker": seeker.pk,
        "provider": provider.pk,
        "outcome": choices.PairingOutcome.SIGNED,
        "amount": "80",
    } | data
    return forms.EventPairingForm(values, user=world.staff, event=event)


def test_a_pairing_signed_on_the_day_becomes_a_contracted_match(world, held, login):
    event, seeker, provider, _, result = held
    form = pairing_form(world, event, seeker, provider, result=result.pk)
    assert form.is_valid(), form.errors
    pairing = services.record_pairing(form.save(commit=False), user=world.staff)
    match = pairing.match
    assert match.status == choices.MatchStatus.CONTRACTED
    assert match.contract_value == Decimal("800000")
    assert match.contracted_on == event.held_on
    assert match.source == choices.MatchSource.EVENT and match.event == event
    steps = list(match.steps.values_list("to_status", flat=True))
    assert steps == ["proposed", "contacted", "negotiating", "contracted"]
    page = login(world.staff).get(match.get_absolute_url()).content.decode()
    assert "对接会配对" in page and "成果主动推荐" not in page


def test_the_same_deal_is_not_signed_twice(world, held):
    event, seeker, provider, _, result = held
    first = pairing_form(world, event, seeker, provider, result=result.pk)
    assert first.is_valid(), first.errors
    services.record_pairing(first.save(commit=False), user=world.staff)
    again = pairing_form(world, event, seeker, provider, result=result.pk, amount="60")
    assert not again.is_valid()
    assert "不能再登记一次现场签约" in again.errors["outcome"][0]
    intent = pairing_form(
        world, event, seeker, provider, result=result.pk, outcome=choices.PairingOutcome.INTENT
    )
    assert intent.is_valid(), intent.errors


def test_no_pairing_with_a_participant_who_did_not_come(world, held):
    event, seeker, provider, _, _ = held
    seeker.attended = False
    seeker.save()
    form = pairing_form(world, event, seeker, provider)
    assert not form.is_valid()
    assert "记为未到" in form.errors["seeker"][0]
    seeker.attended = None  # not recorded yet: the officer may record pairings first
    seeker.save()
    assert pairing_form(world, event, seeker, provider).is_valid()


@pytest.mark.parametrize(
    ("days", "status", "allowed"),
    [
        (0, choices.EventStatus.HELD, True),
        (-1, choices.EventStatus.HELD, True),
        (1, choices.EventStatus.PLANNED, False),
        (-1, choices.EventStatus.CANCELLED, False),
    ],
)
def test_pairings_wait_for_the_day_of_the_event(world, days, status, allowed):
    event = event_on(timezone.localdate() + datetime.timedelta(days=days), status)
    seeker = EventParticipant.objects.create(
        event=event, kind=Kind.ENTERPRISE, enterprise=world.own_enterprise
    )
    provider = EventParticipant.objects.create(
        event=event, kind=Kind.INSTITUTION, institution=world.own_institution
    )
    form = pairing_form(world, event, seeker, provider, outcome=choices.PairingOutcome.TALKED)
    assert form.is_valid() is allowed
    if not allowed:
        assert form.non_field_errors()


def test_attendance_waits_for_the_day_of_the_event(client, world):
    event = event_on(timezone.localdate() + datetime.timedelta(days=5), "planned")
    participant = EventParticipant.objects.create(
        event=event, kind=Kind.ENTERPRISE, enterprise=world.own_enterprise
    )
    client.force_login(world.staff)
    url = reverse("techmarket:eventparticipant_update", args=[event.pk, participant.pk])
    response = client.post(url, {"attended": "true", "invitation": "accepted"}, follow=True)
    participant.refresh_from_db()
    assert participant.attended is None
    assert "举行当天起才能登记到场情况" in response.content.decode()
    page = client.get(event.get_absolute_url()).content.decode()
    assert 'data-testid="before-the-day"' in page
    assert 'name="attended"' not in page and 'data-testid="pairing-form"' not in page
    form = forms.EventParticipantForm(
        {"event": event.pk, "kind": Kind.FUND, "name": "绍兴科创基金", "attended": "true"},
        user=world.staff,
    )
    assert not form.is_valid() and "举行当天起" in form.errors["attended"][0]


def test_a_participant_without_a_type_is_asked_for_the_type(world, held):
    event = held[0]
    form = forms.EventParticipantForm({"event": event.pk}, user=world.staff)
    assert not form.is_valid()
    assert "kind" in form.errors and "name" not in form.errors


def test_the_event_page_counts_financiers_invited_and_present(client, world, held):
    event, *_ = held
    EventParticipant.objects.create(event=event, kind=Kind.FUND, name="绍兴科创基金", attended=True)
    client.force_login(world.staff)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "邀请 4 家（其中银行、基金 2 家）" in page
    assert "到场 3 家（其中银行、基金 1 家）" in page
    assert Match.objects.count() == 0
