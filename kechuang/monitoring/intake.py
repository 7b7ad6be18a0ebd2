"""Intake of the statistics bureau's files: R&D (form 107-2) and financial figures.

Reading is forgiving about layout (title rows, one- to three-row merged headers, a units
line, trailing total rows) and strict about content: every problem is reported with its row,
column, value and reason. Nothing here writes; `batches` stages, commits and rolls back.
"""

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pandas as pd

from kechuang.core.excel import UnreadableFile, read_rows
from kechuang.core.frames import read_frame
from kechuang.engines import uscc as uscc_engine
from kechuang.engines.rd_checks import check_row, jump_check
from kechuang.monitoring import choices
from kechuang.monitoring.columns import (
    COUNT_UNITS,
    FINANCIAL_GROUPS,
    IDENTITY_LOOKUP,
    RD_GROUPS,
    UNIT_NAMES,
    build_lookup,
    normalise,
    unit_of,
)
from kechuang.monitoring.models import FinancialRecord, RDRecord
from kechuang.registry.models import Enterprise

JUMP_FIELDS = ("rd_expense", "rd_staff", "revenue", "new_product_sales", "main_revenue")
TOTAL_WORDS = ("合计", "总计", "小计", "全县", "汇总")


@dataclass
class Issue:
    row: int
    column: str
    value: str
    message: str
    severity: str = "error"
    code: str = ""


@dataclass
class Column:
    position: int
    field: str
    label: str
    factor: int | None  # yuan per source unit for money; None for counts and identity


@dataclass
class Row:
    number: int
    uscc: str
    name: str
    town: str
    industry: str
    values: dict[str, Decimal | int | None] = field(default_factory=dict)


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    stated_year: int | None = None  # the year the title rows state, e.g. "统计年度：2024年"

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]


@dataclass(frozen=True)
class IntakeKind:
    model: type
    groups: dict[str, dict[str, str]]
    title: str

    @property
    def money_fields(self) -> set[str]:
        return {
            f.name for f in self.model._meta.get_fields() if f.get_internal_type() == "DecimalField"
        }


KINDS = {
    choices.BatchKind.RD: IntakeKind(RDRecord, RD_GROUPS, "研发统计（107-2）"),
    choices.BatchKind.FINANCIAL: IntakeKind(FinancialRecord, FINANCIAL_GROUPS, "规上企业财务指标"),
}


KINDS_BY_MODEL = {kind.model: kind for kind in KINDS.values()}


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# -- reading ------------------------------------------------------------------------------


def _header_labels(rows: list[list], top: int, depth: int, width: int) -> list[list[str]]:
    """Per column, its header labels from top to bottom, with merged parents carried right."""
    stacks = [[] for _ in range(width)]
    for level in range(depth):
        row = rows[top + level]
        carried = ""
        for position in range(width):
            text = str(row[position] if position < len(row) else "" or "").strip()
            if text in ("None",):
                text = ""
            is_last = level == depth - 1
            below_has_text = not is_last and any(
                str(
                    rows[top + lower][position] if position < len(rows[top + lower]) else ""
                ).strip()
                not in ("", "None")
                for lower in range(level + 1, depth)
            )
            if text:
                carried = text
                stacks[position].append(text)
            elif not is_last and below_has_text and carried:
                stacks[position].append(carried)
            else:
                if is_last:
                    carried = ""
    return stacks


def _match(stack: list[str], qualified: dict, unique: dict) -> str | None:
    """The field a column's stack of headers names, trying bracketed notes kept, then not."""
    if not stack:
        return None
    for keep_notes in (True, False):
        keys = [normalise("".join(stack), keep_notes=keep_notes)]
        if len(stack) >= 2:
            keys.append(
                normalise(stack[-2], keep_notes=keep_notes)
                + normalise(stack[-1], keep_notes=keep_notes)
            )
        for key in keys:
            if key in IDENTITY_LOOKUP:
                return IDENTITY_LOOKUP[key]
            if key in qualified:
                return qualified[key]
        child = normalise(stack[-1], keep_notes=keep_notes)
        if child in IDENTITY_LOOKUP:
            return IDENTITY_LOOKUP[child]
        if child in unique:
            return unique[child]
    return None


def _locate(rows, kind: IntakeKind):
    qualified, unique = build_lookup(kind.groups)
    width = max((len(r) for r in rows[:40]), default=0)
    best = None
    for top in range(min(20, len(rows))):
        for depth in (1, 2, 3):
            if top + depth > len(rows):
                break
            stacks = _header_labels(rows, top, depth, width)
            mapping = {}
            used = set()
            for position, stack in enumerate(stacks):
                matched = _match(stack, qualified, unique)
                if matched and matched not in used:
                    mapping[position] = (matched, stack)
                    used.add(matched)
            if "uscc" not in used:
                continue
            score = (len(mapping), -depth)
            if best is None or score > best[0]:
                best = (score, top, depth, mapping, stacks)
    return best


def _is_units_row(row: list) -> bool:
    cells = [str(c).strip() for c in row if str(c or "").strip() not in ("", "None")]
    if not cells:
        return False
    unitish = [c for c in cells if c in {"千元", "万元", "元"} | COUNT_UNITS or unit_of(c)]
    codes = [c for c in cells if c in {"甲", "乙", "丙", "丁"} or c.replace(".0", "").isdigit()]
    return len(unitish) >= max(1, len(cells) // 2) or (len(codes) == len(cells) and len(cells) > 3)


def _number(text: str, *, money: bool) -> Decimal | int | None:
    cleaned = text.replace(",", "").replace("，", "").strip()
    if cleaned in ("", "-", "—", "--", "/", "None"):
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError("不是数字") from None
    if value < 0:
        raise ValueError("不能为负数")
    if money:
        return value
    if value != value.to_integral_value():
        raise ValueError("应为整数")
    return int(value)


_STATED_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def _stated_year(rows: list[list]) -> int | None:
    """The year written in the title rows: a cell naming the period wins over any other."""
    fallback = None
    for row in rows[:6]:
        for cell in row:
            text = str(cell or "")
            match = _STATED_YEAR.search(text)
            if match is None:
                continue
            if any(word in text for word in ("年度", "报告期", "年报")):
                return int(match.group(1))
            fallback = fallback or int(match.group(1))
    return fallback


def parse(filename: str, content: bytes, kind_key: str, default_unit: str) -> Parsed:
    """Read a file into rows of yuan and counts, with every problem listed."""
    kind = KINDS[kind_key]
    parsed = Parsed()
    try:
        rows = read_rows(filename, content)
    except UnreadableFile as exc:
        parsed.issues.append(Issue(0, "", filename, str(exc), code="unreadable"))
        return parsed
    if not rows:
        parsed.issues.append(Issue(0, "", filename, "文件中没有数据。", code="empty"))
        return parsed
    parsed.stated_year = _stated_year(rows)
    located = _locate(rows, kind)
    if located is None:
        parsed.issues.append(
            Issue(
                0, "", "", "未找到表头：表头中应有“统一社会信用代码”列及指标列。", code="no_header"
            )
        )
        return parsed
    _, top, depth, mapping, stacks = located
    start = top + depth
    column_units = {}
    if start < len(rows) and _is_units_row(rows[start]):
        for position, cell in enumerate(rows[start]):
            unit = unit_of(cell)
            if unit:
                column_units[position] = unit
        start += 1
    money = kind.money_fields
    factors = choices.UNIT_FACTORS
    for position, (field_name, stack) in sorted(mapping.items()):
        label = " / ".join(stack)
        factor = None
        if field_name in money:
            unit = column_units.get(position) or next(
                (unit_of(s) for s in stack if unit_of(s)), None
            )
            factor = factors[unit or default_unit]
        parsed.columns.append(Column(position, field_name, label, factor))
    parsed.ignored = [
        " / ".join(stack)
        for position, stack in enumerate(stacks)
        if stack and position not in mapping
    ]
    if not any(
        c.field != "uscc" and c.field in money | _count_fields(kind) for c in parsed.columns
    ):
        parsed.issues.append(Issue(top + 1, "", "", "未识别到任何指标列。", code="no_columns"))
        return parsed

    by_field = {c.field: c for c in parsed.columns}
    for index in range(start, len(rows)):
        raw = rows[index]
        cells = {c.field: _text(raw, c.position) for c in parsed.columns}
        if not any(cells.values()):
            continue
        number = index + 1
        code_text = cells.get("uscc", "")
        name = cells.get("name", "")
        if not code_text:
            if any(word in (name or "".join(cells.values())[:20]) for word in TOTAL_WORDS):
                continue
            parsed.issues.append(
                Issue(number, by_field["uscc"].label, "", "统一社会信用代码为空。", code="no_uscc")
            )
            continue
        code = uscc_engine.normalise(code_text)
        result = uscc_engine.check(code)
        if result.status == uscc_engine.UsccStatus.BAD_FORMAT:
            parsed.issues.append(
                Issue(
                    number,
                    by_field["uscc"].label,
                    code_text,
                    "统一社会信用代码格式不正确。",
                    code="bad_uscc",
                )
            )
            continue
        row = Row(number, code, name, cells.get("town", ""), cells.get("industry", ""))
        for column in parsed.columns:
            if column.field in IDENTITY_FIELDS:
                continue
            text = cells[column.field]
            try:
                value = _number(text, money=column.factor is not None)
            except ValueError as exc:
                parsed.issues.append(
                    Issue(number, column.label, text, f"{exc}。", code="not_number")
                )
                continue
            if value is not None and column.factor is not None:
                value = (value * column.factor).quantize(Decimal("0.01"))
            row.values[column.field] = value
        parsed.rows.append(row)
    return parsed


IDENTITY_FIELDS = {"uscc", "name", "town", "industry"}


def _count_fields(kind: IntakeKind) -> set[str]:
    return {
        f.name
        for f in kind.model._meta.get_fields()
        if f.get_internal_type() == "PositiveIntegerField"
    }


def _text(row: list, position: int) -> str:
    if position >= len(row) or row[position] is None:
        return ""
    value = row[position]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# -- validation ---------------------------------------------------------------------------


@dataclass
class Validation:
    parsed: Parsed
    enterprises: dict[str, int]
    unknown: list[dict]

    @property
    def issues(self) -> list[Issue]:
        return self.parsed.issues

    @property
    def has_errors(self) -> bool:
        return bool(self.parsed.errors)


def validate(
    parsed: Parsed, *, kind_key: str, year: int, quarter: int, user, allow_update: bool = True
) -> Validation:
    """Check identities, scope, duplicates, consistency (RULES §4.3) and jumps from last year.

    Without `allow_update`, a row whose enterprise already has different figures for the
    period is an error; identical figures are not, so re-importing a file stays harmless."""
    kind = KINDS[kind_key]
    codes = {row.uscc for row in parsed.rows}
    known = _enterprise_ids(Enterprise.objects.all(), codes)
    in_scope = _enterprise_ids(Enterprise.objects.restrict(user, "view"), codes)
    uscc_label = next((c.label for c in parsed.columns if c.field == "uscc"), "统一社会信用代码")
    seen: dict[str, int] = {}
    unknown = {}
    for row in parsed.rows:
        if row.uscc in seen:
            parsed.issues.append(
                Issue(
                    row.number,
                    uscc_label,
                    row.uscc,
                    f"与第{seen[row.uscc]}行重复。",
                    code="duplicate",
                )
            )
            continue
        seen[row.uscc] = row.number
        if row.uscc not in known:
            unknown[row.uscc] = {
                "uscc": row.uscc,
                "name": row.name,
                "row": row.number,
                "town": row.town,
                "industry": row.industry,
            }
        elif row.uscc not in in_scope:
            parsed.issues.append(
                Issue(
                    row.number,
                    uscc_label,
                    row.uscc,
                    "该企业不在您的数据范围内。",
                    code="out_of_scope",
                )
            )
    labels = {c.field: c.label for c in parsed.columns}
    units = {
        c.field: (c.factor, UNIT_NAMES[c.factor])
        for c in parsed.columns
        if c.factor and c.factor in UNIT_NAMES
    }
    if not allow_update:
        _check_existing(parsed, kind, known, year, quarter, uscc_label)
    if kind.model is RDRecord:
        for row in parsed.rows:
            for violation in check_row(row.values, units=units):
                parsed.issues.append(
                    Issue(
                        row.number,
                        "、".join(labels.get(f, f) for f in violation.fields),
                        "；".join(
                            shown_value(row.values.get(f), f, units) for f in violation.fields
                        ),
                        violation.message,
                        code=violation.rule,
                    )
                )
    jump_fields = [f for f in JUMP_FIELDS if f in labels]
    previous = _stored_figures(kind.model, known, year - 1, quarter, jump_fields)
    for row in parsed.rows:
        last = previous.get(row.uscc)
        if not last:
            continue
        for jump in jump_check(row.values, last, fields=jump_fields, units=units):
            parsed.issues.append(
                Issue(
                    row.number,
                    labels.get(jump.fields[0], jump.fields[0]),
                    shown_value(row.values.get(jump.fields[0]), jump.fields[0], units),
                    jump.message,
                    severity="warning",
                    code=jump.rule,
                )
            )
    return Validation(parsed, known, list(unknown.values()))


def _check_existing(
    parsed: Parsed, kind: IntakeKind, known: dict[str, int], year: int, quarter: int, label: str
):
    fields = [c.field for c in parsed.columns if c.field not in IDENTITY_FIELDS]
    existing = _stored_figures(kind.model, known, year, quarter, fields)
    reported = set()
    for row in parsed.rows:
        stored = existing.get(row.uscc)
        if stored is None or row.uscc in reported:
            continue
        reported.add(row.uscc)
        if all(same_value(stored[f], row.values.get(f)) for f in fields):
            continue
        parsed.issues.append(
            Issue(
                row.number,
                label,
                row.uscc,
                "已有该期数据且与本文件不同；如需更新，请勾选“更新已有数据”（命令行使用 --update）。",
                code="exists",
            )
        )


# Up to this many codes are looked up with one parameter each; a longer file reads the
# register (or the period) once and matches in memory.
IN_LIST_LIMIT = 2000


def _enterprise_ids(queryset, codes: set[str]) -> dict[str, int]:
    """USCC to id of the queryset's enterprises among `codes`."""
    if len(codes) <= IN_LIST_LIMIT:
        queryset = queryset.filter(uscc__in=codes)
    frame = read_frame(queryset, ["uscc", "id"])
    frame = frame[frame["uscc"].isin(codes)]
    return dict(zip(frame["uscc"], frame["id"].astype(int), strict=True))


def _stored_figures(
    model, known: dict[str, int], year: int, quarter: int, fields: list[str]
) -> dict[str, dict]:
    """The period's stored figures of the known enterprises, by USCC: Decimal yuan, int
    counts, None where empty."""
    queryset = model.objects.filter(year=year, quarter=quarter)
    if len(known) <= IN_LIST_LIMIT:
        queryset = queryset.filter(enterprise_id__in=known.values())
    frame = read_frame(queryset, ["enterprise_id", *fields])
    code_of = {pk: code for code, pk in known.items()}
    frame = frame[frame["enterprise_id"].isin(code_of)]
    money = KINDS_BY_MODEL[model].money_fields
    stored = {}
    for row in frame.itertuples(index=False, name=None):
        stored[code_of[row[0]]] = {
            name: None if pd.isna(value) else Decimal(repr(value)) if name in money else int(value)
            for name, value in zip(fields, row[1:], strict=True)
        }
    return stored


def shown_value(value, field_name: str, units: dict) -> str:
    """A figure as the file has it: yuan divided back into its column's unit."""
    if value is None:
        return ""
    if field_name in units:
        factor, _unit = units[field_name]
        value = Decimal(value) / factor
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def same_value(old, new) -> bool:
    """Whether a stored figure equals an incoming one (Decimal, int or None alike)."""
    if old is None or new is None:
        return old is None and new is None
    return Decimal(str(old)) == Decimal(str(new))


def json_value(value):
    """A figure as kept in a batch's undo list."""
    return None if value is None else str(value)
