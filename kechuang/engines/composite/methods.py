"""The method choices of a composite index, each with the handbook's usual default."""

from dataclasses import dataclass, replace

IMPUTATIONS = {
    "none": "不插补：缺失值在加总时跳过，其权重按同组其余指标重新归一",
    "mean": "用该指标全部单位的均值插补",
    "median": "用该指标全部单位的中位数插补",
    "group_mean": "用同组单位的均值插补；组内全缺时用全体均值",
    "group_median": "用同组单位的中位数插补；组内全缺时用全体中位数",
}
TREATMENTS = {
    "skew_kurt": "偏度、峰度检验：|偏度|≥阈值且峰度≥阈值时逐点缩尾（最多 winmax 点），仍不通过则对原值取对数",
    "none": "不处理离群值",
}
NORMALISATIONS = {
    "minmax": "最小—最大值法，线性映射到给定区间",
    "zscore": "标准分数：(x − 均值) ÷ 标准差 × 目标标准差 + 目标均值",
    "rank": "排位：最小者为 1，并列取最小排位",
    "percentile": "百分位排位：(排位 − 1) ÷ (有效单位数 − 1) × 100",
    "borda": "Borda 分：排位 − 1",
    "dist_ref": "与参照单位的距离：[1 − (x参照 − x) ÷ (x参照 − x最小)] × 100，参照单位为 100，超过它的高于 100",
    "dist_target": "与目标值的距离：[1 − (目标 − x) ÷ (目标 − x最小)] × 100，超过目标计 100（目标取框架的 Target 列）",
}
AGGREGATIONS = {
    "arithmetic": "加权算术平均",
    "geometric": "加权几何平均（各值须为正数）",
    "harmonic": "加权调和平均（各值须为正数）",
}


@dataclass(frozen=True)
class Methods:
    denominate: bool = True
    screen: float = 0.0
    impute: str = "none"
    impute_group: str | None = None
    treat: str = "skew_kurt"
    winmax: int = 5
    skew_threshold: float = 2.0
    kurtosis_threshold: float = 3.5
    normalise: str = "minmax"
    low: float = 0.0
    high: float = 100.0
    zscore_mean: float = 0.0
    zscore_sd: float = 1.0
    reference: str | None = None
    aggregate: str = "arithmetic"

    def __post_init__(self):
        problems = []
        for value, allowed, name in (
            (self.impute, IMPUTATIONS, "插补方法"),
            (self.treat, TREATMENTS, "离群值处理"),
            (self.normalise, NORMALISATIONS, "标准化方法"),
            (self.aggregate, AGGREGATIONS, "加总方法"),
        ):
            if value not in allowed:
                problems.append(f"{name}“{value}”不可用，可选：{'、'.join(allowed)}")
        if self.impute.startswith("group_") and not self.impute_group:
            problems.append(f"插补方法 {self.impute} 需要指定分组列（--impute-group）")
        if not 0 <= self.screen <= 1:
            problems.append(f"筛除门槛应在 0 到 1 之间，而不是 {self.screen}")
        if self.high <= self.low:
            problems.append(f"标准化区间的上限（{self.high}）应大于下限（{self.low}）")
        if self.zscore_sd <= 0:
            problems.append("标准分数的目标标准差应大于 0")
        if self.winmax < 0:
            problems.append("winmax 不能为负数")
        if self.normalise == "dist_ref" and not self.reference:
            problems.append("dist_ref 需要指定参照单位（--reference）")
        if problems:
            raise ValueError("；".join(problems))

    def but(self, **changes) -> "Methods":
        return replace(self, **changes)

    def for_positive_means(self) -> "Methods":
        """Geometric and harmonic means need positive values: min-max from 1 instead of 0."""
        if self.aggregate != "arithmetic" and self.normalise == "minmax" and self.low <= 0:
            return replace(self, low=1.0)
        return self

    def describe(self) -> dict[str, str]:
        return {
            "分母": "按框架规定的分母相除（如每亿元GDP、每万人）"
            if self.denominate
            else "不除分母",
            "筛除": f"指标覆盖率低于 {self.screen:.0%} 的单位不参与" if self.screen else "不筛除",
            "插补": IMPUTATIONS[self.impute]
            + (f"（分组列 {self.impute_group}）" if self.impute_group else ""),
            "离群值": TREATMENTS[self.treat]
            + (
                f"（|偏度|≥{self.skew_threshold:g}，峰度≥{self.kurtosis_threshold:g}，winmax={self.winmax}）"
                if self.treat == "skew_kurt"
                else ""
            ),
            "标准化": NORMALISATIONS[self.normalise]
            + (f"（{self.low:g}–{self.high:g}）" if self.normalise == "minmax" else "")
            + (
                f"（均值 {self.zscore_mean:g}，标准差 {self.zscore_sd:g}）"
                if self.normalise == "zscore"
                else ""
            )
            + (f"（参照单位 {self.reference}）" if self.normalise == "dist_ref" else ""),
            "加总": AGGREGATIONS[self.aggregate],
        }
