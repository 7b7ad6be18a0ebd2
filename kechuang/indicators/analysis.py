"""Where a county stands, why, and how sure the rank is: read from index builds."""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.core.cache import cache

from kechuang.engines import composite
from kechuang.engines.composite import uncertainty
from kechuang.engines.composite.pipeline import Build
from kechuang.indicators import services

MONTE_CARLO_RUNS = 500


@dataclass
class Standing:
    code: str
    name: str
    score: float | None
    rank: int | None
    previous_rank: int | None

    @property
    def moved(self) -> int | None:
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


def rank_of(build: Build | None, unit: str, code: str) -> int | None:
    if build is None or unit not in build.ranks.index or pd.isna(build.ranks.at[unit, code]):
        return None
    return int(build.ranks.at[unit, code])


def score_of(build: Build, unit: str, code: str) -> float | None:
    if unit not in build.aggregated.index or pd.isna(build.aggregated.at[unit, code]):
        return None
    return float(build.aggregated.at[unit, code])


def standings(build: Build, previous: Build | None, unit: str) -> list[Standing]:
    """The index and each pillar: score, rank, last year's rank."""
    framework = build.framework
    order = [framework.top] + [
        e for level in range(framework.depth - 1, 1, -1) for e in framework.at_level(level)
    ]
    return [
        Standing(
            e.code,
            e.label,
            score_of(build, unit, e.code),
            rank_of(build, unit, e.code),
            rank_of(previous, unit, e.code),
        )
        for e in order
    ]


def indicator_table(build: Build, unit: str, names: dict[str, str]) -> list[dict]:
    """Each indicator of a unit: its value as used, its rank among all units, the median."""
    rows = []
    for element in build.framework.indicators:
        column = build.denominated[element.code]
        value = column.get(unit)
        ordered = column * element.direction
        rank = None
        if value is not None and not pd.isna(value):
            rank = int((ordered > ordered[unit]).sum() + 1)
        rows.append(
            {
                "code": element.code,
                "name": element.label or names.get(element.code, element.code),
                "pillar": build.framework.by_code[element.parent].label,
                "value": None if value is None or pd.isna(value) else float(value),
                "median": float(column.median()) if column.notna().any() else None,
                "rank": rank,
                "count": int(column.notna().sum()),
                "normalised": _none(build.normalised.at[unit, element.code])
                if unit in build.normalised.index
                else None,
                "denominated": bool(element.denominator and build.methods.denominate),
            }
        )
    return rows


def _none(value):
    return None if value is None or pd.isna(value) else float(value)


def decomposition(build: Build, unit: str) -> pd.DataFrame:
    """Each indicator's pull on the unit's score against the average unit: (own normalised
    value − mean) × effective weight, in index points. Sums to the score's distance from the
    average score under the weighted arithmetic mean with no gaps."""
    table = composite.contributions(build, unit)
    return table.sort_values("versus_mean", ascending=False)


def changes(build: Build, previous: Build | None, unit: str) -> pd.DataFrame | None:
    """Each indicator's contribution this year against last year, in index points."""
    if previous is None or unit not in previous.normalised.index:
        return None
    now = composite.contributions(build, unit).set_index("code")
    before = composite.contributions(previous, unit).set_index("code")
    table = now[["name", "pillar", "contribution"]].copy()
    table["before"] = before["contribution"].reindex(table.index)
    table["change"] = table["contribution"] - table["before"]
    return table.reset_index().sort_values("change", ascending=False)


def rank_interval(year: int, units: list[str]) -> pd.DataFrame:
    """Median rank and 5–95% interval from a Monte-Carlo over weights (±25%) and method choices
    (imputation, normalisation, aggregation), cached until a value or the framework changes."""
    row = services.current_framework()
    key = f"indicators:uncertainty:{row.pk}:{year}:{services.data_stamp()}"
    summary = cache.get(key)
    if summary is None:
        framework = services.engine_framework(row)
        raw = services.raw_table(
            year, framework, list(services.county_units().values_list("code", flat=True))
        )
        result = uncertainty.monte_carlo(
            raw, framework, services.engine_methods(row), runs=MONTE_CARLO_RUNS, seed=year
        )
        summary = result.summary()
        cache.set(key, summary, 3600)
    return summary.reindex(units)


def trend(
    builds: dict[int, Build], units: list[str]
) -> dict[str, dict[int, tuple[float | None, int | None]]]:
    """(score, rank) of the index per unit and year."""
    series = {unit: {} for unit in units}
    for year, build in builds.items():
        top = build.index_code
        for unit in units:
            series[unit][year] = (score_of(build, unit, top), rank_of(build, unit, top))
    return series


def map_values(build: Build, metric: str) -> list[dict]:
    """Each unit's value of the metric (an aggregate's score or an indicator as used) and its
    rank among the units, best first."""
    if metric in build.aggregated.columns and metric not in build.denominated.columns:
        column, direction = build.aggregated[metric], 1
    elif metric in build.denominated.columns:
        column, direction = build.denominated[metric], build.framework.by_code[metric].direction
    else:
        column, direction = build.aggregated[build.index_code], 1
    ordered = column * direction
    return [
        {"name": unit, "value": float(value), "rank": int((ordered > ordered[unit]).sum() + 1)}
        for unit, value in column.items()
        if not np.isnan(value)
    ]


def gap_to_next(build: Build, unit: str) -> dict | None:
    """What separates a unit from the one ranked just above it: each indicator's contribution
    to the index, own minus theirs, largest shortfall first."""
    top = build.index_code
    rank = rank_of(build, unit, top)
    if rank is None or rank == 1:
        return None
    ranks = build.ranks[top]
    above = ranks[ranks < rank]
    rival = above.idxmax()
    own = composite.contributions(build, unit).set_index("code")
    theirs = composite.contributions(build, rival).set_index("code")
    table = own[["name", "pillar"]].copy()
    table["difference"] = own["contribution"] - theirs["contribution"]
    table = table.dropna(subset=["difference"]).sort_values("difference")
    return {
        "rival": rival,
        "rank": int(ranks[rival]),
        "score_gap": float(build.aggregated.at[rival, top] - build.aggregated.at[unit, top]),
        "rows": table.reset_index().to_dict("records"),
    }


def yearly_ranks(builds: dict[int, Build], unit: str) -> list[dict]:
    """The unit's rank, overall and per pillar, in each year, newest first."""
    rows = []
    for year, build in sorted(builds.items(), reverse=True):
        framework = build.framework
        pillars = framework.at_level(framework.depth - 1)
        rows.append(
            {
                "year": year,
                "index": rank_of(build, unit, build.index_code),
                "score": score_of(build, unit, build.index_code),
                "pillars": [rank_of(build, unit, p.code) for p in pillars],
            }
        )
    return rows


def headline() -> dict | None:
    """For the landing page: the county's index rank and score in the latest year, its best
    pillar, its R&D/GDP with its rank, and the nearest R&D/GDP target."""
    from kechuang.indicators.models import Target
    from kechuang.indicators.targets import progress

    years = services.index_years()
    if not years:
        return None
    year = years[-1]
    home = services.home_region()
    build = services.build_year(year)
    if home.code not in build.aggregated.index:
        return None
    top = build.index_code
    pillars = build.framework.at_level(build.framework.depth - 1)
    best = min(pillars, key=lambda p: rank_of(build, home.code, p.code) or 10**6)
    rd_gdp = build.raw["rd_gdp"] if "rd_gdp" in build.raw.columns else None
    figure = None
    if rd_gdp is not None and home.code in rd_gdp.index and not pd.isna(rd_gdp[home.code]):
        figure = {
            "value": float(rd_gdp[home.code]),
            "rank": int((rd_gdp > rd_gdp[home.code]).sum() + 1),
            "count": int(rd_gdp.notna().sum()),
        }
    target = (
        Target.objects.filter(region=home, indicator__code="rd_gdp", year__gte=year)
        .select_related("indicator", "region")
        .order_by("year")
        .first()
    )
    return {
        "year": year,
        "units": len(build.aggregated),
        "rank": rank_of(build, home.code, top),
        "score": score_of(build, home.code, top),
        "best": best.label,
        "best_rank": rank_of(build, home.code, best.code),
        "rd_gdp": figure,
        "target": progress(target) if target else None,
    }
