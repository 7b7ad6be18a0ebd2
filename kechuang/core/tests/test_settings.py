import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from kechuang import env


def test_deploy_checks_are_clean_with_production_settings(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "x" * 20 + "production-secret-key-for-checks-" + "y" * 20
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.ALLOWED_HOSTS = ["kechuang.example.gov.cn"]
    call_command("check", deploy=True, fail_level="WARNING")


def test_deploy_checks_fail_without_https(settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = False
    with pytest.raises(SystemCheckError):
        call_command("check", deploy=True, fail_level="WARNING")


@pytest.mark.parametrize("raw, expected", [("1", True), ("yes", True), ("off", False), ("", False)])
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env.env_bool("FLAG") is expected


def test_env_bool_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(env.EnvError, match="FLAG"):
        env.env_bool("FLAG")


def test_env_int_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("COUNT", "ten")
    with pytest.raises(env.EnvError, match="COUNT"):
        env.env_int("COUNT", 1)
    monkeypatch.setenv("COUNT", "10")
    assert env.env_int("COUNT", 1) == 10


def test_env_list(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env.env_list("HOSTS") == ["a.example", "b.example"]


def test_env_secret_generated_once(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    path = tmp_path / "secret"
    first = env.env_secret("SECRET_KEY", path)
    assert len(first) >= 50
    assert env.env_secret("SECRET_KEY", path) == first
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(env.EnvError):
        env.env_secret("SECRET_KEY", path)


def test_env_int_holds_its_minimum(monkeypatch):
    monkeypatch.setenv("COUNT", "0")
    assert env.env_int("COUNT", 5) == 0
    with pytest.raises(env.EnvError, match="COUNT must be at least 1, got 0"):
        env.env_int("COUNT", 5, minimum=1)
    monkeypatch.setenv("COUNT", "-3")
    with pytest.raises(env.EnvError, match="at least 0"):
        env.env_int("COUNT", 5)
    assert env.env_int("COUNT", 5, minimum=None) == -3


def test_env_choice(monkeypatch):
    assert env.env_choice("MODE", "database", ("database", "rq")) == "database"
    monkeypatch.setenv("MODE", "rq")
    assert env.env_choice("MODE", "database", ("database", "rq")) == "rq"
    monkeypatch.setenv("MODE", "redis")
    with pytest.raises(env.EnvError, match="MODE must be one of database, rq, got 'redis'"):
        env.env_choice("MODE", "database", ("database", "rq"))


def test_env_str_pattern(monkeypatch):
    monkeypatch.setenv("CODE", "33062")
    with pytest.raises(env.EnvError, match="CODE"):
        env.env_str("CODE", "330624", pattern=r"[1-9]\d{5}")
    monkeypatch.setenv("CODE", "330683")
    assert env.env_str("CODE", "330624", pattern=r"[1-9]\d{5}") == "330683"


@pytest.mark.parametrize(
    "name, value",
    [
        ("TASKS_BACKEND", "celery"),
        ("LOG_LEVEL", "verbose"),
        ("HOME_REGION_CODE", "xinchang"),
        ("LIST_MAX_PER_PAGE", "0"),
        ("SESSION_IDLE_MINUTES", "-5"),
        ("UPLOAD_MAX_MB_API", "lots"),
        ("DATABASE_URL", "mysql://root@localhost/kechuang"),
        ("DATABASE_URL", "/var/lib/kechuang.sqlite3"),
        ("DATABASE_URL", "postgres://user@host:port/name"),
    ],
)
def test_the_settings_module_refuses_bad_values(name, value, tmp_path):
    """Loaded in a fresh interpreter, as a server would: the error names the setting."""
    environment = {**os.environ, name: value, "KECHUANG_VAR_DIR": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-c", "import kechuang.settings"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=settings_root(),
    )
    assert run.returncode != 0
    assert f"EnvError: {name}" in run.stderr


def settings_root() -> str:
    return str(Path(__file__).resolve().parents[3])
