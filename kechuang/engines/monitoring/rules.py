"""The monitoring rules: every threshold, list size, class condition, 五个全覆盖 item and
cultivation tier, with the defaults and their sources.

Every threshold lives in `MonitoringRules`, a frozen dataclass that round-trips through a
plain JSON dict, so the bureau edits and versions the rules in the database and a stored
result can always say which rules produced it. Conditions (tier rules) are data — a tree of
`Condition(field, op, value)` under `AllOf` / `AnyOf` — never code.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from kechuang.engines.industry import SECTION_DIVISIONS, SECTION_LABELS
from kechuang.engines.monitoring.conditions import (
    AllOf,
    AnyOf,
    Condition,
    Expr,
    check_expr,
    expr_from_dict,
    expr_to_dict,
    is_number,
)
from kechuang.engines.monitoring.facts import RULE_FIELDS
from kechuang.engines.monitoring.keys import (
    CLASS_ACTIVE,
    CLASS_LABELS,
    CLASS_LACKING,
    LIST_COVERAGE,
    LIST_DECLINE,
    LIST_TOP_INTENSITY,
    LIST_TOP_SPEND,
    LIST_ZERO_RD,
    TIER_ABSENT,
    TIER_ABSENT_LABEL,
    TIER_NONE,
    TIER_NONE_LABEL,
)

# Coverage masks are int64 bit sets: one bit per item.
MAX_COVERAGE_ITEMS = 62


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
            if not is_number(value) or not 0 <= value < 1:
                raise ValueError(f"{name} 应为 0 到 1 之间（不含 1）的比例，实际为 {value!r}")
        value = self.intensity_min_revenue
        if not is_number(value) or not np.isfinite(value) or value < 0:
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
            check_expr(rule.conditions, f"分类“{CLASS_LABELS[rule.key]}”")

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
            if not is_number(item.min_value) or not np.isfinite(item.min_value):
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
            check_expr(tier.conditions, f"梯队“{tier.label}”")

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
            if not is_number(minimum) or not np.isfinite(minimum) or minimum < 0:
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
