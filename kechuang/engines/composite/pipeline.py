"""Denominate -> screen -> impute -> treat -> normalise -> aggregate -> rank, every stage kept."""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kechuang.engines.composite import stages
from kechuang.engines.composite.framework import Framework
from kechuang.engines.composite.methods import Methods

STAGE_NAMES = {
    "denominated": "除分母后",
    "imputed": "插补后",
    "treated": "离群值处理后",
    "normalised": "标准化后",
    "aggregated": "加总后",
}


@dataclass
class Build:
    framework: Framework
    methods: Methods
    raw: pd.DataFrame
    denominated: pd.DataFrame
    availability: pd.Series
    imputed: pd.DataFrame
    imputations: list[stages.Imputation]
    treated: pd.DataFrame
    treatments: list[stages.Treatment]
    normalised: pd.DataFrame
    aggregated: pd.DataFrame
    ranks: pd.DataFrame
    screened_out: list[str] = field(default_factory=list)
    denominator_gaps: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def index_code(self) -> str:
        return self.framework.top.code

    @property
    def scores(self) -> pd.Series:
        return self.aggregated[self.index_code]

    def stage(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def correlations(self) -> pd.DataFrame:
        """Pearson correlation of each element with its parent and with the index."""
        rows = []
        for element in self.framework.elements:
            if element.parent is None:
                continue
            own = self.aggregated[element.code]
            rows.append(
                {
                    "code": element.code,
                    "parent": element.parent,
                    "with_parent": own.corr(self.aggregated[element.parent]),
                    "with_index": own.corr(self.scores),
                }
            )
        return pd.DataFrame(rows)


def build(
    raw: pd.DataFrame,
    framework: Framework,
    methods: Methods | None = None,
    groups: pd.Series | None = None,
) -> Build:
    methods = methods or Methods()
    denominated = stages.denominate(raw, framework, methods)
    kept, availability = stages.screen(denominated, methods)
    screened_out = [str(unit) for unit in denominated.index if unit not in kept.index]
    imputed, imputations = stages.impute(kept, methods, groups)
    treated, treatments = stages.treat(imputed, methods)
    normalised = stages.normalise(treated, framework, methods)
    aggregated = stages.aggregate(normalised, framework, methods)
    ranks = stages.ranks(aggregated, [element.code for element in framework.aggregates])
    return Build(
        denominator_gaps=_denominator_gaps(raw, framework, methods),
        framework=framework,
        methods=methods,
        raw=raw,
        denominated=denominated,
        availability=availability,
        imputed=imputed,
        imputations=imputations,
        treated=treated,
        treatments=treatments,
        normalised=normalised,
        aggregated=aggregated,
        ranks=ranks,
        screened_out=screened_out,
    )


def unit_shares(result: Build, unit: str) -> dict[str, float]:
    """Each element's share of the unit's index: its weight over its siblings that have a score
    for the unit, times its parent's share (the framework's effective weights, gaps skipped)."""
    framework = result.framework
    scores = result.aggregated.loc[unit]
    shares = {framework.top.code: 1.0}
    for level in range(framework.depth - 1, 0, -1):
        for element in framework.at_level(level):
            siblings = [
                s for s in framework.children(element.parent) if not pd.isna(scores[s.code])
            ]
            total = sum(s.weight for s in siblings)
            present = not pd.isna(scores[element.code])
            own = element.weight / total if present and total else 0.0
            shares[element.code] = own * shares.get(element.parent, 0.0)
    return shares


def _denominator_gaps(raw: pd.DataFrame, framework: Framework, methods: Methods):
    """(unit, indicator, denominator) where a value could not be divided: its denominator is
    missing or zero, so the value is left out as missing."""
    gaps = []
    if not methods.denominate:
        return gaps
    for element in framework.indicators:
        if not element.denominator:
            continue
        values, denominators = raw[element.code], raw[element.denominator]
        for unit in raw.index[values.notna() & (denominators.isna() | (denominators == 0))]:
            gaps.append((str(unit), element.code, element.denominator))
    return gaps


def contributions(result: Build, unit: str) -> pd.DataFrame:
    """How much each indicator adds to a unit's index: its normalised value times its share of
    the index, the weights re-normalised over what the unit has, as aggregation does. Under the
    weighted arithmetic mean the contributions add up to the unit's score.
    """
    shares = unit_shares(result, unit)
    values = result.normalised.loc[unit]
    rows = []
    for element in result.framework.indicators:
        value = values[element.code]
        rows.append(
            {
                "code": element.code,
                "name": element.label,
                "pillar": result.framework.by_code[element.parent].label,
                "normalised": value,
                "effective_weight": shares.get(element.code, 0.0),
                "contribution": np.nan if pd.isna(value) else value * shares.get(element.code, 0.0),
                "mean": result.normalised[element.code].mean(),
            }
        )
    table = pd.DataFrame(rows)
    table["versus_mean"] = (table["normalised"] - table["mean"]) * table["effective_weight"]
    return table


@dataclass
class Placement:
    """A unit's figures scored on another build's scales, and where that would place it."""

    scores: dict[str, float]
    ranks: dict[str, int | None]
    capped: list[str]  # indicators beyond the build's best (or worst) value, scored at its end


def place(result: Build, figures: pd.Series, unit: str | None = None) -> Placement:
    """Score `figures` (one unit's raw values) with the build's own scales, the others fixed.

    Each indicator is mapped through the build's denominated-to-normalised values (so its
    outlier treatment and normalisation carry over); a value beyond the build's range scores as
    its end. The scores are aggregated with the framework's weights and ranked against the
    other units of the build (`unit`, if given, is left out of the comparison)."""
    framework = result.framework
    denominated = stages.denominate(pd.DataFrame([figures]), framework, result.methods).iloc[0]
    normalised, capped = [], []
    for element in framework.indicators:
        pairs = pd.DataFrame(
            {"x": result.denominated[element.code], "y": result.normalised[element.code]}
        ).dropna()
        value = denominated[element.code]
        if pairs.empty or pd.isna(value):
            normalised.append(np.nan)
            continue
        pairs = pairs.sort_values("x")
        xs, ys = pairs["x"].to_numpy(), pairs["y"].to_numpy()
        if value > xs[-1] or value < xs[0]:
            capped.append(element.code)
        normalised.append(float(np.interp(value, xs, ys)))
    matrix = np.array([normalised])
    scores = stages.aggregate_arrays(
        matrix, framework, result.methods.aggregate, stages.weight_matrix(framework)
    )
    others = (
        result.aggregated.drop(index=[unit])
        if unit in result.aggregated.index
        else result.aggregated
    )
    placed_scores, ranks = {}, {}
    for element in framework.aggregates:
        score = float(scores[element.code][0, 0])
        placed_scores[element.code] = score
        column = others[element.code].dropna().round(stages.RANK_DECIMALS)
        ranks[element.code] = (
            None
            if np.isnan(score)
            else int((column > round(score, stages.RANK_DECIMALS)).sum() + 1)
        )
    return Placement(placed_scores, ranks, capped)
