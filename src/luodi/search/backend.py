"""The search index behind a small interface, so the store's database decides the engine.

Why the index is not part of the Alembic schema
-----------------------------------------------
The index is derived data — a cache of the store, rebuilt from it at any time
(:func:`luodi.search.rebuild`) and refreshed lazily, plan by plan, by comparing each
plan's content hash and ingest time with what was indexed (``search_meta``).  Its tables
are SQLite FTS5 virtual tables (and FTS5's own shadow tables), which Alembic can neither
describe nor port; on PostgreSQL the same interface would be served by another backend
(``tsvector`` over the same bigram tokens, or ``pg_trgm``/``pg_bigm``) with tables of its
own.  So the backend creates its tables itself (``CREATE … IF NOT EXISTS``), versions them
with :attr:`SqliteFtsBackend.VERSION` and, on a version change, drops and rebuilds them;
migrations of the store never have to know about them.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson
from sqlalchemy import Connection, Engine

from luodi.errors import LuodiError
from luodi.search.docs import KINDS, IndexDoc, Kind, PlanInfo
from luodi.search.memo import Memo
from luodi.search.query import And, Node, Or, Term, Words, positive_terms
from luodi.search.tokens import Phrase, Unit, fold, index_tokens, phrase
from luodi.text import to_simplified


class SearchError(LuodiError):
    """The search index cannot be used (wrong database, unreadable index)."""


@dataclass(frozen=True)
class StoredDoc:
    key: int
    plan_id: int
    kind: Kind
    section: str | None
    label: str | None
    head: str
    body: str
    head_s: str  # simplified views, same length as head/body
    body_s: str
    ntok: int  # tokens indexed for head + body (the document length bm25 uses)


@dataclass(frozen=True)
class IndexStats:
    docs: int
    tokens: int
    # (instance, generation) changes whenever the index does: a key for caches.  The
    # instance is random per index, so a store deleted and rebuilt at the same path
    # never meets the caches of the old one.
    instance: str
    generation: int


class SearchBackend(Protocol):
    """What the search service needs from an index; one implementation per database."""

    def current(self, conn: Connection) -> bool:
        """The index tables exist and have this code's layout (read-only check)."""
        ...

    def ensure(self, conn: Connection) -> bool:
        """Create the index tables if missing (or outdated); True when they were (re)created."""
        ...

    def drop(self, conn: Connection) -> None:
        """Remove the index tables."""
        ...

    def stale(self, conn: Connection) -> tuple[list[int], list[int]]:
        """Plans to (re)index — new or changed since indexed — and indexed plans no longer stored."""
        ...

    def change_token(self, conn: Connection) -> object:
        """A value that differs whenever the database may have changed since it was last taken
        on this connection (None: cannot tell, always check)."""
        ...

    def write_plan(self, conn: Connection, info: PlanInfo, docs: Sequence[IndexDoc]) -> None:
        """Replace whatever is indexed for the plan with ``docs``."""
        ...

    def delete_plan(self, conn: Connection, plan_id: int) -> None: ...

    def stats(self, conn: Connection) -> IndexStats: ...

    def plans(self, conn: Connection) -> dict[int, PlanInfo]:
        """Facet attributes of every indexed plan."""
        ...

    def counts(self, conn: Connection, node: Node) -> dict[tuple[int, Kind], int]:
        """Number of matching documents per (plan, kind)."""
        ...

    def top(
        self, conn: Connection, node: Node, plan_ids: Collection[int] | None, kinds: Collection[Kind] | None,
        limit: int, offset: int,
    ) -> list[tuple[int, float]]:
        """Best-first (key, score) of all matching documents of these plans and kinds (bm25)."""
        ...

    def shortest(
        self, conn: Connection, node: Node, plan_ids: Collection[int] | None, kinds: Collection[Kind] | None,
        k: int, *, in_heading: bool,
    ) -> list[int]:
        """Keys of the ``k`` shortest matching documents (with a query word in their heading
        if ``in_heading``): ranking candidates for queries with very many matches."""
        ...

    def doc_freq(self, conn: Connection, units: tuple[Unit, ...]) -> int:
        """Number of documents containing this phrase (bm25's idf)."""
        ...

    def fetch(self, conn: Connection, keys: Iterable[int]) -> dict[int, StoredDoc]: ...

    def finish_rebuild(self, conn: Connection) -> None:
        """Called after indexing everything afresh (e.g. to merge index segments)."""
        ...


def one_line(exc: BaseException) -> str:
    """The driver's own message for a database error, first line only (no SQL, no parameters)."""
    inner = getattr(exc, "orig", None) or exc
    lines = str(inner).strip().splitlines()
    return lines[0] if lines else type(inner).__name__


def backend_for(engine: Engine) -> SearchBackend:
    if engine.dialect.name == "sqlite":
        return SqliteFtsBackend()
    raise SearchError(f"full-text search is implemented for SQLite stores only, not {engine.dialect.name}")


# -- keys ---------------------------------------------------------------------------------
# A document's key packs plan id, kind and position into one integer, so counting matches
# per plan and kind, and filtering by them, needs no join.  Its rowid in search_fts puts the
# document's length (in tokens) above the key: FTS5 returns matches in rowid order, so
# ``ORDER BY rowid LIMIT k`` reads the k *shortest* matching documents and stops there —
# which is how very common queries are ranked without scoring every match (see shortest()).
_KIND_SHIFT = 22  # up to 4 194 304 documents of one kind per plan
_PLAN_SHIFT = 24
_KEY_BITS = 44  # plan ids below 2**20
_KEY_MASK = (1 << _KEY_BITS) - 1
_KIND_CODE: dict[Kind, int] = {k: i for i, k in enumerate(KINDS)}
_PLAN_KIND = f"((rowid & {_KEY_MASK}) >> {_KIND_SHIFT})"  # SQL: plan id << 2 | kind code


def doc_key(plan_id: int, kind: Kind, ord_: int) -> int:
    if plan_id >= 1 << (_KEY_BITS - _PLAN_SHIFT) or ord_ >= 1 << _KIND_SHIFT:
        raise SearchError(f"plan {plan_id}: id or document count too large for the search index")
    return (plan_id << _PLAN_SHIFT) | (_KIND_CODE[kind] << _KIND_SHIFT) | ord_


def _rowid(key: int, ntok: int) -> int:
    return (min(ntok, (1 << (62 - _KEY_BITS)) - 1) << _KEY_BITS) | key


def _plan_range(plan_id: int) -> tuple[int, int]:
    return plan_id << _PLAN_SHIFT, ((plan_id + 1) << _PLAN_SHIFT) - 1


# bm25 weights: a match in the heading (or a scenario's name, a target's metric) counts ten
# times one in the body, so the section *about* a topic comes before sections mentioning it.
HEAD_WEIGHT = 10.0
BODY_WEIGHT = 1.0
# Records (a target's metric, a milestone's action, a scenario's name) are short, so bm25
# would put them above the section they come from: they count half, the section comes first.
KIND_WEIGHT: dict[Kind, float] = {"section": 1.0, "target": 0.5, "milestone": 0.5, "scenario": 0.5}
_KIND_FACTOR = "CASE {} " + " ".join(f"WHEN {_KIND_CODE[k]} THEN {w}" for k, w in KIND_WEIGHT.items()) + " END"
_BM25 = f"bm25(search_fts, {HEAD_WEIGHT}, {BODY_WEIGHT}) * " + _KIND_FACTOR.format(f"({_PLAN_KIND} & 3)")

_TOKENIZE = "tokenize='unicode61 remove_diacritics 0', prefix='1'"
_SCHEMA = (
    # contentless: the token strings (about twice the text) are never stored; the text is
    # kept once in search_docs, from which the tokens are recomputed to delete a document.
    f"CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(head, body, content='', {_TOKENIZE})",
    # head_s/body_s: the simplified view when it differs from the text (traditional plans),
    # so deletes recompute exactly the tokens that were inserted, whatever OpenCC version runs.
    "CREATE TABLE IF NOT EXISTS search_docs (key INTEGER PRIMARY KEY, plan_id INTEGER NOT NULL, kind TEXT NOT NULL, "
    "section TEXT, label TEXT, head TEXT NOT NULL, body TEXT NOT NULL, head_s TEXT, body_s TEXT, ntok INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS search_meta (plan_id INTEGER PRIMARY KEY, content_hash TEXT NOT NULL, "
    "ingested_at TEXT NOT NULL, indexed_at TEXT NOT NULL, title TEXT, region TEXT, province TEXT, level TEXT, "
    "year INTEGER, doc_type TEXT)",
    # version; the counters bm25 needs (documents, tokens); a random id of this index and a
    # generation number that every write bumps (together: the key of the caches below).
    "CREATE TABLE IF NOT EXISTS search_info (key TEXT PRIMARY KEY, value NOT NULL)",
)
_TABLES = ("search_fts", "search_docs", "search_meta", "search_info")

# Remembered per (database, index state), so any change to the index makes them unused:
# the indexed plans' facet attributes (reading thousands of rows per query would cost more
# than the rest of a search), and per query its counts and its phrases' document counts
# (the web page runs the same query again for each facet clicked, and counting a word in
# most documents takes tens of ms).
_PLANS: Memo[tuple[str, str], dict[int, PlanInfo]] = Memo(8)
_COUNTS: Memo[tuple[str, str, str], dict[tuple[int, Kind], int]] = Memo(64)
_DOC_FREQ: Memo[tuple[str, str, str], int] = Memo(4096)


def forget_queries() -> None:
    """Forget the counts remembered for queries (to measure queries never seen before)."""
    _COUNTS.clear()
    _DOC_FREQ.clear()


class SqliteFtsBackend:
    """SQLite FTS5 over character bigrams of the simplified text (see :mod:`luodi.search.tokens`)."""

    # Bump when tokens, columns or keys change: existing indexes are then rebuilt.
    VERSION = "5"

    # -- schema ---------------------------------------------------------------------------
    def current(self, conn: Connection) -> bool:
        return self._version(conn) == self.VERSION

    def ensure(self, conn: Connection) -> bool:
        version = self._version(conn)
        if version == self.VERSION:
            return False
        if version is not None:
            self.drop(conn)
        for stmt in _SCHEMA:
            conn.exec_driver_sql(stmt)
        conn.exec_driver_sql(
            "INSERT OR REPLACE INTO search_info VALUES ('version', ?), ('instance', ?), ('docs', 0), ('tokens', 0), "
            "('generation', 0)",
            (self.VERSION, uuid.uuid4().hex),
        )
        return True

    @staticmethod
    def _version(conn: Connection) -> str | None:
        exists = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'search_info'").first()
        if exists is None:
            return None
        found = conn.exec_driver_sql("SELECT value FROM search_info WHERE key = 'version'").scalar()
        return None if found is None else str(found)

    def drop(self, conn: Connection) -> None:
        for table in _TABLES:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")

    def finish_rebuild(self, conn: Connection) -> None:
        # Merge the b-trees written plan by plan into one: fewer segments to read per query.
        conn.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('optimize')")

    # -- writing --------------------------------------------------------------------------
    def stale(self, conn: Connection) -> tuple[list[int], list[int]]:
        changed = conn.exec_driver_sql(
            "SELECT p.id FROM plans p LEFT JOIN search_meta m ON m.plan_id = p.id "
            "WHERE m.plan_id IS NULL OR m.content_hash != p.content_hash OR m.ingested_at != p.ingested_at ORDER BY p.id"
        ).scalars()
        gone = conn.exec_driver_sql(
            "SELECT plan_id FROM search_meta WHERE plan_id NOT IN (SELECT id FROM plans) ORDER BY plan_id"
        ).scalars()
        return list(changed), list(gone)

    def change_token(self, conn: Connection) -> object:
        # data_version moves when another connection commits, total_changes when this one writes.
        total_changes = getattr(conn.connection.driver_connection, "total_changes", None)
        if total_changes is None:
            return None
        return int(conn.exec_driver_sql("PRAGMA data_version").scalar() or 0), int(total_changes)

    def write_plan(self, conn: Connection, info: PlanInfo, docs: Sequence[IndexDoc]) -> None:
        self.delete_plan(conn, info.id)
        rows = [_doc_row(info.id, d) for d in docs]
        if rows:
            conn.exec_driver_sql(
                "INSERT INTO search_docs VALUES (:key, :plan_id, :kind, :section, :label, :head, :body, :head_s, "
                ":body_s, :ntok)",
                rows,
            )
            _fts_write(conn, rows, delete=False)
        conn.exec_driver_sql(
            "INSERT INTO search_meta VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (info.id, info.content_hash, info.ingested_at, _now(), info.title, info.region, info.province,
             info.level, info.year, info.doc_type),
        )
        _count(conn, len(rows), sum(r["ntok"] for r in rows))

    def delete_plan(self, conn: Connection, plan_id: int) -> None:
        lo, hi = _plan_range(plan_id)
        old = conn.exec_driver_sql(
            "SELECT key, head, body, head_s, body_s, ntok FROM search_docs WHERE key BETWEEN ? AND ?", (lo, hi)
        ).mappings().all()
        if old:
            rows = [_with_tokens(dict(r)) for r in old]
            _fts_write(conn, rows, delete=True)
            conn.exec_driver_sql("DELETE FROM search_docs WHERE key BETWEEN ? AND ?", (lo, hi))
        conn.exec_driver_sql("DELETE FROM search_meta WHERE plan_id = ?", (plan_id,))
        _count(conn, -len(old), -sum(r["ntok"] for r in old))

    # -- reading --------------------------------------------------------------------------
    def stats(self, conn: Connection) -> IndexStats:
        v: dict[str, Any] = {k: v for k, v in conn.exec_driver_sql("SELECT key, value FROM search_info")}
        return IndexStats(int(v["docs"]), int(v["tokens"]), str(v["instance"]), int(v["generation"]))

    def _state(self, conn: Connection) -> str:
        stats = self.stats(conn)
        return f"{stats.instance}:{stats.generation}"

    def plans(self, conn: Connection) -> dict[int, PlanInfo]:
        key = (_db_name(conn), self._state(conn))
        found = _PLANS.get(key)
        if found is None:
            rows = conn.exec_driver_sql(
                "SELECT plan_id, title, region, province, level, year, doc_type, content_hash, ingested_at "
                "FROM search_meta"
            )
            found = _PLANS.put(key, {r[0]: PlanInfo(*r) for r in rows})
        return found

    def counts(self, conn: Connection, node: Node) -> dict[tuple[int, Kind], int]:
        # Remembered per index state: the web page runs the same query again with each facet
        # clicked, and a word in most documents costs tens of ms to count.
        query = fts_query(node)
        key = (_db_name(conn), self._state(conn), query)
        found = _COUNTS.get(key)
        return found if found is not None else _COUNTS.put(key, self._count(conn, query))

    @staticmethod
    def _count(conn: Connection, query: str) -> dict[tuple[int, Kind], int]:
        # Not GROUP BY: SQLite would sort every match (≈ 1 µs each).  The matches' (plan, kind)
        # numbers come back as one JSON array instead, counted by Counter in C.
        found = conn.exec_driver_sql(
            f"SELECT json_group_array({_PLAN_KIND}) FROM search_fts WHERE search_fts MATCH ?", (query,)
        ).scalar()
        per = Counter(orjson.loads(found or "[]"))
        return {(pk >> 2, KINDS[pk & 3]): n for pk, n in per.items()}

    def top(
        self, conn: Connection, node: Node, plan_ids: Collection[int] | None, kinds: Collection[Kind] | None,
        limit: int, offset: int,
    ) -> list[tuple[int, float]]:
        where, params = _filters(plan_ids, kinds)
        # bm25() rather than ORDER BY rank: SQLite then scores only rows that pass the filters.
        sql = (
            f"SELECT rowid & {_KEY_MASK}, {_BM25} AS score FROM search_fts "
            f"WHERE search_fts MATCH ?{where} ORDER BY score, rowid LIMIT ? OFFSET ?"
        )
        rows = conn.exec_driver_sql(sql, (fts_query(node, ranked=True), *params, limit, offset))
        return [(key, -score) for key, score in rows]  # bm25: lower is better; scores: higher is better

    def shortest(
        self, conn: Connection, node: Node, plan_ids: Collection[int] | None, kinds: Collection[Kind] | None,
        k: int, *, in_heading: bool,
    ) -> list[int]:
        query = fts_query(node)
        if in_heading:
            terms = positive_terms(node, wholes=False)
            alts = sorted({a for t in terms for v in t.variants if (a := _phrase_sql(list(v)))})
            query = f"{query} AND {{head}} : ({' OR '.join(alts)})"
        where, params = _filters(plan_ids, kinds)
        # No bm25() here: its first call reads every match of every phrase (for the idf),
        # which is what this is avoiding.  FTS5 returns rows in rowid order = shortest first.
        rows = conn.exec_driver_sql(
            f"SELECT rowid & {_KEY_MASK} FROM search_fts WHERE search_fts MATCH ?{where} ORDER BY rowid LIMIT ?",
            (query, *params, k),
        )
        return [r[0] for r in rows]

    def doc_freq(self, conn: Connection, units: tuple[Unit, ...]) -> int:
        q = _phrase_sql(list(units))
        key = (_db_name(conn), self._state(conn), q)
        found = _DOC_FREQ.get(key)
        if found is None:
            n = conn.exec_driver_sql("SELECT count(*) FROM search_fts WHERE search_fts MATCH ?", (q,)).scalar()
            found = _DOC_FREQ.put(key, int(n or 0))
        return found

    def fetch(self, conn: Connection, keys: Iterable[int]) -> dict[int, StoredDoc]:
        rows = conn.exec_driver_sql(
            "SELECT key, plan_id, kind, section, label, head, body, coalesce(head_s, head), coalesce(body_s, body), ntok "
            "FROM search_docs WHERE key IN (SELECT value FROM json_each(?))",
            (orjson.dumps(list(keys)).decode(),),
        ).all()
        return {r[0]: StoredDoc(*r) for r in rows}


# -- helpers ------------------------------------------------------------------------------
def _filters(plan_ids: Collection[int] | None, kinds: Collection[Kind] | None) -> tuple[str, list[Any]]:
    """SQL conditions on search_fts rowids for the plan and kind filters."""
    where, params = "", []
    if plan_ids is not None:
        where += f" AND ({_PLAN_KIND} >> 2) IN (SELECT value FROM json_each(?))"
        params.append(orjson.dumps(sorted(plan_ids)).decode())
    if kinds is not None:
        where += f" AND ({_PLAN_KIND} & 3) IN ({','.join(str(_KIND_CODE[k]) for k in kinds)})"
    return where, params


def _doc_row(plan_id: int, d: IndexDoc) -> dict[str, Any]:
    head_s, body_s = to_simplified(d.head), to_simplified(d.body)
    row = {
        "key": doc_key(plan_id, d.kind, d.ord), "plan_id": plan_id, "kind": d.kind, "section": d.section,
        "label": d.label, "head": d.head, "body": d.body,
        "head_s": None if head_s == d.head else head_s, "body_s": None if body_s == d.body else body_s,
    }
    return _with_tokens(row)


def _with_tokens(row: dict[str, Any]) -> dict[str, Any]:
    """Add the FTS token strings (and their count) of a search_docs row, new or stored."""
    head = row["head"] if row["head_s"] is None else row["head_s"]
    body = row["body"] if row["body_s"] is None else row["body_s"]
    row["head_tok"], row["body_tok"] = index_tokens(fold(head)), index_tokens(fold(body))
    ntok = _ntok(row["head_tok"]) + _ntok(row["body_tok"])
    if row.setdefault("ntok", ntok) != ntok:  # deleting other tokens than inserted corrupts FTS5
        raise SearchError("the search index is out of step with its documents: run a rebuild")
    return row


def _ntok(tokens: str) -> int:
    return tokens.count(" ") + 1 if tokens else 0


def _fts_write(conn: Connection, rows: Sequence[Mapping[str, Any]], *, delete: bool) -> None:
    # A contentless FTS5 table forgets a document only when told the tokens it indexed.
    cmd, col = ("'delete', ", "search_fts, ") if delete else ("", "")
    conn.exec_driver_sql(
        f"INSERT INTO search_fts({col}rowid, head, body) VALUES ({cmd}?, ?, ?)",
        [(_rowid(r["key"], r["ntok"]), r["head_tok"], r["body_tok"]) for r in rows],
    )


def _count(conn: Connection, docs: int, tokens: int) -> None:
    conn.exec_driver_sql(
        "UPDATE search_info SET value = value + CASE key WHEN 'docs' THEN ? WHEN 'tokens' THEN ? ELSE 1 END "
        "WHERE key IN ('docs', 'tokens', 'generation')",
        (docs, tokens),
    )


def _db_name(conn: Connection) -> str:
    return str(conn.engine.url.database or "")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- query compilation -------------------------------------------------------------------
def fts_query(node: Node, *, ranked: bool = False) -> str:
    """The FTS5 MATCH expression for a parsed query: only index tokens in double quotes and
    the operators AND/OR/NOT, so nothing the user typed is ever read as FTS5 syntax.

    ``ranked``: include a split run's whole text as an optional phrase.  It changes no
    match, only bm25 (the exact run ranks first); matching a 10-character phrase is costly,
    so counting leaves it out."""
    if isinstance(node, Term):
        alts = [a for a in (_phrase_sql(list(v)) for v in node.variants) if a]
        return alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")"
    if isinstance(node, Words):
        required = "(" + " AND ".join(fts_query(p, ranked=ranked) for p in node.pieces) + ")"
        return f"({required} OR {fts_query(node.whole)})" if ranked else required
    if isinstance(node, Or):
        return "(" + " OR ".join(fts_query(p, ranked=ranked) for p in node.parts) + ")"
    assert isinstance(node, And) and node.parts, "And without positive parts is dropped by the parser"
    pos = " AND ".join(fts_query(p, ranked=ranked) for p in node.parts)
    if not node.excluded:
        return f"({pos})"
    return f"(({pos}) NOT ({' OR '.join(fts_query(x) for x in node.excluded)}))"


def _phrase_sql(term_units: list[Unit]) -> str:
    p: Phrase | None = phrase(term_units)
    if p is None:
        return ""
    # Tokens are letters/digits/CJK only (tokens.UNIT_RE); doubling quotes is belt and braces.
    body = " ".join(t.replace('"', '""') for t in p.tokens)
    return f'"{body}"' + (" *" if p.prefix else "")
