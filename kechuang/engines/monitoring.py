"""Enterprise R&D monitoring: the 研发50强 / 负增长 / 零研发 lists, 五个全覆盖 coverage of
above-designated-size (规上) enterprises, 分类提级 innovation classes, the tiered cultivation
ladder (微成长、小升高、高壮大) and the alerts the bureau follows up.

Every threshold lives in `MonitoringRules`, a frozen dataclass that round-trips through a
plain JSON dict, so the bureau edits and versions the rules in the database and a stored
result can always say which rules produced it. Conditions (tier rules) are data — a tree of
`Condition(field, op, value)` under `AllOf` / `AnyOf` — never code.

The computation is columnar: enterprise ids are factorised once, every (enterprise, year)
row is placed in an enterprise × year position matrix, and each year's figures are gathered
into arrays aligned on the enterprise code. All rules are then numpy expressions over those
arrays, so a county-scale panel (hundreds of thousands of enterprises over several years)
is processed in a fraction of a second without per-row Python.

Input schema (`facts`, one row per enterprise and year; extra columns are ignored):

=====================  =======  ================================================================
column                 kind     meaning
=====================  =======  ================================================================
enterprise_id          int      enterprise key (no missing values)
year                   int      statistical year (no missing values)
town_code              str      9-digit 乡镇街道 code
industry_code          str      GB/T 4754 code
is_above_scale         bool     规上 enterprise in that year
revenue                number   营业收入, yuan
rd_expense             number   研究开发费用合计, yuan, statistical (107-2) caliber
rd_staff               number   研究开发人员合计
employees              number   从业人员
tech_staff             number   科技人员
has_rd_institution     bool     has a municipal-or-higher R&D institution
valid_inventions       number   期末有效发明专利数
iuc_expense            number   R&D commissioned to domestic universities and institutes, yuan
new_product_sales      number   新产品销售收入, yuan
is_hnte                bool     高新技术企业 in that year
is_tech_sme            bool     科技型中小企业 in that year
hnte_valid_until       date     end of the HNTE certificate's validity (NaT when unknown)
=====================  =======  ================================================================

Missing values: a missing number means "not reported". It never satisfies a comparison, so
it gives no coverage, no list membership and no tier condition; a missing R&D figure is not a
zero. A missing boolean is False. Negative or infinite numbers are rejected.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from kechuang.engines.industry import SECTION_DIVISIONS, SECTION_LABELS, industry_section

# -- Schema --------------------------------------------------------------------------------

FACT_COLUMNS: dict[str, str] = {
    "enterprise_id": "id",
    "year": "id",
    "town_code": "str",
    "industry_code": "str",
    "is_above_scale": "bool",
    "revenue": "number",
    "rd_expense": "number",
    "rd_staff": "number",
    "employees": "number",
    "tech_staff": "number",
    "has_rd_institution": "bool",
    "valid_inventions": "number",
    "iuc_expense": "number",
    "new_product_sales": "number",
    "is_hnte": "bool",
    "is_tech_sme": "bool",
    "hnte_valid_until": "date",
}

# Fields computed per enterprise and year that rules may refer to, next to the fact columns.
DERIVED_FIELDS: dict[str, str] = {
    "intensity": "number",
    "tech_staff_ratio": "number",
    "hnte_valid": "bool",
    "previous_rd_expense": "number",
    "previous_rd_reported": "bool",
    "industry_section": "str",
}

FIELD_LABELS: dict[str, str] = {
    "town_code": "乡镇街道",
    "industry_code": "行业代码",
    "is_above_scale": "规上企业",
    "revenue": "营业收入",
    "rd_expense": "研发投入",
    "rd_staff": "研发人员",
    "employees": "从业人员",
    "tech_staff": "科技人员",
    "has_rd_institution": "市级以上研发机构",
    "valid_inventions": "有效发明专利",
    "iuc_expense": "委托境内高校和研究机构研发费用",
    "new_product_sales": "新产品销售收入",
    "is_hnte": "高新技术企业",
    "is_tech_sme": "科技型中小企业",
    "intensity": "研发强度",
    "tech_staff_ratio": "科技人员占比",
    "hnte_valid": "高企资格有效",
    "previous_rd_expense": "上年研发投入",
    "previous_rd_reported": "上年研发投入已填报",
    "industry_section": "行业门类",
}

RULE_FIELDS: dict[str, str] = {
    **{name: kind for name, kind in FACT_COLUMNS.items() if kind in ("str", "bool", "number")},
    **DERIVED_FIELDS,
}

COMPARISONS = ("==", "!=", ">", ">=", "<", "<=")
OPS_BY_KIND: dict[str, tuple[str, ...]] = {
    "number": (*COMPARISONS, "in"),
    "bool": ("==", "!="),
    "str": ("==", "!=", "in"),
}

# -- Result keys ---------------------------------------------------------------------------

CLASS_ACTIVE = "active"
CLASS_PASSIVE = "passive"
CLASS_LACKING = "lacking"
CLASS_UNKNOWN = "unknown"
CLASS_LABELS: dict[str, str] = {
    CLASS_ACTIVE: "主动创新",
    CLASS_PASSIVE: "被动创新",
    CLASS_LACKING: "缺乏创新意识",
    CLASS_UNKNOWN: "研发数据缺失",
}

TIER_NONE = "none"
TIER_ABSENT = "absent"
TIER_NONE_LABEL = "未入梯队"
TIER_ABSENT_LABEL = "无当年数据"

ALERT_RD_DROP = "rd_drop"
ALERT_ZERO_RD_STREAK = "zero_rd_streak"
ALERT_HNTE_EXPIRING = "hnte_expiring"
ALERT_LEFT_ABOVE_SCALE = "left_above_scale"
ALERT_KINDS = (ALERT_RD_DROP, ALERT_ZERO_RD_STREAK, ALERT_HNTE_EXPIRING, ALERT_LEFT_ABOVE_SCALE)

# The lists a result decides membership of; pages show them, never re-derive them.
LIST_TOP_SPEND = "top_spend"
LIST_TOP_INTENSITY = "top_intensity"
LIST_DECLINE = "decline"
LIST_ZERO_RD = "zero_rd"
LIST_COVERAGE = "coverage"
LIST_KEYS = (LIST_TOP_SPEND, LIST_TOP_INTENSITY, LIST_DECLINE, LIST_ZERO_RD, LIST_COVERAGE)
# The entries column holding each list's membership.
LIST_COLUMNS: dict[str, str] = {key: f"on_{key}" for key in LIST_KEYS}

# Coverage masks are int64 bit sets: one bit per item.
MAX_COVERAGE_ITEMS = 62


# -- Conditions as data --------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """`field op value`, e.g. ("revenue", ">=", 200000000). `in` takes a tuple of values.

    A missing value never satisfies a condition, whatever the operator (also `!=`).
    """

    field: str
    op: str
    value: float | int | bool | str | tuple[float | int | str, ...]


@dataclass(frozen=True)
class AllOf:
    """True where every sub-condition holds."""

    conditions: tuple["Expr", ...]


@dataclass(frozen=True)
class AnyOf:
    """True where at least one sub-condition holds."""

    conditions: tuple["Expr", ...]


Expr = Condition | AllOf | AnyOf


def expr_to_dict(expr: Expr) -> dict[str, Any]:
    """JSON form: {"field", "op", "value"} | {"all": [...]} | {"any": [...]}."""
    if isinstance(expr, Condition):
        value = list(expr.value) if isinstance(expr.value, tuple) else expr.value
        return {"field": expr.field, "op": expr.op, "value": value}
    key = "all" if isinstance(expr, AllOf) else "any"
    return {key: [expr_to_dict(sub) for sub in expr.conditions]}


def expr_from_dict(data: Mapping[str, Any]) -> Expr:
    if not isinstance(data, Mapping):
        raise ValueError(f"条件应为对象，实际为：{data!r}")
    keys = set(data)
    if keys == {"all"} or keys == {"any"}:
        (key,) = keys
        items = data[key]
        if not isinstance(items, list | tuple):
            raise ValueError(f"“{key}”应为条件列表")
        subs = tuple(expr_from_dict(item) for item in items)
        return AllOf(subs) if key == "all" else AnyOf(subs)
    if keys == {"field", "op", "value"}:
        value = data["value"]
        if isinstance(value, list):
            value = tuple(value)
        return Condition(data["field"], data["op"], value)
    raise ValueError(f"无法识别的条件：{dict(data)!r}（应为 field/op/value、all 或 any）")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_expr(expr: object, where: str) -> None:
    if isinstance(expr, AllOf | AnyOf):
        if not isinstance(expr.conditions, tuple) or not expr.conditions:
            raise ValueError(f"{where}：组合条件不能为空")
        for sub in expr.conditions:
            _check_expr(sub, where)
        return
    if not isinstance(expr, Condition):
        raise ValueError(f"{where}：无法识别的条件 {expr!r}")
    kind = RULE_FIELDS.get(expr.field)
    if kind is None:
        raise ValueError(f"{where}：未知字段“{expr.field}”")
    if expr.op not in OPS_BY_KIND[kind]:
        allowed = "、".join(OPS_BY_KIND[kind])
        raise ValueError(f"{where}：字段“{expr.field}”不支持运算符“{expr.op}”（可用：{allowed}）")
    value = expr.value
    if expr.op == "in":
        if not isinstance(value, tuple) or not value:
            raise ValueError(f"{where}：“in”的取值应为非空列表")
        values = value
    else:
        values = (value,)
    for item in values:
        ok = (
            isinstance(item, bool)
            if kind == "bool"
            else isinstance(item, str)
            if kind == "str"
            else _is_number(item) and np.isfinite(item)
        )
        if not ok:
            raise ValueError(f"{where}：字段“{expr.field}”的取值 {item!r} 类型不符")


# -- Rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageItem:
    """One item of 五个全覆盖: an enterprise is covered when `row[field] >= min_value`
    (or `>` when `op` is ">", for "any positive amount")."""

    key: str
    label: str
    field: str
    min_value: float
    op: str = ">="


@dataclass(frozen=True)
class TierRule:
    """A rung of the cultivation ladder; rules are tried top-down and the first match wins."""

    key: str
    label: str
    conditions: Expr


@dataclass(frozen=True)
class ClassRule:
    """The conditions of one 分类提级 class (`active` or `lacking`); classes are tried in
    order and the first match wins. An enterprise without an R&D figure is `unknown` before
    any rule, and one matching none is `passive` (被动创新)."""

    key: str
    conditions: Expr


def active_class(min_intensity: float = 0.03) -> ClassRule:
    """主动创新: R&D intensity at least `min_intensity` and an R&D platform (a municipal-or-
    higher R&D institution or a valid invention patent)."""
    return ClassRule(
        CLASS_ACTIVE,
        AllOf(
            (
                Condition("intensity", ">=", min_intensity),
                AnyOf(
                    (
                        Condition("has_rd_institution", "==", True),
                        Condition("valid_inventions", ">=", 1),
                    )
                ),
            )
        ),
    )


# 缺乏创新意识: zero R&D this year and last year, or zero now with nothing reported before.
DEFAULT_CLASSES: tuple[ClassRule, ...] = (
    active_class(),
    ClassRule(
        CLASS_LACKING,
        AllOf(
            (
                Condition("rd_expense", "==", 0),
                AnyOf(
                    (
                        Condition("previous_rd_expense", "==", 0),
                        Condition("previous_rd_reported", "==", False),
                    )
                ),
            )
        ),
    ),
)

# 研发强度 ranks 规上工业 (采矿业、制造业、电力热力燃气及水) with revenue of at least 2,000万元,
# the threshold of 规模以上工业企业, so that small-revenue outliers do not top the list.
DEFAULT_INTENSITY_SECTIONS: tuple[str, ...] = ("B", "C", "D")
DEFAULT_INTENSITY_MIN_REVENUE = 20_000_000.0

# 五个全覆盖 is NOT CONFIRMED in any official text (RULES.md §5): the seed names 研发机构 and
# 研发投入; 研发人员, 发明专利 and 产学研合作 are this default's reading. The bureau edits them.
DEFAULT_COVERAGE_ITEMS: tuple[CoverageItem, ...] = (
    CoverageItem("rd_institution", "研发机构", "has_rd_institution", 1),
    CoverageItem("rd_expense", "研发投入", "rd_expense", 0, ">"),
    CoverageItem("rd_staff", "研发人员", "rd_staff", 0, ">"),
    CoverageItem("invention", "发明专利", "valid_inventions", 1),
    CoverageItem("iuc", "产学研合作", "iuc_expense", 0, ">"),
)

# 微成长、小升高、高壮大 read as "from where, to what": micro tech enterprises grow (微→成长),
# small ones are raised to HNTE (小→升高), HNTEs are grown big (高→壮大). 高壮大 holds the
# HNTEs that already have scale (规上, or revenue ≥ 2亿元 — also the 科技型中小企业 revenue
# ceiling, 国科发政〔2017〕115号). An HNTE below that scale still needs the 小升高 work (scale,
# keeping its status at the three-yearly re-recognition), so it stays on the middle rung
# together with the 科小 not yet recognised; 微成长 is any other enterprise with R&D or
# technical staff.
DEFAULT_TIERS: tuple[TierRule, ...] = (
    TierRule(
        "strong",
        "高壮大",
        AllOf(
            (
                Condition("hnte_valid", "==", True),
                AnyOf(
                    (
                        Condition("revenue", ">=", 200_000_000),
                        Condition("is_above_scale", "==", True),
                    )
                ),
            )
        ),
    ),
    TierRule(
        "rising",
        "小升高",
        AnyOf((Condition("is_tech_sme", "==", True), Condition("hnte_valid", "==", True))),
    ),
    TierRule(
        "micro",
        "微成长",
        AnyOf((Condition("rd_expense", ">", 0), Condition("tech_staff", ">", 0))),
    ),
)


@dataclass(frozen=True)
class MonitoringRules:
    """All monitoring thresholds, versioned.

    - `top_n`: size of the 研发50强 lists (their titles follow it: 研发30强 with 30).
    - The intensity ranking ranks only enterprises with R&D and revenue > 0 that also meet
      `intensity_above_scale_only` (规上 only), `intensity_sections` (GB/T 4754 门类 letters;
      empty for every industry) and `intensity_min_revenue` (yuan, inclusive).
    - `zero_rd_above_scale_only`, `zero_rd_min_years`: 零研发 lists enterprises (规上 only when
      set) whose R&D has been exactly zero this many years running, this year included.
    - `decline_min_ratio`: 负增长 lists an enterprise when R&D fell by more than this share of
      last year's (0.0: any fall), i.e. current < previous × (1 − ratio).
    - `alert_decline_ratio`: raise an rd_drop alert when R&D fell by more than this share.
    - `zero_rd_alert_years`: alert a 规上 enterprise with zero R&D this many years running.
    - `hnte_expiry_days`: alert when an HNTE certificate ends within this many days (183,
      about half a year: enough to prepare re-recognition before the yearly round).
    - `classes`: the 分类提级 conditions (see `ClassRule`).
    - `coverage_items`: the 五个全覆盖 items; `tiers`: the cultivation ladder, top-down.
    """

    version: str = "default"
    top_n: int = 50
    intensity_above_scale_only: bool = True
    intensity_sections: tuple[str, ...] = DEFAULT_INTENSITY_SECTIONS
    intensity_min_revenue: float = DEFAULT_INTENSITY_MIN_REVENUE
    decline_min_ratio: float = 0.0
    zero_rd_above_scale_only: bool = True
    zero_rd_min_years: int = 1
    alert_decline_ratio: float = 0.30
    zero_rd_alert_years: int = 2
    hnte_expiry_days: int = 183
    classes: tuple[ClassRule, ...] = DEFAULT_CLASSES
    coverage_items: tuple[CoverageItem, ...] = DEFAULT_COVERAGE_ITEMS
    tiers: tuple[TierRule, ...] = DEFAULT_TIERS

    def __post_init__(self) -> None:
        if not isinstance(self.version, str) or not self.version.strip():
            raise ValueError("规则版本号不能为空")
        for name, low in (
            ("top_n", 1),
            ("zero_rd_min_years", 1),
            ("zero_rd_alert_years", 1),
            ("hnte_expiry_days", 0),
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise ValueError(f"{name} 应为不小于 {low} 的整数，实际为 {value!r}")
        for name in ("decline_min_ratio", "alert_decline_ratio"):
            value = getattr(self, name)
            if not _is_number(value) or not 0 <= value < 1:
                raise ValueError(f"{name} 应为 0 到 1 之间（不含 1）的比例，实际为 {value!r}")
        value = self.intensity_min_revenue
        if not _is_number(value) or not np.isfinite(value) or value < 0:
            raise ValueError(f"intensity_min_revenue 应为非负数，实际为 {value!r}")
        for name in ("intensity_above_scale_only", "zero_rd_above_scale_only"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} 应为是或否，实际为 {getattr(self, name)!r}")
        sections = self.intensity_sections
        if not isinstance(sections, tuple) or any(s not in SECTION_DIVISIONS for s in sections):
            raise ValueError(f"研发强度排名的行业门类应为 A 至 T 的字母，实际为 {sections!r}")
        if len(set(sections)) != len(sections):
            raise ValueError(f"研发强度排名的行业门类重复：{sections!r}")
        self._check_classes()
        self._check_coverage()
        self._check_tiers()

    def _check_classes(self) -> None:
        if not isinstance(self.classes, tuple):
            raise ValueError("分类提级条件应为列表")
        keys = [getattr(rule, "key", None) for rule in self.classes]
        if len(set(keys)) != len(keys):
            raise ValueError(f"分类提级条件重复：{keys}")
        for rule in self.classes:
            if not isinstance(rule, ClassRule) or rule.key not in (CLASS_ACTIVE, CLASS_LACKING):
                raise ValueError(f"分类提级只能为“主动创新”和“缺乏创新意识”设条件：{rule!r}")
            _check_expr(rule.conditions, f"分类“{CLASS_LABELS[rule.key]}”")

    def _check_coverage(self) -> None:
        items = self.coverage_items
        if not isinstance(items, tuple) or not items:
            raise ValueError("全覆盖事项不能为空")
        if len(items) > MAX_COVERAGE_ITEMS:
            raise ValueError(f"全覆盖事项最多 {MAX_COVERAGE_ITEMS} 项")
        keys = [item.key for item in items]
        if len(set(keys)) != len(keys):
            raise ValueError(f"全覆盖事项代码重复：{keys}")
        if {"enterprise_id", "missing"} & set(keys):
            raise ValueError("全覆盖事项代码不能为 enterprise_id 或 missing")
        for item in items:
            if not isinstance(item, CoverageItem) or not item.key or not item.label:
                raise ValueError(f"全覆盖事项定义不完整：{item!r}")
            if RULE_FIELDS.get(item.field) not in ("number", "bool"):
                raise ValueError(f"全覆盖事项“{item.label}”的字段“{item.field}”不是数值字段")
            if item.op not in (">=", ">"):
                raise ValueError(f"全覆盖事项“{item.label}”的运算符应为 >= 或 >")
            if not _is_number(item.min_value) or not np.isfinite(item.min_value):
                raise ValueError(f"全覆盖事项“{item.label}”的阈值应为数值")

    def _check_tiers(self) -> None:
        if not isinstance(self.tiers, tuple) or not self.tiers:
            raise ValueError("培育梯队不能为空")
        keys = [tier.key for tier in self.tiers]
        if len(set(keys)) != len(keys):
            raise ValueError(f"培育梯队代码重复：{keys}")
        for tier in self.tiers:
            if not isinstance(tier, TierRule) or not tier.key or not tier.label:
                raise ValueError(f"培育梯队定义不完整：{tier!r}")
            if tier.key in (TIER_NONE, TIER_ABSENT):
                raise ValueError(f"梯队代码“{tier.key}”为保留代码")
            _check_expr(tier.conditions, f"梯队“{tier.label}”")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable dict; `from_dict(to_dict(r)) == r`."""
        return {
            "version": self.version,
            "top_n": self.top_n,
            "intensity_above_scale_only": self.intensity_above_scale_only,
            "intensity_sections": list(self.intensity_sections),
            "intensity_min_revenue": self.intensity_min_revenue,
            "decline_min_ratio": self.decline_min_ratio,
            "zero_rd_above_scale_only": self.zero_rd_above_scale_only,
            "zero_rd_min_years": self.zero_rd_min_years,
            "alert_decline_ratio": self.alert_decline_ratio,
            "zero_rd_alert_years": self.zero_rd_alert_years,
            "hnte_expiry_days": self.hnte_expiry_days,
            "classes": [
                {"key": rule.key, "conditions": expr_to_dict(rule.conditions)}
                for rule in self.classes
            ],
            "coverage_items": [
                {
                    "key": item.key,
                    "label": item.label,
                    "field": item.field,
                    "op": item.op,
                    "min_value": item.min_value,
                }
                for item in self.coverage_items
            ],
            "tiers": [
                {"key": t.key, "label": t.label, "conditions": expr_to_dict(t.conditions)}
                for t in self.tiers
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "MonitoringRules":
        """Build from the stored JSON. Omitted settings take the defaults; unknown keys are
        rejected so a mistyped setting cannot silently fall back to its default.

        Versions stored before class conditions were data hold `active_min_intensity`; it
        becomes the intensity of the default 主动创新 condition."""
        if not isinstance(data, Mapping):
            raise ValueError("规则应为 JSON 对象")
        known = set(cls.__dataclass_fields__) | {"active_min_intensity"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"未知的规则项：{'、'.join(unknown)}")
        nested = ("coverage_items", "tiers", "classes", "active_min_intensity")
        kwargs = {k: v for k, v in data.items() if k not in nested}
        if "intensity_sections" in kwargs:
            sections = kwargs["intensity_sections"]
            if not isinstance(sections, list | tuple):
                raise ValueError("研发强度排名的行业门类应为列表")
            kwargs["intensity_sections"] = tuple(sections)
        if "classes" in data:
            try:
                kwargs["classes"] = tuple(
                    ClassRule(rule["key"], expr_from_dict(rule["conditions"]))
                    for rule in data["classes"]
                )
            except (KeyError, TypeError, AttributeError) as exc:
                raise ValueError(f"分类提级条件定义不完整：{exc}") from exc
        elif "active_min_intensity" in data:
            minimum = data["active_min_intensity"]
            if not _is_number(minimum) or not np.isfinite(minimum) or minimum < 0:
                raise ValueError(f"active_min_intensity 应为非负数，实际为 {minimum!r}")
            kwargs["classes"] = (active_class(minimum), *DEFAULT_CLASSES[1:])
        if "coverage_items" in data:
            try:
                kwargs["coverage_items"] = tuple(
                    CoverageItem(
                        key=item["key"],
                        label=item["label"],
                        field=item["field"],
                        min_value=item["min_value"],
                        op=item.get("op", ">="),
                    )
                    for item in data["coverage_items"]
                )
            except (KeyError, TypeError, AttributeError) as exc:
                raise ValueError(f"全覆盖事项定义不完整：{exc}") from exc
        if "tiers" in data:
            try:
                kwargs["tiers"] = tuple(
                    TierRule(t["key"], t["label"], expr_from_dict(t["conditions"]))
                    for t in data["tiers"]
                )
            except (KeyError, TypeError, AttributeError) as exc:
                raise ValueError(f"培育梯队定义不完整：{exc}") from exc
        return cls(**kwargs)

    def list_titles(self) -> dict[str, str]:
        """The title of each list under these rules: 研发30强 when `top_n` is 30."""
        scope = "规上企业" if self.zero_rd_above_scale_only else "企业"
        zero = (
            f"连续{self.zero_rd_min_years}年及以上零研发（{scope}）"
            if self.zero_rd_min_years > 1
            else f"零研发（{scope}）"
        )
        return {
            LIST_TOP_SPEND: f"研发{self.top_n}强（按研发投入）",
            LIST_TOP_INTENSITY: f"研发{self.top_n}强（按研发强度）",
            LIST_DECLINE: (
                f"研发负增长（下降超过{self.decline_min_ratio * 100:g}%）"
                if self.decline_min_ratio > 0
                else "研发负增长"
            ),
            LIST_ZERO_RD: zero,
            LIST_COVERAGE: "五个全覆盖（规上企业）",
        }

    def intensity_eligibility(self) -> str:
        """Who the intensity ranking ranks, in words for the page."""
        parts = ["规上" if self.intensity_above_scale_only else ""]
        if self.intensity_sections:
            names = "、".join(SECTION_LABELS[s] for s in self.intensity_sections)
            parts.append(f"{names}企业")
        else:
            parts.append("各行业企业")
        text = "".join(parts)
        if self.intensity_min_revenue:
            text += f"，营业收入不低于 {self.intensity_min_revenue / 10_000:,.0f} 万元"
        return text + "，且研发投入和营业收入大于零"

    def tier_labels(self) -> dict[str, str]:
        """Key → label for every tier key a result can contain."""
        labels = {tier.key: tier.label for tier in self.tiers}
        labels[TIER_NONE] = TIER_NONE_LABEL
        labels[TIER_ABSENT] = TIER_ABSENT_LABEL
        return labels


# -- Validation and the panel --------------------------------------------------------------


def validate_facts(facts: pd.DataFrame) -> None:
    """Raise ValueError when `facts` does not fit the schema (see the module docstring)."""
    _Panel(facts)


def _integer_array(series: pd.Series, name: str) -> np.ndarray:
    if pd.api.types.is_integer_dtype(series.dtype) and not series.hasnans:
        return series.to_numpy(dtype=np.int64)
    if pd.api.types.is_float_dtype(series.dtype) or pd.api.types.is_object_dtype(series.dtype):
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        if np.isnan(values).any():
            raise ValueError(f"column {name!r} has missing or non-numeric values")
        if (values != np.round(values)).any():
            raise ValueError(f"column {name!r} has non-integer values")
        return values.astype(np.int64)
    raise ValueError(f"column {name!r} must be integer, got dtype {series.dtype}")


def _number_array(series: pd.Series, name: str) -> np.ndarray:
    """The column as a numpy array: plain int, float and bool columns without a copy (they
    become float64 when a year is gathered), anything else converted to float64 with NaN."""
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iufb":
        values = series.to_numpy()
    elif pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    elif (
        pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or series.isna().all()
    ):
        try:
            values = pd.to_numeric(series, errors="raise").to_numpy(
                dtype=np.float64, na_value=np.nan
            )
        except (ValueError, TypeError) as exc:
            raise ValueError(f"column {name!r} has non-numeric values: {exc}") from exc
    else:
        raise ValueError(f"column {name!r} must be numeric, got dtype {dtype}")
    if values.dtype.kind == "f" and np.isinf(values).any():
        raise ValueError(f"column {name!r} has infinite values")
    if values.dtype.kind in "if" and (values < 0).any():
        raise ValueError(f"column {name!r} has negative values")
    return values


def _bool_array(series: pd.Series, name: str) -> np.ndarray:
    dtype = series.dtype
    if dtype == np.bool_:
        return series.to_numpy()
    if pd.api.types.is_bool_dtype(dtype):
        return series.to_numpy(dtype=bool, na_value=False)
    if pd.api.types.is_numeric_dtype(dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~np.isnan(values) & (values != 0) & (values != 1)
        if bad.any():
            raise ValueError(f"column {name!r} has values other than 0/1")
        return values == 1
    try:
        return pd.array(series, dtype="boolean").to_numpy(dtype=bool, na_value=False)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"column {name!r} must be boolean: {exc}") from exc


def _factorize_sorted(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0..n-1 numbering the distinct ids in ascending order, and those ids.

    Ascending codes make "ties broken by enterprise_id" a stable sort. Database keys are
    usually dense, so a lookup table over the id range does it in linear time; sparse ids
    fall back to a hash factorisation.
    """
    if not len(ids):
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int64)
    low = int(ids.min())
    span = int(ids.max()) - low + 1
    if span <= 4 * len(ids) + 1024:
        offsets = ids - low
        seen = np.zeros(span, dtype=bool)
        seen[offsets] = True
        codes = (np.cumsum(seen, dtype=np.intp) - 1)[offsets]
        return codes, np.flatnonzero(seen).astype(np.int64) + low
    codes, uniques = pd.factorize(ids, sort=True)
    return codes.astype(np.intp), np.asarray(uniques, dtype=np.int64)


class _Panel:
    """The facts as an enterprise × year position matrix plus validated column arrays.

    Enterprise codes follow ascending enterprise_id, so every code-ordered selection is also
    in enterprise_id order.
    """

    def __init__(self, facts: pd.DataFrame) -> None:
        if not isinstance(facts, pd.DataFrame):
            raise ValueError("facts must be a pandas DataFrame")
        missing = [name for name in FACT_COLUMNS if name not in facts.columns]
        if missing:
            raise ValueError(f"facts is missing columns: {', '.join(missing)}")
        if facts.columns.duplicated().any():
            raise ValueError("facts has duplicated column names")
        self.facts = facts
        self.columns: dict[str, np.ndarray] = {}
        ids = _integer_array(facts["enterprise_id"], "enterprise_id")
        years = _integer_array(facts["year"], "year")
        for name, kind in FACT_COLUMNS.items():
            if kind == "number":
                self.columns[name] = _number_array(facts[name], name)
            elif kind == "bool":
                self.columns[name] = _bool_array(facts[name], name)
        codes, self.ids = _factorize_sorted(ids)
        n_ent = len(self.ids)
        if len(years):
            self.first_year = int(years.min())
            self.n_years = int(years.max()) - self.first_year + 1
        else:
            self.first_year, self.n_years = 0, 0
        flat = codes.astype(np.intp) * self.n_years + (years - self.first_year)
        counts = np.bincount(flat, minlength=n_ent * self.n_years)
        if len(counts) and counts.max() > 1:
            cell = int(np.argmax(counts > 1))
            enterprise, offset = divmod(cell, self.n_years)
            raise ValueError(
                "facts has more than one row for "
                f"enterprise_id={self.ids[enterprise]}, year={self.first_year + offset}"
            )
        row_at = np.full(n_ent * self.n_years, -1, dtype=np.intp)
        row_at[flat] = np.arange(len(flat), dtype=np.intp)
        self.row_at = row_at.reshape(n_ent, self.n_years)
        self._views: dict[int, _YearView | None] = {}
        self._objects: dict[str, np.ndarray] = {}

    def has_year(self, year: int) -> bool:
        view = self.view(year)
        return view is not None and bool(view.present.any())

    def view(self, year: int) -> "_YearView | None":
        if year not in self._views:
            offset = year - self.first_year
            self._views[year] = (
                _YearView(self, year, self.row_at[:, offset])
                if 0 <= offset < self.n_years
                else None
            )
        return self._views[year]

    def object_column(self, name: str) -> np.ndarray:
        if name not in self._objects:
            self._objects[name] = self.facts[name].to_numpy(dtype=object, na_value=None)
        return self._objects[name]

    def zero_streak(self, year: int) -> np.ndarray:
        """Consecutive years, ending at `year`, with reported R&D exactly zero. A year with
        no row or no R&D figure ends the streak."""
        streak = np.zeros(len(self.ids), dtype=np.int64)
        alive = np.ones(len(self.ids), dtype=bool)
        for y in range(year, self.first_year - 1, -1):
            view = self.view(y)
            if view is None:
                break
            alive &= view.get("rd_expense") == 0
            if not alive.any():
                break
            streak += alive
        return streak


class _YearView:
    """One year's figures gathered into arrays aligned on the enterprise code."""

    def __init__(self, panel: _Panel, year: int, rows: np.ndarray) -> None:
        self.panel = panel
        self.year = year
        self.present = rows >= 0
        self._rows = np.where(self.present, rows, 0)
        self._cache: dict[str, np.ndarray] = {}

    def get(self, name: str) -> np.ndarray:
        if name not in self._cache:
            self._cache[name] = self._load(name)
        return self._cache[name]

    def _load(self, name: str) -> np.ndarray:
        if name in DERIVED_FIELDS:
            return self._derive(name)
        kind = FACT_COLUMNS.get(name)
        if kind == "number":
            values = self.panel.columns[name].take(self._rows).astype(np.float64, copy=False)
            values[~self.present] = np.nan
            return values
        if kind == "bool":
            return self.panel.columns[name].take(self._rows) & self.present
        if kind == "str":
            values = self.panel.object_column(name).take(self._rows)
            values[~self.present] = None
            return values
        if kind == "date":
            return self._dates(name)
        raise KeyError(name)

    def _dates(self, name: str) -> np.ndarray:
        series = self.panel.facts[name]
        out = np.full(len(self.present), np.datetime64("NaT"), dtype="datetime64[D]")
        rows = self._rows[self.present]
        subset = series.iloc[rows]
        if isinstance(subset.dtype, pd.DatetimeTZDtype):
            subset = subset.dt.tz_localize(None)
        if not pd.api.types.is_datetime64_dtype(subset.dtype):
            try:
                subset = pd.to_datetime(subset, errors="raise")
            except (ValueError, TypeError) as exc:
                raise ValueError(f"column {name!r} has values that are not dates: {exc}") from exc
        out[self.present] = subset.to_numpy().astype("datetime64[D]")
        return out

    def _derive(self, name: str) -> np.ndarray:
        if name == "intensity":
            return _ratio(self.get("rd_expense"), self.get("revenue"))
        if name == "tech_staff_ratio":
            return _ratio(self.get("tech_staff"), self.get("employees"))
        if name == "hnte_valid":
            # Valid at the end of the year; an HNTE flag without a known end date is trusted.
            until = self.get("hnte_valid_until")
            year_end = np.datetime64(date(self.year, 12, 31), "D")
            return self.get("is_hnte") & (np.isnat(until) | (until >= year_end))
        if name == "previous_rd_expense":
            previous = self.panel.view(self.year - 1)
            if previous is None:
                return np.full(len(self.present), np.nan)
            return previous.get("rd_expense")
        if name == "previous_rd_reported":
            return ~np.isnan(self.get("previous_rd_expense")) & self.present
        if name == "industry_section":
            codes, uniques = pd.factorize(self.get("industry_code"), use_na_sentinel=True)
            sections = np.array([industry_section(code) for code in uniques] + [None], dtype=object)
            return sections[codes]  # the sentinel -1 picks the trailing None
        raise KeyError(name)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator where the denominator is > 0, NaN elsewhere."""
    out = np.full(len(numerator), np.nan)
    ok = denominator > 0
    np.divide(numerator, denominator, out=out, where=ok)
    return out


def _evaluate(expr: Expr, view: _YearView) -> np.ndarray:
    if isinstance(expr, AllOf | AnyOf):
        combine = np.logical_and if isinstance(expr, AllOf) else np.logical_or
        result = _evaluate(expr.conditions[0], view)
        for sub in expr.conditions[1:]:
            result = combine(result, _evaluate(sub, view))
        return result
    values = view.get(expr.field)
    kind = RULE_FIELDS[expr.field]
    if kind == "number":
        known = ~np.isnan(values)
    elif kind == "str":
        known = ~pd.isna(values)
    else:
        known = view.present
    if expr.op == "in":
        hit = pd.Series(values).isin(list(expr.value)).to_numpy()
    else:
        hit = {
            "==": np.equal,
            "!=": np.not_equal,
            ">": np.greater,
            ">=": np.greater_equal,
            "<": np.less,
            "<=": np.less_equal,
        }[expr.op](values, expr.value)
    return np.asarray(hit, dtype=bool) & known & view.present


# -- Result --------------------------------------------------------------------------------


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


def _descending(values: np.ndarray, selected: np.ndarray) -> np.ndarray:
    """Codes where `selected`, by value descending, ties by enterprise_id ascending (codes
    are in id order and the sort is stable)."""
    candidates = np.flatnonzero(selected)
    return candidates[np.argsort(-values[candidates], kind="stable")]


def _ranks(n: int, ranked: np.ndarray) -> pd.arrays.IntegerArray:
    ranks = np.zeros(n, dtype=np.int64)
    ranks[ranked] = np.arange(1, len(ranked) + 1)
    return pd.arrays.IntegerArray(ranks, ranks == 0)


def _member(n: int, chosen: np.ndarray) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[chosen] = True
    return mask


def _top(ids: np.ndarray, values: np.ndarray, ranked: np.ndarray, top_n: int) -> pd.DataFrame:
    head = ranked[:top_n]
    return pd.DataFrame(
        {"rank": np.arange(1, len(head) + 1), "enterprise_id": ids[head], "value": values[head]}
    )


def _categorical(codes: np.ndarray, categories: Sequence[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=list(categories))


def _share(part: float, whole: float) -> float | None:
    return float(part) / float(whole) if whole else None


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
    if isinstance(year, bool) or not isinstance(year, int | np.integer):
        raise ValueError(f"year must be an integer, got {year!r}")
    year = int(year)
    today = date(today.year, today.month, today.day) if today else date(year, 12, 31)
    panel = _Panel(facts)
    if not panel.has_year(year):
        raise ValueError(f"facts has no rows for year {year}")
    cur = panel.view(year)
    assert cur is not None
    ids = panel.ids
    n = len(ids)
    present = cur.present
    rd = cur.get("rd_expense")
    revenue = cur.get("revenue")
    above = cur.get("is_above_scale")
    prev_rd = cur.get("previous_rd_expense")
    intensity = cur.get("intensity")

    # 研发50强: every enterprise with R&D; intensity only where revenue is positive and the
    # bureau's eligibility (规上, industry sections, revenue floor) holds.
    ranked_spend = _descending(rd, present & (rd > 0))
    intensity_ok = present & (rd > 0) & (revenue > 0) & (revenue >= rules.intensity_min_revenue)
    if rules.intensity_above_scale_only:
        intensity_ok &= above
    if rules.intensity_sections:
        intensity_ok &= np.isin(cur.get("industry_section"), list(rules.intensity_sections))
    ranked_intensity = _descending(intensity, intensity_ok)

    # 负增长: drop_ratio is computed as drop / previous, so a fall of exactly the threshold
    # (e.g. 30 of 100 against 0.30) compares equal and is not "more than" it.
    comparable = present & (prev_rd > 0) & ~np.isnan(rd)
    drop = prev_rd - rd
    drop_ratio = _ratio(drop, np.where(comparable, prev_rd, 0.0))
    falling = comparable & (drop > 0)
    declining = falling & (drop_ratio > rules.decline_min_ratio)
    decline_codes = _descending(drop, declining)
    declines = pd.DataFrame(
        {
            "enterprise_id": ids[decline_codes],
            "previous": prev_rd[decline_codes],
            "current": rd[decline_codes],
            "drop": drop[decline_codes],
            "drop_ratio": drop_ratio[decline_codes],
        }
    )

    # 零研发
    streak = panel.zero_streak(year)
    zero_ok = present & (rd == 0) & (streak >= rules.zero_rd_min_years)
    if rules.zero_rd_above_scale_only:
        zero_ok &= above
    zero_codes = _descending(streak, zero_ok)
    zero_rd = pd.DataFrame({"enterprise_id": ids[zero_codes], "zero_years": streak[zero_codes]})

    # 五个全覆盖 over 规上 enterprises.
    above_codes = np.flatnonzero(present & above)
    covered_columns: dict[str, np.ndarray] = {}
    missing_mask = np.zeros(len(above_codes), dtype=np.int64)
    for bit, item in enumerate(rules.coverage_items):
        values = cur.get(item.field)[above_codes].astype(np.float64)
        covered = values > item.min_value if item.op == ">" else values >= item.min_value
        covered_columns[item.key] = covered
        missing_mask |= (~covered).astype(np.int64) << bit
    masks, inverse = np.unique(missing_mask, return_inverse=True)
    mask_labels = np.empty(len(masks), dtype=object)
    mask_labels[:] = [
        tuple(item.label for bit, item in enumerate(rules.coverage_items) if mask >> bit & 1)
        for mask in masks.tolist()
    ]
    missing_labels = mask_labels[inverse.reshape(-1)]
    coverage = pd.DataFrame(
        {"enterprise_id": ids[above_codes], **covered_columns, "missing": missing_labels}
    )
    total_above = len(above_codes)
    coverage_summary = pd.DataFrame(
        {
            "key": [item.key for item in rules.coverage_items],
            "label": [item.label for item in rules.coverage_items],
            "covered": [int(covered_columns[item.key].sum()) for item in rules.coverage_items],
            "total": total_above,
        }
    )
    coverage_summary["share"] = coverage_summary["covered"] / total_above if total_above else np.nan
    fully_covered = int((missing_mask == 0).sum())

    # 分类提级: the bureau's conditions for 主动创新 and 缺乏创新意识, first match wins; the
    # rest is 被动创新. A year without an R&D figure is kept apart as "unknown" instead of
    # being guessed into a class.
    class_keys = (CLASS_ACTIVE, CLASS_PASSIVE, CLASS_LACKING, CLASS_UNKNOWN)
    class_codes = np.select(
        [np.isnan(rd), *(_evaluate(rule.conditions, cur) for rule in rules.classes)],
        [3, *(class_keys.index(rule.key) for rule in rules.classes)],
        default=1,
    )

    # Cultivation tiers, this year and last year, from the same facts and rules.
    tier_keys = [tier.key for tier in rules.tiers]
    move_keys = [*tier_keys, TIER_NONE, TIER_ABSENT]
    tier_codes = _tiers(cur, rules)
    prev = panel.view(year - 1)
    if prev is None:
        prev_present = np.zeros(n, dtype=bool)
        prev_tier_codes = np.full(n, len(tier_keys) + 1)
    else:
        prev_present = prev.present
        prev_tier_codes = np.where(prev_present, _tiers(prev, rules), len(tier_keys) + 1)
    either = present | prev_present
    cur_move_codes = np.where(present, tier_codes, len(tier_keys) + 1)
    pairs = prev_tier_codes[either] * len(move_keys) + cur_move_codes[either]
    pair_counts = np.bincount(pairs, minlength=len(move_keys) ** 2)
    nonzero = np.flatnonzero(pair_counts)
    labels = rules.tier_labels()
    tier_moves = pd.DataFrame(
        {
            "from_tier": [move_keys[p // len(move_keys)] for p in nonzero.tolist()],
            "to_tier": [move_keys[p % len(move_keys)] for p in nonzero.tolist()],
            "from_label": [labels[move_keys[p // len(move_keys)]] for p in nonzero.tolist()],
            "to_label": [labels[move_keys[p % len(move_keys)]] for p in nonzero.tolist()],
            "count": pair_counts[nonzero],
        }
    )

    # Enterprise-level frames for this year, in enterprise_id order.
    codes = np.flatnonzero(present)
    classes = pd.DataFrame(
        {
            "enterprise_id": ids[codes],
            "innovation_class": _categorical(class_codes[codes], class_keys),
        }
    )
    tiers = pd.DataFrame(
        {
            "enterprise_id": ids[codes],
            "tier": _categorical(tier_codes[codes], move_keys),
            "previous_tier": _categorical(prev_tier_codes[codes], move_keys),
        }
    )

    alerts = _alerts(
        rules, today, ids, cur, prev, streak, comparable, drop, drop_ratio, prev_rd, rd
    )

    coverage_missing = np.empty(n, dtype=object)
    coverage_missing.fill(())
    coverage_missing[above_codes] = missing_labels
    comparable_codes = comparable[codes]
    entries = pd.DataFrame(
        {
            "enterprise_id": ids[codes],
            "rd_expense": rd[codes],
            "revenue": revenue[codes],
            "intensity": intensity[codes],
            "rank_spend": _ranks(n, ranked_spend)[codes],
            "rank_intensity": _ranks(n, ranked_intensity)[codes],
            "previous_rd_expense": prev_rd[codes],
            "drop": np.where(comparable_codes, drop[codes], np.nan),
            "drop_ratio": np.where(comparable_codes, drop_ratio[codes], np.nan),
            "zero_years": streak[codes],
            "is_above_scale": above[codes],
            "coverage_missing": coverage_missing[codes],
            "innovation_class": classes["innovation_class"].array,
            "tier": tiers["tier"].array,
            "previous_tier": tiers["previous_tier"].array,
            # List membership as decided here: pages filter on these, never on the figures.
            LIST_COLUMNS[LIST_TOP_SPEND]: _member(n, ranked_spend[: rules.top_n])[codes],
            LIST_COLUMNS[LIST_TOP_INTENSITY]: _member(n, ranked_intensity[: rules.top_n])[codes],
            LIST_COLUMNS[LIST_DECLINE]: declining[codes],
            LIST_COLUMNS[LIST_ZERO_RD]: zero_ok[codes],
            LIST_COLUMNS[LIST_COVERAGE]: (present & above)[codes],
        }
    )

    above_rd = float(np.nansum(rd[above_codes]))
    above_revenue = float(np.nansum(revenue[above_codes]))
    with_institution = int(cur.get("has_rd_institution")[above_codes].sum())
    summary: dict[str, Any] = {
        "year": year,
        "rules_version": rules.version,
        "today": today.isoformat(),
        "enterprises": int(present.sum()),
        "above_scale": total_above,
        "with_rd": int((present & (rd > 0)).sum()),
        "total_rd_expense": float(np.nansum(rd[present])),
        "above_scale_rd_expense": above_rd,
        "above_scale_revenue": above_revenue,
        "above_scale_rd_ratio": _share(above_rd, above_revenue),
        "above_scale_with_rd_institution": with_institution,
        "above_scale_rd_institution_share": _share(with_institution, total_above),
        "top_by_spend": int(min(rules.top_n, len(ranked_spend))),
        "top_by_intensity": int(min(rules.top_n, len(ranked_intensity))),
        "declines": len(declines),
        "zero_rd": len(zero_rd),
        "coverage_full": fully_covered,
        "coverage_full_share": _share(fully_covered, total_above),
        "classes": {key: int((class_codes[codes] == i).sum()) for i, key in enumerate(class_keys)},
        "tiers": {
            key: int((tier_codes[codes] == i).sum())
            for i, key in enumerate([*tier_keys, TIER_NONE])
        },
        "alerts": {kind: int((alerts["kind"] == kind).sum()) for kind in ALERT_KINDS},
    }
    return MonitoringResult(
        year=year,
        rules=rules,
        today=today,
        top_by_spend=_top(ids, rd, ranked_spend, rules.top_n),
        top_by_intensity=_top(ids, intensity, ranked_intensity, rules.top_n),
        declines=declines,
        zero_rd=zero_rd,
        coverage=coverage,
        coverage_summary=coverage_summary,
        classes=classes,
        tiers=tiers,
        tier_moves=tier_moves,
        alerts=alerts,
        entries=entries,
        summary=summary,
    )


def _tiers(view: _YearView, rules: MonitoringRules) -> np.ndarray:
    """Index into rules.tiers of the first matching rule; len(rules.tiers) for none."""
    codes = np.full(len(view.present), len(rules.tiers), dtype=np.int64)
    for index in range(len(rules.tiers) - 1, -1, -1):
        codes[_evaluate(rules.tiers[index].conditions, view)] = index
    return codes


def _alerts(
    rules: MonitoringRules,
    today: date,
    ids: np.ndarray,
    cur: _YearView,
    prev: _YearView | None,
    streak: np.ndarray,
    comparable: np.ndarray,
    drop: np.ndarray,
    drop_ratio: np.ndarray,
    prev_rd: np.ndarray,
    rd: np.ndarray,
) -> pd.DataFrame:
    frames: list[pd.DataFrame] = []

    def add(kind: str, codes: np.ndarray, messages: list[str], values: np.ndarray) -> None:
        frames.append(
            pd.DataFrame(
                {
                    "enterprise_id": ids[codes],
                    "kind": np.full(len(codes), ALERT_KINDS.index(kind)),
                    "message": np.array(messages, dtype=object),
                    "value": values.astype(np.float64),
                }
            )
        )

    codes = np.flatnonzero(comparable & (drop > 0) & (drop_ratio > rules.alert_decline_ratio))
    add(
        ALERT_RD_DROP,
        codes,
        list(
            map(
                "研发投入由 {:,.2f} 万元降至 {:,.2f} 万元，降幅 {:.1%}".format,
                (prev_rd[codes] / 10_000).tolist(),
                (rd[codes] / 10_000).tolist(),
                drop_ratio[codes].tolist(),
            )
        ),
        drop_ratio[codes],
    )

    above = cur.get("is_above_scale")
    codes = np.flatnonzero(above & (streak >= rules.zero_rd_alert_years))
    add(
        ALERT_ZERO_RD_STREAK,
        codes,
        list(map("规上企业已连续 {} 年研发投入为零".format, streak[codes].tolist())),
        streak[codes],
    )

    until = cur.get("hnte_valid_until")
    days_left = (until - np.datetime64(date(today.year, today.month, today.day), "D")).astype(
        np.float64
    )
    days_left[np.isnat(until)] = np.nan
    codes = np.flatnonzero(
        cur.get("is_hnte") & (days_left >= 0) & (days_left <= rules.hnte_expiry_days)
    )
    add(
        ALERT_HNTE_EXPIRING,
        codes,
        [
            f"高新技术企业资格将于 {d} 到期（剩余 {int(n)} 天）"
            for d, n in zip(
                until[codes].astype(str).tolist(), days_left[codes].tolist(), strict=True
            )
        ],
        days_left[codes],
    )

    if prev is not None:
        revenue = cur.get("revenue")
        codes = np.flatnonzero(prev.get("is_above_scale") & ~above)
        add(
            ALERT_LEFT_ABOVE_SCALE,
            codes,
            [
                "上年为规上企业，本年已退出规上" if here else "上年为规上企业，本年无数据"
                for here in cur.present[codes].tolist()
            ],
            revenue[codes],
        )

    # Each kind's codes are in enterprise_id order, so this is ordered by kind, then id.
    alerts = pd.concat(frames, ignore_index=True)
    alerts["kind"] = _categorical(alerts["kind"].to_numpy(), ALERT_KINDS)
    return alerts
