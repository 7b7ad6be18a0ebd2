"""The market's funnel: demands posted → matched → contacted → negotiating → contracted, the
contract value, how long matches stay at each stage, by technology field and by town, and
the demands left unanswered longest. Everything is read within the user's scope."""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from kechuang.techmarket import choices
from kechuang.techmarket.models import Match, MatchStep, TechDemand

Status = choices.MatchStatus
STAGES = (Status.PROPOSED, Status.CONTACTED, Status.NEGOTIATING, Status.CONTRACTED)
ADVANCED = (Status.CONTACTED, Status.NEGOTIATING, Status.CONTRACTED)


@dataclass
class Row:
    """One line of a breakdown: demands reaching each stage, and the contracts' value."""

    key: str
    label: str
    posted: int = 0
    reached: dict = field(default_factory=lambda: {s: 0 for s in STAGES})
    value: Decimal = Decimal(0)

    @property
    def conversion(self) -> float | None:
        return self.reached[Status.CONTRACTED] / self.posted if self.posted else None


@dataclass
class Funnel:
    year: int | None
    total: Row
    matches_reached: dict
    offers: int
    offer_contracts: int
    contract_value: Decimal
    stage_days: list[dict]
    by_field: list[Row]
    by_town: list[Row]
    unanswered: list[dict]
    offer_declined: int

    @property
    def stages(self) -> list[dict]:
        """The funnel's bars: demands at each stage and the share of those posted."""
        bars = [
            {
                "label": "已发布需求",
                "count": self.total.posted,
                "share": 1.0 if self.total.posted else None,
            }
        ]
        labels = {
            Status.PROPOSED: "已匹配",
            Status.CONTACTED: "已联系",
            Status.NEGOTIATING: "洽谈中",
            Status.CONTRACTED: "已签约",
        }
        for stage in STAGES:
            count = self.total.reached[stage]
            bars.append(
                {
                    "label": labels[stage],
                    "count": count,
                    "share": count / self.total.posted if self.total.posted else None,
                }
            )
        return bars


def is_offer(match: Match) -> bool:
    """A result the bureau offered to an enterprise unasked (not a pairing at an event)."""
    return (
        match.demand_id is None
        and match.kind == choices.CandidateKind.RESULT
        and match.source != choices.MatchSource.EVENT
    )


def reached_stages(steps: list[MatchStep]) -> set[str]:
    return {s.to_status for s in steps}


def build(user, *, year: int | None = None, field_names: dict | None = None) -> Funnel:
    """The funnel of the demands published in `year` (all years when None)."""
    field_names = field_names or choices.field_names()
    visible_matches = Match.objects.restrict(user)
    demands = TechDemand.objects.restrict(user).filter(
        Q(pk__in=TechDemand.objects.restrict(user, shared=False).values("pk"))
        | Q(pk__in=visible_matches.filter(demand__isnull=False).values("demand"))
    )
    demands = demands.exclude(status=choices.DemandStatus.DRAFT)
    if year:
        demands = demands.filter(published_on__year=year)
    demands = list(demands.select_related("enterprise__town"))
    demand_ids = {d.pk for d in demands}
    offered = Q(demand__isnull=True, created_at__year=year) if year else Q(demand__isnull=True)
    matches = list(
        visible_matches.filter(Q(demand__in=demand_ids) | offered).select_related(
            "enterprise__town"
        )
    )
    steps: dict[int, list[MatchStep]] = defaultdict(list)
    for step in MatchStep.objects.filter(match__in=[m.pk for m in matches]).order_by("at", "pk"):
        steps[step.match_id].append(step)

    total = Row("all", "合计")
    by_field: dict[str, Row] = {}
    by_town: dict[str, Row] = {}
    demand_reached: dict[int, set[str]] = defaultdict(set)
    demand_value: dict[int, Decimal] = defaultdict(Decimal)
    matches_reached = {s: 0 for s in STAGES}
    offers = offer_contracts = offer_declined = 0
    contract_value = Decimal(0)
    durations: dict[str, list[float]] = {s: [] for s in STAGES[:-1]}
    now = timezone.now()
    for match in matches:
        reached = reached_stages(steps[match.pk]) | {match.status}
        for stage in STAGES:
            if stage in reached:
                matches_reached[stage] += 1
        if match.status == Status.CONTRACTED and match.contract_value:
            contract_value += match.contract_value
        if match.demand_id in demand_ids:
            demand_reached[match.demand_id] |= reached
            if match.status == Status.CONTRACTED and match.contract_value:
                demand_value[match.demand_id] += match.contract_value
        elif is_offer(match):
            offers += 1
            offer_contracts += match.status == Status.CONTRACTED
            offer_declined += match.status == Status.DECLINED
        ordered = steps[match.pk]
        for here, after in zip(ordered, [*ordered[1:], None][: len(ordered)], strict=True):
            if here.to_status not in durations:
                continue
            end = after.at if after is not None else (now if match.is_open else None)
            if end is not None:
                durations[here.to_status].append((end - here.at).total_seconds() / 86400)

    for demand in demands:
        town = demand.enterprise.town
        rows = [
            total,
            by_field.setdefault(
                demand.field or "",
                Row(demand.field or "", field_names.get(demand.field, "未填领域").split("／")[-1]),
            ),
            by_town.setdefault(
                town.code if town else "",
                Row(town.code if town else "", town.name if town else "未填乡镇"),
            ),
        ]
        reached = demand_reached.get(demand.pk, set())
        for row in rows:
            row.posted += 1
            row.value += demand_value.get(demand.pk, Decimal(0))
            for stage in STAGES:
                if stage in reached:
                    row.reached[stage] += 1

    today = timezone.localdate()
    unanswered = [
        {
            "demand": d,
            "days": (today - d.published_on).days if d.published_on else None,
            "proposed": Status.PROPOSED in demand_reached.get(d.pk, set()),
        }
        for d in demands
        if d.status == choices.DemandStatus.OPEN
        and not (demand_reached.get(d.pk, set()) & set(ADVANCED))
    ]
    unanswered.sort(
        key=lambda item: (item["days"] is None, -(item["days"] or 0), item["demand"].pk)
    )

    stage_days = [
        {
            "stage": Status(stage).label,
            "count": len(values),
            "median": statistics.median(values) if values else None,
            "mean": statistics.fmean(values) if values else None,
        }
        for stage, values in durations.items()
    ]
    return Funnel(
        year=year,
        total=total,
        matches_reached=matches_reached,
        offers=offers,
        offer_contracts=offer_contracts,
        contract_value=contract_value,
        stage_days=stage_days,
        by_field=sorted(by_field.values(), key=lambda r: (-r.posted, r.key)),
        by_town=sorted(by_town.values(), key=lambda r: r.key or "~"),
        unanswered=unanswered[:20],
        offer_declined=offer_declined,
    )
