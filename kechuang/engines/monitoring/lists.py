"""The monitored lists of one year: 研发50强 by spend and by intensity, 研发负增长, 零研发, and
五个全覆盖 coverage of 规上 enterprises.

Every step takes the year's `YearView` and the rules and returns arrays aligned on the
enterprise code (so that later steps and the per-enterprise entries can reuse them) next to
the list's own frame. Orders are deterministic: by the figure descending, ties by
enterprise_id ascending.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kechuang.engines.monitoring.facts import YearView, ratio
from kechuang.engines.monitoring.rules import MonitoringRules


def descending(values: np.ndarray, selected: np.ndarray) -> np.ndarray:
    """Codes where `selected`, by value descending, ties by enterprise_id ascending (codes
    are in id order and the sort is stable)."""
    candidates = np.flatnonzero(selected)
    return candidates[np.argsort(-values[candidates], kind="stable")]


def ranks(n: int, ranked: np.ndarray) -> pd.arrays.IntegerArray:
    """1-based rank of each code in `ranked`; missing (<NA>) for codes not ranked."""
    positions = np.zeros(n, dtype=np.int64)
    positions[ranked] = np.arange(1, len(ranked) + 1)
    return pd.arrays.IntegerArray(positions, positions == 0)


def member(n: int, chosen: np.ndarray) -> np.ndarray:
    """Boolean membership by code of the codes in `chosen`."""
    mask = np.zeros(n, dtype=bool)
    mask[chosen] = True
    return mask


def top(ids: np.ndarray, values: np.ndarray, ranked: np.ndarray, top_n: int) -> pd.DataFrame:
    """The head of a ranking as a list: rank, enterprise_id, value."""
    head = ranked[:top_n]
    return pd.DataFrame(
        {"rank": np.arange(1, len(head) + 1), "enterprise_id": ids[head], "value": values[head]}
    )


# -- 研发50强 ------------------------------------------------------------------------------


def rank_by_spend(view: YearView) -> np.ndarray:
    """Every enterprise with R&D, by R&D expense descending (codes)."""
    rd = view.get("rd_expense")
    return descending(rd, view.present & (rd > 0))


def rank_by_intensity(view: YearView, rules: MonitoringRules) -> np.ndarray:
    """Enterprises by R&D intensity descending (codes), only where R&D and revenue are
    positive and the bureau's eligibility (规上, industry sections, revenue floor) holds."""
    rd = view.get("rd_expense")
    revenue = view.get("revenue")
    eligible = view.present & (rd > 0) & (revenue > 0) & (revenue >= rules.intensity_min_revenue)
    if rules.intensity_above_scale_only:
        eligible &= view.get("is_above_scale")
    if rules.intensity_sections:
        eligible &= np.isin(view.get("industry_section"), list(rules.intensity_sections))
    return descending(view.get("intensity"), eligible)


# -- 负增长 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Declines:
    """Year-on-year R&D change, by code, and the 负增长 list.

    `comparable` marks enterprises with R&D this year and R&D > 0 last year; `drop` is
    previous − current and `drop_ratio` drop / previous (NaN where not comparable); `listed`
    is membership of the list; `frame`: enterprise_id, previous, current, drop, drop_ratio,
    by drop descending.
    """

    comparable: np.ndarray
    drop: np.ndarray
    drop_ratio: np.ndarray
    listed: np.ndarray
    frame: pd.DataFrame


def declines(view: YearView, rules: MonitoringRules) -> Declines:
    """负增长: R&D fell by more than `decline_min_ratio` of last year's.

    drop_ratio is computed as drop / previous, so a fall of exactly the threshold (e.g. 30
    of 100 against 0.30) compares equal and is not "more than" it.
    """
    rd = view.get("rd_expense")
    prev_rd = view.get("previous_rd_expense")
    comparable = view.present & (prev_rd > 0) & ~np.isnan(rd)
    drop = prev_rd - rd
    drop_ratio = ratio(drop, np.where(comparable, prev_rd, 0.0))
    falling = comparable & (drop > 0)
    listed = falling & (drop_ratio > rules.decline_min_ratio)
    codes = descending(drop, listed)
    frame = pd.DataFrame(
        {
            "enterprise_id": view.ids[codes],
            "previous": prev_rd[codes],
            "current": rd[codes],
            "drop": drop[codes],
            "drop_ratio": drop_ratio[codes],
        }
    )
    return Declines(comparable, drop, drop_ratio, listed, frame)


# -- 零研发 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZeroRD:
    """Years of exactly zero R&D running up to this year (`streak`, by code), the 零研发
    list's membership (`listed`) and its frame: enterprise_id, zero_years, longest first."""

    streak: np.ndarray
    listed: np.ndarray
    frame: pd.DataFrame


def zero_rd(view: YearView, rules: MonitoringRules) -> ZeroRD:
    """零研发: R&D exactly zero for at least `zero_rd_min_years` years running (规上 only
    when `zero_rd_above_scale_only`)."""
    streak = view.panel.zero_streak(view.year)
    listed = view.present & (view.get("rd_expense") == 0) & (streak >= rules.zero_rd_min_years)
    if rules.zero_rd_above_scale_only:
        listed &= view.get("is_above_scale")
    codes = descending(streak, listed)
    frame = pd.DataFrame({"enterprise_id": view.ids[codes], "zero_years": streak[codes]})
    return ZeroRD(streak, listed, frame)


# -- 五个全覆盖 ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """五个全覆盖 over the 规上 enterprises of the year.

    `codes`: the 规上 enterprises with a row this year; `missing`: for each of them, the
    tuple of the labels of its uncovered items; `frame`: enterprise_id, one boolean column
    per item key, missing; `summary`: key, label, covered, total, share per item;
    `fully_covered`: how many have every item.
    """

    codes: np.ndarray
    missing: np.ndarray
    frame: pd.DataFrame
    summary: pd.DataFrame
    fully_covered: int


def coverage(view: YearView, rules: MonitoringRules) -> Coverage:
    """Which 五个全覆盖 items each 规上 enterprise has, and the count per item.

    The uncovered items of an enterprise are an int64 bit set (one bit per item), so the
    label tuples are built once per distinct combination, not once per enterprise.
    """
    items = rules.coverage_items
    codes = np.flatnonzero(view.present & view.get("is_above_scale"))
    covered_columns: dict[str, np.ndarray] = {}
    missing_mask = np.zeros(len(codes), dtype=np.int64)
    for bit, item in enumerate(items):
        values = view.get(item.field)[codes].astype(np.float64)
        covered = values > item.min_value if item.op == ">" else values >= item.min_value
        covered_columns[item.key] = covered
        missing_mask |= (~covered).astype(np.int64) << bit
    masks, inverse = np.unique(missing_mask, return_inverse=True)
    mask_labels = np.empty(len(masks), dtype=object)
    mask_labels[:] = [
        tuple(item.label for bit, item in enumerate(items) if mask >> bit & 1)
        for mask in masks.tolist()
    ]
    missing = mask_labels[inverse.reshape(-1)]
    frame = pd.DataFrame({"enterprise_id": view.ids[codes], **covered_columns, "missing": missing})
    total = len(codes)
    summary = pd.DataFrame(
        {
            "key": [item.key for item in items],
            "label": [item.label for item in items],
            "covered": [int(covered_columns[item.key].sum()) for item in items],
            "total": total,
        }
    )
    summary["share"] = summary["covered"] / total if total else np.nan
    return Coverage(codes, missing, frame, summary, int((missing_mask == 0).sum()))
