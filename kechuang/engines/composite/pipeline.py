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


def contributions(result: Build, unit: str) -> pd.DataFrame:
    """How much each indicator adds to a unit's index: its normalised value times its effective weight.

    Exact for the weighted arithmetic mean with no missing values; with missing values the
    weights of the indicators present are re-normalised as in aggregation.
    """
    shares = result.framework.effective_weights()
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
                "effective_weight": shares[element.code],
                "contribution": np.nan if pd.isna(value) else value * shares[element.code],
                "mean": result.normalised[element.code].mean(),
            }
        )
    table = pd.DataFrame(rows)
    table["versus_mean"] = (table["normalised"] - table["mean"]) * table["effective_weight"]
    return table
