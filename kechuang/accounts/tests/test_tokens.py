"""API tokens: one per client, ending after API_TOKEN_HOURS, at logout and password change."""

import datetime

import pytest
from django.conf import settings
from django.contrib.admin.sites import site
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kechuang.accounts.models import ApiToken
from kechuang.conftest import PASSWORD, SHARED_WORLD

pytestmark = [SHARED_WORLD, pytest.mark.django_db]

ME = "/api/accounts/me/"


def _login(username="staff", password=PASSWORD, **extra):
    return Client().post(
        "/api/accounts/token/", {"username": username, "password": password, **extra}
    )


def _client(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def _token(username="staff", **extra) -> str:
    response = _login(username, **extra)
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_login_answers_token_client_and_expiry(world):
    before = timezone.now()
    body = _login().json()
    assert set(body) == {"token", "client", "expiry"}
    assert body["client"] == "default"
    expiry = datetime.datetime.fromisoformat(body["expiry"])
    hours = settings.REST_KNOX["TOKEN_TTL"]
    assert before + hours <= expiry <= timezone.now() + hours
    assert _client(body["token"]).get(ME).json()["username"] == "staff"
    # The secret is stored only as a digest.
    assert not ApiToken.objects.filter(digest=body["token"]).exists()


def test_wrong_password_gets_a_chinese_message(world):
    response = _login(password="wrong-pass-1")
    assert response.status_code == 400
    assert "用户名或密码错误" in response.content.decode()


def test_bad_client_name_gets_a_chinese_message(world):
    response = _login(client="a b")
    assert response.status_code == 400
    assert "客户端名称" in response.content.decode()


def test_token_works_until_just_before_expiry_and_not_after(world):
    client = _client(_token())
    token = ApiToken.objects.get()
    token.expiry = timezone.now() + datetime.timedelta(seconds=30)
    token.save()
    assert client.get(ME).status_code == 200
    token.expiry = timezone.now() - datetime.timedelta(seconds=1)
    token.save()
    assert client.get(ME).status_code == 401


def test_one_token_per_client(world):
    first = _token(client="etl")
    other = _token(client="report-script")
    assert _client(first).get(ME).status_code == 200
    again = _token(client="etl")
    assert _client(first).get(ME).status_code == 401
    assert _client(again).get(ME).status_code == 200
    assert _client(other).get(ME).status_code == 200
    listed = _client(other).get("/api/accounts/tokens/").json()
    assert sorted(t["client"] for t in listed) == ["etl", "report-script"]
    assert all("token" not in t and "digest" not in t for t in listed)


def test_revoke_one_client_and_only_own_tokens(world):
    etl, script = _token(client="etl"), _token(client="script")
    town_etl = _token("town", client="etl")
    assert _client(script).delete("/api/accounts/tokens/etl/").status_code == 204
    assert _client(etl).get(ME).status_code == 401
    assert _client(town_etl).get(ME).status_code == 200
    assert _client(script).delete("/api/accounts/tokens/nothing/").status_code == 404


def test_api_logout_revokes_only_that_token(world):
    etl, script = _token(client="etl"), _token(client="script")
    assert _client(etl).post("/api/accounts/logout/").status_code == 204
    assert _client(etl).get(ME).status_code == 401
    assert _client(script).get(ME).status_code == 200
    assert _client(script).post("/api/accounts/logout-all/").status_code == 204
    assert _client(script).get(ME).status_code == 401


def test_site_logout_revokes_the_users_tokens(world):
    token, others = _token(), _token("town")
    browser = Client()
    browser.post(reverse("login"), {"username": "staff", "password": PASSWORD})
    assert browser.post(reverse("logout")).status_code == 302
    assert _client(token).get(ME).status_code == 401
    assert _client(others).get(ME).status_code == 200


def test_password_change_revokes_the_users_tokens(world, login):
    token = _token()
    # Saving the user without a new password keeps the tokens.
    world.staff.save()
    assert _client(token).get(ME).status_code == 200
    response = login(world.staff).post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Kechuang-2099x",
            "new_password2": "Kechuang-2099x",
        },
    )
    assert response.status_code == 302
    assert _client(token).get(ME).status_code == 401


def test_admin_can_list_and_revoke_tokens(world):
    assert ApiToken in site._registry
    token = _token()
    browser = Client()
    browser.force_login(world.admin)
    changelist = browser.get(reverse("admin:accounts_apitoken_changelist"))
    assert changelist.status_code == 200
    row = ApiToken.objects.get()
    response = browser.post(
        reverse("admin:accounts_apitoken_delete", args=[row.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert _client(token).get(ME).status_code == 401


def test_session_login_to_pages_remains(world):
    browser = Client()
    browser.post(reverse("login"), {"username": "staff", "password": PASSWORD})
    assert browser.get(reverse("home")).status_code == 200
    assert browser.get(ME).status_code == 200


def test_token_login_is_locked_out_like_the_page(world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(password="wrong-pass-1")
    locked = _login()
    assert locked.status_code == 403
    assert "账号已临时锁定" in locked.json()["detail"]
