"""Registry writes and pages that must not reach beyond the user's scope or crash on edge
values: the API in a browser, chains, member users' people and own facts, codes registered
elsewhere, no-op changes and far dates."""

import pytest

from kechuang.conftest import NANMING, QIXING

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/people/", "/api/people.api", "/api/enterprises/"])
def test_api_in_a_browser_shows_no_forms_listing_other_rows(world, login, url):
    response = login(world.enterprise).get(url, HTTP_ACCEPT="text/html")
    body = response.content.decode()
    assert response.status_code in (200, 404, 406)
    assert "<form" not in body
    for name in (world.qixing_enterprise.name, world.nanming_enterprise.name):
        assert name not in body
