"""One monitoring run: every list, coverage, class, tier and alert of a year, gathered into a
`MonitoringResult` with one row per enterprise and a JSON summary.

`compute` only orchestrates: it builds the year's view of the facts, runs the steps of
`lists`, `tiers` and `alerts` over it, and assembles their outputs.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from kechuang.engines.monitoring import lists, tiers
from kechuang.engines.monitoring.alerts import find_alerts
from kechuang.engines.monitoring.facts import Panel, YearView
from kechuang.engines.monitoring.keys import (
    ALERT_KINDS,
    LIST_COLUMNS,
    LIST_COVERAGE,
    LIST_DECLINE,
    LIST_TOP_INTENSITY,
    LIST_TOP_SPEND,
    LIST_ZERO_RD,
    TIER_NONE,
    categorical,
)
from kechuang.engines.monitoring.rules import MonitoringRules


@dataclass(frozen=True)
class MonitoringResult:
    """Everything one monitoring run produces for `year`.

    - `top_by_spend`, `top_by_intensity`: rank, enterprise_id, value.
    - `declines`: enterprise_id, previous, current, drop, drop_ratio (by drop, descending).
    - `zero_rd`: 规上 enterprises with zero R&D this year: enterprise_id, zero_years.
    - `coverage`: per 规上 enterprise, one boolean column per item key and `missing` (tuple of
      the labels of the uncovered items); `coverage_summary`: key, label, covered, total, share.
    - `classes`: enterprise_id, innovation_class.
    - `tiers`: enterprise_id, tier, previous_tier; `tier_moves`: from_tier, to_tier, labels,
      count, over the enterprises with data in either year (`absent` for the other year).
    - `alerts`: enterprise_id, kind, message, value.
    - `entries`: one row per enterprise with data this year, with every figure above and
      its membership of each list (`on_top_spend`, ... see `LIST_COLUMNS`).
    - `summary`: JSON-serialisable counts and county totals.
    """

    year: int
    rules: MonitoringRules
    today: date
    top_by_spend: pd.DataFrame
    top_by_intensity: pd.DataFrame
    declines: pd.DataFrame
    zero_rd: pd.DataFrame
    coverage: pd.DataFrame
    coverage_summary: pd.DataFrame
    classes: pd.DataFrame
    tiers: pd.DataFrame
    tier_moves: pd.DataFrame
    alerts: pd.DataFrame
    entries: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Steps:
    """What every step decided for the year, aligned on the enterprise code, so that the
    per-enterprise entries and the summary read the same decisions as the lists."""

    view: YearView
    by_spend: np.ndarray
    by_intensity: np.ndarray
    declines: lists.Declines
    zero_rd: lists.ZeroRD
    coverage: lists.Coverage
    classes: np.ndarray
    ladder: tiers.Ladder
    alerts: pd.DataFrame

    @property
    def codes(self) -> np.ndarray:
        """The enterprises with a row this year, in enterprise_id order."""
        return np.flatnonzero(self.view.present)


def compute(
    facts: pd.DataFrame,
    year: int,
    rules: MonitoringRules | None = None,
    today: date | None = None,
) -> MonitoringResult:
    """Run every monitoring rule for `year` over `facts` (all years up to `year` are used).

    `today` is the reference date of the HNTE expiry alert. It defaults to 31 December of
    `year`, so a stored run is reproducible from its data and rules alone; pass the real date
    for a live view.
    """
    rules = rules or MonitoringRules()
    year, today = _reference(year, today)
    steps = _run_steps(_year_view(facts, year), rules, today)
    ids, codes, ladder = steps.view.ids, steps.codes, steps.ladder
    classes = pd.DataFrame(
        {
            "enterprise_id": ids[codes],
            "innovation_class": categorical(steps.classes[codes], tiers.CLASS_KEYS),
        }
    )
    tier_frame = pd.DataFrame(
        {
            "enterprise_id": ids[codes],
            "tier": categorical(ladder.current[codes], ladder.keys),
            "previous_tier": categorical(ladder.previous[codes], ladder.keys),
        }
    )
    return MonitoringResult(
        year=year,
        rules=rules,
        today=today,
        top_by_spend=lists.top(ids, steps.view.get("rd_expense"), steps.by_spend, rules.top_n),
        top_by_intensity=lists.top(
            ids, steps.view.get("intensity"), steps.by_intensity, rules.top_n
        ),
        declines=steps.declines.frame,
        zero_rd=steps.zero_rd.frame,
        coverage=steps.coverage.frame,
        coverage_summary=steps.coverage.summary,
        classes=classes,
        tiers=tier_frame,
        tier_moves=ladder.moves,
        alerts=steps.alerts,
        entries=_entries(steps, rules, classes, tier_frame),
        summary=_summary(steps, rules, year, today),
    )


def _reference(year: int, today: date | None) -> tuple[int, date]:
    """The year as a plain int (ValueError for anything else) and the reference date: a
    datetime is cut to its date, and none given is 31 December of `year`."""
    if isinstance(year, bool) or not isinstance(year, int | np.integer):
        raise ValueError(f"year must be an integer, got {year!r}")
    year = int(year)
    return year, date(today.year, today.month, today.day) if today else date(year, 12, 31)


def _year_view(facts: pd.DataFrame, year: int) -> YearView:
    """The validated panel's view of `year`; ValueError when no enterprise has a row."""
    panel = Panel(facts)
    if not panel.has_year(year):
        raise ValueError(f"facts has no rows for year {year}")
    view = panel.view(year)
    assert view is not None
    return view


def _run_steps(view: YearView, rules: MonitoringRules, today: date) -> _Steps:
    """Every list, class, tier and alert step over the year's view."""
    previous = view.panel.view(view.year - 1)
    declines = lists.declines(view, rules)
    zero_rd = lists.zero_rd(view, rules)
    return _Steps(
        view=view,
        by_spend=lists.rank_by_spend(view),
        by_intensity=lists.rank_by_intensity(view, rules),
        declines=declines,
        zero_rd=zero_rd,
        coverage=lists.coverage(view, rules),
        classes=tiers.innovation_classes(view, rules),
        ladder=tiers.ladder(view, previous, rules),
        alerts=find_alerts(view, previous, rules, today, zero_rd.streak, declines),
    )


def _entries(
    steps: _Steps, rules: MonitoringRules, classes: pd.DataFrame, tier_frame: pd.DataFrame
) -> pd.DataFrame:
    """One row per enterprise with a row this year: its figures, ranks, class, tiers, and
    its membership of each list as decided here (pages filter on these, never on the
    figures)."""
    view, codes = steps.view, steps.codes
    n = len(view.ids)
    comparable = steps.declines.comparable[codes]
    above = view.get("is_above_scale")
    coverage_missing = np.empty(n, dtype=object)
    coverage_missing.fill(())
    coverage_missing[steps.coverage.codes] = steps.coverage.missing
    return pd.DataFrame(
        {
            "enterprise_id": view.ids[codes],
            "rd_expense": view.get("rd_expense")[codes],
            "revenue": view.get("revenue")[codes],
            "intensity": view.get("intensity")[codes],
            "rank_spend": lists.ranks(n, steps.by_spend)[codes],
            "rank_intensity": lists.ranks(n, steps.by_intensity)[codes],
            "previous_rd_expense": view.get("previous_rd_expense")[codes],
            "drop": np.where(comparable, steps.declines.drop[codes], np.nan),
            "drop_ratio": np.where(comparable, steps.declines.drop_ratio[codes], np.nan),
            "zero_years": steps.zero_rd.streak[codes],
            "is_above_scale": above[codes],
            "coverage_missing": coverage_missing[codes],
            "innovation_class": classes["innovation_class"].array,
            "tier": tier_frame["tier"].array,
            "previous_tier": tier_frame["previous_tier"].array,
            LIST_COLUMNS[LIST_TOP_SPEND]: lists.member(n, steps.by_spend[: rules.top_n])[codes],
            LIST_COLUMNS[LIST_TOP_INTENSITY]: lists.member(n, steps.by_intensity[: rules.top_n])[
                codes
            ],
            LIST_COLUMNS[LIST_DECLINE]: steps.declines.listed[codes],
            LIST_COLUMNS[LIST_ZERO_RD]: steps.zero_rd.listed[codes],
            LIST_COLUMNS[LIST_COVERAGE]: (view.present & above)[codes],
        }
    )


def _share(part: float, whole: float) -> float | None:
    """part / whole, or None (not 0) when there is no whole to share."""
    return float(part) / float(whole) if whole else None


def _summary(steps: _Steps, rules: MonitoringRules, year: int, today: date) -> dict[str, Any]:
    """JSON-serialisable counts of every list, class, tier and alert kind, and the county
    totals of R&D, revenue and R&D institutions over the 规上 enterprises."""
    view, codes = steps.view, steps.codes
    rd = view.get("rd_expense")
    above_codes = steps.coverage.codes
    total_above = len(above_codes)
    above_rd = float(np.nansum(rd[above_codes]))
    above_revenue = float(np.nansum(view.get("revenue")[above_codes]))
    with_institution = int(view.get("has_rd_institution")[above_codes].sum())
    fully_covered = steps.coverage.fully_covered
    tier_keys = steps.ladder.keys[: steps.ladder.keys.index(TIER_NONE) + 1]
    alert_kinds = steps.alerts["kind"]
    return {
        "year": year,
        "rules_version": rules.version,
        "today": today.isoformat(),
        "enterprises": int(view.present.sum()),
        "above_scale": total_above,
        "with_rd": int((view.present & (rd > 0)).sum()),
        "total_rd_expense": float(np.nansum(rd[view.present])),
        "above_scale_rd_expense": above_rd,
        "above_scale_revenue": above_revenue,
        "above_scale_rd_ratio": _share(above_rd, above_revenue),
        "above_scale_with_rd_institution": with_institution,
        "above_scale_rd_institution_share": _share(with_institution, total_above),
        "top_by_spend": int(min(rules.top_n, len(steps.by_spend))),
        "top_by_intensity": int(min(rules.top_n, len(steps.by_intensity))),
        "declines": len(steps.declines.frame),
        "zero_rd": len(steps.zero_rd.frame),
        "coverage_full": fully_covered,
        "coverage_full_share": _share(fully_covered, total_above),
        "classes": {
            key: int((steps.classes[codes] == i).sum()) for i, key in enumerate(tiers.CLASS_KEYS)
        },
        "tiers": {
            key: int((steps.ladder.current[codes] == i).sum()) for i, key in enumerate(tier_keys)
        },
        "alerts": {kind: int((alert_kinds == kind).sum()) for kind in ALERT_KINDS},
    }
