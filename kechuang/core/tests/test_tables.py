"""Every list page's rows come out exactly as django-tables2's own template renders them."""

import itertools
import re

import pytest

from kechuang.core.tests.test_list_pages import LIST_URLS
from kechuang.core.tests.test_probe import probe_world  # noqa: F401  (fixture)
from kechuang.monitoring import services

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
