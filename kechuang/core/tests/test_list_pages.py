"""Every list page (found from the URL resolver, so a new list is covered without a change
here) answers hostile pagination parameters with a page, never a server error, and never
shows more than LIST_MAX_PER_PAGE rows."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from kechuang.conftest import SHARED_WORLD
from kechuang.core.views import ObjectListView
from kechuang.registry.tests.factories import EnterpriseFactory

pytestmark = SHARED_WORLD


def routes(patterns=None, prefix=""):
    """(route, callback) of every URL the project answers."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.callback


def list_views() -> dict[str, type[ObjectListView]]:
    return {
        "/" + route.lstrip("^").rstrip("$"): callback.view_class
        for route, callback in routes()
        if issubclass(getattr(callback, "view_class", object), ObjectListView) and "<" not in route
    }


def api_lists() -> dict[str, type]:
    """The API's list endpoints, by route: viewsets answering GET with `list`."""
    return {
        "/" + route.lstrip("^").rstrip("$"): callback.cls
        for route, callback in routes()
        if getattr(callback, "actions", {}).get("get") == "list"
    }


LIST_URLS = list(list_views())


@pytest.mark.parametrize("url", LIST_URLS)
def test_every_list_page_has_an_api_twin_filtering_alike(url):
    page = list_views()[url]
    twins = [
        route
        for route, viewset in api_lists().items()
        if getattr(viewset, "filterset_class", None) is page.filterset_class
    ]
    assert twins, f"{url}: no API list uses {page.filterset_class.__name__}"
    assert all(route.startswith("/api/") and route.count("/") >= 4 for route in twins), twins
    for route in twins:
        assert api_lists()[route].table_class is page.table_class, f"{route} sorts otherwise"


API_SORTED = {
    route.replace("^", ""): viewset
    for route, viewset in api_lists().items()
    if hasattr(viewset, "table_class")
}


@pytest.mark.parametrize("route", list(API_SORTED))
def test_api_lists_sort_by_each_column_the_page_sorts_by(route, world, login):
    from kechuang.core.filters import TableOrdering

    viewset = API_SORTED[route]
    client = login(world.admin)
    columns = TableOrdering.sortable(viewset.table_class, viewset.queryset)
    assert columns, route
    year = {"year": 2024} if "year" in getattr(viewset, "extra_query_params", ()) else {}
    for name in columns:
        for asked in (name, f"-{name}"):
            response = client.get(route, {"ordering": asked, **year})
            assert response.status_code == 200, (route, asked, response.content[:300])
    refused = client.get(route, {"ordering": "nonsense", **year})
    assert refused.status_code == 400
    assert "不能按“nonsense”排序" in refused.json()["ordering"][0]


def test_api_sorting_matches_the_page(world, login):
    from kechuang.registry.models import Enterprise

    for n, capital in enumerate((3, 1, 2)):
        EnterpriseFactory(name=f"新昌县排序{n}有限公司", registered_capital=capital * 10_000)
    client = login(world.staff)
    api = client.get("/api/registry/enterprises/", {"q": "排序", "ordering": "-registered_capital"})
    page = client.get("/registry/enterprises/", {"q": "排序", "sort": "-registered_capital"})
    from_api = [row["name"] for row in api.json()["results"]]
    from_page = [row.record.name for row in page.context["table"].page.object_list]
    assert from_api == from_page
    capitals = [Enterprise.objects.get(name=n).registered_capital or 0 for n in from_api]
    assert capitals == sorted(capitals, reverse=True)


def test_the_resolver_finds_the_lists():
    assert {"/registry/enterprises/", "/registry/people/", "/monitoring/pool/"} <= set(LIST_URLS)


@pytest.mark.parametrize("url", LIST_URLS)
def test_hostile_pagination_never_fails(url, world, login):
    client = login(world.admin)
    for value in ("-5", "0", "-0", "99999999999999999999", "abc", "1e3", ""):
        for name in ("per_page", "page"):
            response = client.get(url, {name: value})
            assert response.status_code in (200, 302, 404), (url, name, value)
    assert client.get(url, {"page": "\x00"}).status_code == 400


def rows_shown(content: bytes) -> int:
    body = content.decode().split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return len(re.findall(r"<tr\b", body))


def test_per_page_is_clamped(world, login, settings):
    settings.LIST_MAX_PER_PAGE = 4
    EnterpriseFactory.create_batch(6)
    client = login(world.admin)
    for value, shown in (("1000", 4), ("2", 2), ("-5", 4), ("abc", 4)):
        response = client.get("/registry/enterprises/", {"per_page": value})
        assert response.status_code == 200
        assert rows_shown(response.content) == shown, value
