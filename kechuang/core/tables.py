import datetime
import re

import django_tables2 as tables
from django.template.defaultfilters import date as date_filter
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django_tables2.rows import BoundRow
from django_tables2.utils import signature


class QuickRow(BoundRow):
    """django-tables2's row, calling each column's render with the arguments that column was
    found to take once per table: the stock row inspects the signature for every cell, which
    was the largest part of rendering a list page."""

    def _call_render(self, bound_column, value=None):
        available = self._optional_cell_arguments(bound_column, value)
        content = self._table.call_render(bound_column, available)
        return bound_column.link(content, **available) if bound_column.link else content


class QuickDateRendering:
    """django-tables2's date and date-time columns compile their template again for every
    cell; these give the same text formatted directly (local time for date-times)."""

    date_format = "Y-m-d"

    def render(self, value, bound_column=None, **kwargs):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        default = bound_column.default if bound_column is not None else self.default
        return date_filter(value, self.date_format) or default


class QuickDateColumn(QuickDateRendering, tables.DateColumn):
    pass


class QuickDateTimeColumn(QuickDateRendering, tables.DateTimeColumn):
    pass


QUICK_DATES = {tables.DateColumn: QuickDateColumn, tables.DateTimeColumn: QuickDateTimeColumn}
TEMPLATE_DATE_FORMAT = re.compile(r'date:"([^"]*)"')


class BaseTable(tables.Table):
    """Every list table. `Meta.always_visible` columns cannot be hidden by the column chooser;
    `Meta.export_exclude` columns (links, actions) are left out of Excel exports.

    The page's rows are rendered from `body()`, which gives the template each cell with its
    column's attributes worked out once, not once per cell as the stock template does."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for column in cls.base_columns.values():
            quick = QUICK_DATES.get(type(column))
            if quick is not None:  # declared or made from a model's date field
                column.date_format = TEMPLATE_DATE_FORMAT.search(column.template_code).group(1)
                column.__class__ = quick

    @classmethod
    def always_visible(cls) -> tuple[str, ...]:
        return getattr(cls.Meta, "always_visible", ())

    @classmethod
    def export_exclude(cls) -> tuple[str, ...]:
        return getattr(cls.Meta, "export_exclude", ())

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
