"""How far a rank depends on the choices made: remove-one and one-at-a-time sensitivity, and a
Monte-Carlo uncertainty analysis over weights and method choices (median rank, 5–95% interval).
"""

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kechuang.engines.composite import stages
from kechuang.engines.composite.framework import Framework
from kechuang.engines.composite.methods import Methods
from kechuang.engines.composite.pipeline import build

DEFAULT_ALTERNATIVES = {
    "impute": ("none", "mean"),
    "normalise": ("minmax", "rank"),
    "aggregate": ("arithmetic", "geometric"),
}
CHOICE_NAMES = {"impute": "插补", "treat": "离群值处理", "normalise": "标准化", "aggregate": "加总"}


def _normalised(raw, framework, methods, groups) -> tuple[pd.Index, np.ndarray]:
    denominated = stages.denominate(raw, framework, methods)
    kept, _ = stages.screen(denominated, methods)
    imputed, _ = stages.impute(kept, methods, groups)
    treated, _ = stages.treat(imputed, methods)
    normalised = stages.normalise(treated, framework, methods)
    return normalised.index, normalised[
        [element.code for element in framework.indicators]
    ].to_numpy(float)


@dataclass
class Uncertainty:
    runs: int
    weight_noise: float
    alternatives: dict[str, tuple[str, ...]]
    nominal: pd.Series  # nominal rank per unit
    ranks: np.ndarray  # runs x units
    units: pd.Index

    def summary(self) -> pd.DataFrame:
        median = np.nanmedian(self.ranks, axis=0)
        low = np.nanquantile(self.ranks, 0.05, axis=0)
        high = np.nanquantile(self.ranks, 0.95, axis=0)
        return pd.DataFrame(
            {
                "nominal": self.nominal.reindex(self.units).to_numpy(),
                "median": median,
                "q05": low,
                "q95": high,
            },
            index=self.units,
        )


def monte_carlo(
    raw: pd.DataFrame,
    framework: Framework,
    methods: Methods | None = None,
    *,
    runs: int = 1000,
    weight_noise: float = 0.25,
    alternatives: dict[str, tuple[str, ...]] | None = None,
    seed: int = 0,
    groups: pd.Series | None = None,
) -> Uncertainty:
    """Each run draws every weight from U(w(1−noise), w(1+noise)) and one option per choice."""
    methods = methods or Methods()
    alternatives = dict(DEFAULT_ALTERNATIVES if alternatives is None else alternatives)
    if methods.impute.startswith("group_") and "impute" in alternatives:
        # The analyst's group imputation stays among the choices, beside leaving gaps.
        alternatives["impute"] = (methods.impute, "none")
    if not 0 <= weight_noise < 1:
        raise ValueError("权重扰动幅度应在 0 到 1 之间（不含 1）")
    rng = np.random.default_rng(seed)
    names = list(alternatives)
    picks = {name: rng.integers(0, len(alternatives[name]), size=runs) for name in names}
    base = stages.weight_matrix(framework)[0]
    noise = rng.uniform(1 - weight_noise, 1 + weight_noise, size=(runs, len(base)))
    weights = base * noise
    nominal_build = build(raw, framework, methods, groups)
    units = nominal_build.normalised.index
    ranks = np.full((runs, len(units)), np.nan)
    combinations: dict[tuple, list[int]] = defaultdict(list)
    for run in range(runs):
        combinations[tuple(picks[name][run] for name in names)].append(run)
    top = framework.top.code
    for combination, members in combinations.items():
        chosen = methods.but(
            **{name: alternatives[name][i] for name, i in zip(names, combination, strict=True)}
        )
        chosen = chosen.for_positive_means()
        index, matrix = _normalised(raw, framework, chosen, groups)
        scores = stages.aggregate_arrays(matrix, framework, chosen.aggregate, weights[members])[top]
        positions = units.get_indexer(index)
        ranks[np.ix_(members, positions)] = stages.rank_descending(scores)
    return Uncertainty(
        runs=runs,
        weight_noise=weight_noise,
        alternatives={name: tuple(values) for name, values in alternatives.items()},
        nominal=nominal_build.ranks[top],
        ranks=ranks,
        units=units,
    )


def remove_one(
    raw: pd.DataFrame,
    framework: Framework,
    methods: Methods | None = None,
    *,
    level: int = 1,
    groups=None,
    unit: str | None = None,
) -> pd.DataFrame:
    """Each element of a level left out in turn: how far the index ranks move (mean and
    largest shift over all units) and, for `unit`, its rank then (`unit_rank`)."""
    methods = methods or Methods()
    nominal = build(raw, framework, methods, groups)
    top = framework.top.code
    rows = []
    for element in framework.at_level(level):
        reduced = framework.without(element.code)
        if not reduced.indicators or any(
            not reduced.children(aggregate.code) for aggregate in reduced.aggregates
        ):
            reduced = framework.with_weights({element.code: 0.0})
        changed = build(raw, reduced, methods, groups).ranks[top].reindex(nominal.ranks.index)
        shift = (changed - nominal.ranks[top]).abs()
        row = {
            "code": element.code,
            "name": element.label,
            "mean_shift": shift.mean(),
            "max_shift": shift.max(),
        }
        if unit is not None:
            row["unit_rank"] = changed.get(unit)
        rows.append(row)
    return pd.DataFrame(rows)


def one_at_a_time(
    raw: pd.DataFrame,
    framework: Framework,
    methods: Methods | None = None,
    *,
    alternatives: dict[str, tuple[str, ...]] | None = None,
    groups=None,
) -> pd.DataFrame:
    """Each method choice changed on its own: the index rank of every unit under each option."""
    methods = methods or Methods()
    alternatives = alternatives or DEFAULT_ALTERNATIVES
    nominal = build(raw, framework, methods, groups)
    top = framework.top.code
    columns = {"nominal": nominal.ranks[top]}
    for name, options in alternatives.items():
        for option in options:
            if getattr(methods, name) == option:
                continue
            changed = build(
                raw, framework, methods.but(**{name: option}).for_positive_means(), groups
            )
            columns[f"{name}={option}"] = changed.ranks[top].reindex(nominal.ranks.index)
    return pd.DataFrame(columns)
