"""Login, lockout, password rules, session expiry and the login and operation logs."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kechuang.conftest import PASSWORD, SHARED_WORLD
from kechuang.core.models import LoginLog, OperationLog

pytestmark = [SHARED_WORLD, pytest.mark.django_db]


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_succeeds_and_is_logged(world):
    client = Client()
    response = _login(client, "town", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert LoginLog.objects.filter(username="town", event=LoginLog.Event.LOGIN).count() == 1


def test_wrong_password_is_logged_with_chinese_message(world):
    response = _login(Client(), "town", "wrong-pass-1")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert LoginLog.objects.filter(username="town", event=LoginLog.Event.FAILED).count() == 1


def test_lockout_after_repeated_failures(world):
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert _login(client, "town", "wrong-pass-1").status_code == 200
    locked = _login(client, "town", "wrong-pass-1")
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    # Even the right password is refused while locked.
    again = _login(client, "town", PASSWORD)
    assert again.status_code == 429
    assert LoginLog.objects.filter(username="town", event=LoginLog.Event.LOCKED).exists()
    # Another user from the same address is not locked.
    assert _login(Client(), "staff", PASSWORD).status_code == 302


def test_pages_require_login():
    response = Client().get(reverse("registry:enterprise_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "password, ok",
    [
        ("short1a", False),
        ("onlyletterspassword", False),
        ("1234567890123", False),
        ("kechuang-2026x", True),
    ],
)
def test_password_rules(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_session_expires():
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_export_writes_operation_log(world, login):
    client = login(world.town)
    response = client.get(reverse("registry:enterprise_list"), {"export": "xlsx", "q": "南明"})
    assert response.status_code == 200
    log = OperationLog.objects.get()
    assert log.action == OperationLog.Action.EXPORT
    assert log.user == world.town
    assert log.row_count == 1
    assert "q=" in log.summary


def test_logs_are_visible_to_admin_only(world, login):
    assert login(world.admin).get(reverse("accounts:loginlog_list")).status_code == 200
    assert login(world.town).get(reverse("accounts:loginlog_list")).status_code == 403
    assert login(world.staff).get(reverse("accounts:operationlog_list")).status_code == 200
