"""The recognition rule sets as versioned data: every threshold and scoring band of the
高新技术企业 (HNTE) and 科技型中小企业 (SME) rules, with effective dates and the document and
article each criterion rests on.

A rule set is a frozen dataclass that round-trips through a plain JSON dict (`to_dict`,
`hnte_rules_from_dict`, `sme_rules_from_dict`), so a bureau can keep a revised version beside
the default and a stored result can say which version produced it. The defaults below are
the operative texts: 国科发火〔2016〕32号 with its 工作指引 国科发火〔2016〕195号, and
国科发政〔2017〕115号 (see RULES.md §1–§2).
"""

import dataclasses
import types
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

HNTE = "hnte"
SME = "sme"


@dataclass(frozen=True)
class Band:
    """A scoring band: values at or above `lower` (strictly above when not `inclusive`)
    score between `low` and `high` points; experts pick the point, so a band whose
    `low` and `high` differ is a range. Bands are listed best first; a value below every
    band scores the rule's floor."""

    lower: Decimal
    low: int
    high: int
    label: str = ""
    inclusive: bool = True

    def admits(self, value: Decimal) -> bool:
        return value >= self.lower if self.inclusive else value > self.lower


@dataclass(frozen=True)
class SalesBand:
    """The R&D ratio an HNTE needs when its latest-year sales are at most `upper` 万元
    (`None`: no upper bound). Upper bounds are inclusive: “5,000万元以下（含）”."""

    upper: Decimal | None
    min_ratio: Decimal
    label: str


@dataclass(frozen=True)
class HnteRules:
    """《高新技术企业认定管理办法》第十一条 and the 创新能力评价 of the 工作指引.

    Amounts are in 万元, ratios are fractions, scores are points."""

    version: str
    title: str
    effective_from: date
    effective_to: date | None
    basis: dict[str, str]
    min_days_registered: int
    min_tech_staff_ratio: Decimal
    rd_ratio_bands: tuple[SalesBand, ...]
    min_domestic_rd_share: Decimal
    min_hightech_income_share: Decimal
    pass_score_above: int
    ip_cap: int
    ip_advancement_max: int
    ip_core_support_max: int
    ip_quantity_class1: Band
    ip_quantity_class2_bands: tuple[Band, ...]
    ip_acquisition_own: Band
    ip_acquisition_transferred: Band
    standard_bonus: Band
    conversion_bands: tuple[Band, ...]
    organisation_max: int
    growth_bands: tuple[Band, ...]
    code: str = HNTE

    def rd_band(self, sales_t1: Decimal) -> SalesBand:
        for band in self.rd_ratio_bands:
            if band.upper is None or sales_t1 <= band.upper:
                return band
        return self.rd_ratio_bands[-1]


@dataclass(frozen=True)
class SmeRules:
    """《科技型中小企业评价办法》第六条 to 第九条. Amounts in 万元, ratios as fractions."""

    version: str
    title: str
    effective_from: date
    effective_to: date | None
    basis: dict[str, str]
    max_staff: int
    max_sales: Decimal
    max_assets: Decimal
    pass_score: int
    staff_bands: tuple[Band, ...]
    rd_sales_bands: tuple[Band, ...]
    rd_cost_bands: tuple[Band, ...]
    ip_class1: Band
    ip_class2_bands: tuple[Band, ...]
    code: str = SME


RuleSet = HnteRules | SmeRules


def band_for(bands: tuple[Band, ...], value: Decimal) -> Band | None:
    """The first (best) band that admits `value`, or None below every band."""
    for band in bands:
        if band.admits(value):
            return band
    return None


def _band(lower: str, low: int, high: int | None = None, label: str = "", inclusive=True):
    return Band(Decimal(lower), low, low if high is None else high, label, inclusive)


HNTE_DOC = "《高新技术企业认定管理办法》（国科发火〔2016〕32号）"
HNTE_GUIDE = "《高新技术企业认定管理工作指引》（国科发火〔2016〕195号）"
SME_DOC = "《科技型中小企业评价办法》（国科发政〔2017〕115号）"

HNTE_2016 = HnteRules(
    version="2016",
    title="高新技术企业认定条件（2016年版）",
    effective_from=date(2016, 1, 1),
    effective_to=None,
    basis={
        "c1": f"{HNTE_DOC}第十一条（一）；{HNTE_GUIDE}三（一）",
        "c2": f"{HNTE_DOC}第十一条（二）；{HNTE_GUIDE}三（二）",
        "c3": f"{HNTE_DOC}第十一条（三）及附件《国家重点支持的高新技术领域》",
        "c4": f"{HNTE_DOC}第十一条（四）；{HNTE_GUIDE}三（三）",
        "c5": f"{HNTE_DOC}第十一条（五）；{HNTE_GUIDE}三（四）",
        "c6": f"{HNTE_DOC}第十一条（六）；{HNTE_GUIDE}三（五）",
        "c7": f"{HNTE_DOC}第十一条（七）；{HNTE_GUIDE}三（七）",
        "c8": f"{HNTE_DOC}第十一条（八）；{HNTE_GUIDE}三（八）",
    },
    min_days_registered=365,
    min_tech_staff_ratio=Decimal("0.10"),
    rd_ratio_bands=(
        SalesBand(Decimal("5000"), Decimal("0.05"), "最近一年销售收入5,000万元以下（含）"),
        SalesBand(Decimal("20000"), Decimal("0.04"), "最近一年销售收入5,000万元至2亿元（含）"),
        SalesBand(None, Decimal("0.03"), "最近一年销售收入2亿元以上"),
    ),
    min_domestic_rd_share=Decimal("0.60"),
    min_hightech_income_share=Decimal("0.60"),
    pass_score_above=70,
    ip_cap=30,
    ip_advancement_max=8,
    ip_core_support_max=8,
    ip_quantity_class1=_band("1", 7, 8, "A"),
    ip_quantity_class2_bands=(
        _band("5", 5, 6, "B"),
        _band("3", 3, 4, "C"),
        _band("1", 1, 2, "D"),
    ),
    ip_acquisition_own=_band("1", 1, 6, "A"),
    ip_acquisition_transferred=_band("1", 1, 3, "B"),
    standard_bonus=_band("1", 1, 2, "A"),
    conversion_bands=(
        _band("5", 25, 30, "A"),
        _band("4", 19, 24, "B"),
        _band("3", 13, 18, "C"),
        _band("2", 7, 12, "D"),
        _band("1", 1, 6, "E"),
    ),
    organisation_max=20,
    growth_bands=(
        _band("0.35", 9, 10, "A"),
        _band("0.25", 7, 8, "B"),
        _band("0.15", 5, 6, "C"),
        _band("0.05", 3, 4, "D"),
        _band("0", 1, 2, "E", inclusive=False),
    ),
)

SME_2017 = SmeRules(
    version="2017",
    title="科技型中小企业评价条件（2017年版）",
    effective_from=date(2017, 5, 3),
    effective_to=None,
    basis={
        "c1": f"{SME_DOC}第六条（一）",
        "c2": f"{SME_DOC}第六条（二）",
        "c3": f"{SME_DOC}第六条（三）",
        "c4": f"{SME_DOC}第六条（四）",
        "c5": f"{SME_DOC}第六条（五）、第七条、第八条",
    },
    max_staff=500,
    max_sales=Decimal("20000"),
    max_assets=Decimal("20000"),
    pass_score=60,
    staff_bands=(
        _band("0.30", 20),
        _band("0.25", 16),
        _band("0.20", 12),
        _band("0.15", 8),
        _band("0.10", 4),
    ),
    rd_sales_bands=(
        _band("0.06", 50),
        _band("0.05", 40),
        _band("0.04", 30),
        _band("0.03", 20),
        _band("0.02", 10),
    ),
    rd_cost_bands=(
        _band("0.30", 50),
        _band("0.25", 40),
        _band("0.20", 30),
        _band("0.15", 20),
        _band("0.10", 10),
    ),
    ip_class1=_band("1", 30),
    ip_class2_bands=(
        _band("4", 24),
        _band("3", 18),
        _band("2", 12),
        _band("1", 6),
    ),
)

DEFAULTS: dict[str, tuple[RuleSet, ...]] = {HNTE: (HNTE_2016,), SME: (SME_2017,)}


class NoRulesInForce(LookupError):
    pass


def rules_on(code: str, on: date, versions: tuple[RuleSet, ...] | None = None) -> RuleSet:
    """The version of rule set `code` in force on `on` (the latest to take effect)."""
    candidates = [
        rules
        for rules in (DEFAULTS[code] if versions is None else versions)
        if rules.code == code
        and rules.effective_from <= on
        and (rules.effective_to is None or on <= rules.effective_to)
    ]
    if not candidates:
        raise NoRulesInForce(f"{on:%Y-%m-%d} 没有生效的{code}规则版本")
    return max(candidates, key=lambda rules: rules.effective_from)


def to_dict(rules: RuleSet) -> dict[str, Any]:
    """A JSON-ready dict: decimals and dates as strings."""
    return _plain(dataclasses.asdict(rules))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _build(kind: Any, value: Any) -> Any:
    """Rebuild a value of type `kind` from its JSON form."""
    origin = typing.get_origin(kind)
    if origin in (types.UnionType, typing.Union):
        if value is None:
            return None
        kind = next(arg for arg in typing.get_args(kind) if arg is not type(None))
        return _build(kind, value)
    if origin is tuple:
        (item_kind, _ellipsis) = typing.get_args(kind)
        return tuple(_build(item_kind, item) for item in value)
    if origin is dict:
        return dict(value)
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        names = {field.name for field in dataclasses.fields(kind)}
        unknown = set(value) - names
        if unknown:
            raise ValueError(f"未知的规则项：{'、'.join(sorted(unknown))}")
        return kind(**{name: _build(hints[name], item) for name, item in value.items()})
    if kind is Decimal:
        return Decimal(str(value))
    if kind is date:
        return date.fromisoformat(value)
    return kind(value)


def hnte_rules_from_dict(data: dict[str, Any]) -> HnteRules:
    return _build(HnteRules, data)


def sme_rules_from_dict(data: dict[str, Any]) -> SmeRules:
    return _build(SmeRules, data)


def rules_from_dict(data: dict[str, Any]) -> RuleSet:
    return (sme_rules_from_dict if data.get("code") == SME else hnte_rules_from_dict)(data)
