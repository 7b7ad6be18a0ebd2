"""Typed environment helpers: every setting comes from the environment and a bad value fails loudly."""

import os
import secrets
from pathlib import Path


class EnvError(ValueError):
    pass


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


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


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise EnvError(f"{name} must be an integer, got {raw!r}") from None


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
