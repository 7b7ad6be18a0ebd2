"""The one Excel import contract: how every upload is read, reported and written.

Both importers follow it: registry's specs (one row, one record, through the edit page's
form) and monitoring's statistical intake (figures staged as a batch, then committed). They
share the header locator (`kechuang.engines.headers`), the cell reading (`cell_text`), the
problem report (`Issue`) and its downloadable workbook (`issues_workbook`).

A spec names its columns (Chinese header, synonyms, the form field they fill), its key and
the ModelForm that validates one row exactly as the edit page would. Importing validates
every row first and writes nothing unless all rows are valid; then it saves all rows in one
transaction. Re-importing the same file with "update existing" changes nothing.
"""

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.db import transaction
from django.db.models import TextChoices
from django.forms.models import model_to_dict

from kechuang.core.excel import UnreadableFile, add_sheet, new_workbook, read_rows
from kechuang.core.forms import as_typed
from kechuang.engines import headers


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False
    synonyms: tuple[str, ...] = ()
    help: str = ""
    parse: Callable[[str], str] | None = None


@dataclass
class Issue:
    """A problem found in an upload: its row (1-based; 0 for the whole file), column, value
    as written, and the reason. Errors block the import; warnings are only shown."""

    row: int
    column: str
    value: str
    message: str
    severity: str = "error"
    code: str = ""
    enterprise: str = ""  # the row's enterprise as the file names it: 名称（代码）

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Issue":
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[Issue] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


HEADER_ROWS = 20  # the header is looked for in the first 15 rows, up to two rows deep


def cell_text(value: object) -> str:
    """A cell as the text a form expects: dates ISO, integral floats without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


class ImportSpec:
    """Subclass per importable model: set the attributes, override `find_existing` if needed."""

    title: str
    form_class: type[forms.ModelForm]
    key_field: str
    key_is_an_id = False  # the key column is read into a row's id: say it as written
    columns: tuple[Column, ...]

    def __init__(self, user):
        self.user = user

    @property
    def model(self):
        return self.form_class._meta.model

    def normalise_key(self, value: str) -> str:
        return value.strip()

    def find_existing(self, key: str):
        """(instance or None, whether the user may change it)."""
        instance = self.model.objects.filter(**{self.key_field: key}).first()
        if instance is None:
            return None, True
        allowed = self.model.objects.restrict(self.user, "change").filter(pk=instance.pk).exists()
        return instance, allowed

    def form_kwargs(self) -> dict:
        return {"user": self.user}

    def save(self, form) -> None:
        """Write one validated row (inside the import's transaction)."""
        form.save()

    # -- template ------------------------------------------------------------------------
    def template_workbook(self):
        workbook = new_workbook()
        add_sheet(workbook, self.title, [self._template_header(c) for c in self.columns], [])
        add_sheet(
            workbook,
            "填写说明",
            ["列名", "是否必填", "说明"],
            [(c.header, "必填" if c.required else "选填", c.help) for c in self.columns],
        )
        return workbook

    @staticmethod
    def _template_header(column: Column) -> str:
        return f"*{column.header}" if column.required else column.header

    # -- reading -------------------------------------------------------------------------
    def vocabulary(self) -> headers.Vocabulary:
        """The spec's headers and synonyms as the header engine reads them; units in
        brackets count, since one field may take two columns in different units."""
        return headers.Vocabulary(
            (
                headers.Term(column.header, (column.header, *column.synonyms))
                for column in self.columns
            ),
            keep_units=True,
        )

    def _locate_header(self, rows: list[list[object]]) -> tuple[int, int, dict[int, Column], list]:
        """(header row index, first data row index, position -> column, ignored headers)."""
        header = headers.locate(rows, self.vocabulary(), search_rows=HEADER_ROWS - 5, max_depth=2)
        if header is None:
            return -1, -1, {}, []
        by_header = {column.header: column for column in self.columns}
        mapping = {match.position: by_header[match.field] for match in header.columns}
        return header.top, header.body, mapping, [label for _, label in header.ignored]

    def run(
        self, filename: str, content: bytes, *, update_existing: bool, dry_run: bool
    ) -> ImportResult:
        result = ImportResult(dry_run=dry_run)
        try:
            rows = read_rows(filename, content, max_rows=settings.IMPORT_MAX_ROWS + HEADER_ROWS)
        except UnreadableFile as exc:
            result.errors.append(Issue(0, "", filename, str(exc)))
            return result
        header_index, body, mapping, result.ignored_headers = self._locate_header(rows)
        if header_index < 0:
            result.errors.append(
                Issue(0, "", "", "未找到表头：请使用下载的导入模板，表头需包含“企业名称”等列名。")
            )
            return result
        if len(rows) - body > settings.IMPORT_MAX_ROWS:
            result.errors.append(
                Issue(
                    0,
                    "",
                    filename,
                    f"文件超过一次导入的上限（{settings.IMPORT_MAX_ROWS:,} 行数据）："
                    "请拆分为多个文件分批导入。",
                )
            )
            return result
        present = set(mapping.values())
        missing = [c.header for c in self.columns if c.required and c not in present]
        if missing:
            result.errors.append(
                Issue(header_index + 1, "", "", f"缺少必填列：{'、'.join(missing)}")
            )
            return result

        pending = []
        seen_keys: dict[str, int] = {}
        for index in range(body, len(rows)):
            values = {
                column: cell_text(rows[index][position] if position < len(rows[index]) else None)
                for position, column in mapping.items()
            }
            if not any(values.values()):
                continue
            row_number = index + 1
            result.total += 1
            form = self._row_form(row_number, values, seen_keys, update_existing, result)
            if form is not None:
                pending.append(form)

        if result.total == 0 and not result.errors:
            result.errors.append(Issue(0, "", "", "文件中没有数据行。"))
        if result.errors or dry_run:
            return result
        with transaction.atomic():
            for form in pending:
                is_new = form.instance._state.adding
                if not is_new and not form.has_changed():
                    result.unchanged += 1
                    continue
                self.save(form)
                if is_new:
                    result.created += 1
                else:
                    result.updated += 1
        return result

    def _row_form(self, row_number, values, seen_keys, update_existing, result):
        errors_before = len(result.errors)
        data = {}
        filled = []
        failed = set()  # fields whose cell was refused: the form's word on them is not added
        for column, text in values.items():
            if not text:
                # A blank cell says nothing: a new record keeps the model's default (经营状态
                # 存续), an existing one its value, and of two columns filling one field
                # (capital in 元 or 万元) the blank one does not erase the other.
                continue
            written = text
            if column.parse and text:
                try:
                    text = column.parse(text)
                except ValueError as exc:
                    result.errors.append(Issue(row_number, column.header, text, str(exc)))
                    failed.add(column.field)
                    continue
            if column.field in data and not _same_value(data[column.field], text):
                other = next(c.header for c in filled if c.field == column.field)
                result.errors.append(
                    Issue(
                        row_number,
                        column.header,
                        written,
                        f"与“{other}”列不一致：两列填写同一项，请只填一列或改为一致。",
                    )
                )
                failed.add(column.field)
                continue
            filled.append(column)
            data[column.field] = text

        key = self.normalise_key(data.get(self.key_field, ""))
        key_column = next(c for c in self.columns if c.field == self.key_field)
        key_header = key_column.header
        # A key read into an id (a person's name into theirs) is shown as written.
        key_written = key
        if self.key_is_an_id:
            key_written = next(
                (text for c, text in values.items() if c.field == self.key_field and text), key
            )
        instance = None
        if key:
            data[self.key_field] = key
            if key in seen_keys:
                result.errors.append(
                    Issue(row_number, key_header, key_written, f"与第{seen_keys[key]}行重复。")
                )
            else:
                seen_keys[key] = row_number
            instance, allowed = self.find_existing(key)
            if instance is not None and not allowed:
                result.errors.append(
                    Issue(
                        row_number, key_header, key_written, "该记录不在您的数据范围内，无权更新。"
                    )
                )
                return None
            if instance is not None and not update_existing:
                result.errors.append(
                    Issue(
                        row_number,
                        key_header,
                        key_written,
                        "该记录已存在；如需更新，请勾选“更新已有记录”。",
                    )
                )

        form_class = self.form_class
        if instance is None:
            defaults = {
                f.name: _form_value(f.get_default())
                for f in self.model._meta.concrete_fields
                if f.has_default()
            }
            data = {**defaults, **data}
        else:
            merged = {name: _form_value(value) for name, value in model_to_dict(instance).items()}
            merged.update(data)
            data = merged
        # Amounts are read into yuan, as stored; the form takes them in its own units.
        form = form_class(data=as_typed(form_class, data), instance=instance, **self.form_kwargs())
        # The form is asked even when a cell was refused, so that one pass lists all of a
        # row's problems.
        if form.is_valid() and len(result.errors) == errors_before:
            return form
        header_of = {c.field: c.header for c in self.columns}
        header_of.update({c.field: c.header for c, text in values.items() if text})
        # The cell as written (南明街道), not what it was read into (330624002).
        written = {c.field: text for c, text in values.items() if text}
        said = {(i.column, i.message) for i in result.errors[errors_before:]}
        columns_said = {column for column, _ in said}
        for name, problems in form.errors.as_data().items():
            if name in failed or (name == self.key_field and key_header in columns_said):
                continue
            header = header_of.get(name, form.fields[name].label if name in form.fields else "")
            value = written.get(name, data.get(name, "")) or ""
            for problem in problems:
                for message in problem.messages:
                    if problem.code == "invalid_choice" and message.startswith(
                        "选择一个有效的选项"
                    ):
                        message = f"“{value}”不在可选范围内：不存在，或不在您的数据范围内。"
                    if (header or "", message) in said:
                        continue
                    said.add((header or "", message))
                    result.errors.append(Issue(row_number, header or "", value, message))
        return None


def _same_value(first: str, second: str) -> bool:
    """Two cells filling one field agree: equal numbers (1000000 and 1000000.00) or text."""
    try:
        return Decimal(first) == Decimal(second)
    except (ArithmeticError, ValueError):
        return first == second


def _form_value(value):
    if isinstance(value, list):
        return [getattr(v, "pk", v) for v in value]
    if isinstance(value, bool):
        return "on" if value else ""
    return "" if value is None else value


SEVERITY_NAMES = {"error": "错误", "warning": "警告"}


def issues_workbook(issues: Iterable[Issue], *, record_header: str = ""):
    """Every issue of an upload on one sheet; `record_header` adds a column naming the
    record each row is about (the enterprise of a statistical row)."""
    workbook = new_workbook()
    head = ["行号", *([record_header] if record_header else []), "列", "值", "原因", "级别"]
    add_sheet(
        workbook,
        "问题清单",
        head,
        (
            (
                issue.row or None,
                *([issue.enterprise] if record_header else []),
                issue.column,
                issue.value,
                issue.message,
                SEVERITY_NAMES.get(issue.severity, issue.severity),
            )
            for issue in issues
        ),
    )
    return workbook


# -- cell parsers shared by every import spec ------------------------------------------------


def choice(options: type[TextChoices]):
    """Accept a choice by its Chinese label or its stored value."""
    by_label = {label: value for value, label in options.choices}
    values = set(options.values)

    def parse(text: str) -> str:
        if text in values:
            return text
        if text in by_label:
            return by_label[text]
        raise ValueError(f"无效的选项“{text}”，可选：{'、'.join(by_label)}")

    return parse


def yes_no(text: str) -> str:
    if text in {"是", "Y", "y", "1", "true", "True", "TRUE", "√"}:
        return "on"
    if text in {"否", "N", "n", "0", "false", "False", "FALSE", ""}:
        return ""
    raise ValueError("应填写“是”或“否”。")


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def date_text(text: str) -> str:
    text = text.split(" ")[0].split("T")[0]
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return datetime.date(*map(int, match.groups())).isoformat()
            except ValueError:
                break
    raise ValueError("日期格式不正确，应为 2020-03-01、2020/3/1 或 2020年3月1日。")


def amount(multiplier: int, places: int):
    """An amount in the column's unit, read into yuan; finer than a fen is refused rather
    than rounded away (万元 to 6 decimals, 元 to 2)."""

    def parse(text: str) -> str:
        cleaned = text.replace(",", "").replace("，", "").strip()
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise ValueError("应为数字。") from None
        if not value.is_finite():
            raise ValueError("应为数字。")
        if -value.as_tuple().exponent > places:
            raise ValueError(f"最多 {places} 位小数（精确到分）。")
        return format(value * multiplier, "f")

    return parse


def whole_number(text: str) -> str:
    cleaned = text.replace(",", "")
    if not re.fullmatch(r"\d+(\.0+)?", cleaned):
        raise ValueError("应为非负整数。")
    return cleaned.split(".")[0]
