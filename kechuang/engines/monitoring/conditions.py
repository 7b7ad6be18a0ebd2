"""Conditions as data: a tree of `Condition(field, op, value)` under `AllOf` / `AnyOf`, its
JSON form, its check against the fields rules may name, and its evaluation over one year.

Tier and class rules are such trees, never code, so the bureau edits them like any other
setting and a stored rules version says exactly what was applied.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kechuang.engines.monitoring.facts import RULE_FIELDS, YearView

COMPARISONS = ("==", "!=", ">", ">=", "<", "<=")
OPS_BY_KIND: dict[str, tuple[str, ...]] = {
    "number": (*COMPARISONS, "in"),
    "bool": ("==", "!="),
    "str": ("==", "!=", "in"),
}


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
    """The tree back from its JSON form; ValueError, in words for the rule editor, when the
    shape is wrong (the fields and values are checked by `check_expr`)."""
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


def is_number(value: object) -> bool:
    """An int or float, but not a bool (which Python counts as an int)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_expr(expr: object, where: str) -> None:
    """Raise ValueError, prefixed with `where`, unless every leaf names a rule field with an
    operator and values of that field's kind and every group is non-empty."""
    if isinstance(expr, AllOf | AnyOf):
        if not isinstance(expr.conditions, tuple) or not expr.conditions:
            raise ValueError(f"{where}：组合条件不能为空")
        for sub in expr.conditions:
            check_expr(sub, where)
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
            else is_number(item) and np.isfinite(item)
        )
        if not ok:
            raise ValueError(f"{where}：字段“{expr.field}”的取值 {item!r} 类型不符")


def evaluate(expr: Expr, view: YearView) -> np.ndarray:
    """Where `expr` holds in that year, as a boolean array aligned on the enterprise code;
    False for enterprises without a row and wherever a named figure is missing."""
    if isinstance(expr, AllOf | AnyOf):
        combine = np.logical_and if isinstance(expr, AllOf) else np.logical_or
        result = evaluate(expr.conditions[0], view)
        for sub in expr.conditions[1:]:
            result = combine(result, evaluate(sub, view))
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
