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
# Implementation tracking (luodi.tracking): the status engine's thresholds and evidence limits.
TRACK_NEAR_DAYS = Setting(
    "track_near_days", 30, "An unfinished item this many days or fewer before its deadline is blue (临期)."
)
TRACK_STALE_DAYS = Setting(
    "track_stale_days", 92, "No progress report for more than this many days makes an item yellow (one quarter)."
)
TRACK_BEHIND_PCT = Setting(
    "track_behind_pct", 10, "Percentage points below the expected linear progress before an item counts as behind (yellow)."
)
TRACK_APPROX_PCT = Setting(
    "track_approx_pct", 5, "How close to an approximate target (约/左右/接近) counts as reaching it, in percent."
)
EVIDENCE_MAX_MB = Setting("evidence_max_mb", 10, "Largest evidence file attached to a progress report, in megabytes.")
SETTINGS = (MAX_FILE_MB, TRACK_NEAR_DAYS, TRACK_STALE_DAYS, TRACK_BEHIND_PCT, TRACK_APPROX_PCT, EVIDENCE_MAX_MB)


def max_file_bytes() -> int:
    return MAX_FILE_MB.value() * 1_000_000


def evidence_max_bytes() -> int:
    return EVIDENCE_MAX_MB.value() * 1_000_000
