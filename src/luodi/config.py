"""Settings in one place: each has a default, a help text and an ``LUODI_*`` override."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs


def default_db_path() -> Path:
    """The default store: a SQLite file in the user's data directory (``LUODI_DB`` overrides)."""
    env = os.environ.get("LUODI_DB")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("luodi")) / "luodi.db"


@dataclass(frozen=True)
class Setting:
    name: str
    default: int
    help: str

    def value(self) -> int:
        raw = os.environ.get(f"LUODI_{self.name.upper()}")
        return int(raw) if raw else self.default


MAX_FILE_MB = Setting("max_file_mb", 50, "Largest input file accepted, in megabytes.")
SETTINGS = (MAX_FILE_MB,)


def max_file_bytes() -> int:
    return MAX_FILE_MB.value() * 1_000_000
