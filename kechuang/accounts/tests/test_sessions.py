"""Sessions end 8 hours after login or after 30 idle minutes, and reading pages writes nothing."""

from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kechuang.conftest import PASSWORD, SHARED_WORLD

pytestmark = [SHARED_WORLD, pytest.mark.django_db]

T0 = 1_900_000_000


@pytest.fixture
def clock(monkeypatch):
    """The session clock, moved by hand."""
    fake = SimpleNamespace(now=T0)
    monkeypatch.setattr("kechuang.core.middleware.time", SimpleNamespace(time=lambda: fake.now))
    return fake


@pytest.fixture
def town_client(world, clock):
    client = Client()
    response = client.post(reverse("login"), {"username": "town", "password": PASSWORD})
    assert response.status_code == 302
    return client


def _home(client):
    return client.get(reverse("home"))


def _assert_logged_out(response, client, text):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    page = client.get(response["Location"])
    assert text in page.content.decode()
    assert _home(client).status_code == 302


def test_defaults():
    assert settings.SESSION_MAX_SECONDS == 8 * 3600
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is False


def test_idle_session_lives_until_just_before_the_limit(town_client, clock):
    clock.now = T0 + settings.SESSION_IDLE_SECONDS - 1
    assert _home(town_client).status_code == 200
    # That request counted as activity: the idle clock starts again from it.
    clock.now += settings.SESSION_IDLE_SECONDS - 1
    assert _home(town_client).status_code == 200


def test_idle_session_ends_at_the_limit(town_client, clock):
    clock.now = T0 + settings.SESSION_IDLE_SECONDS
    _assert_logged_out(_home(town_client), town_client, "分钟未操作，请重新登录")


def test_active_session_ends_at_the_absolute_limit(town_client, clock):
    step = settings.SESSION_IDLE_SECONDS - 60
    while clock.now + step < T0 + settings.SESSION_MAX_SECONDS:
        clock.now += step
        assert _home(town_client).status_code == 200
    clock.now = T0 + settings.SESSION_MAX_SECONDS - 1
    assert _home(town_client).status_code == 200
    clock.now = T0 + settings.SESSION_MAX_SECONDS
    _assert_logged_out(_home(town_client), town_client, "登录已满 8 小时，请重新登录")


def test_api_with_an_expired_session_is_unauthorised(town_client, clock):
    assert town_client.get("/api/accounts/me/").status_code == 200
    clock.now = T0 + settings.SESSION_IDLE_SECONDS
    assert town_client.get("/api/accounts/me/").status_code in {401, 403}


def test_limits_follow_the_settings(town_client, clock, settings):
    settings.SESSION_IDLE_SECONDS = 5 * 60
    clock.now = T0 + 5 * 60 - 1
    assert _home(town_client).status_code == 200
    clock.now += 5 * 60
    _assert_logged_out(_home(town_client), town_client, "5 分钟未操作")


def _session_writes(client):
    with CaptureQueriesContext(connection) as queries:
        assert _home(client).status_code == 200
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def test_reading_pages_does_not_write_the_session(town_client, clock):
    clock.now = T0 + 59
    assert _session_writes(town_client) == []
    # Last activity is refreshed at most once a minute.
    clock.now = T0 + 60
    assert len(_session_writes(town_client)) == 1
    clock.now = T0 + 119
    assert _session_writes(town_client) == []
