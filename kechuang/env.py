"""Typed environment helpers: every setting comes from the environment and a bad value fails loudly."""

import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path


class EnvError(ValueError):
    pass


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "", *, pattern: str | None = None) -> str:
    """Text; when `pattern` is given, the whole value must match it."""
    value = os.environ.get(name, default)
    if pattern is not None and not re.fullmatch(pattern, value):
        raise EnvError(f"{name} must match {pattern}, got {value!r}")
    return value


DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql")


def env_database(name: str, default: str, **options) -> dict:
    """A database URL (sqlite:///path or postgres://user@host:port/name) as Django's
    settings; the schemes of the databases the platform runs on, nothing else."""
    import dj_database_url

    value = os.environ.get(name, default).strip()
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme not in DATABASE_SCHEMES:
        raise EnvError(
            f"{name} must be sqlite:///path or postgres://user@host:port/name, got {value!r}"
        )
    try:
        return dj_database_url.parse(value, **options)
    except ValueError as exc:
        raise EnvError(f"{name} is not a usable database URL ({exc}), got {value!r}") from None


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise EnvError(f"{name} must be a boolean (1/0, true/false, yes/no), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = 0) -> int:
    """An integer of at least `minimum` (0 unless stated: counts, sizes and durations)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise EnvError(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise EnvError(f"{name} must be at least {minimum}, got {value}")
    return value


def env_choice(name: str, default: str, choices: Iterable[str]) -> str:
    """One of a fixed set of values, compared case-sensitively as they are documented."""
    allowed = tuple(choices)
    value = os.environ.get(name, default).strip()
    if value not in allowed:
        raise EnvError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, fallback_file: Path) -> str:
    """Secret from the environment; otherwise one generated once and kept in a private file.

    The file keeps zero-configuration installs working across restarts without a secret in
    the repository. Production sets the variable.
    """
    raw = os.environ.get(name)
    if raw:
        if len(raw) < 32:
            raise EnvError(f"{name} must be at least 32 characters long")
        return raw
    fallback_file.parent.mkdir(parents=True, exist_ok=True)
    if not fallback_file.exists():
        fallback_file.write_text(secrets.token_urlsafe(50))
        fallback_file.chmod(0o600)
    return fallback_file.read_text().strip()
