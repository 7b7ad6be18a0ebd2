"""Refusals and missing pages answer in Chinese, inside the platform's own layout."""

from django.test import Client

from kechuang.conftest import SHARED_WORLD

pytestmark = SHARED_WORLD


def test_forbidden_page_is_chinese_with_the_menu(world, login):
    response = login(world.leader).get("/monitoring/rules/new/")
    assert response.status_code == 403
    page = response.content.decode()
    assert 'data-testid="forbidden"' in page and "无权访问" in page
    assert "Forbidden" not in page
    assert "sidebar" in page  # the officer keeps the menu to go elsewhere


def test_missing_page_is_chinese(world, login):
    response = login(world.staff).get("/registry/enterprises/999999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'data-testid="not-found"' in page and "不在您的数据范围内" in page


def test_favicon_is_found_with_or_without_a_login(world, login):
    for client in (Client(), login(world.staff)):
        response = client.get("/favicon.ico")
        assert response.status_code == 302
        assert response["Location"].endswith(".svg")
    page = login(world.staff).get("/").content.decode()
    assert 'rel="icon"' in page


def test_api_missing_and_out_of_scope_rows_answer_in_chinese(world, login):
    client = login(world.town)
    for url in (
        f"/api/registry/enterprises/{world.qixing_enterprise.pk}/",
        "/api/registry/enterprises/987654/",
        "/api/registry/people/987654/",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": "未找到，或不在您的数据范围内。"}


def test_a_session_write_without_its_csrf_token_is_refused_in_chinese(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.staff)
    response = client.patch(
        f"/api/registry/enterprises/{world.nanming_enterprise.pk}/",
        {"employees": 5},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF 校验失败")


def test_an_oversized_api_body_answers_json(world, login, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = login(world.staff).patch(
        f"/api/registry/enterprises/{world.nanming_enterprise.pk}/",
        '{"address": "' + "x" * 2048 + '"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "过大" in response.json()["detail"]


def test_a_page_refusing_a_method_says_so_in_chinese(world, login):
    response = login(world.staff).get("/accounts/logout/")
    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    page = response.content.decode()
    assert 'data-testid="method-not-allowed"' in page and "不支持的请求方式" in page
    assert "Content-Security-Policy" in response
