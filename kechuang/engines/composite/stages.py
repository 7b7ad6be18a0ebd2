"""Each stage of building a composite index, following the OECD/JRC handbook and COINr.

Tables are pandas DataFrames with one row per unit (index: unit code) and one column per
element code. Skewness and kurtosis are the bias-corrected sample statistics (Excel's SKEW and
KURT, e1071 type 2, pandas' `skew()` and `kurt()`; kurtosis is excess kurtosis).
"""

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kechuang.engines.composite.framework import Framework
from kechuang.engines.composite.methods import Methods

RANK_DECIMALS = 9
# A statistic within this of its threshold counts as reaching it: [0, 0, 0, 1] has skewness
# exactly 2, which floating point gives as 1.9999999999999998.
THRESHOLD_TOLERANCE = 1e-9


class BuildError(ValueError):
    pass


def denominate(raw: pd.DataFrame, framework: Framework, methods: Methods) -> pd.DataFrame:
    columns = {}
    for element in framework.indicators:
        values = raw[element.code].astype(float)
        if methods.denominate and element.denominator:
            denominator = raw[element.denominator].astype(float)
            values = values / denominator.where(denominator != 0)
        columns[element.code] = values
    return pd.DataFrame(columns, index=raw.index)


def screen(denominated: pd.DataFrame, methods: Methods) -> tuple[pd.DataFrame, pd.Series]:
    """Data availability per unit; units below the threshold are left out."""
    availability = denominated.notna().mean(axis=1)
    if methods.screen <= 0:
        return denominated, availability
    kept = availability >= methods.screen - 1e-12
    return denominated[kept], availability


@dataclass
class Imputation:
    unit: str
    code: str
    value: float
    how: str


def impute(
    data: pd.DataFrame, methods: Methods, groups: pd.Series | None = None
) -> tuple[pd.DataFrame, list[Imputation]]:
    if methods.impute == "none":
        return data.copy(), []
    statistic = "median" if methods.impute.endswith("median") else "mean"
    filled = data.copy()
    log: list[Imputation] = []
    overall = getattr(data, statistic)()
    by_group = None
    if methods.impute.startswith("group_"):
        if groups is None:
            raise BuildError(f"数据表中没有分组列“{methods.impute_group}”")
        by_group = data.groupby(groups.reindex(data.index)).agg(statistic)
    for code in data.columns:
        for unit in data.index[data[code].isna()]:
            value, how = math.nan, ""
            if by_group is not None:
                group = groups.get(unit)
                if group in by_group.index and not pd.isna(by_group.at[group, code]):
                    value, how = (
                        by_group.at[group, code],
                        f"组“{group}”{_statistic_name(statistic)}",
                    )
            if pd.isna(value) and not pd.isna(overall[code]):
                value, how = overall[code], f"全体{_statistic_name(statistic)}"
            if not pd.isna(value):
                filled.at[unit, code] = value
                log.append(Imputation(unit, code, float(value), how))
    return filled, log


def _statistic_name(statistic: str) -> str:
    return "均值" if statistic == "mean" else "中位数"


def skewness(values: np.ndarray) -> float:
    values = values[~np.isnan(values)]
    n = len(values)
    if n < 3:
        return math.nan
    centred = values - values.mean()
    m2 = (centred**2).sum()
    if m2 == 0:
        return 0.0
    g1 = math.sqrt(n) * (centred**3).sum() / m2**1.5
    return g1 * math.sqrt(n * (n - 1)) / (n - 2)


def kurtosis(values: np.ndarray) -> float:
    values = values[~np.isnan(values)]
    n = len(values)
    if n < 4:
        return math.nan
    centred = values - values.mean()
    m2 = (centred**2).sum()
    if m2 == 0:
        return 0.0
    r = n * (centred**4).sum() / m2**2
    return ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))


def outlying(values: np.ndarray, methods: Methods) -> bool:
    return (
        abs(skewness(values)) >= methods.skew_threshold - THRESHOLD_TOLERANCE
        and kurtosis(values) >= methods.kurtosis_threshold - THRESHOLD_TOLERANCE
    )


@dataclass
class Treatment:
    code: str
    skew_before: float
    kurtosis_before: float
    action: str  # passed / winsorised / log / failed / skipped
    points: list[tuple[str, str]] = field(default_factory=list)  # (unit, "high"/"low")
    skew_after: float = math.nan
    kurtosis_after: float = math.nan
    note: str = ""

    @property
    def summary(self) -> str:
        if self.action == "passed":
            return "通过检验，未处理"
        if self.action == "winsorised":
            return f"缩尾 {len(self.points)} 点：" + "、".join(
                f"{unit}（{'高端' if end == 'high' else '低端'}）" for unit, end in self.points
            )
        if self.action == "log":
            return "缩尾到上限仍不通过，改为对原值取对数 ln(x − min + 0.01 × 极差)"
        if self.action == "failed":
            return "缩尾和取对数后仍不通过检验，保留对数结果"
        return self.note


def winsorise(values: np.ndarray, methods: Methods) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """Replace the highest (or lowest, by the sign of skewness) value(s) by the next one in."""
    x = values.copy()
    present = ~np.isnan(x)
    changed: dict[int, str] = {}
    while outlying(x, methods) and len(changed) < methods.winmax:
        finite = x[present]
        if skewness(x) >= 0:
            extreme = finite.max()
            rest = finite[finite < extreme]
            end = "high"
        else:
            extreme = finite.min()
            rest = finite[finite > extreme]
            end = "low"
        if len(rest) == 0:
            break
        replacement = rest.max() if end == "high" else rest.min()
        for position in np.flatnonzero(present & (x == extreme)):
            changed.setdefault(int(position), end)
        x[present & (x == extreme)] = replacement
    return x, sorted(changed.items())


def log_transform(values: np.ndarray) -> np.ndarray:
    low, high = np.nanmin(values), np.nanmax(values)
    return np.log(values - low + 0.01 * (high - low))


def treat(data: pd.DataFrame, methods: Methods) -> tuple[pd.DataFrame, list[Treatment]]:
    treated = data.copy()
    log: list[Treatment] = []
    if methods.treat == "none":
        return treated, log
    for code in data.columns:
        values = data[code].to_numpy(dtype=float)
        present = values[~np.isnan(values)]
        entry = Treatment(code, skewness(values), kurtosis(values), "passed")
        if len(present) < 4:
            entry.action, entry.note = "skipped", "有效值少于 4 个，不做偏度峰度检验"
        elif np.ptp(present) == 0:
            entry.action, entry.note = "skipped", "各单位取值相同，标准化后不参与加总"
        elif outlying(values, methods):
            winsorised, points = winsorise(values, methods)
            if not outlying(winsorised, methods):
                entry.action = "winsorised"
                entry.points = [(str(data.index[i]), end) for i, end in points]
                treated[code] = winsorised
            else:
                logged = log_transform(values)
                entry.action = "log" if not outlying(logged, methods) else "failed"
                treated[code] = logged
        column = treated[code].to_numpy(dtype=float)
        entry.skew_after, entry.kurtosis_after = skewness(column), kurtosis(column)
        log.append(entry)
    return treated, log


def _rank_ascending(values: np.ndarray) -> np.ndarray:
    """1 for the smallest; ties share the smallest rank; NaN stays NaN."""
    rounded = np.round(values, RANK_DECIMALS)
    present = ~np.isnan(rounded)
    ranks = np.full(values.shape, np.nan)
    finite = rounded[present]
    ranks[present] = np.searchsorted(np.sort(finite), finite, side="left") + 1
    return ranks


def normalise_column(
    values: np.ndarray, direction: int, methods: Methods, *, reference=None, target=None, code=""
):
    x = values * direction
    present = ~np.isnan(x)
    if not present.any():
        return x
    if methods.normalise == "minmax":
        low, high = np.nanmin(x), np.nanmax(x)
        if high == low:
            return np.full(x.shape, np.nan)
        return (x - low) / (high - low) * (methods.high - methods.low) + methods.low
    if methods.normalise == "zscore":
        sd = np.nanstd(x, ddof=1) if present.sum() > 1 else 0.0
        if sd == 0:
            return np.full(x.shape, np.nan)
        return (x - np.nanmean(x)) / sd * methods.zscore_sd + methods.zscore_mean
    ranks = _rank_ascending(x)
    if methods.normalise == "rank":
        return ranks
    if methods.normalise == "borda":
        return ranks - 1
    if methods.normalise == "percentile":
        count = present.sum()
        return (ranks - 1) / (count - 1) * 100 if count > 1 else np.full(x.shape, np.nan)
    if methods.normalise == "dist_ref":
        if reference is None or np.isnan(reference):
            raise BuildError(f"参照单位在指标“{code}”上没有数值")
        low = np.nanmin(x)
        ref = reference * direction
        if ref == low:
            raise BuildError(
                f"参照单位在指标“{code}”上是最差的值，与参照单位的距离无法计算；请换一个参照单位"
            )
        return (1 - (ref - x) / (ref - low)) * 100
    if methods.normalise == "dist_target":
        if target is None:
            raise BuildError(f"指标“{code}”没有目标值（框架 Target 列），不能用 dist_target")
        goal = target * direction
        low = np.nanmin(x)
        if goal == low:
            raise BuildError(f"指标“{code}”的目标值等于最差的值，与目标的距离无法计算")
        return np.minimum(1 - (goal - x) / (goal - low), 1) * 100
    raise BuildError(f"未知的标准化方法 {methods.normalise}")


def normalise(data: pd.DataFrame, framework: Framework, methods: Methods) -> pd.DataFrame:
    columns = {}
    if methods.normalise == "dist_ref" and methods.reference not in data.index:
        raise BuildError(f"参照单位“{methods.reference}”不在数据中")
    for element in framework.indicators:
        values = data[element.code].to_numpy(dtype=float)
        reference = (
            data.at[methods.reference, element.code] if methods.normalise == "dist_ref" else None
        )
        columns[element.code] = normalise_column(
            values,
            element.direction,
            methods,
            reference=reference,
            target=element.target,
            code=element.code,
        )
    return pd.DataFrame(columns, index=data.index)


def weight_matrix(framework: Framework, weights: np.ndarray | None = None) -> np.ndarray:
    """One row of weights per run, one column per element (framework order)."""
    if weights is None:
        return np.array([[element.weight for element in framework.elements]], dtype=float)
    return np.atleast_2d(np.asarray(weights, dtype=float))


def aggregate_arrays(
    normalised: np.ndarray, framework: Framework, method: str, weights: np.ndarray
) -> dict[str, np.ndarray]:
    """Scores of every element, shape (runs, units): indicators as given, aggregates computed.

    `normalised` is (units, indicators) in framework order; `weights` is (runs, elements).
    Weights are re-normalised within each group over the children that have a value.
    """
    runs = weights.shape[0]
    position = {element.code: i for i, element in enumerate(framework.elements)}
    scores: dict[str, np.ndarray] = {}
    for i, element in enumerate(framework.indicators):
        scores[element.code] = np.broadcast_to(normalised[:, i], (runs, normalised.shape[0]))
    for level in range(2, framework.depth + 1):
        for element in framework.at_level(level):
            children = framework.children(element.code)
            values = np.stack([scores[child.code] for child in children], axis=-1)  # runs, units, k
            w = np.stack([weights[:, position[child.code]] for child in children], axis=-1)[
                :, None, :
            ]
            present = ~np.isnan(values)
            w_present = np.where(present, w, 0.0)
            total = w_present.sum(axis=-1)
            with np.errstate(divide="ignore", invalid="ignore"):
                if method == "arithmetic":
                    result = (np.where(present, values, 0.0) * w_present).sum(axis=-1) / total
                else:
                    if np.any(values[present] <= 0):
                        raise BuildError(
                            f"“{element.code}”的下级含 0 或负值，几何、调和平均需要正数："
                            "min-max 请把下限设为大于 0（如 --range 1 100）；"
                            "标准分数、Borda、百分位排位含 0 或负值，请改用算术平均"
                        )
                    if method == "geometric":
                        logs = np.where(present, np.log(np.where(present, values, 1.0)), 0.0)
                        result = np.exp((logs * w_present).sum(axis=-1) / total)
                    else:
                        inverse = np.where(present, 1.0 / np.where(present, values, 1.0), 0.0)
                        result = total / (inverse * w_present).sum(axis=-1)
            scores[element.code] = np.where(total > 0, result, np.nan)
    return scores


def aggregate(normalised: pd.DataFrame, framework: Framework, methods: Methods) -> pd.DataFrame:
    matrix = normalised[[element.code for element in framework.indicators]].to_numpy(dtype=float)
    scores = aggregate_arrays(matrix, framework, methods.aggregate, weight_matrix(framework))
    return pd.DataFrame(
        {code: values[0] for code, values in scores.items()}, index=normalised.index
    )


def rank_descending(scores: np.ndarray) -> np.ndarray:
    """Rank 1 for the highest score along the last axis; ties share the smallest rank."""
    rounded = np.round(scores, RANK_DECIMALS)
    present = ~np.isnan(rounded)
    filled = np.where(present, rounded, -np.inf)
    better = (filled[..., None, :] > filled[..., :, None]).sum(axis=-1)
    return np.where(present, better + 1, np.nan)


def ranks(aggregated: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {code: rank_descending(aggregated[code].to_numpy(dtype=float)) for code in codes},
        index=aggregated.index,
    )
