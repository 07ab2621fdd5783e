"""The store: save documents, list them, get them back as ``luodi/document@1`` JSON.

Every save is one transaction, so a failure leaves nothing half-written, and uses Core
``executemany`` inserts (no ORM objects, no per-row SELECTs) because ingest throughput
depends on it.  Plans are matched by content hash first (same bytes → nothing to do),
then by source (same file, new bytes → replaced in place, keeping its id).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any, Literal

import orjson
from sqlalchemy import JSON, Boolean, Connection, Engine, Table, delete, insert, or_, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.types import TypeEngine

from luodi.config import default_db_path
from luodi.document import Document, Period
from luodi.errors import LuodiError, NotFound, StoreError
from luodi.store import codec
from luodi.store.engine import WRITE, make_engine
from luodi.store.migrate import ensure_schema
from luodi.store.schema import CHILD_TABLES, plan_tables, plans, records, sections

SaveStatus = Literal["added", "replaced", "unchanged"]

_HASH_PREFIX = re.compile(r"[0-9a-f]{6,64}")
MIN_HASH_PREFIX = 6


@dataclass(frozen=True)
class SaveResult:
    status: SaveStatus
    plan_id: int  # the stored plan now holding this content
    replaced_id: int | None = None  # "replaced": the plan that was overwritten (same id, rewritten in place)
    duplicate_of: int | None = None  # "unchanged": set when the content is stored under another source


@dataclass(frozen=True)
class PlanSummary:
    id: int
    title: str | None
    issuers: list[str]
    region: str | None
    issued: str | None
    doc_number: str | None
    n_sections: int
    source: str
    doc_type: str | None
    period: Period | None
    content_hash: str
    ingested_at: str


_SUMMARY_COLUMNS = (
    plans.c.id,
    plans.c.title,
    plans.c.issuers,
    plans.c.region,
    plans.c.issued,
    plans.c.doc_number,
    plans.c.n_sections,
    plans.c.source,
    plans.c.doc_type,
    plans.c.period_start,
    plans.c.period_end,
    plans.c.content_hash,
    plans.c.ingested_at,
)


class Store:
    """A plan store over one SQLAlchemy engine.  Use :meth:`open`, then :meth:`close` (or ``with``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # Same pool, but transactions start with BEGIN IMMEDIATE on SQLite (see engine.py).
        self._writer = engine.execution_options(**{WRITE: True})

    @property
    def url(self) -> str | None:
        """A URL another process can open this store with (None for an in-memory database)."""
        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            return None
        return url.render_as_string(hide_password=False)

    @classmethod
    def open(cls, url_or_path: str | Path | None = None) -> Store:
        """Open (creating and migrating if needed) the store at a path or URL; default: LUODI_DB / data dir."""
        target = default_db_path() if url_or_path is None else url_or_path
        try:
            engine = make_engine(target)
        except (SQLAlchemyError, OSError) as exc:
            raise StoreError(f"{_display(target)}: cannot open store: {_one_line(exc)}") from exc
        try:
            ensure_schema(engine)
        except BaseException as exc:
            engine.dispose()
            if isinstance(exc, SQLAlchemyError):  # e.g. the path is not a SQLite file
                raise StoreError(f"{_display(target)}: cannot open store: {_one_line(exc)}") from exc
            raise
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------
    def save(self, doc: Document, source_key: str | None = None, *, force: bool = False) -> SaveResult:
        """Store ``doc`` under ``source_key`` (default ``doc.raw.source``) in one transaction.

        * same content hash already stored → "unchanged", nothing written (``force=True``
          rewrites that plan in place instead, keeping its id and source: for re-extraction);
        * a plan with this source but other content → "replaced" atomically, same id;
        * otherwise → "added".
        Any failure rolls back and raises :class:`StoreError`.
        """
        source = source_key or doc.raw.source
        try:
            try:
                return self._save_once(doc, source, force)
            except IntegrityError:
                # A concurrent writer stored this hash or source between our lookup and insert
                # (possible on PostgreSQL, which has no BEGIN IMMEDIATE).  Once more: the lookup
                # now sees its row.  A genuinely bad row fails again and is reported below.
                return self._save_once(doc, source, force)
        except LuodiError:
            raise
        except Exception as exc:  # anything: the transaction is rolled back, report one line
            raise StoreError(f"{source}: not saved: {_one_line(exc)}") from exc

    def _save_once(self, doc: Document, source: str, force: bool) -> SaveResult:
        with self._writer.begin() as conn:
            by_hash, by_source = _lookup(conn, doc.raw.content_hash, source)
            if by_hash is not None and not force:
                dup = by_hash.id if by_hash.source != source else None
                return SaveResult("unchanged", by_hash.id, duplicate_of=dup)
            row = codec.plan_row(doc, source, _now())
            target = by_hash if by_hash is not None else by_source
            if target is None:
                plan_id = _insert_plan(conn, row)
            else:
                row["source"] = target.source  # force on a duplicate keeps the owner's source
                plan_id = _rewrite_plan(conn, target.id, row)
            _insert_children(conn, plan_id, doc)
        if target is None:
            return SaveResult("added", plan_id)
        return SaveResult("replaced", plan_id, replaced_id=target.id)

    def delete_plan(self, key: str | int) -> int:
        """Delete a plan (and its sections, tables, records); returns its id."""
        try:
            with self._writer.begin() as conn:
                plan_id = _resolve(conn, key)
                conn.execute(delete(plans).where(plans.c.id == plan_id))  # children: ON DELETE CASCADE
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot delete plan {key}: {_one_line(exc)}") from exc
        return plan_id

    # -- reading -------------------------------------------------------------------------
    def list_plans(self) -> list[PlanSummary]:
        with self._reading() as conn:
            rows = conn.execute(select(*_SUMMARY_COLUMNS).order_by(plans.c.id)).mappings().all()
        return [_summary(r) for r in rows]

    def plan_id_for_hash(self, content_hash: str) -> int | None:
        """The plan storing exactly this content, if any (lets ingest skip parsing unchanged files)."""
        with self._reading() as conn:
            found = conn.scalar(select(plans.c.id).where(plans.c.content_hash == content_hash))
        return int(found) if found is not None else None

    def known_hashes(self) -> set[str]:
        """Content hashes of every stored plan (one query, so a batch skips unchanged files cheaply)."""
        with self._reading() as conn:
            return set(conn.scalars(select(plans.c.content_hash)))

    def get_plan(self, key: str | int) -> dict[str, Any]:
        """``Document.to_json()`` of a stored plan plus ``id`` and ``ingested_at``.

        ``key``: numeric id, a unique content-hash prefix (≥ 6 hex digits), or the source.
        """
        with self._reading() as conn:
            plan_id = _resolve(conn, key)
            doc, ingested_at = _load(conn, plan_id)
        out = doc.to_json()
        return {"schema": out.pop("schema"), "id": plan_id, "ingested_at": ingested_at, **out}

    def load_document(self, key: str | int) -> Document:
        """The stored plan as a Document (raw text, offset map and all) to re-run later stages on."""
        with self._reading() as conn:
            return _load(conn, _resolve(conn, key))[0]

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A read connection whose database errors surface as StoreError (NotFound passes through)."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot read store: {_one_line(exc)}") from exc


# -- statements --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Stored:
    id: int
    source: str


def _lookup(conn: Connection, content_hash: str, source: str) -> tuple[_Stored | None, _Stored | None]:
    """The plans holding this content and this source (one query; either may be None)."""
    rows = conn.execute(
        select(plans.c.id, plans.c.source, plans.c.content_hash).where(
            or_(plans.c.content_hash == content_hash, plans.c.source == source)
        )
    ).all()
    by_hash = next((_Stored(r.id, r.source) for r in rows if r.content_hash == content_hash), None)
    by_source = next((_Stored(r.id, r.source) for r in rows if r.source == source), None)
    return by_hash, by_source


def _insert_plan(conn: Connection, row: dict[str, Any]) -> int:
    result = conn.execute(insert(plans), row)
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


def _rewrite_plan(conn: Connection, plan_id: int, row: dict[str, Any]) -> int:
    # Rewriting in place (not delete + insert) keeps the id that users and links refer to.
    for table in CHILD_TABLES:
        conn.execute(delete(table).where(table.c.plan_id == plan_id))
    conn.execute(update(plans).where(plans.c.id == plan_id).values(row))
    return plan_id


def _insert_children(conn: Connection, plan_id: int, doc: Document) -> None:
    batches = (
        (sections, codec.section_rows(plan_id, doc.sections)),
        (plan_tables, codec.table_rows(plan_id, doc.tables)),
        (records, codec.record_rows(plan_id, doc)),
    )
    for table, rows in batches:
        if rows:  # an empty parameter list would execute a single all-defaults INSERT
            _insert_many(conn, table, rows)


def _insert_many(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Bulk insert.  On SQLite the rows go straight to the driver's executemany: a plan has
    a few hundred child rows, and SQLAlchemy's per-row parameter processing cost more than
    the whole rest of a save.  Other backends take the ordinary Core path."""
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), rows)
        return
    sql, getter, encoded = _bulk_statement(table, tuple(rows[0]))
    if not encoded:
        conn.exec_driver_sql(sql, [getter(row) for row in rows])
        return
    values = []
    for row in rows:
        value = list(getter(row))
        for i, encode in encoded:
            value[i] = encode(value[i])
        values.append(tuple(value))
    conn.exec_driver_sql(sql, values)


@cache
def _bulk_statement(
    table: Table, columns: tuple[str, ...]
) -> tuple[str, Callable[[dict[str, Any]], tuple[Any, ...]], tuple[tuple[int, Callable[[Any], Any]], ...]]:
    """INSERT text, a C-speed row → tuple getter, and the positions that need encoding."""
    names = ", ".join(f'"{c}"' for c in columns)
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" for _ in columns)})'
    pick = itemgetter(*columns)
    getter = pick if len(columns) > 1 else (lambda row: (pick(row),))
    encoded = tuple((i, enc) for i, c in enumerate(columns) if (enc := _encoder(table.c[c].type)) is not None)
    return sql, getter, encoded


def _encoder(kind: TypeEngine[Any]) -> Callable[[Any], Any] | None:
    """What SQLAlchemy's bind processing would store on SQLite, without its per-row cost
    (None: stored as it is)."""
    if isinstance(kind, JSON):
        return lambda value: orjson.dumps(value).decode("utf-8")  # None becomes JSON null, as SQLAlchemy does
    if isinstance(kind, Boolean):
        return lambda value: None if value is None else int(bool(value))
    return None


def _resolve(conn: Connection, key: str | int) -> int:
    """Plan id for a numeric id, a unique content-hash prefix, or a source."""
    text = str(key).strip()
    if text.isascii() and text.isdigit() and len(text) <= 18:  # 18 digits: stays within int64
        found = conn.scalar(select(plans.c.id).where(plans.c.id == int(text)))
        if found is not None:
            return int(found)
    prefix = text.lower()
    if _HASH_PREFIX.fullmatch(prefix):
        # A range, not LIKE: SQLite's LIKE is case-insensitive and can't use the unique index.
        # "g" sorts after every hex digit, so [prefix, prefix+"g") is exactly the prefix.
        ids = conn.scalars(
            select(plans.c.id).where(plans.c.content_hash >= prefix, plans.c.content_hash < prefix + "g").limit(2)
        ).all()
        if len(ids) > 1:
            raise StoreError(f"ambiguous plan key {text}: several content hashes start with it, give more digits")
        if ids:
            return int(ids[0])
    found = conn.scalar(select(plans.c.id).where(plans.c.source == text))
    if found is not None:
        return int(found)
    raise NotFound("plan", text)


def _load(conn: Connection, plan_id: int) -> tuple[Document, str]:
    plan = conn.execute(select(plans).where(plans.c.id == plan_id)).mappings().one()
    secs = conn.execute(select(sections).where(sections.c.plan_id == plan_id).order_by(sections.c.ord)).mappings()
    tabs = conn.execute(
        select(plan_tables).where(plan_tables.c.plan_id == plan_id).order_by(plan_tables.c.ord)
    ).mappings()
    recs = conn.execute(
        select(records).where(records.c.plan_id == plan_id).order_by(records.c.kind, records.c.ord)
    ).mappings()
    return codec.document_from_rows(plan, secs.all(), tabs.all(), recs.all()), plan["ingested_at"]


# -- helpers -----------------------------------------------------------------------------
def _summary(r: Any) -> PlanSummary:
    return PlanSummary(
        id=r["id"],
        title=r["title"],
        issuers=list(r["issuers"]),
        region=r["region"],
        issued=r["issued"],
        doc_number=r["doc_number"],
        n_sections=r["n_sections"],
        source=r["source"],
        doc_type=r["doc_type"],
        period=codec.period(r),
        content_hash=r["content_hash"],
        ingested_at=r["ingested_at"],
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _one_line(exc: BaseException) -> str:
    """A short message: the driver's own text for database errors (no SQL, no parameters)."""
    inner = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = str(inner).strip().splitlines()
    msg = lines[0] if lines else type(inner).__name__
    return msg if len(msg) <= 200 else msg[:197] + "…"


def _display(target: str | Path) -> str:
    """The store location for messages, without a password."""
    if isinstance(target, str) and "://" in target:
        try:
            return make_url(target).render_as_string(hide_password=True)
        except SQLAlchemyError:
            return "<invalid database URL>"
    return str(target)
