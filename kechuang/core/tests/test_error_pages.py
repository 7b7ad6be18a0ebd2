"""Refusals and missing pages answer in Chinese, inside the platform's own layout."""

from django.test import Client


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
