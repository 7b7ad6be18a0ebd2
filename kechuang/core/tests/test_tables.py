"""Every list page's rows come out exactly as django-tables2's own template renders them."""

import copy
import datetime
import itertools
import re

import django_tables2 as tables
import pytest
from django.template import Context, Template

from kechuang.conftest import SHARED_WORLD
from kechuang.core.tables import QUICK_DATES, TEMPLATE_DATE_FORMAT, BaseTable
from kechuang.core.tests.test_list_pages import LIST_URLS
from kechuang.core.tests.test_probe import probe_world  # noqa: F401  (fixture)
from kechuang.monitoring import services

pytestmark = SHARED_WORLD

STOCK_TEMPLATE = "django_tables2/bootstrap5.html"
ROWS_EXPECTED = {
    "/registry/enterprises/",
    "/registry/qualifications/",
    "/registry/people/",
    "/monitoring/pool/",
}


def tbody(html: str) -> str:
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", body)).strip()


@pytest.mark.parametrize("url", LIST_URLS)
def test_rows_match_the_stock_template(probe_world, login, url):  # noqa: F811
    services.recompute(2024)  # entries and alerts to list
    response = login(probe_world.admin).get(url)
    if response.status_code != 200 or "table" not in (response.context or {}):
        pytest.skip(f"{url} shows no table to this persona")
    table, request = response.context["table"], response.wsgi_request
    table._counter = itertools.count()
    ours = table.as_html(request)
    table._counter = itertools.count()
    table.template_name = STOCK_TEMPLATE
    stock = table.as_html(request)
    assert tbody(ours) == tbody(stock)
    if url in ROWS_EXPECTED:
        assert tbody(stock).count("<tr") >= 1


@pytest.mark.parametrize(
    "column",
    [
        tables.DateColumn(format="Y-m-d"),
        tables.DateColumn(),
        tables.DateTimeColumn(),
        tables.DateTimeColumn(format="Y-m-d H:i"),
    ],
)
def test_quick_date_columns_write_what_the_stock_template_writes(column):
    values = [
        datetime.datetime(2024, 3, 5, 23, 30, tzinfo=datetime.UTC),  # the next day in 新昌
        datetime.datetime(2024, 12, 31, 16, 0, tzinfo=datetime.UTC),
    ]
    if isinstance(column, tables.DateColumn):
        values = [datetime.date(2024, 3, 5), datetime.date(2025, 1, 1)]
    stock = Template(column.template_code)
    quick = copy.deepcopy(column)
    quick.date_format = TEMPLATE_DATE_FORMAT.search(column.template_code).group(1)
    quick.__class__ = QUICK_DATES[type(column)]
    for value in values:
        expected = stock.render(Context({"value": value, "default": "—"}))
        assert quick.render(value=value) == expected, value


def test_every_date_column_of_the_tables_is_quick():
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for table in subclasses(BaseTable):
        for name, column in table.base_columns.items():
            assert type(column) not in QUICK_DATES, (table.__name__, name)
