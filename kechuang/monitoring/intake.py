"""Intake of the statistics bureau's files: R&D (form 107-2) and financial figures.

Reading is forgiving about layout (title rows, one- to four-row sectioned headers, units
lines, code rows, total rows; see `kechuang.engines.headers`) and strict about content:
every problem is reported with its row, column, value and reason. `validation` then checks
the rows against the register and the stored figures; nothing here writes.
"""

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from openpyxl.utils import get_column_letter

from kechuang.core.excel import UnreadableFile, read_sheets
from kechuang.core.importing import Issue, cell_text
from kechuang.engines import headers
from kechuang.engines import uscc as uscc_engine
from kechuang.engines.rd_checks import (
    FIELD_LABELS,
    RULE_NAMES,
    partial_groups,
)
from kechuang.monitoring import choices
from kechuang.monitoring.columns import (
    COUNT_UNITS,
    FINANCIAL_GROUPS,
    IDENTITY_FIELDS,
    IDENTITY_LABELS,
    RD_GROUPS,
    VOCABULARIES,
)
from kechuang.monitoring.models import FinancialRecord, RDRecord

NOT_FIGURES = frozenset(
    headers.normalise(label)
    for label in "序号 联系电话 电话 填表人 联系人 备注 单位负责人 统计负责人 报出日期 法定代表人 地址 详细地址".split()
)
"""Columns a statistics file carries beside its figures: listed as ignored, not warned of."""


@dataclass
class ReadColumn:
    """A recognised column: the field it fills and the unit its figures are in."""

    position: int
    field: str
    label: str
    factor: int | None  # yuan per source unit for money; None for counts and identity
    unit: str = ""  # 千元, 万元, 元 for money; 人, 件 … for counts
    unit_source: str = ""  # where the money unit was read (表头, 计量单位说明 …)
    letter: str = ""

    def as_json(self) -> dict:
        return {
            "column": self.letter,
            "label": self.label,
            "field": self.field,
            "unit": self.unit,
            "unit_source": self.unit_source,
        }


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
    columns: list[ReadColumn] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    skipped_totals: list[int] = field(default_factory=list)  # row numbers of total rows
    stated_year: int | None = None  # the year the title rows state, e.g. "统计年度：2024年"

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]


@dataclass(frozen=True)
class IntakeKind:
    model: type
    groups: dict[str, dict[str, str]]
    title: str
    key_fields: tuple[str, ...]

    @property
    def model_fields(self) -> set[str]:
        return {f.name for f in self.model._meta.concrete_fields}

    @property
    def money_fields(self) -> set[str]:
        return {
            f.name for f in self.model._meta.get_fields() if f.get_internal_type() == "DecimalField"
        }


KINDS = {
    choices.BatchKind.RD: IntakeKind(
        RDRecord, RD_GROUPS, "研发统计（107-2）", ("uscc", "rd_expense")
    ),
    choices.BatchKind.FINANCIAL: IntakeKind(
        FinancialRecord, FINANCIAL_GROUPS, "规上企业财务指标", ("uscc",)
    ),
}


KINDS_BY_MODEL = {kind.model: kind for kind in KINDS.values()}


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# -- reading ------------------------------------------------------------------------------


def field_label(kind: IntakeKind, name: str) -> str:
    """A field as the form calls it: "统一社会信用代码", "研究开发费用合计"."""
    return IDENTITY_LABELS.get(name) or str(kind.model._meta.get_field(name).verbose_name)


def _column_letter(position: int) -> str:
    return get_column_letter(position + 1)


def _number(text: str, *, money: bool) -> Decimal | int | None:
    cleaned = text.replace(",", "").replace("，", "").strip()
    if cleaned in ("", "None"):
        return None
    if cleaned in headers.BLANK_MARKS:  # "—" in a statistical table: none of it, i.e. zero
        return Decimal(0) if money else 0
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError("不是数字") from None
    if not value.is_finite():
        raise ValueError("不是数字")
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


def _columns(header: headers.Header, kind: IntakeKind, default_unit: str, parsed: Parsed):
    """The matched columns with the unit of each: the column's own header (or the units row
    under it), then the units line, then the form's default. Conflicts are errors."""
    money = kind.money_fields
    line_unit = None
    if len(header.line_units) > 1:
        parsed.issues.append(
            Issue(
                header.top,
                "计量单位",
                "、".join(sorted(header.line_units)),
                "表头上下的计量单位说明同时写了多种金额单位，无法确定金额单位，请只保留一种。",
                code="unit_conflict",
            )
        )
    elif header.line_units:
        line_unit = next(iter(header.line_units))
    default_name = choices.SourceUnit(default_unit).label
    for match in header.columns:
        letter = _column_letter(match.position)
        if match.field in money:
            own = set(match.header_units)
            if match.position in header.row_units:
                own.add(header.row_units[match.position])
            if len(own) > 1:
                where = (
                    "该列表头同时注明了多种金额单位"
                    if len(match.header_units) > 1
                    else "该列表头与其下的单位行注明的金额单位不同"
                )
                parsed.issues.append(
                    Issue(
                        header.top + 1,
                        f"{letter}列 {match.label}",
                        "、".join(sorted(own)),
                        f"{where}，无法确定金额单位，请只保留一种后重新上传。",
                        code="unit_conflict",
                    )
                )
            if match.header_units:
                unit, source = min(own), "表头"
            elif own:
                unit, source = min(own), "表头下的单位行"
            elif line_unit:
                unit, source = line_unit, "计量单位说明"
            else:
                unit, source = default_name, "默认单位"
            factor = headers.MONEY_UNITS[unit]
        else:
            factor, source = None, ""
            unit = COUNT_UNITS.get(match.field, "人") if match.field not in IDENTITY_FIELDS else ""
        parsed.columns.append(
            ReadColumn(match.position, match.field, match.label, factor, unit, source, letter)
        )


def parse(filename: str, content: bytes, kind_key: str, default_unit: str) -> Parsed:
    """Read a file into rows of yuan and counts, with every problem listed."""
    kind = KINDS[kind_key]
    parsed = Parsed()
    vocabulary = VOCABULARIES[kind_key]
    found = None
    sheet_names: list[str] = []
    has_rows = False
    try:
        for sheet_name, sheet_rows in read_sheets(filename, content):
            sheet_names.append(sheet_name)
            has_rows = has_rows or any(any(c not in (None, "") for c in r) for r in sheet_rows)
            header = headers.locate(sheet_rows, vocabulary)
            if header is None:
                continue
            # The first sheet with a header; a later one only if it has the credit codes.
            if found is None or (header.column("uscc") and not found[2].column("uscc")):
                found = (sheet_name, sheet_rows, header)
            if header.column("uscc"):
                break
    except UnreadableFile as exc:
        parsed.issues.append(Issue(0, "", filename, str(exc), code="unreadable"))
        return parsed
    if not has_rows:
        parsed.issues.append(Issue(0, "", filename, "文件中没有数据。", code="empty"))
        return parsed
    if found is None:
        keys = "、".join(field_label(kind, f) for f in kind.key_fields)
        parsed.issues.append(
            Issue(
                0,
                "",
                "",
                f"未找到表头：文件中没有可识别的表头（只查看每个工作表的前25行），表头中应有“{keys}”等列。",
                code="no_header",
            )
        )
        return parsed
    sheet_name, rows, header = found
    parsed.stated_year = _stated_year(rows)
    if sheet_name != sheet_names[0]:
        parsed.issues.append(
            Issue(
                0,
                "",
                sheet_name,
                f"第一个工作表“{sheet_names[0]}”中没有含统一社会信用代码的数据表，"
                f"已读取工作表“{sheet_name}”。",
                severity="warning",
                code="other_sheet",
            )
        )
    _columns(header, kind, default_unit, parsed)
    if any(issue.code == "unit_conflict" for issue in parsed.issues):
        return parsed  # every figure of the column would be read in a guessed unit
    parsed.ignored = [f"{_column_letter(p)}列 {label}" for p, label in header.ignored]
    missing = "、".join(field_label(kind, f) for f in kind.key_fields if not header.column(f))
    if missing:
        parsed.issues.append(
            Issue(
                header.top + 1,
                missing,
                "",
                f"缺少关键列：{missing}（文件中没有该列，或其表头未能识别）。"
                + (f"未识别的列：{'、'.join(parsed.ignored)}。" if parsed.ignored else ""),
                code="missing_columns",
            )
        )
        return parsed
    if not any(c.field not in IDENTITY_FIELDS for c in parsed.columns):
        parsed.issues.append(
            Issue(header.top + 1, "", "", "未识别到任何指标列。", code="no_columns")
        )
        return parsed
    unknown_columns = [
        f"{_column_letter(p)}列 {label}"
        for p, label in header.ignored
        if headers.normalise(label) not in NOT_FIGURES
    ]
    if unknown_columns:
        parsed.issues.append(
            Issue(
                header.top + 1,
                "表头",
                "、".join(label.split(" ", 1)[1] for label in unknown_columns),
                f"以下列未能识别，不会导入：{'、'.join(unknown_columns)}。如其中有应导入的指标，请改用标准表头后重新上传。",
                severity="warning",
                code="ignored_columns",
            )
        )
    if kind.model is RDRecord:
        present = {c.field for c in parsed.columns}
        for rule, missing_fields in partial_groups(present):
            parsed.issues.append(
                Issue(
                    header.top + 1,
                    "、".join(FIELD_LABELS.get(f, f) for f in missing_fields),
                    "",
                    f"文件提供了“{RULE_NAMES[rule]}”所涉及的部分指标，缺少："
                    f"{'、'.join(FIELD_LABELS.get(f, f) for f in missing_fields)}。"
                    "同一审核关系的指标须一并提供（或都不提供），否则已存数据会只被更新一半。",
                    code="partial_group",
                )
            )
    _read_body(rows, header, parsed)
    return parsed


def _read_body(rows: list[list], header: headers.Header, parsed: Parsed) -> None:
    by_field = {c.field: c for c in parsed.columns}
    uscc_label = by_field["uscc"].label
    figure_columns = [c for c in parsed.columns if c.field not in IDENTITY_FIELDS]
    label_positions = [c.position for c in parsed.columns if c.field in IDENTITY_FIELDS] + [
        position for position, _label in header.ignored
    ]
    since_total: dict[str, Decimal] = {}
    overall: dict[str, Decimal] = {}
    for index in range(header.body, len(rows)):
        raw = rows[index]
        if not any(_text(raw, position) for position in range(len(raw))):
            continue
        number = index + 1
        code_text = _text(raw, by_field["uscc"].position)
        name = _text(raw, by_field["name"].position) if "name" in by_field else ""
        code = uscc_engine.normalise(code_text)
        if uscc_engine.check(code).status == uscc_engine.UsccStatus.BAD_FORMAT:
            if any(headers.is_total_label(_text(raw, p)) for p in label_positions):
                parsed.skipped_totals.append(number)
                since_total = {}
                continue
            values = _figures(raw, figure_columns, number, parsed=None)
            if values is not None and not code_text and not name:
                filled = {k: v for k, v in values.items() if v is not None}
                if not filled:
                    continue  # a note under the table: nothing to import
                if any(filled.values()) and any(
                    all(sums.get(k, 0) == v for k, v in filled.items())
                    for sums in (since_total, overall)
                ):
                    parsed.skipped_totals.append(number)
                    since_total = {}
                    continue
            if not code_text:
                parsed.issues.append(
                    Issue(number, uscc_label, "", "统一社会信用代码为空。", code="no_uscc")
                )
            else:
                parsed.issues.append(
                    Issue(
                        number,
                        uscc_label,
                        code_text,
                        "统一社会信用代码格式不正确：应为18位，由数字和大写字母组成（不含I、O、Z、S、V）。",
                        code="bad_uscc",
                    )
                )
            continue
        row = Row(
            number,
            code,
            name,
            _text(raw, by_field["town"].position) if "town" in by_field else "",
            _text(raw, by_field["industry"].position) if "industry" in by_field else "",
        )
        values = _figures(raw, figure_columns, number, parsed=parsed)
        row.values = values or {}
        for key, value in row.values.items():
            if value is not None:
                since_total[key] = since_total.get(key, 0) + value
                overall[key] = overall.get(key, 0) + value
        parsed.rows.append(row)


def _figures(raw: list, columns: list[ReadColumn], number: int, *, parsed: Parsed | None):
    """A row's figures in yuan and counts; problems go to `parsed` (None: the row is only
    being looked at, and a bad cell makes it None)."""
    values: dict[str, Decimal | int | None] = {}
    for column in columns:
        text = _text(raw, column.position)
        try:
            value = _number(text, money=column.factor is not None)
        except ValueError as exc:
            if parsed is None:
                return None
            parsed.issues.append(Issue(number, column.label, text, f"{exc}。", code="not_number"))
            continue
        if value is not None and column.factor is not None:
            value = (value * column.factor).quantize(Decimal("0.01"))
        values[column.field] = value
    return values


def _text(row: list, position: int) -> str:
    return cell_text(row[position]) if position < len(row) else ""
