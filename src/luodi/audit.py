"""The audit log: every write, by whom, with the row before and after.

Call :func:`record` on the connection of the write itself, inside its transaction, so a
change and its log line are committed (or rolled back) together — a crash can never leave
a change without its line or a line without its change.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert

from luodi.store.schema import audit_log


def now() -> str:
    """UTC timestamp in the store's format (ISO 8601, seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def cli_actor() -> str:
    """The actor of a command-line write: ``cli:<os user>``."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name (some containers): still say where it came from
        user = "unknown"
    return f"cli:{user}"


def record(
    conn: Connection,
    actor: str,
    action: str,
    target: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Append one line: ``action`` (e.g. ``report.add``) on ``target`` (e.g. ``item:12``)."""
    conn.execute(insert(audit_log), [_row(actor, action, target, before, after)])


Entry = tuple[str, str, Mapping[str, Any] | None, Mapping[str, Any] | None]


def record_many(conn: Connection, actor: str, entries: Iterable[Entry]) -> None:
    """Several lines at once (``(action, target, before, after)`` each): one executemany for a batch import."""
    rows = [_row(actor, action, target, before, after) for action, target, before, after in entries]
    if rows:
        conn.execute(insert(audit_log), rows)


def _row(
    actor: str, action: str, target: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> dict[str, Any]:
    return {
        "at": now(),
        "actor": actor,
        "action": action,
        "target": target,
        "before": dict(before) if before is not None else None,
        "after": dict(after) if after is not None else None,
    }
