"""The technology market's operations: publishing, accepting a candidate, moving a match
through its stages, disclosure of a result's confidential part, and event pairings. Views, the
API and the demo call these; each runs in one transaction and tells the parties."""

import datetime
import functools
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kechuang.accounts.models import User
from kechuang.core.changelog import recording
from kechuang.core.notifications import notify
from kechuang.techmarket import choices
from kechuang.techmarket.models import (
    Disclosure,
    EventPairing,
    EventParticipant,
    ExpertProfile,
    Match,
    MatchStep,
    TechDemand,
    TechResult,
)

Status = choices.MatchStatus


def recorded(function):
    """Run a service in one transaction, its writes recorded as the acting user's."""

    @functools.wraps(function)
    def wrapper(*args, user, **kwargs):
        with transaction.atomic(), recording(user):
            return function(*args, user=user, **kwargs)

    return wrapper


# -- who is party to what -----------------------------------------------------------------


def organisation_users(organisation_id: int | None):
    if organisation_id is None:
        return User.objects.none()
    return User.objects.filter(organisation_id=organisation_id, is_active=True)


def party_users(match: Match) -> list[User]:
    """Everyone a match concerns: the enterprise's users, the candidate's (owner institution or
    enterprise, the institution, the expert's own account) and the officer following it."""
    users = list(organisation_users(match.enterprise.organisation_id))
    if match.result_id:
        users += organisation_users(match.result.owner_organisation_id)
    if match.institution_id:
        users += organisation_users(match.institution.organisation_id)
    if match.expert_id and match.expert.person.user_id:
        users.append(match.expert.person.user)
    if match.handler_id:
        users.append(match.handler)
    return users


def can_read_confidential(user, result: TechResult) -> bool:
    """The bureau (with the right, within its scope), the owner, and enterprises the owner has
    approved."""
    if not user.is_authenticated:
        return False
    owner_org = result.owner_organisation_id
    if owner_org is not None and user.organisation_id == owner_org:
        return True
    if user.has_perm("techmarket.view_confidential_techresult") and user.scope_grant().covers(
        result, TechResult.scope_paths
    ):
        return True
    if user.organisation_id is None:
        return False
    return Disclosure.objects.filter(
        result=result,
        enterprise__organisation_id=user.organisation_id,
        status=choices.DisclosureStatus.APPROVED,
    ).exists()


# -- results and demands --------------------------------------------------------------------


@recorded
def publish_result(result: TechResult, *, user) -> TechResult:
    result.status = choices.ResultStatus.PUBLISHED
    result.published_on = result.published_on or timezone.localdate()
    result.save()
    return result


@recorded
def withdraw_result(result: TechResult, *, user) -> TechResult:
    result.status = choices.ResultStatus.WITHDRAWN
    result.save()
    return result


@recorded
def open_demand(demand: TechDemand, *, user) -> TechDemand:
    demand.status = choices.DemandStatus.OPEN
    demand.published_on = demand.published_on or timezone.localdate()
    demand.closed_on = None
    demand.save()
    return demand


@recorded
def close_demand(demand: TechDemand, *, user, solved: bool) -> list[Match]:
    """Close a demand (solved, or withdrawn); the parties of its matches still open are told,
    and those matches are returned for the user to settle."""
    demand.status = choices.DemandStatus.SOLVED if solved else choices.DemandStatus.CLOSED
    demand.closed_on = timezone.localdate()
    demand.save()
    still_open = list(
        Match.objects.filter(demand=demand, status__in=choices.OPEN_MATCH_STATUSES).select_related(
            "enterprise", "result", "institution", "expert__person", "handler"
        )
    )
    for match in still_open:
        notify(
            party_users(match),
            f"需求已{demand.get_status_display()}：{demand.title}",
            url=match.get_absolute_url(),
            body=f"对接 #{match.pk} 仍为“{match.get_status_display()}”，请更新其进展。",
            actor=user,
        )
    return still_open


# -- matches --------------------------------------------------------------------------------


def candidate_fields(kind: str, candidate) -> dict:
    if kind == choices.CandidateKind.RESULT:
        return {"result": candidate}
    if kind == choices.CandidateKind.EXPERT:
        return {"expert": candidate}
    if kind == choices.CandidateKind.INSTITUTION:
        return {"institution": candidate}
    raise ValueError(f"unknown candidate kind {kind!r}")


def existing_match(*, demand=None, enterprise=None, kind: str, candidate) -> Match | None:
    rows = Match.objects.filter(**candidate_fields(kind, candidate))
    rows = (
        rows.filter(demand=demand)
        if demand is not None
        else rows.filter(demand__isnull=True, enterprise=enterprise)
    )
    return rows.first()


@recorded
def accept(
    *,
    kind: str,
    candidate,
    user,
    demand: TechDemand | None = None,
    enterprise=None,
    score: float | None = None,
    explanation: dict | None = None,
    source: str = choices.MatchSource.ENGINE,
    note: str = "",
    event=None,
) -> Match:
    """Accept a candidate for a demand (or offer a result to an enterprise): a match in the
    proposed stage, the step recorded, the parties told. Accepting the same pair twice
    returns the match already there."""
    enterprise = demand.enterprise if demand is not None else enterprise
    if enterprise is None:
        raise ValidationError("需要技术需求或需求企业。")
    if kind == choices.CandidateKind.RESULT and candidate.enterprise_id == enterprise.pk:
        raise ValidationError("不能把企业自己的成果推荐给它自己。")
    if kind == choices.CandidateKind.RESULT and candidate.status != choices.ResultStatus.PUBLISHED:
        raise ValidationError(f"成果“{candidate.title}”尚未发布或已下线，不能进入对接。")
    if (
        kind == choices.CandidateKind.EXPERT
        and source != choices.MatchSource.EVENT
        and not candidate.accepts_matching
    ):
        raise ValidationError(f"专家{candidate}不接受对接推荐。")
    found = existing_match(demand=demand, enterprise=enterprise, kind=kind, candidate=candidate)
    if found is not None:
        return found
    now = timezone.now()
    try:
        with transaction.atomic():
            match = Match.objects.create(
                demand=demand,
                enterprise=enterprise,
                kind=kind,
                score=score,
                explanation=explanation or {},
                source=source,
                handler=user if user.has_perm("techmarket.match_techdemand") else None,
                stage_since=now,
                event=event,
                **candidate_fields(kind, candidate),
            )
    except IntegrityError:  # accepted by someone else at the same moment
        return existing_match(demand=demand, enterprise=enterprise, kind=kind, candidate=candidate)
    MatchStep.objects.create(
        match=match, from_status="", to_status=Status.PROPOSED, at=now, note=note
    )
    subject = demand.title if demand is not None else enterprise.name
    notify(
        party_users(match),
        f"新的对接推荐：{subject} ↔ {match.candidate}",
        url=match.get_absolute_url(),
        body=note,
        actor=user,
    )
    return match


def can_move(user, match: Match) -> bool:
    return Match.objects.restrict(user, "change").filter(pk=match.pk).exists()


@recorded
def move(
    match: Match,
    to_status: str,
    *,
    user,
    note: str = "",
    expected: str | None = None,
    contract_value: Decimal | None = None,
    contracted_on: datetime.date | None = None,
    reason: str = "",
) -> Match:
    """Move a match one stage on (or to declined), recording who, when and why. `expected`
    is the stage the user saw: if someone moved the match meanwhile, nothing is written."""
    locked = Match.objects.select_for_update().get(pk=match.pk)
    if expected is not None and locked.status != expected:
        raise ValidationError(
            f"该对接已被他人更新为“{locked.get_status_display()}”，请刷新页面后再操作。"
        )
    if to_status not in locked.next_statuses():
        raise ValidationError(
            f"“{locked.get_status_display()}”的对接不能改为“{Status(to_status).label}”。"
        )
    if to_status == Status.CONTRACTED:
        if contract_value is None or contract_value <= 0:
            raise ValidationError({"contract_value": "签约须填写大于 0 的合同金额。"})
        if contracted_on is None:
            raise ValidationError({"contracted_on": "签约须填写签约日期。"})
        if contracted_on > timezone.localdate():
            raise ValidationError({"contracted_on": "签约日期不能晚于今天。"})
        locked.contract_value = contract_value
        locked.contracted_on = contracted_on
    if to_status == Status.DECLINED:
        if not reason.strip():
            raise ValidationError({"reason": "请说明未成的原因。"})
        locked.declined_reason = reason.strip()
    now = timezone.now()
    previous = locked.status
    locked.status = to_status
    locked.stage_since = now
    if locked.handler_id is None and user.has_perm("techmarket.match_techdemand"):
        locked.handler = user
    locked.save()
    MatchStep.objects.create(
        match=locked, from_status=previous, to_status=to_status, at=now, note=note or reason
    )
    notify(
        party_users(locked),
        f"对接进展：{locked}（{Status(to_status).label}）",
        url=locked.get_absolute_url(),
        body=note or reason,
        actor=user,
    )
    return locked


# -- disclosure -----------------------------------------------------------------------------


@recorded
def request_disclosure(result: TechResult, *, enterprise, user, reason: str = "") -> Disclosure:
    disclosure, created = Disclosure.objects.get_or_create(
        result=result, enterprise=enterprise, defaults={"reason": reason}
    )
    if not created and disclosure.status in (
        choices.DisclosureStatus.DECLINED,
        choices.DisclosureStatus.REVOKED,
    ):
        disclosure.status = choices.DisclosureStatus.REQUESTED
        disclosure.reason = reason
        disclosure.decided_by = None
        disclosure.decided_at = None
        disclosure.save()
    elif not created:
        return disclosure
    notify(
        organisation_users(result.owner_organisation_id),
        f"{enterprise.name} 申请查阅成果保密内容：{result.title}",
        url=result.get_absolute_url(),
        body=reason,
        actor=user,
    )
    return disclosure


@recorded
def decide_disclosure(disclosure: Disclosure, *, approve: bool, user) -> Disclosure:
    """The owner's answer; an approval can later be revoked the same way (approve=False)."""
    if approve:
        disclosure.status = choices.DisclosureStatus.APPROVED
    elif disclosure.status == choices.DisclosureStatus.APPROVED:
        disclosure.status = choices.DisclosureStatus.REVOKED
    else:
        disclosure.status = choices.DisclosureStatus.DECLINED
    disclosure.decided_by = user
    disclosure.decided_at = timezone.now()
    disclosure.save()
    notify(
        organisation_users(disclosure.enterprise.organisation_id),
        f"成果保密内容查阅申请{disclosure.get_status_display()}：{disclosure.result.title}",
        url=disclosure.result.get_absolute_url(),
        actor=user,
    )
    return disclosure


# -- events ---------------------------------------------------------------------------------


def participant_candidate(participant: EventParticipant, result: TechResult | None):
    """What a provider at an event offers, as a match candidate: the result discussed, or the
    institution or expert themselves."""
    if result is not None:
        return choices.CandidateKind.RESULT, result
    if participant.institution_id:
        return choices.CandidateKind.INSTITUTION, participant.institution
    if participant.expert_id:
        return choices.CandidateKind.EXPERT, participant.expert
    return None, None


@recorded
def record_pairing(pairing: EventPairing, *, user) -> EventPairing:
    """Save a pairing; when the seeker is an enterprise and the provider offers a result, an
    institution or an expert, follow it as a match (signed on the day: contracted)."""
    pairing.save()
    seeker = pairing.seeker
    kind, candidate = participant_candidate(pairing.provider, pairing.result)
    if seeker.enterprise_id is None or candidate is None or pairing.match_id:
        return pairing
    if pairing.outcome == choices.PairingOutcome.NONE:
        return pairing
    match = accept(
        kind=kind,
        candidate=candidate,
        user=user,
        demand=pairing.demand,
        enterprise=seeker.enterprise,
        source=choices.MatchSource.EVENT,
        note=f"对接会：{pairing.event.title}",
        event=pairing.event,
    )
    if (
        pairing.outcome in (choices.PairingOutcome.INTENT, choices.PairingOutcome.SIGNED)
        and match.status == Status.PROPOSED
    ):
        match = move(match, Status.CONTACTED, user=user, note="对接会现场对接")
        match = move(match, Status.NEGOTIATING, user=user, note="对接会达成意向")
    if pairing.outcome == choices.PairingOutcome.SIGNED and match.status == Status.NEGOTIATING:
        match = move(
            match,
            Status.CONTRACTED,
            user=user,
            note="对接会现场签约",
            contract_value=pairing.amount,
            contracted_on=min(pairing.event.held_on, timezone.localdate()),
        )
    pairing.match = match
    pairing.save(update_fields=["match"])
    return pairing


def expert_for_person(person) -> ExpertProfile | None:
    return ExpertProfile.objects.filter(person=person).first()
