"""企业创新积分: a configurable indicator set with weights by development stage, scored to
100 points with an explanation for every indicator, for ranking enterprises to partner banks.

Torch's 企业创新积分制 groups its indicators as 技术创新 and 成长经营 and weighs them
differently for 初创期, 成长期 and 稳定期 enterprises; its weight table was not published in
the sources found (RULES.md §9), so the scheme is data the bureau edits, versioned like the
rules. An indicator earns `weight × min(value ÷ full_mark_at, 1)` points; a value the platform
does not hold earns none and says so.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

STAGES = {"startup": "初创期", "growth": "成长期", "mature": "稳定期"}
GROUPS = ("技术创新", "成长经营")


@dataclass(frozen=True)
class Indicator:
    key: str
    title: str
    group: str
    full_mark_at: Decimal
    unit: str  # "%" for fractions shown as percentages, else the count's unit


@dataclass(frozen=True)
class PointsScheme:
    version: str
    title: str
    effective_from: date
    indicators: tuple[Indicator, ...]
    weights: dict[str, dict[str, Decimal]]
    startup_years: int
    startup_revenue: Decimal  # 万元
    mature_years: int
    mature_revenue: Decimal


@dataclass(frozen=True)
class ItemScore:
    key: str
    title: str
    group: str
    value: Decimal | None
    weight: Decimal
    points: Decimal
    explanation: str


@dataclass(frozen=True)
class PointsScore:
    stage: str
    total: Decimal
    items: tuple[ItemScore, ...]

    @property
    def stage_label(self) -> str:
        return STAGES[self.stage]


class SchemeError(ValueError):
    pass


def _d(value) -> Decimal:
    return Decimal(str(value))


DEFAULT_INDICATORS = (
    Indicator("rd_intensity", "研发投入强度", "技术创新", _d("0.06"), "%"),
    Indicator("rd_staff_share", "研发人员占比", "技术创新", _d("0.30"), "%"),
    Indicator("invention_patents", "有效发明专利", "技术创新", _d("10"), "件"),
    Indicator("tech_contract_turnover", "技术合同成交额", "技术创新", _d("500"), "万元"),
    Indicator("rd_institution", "研发机构级别", "技术创新", _d("3"), "级"),
    Indicator("hightech_income_share", "高新技术产品收入占比", "成长经营", _d("0.60"), "%"),
    Indicator("revenue_growth", "营业收入增长率", "成长经营", _d("0.30"), "%"),
    Indicator("rd_growth", "研发投入增长率", "成长经营", _d("0.30"), "%"),
)

DEFAULT_SCHEME = PointsScheme(
    version="2025",
    title="企业创新积分（县默认方案）",
    effective_from=date(2025, 1, 1),
    indicators=DEFAULT_INDICATORS,
    weights={
        "startup": {
            "rd_intensity": _d(25),
            "rd_staff_share": _d(20),
            "invention_patents": _d(15),
            "tech_contract_turnover": _d(10),
            "rd_institution": _d(5),
            "hightech_income_share": _d(10),
            "revenue_growth": _d(10),
            "rd_growth": _d(5),
        },
        "growth": {
            "rd_intensity": _d(20),
            "rd_staff_share": _d(15),
            "invention_patents": _d(15),
            "tech_contract_turnover": _d(10),
            "rd_institution": _d(5),
            "hightech_income_share": _d(15),
            "revenue_growth": _d(10),
            "rd_growth": _d(10),
        },
        "mature": {
            "rd_intensity": _d(15),
            "rd_staff_share": _d(10),
            "invention_patents": _d(20),
            "tech_contract_turnover": _d(10),
            "rd_institution": _d(10),
            "hightech_income_share": _d(20),
            "revenue_growth": _d(5),
            "rd_growth": _d(10),
        },
    },
    startup_years=3,
    startup_revenue=_d(2000),
    mature_years=10,
    mature_revenue=_d(20000),
)


def check_scheme(scheme: PointsScheme) -> None:
    keys = {indicator.key for indicator in scheme.indicators}
    if len(keys) != len(scheme.indicators):
        raise SchemeError("指标代码重复")
    for indicator in scheme.indicators:
        if indicator.full_mark_at <= 0:
            raise SchemeError(f"“{indicator.title}”的满分值须大于 0")
    for stage, label in STAGES.items():
        weights = scheme.weights.get(stage)
        if weights is None:
            raise SchemeError(f"缺少{label}的权重")
        unknown = set(weights) - keys
        if unknown:
            raise SchemeError(f"{label}权重中有未定义的指标：{'、'.join(sorted(unknown))}")
        if any(w < 0 for w in weights.values()):
            raise SchemeError(f"{label}的权重不能为负数")
        total = sum(weights.values())
        if total != 100:
            raise SchemeError(f"{label}的权重合计为 {total:f}，应为 100")


def stage_of(age_years: int | None, revenue: Decimal | None, scheme: PointsScheme) -> str:
    """初创期: younger than `startup_years` or revenue under `startup_revenue`; 稳定期: at least
    `mature_years` old with revenue of `mature_revenue` or more; otherwise 成长期. An
    enterprise whose age is unknown is taken by its revenue alone."""
    young = age_years is not None and age_years < scheme.startup_years
    small = revenue is not None and revenue < scheme.startup_revenue
    if young or small:
        return "startup"
    old = age_years is None or age_years >= scheme.mature_years
    if old and revenue is not None and revenue >= scheme.mature_revenue:
        return "mature"
    return "growth"


def _shown(value: Decimal, unit: str) -> str:
    if unit == "%":
        return f"{value * 100:.2f}%"
    text = f"{value.quantize(Decimal('0.01')).normalize():f}"
    return f"{text} {unit}"


def score(
    values: Mapping[str, Decimal | None],
    age_years: int | None,
    revenue: Decimal | None,
    scheme: PointsScheme = DEFAULT_SCHEME,
) -> PointsScore:
    stage = stage_of(age_years, revenue, scheme)
    weights = scheme.weights[stage]
    items = []
    for indicator in scheme.indicators:
        weight = weights.get(indicator.key, Decimal(0))
        if weight == 0:
            continue
        value = values.get(indicator.key)
        if value is None:
            items.append(
                ItemScore(
                    indicator.key,
                    indicator.title,
                    indicator.group,
                    None,
                    weight,
                    Decimal(0),
                    "未掌握数据，计 0 分",
                )
            )
            continue
        share = min(max(value / indicator.full_mark_at, Decimal(0)), Decimal(1))
        points = (weight * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        said = (
            f"{_shown(value, indicator.unit)}，达到满分值 {_shown(indicator.full_mark_at, indicator.unit)}，"
            f"得满分 {weight:f}"
            if share == 1
            else f"{_shown(value, indicator.unit)}，为满分值 {_shown(indicator.full_mark_at, indicator.unit)} 的 "
            f"{share * 100:.0f}%，得 {points:f} 分（权重 {weight:f}）"
        )
        items.append(
            ItemScore(indicator.key, indicator.title, indicator.group, value, weight, points, said)
        )
    total = sum((item.points for item in items), Decimal(0))
    return PointsScore(stage, total, tuple(items))


def scheme_to_dict(scheme: PointsScheme) -> dict[str, Any]:
    return {
        "version": scheme.version,
        "title": scheme.title,
        "effective_from": scheme.effective_from.isoformat(),
        "indicators": [
            {
                "key": i.key,
                "title": i.title,
                "group": i.group,
                "full_mark_at": str(i.full_mark_at),
                "unit": i.unit,
            }
            for i in scheme.indicators
        ],
        "weights": {
            stage: {k: str(v) for k, v in w.items()} for stage, w in scheme.weights.items()
        },
        "startup_years": scheme.startup_years,
        "startup_revenue": str(scheme.startup_revenue),
        "mature_years": scheme.mature_years,
        "mature_revenue": str(scheme.mature_revenue),
    }


def scheme_from_dict(data: Mapping[str, Any]) -> PointsScheme:
    try:
        scheme = PointsScheme(
            version=str(data["version"]),
            title=str(data["title"]),
            effective_from=date.fromisoformat(str(data["effective_from"])),
            indicators=tuple(
                Indicator(
                    i["key"],
                    i["title"],
                    i.get("group", GROUPS[0]),
                    _d(i["full_mark_at"]),
                    i.get("unit", ""),
                )
                for i in data["indicators"]
            ),
            weights={
                stage: {k: _d(v) for k, v in w.items()} for stage, w in data["weights"].items()
            },
            startup_years=int(data["startup_years"]),
            startup_revenue=_d(data["startup_revenue"]),
            mature_years=int(data["mature_years"]),
            mature_revenue=_d(data["mature_revenue"]),
        )
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise SchemeError(f"积分方案格式不正确：{error}") from None
    check_scheme(scheme)
    return scheme
