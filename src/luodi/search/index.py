"""Keeping the index in step with the store: index a plan, remove one, rebuild, refresh.

The index is a cache of the store (see :mod:`luodi.search.backend`): ingest need not know
about it.  :func:`refresh` — run by every search — compares each plan's content hash and
ingest time with what was indexed, one cheap query, and re-indexes only what changed.
A caller that wants the index current at once (ingest, say) calls :func:`index_plan`,
passing its own connection to make it part of the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from luodi.search.backend import SearchBackend, SearchError, backend_for, one_line
from luodi.search.docs import load_plan
from luodi.store.engine import WRITE

# Plans indexed per write transaction while catching up: bounds how long the write lock
# is held (other writers wait for it), while keeping per-transaction overhead small.
BATCH = 50
_FRESH = "luodi_search_fresh"  # connection info key: change token when the index was last current


@contextmanager
def _writing(bind: Engine | Connection) -> Iterator[Connection]:
    """The caller's connection as is, or a write transaction (BEGIN IMMEDIATE) on the engine."""
    if isinstance(bind, Connection):
        yield bind
        return
    try:
        with bind.execution_options(**{WRITE: True}).begin() as conn:
            yield conn
    except SQLAlchemyError as exc:
        raise SearchError(f"cannot update the search index: {one_line(exc)}") from exc


def _backend(bind: Engine | Connection) -> SearchBackend:
    return backend_for(bind if isinstance(bind, Engine) else bind.engine)


def index_plan(bind: Engine | Connection, plan_id: int) -> int:
    """(Re)index one plan — or drop it from the index if it is no longer stored; returns #documents."""
    backend = _backend(bind)
    with _writing(bind) as conn:
        backend.ensure(conn)
        return _index(backend, conn, plan_id)


def remove_plan(bind: Engine | Connection, plan_id: int) -> None:
    """Drop a plan's documents from the index (a later refresh re-adds it if it is still stored)."""
    backend = _backend(bind)
    with _writing(bind) as conn:
        backend.ensure(conn)
        backend.delete_plan(conn, plan_id)


def rebuild(engine: Engine, progress: Callable[[int, int], None] | None = None) -> int:
    """Drop the index and index every stored plan afresh; returns the number of documents."""
    backend = backend_for(engine)
    with _writing(engine) as conn:
        backend.drop(conn)
        backend.ensure(conn)
    n_docs = _catch_up(engine, backend, progress)[1]
    with _writing(engine) as conn:
        backend.finish_rebuild(conn)
    return n_docs


def refresh(engine: Engine, progress: Callable[[int, int], None] | None = None) -> int:
    """Index plans added or changed since they were indexed, forget deleted ones; returns #plans updated."""
    backend = backend_for(engine)
    try:
        with engine.connect() as conn:
            # Every search comes here: comparing all plans with the index costs ~2 ms for a few
            # thousand, so skip it while the database has not changed since it last found
            # the index current (the token is taken first: a commit in between shows next time).
            token = backend.change_token(conn)
            if token is not None and conn.connection.info.get(_FRESH) == token:
                return 0
            if backend.current(conn) and backend.stale(conn) == ([], []):
                conn.connection.info[_FRESH] = token
                return 0
    except SQLAlchemyError as exc:
        raise SearchError(f"cannot read the search index: {one_line(exc)}") from exc
    with _writing(engine) as conn:
        backend.ensure(conn)
    return _catch_up(engine, backend, progress)[0]


def _catch_up(engine: Engine, backend: SearchBackend, progress: Callable[[int, int], None] | None) -> tuple[int, int]:
    """Index stale plans, :data:`BATCH` per transaction; returns (#plans, #documents) written."""
    done = total = n_docs = 0
    while True:
        with _writing(engine) as conn:
            # Re-read inside the write lock: another process may have indexed some meanwhile.
            changed, gone = backend.stale(conn)
            total = total or len(changed) + len(gone)
            for plan_id in gone:
                backend.delete_plan(conn, plan_id)
            for plan_id in changed[:BATCH]:
                n_docs += _index(backend, conn, plan_id)
            done += len(gone) + len(changed[:BATCH])
        if progress:
            progress(done, total)
        if len(changed) <= BATCH:
            return done, n_docs


def _index(backend: SearchBackend, conn: Connection, plan_id: int) -> int:
    loaded = load_plan(conn, plan_id)
    if loaded is None:
        backend.delete_plan(conn, plan_id)
        return 0
    info, docs = loaded
    backend.write_plan(conn, info, docs)
    return len(docs)
