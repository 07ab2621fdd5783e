"""Web settings: the signing secret, cookie and upload limits, each with an ``LUODI_*`` override."""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from luodi.config import evidence_max_bytes
from luodi.store.engine import to_url

SECRET_ENV = "LUODI_SECRET"
MAX_FILES = 5  # evidence files per progress report
SECRET_FILE_SUFFIX = ".secret"
MIN_SECRET_LEN = 32


@dataclass(frozen=True)
class WebSettings:
    secret: str
    session_hours: int = 12
    secure_cookies: bool = False  # set LUODI_SECURE_COOKIES=1 behind HTTPS
    max_upload_bytes: int = 50_000_000  # a whole report form: up to five evidence files
    page_size: int = 50
    cache_mb: int = 64  # rendered plan pages kept in memory (compressed), per process


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw.isdigit() else default


def load_settings(store_path_or_url: str | Path, secret: str | None = None) -> WebSettings:
    return WebSettings(
        secret=secret or load_secret(store_path_or_url),
        session_hours=_int_env("LUODI_SESSION_HOURS", 12),
        secure_cookies=os.environ.get("LUODI_SECURE_COOKIES", "") in {"1", "true", "yes"},
        max_upload_bytes=MAX_FILES * evidence_max_bytes(),
        cache_mb=_int_env("LUODI_WEB_CACHE_MB", 64),
    )


def secret_path(store_path_or_url: str | Path) -> Path:
    """The secret file beside a SQLite store; for a server database, in the user data dir."""
    url = to_url(store_path_or_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database + SECRET_FILE_SUFFIX)
    return Path(platformdirs.user_data_dir("luodi")) / "web.secret"


def load_secret(store_path_or_url: str | Path) -> str:
    """LUODI_SECRET, else the secret file (created once, mode 0600, never rewritten).

    The key signs session cookies, so it must survive restarts (or everyone is signed out)
    and must not be readable by other local users."""
    env = os.environ.get(SECRET_ENV, "")
    if env:
        if len(env) < MIN_SECRET_LEN:
            raise ValueError(f"{SECRET_ENV} is too short: give at least {MIN_SECRET_LEN} characters")
        return env
    path = secret_path(store_path_or_url)
    if path.exists():
        return _read_when_written(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    try:
        # O_EXCL: two workers starting at once must not each write a different key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_when_written(path)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")
    return value


def _read_when_written(path: Path) -> str:
    """Another process created the file an instant ago: wait for its key to be written."""
    for _ in range(100):
        value = path.read_text(encoding="ascii").strip()
        if value:
            return value
        time.sleep(0.01)
    raise ValueError(f"{path}: empty secret file; delete it or set {SECRET_ENV}")
