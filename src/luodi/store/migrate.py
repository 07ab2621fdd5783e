"""Bring a store's schema to the revision this code expects, with the packaged Alembic scripts.

Opening a store that is already at :data:`~luodi.store.schema.SCHEMA_REVISION` costs one
SELECT; Alembic is only imported and run when the schema is missing or older.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from luodi.errors import StoreError
from luodi.store.engine import WRITE
from luodi.store.schema import SCHEMA_REVISION

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"


def current_revision(conn: Connection) -> str | None:
    """The Alembic revision the database is at, or None for an empty database."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    rev = conn.scalar(text(f"SELECT version_num FROM {VERSION_TABLE}"))
    return str(rev) if rev is not None else None


def ensure_schema(engine: Engine) -> None:
    with engine.connect() as conn:
        if current_revision(conn) == SCHEMA_REVISION:
            return
    # A write transaction (BEGIN IMMEDIATE on SQLite) serialises concurrent first opens;
    # re-check inside it because another process may have migrated in the meantime.
    with engine.execution_options(**{WRITE: True}).begin() as conn:
        if current_revision(conn) != SCHEMA_REVISION:
            upgrade(conn)


def upgrade(conn: Connection, target: str = "head") -> None:
    """Run the packaged migrations on ``conn`` (inside the caller's transaction)."""
    from alembic import command
    from alembic.config import Config
    from alembic.util.exc import CommandError

    cfg = Config()
    # configparser interpolation: a literal % in the install path must be doubled.
    cfg.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    cfg.attributes["connection"] = conn
    try:
        command.upgrade(cfg, target)
    except CommandError as exc:  # e.g. the store was written by a newer luodi
        raise StoreError(f"cannot migrate store schema: {exc}") from exc
