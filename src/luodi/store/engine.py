"""Engines: a plain path becomes a tuned SQLite file, a URL is used as given.

SQLite notes
------------
* WAL lets readers (``luodi list``, the API) run while an ingest writes.
* ``synchronous=NORMAL`` is durable in WAL mode except for the last commits on power loss,
  and saves an fsync per document.
* Python's sqlite3 driver (legacy transaction mode) only emits BEGIN before DML, so a
  SELECT-then-INSERT is not one transaction and the upgrade from a read to a write lock
  can fail with "database is locked" without waiting.  We switch its transaction handling
  off and emit BEGIN ourselves; connections marked with :data:`WRITE` emit
  ``BEGIN IMMEDIATE``, which takes the write lock up front (waiting up to the busy
  timeout), so concurrent ingest processes queue instead of failing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url

# Execution option that marks a write transaction (see module docstring).
WRITE = "luodi_write"

BUSY_TIMEOUT_MS = 30_000


def _dumps(value: Any) -> str:
    # orjson writes UTF-8 (a Chinese character costs 3 bytes, not a 6-byte \\uXXXX escape)
    # and is several times faster than json.dumps on the many small lists a plan stores.
    return orjson.dumps(value).decode("utf-8")


def to_url(url_or_path: str | Path) -> URL:
    """``postgresql+psycopg://…`` / ``sqlite://…`` pass through; anything else is a SQLite file path."""
    if isinstance(url_or_path, str) and "://" in url_or_path:
        return make_url(url_or_path)
    path = Path(url_or_path).expanduser().resolve()
    return URL.create("sqlite", database=str(path))


def make_engine(url_or_path: str | Path) -> Engine:
    url = to_url(url_or_path)
    sqlite = url.get_backend_name() == "sqlite"
    if sqlite and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, json_serializer=_dumps)
    if sqlite:
        _tune_sqlite(engine)
    return engine


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, see _on_begin
        cur = dbapi_conn.cursor()
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")
