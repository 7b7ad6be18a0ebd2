"""Password rule, redirects that stay on the site, the client address behind proxies, and the
security headers (CSP, no-store) and login on the API schema and docs."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse

from kechuang.conftest import PASSWORD, SHARED_WORLD
from kechuang.core.models import LoginLog
from kechuang.core.requests import client_ip, next_url

pytestmark = [SHARED_WORLD, pytest.mark.django_db]


# -- password rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "密码密码密码密码密码1",  # Chinese characters are not letters
        "ａｂｃｄｅｆｇｈｉ１",  # nor are full-width forms
        "abcdefghij٣",  # nor other scripts' digits
        "short1a",
        "onlyletterspassword",
        "1234567890123",
    ],
)
def test_password_is_refused_with_chinese_messages(password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    for message in refused.value.messages:
        assert any("\u4e00" <= c <= "\u9fff" for c in message), message
        assert "password" not in message.lower()


@pytest.mark.parametrize("password", ["kechuang-2026x", "密码密码密码密码a1", "kcqwzxvbn1"])
def test_password_with_an_ascii_letter_and_digit_passes(password):
    validate_password(password)


def test_too_short_message_is_chinese():
    with pytest.raises(ValidationError) as refused:
        validate_password("kcqwzxv12")
    assert refused.value.messages == ["密码太短，至少需要 10 个字符。"]
    validate_password("kcqwzxv123")


def test_too_long_password_is_refused_at_the_boundary():
    validate_password("k1" + "x" * 126)
    with pytest.raises(ValidationError) as refused:
        validate_password("k1" + "x" * 127)
    assert refused.value.messages == ["密码太长，最多 128 个字符。"]


def test_a_new_password_must_differ_from_the_current_one(world, login):
    client = login(world.university)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 200
    assert "新密码不能与当前密码相同。" in response.content.decode()
    validate_password(PASSWORD)  # for a new account, with no current password, it is fine


# -- redirects ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target, allowed",
    [
        ("https://evil.example/", False),
        ("//evil.example", False),
        ("/\\evil.example", False),
        ("http://testserver.evil.example/", False),
        ("javascript:alert(1)", False),
        ("/monitoring/alerts/?page=2", True),
    ],
)
def test_next_url_stays_on_the_site(target, allowed):
    request = RequestFactory().post("/", {"next": target})
    assert next_url(request, "/fallback/") == (target if allowed else "/fallback/")


@pytest.fixture
def alert(world):
    from kechuang.monitoring import services
    from kechuang.monitoring.models import Alert
    from kechuang.monitoring.tests.test_monitoring import county

    county.__wrapped__(world)
    services.recompute(2024)
    return Alert.objects.first()


@pytest.mark.parametrize(
    "target, expected",
    [
        ("https://evil.example/", "/monitoring/alerts/?year=2024"),
        ("//evil.example", "/monitoring/alerts/?year=2024"),
        ("/\\evil.example", "/monitoring/alerts/?year=2024"),
        ("/monitoring/alerts/?page=2", "/monitoring/alerts/?page=2"),
    ],
)
def test_alert_acknowledgement_redirects_only_on_the_site(alert, login, world, target, expected):
    url = reverse("monitoring:alert_acknowledge", args=[alert.pk])
    response = login(world.staff).post(url, {"next": target, "note": "已核实"})
    assert response.status_code == 302
    assert response["Location"] == expected


def test_login_ignores_an_offsite_next(world):
    response = Client().post(
        reverse("login") + "?next=//evil.example",
        {"username": "staff", "password": PASSWORD, "next": "//evil.example"},
    )
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


# -- client address behind proxies ---------------------------------------------------------


def _request(xff=None, remote="10.0.0.2"):
    extra = {"HTTP_X_FORWARDED_FOR": xff} if xff is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_forwarded_header_is_ignored_by_default():
    assert settings.TRUSTED_PROXY_COUNT == 0
    assert client_ip(_request("203.0.113.9")) == "10.0.0.2"


@pytest.mark.parametrize(
    "count, xff, expected",
    [
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # left entry written by the client
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.2"),  # shorter than the proxy chain
        (1, "", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
        (1, None, "10.0.0.2"),
    ],
)
def test_behind_trusted_proxies_the_forwarded_address_is_used(settings, count, xff, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(_request(xff)) == expected


def _fail_logins(client, username, count, **extra):
    for _ in range(count):
        client.post(reverse("login"), {"username": username, "password": "wrong-pass-1"}, **extra)


def test_spoofed_forwarded_header_cannot_lock_another_users_account(world):
    # The attacker varies X-Forwarded-For; by default it is not trusted, so every attempt
    # counts against the attacker's own address and the victim, elsewhere, logs in.
    attacker = Client(REMOTE_ADDR="198.51.100.66")
    for n in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(
            reverse("login"),
            {"username": "town", "password": "wrong-pass-1"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    locked = attacker.post(
        reverse("login"),
        {"username": "town", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.200",
    )
    assert locked.status_code == 429
    victim = Client(REMOTE_ADDR="192.0.2.10")
    assert (
        victim.post(reverse("login"), {"username": "town", "password": PASSWORD}).status_code == 302
    )


def test_behind_a_proxy_lockout_and_logs_use_the_forwarded_address(world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    attacker = Client(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.66")
    _fail_logins(attacker, "town", settings.AXES_FAILURE_LIMIT)
    refused = attacker.post(reverse("login"), {"username": "town", "password": PASSWORD})
    assert refused.status_code == 429
    # The victim comes through the same proxy from another address and is not locked out.
    victim = Client(**proxy, HTTP_X_FORWARDED_FOR="192.0.2.10")
    assert (
        victim.post(reverse("login"), {"username": "town", "password": PASSWORD}).status_code == 302
    )
    assert set(LoginLog.objects.values_list("ip_address", flat=True)) == {
        "198.51.100.66",
        "192.0.2.10",
    }


# -- headers and the API docs ---------------------------------------------------------------


def test_pages_carry_a_strict_content_security_policy(world, login):
    response = login(world.staff).get(reverse("home"))
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert "Content-Security-Policy" in Client().get(reverse("login"))


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/registry/enterprises/",
        "/registry/enterprises/?export=xlsx",
        "/api/registry/enterprises/",
        "/api/accounts/me/",
        "/api/schema/",
    ],
)
def test_authenticated_responses_are_not_stored(world, login, path):
    response = login(world.staff).get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_token_authenticated_api_responses_are_not_stored(world):
    token = Client().post("/api/accounts/token/", {"username": "staff", "password": PASSWORD})
    api = Client(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert "no-store" in api.get("/api/registry/enterprises/")["Cache-Control"]


def test_static_files_may_be_cached(world, login, settings):
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True
    response = login(world.staff).get("/static/core/behaviours.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/redoc/"])
def test_schema_and_docs_need_a_login(world, login, path):
    anonymous = Client().get(path)
    if path == "/api/schema/":
        assert anonymous.status_code == 401
    else:
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith(reverse("login"))
    assert login(world.town).get(path).status_code == 200


def test_docs_pages_relax_the_policy_for_their_workers_only(world, login):
    client = login(world.town)
    docs = client.get("/api/redoc/")["Content-Security-Policy"]
    assert "worker-src blob:" in docs
    assert "script-src 'self'" in docs
    assert "blob:" not in client.get(reverse("home"))["Content-Security-Policy"]
