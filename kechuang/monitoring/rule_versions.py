"""Monitoring rule versions for people: conditions as labelled rows, the rules in words, the
difference between two versions field by field, and how many enterprises a new version moves.

Officers edit amounts in 万元 and ratios in per cent; the engine keeps yuan and fractions.
The conversion lives here, once, for the editor, the version page and the diff.
"""

from dataclasses import dataclass
from typing import Any

import pandas as pd

from kechuang.engines import industry
from kechuang.engines import monitoring as engine

MONEY_FIELDS = {
    "revenue",
    "rd_expense",
    "iuc_expense",
    "new_product_sales",
    "previous_rd_expense",
}
PERCENT_FIELDS = {"intensity", "tech_staff_ratio"}
OP_LABELS = {
    "==": "等于",
    "!=": "不等于",
    ">": "大于",
    ">=": "大于等于",
    "<": "小于",
    "<=": "小于等于",
    "in": "属于（多个值以逗号分隔）",
}
OP_SIGNS = {"==": "=", "!=": "≠", ">": ">", ">=": "≥", "<": "<", "<=": "≤", "in": "属于"}


def unit(field: str) -> str:
    return "万元" if field in MONEY_FIELDS else "%" if field in PERCENT_FIELDS else ""


def field_label(field: str) -> str:
    label = engine.FIELD_LABELS.get(field, field)
    return f"{label}（{unit(field)}）" if unit(field) else label


def to_display(field: str, value: float) -> float:
    """An engine value as officers type it: yuan → 万元, fraction → per cent."""
    if field in MONEY_FIELDS:
        value = value / 10_000
    elif field in PERCENT_FIELDS:
        value = value * 100
    return _tidy(value)


def from_display(field: str, value: float) -> float:
    if field in MONEY_FIELDS:
        value = value * 10_000
    elif field in PERCENT_FIELDS:
        value = value / 100
    return _tidy(value)


def _tidy(value: float) -> float | int:
    """Round away binary noise (0.07 * 100) and drop a zero fraction, so values read and
    diff as typed."""
    value = round(float(value), 8)
    return int(value) if value.is_integer() else value


# -- conditions as groups ---------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One labelled condition row: `group` numbers the groups of an all-of-any-of rule."""

    group: int
    field: str
    op: str
    value: Any


def to_groups(expr: engine.Expr) -> list[list[engine.Condition]] | None:
    """A condition as groups that must all hold, each holding when any of its conditions
    does; None when it nests deeper than that and cannot be shown as rows."""

    def any_group(item) -> list[engine.Condition] | None:
        if isinstance(item, engine.Condition):
            return [item]
        if isinstance(item, engine.AnyOf) and all(
            isinstance(sub, engine.Condition) for sub in item.conditions
        ):
            return list(item.conditions)
        return None

    if isinstance(expr, engine.AllOf):
        groups = [any_group(item) for item in expr.conditions]
        return None if any(group is None for group in groups) else groups
    group = any_group(expr)
    return None if group is None else [group]


def from_groups(groups: list[list[engine.Condition]]) -> engine.Expr:
    parts = [group[0] if len(group) == 1 else engine.AnyOf(tuple(group)) for group in groups]
    return parts[0] if len(parts) == 1 else engine.AllOf(tuple(parts))


def to_rows(expr: engine.Expr) -> list[Row] | None:
    groups = to_groups(expr)
    if groups is None:
        return None
    return [
        Row(number, c.field, c.op, c.value)
        for number, group in enumerate(groups, start=1)
        for c in group
    ]


def from_rows(rows: list[Row]) -> engine.Expr | None:
    """Rows of one rule back into a condition; None when there are none."""
    groups: dict[int, list[engine.Condition]] = {}
    for row in sorted(rows, key=lambda r: r.group):
        groups.setdefault(row.group, []).append(engine.Condition(row.field, row.op, row.value))
    return from_groups(list(groups.values())) if groups else None


def value_text(field: str, value: Any) -> str:
    if isinstance(value, tuple | list):
        return "、".join(value_text(field, item) for item in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        shown = to_display(field, value)
        return f"{shown:,} {unit(field)}".rstrip() if unit(field) != "%" else f"{shown}%"
    return str(value)


def condition_text(expr: engine.Expr) -> str:
    """A condition in words: 高企资格有效 = 是，且（营业收入 ≥ 20,000万元 或 规上企业 = 是）."""
    if isinstance(expr, engine.Condition):
        label = engine.FIELD_LABELS.get(expr.field, expr.field)
        return f"{label} {OP_SIGNS[expr.op]} {value_text(expr.field, expr.value)}"
    joiner = "，且" if isinstance(expr, engine.AllOf) else " 或 "
    parts = []
    for sub in expr.conditions:
        text = condition_text(sub)
        parts.append(f"（{text}）" if not isinstance(sub, engine.Condition) else text)
    return joiner.join(parts)


# -- the rules in words -----------------------------------------------------------------------


def _sections(codes) -> str:
    return "、".join(f"{c} {industry.SECTION_LABELS[c]}" for c in codes) or "不限行业"


def _yes(value: bool) -> str:
    return "是" if value else "否"


def _percent(value: float) -> str:
    return f"{_tidy(value * 100)}%"


def _wan(value: float) -> str:
    return f"{_tidy(value / 10_000):,} 万元"


SETTINGS: list[tuple[str, str, Any]] = [
    ("top_n", "研发强企名单数量（N）", str),
    ("decline_min_ratio", "负增长名单下降幅度下限", _percent),
    ("zero_rd_above_scale_only", "零研发名单仅列规上企业", _yes),
    ("zero_rd_min_years", "零研发名单连续年数下限", lambda v: f"{v} 年"),
    ("intensity_above_scale_only", "研发强度排名仅含规上企业", _yes),
    ("intensity_sections", "研发强度排名的行业门类", _sections),
    ("intensity_min_revenue", "研发强度排名营业收入下限", _wan),
    ("alert_decline_ratio", "研发下降预警阈值", _percent),
    ("zero_rd_alert_years", "连续零研发预警年数", lambda v: f"{v} 年"),
    ("hnte_expiry_days", "高企到期提前预警天数", lambda v: f"{v} 天"),
]


def coverage_text(item: engine.CoverageItem) -> str:
    label = engine.FIELD_LABELS.get(item.field, item.field)
    if engine.RULE_FIELDS.get(item.field) == "bool":
        return f"{label} 为 是"
    return f"{label} {OP_SIGNS[item.op]} {value_text(item.field, item.min_value)}"


def describe(rules: engine.MonitoringRules) -> dict[str, Any]:
    """The rules in words, for the version page."""
    classes = {rule.key: rule for rule in rules.classes}
    return {
        "settings": [(label, show(getattr(rules, name))) for name, label, show in SETTINGS],
        "classes": [
            (
                engine.CLASS_LABELS[key],
                condition_text(classes[key].conditions) if key in classes else "（不设条件）",
            )
            for key in (engine.CLASS_ACTIVE, engine.CLASS_LACKING)
        ],
        "coverage": [(item.label, item.key, coverage_text(item)) for item in rules.coverage_items],
        "tiers": [(t.label, t.key, condition_text(t.conditions)) for t in rules.tiers],
    }


def diff(old: engine.MonitoringRules, new: engine.MonitoringRules) -> list[tuple[str, str, str]]:
    """What changed from `old` to `new`, one (item, before, after) per changed setting,
    coverage item, class or tier, in Chinese; "—" where there was or is none."""
    changes = []
    for name, label, show in SETTINGS:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append((label, show(before), show(after)))
    old_classes = {r.key: r for r in old.classes}
    new_classes = {r.key: r for r in new.classes}
    for key in (engine.CLASS_ACTIVE, engine.CLASS_LACKING):
        before, after = old_classes.get(key), new_classes.get(key)
        if before != after:
            changes.append(
                (
                    f"分类“{engine.CLASS_LABELS[key]}”的条件",
                    condition_text(before.conditions) if before else "—",
                    condition_text(after.conditions) if after else "—",
                )
            )
    changes += _keyed_diff(
        "五个全覆盖事项",
        {i.key: i for i in old.coverage_items},
        {i.key: i for i in new.coverage_items},
        lambda i: f"{i.label}：{coverage_text(i)}",
    )
    changes += _keyed_diff(
        "培育梯队",
        {t.key: t for t in old.tiers},
        {t.key: t for t in new.tiers},
        lambda t: f"{t.label}：{condition_text(t.conditions)}",
    )
    if [i.key for i in old.coverage_items] != [i.key for i in new.coverage_items] and set(
        i.key for i in old.coverage_items
    ) == set(i.key for i in new.coverage_items):
        changes.append(
            ("五个全覆盖事项的顺序", _order(old.coverage_items), _order(new.coverage_items))
        )
    if [t.key for t in old.tiers] != [t.key for t in new.tiers]:
        changes.append(("培育梯队的顺序（自上而下）", _order(old.tiers), _order(new.tiers)))
    return changes


def _order(items) -> str:
    return " → ".join(item.label for item in items)


def _keyed_diff(title: str, old: dict, new: dict, text) -> list[tuple[str, str, str]]:
    changes = []
    for key in [*old, *(k for k in new if k not in old)]:
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        label = (after or before).label
        changes.append(
            (
                f"{title}“{label}”",
                text(before) if before else "—（新增）",
                text(after) if after else "—（删除）",
            )
        )
    return changes


# -- what a version moves ---------------------------------------------------------------------


def moves(
    facts: pd.DataFrame, year: int, old: engine.MonitoringRules, new: engine.MonitoringRules
) -> dict[str, Any]:
    """How many enterprises `new` moves against `old` on the same facts: per list the ones
    that join and leave it, those whose class, tier or 五个全覆盖 gaps change, and the number
    of distinct enterprises moved in any way."""
    before = engine.compute(facts, year, old).entries.set_index("enterprise_id")
    after = engine.compute(facts, year, new).entries.set_index("enterprise_id")
    moved = pd.Series(False, index=after.index)
    titles = new.list_titles()
    lists = []
    for key in engine.LIST_KEYS:
        column = engine.LIST_COLUMNS[key]
        joined = after[column] & ~before[column]
        left = before[column] & ~after[column]
        moved |= joined | left
        lists.append(
            {
                "key": key,
                "title": titles[key],
                "before": int(before[column].sum()),
                "after": int(after[column].sum()),
                "joined": int(joined.sum()),
                "left": int(left.sum()),
            }
        )
    changed = {}
    for name in ("innovation_class", "tier"):
        differs = before[name].astype(str) != after[name].astype(str)
        changed[name] = int(differs.sum())
        moved |= differs
    # Gaps are compared by item key, since a label may be renamed without moving anyone.
    gaps = _gap_keys(before["coverage_missing"], old) != _gap_keys(after["coverage_missing"], new)
    changed["coverage"] = int(gaps.sum())
    moved |= gaps
    return {
        "year": year,
        "enterprises": len(after),
        "moved": int(moved.sum()),
        "lists": lists,
        "classes": changed["innovation_class"],
        "tiers": changed["tier"],
        "coverage": changed["coverage"],
    }


def _gap_keys(missing: pd.Series, rules: engine.MonitoringRules) -> pd.Series:
    key_of = {item.label: item.key for item in rules.coverage_items}
    return missing.map(lambda labels: tuple(sorted(key_of.get(x, x) for x in labels or ())))
