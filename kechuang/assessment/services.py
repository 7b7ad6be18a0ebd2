"""Recognition readiness: the rules in force, one enterprise's assessment, and the county's
assessment run with its 小升高 candidates and expiring certificates."""

import datetime
from collections import Counter
from dataclasses import asdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kechuang.assessment.choices import RuleCode
from kechuang.assessment.facts import FactsLoader
from kechuang.assessment.models import AssessmentResult, AssessmentRun, RecognitionRules
from kechuang.core import changelog
from kechuang.engines import recognition
from kechuang.engines.recognition import rules as rule_sets
from kechuang.engines.recognition.facts import Facts
from kechuang.engines.recognition.results import Assessment
from kechuang.registry.choices import EnterpriseStatus, QualificationKind
from kechuang.registry.models import Enterprise, Qualification

CHUNK = 2000
WRITE_BATCH = 1000


class AssessmentRefused(Exception):
    """An assessment asked for something that cannot be assessed (said in Chinese)."""


def rules_in_force(code: str, on: datetime.date) -> tuple[RecognitionRules, rule_sets.RuleSet]:
    """The stored version of rule set `code` in force on `on`, and the engine's rules.
    The shipped versions are stored by a migration, so reading never writes."""
    row = (
        RecognitionRules.objects.filter(code=code, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from")
        .first()
    )
    if row is None:
        raise AssessmentRefused(f"{on:%Y年%m月%d日}没有生效的{RuleCode(code).label}规则")
    return row, rule_sets.rules_from_dict(row.rules)


def assess_enterprise(
    enterprise: Enterprise, code: str, on: datetime.date | None = None
) -> tuple[Assessment, Facts, dict[str, str], RecognitionRules]:
    """One enterprise's assessment as of `on` (today by default), with the facts it read,
    the source of every figure and the rule version."""
    on = on or timezone.localdate()
    row, rules = rules_in_force(code, on)
    facts, sources = FactsLoader([enterprise.pk], on, code).facts_with_sources(enterprise.pk)
    return recognition.assess_with(facts, rules, on), facts, sources, row


def detail_of(result: Assessment) -> dict:
    """An assessment as stored: criteria and parts as plain dicts, figures as floats."""
    return {
        "criteria": [
            {**asdict(c), "values": {k: _plain(v) for k, v in c.values.items()}}
            for c in result.criteria
        ],
        "parts": [asdict(p) for p in result.parts],
        "figures": {k: _plain(v) for k, v in result.figures.items()},
    }


def _plain(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def result_row(run: AssessmentRun, enterprise_id: int, result: Assessment, held: dict):
    figures = result.figures
    gaps = "\n".join(c.gap for c in result.criteria if c.gap and c.verdict != "met")
    hnte_until = held.get("hnte")
    return AssessmentResult(
        run=run,
        enterprise_id=enterprise_id,
        verdict=result.verdict,
        verdicts={c.key: c.verdict for c in result.criteria},
        met_count=result.met_count,
        closeness=round(result.closeness, 2),
        rd_ratio=_float(figures.get("rd_ratio")),
        rd_threshold=_float(figures.get("rd_threshold")),
        score_min=figures.get("score_min"),
        score_max=figures.get("score_max"),
        score=figures.get("score"),
        gaps=gaps,
        detail=detail_of(result),
        awaiting_experts=result.awaiting_experts,
        holds_hnte=hnte_until is not None,
        holds_sme="sme" in held,
        hnte_valid_until=hnte_until if hnte_until is not True else None,
    )


def _float(value):
    return None if value is None else float(value)


def held_qualifications(ids, on: datetime.date) -> dict[int, dict]:
    """Per enterprise: its HNTE certificate's end date (True when open-ended) and whether
    it holds a 科小 registration, both in force on `on`."""
    held: dict[int, dict] = {}
    for row in Qualification.objects.filter(
        Qualification.valid_on_q(on),
        enterprise_id__in=ids,
        kind__in=(QualificationKind.HNTE, QualificationKind.TECH_SME),
    ).values("enterprise_id", "kind", "valid_until"):
        mine = held.setdefault(row["enterprise_id"], {})
        if row["kind"] == QualificationKind.HNTE:
            until, known = row["valid_until"], mine.get("hnte")
            if until is None or known is True:
                mine["hnte"] = True
            else:
                mine["hnte"] = max(until, known) if known else until
        else:
            mine["sme"] = True
    return held


def run_assessment(
    code: str, on: datetime.date | None = None, *, user=None, report=None
) -> AssessmentRun:
    """Assess every enterprise in business under the rules in force on `on` and store
    the results as the current run of `code`."""
    on = on or timezone.localdate()
    row, rules = rules_in_force(code, on)
    ids = list(
        Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    verdicts: Counter = Counter()
    unmet: Counter = Counter()
    awaiting = 0
    with transaction.atomic(), changelog.recording(user):
        run = AssessmentRun.objects.create(code=code, rules=row, assessed_on=on, computed_by=user)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            loader = FactsLoader(chunk, on, code)
            held = held_qualifications(chunk, on)
            facts = [loader.facts(pk) for pk in chunk]
            results = recognition.assess_many(facts, code, on, versions=(rules,))
            rows = []
            for pk, result in zip(chunk, results, strict=True):
                verdicts[result.verdict] += 1
                awaiting += result.awaiting_experts
                unmet.update(c.key for c in result.criteria if c.verdict == "not_met")
                rows.append(result_row(run, pk, result, held.get(pk, {})))
            AssessmentResult.objects.bulk_create(rows, batch_size=WRITE_BATCH)
            if report is not None:
                report(
                    min(99, int(100 * (start + len(chunk)) / max(1, len(ids)))),
                    f"已测评 {start + len(chunk)} / {len(ids)} 家",
                )
        run.summary = {
            "enterprises": len(ids),
            "verdicts": dict(verdicts),
            "unmet": dict(sorted(unmet.items())),
            "awaiting_experts": awaiting,
            "rules": row.version,
        }
        run.save(update_fields=["summary"])
        AssessmentRun.objects.filter(code=code, is_current=True).exclude(pk=run.pk).update(
            is_current=False
        )
    return run


def current_run(code: str) -> AssessmentRun | None:
    return AssessmentRun.objects.filter(code=code, is_current=True).select_related("rules").first()


def candidates(run: AssessmentRun):
    """小升高: enterprises in a 高企 run that hold a 科小 registration and no valid 高企
    certificate, nearest first."""
    return run.results.filter(holds_sme=True, holds_hnte=False).order_by(
        "-closeness", "enterprise__name_sort"
    )


def listed(queryset, run: AssessmentRun, key: str):
    """The rows of `queryset` (a user's scoped results) on list `key` of `run` ("all",
    "candidates" or "expiring"), in the list's order; the page and the API read it here."""
    chosen = {"candidates": candidates, "expiring": expiring}.get(key)
    rows = chosen(run) if chosen else run.results.order_by("-closeness", "enterprise__name_sort")
    return queryset.filter(pk__in=rows.values("pk")).order_by(*rows.query.order_by, "pk")


def expiring(run: AssessmentRun):
    """高企 whose certificate ends in the run's year or the next, soonest first, with their
    re-recognition readiness."""
    year = run.assessed_on.year
    return run.results.filter(
        holds_hnte=True,
        hnte_valid_until__gte=datetime.date(year, 1, 1),
        hnte_valid_until__lte=datetime.date(year + 1, 12, 31),
    ).order_by("hnte_valid_until", "-closeness")
