"""Text holding NUL, which PostgreSQL can neither store nor compare, is refused with a
Chinese 400 wherever it comes in: query strings, form fields, JSON and form API bodies."""

import json

import pytest

from kechuang.conftest import SHARED_WORLD
from kechuang.registry.models import Enterprise

pytestmark = SHARED_WORLD

MESSAGE = "空字符"


def test_a_list_filter_holding_nul_is_refused_in_chinese(world, login):
    response = login(world.staff).get("/registry/enterprises/", {"q": "新昌\x00"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="bad-request"' in page and MESSAGE in page
    assert "sidebar" in page


def test_a_form_field_holding_nul_saves_nothing(world, login):
    before = Enterprise.objects.count()
    response = login(world.staff).post(
        "/registry/enterprises/add/", {"name": "坏\x00企业", "town": "330624002\x00"}
    )
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert Enterprise.objects.count() == before


@pytest.mark.parametrize(
    "payload",
    [
        {"name": "坏企业", "uscc": "91330624MA2B\x00", "town": "330624002"},
        {"name": "坏企业", "town": "330624002\x00"},
        {"na\x00me": "坏企业"},
        {"name": ["坏", {"nested": "\x00"}]},
    ],
)
def test_json_holding_nul_is_refused_before_any_lookup(world, login, payload):
    before = Enterprise.objects.count()
    response = login(world.admin).post(
        "/api/registry/enterprises/", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 400
    assert MESSAGE in response.json()["detail"]
    assert Enterprise.objects.count() == before


def test_an_api_form_body_or_query_holding_nul_is_refused(world, login):
    client = login(world.admin)
    response = client.post("/api/registry/people/", {"name": "张三", "enterprise": "1\x00"})
    assert response.status_code == 400 and MESSAGE in response.json()["detail"]
    response = client.get("/api/registry/enterprises/", {"town": "330624002\x00"})
    assert response.status_code == 400 and MESSAGE in response.json()["detail"]


def test_an_api_patch_holding_nul_is_refused(world, login):
    response = login(world.admin).patch(
        f"/api/registry/enterprises/{world.nanming_enterprise.pk}/",
        json.dumps({"industry": "C39\x00"}),
        content_type="application/json",
    )
    assert response.status_code == 400 and MESSAGE in response.json()["detail"]
