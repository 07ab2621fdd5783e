"""Alembic environment for the luodi store.

luodi runs migrations itself (see :mod:`luodi.store.migrate`) and hands over an open
connection in ``config.attributes["connection"]``; there is no alembic.ini.  For the
``alembic`` command line, set ``sqlalchemy.url`` with ``-x url=…`` or in a config file.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from luodi.store.engine import make_engine, to_url
from luodi.store.schema import metadata

config = context.config


def _run(connection: Connection) -> None:
    # render_as_batch: SQLite can't ALTER most things; batch mode copies the table instead.
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _cli_url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("no database: pass -x url=PATH_OR_URL")
    return url


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_cli_url())
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


def run_migrations_offline() -> None:
    context.configure(url=to_url(_cli_url()), target_metadata=metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
