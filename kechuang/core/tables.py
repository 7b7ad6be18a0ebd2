"""The list tables' base and the typed columns that a page and its export share.

A column says what its values are (a date, yes or no, money in 万元, a percentage, an
enterprise's credit code) once: the page shows its text and the Excel export writes a typed
cell in the number format the column names (`excel_format`, see core.excel), so that what an
officer downloads reads as numbers and dates and agrees with the page.
"""

import datetime
import re

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.defaultfilters import date as date_filter
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django_tables2.rows import BoundRow
from django_tables2.utils import signature

from kechuang.core import amounts, excel


class QuickRow(BoundRow):
    """django-tables2's row, calling each column's render with the arguments that column was
    found to take once per table: the stock row inspects the signature for every cell, which
    was the largest part of rendering a list page."""

    def _call_render(self, bound_column, value=None):
        available = self._optional_cell_arguments(bound_column, value)
        content = self._table.call_render(bound_column, available)
        return bound_column.link(content, **available) if bound_column.link else content


class TypedValue:
    """A column whose `value` is the typed value its export cell holds (a date, 是/否, a
    number), written in the column's `excel_format`. A table's `render_FOO` changes only
    the page: django-tables2 would export its HTML in place of the value (see BaseTable)."""

    excel_format: str | None = None


class QuickDateRendering(TypedValue):
    """django-tables2's date and date-time columns compile their template again for every
    cell; these give the same text formatted directly (local time for date-times). Exported,
    the value is the date itself (a date-time in local time, without its zone, which a
    spreadsheet cannot hold), not the text."""

    date_format = "Y-m-d"

    def render(self, value, bound_column=None, **kwargs):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        default = bound_column.default if bound_column is not None else self.default
        return date_filter(value, self.date_format) or default

    def value(self, value, **kwargs):
        if value == "":
            return None
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)
        return value


class QuickDateColumn(QuickDateRendering, tables.DateColumn):
    excel_format = excel.DATE_FORMAT


class QuickDateTimeColumn(QuickDateRendering, tables.DateTimeColumn):
    excel_format = excel.DATETIME_FORMAT


QUICK_DATES = {tables.DateColumn: QuickDateColumn, tables.DateTimeColumn: QuickDateTimeColumn}
TEMPLATE_DATE_FORMAT = re.compile(r'date:"([^"]*)"')
YES_NO = ("是", "否")
STOCK_YES_NO = tuple(tables.BooleanColumn().yesno)


class YesNoColumn(TypedValue, tables.BooleanColumn):
    """A boolean as 是 or 否, on the page (in django-tables2's span) and in exports, where
    the stock column writes "True" and "False"."""

    def __init__(self, yesno=YES_NO, **kwargs):
        super().__init__(yesno=yesno, **kwargs)

    def value(self, record, value, bound_column):
        return self.yesno[0] if self._get_bool_value(record, value, bound_column) else self.yesno[1]


class MoneyColumn(TypedValue, tables.Column):
    """An amount stored in yuan, shown and exported in 万元, the unit in the header: the
    page shows "1,234.50", the export the number 1234.5 formatted with two decimals (the
    same figure, rounded as the page rounds it)."""

    excel_format = excel.MONEY_FORMAT
    unit = "万元"

    def __init__(self, verbose_name: str, **kwargs):
        super().__init__(verbose_name=f"{verbose_name}（{self.unit}）", **kwargs)

    def render(self, value):
        return excel.display_text(self.value(value), self.excel_format)

    def value(self, value):
        return amounts.wan(value)


class PercentColumn(TypedValue, tables.Column):
    """A ratio stored as a fraction: the page shows "4.12%", the export the fraction 0.0412
    formatted as a percentage (the figure the page shows, to two decimals of a per cent).
    `negate` writes a fall stored as a positive fraction with its minus sign."""

    excel_format = excel.PERCENT_FORMAT

    def __init__(self, *args, negate: bool = False, **kwargs):
        self.sign = -1 if negate else 1
        super().__init__(*args, **kwargs)

    def render(self, value):
        return excel.display_text(self.value(value), self.excel_format)

    def value(self, value):
        if value is None or value == "":
            return None
        return round(self.sign * float(value), 4)


class DecimalColumn(TypedValue, tables.Column):
    """A figure with two decimals that is neither money nor a share (points, scores): the
    page shows "86.49", the export the number."""

    excel_format = excel.DECIMAL_FORMAT

    def render(self, value):
        return excel.display_text(self.value(value), self.excel_format)

    def value(self, value):
        if value is None or value == "":
            return None
        return round(float(value), 2)


class CreditCodeColumn(tables.Column):
    """The 统一社会信用代码 of the enterprise a row is about (`accessor` reaches it). Every
    export of such rows carries it, even when the user hid it on the page: it is how the
    rows are matched with other registers."""

    export_always = True

    def __init__(self, accessor: str = "uscc", verbose_name: str = "统一社会信用代码", **kwargs):
        super().__init__(accessor=accessor, verbose_name=verbose_name, **kwargs)


# A text longer than this is free text (a problem noted on a visit, a name) and wraps.
SHORT_TEXT = 100


def _is_short(model, name: str, column) -> bool:
    """Whether a column holds short values (a date, an amount, a code, a choice, a town)
    that read badly broken over lines; free text and names longer than SHORT_TEXT wrap."""
    if isinstance(column, TypedValue | CreditCodeColumn):
        return True
    if model is None:
        return False
    accessor = str(column.accessor or name).replace(".", "__")
    field, current = None, model
    try:
        for part in accessor.split("__"):
            field = current._meta.get_field(part)
            current = field.related_model or current
    except (FieldDoesNotExist, AttributeError):
        return False
    if field.is_relation:
        named = getattr(field.related_model, "_meta", None)
        try:
            label = named.get_field("name") if named else None
        except FieldDoesNotExist:
            return True
        return (label.max_length or 0) < SHORT_TEXT
    if isinstance(field, models.TextField | models.JSONField):
        return False
    if isinstance(field, models.CharField):
        return bool(field.choices) or (field.max_length or 0) < SHORT_TEXT
    return True


class BaseTable(tables.Table):
    """Every list table. `Meta.always_visible` columns cannot be hidden by the column chooser;
    `Meta.export_exclude` columns (links, actions) are left out of Excel exports; columns
    that say `export_always` (the credit code) are exported even when hidden on the page, and
    columns declared `visible=False` are exported only.

    Columns made from a model's date, date-time and boolean fields (or declared with
    django-tables2's own classes) become the typed columns above, so that they export as
    dates and 是/否.

    The page's rows are rendered from `body()`, which gives the template each cell with its
    column's attributes worked out once, not once per cell as the stock template does."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for column in cls.base_columns.values():
            quick = QUICK_DATES.get(type(column))
            if quick is not None:  # declared or made from a model's date field
                column.date_format = TEMPLATE_DATE_FORMAT.search(column.template_code).group(1)
                column.__class__ = quick
            elif type(column) is tables.BooleanColumn:  # made from a model's boolean field
                column.__class__ = YesNoColumn
                if tuple(column.yesno) == STOCK_YES_NO:
                    column.yesno = YES_NO
        model = getattr(cls._meta, "model", None)
        for name, column in cls.base_columns.items():
            if _is_short(model, name, column):
                td = dict(column.attrs.get("td", {}))
                td["class"] = f"{td.get('class', '')} nowrap".strip()
                column.attrs = {**column.attrs, "td": td}

    def __init__(self, *args, **kwargs):
        if getattr(self._meta, "empty_text", None) is None:
            kwargs.setdefault("empty_text", "没有符合条件的记录。")
        super().__init__(*args, **kwargs)
        for bound in self.columns.iterall():
            if isinstance(bound.column, TypedValue) and not hasattr(self, f"value_{bound.name}"):
                bound.value = bound.column.value

    @classmethod
    def always_visible(cls) -> tuple[str, ...]:
        return getattr(cls.Meta, "always_visible", ())

    @classmethod
    def export_exclude(cls) -> tuple[str, ...]:
        return getattr(cls.Meta, "export_exclude", ())

    @classmethod
    def export_only(cls) -> tuple[str, ...]:
        """Columns declared `visible=False`: too long for the page (an abstract), written to
        every export."""
        return tuple(name for name, column in cls.base_columns.items() if not column.visible)

    @classmethod
    def export_always(cls) -> tuple[str, ...]:
        return tuple(
            name
            for name, column in cls.base_columns.items()
            if getattr(column, "export_always", False)
        )

    def call_render(self, bound_column, available: dict):
        """What `call_with_appropriate` does, with the render signature read once."""
        known = self.__dict__.setdefault("_render_signatures", {})
        if bound_column.name not in known:
            known[bound_column.name] = signature(bound_column.render)
        wanted, takes_any = known[bound_column.name]
        if takes_any:
            return bound_column.render(**available)
        if any(name not in available for name in wanted):
            return None
        return bound_column.render(**{name: available[name] for name in wanted})

    def body(self):
        """Each row of the page as the stock template renders it: `<tr>` with the row's
        attributes, a `<td>` per column with the column's attributes (read once per column
        unless they are computed from the record) holding the cell, localized as the column
        asks."""
        columns = list(self.columns)
        per_record = [_computed_attrs(column) for column in columns]
        fixed = [
            None if dynamic else c.attrs["td"].as_html()
            for c, dynamic in zip(columns, per_record, strict=True)
        ]
        rows = self.paginated_rows
        for record in getattr(rows, "data", rows):
            row = QuickRow(record, table=self)
            cells = []
            for column, attrs in zip(columns, fixed, strict=True):
                value = _localized(column, row.get_cell(column.name))
                if attrs is None:
                    column.current_value, column.current_record = value, record
                    attrs = column.attrs["td"].as_html()
                cells.append((attrs, value))
            yield format_html(
                "<tr {}>{}</tr>",
                row.attrs.as_html(),
                format_html_join("", "<td {}>{}</td>", cells),
            )


def _computed_attrs(bound_column) -> bool:
    attrs = {**bound_column._table.attrs, **bound_column.column.attrs}
    cell = attrs.get("td", attrs.get("cell", {}))
    return any(callable(value) for value in cell.values())


def _localized(bound_column, value):
    if bound_column.localize is None:
        return value
    return formats.localize(value, use_l10n=bool(bound_column.localize))
