"""Consistency checks of form 107-2 (企业研究开发活动及相关情况) rows and year-on-year jumps.

`check_row` applies the 审核关系 of the statistics office's own audit tool (RULES.md §4.3):
totals equal the sum of their items, every "其中" item fits inside its total, R&D staff and
staff costs are zero together, and staff × 12 covers the project person-months of form
107-1. `jump_check` catches the most common keying error, an amount entered in the wrong unit
(元 / 千元 / 万元), by flagging figures that are ≥ `factor` × last year's or ≤ 1/`factor` of it.

Field names are those of the 107-2 record (monitoring.models.RDRecord); amounts may be in
any one unit, as long as a row uses the same unit throughout.

Missing values: a field absent from the row means it was not collected, and every rule that
names it is skipped. A field present but blank (None, NaN or "") is an empty form cell and
counts as 0, as on the paper form. A value that is not a number is reported as a violation of
its own, and the rules that name it are skipped.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

FIELD_LABELS: dict[str, str] = {
    "rd_staff": "研究开发人员合计",
    "rd_staff_management": "其中：管理和服务人员",
    "rd_staff_female": "其中：女性",
    "rd_staff_fulltime": "其中：全职人员",
    "rd_staff_bachelor": "其中：本科毕业及以上人员",
    "rd_staff_external": "其中：外聘人员",
    "rd_expense": "研究开发费用合计",
    "cost_personnel": "人员人工费用",
    "cost_direct": "直接投入费用",
    "cost_depreciation": "折旧费用与长期待摊费用",
    "cost_amortisation": "无形资产摊销费用",
    "cost_design": "设计费用",
    "cost_trial": "装备调试费用与试验费用",
    "cost_commissioned": "委托外部研究开发费用",
    "commissioned_institutes": "委托境内研究机构",
    "commissioned_universities": "委托境内高等学校",
    "commissioned_enterprises": "委托境内企业",
    "commissioned_abroad": "委托境外机构",
    "cost_other": "其他费用",
    "rd_fixed_assets": "当年形成用于研发的固定资产",
    "rd_instruments": "其中：仪器和设备",
    "fund_self": "企业自筹",
    "fund_government": "来自政府部门",
    "fund_bank": "来自银行贷款",
    "fund_venture": "来自风险投资",
    "fund_other": "来自其他渠道",
    "institutions": "期末机构数",
    "institution_staff": "机构研究开发人员",
    "institution_phd": "其中：博士毕业",
    "institution_master": "其中：硕士毕业",
    "institution_expense": "机构研究开发费用",
    "patent_applications": "当年专利申请数",
    "invention_applications": "其中：发明专利申请",
    "valid_inventions": "期末有效发明专利数",
    "implemented_inventions": "其中：已被实施",
    "new_product_sales": "新产品销售收入",
    "new_product_exports": "其中：出口",
    "project_person_months": "项目人员实际工作时间合计（107-1，人月）",
}

COST_ITEMS = (
    "cost_personnel",
    "cost_direct",
    "cost_depreciation",
    "cost_amortisation",
    "cost_design",
    "cost_trial",
    "cost_commissioned",
    "cost_other",
)
COMMISSIONED_ITEMS = (
    "commissioned_institutes",
    "commissioned_universities",
    "commissioned_enterprises",
    "commissioned_abroad",
)
FUNDING_ITEMS = ("fund_self", "fund_government", "fund_bank", "fund_venture", "fund_other")
STAFF_PARTS = (
    "rd_staff_management",
    "rd_staff_female",
    "rd_staff_fulltime",
    "rd_staff_bachelor",
    "rd_staff_external",
)

# (rule key, total, items, what the items are called): total == sum(items).
SUM_RULES: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("cost_items_sum", "rd_expense", COST_ITEMS, "八项费用"),
    ("commissioned_sum", "cost_commissioned", COMMISSIONED_ITEMS, "四类委托对象"),
    ("funding_sum", "rd_expense", FUNDING_ITEMS, "各资金来源"),
)

# (rule key, larger, parts): larger >= sum(parts).
AT_LEAST_RULES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("cost_ge_institution", "rd_expense", ("institution_expense",)),
    *(("staff_ge_part", "rd_staff", (part,)) for part in STAFF_PARTS),
    ("bachelor_ge_postgraduates", "rd_staff_bachelor", ("institution_phd", "institution_master")),
    (
        "institution_staff_ge_postgraduates",
        "institution_staff",
        ("institution_phd", "institution_master"),
    ),
    ("fixed_assets_ge_instruments", "rd_fixed_assets", ("rd_instruments",)),
    ("applications_ge_inventions", "patent_applications", ("invention_applications",)),
    ("valid_ge_implemented", "valid_inventions", ("implemented_inventions",)),
    ("new_products_ge_exports", "new_product_sales", ("new_product_exports",)),
)

RULE_NAMES: dict[str, str] = {
    "cost_items_sum": "研究开发费用合计 = 八项费用之和",
    "commissioned_sum": "委托外部研究开发费用 = 四类委托对象之和",
    "funding_sum": "研究开发费用合计 = 各资金来源之和",
    "cost_ge_institution": "研究开发费用合计 ≥ 机构研究开发费用",
    "staff_ge_part": "研究开发人员合计 ≥ 各“其中”项",
    "bachelor_ge_postgraduates": "本科毕业及以上人员 ≥ 博士与硕士之和",
    "institution_staff_ge_postgraduates": "机构研究开发人员 ≥ 博士与硕士之和",
    "fixed_assets_ge_instruments": "用于研发的固定资产 ≥ 其中仪器和设备",
    "applications_ge_inventions": "专利申请数 ≥ 其中发明专利",
    "valid_ge_implemented": "期末有效发明专利数 ≥ 其中已被实施",
    "new_products_ge_exports": "新产品销售收入 ≥ 其中出口",
    "staff_iff_personnel_cost": "研究开发人员与人员人工费用同时为零或同时大于零",
    "staff_covers_person_months": "研究开发人员 × 12 ≥ 项目人员实际工作时间",
}


def partial_groups(present: Iterable[str]) -> list[tuple[str, tuple[str, ...]]]:
    """The sum rules whose fields `present` covers only in part: some of the items without
    the rest, or every item without the total. A file like that would leave a stored record
    with a total from one source and items from another, so it is refused; a total alone is
    accepted and checked against the stored items instead. Returns (rule, missing fields)."""
    present = set(present)
    found = []
    for key, total, items, _what in SUM_RULES:
        have = [item for item in items if item in present]
        if not have:
            continue
        missing = tuple(item for item in (total, *items) if item not in present)
        if missing:
            found.append((key, missing))
    return found


JUMP_FIELDS = (
    "rd_expense",
    "cost_personnel",
    "cost_direct",
    "cost_depreciation",
    "cost_commissioned",
    "institution_expense",
    "rd_fixed_assets",
    "new_product_sales",
    "rd_staff",
)


@dataclass(frozen=True)
class Violation:
    """A failed check: a stable rule key, a message for the form filler, the fields involved."""

    rule: str
    message: str
    fields: tuple[str, ...]


_ABSENT = object()


def _label(name: str) -> str:
    return FIELD_LABELS.get(name, name)


def _fmt(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


Units = Mapping[str, tuple[float, str]]


def _shown(value: float, name: str, units: Units | None) -> str:
    """A figure as the form filler wrote it: divided back into the column's unit, named."""
    if units and name in units:
        factor, unit = units[name]
        return f"{_fmt(value / factor)} {unit}"
    return _fmt(value)


def _parse(raw: Any) -> float | None:
    """The cell as a float; blank cells are 0; None when it is not a number."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return 0.0
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float | Decimal):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            value = float(raw.replace(",", "").strip())
        except ValueError:
            return None
    else:
        try:
            value = float(raw)
        except (TypeError, ValueError):
            return None
    if math.isnan(value):
        return 0.0
    return value if math.isfinite(value) else None


def _close(a: float, b: float, tolerance: float) -> bool:
    return abs(a - b) <= max(tolerance, 1e-9 * max(abs(a), abs(b)))


def check_row(
    row: Mapping[str, Any], tolerance: float = 0.0, units: Units | None = None
) -> list[Violation]:
    """All 107-2 consistency violations of one enterprise's row, in rule order.

    `tolerance` is the absolute difference accepted in the row's unit (0 for the integer
    千元 cells of the form; float noise from unit conversion is always accepted). `units`
    maps a field to (row units per unit of its column, the column's unit name), so messages
    quote figures as the file has them even when the row holds them converted to yuan.
    """
    violations: list[Violation] = []
    values: dict[str, float | object] = {}
    for name, raw in row.items():
        parsed = _parse(raw)
        if parsed is None:
            violations.append(
                Violation("not_number", f"{_label(name)}的值“{raw}”不是有效数字", (name,))
            )
            values[name] = _ABSENT
        else:
            values[name] = parsed

    def have(*names: str) -> bool:
        return all(values.get(name, _ABSENT) is not _ABSENT for name in names)

    def get(name: str) -> float:
        value = values[name]
        assert isinstance(value, float)
        return value

    for key, total, items, what in SUM_RULES:
        if not have(total, *items):
            continue
        expected = sum(get(item) for item in items)
        if not _close(get(total), expected, tolerance):
            names = "、".join(_label(item) for item in items)
            violations.append(
                Violation(
                    key,
                    f"{_label(total)}（{_shown(get(total), total, units)}）应等于{what}"
                    f"（{names}）之和（{_shown(expected, total, units)}），"
                    f"相差 {_shown(abs(get(total) - expected), total, units)}",
                    (total, *items),
                )
            )

    for key, larger, parts in AT_LEAST_RULES:
        if not have(larger, *parts):
            continue
        smaller = sum(get(part) for part in parts)
        if get(larger) < smaller and not _close(get(larger), smaller, tolerance):
            if len(parts) == 1:
                right = f"{_label(parts[0])}（{_shown(smaller, parts[0], units)}）"
            else:
                items = "与".join(
                    f"{_label(part)}（{_shown(get(part), part, units)}）" for part in parts
                )
                right = f"{items}之和（{_shown(smaller, parts[0], units)}）"
            violations.append(
                Violation(
                    key,
                    f"{_label(larger)}（{_shown(get(larger), larger, units)}）不应小于{right}",
                    (larger, *parts),
                )
            )

    if have("rd_staff", "cost_personnel") and (get("rd_staff") > 0) != (get("cost_personnel") > 0):
        violations.append(
            Violation(
                "staff_iff_personnel_cost",
                f"{_label('rd_staff')}为 {_fmt(get('rd_staff'))}，{_label('cost_personnel')}为 "
                f"{_shown(get('cost_personnel'), 'cost_personnel', units)}："
                "二者应同时为零或同时大于零",
                ("rd_staff", "cost_personnel"),
            )
        )

    if have("rd_staff", "project_person_months"):
        capacity = get("rd_staff") * 12
        months = get("project_person_months")
        if capacity < months and not _close(capacity, months, tolerance):
            violations.append(
                Violation(
                    "staff_covers_person_months",
                    f"{_label('rd_staff')} {_fmt(get('rd_staff'))} 人 × 12 = {_fmt(capacity)} "
                    f"人月，少于{_label('project_person_months')} {_fmt(months)} 人月",
                    ("rd_staff", "project_person_months"),
                )
            )
    return violations


UNIT_RATIOS = (10, 1_000, 10_000)
"""Ratios between the money units a form may be filled in (千元/万元, 元/千元, 元/万元): a
figure exactly that many times last year's, or that fraction of it, was most likely keyed in
the wrong unit."""


def jump_check(
    current: Mapping[str, Any],
    previous: Mapping[str, Any],
    factor: float = 10,
    fields: Iterable[str] = JUMP_FIELDS,
    units: Units | None = None,
    against: str = "上年",
) -> list[Violation]:
    """Fields whose value is ≥ `factor` × last year's (`jump_up`) or ≤ last year's ÷ `factor`
    (`jump_down`); a ratio of exactly 10, 1,000 or 10,000 either way is `unit_slip`, the mark
    of a figure keyed in the wrong unit. Every message quotes last year's figure. Only
    positive figures in both years are compared: a move to or from zero is not a slip and is
    what the 零研发 and 负增长 lists are for. `against` names the figure compared with in the
    messages: last year's by default, or e.g. "本期已存" for the figure a file would replace."""
    if isinstance(factor, bool) or not isinstance(factor, int | float) or not factor > 1:
        raise ValueError(f"factor must be a number greater than 1, got {factor!r}")
    if not math.isfinite(factor):
        raise ValueError("factor must be finite")
    violations: list[Violation] = []
    for name in fields:
        if name not in current or name not in previous:
            continue
        now, before = _parse(current[name]), _parse(previous[name])
        if now is None or before is None or now <= 0 or before <= 0:
            continue
        this_year, last_year = _shown(now, name, units), _shown(before, name, units)
        up = now >= before
        ratio = now / before if up else before / now
        exact = next(
            (r for r in UNIT_RATIOS if _close(ratio, r, 0) or abs(ratio - r) < 1e-9 * r), None
        )
        if exact is not None:
            times = f"{_fmt(exact)} 倍" if up else f"1/{_fmt(exact)}"
            violations.append(
                Violation(
                    "unit_slip",
                    f"{_label(name)}本年 {this_year}，恰为{against} {last_year} 的 {times}，"
                    "疑似计量单位填错（元、千元、万元），请核实",
                    (name,),
                )
            )
        elif up and ratio >= factor:
            violations.append(
                Violation(
                    "jump_up",
                    f"{_label(name)}本年 {this_year}，是{against} {last_year} 的 "
                    f"{_fmt(round(ratio, 2))} 倍，请核实计量单位和数值",
                    (name,),
                )
            )
        elif not up and ratio >= factor:
            violations.append(
                Violation(
                    "jump_down",
                    f"{_label(name)}本年 {this_year}，比{against} {last_year} 下降 "
                    f"{_fmt(round((1 - now / before) * 100, 1))}%（仅为{against}的 1/{_fmt(round(ratio, 2))}），"
                    "请核实计量单位和数值",
                    (name,),
                )
            )
    return violations
