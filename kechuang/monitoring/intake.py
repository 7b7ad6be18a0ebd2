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

from kechuang.core.excel import UnreadableFile, read_sheets
from kechuang.core.frames import read_frame
from kechuang.engines import headers
from kechuang.engines import uscc as uscc_engine
from kechuang.engines.rd_checks import (
    FIELD_LABELS,
    RULE_NAMES,
    check_row,
    jump_check,
    partial_groups,
)
from kechuang.monitoring import choices
from kechuang.monitoring.columns import (
    COUNT_UNITS,
    FINANCIAL_GROUPS,
    IDENTITY_FIELDS,
    RD_GROUPS,
    UNIT_NAMES,
    VOCABULARIES,
)
from kechuang.monitoring.models import FinancialRecord, RDRecord
from kechuang.registry import services as registry_services
from kechuang.registry.models import Enterprise

JUMP_FIELDS = ("rd_expense", "rd_staff", "revenue", "new_product_sales", "main_revenue")
MONEY_RULE_FIELDS = frozenset(
    f.name for f in RDRecord._meta.concrete_fields if f.get_internal_type() == "DecimalField"
)
NOT_FIGURES = frozenset(
    headers.normalise(label)
    for label in "序号 联系电话 电话 填表人 联系人 备注 单位负责人 统计负责人 报出日期 法定代表人 地址 详细地址".split()
)
"""Columns a statistics file carries beside its figures: listed as ignored, not warned of."""
DASHES = frozenset(("-", "—", "--", "——", "－", "/", "／", "―"))
KEY_LABELS = {
    "uscc": "统一社会信用代码",
    "rd_expense": "研究开发费用合计",
    "revenue": "营业收入",
}


@dataclass
class Issue:
    """A problem found in a file: its row (1-based; 0 for the whole file), column, value as
    written, and the reason. Errors block the commit; warnings are shown."""

    row: int
    column: str
    value: str
    message: str
    severity: str = "error"
    code: str = ""
    enterprise: str = ""  # the row's enterprise as the file names it: 名称（代码）


@dataclass
class Column:
    """A recognised column: the field it fills and the unit its figures are in."""

    position: int
    field: str
    label: str
    factor: int | None  # yuan per source unit for money; None for counts and identity
    unit: str = ""  # 千元, 万元, 元 for money; 人, 件 … for counts
    unit_source: str = (
        ""  # where the money unit was read: 表头, its units row, the units line, or the default
    )
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
    columns: list[Column] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    skipped_totals: list[int] = field(default_factory=list)  # row numbers of total rows
    sheet: str = ""  # the worksheet read
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


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _number(text: str, *, money: bool) -> Decimal | int | None:
    cleaned = text.replace(",", "").replace("，", "").strip()
    if cleaned in ("", "None"):
        return None
    if cleaned in DASHES:  # "—" in a statistical table: nothing of it, i.e. zero
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
            Column(match.position, match.field, match.label, factor, unit, source, letter)
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
            if header is not None and (
                found is None or (found[2] is None and header.column("uscc"))
            ):
                found = (sheet_name, sheet_rows, header)
            if header is not None and header.column("uscc"):
                break
    except UnreadableFile as exc:
        parsed.issues.append(Issue(0, "", filename, str(exc), code="unreadable"))
        return parsed
    if not has_rows:
        parsed.issues.append(Issue(0, "", filename, "文件中没有数据。", code="empty"))
        return parsed
    if found is None:
        keys = "、".join(KEY_LABELS[f] for f in kind.key_fields)
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
    parsed.sheet = sheet_name
    parsed.stated_year = _stated_year(rows)
    if sheet_name != sheet_names[0]:
        parsed.issues.append(
            Issue(
                0,
                "",
                sheet_name,
                f"第一个工作表“{sheet_names[0]}”中没有数据表头，已读取工作表“{sheet_name}”。",
                severity="warning",
                code="other_sheet",
            )
        )
    _columns(header, kind, default_unit, parsed)
    if any(issue.code == "unit_conflict" for issue in parsed.issues):
        return parsed  # every figure of the column would be read in a guessed unit
    parsed.ignored = [f"{_column_letter(p)}列 {label}" for p, label in header.ignored]
    missing = [f for f in kind.key_fields if header.column(f) is None]
    if missing:
        parsed.issues.append(
            Issue(
                header.top + 1,
                "、".join(KEY_LABELS[f] for f in missing),
                "",
                f"缺少关键列：{'、'.join(KEY_LABELS[f] for f in missing)}（文件中没有该列，或其表头未能识别）。"
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
                if any(filled.get(k) for k in filled) and any(
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


def _figures(raw: list, columns: list[Column], number: int, *, parsed: Parsed | None):
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
    period is an error; identical figures are not, so re-importing a file stays harmless.
    With it, the 107-2 rules are checked on each record as it would stand after the commit:
    the stored figures the file does not give, overlaid by the file's."""
    kind = KINDS[kind_key]
    codes = {row.uscc for row in parsed.rows}
    known = _enterprise_ids(Enterprise.objects.all(), codes)
    in_scope = _enterprise_ids(Enterprise.objects.restrict(user, "view"), codes)
    uscc_label = next((c.label for c in parsed.columns if c.field == "uscc"), "统一社会信用代码")
    seen: dict[str, int] = {}
    unknown: dict[str, dict] = {}
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
        if row.uscc in known:
            if row.uscc not in in_scope:
                parsed.issues.append(
                    Issue(
                        row.number,
                        uscc_label,
                        row.uscc,
                        "该企业不在您的数据范围内。",
                        code="out_of_scope",
                    )
                )
            continue
        unknown[row.uscc] = {
            "uscc": row.uscc,
            "name": row.name,
            "row": row.number,
            "town": row.town,
            "industry": row.industry,
        }
    for code, message in registry_services.suspected_typos(list(unknown.values())).items():
        item = unknown.pop(code)
        parsed.issues.append(Issue(item["row"], uscc_label, code, message, code="suspect_uscc"))
    for code, item in list(unknown.items()):
        result = uscc_engine.check(code)
        if result.status == uscc_engine.UsccStatus.BAD_CHECK:
            del unknown[code]
            parsed.issues.append(
                Issue(item["row"], uscc_label, code, _bad_check_message(result), code="bad_check")
            )
    labels = {c.field: c.label for c in parsed.columns}
    units = {
        c.field: (c.factor, UNIT_NAMES[c.factor])
        for c in parsed.columns
        if c.factor and c.factor in UNIT_NAMES
    }
    fields = [c.field for c in parsed.columns if c.field not in IDENTITY_FIELDS]
    if kind.model is RDRecord:
        stored_fields = sorted(set(fields) | (set(FIELD_LABELS) & kind.model_fields))
    else:
        stored_fields = fields
    stored = _stored_figures(kind.model, known, year, quarter, stored_fields)
    if not allow_update:
        _check_existing(parsed, stored, fields, uscc_label)
    if kind.model is RDRecord:
        _check_records(parsed, stored if allow_update else {}, labels, units)
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
    _name_enterprises(parsed)
    return Validation(parsed, known, list(unknown.values()))


def _name_enterprises(parsed: Parsed) -> None:
    """Give every row-level issue the enterprise of its row, so a list of problems can be
    read without the file beside it."""
    rows = {row.number: row for row in parsed.rows}
    unnamed = {rows[i.row].uscc for i in parsed.issues if i.row in rows and not rows[i.row].name}
    registered = dict(
        Enterprise.objects.filter(uscc__in=sorted(unnamed)[:IN_LIST_LIMIT]).values_list(
            "uscc", "name"
        )
    )
    by_row = {}
    for number, row in rows.items():
        name = row.name or registered.get(row.uscc, "")
        by_row[number] = f"{name}（{row.uscc}）" if name else row.uscc
    for issue in parsed.issues:
        if issue.row and not issue.enterprise:
            issue.enterprise = by_row.get(issue.row, "")


def _bad_check_message(result: uscc_engine.UsccResult) -> str:
    text = f"统一社会信用代码校验位不正确：按该代码前17位，第18位应为“{result.expected_check}”。"
    if not result.may_be_early_pilot:
        return text + "该代码为2015年改革后的编码（第9-10位为MA），不可能是早期试点代码，请核对。"
    return text + "请核对；如确为早期试点代码，请先在企业登记中新建该企业并确认，再导入数据。"


def _check_records(parsed: Parsed, stored: dict[str, dict], labels: dict, units: dict) -> None:
    """The 107-2 rules on each row as its record would stand after the commit."""
    file_unit = next(iter(units.values()), (1_000, "千元"))
    for row in parsed.rows:
        kept = {
            name: value
            for name, value in stored.get(row.uscc, {}).items()
            if value is not None and name not in row.values
        }
        record = {**kept, **row.values}
        shown_units = {**{name: file_unit for name in kept if name in MONEY_RULE_FIELDS}, **units}
        for violation in check_row(record, units=shown_units):
            from_store = [f for f in violation.fields if f in kept]
            message = violation.message
            if from_store:
                message = (
                    f"与已存的本期数据合并后不一致（{'、'.join(FIELD_LABELS.get(f, f) for f in from_store)}"
                    f"为已存数据，本文件未提供）：{message}"
                )
            parsed.issues.append(
                Issue(
                    row.number,
                    "、".join(
                        labels.get(f) or f"{FIELD_LABELS.get(f, f)}（已存）"
                        for f in violation.fields
                    ),
                    "；".join(shown_value(record.get(f), f, shown_units) for f in violation.fields),
                    message,
                    code=violation.rule,
                )
            )


def _check_existing(parsed: Parsed, stored: dict[str, dict], fields: list[str], label: str):
    reported = set()
    for row in parsed.rows:
        existing = stored.get(row.uscc)
        if existing is None or row.uscc in reported:
            continue
        reported.add(row.uscc)
        if all(same_value(existing[f], row.values.get(f)) for f in fields):
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
