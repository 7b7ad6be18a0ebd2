"""Policies and innovation points: the facts each reads for a year, and their calculations.

`policy_facts(ids, year, caliber)` and `points_values(ids, year)` read, in a fixed number of
queries, what the engines need for a year; `calculate_policy` and `calculate_points` store a
calculation with every enterprise's result and reason, as the current one of its kind.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kechuang.assessment import choices
from kechuang.assessment.models import (
    IntellectualProperty,
    PointsResult,
    PointsRun,
    PointsScheme,
    Policy,
    PolicyOutcome,
    PolicyRun,
    RecognitionFigures,
)
from kechuang.core import changelog
from kechuang.engines.recognition import points as points_engine
from kechuang.engines.recognition import policies as policy_engine
from kechuang.monitoring.models import FinancialRecord, RDRecord
from kechuang.registry.choices import EnterpriseStatus, Level, QualificationKind
from kechuang.registry.models import Enterprise, Qualification, ScaleRecord

WAN = Decimal(10000)
LEVELS = {Level.COUNTY: 1, Level.CITY: 2, Level.PROVINCE: 3, Level.NATIONAL: 4}


class CalculationRefused(Exception):
    """A calculation asked for something that cannot be calculated (said in Chinese)."""


def _wan(value) -> Decimal | None:
    return None if value is None else Decimal(value) / WAN


def _by_enterprise_year(model, ids, years, fields, **filters) -> dict:
    rows = model.objects.filter(enterprise_id__in=ids, year__in=years, **filters).values(
        "enterprise_id", "year", *fields
    )
    return {(row["enterprise_id"], row["year"]): row for row in rows}


def active_ids() -> list[int]:
    return list(
        Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _rd_of(caliber: str, rd_row, fin_row, fig_row) -> Decimal | None:
    if caliber == choices.RdCaliber.STATISTICAL:
        value = (rd_row or {}).get("rd_expense")
    elif caliber == choices.RdCaliber.DEDUCTION:
        value = (fin_row or {}).get("rd_expense_deduction")
    else:
        value = (fig_row or {}).get("rd_expense") or (fin_row or {}).get("rd_expense_hnte")
    return _wan(value)


def policy_facts(ids: list[int], year: int, caliber: str) -> dict[int, dict]:
    """Each enterprise's policy facts for `year` (see policies.FACT_TITLES)."""
    years = (year, year - 1)
    rd = _by_enterprise_year(RDRecord, ids, years, ("rd_expense",), quarter=0)
    fin = _by_enterprise_year(
        FinancialRecord,
        ids,
        years,
        ("revenue", "rd_expense_deduction", "rd_expense_hnte"),
        quarter=0,
    )
    fig = _by_enterprise_year(RecognitionFigures, ids, years, ("rd_expense",))
    scale = {
        row["enterprise_id"]: row["is_above_scale"]
        for row in ScaleRecord.objects.filter(enterprise_id__in=ids, year=year).values(
            "enterprise_id", "is_above_scale"
        )
    }
    year_end = datetime.date(year, 12, 31)
    held = defaultdict(set)
    for row in Qualification.objects.filter(
        Qualification.valid_on_q(year_end),
        enterprise_id__in=ids,
        kind__in=(QualificationKind.HNTE, QualificationKind.TECH_SME),
    ).values("enterprise_id", "kind"):
        held[row["enterprise_id"]].add(row["kind"])
    first_hnte = defaultdict(lambda: None)
    for row in Qualification.objects.filter(
        enterprise_id__in=ids, kind=QualificationKind.HNTE
    ).values("enterprise_id", "issued_on"):
        known = first_hnte[row["enterprise_id"]]
        first_hnte[row["enterprise_id"]] = min(known or 9999, row["issued_on"].year)
    facts = {}
    for base in Enterprise.objects.filter(pk__in=ids).values("pk", "town_id", "industry_id"):
        pk = base["pk"]
        now, before = (pk, year), (pk, year - 1)
        rd_now = _rd_of(caliber, rd.get(now), fin.get(now), fig.get(now))
        rd_before = _rd_of(caliber, rd.get(before), fin.get(before), fig.get(before))
        revenue = _wan((fin.get(now) or {}).get("revenue"))
        facts[pk] = {
            "rd": rd_now,
            "rd_previous": rd_before,
            "rd_increase": None if rd_now is None or rd_before is None else rd_now - rd_before,
            "revenue": revenue,
            "rd_intensity": rd_now / revenue if rd_now is not None and revenue else None,
            "is_above_scale": scale.get(pk),
            "holds_hnte": QualificationKind.HNTE in held[pk],
            "holds_sme": QualificationKind.TECH_SME in held[pk],
            "first_hnte_year": first_hnte[pk],
            "town": base["town_id"],
            "industry": base["industry_id"],
        }
    return facts


def engine_policy(policy: Policy) -> policy_engine.Policy:
    return policy_engine.policy_from_dict(policy_as_dict(policy))


def policy_as_dict(policy: Policy) -> dict:
    """The policy as the engine reads it, amounts in 万元."""
    return {
        "code": policy.code,
        "title": policy.title,
        "kind": policy.kind,
        "basis": policy.basis,
        "rd_caliber": policy.rd_caliber,
        "effective_from": policy.effective_from.isoformat(),
        "effective_to": policy.effective_to.isoformat() if policy.effective_to else None,
        "rate": None if policy.rate is None else str(policy.rate),
        "cap": None if policy.cap is None else str(policy.cap / WAN),
        "amount": None if policy.amount is None else str(policy.amount / WAN),
        "conditions": policy.conditions,
    }


def calculate_policy(policy: Policy, year: int, *, user=None) -> PolicyRun:
    """Apply `policy` to every enterprise in business with `year`'s figures; store the
    outcomes as the policy's current calculation for that year."""
    if not policy.is_active:
        raise CalculationRefused("该政策已停用，不能测算。")
    latest = timezone.localdate().year - 1  # figures of a year are complete once it ends
    first = policy.effective_from.year
    last = min(latest, policy.effective_to.year if policy.effective_to else latest)
    if not first <= year <= last:
        if first > last:
            raise CalculationRefused(f"该政策{first}年起施行，尚无已结束的政策年度可测算。")
        raise CalculationRefused(
            f"政策年度应在{first}年至{last}年之间（政策有效期内、已结束的年度）。"
        )
    try:
        rules = engine_policy(policy)
    except policy_engine.PolicyError as error:
        raise CalculationRefused(str(error)) from None
    ids = active_ids()
    facts = policy_facts(ids, year, policy.rd_caliber)
    outcomes, eligible, total = [], 0, Decimal(0)
    with transaction.atomic(), changelog.recording(user):
        run = PolicyRun.objects.create(
            policy=policy, year=year, policy_as_run=policy_as_dict(policy), computed_by=user
        )
        for pk in ids:
            result = policy_engine.evaluate(rules, facts[pk], year)
            amount = (
                None if result.amount is None else (result.amount * WAN).quantize(Decimal("0.01"))
            )
            if result.verdict == policy_engine.ELIGIBLE:
                eligible += 1
                total += amount
            outcomes.append(
                PolicyOutcome(
                    run=run,
                    enterprise_id=pk,
                    verdict=result.verdict,
                    amount=amount,
                    explanation=result.explanation,
                    checks=[list(check) for check in result.checks],
                )
            )
        PolicyOutcome.objects.bulk_create(outcomes, batch_size=1000)
        run.summary = {"enterprises": len(ids), "eligible": eligible, "total": str(total)}
        run.save(update_fields=["summary"])
        PolicyRun.objects.filter(policy=policy, year=year, is_current=True).exclude(
            pk=run.pk
        ).update(is_current=False)
    return run


def withdraw_policy_run(run: PolicyRun, *, user, reason: str) -> PolicyRun:
    """Take a calculation off the lists (the 免申即享 list, enterprise pages and reports);
    its outcomes stay readable, with who withdrew it and why in the summary."""
    if not run.is_current:
        raise CalculationRefused("该测算已不是当前结果。")
    with transaction.atomic(), changelog.recording(user, reason=reason):
        run.is_current = False
        run.summary = {
            **run.summary,
            "withdrawn_at": timezone.now().isoformat(timespec="seconds"),
            "withdrawn_by": user.username,
            "withdrawn_reason": reason,
        }
        run.save(update_fields=["is_current", "summary"])
    return run


def exempt_outcomes():
    """免申即享: the eligible outcomes of the current calculations of active policies paid
    without an application."""
    return PolicyOutcome.objects.filter(
        run__is_current=True,
        run__policy__no_application=True,
        run__policy__is_active=True,
        verdict=choices.Verdict.ELIGIBLE,
    )


# -- innovation points -------------------------------------------------------------------------


def scheme_in_force(on: datetime.date) -> tuple[PointsScheme, points_engine.PointsScheme]:
    row = (
        PointsScheme.objects.filter(effective_from__lte=on)
        .order_by("-effective_from", "-pk")
        .first()
    )
    if row is None:
        raise CalculationRefused("没有生效的创新积分方案。")
    return row, points_engine.scheme_from_dict(row.scheme)


def save_scheme(scheme: points_engine.PointsScheme, note: str, *, user) -> PointsScheme:
    """A revised scheme as a new version in force from today."""
    today = timezone.localdate()
    count = PointsScheme.objects.filter(version__startswith=f"{today:%Y%m%d}").count()
    version = f"{today:%Y%m%d}" + (f"-{count + 1}" if count else "")
    data = points_engine.scheme_to_dict(scheme)
    data.update(version=version, effective_from=today.isoformat())
    with transaction.atomic(), changelog.recording(user):
        return PointsScheme.objects.create(
            version=version, effective_from=today, scheme=data, note=note
        )


def _ratio(numerator, denominator) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def _growth(now, before) -> Decimal | None:
    if now is None or not before:
        return None
    return Decimal(now) / Decimal(before) - 1


def points_values(ids: list[int], year: int) -> dict[int, tuple[dict, int | None, Decimal | None]]:
    """Per enterprise: the indicator values for `year`, its age and revenue (万元)."""
    years = (year, year - 1)
    rd = _by_enterprise_year(
        RDRecord, ids, years, ("rd_expense", "rd_staff", "valid_inventions"), quarter=0
    )
    fin = _by_enterprise_year(FinancialRecord, ids, years, ("revenue", "employees"), quarter=0)
    fig = _by_enterprise_year(
        RecognitionFigures,
        ids,
        (year,),
        ("total_income", "hightech_income", "tech_contract_turnover"),
    )
    year_end = datetime.date(year, 12, 31)
    inventions = defaultdict(int)
    recorded = set()
    for row in IntellectualProperty.objects.filter(enterprise_id__in=ids).values(
        "enterprise_id", "kind", "granted_on", "expires_on", "lapsed_on"
    ):
        recorded.add(row["enterprise_id"])
        valid = (
            row["granted_on"] <= year_end
            and (row["expires_on"] is None or row["expires_on"] >= year_end)
            and (row["lapsed_on"] is None or row["lapsed_on"] > year_end)
        )
        if valid and row["kind"] in choices.CLASS_ONE_KINDS:
            inventions[row["enterprise_id"]] += 1
    institution = defaultdict(int)
    for row in Qualification.objects.filter(
        Qualification.valid_on_q(year_end),
        enterprise_id__in=ids,
        kind=QualificationKind.RD_INSTITUTION,
    ).values("enterprise_id", "level"):
        institution[row["enterprise_id"]] = max(
            institution[row["enterprise_id"]], LEVELS.get(row["level"], 1)
        )
    values = {}
    for base in Enterprise.objects.filter(pk__in=ids).values("pk", "founded_on"):
        pk = base["pk"]
        rd_now, rd_before = rd.get((pk, year)) or {}, rd.get((pk, year - 1)) or {}
        fin_now, fin_before = fin.get((pk, year)) or {}, fin.get((pk, year - 1)) or {}
        figures = fig.get((pk, year)) or {}
        # The statistics office's year-end count, as the enterprise's page shows it; the IP
        # register where the enterprise files no 107-2.
        if rd_now.get("valid_inventions") is not None:
            patents = Decimal(rd_now["valid_inventions"])
        else:
            patents = Decimal(inventions[pk]) if pk in recorded else None
        indicator_values = {
            "rd_intensity": _ratio(rd_now.get("rd_expense"), fin_now.get("revenue")),
            "rd_staff_share": _ratio(rd_now.get("rd_staff"), fin_now.get("employees")),
            "invention_patents": patents,
            "tech_contract_turnover": _wan(figures.get("tech_contract_turnover")),
            "rd_institution": Decimal(institution[pk]),
            "hightech_income_share": _ratio(
                figures.get("hightech_income"), figures.get("total_income")
            ),
            "revenue_growth": _growth(fin_now.get("revenue"), fin_before.get("revenue")),
            "rd_growth": _growth(rd_now.get("rd_expense"), rd_before.get("rd_expense")),
        }
        founded = base["founded_on"]
        age = None if founded is None else year - founded.year
        values[pk] = (indicator_values, age, _wan(fin_now.get("revenue")))
    return values


def calculate_points(year: int, *, user=None) -> PointsRun:
    """Score every enterprise in business with `year`'s figures and rank them."""
    latest = timezone.localdate().year - 1
    if not 2000 <= year <= latest:
        raise CalculationRefused(f"数据年度应在2000年至{latest}年之间（已结束的年度）。")
    # The scheme is the bureau's method as it stands when the points are calculated.
    row, scheme = scheme_in_force(timezone.localdate())
    ids = active_ids()
    values = points_values(ids, year)
    scored = []
    for pk in ids:
        indicator_values, age, revenue = values[pk]
        scored.append((pk, points_engine.score(indicator_values, age, revenue, scheme)))
    scored.sort(key=lambda item: (-item[1].total, item[0]))
    with transaction.atomic(), changelog.recording(user):
        run = PointsRun.objects.create(scheme=row, year=year, computed_by=user)
        rank, previous = 0, None
        results = []
        for position, (pk, score) in enumerate(scored, start=1):
            if score.total != previous:
                rank, previous = position, score.total
            results.append(
                PointsResult(
                    run=run,
                    enterprise_id=pk,
                    stage=score.stage,
                    total=score.total,
                    rank=rank,
                    items=[
                        {
                            "key": item.key,
                            "title": item.title,
                            "group": item.group,
                            "value": None if item.value is None else str(item.value),
                            "weight": str(item.weight),
                            "points": str(item.points),
                            "explanation": item.explanation,
                        }
                        for item in score.items
                    ],
                )
            )
        PointsResult.objects.bulk_create(results, batch_size=1000)
        stages = defaultdict(int)
        for _pk, score in scored:
            stages[score.stage] += 1
        run.summary = {"enterprises": len(scored), "stages": dict(stages), "scheme": row.version}
        run.save(update_fields=["summary"])
        PointsRun.objects.filter(year=year, is_current=True).exclude(pk=run.pk).update(
            is_current=False
        )
    return run


def current_points_run(year: int | None = None) -> PointsRun | None:
    """The current calculation of `year`, or of the latest year calculated."""
    runs = PointsRun.objects.filter(is_current=True).select_related("scheme")
    if year is not None:
        runs = runs.filter(year=year)
    return runs.order_by("-year", "-computed_at").first()


def points_years() -> list[int]:
    return sorted(
        set(PointsRun.objects.filter(is_current=True).values_list("year", flat=True)), reverse=True
    )


def latest_points(enterprise_id: int) -> PointsResult | None:
    run = current_points_run()
    if run is None:
        return None
    return run.results.filter(enterprise_id=enterprise_id).first()


def enterprise_outcomes(enterprise_id: int):
    """The enterprise's outcomes in every current policy calculation, eligible first."""
    return (
        PolicyOutcome.objects.filter(run__is_current=True, enterprise_id=enterprise_id)
        .select_related("run__policy")
        .order_by("verdict", "-run__year")  # eligible, needs_info, not_eligible
    )
