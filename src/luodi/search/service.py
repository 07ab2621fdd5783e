"""Search: parse the query, count matches per plan and kind for the facets, rank, snippet.

Ranking very common queries
---------------------------
FTS5 computes bm25 at about 1.5 µs a match, and its first call reads every match of each
phrase (for the idf): fine for a few thousand, 120 ms for 人工智能, which matches 80 % of
100,000 sections.  Above :data:`RANK_ALL` matches (counted before filters, since the idf
reads them all anyway) only *candidates* are scored: the shortest matching documents with
a query word in their heading, and the shortest matching documents of all, a hundred or
so of each.  The index hands them out shortest first and stops reading there (documents
are stored in order of length, see ``backend._rowid``), and they are scored with FTS5's
bm25 formula (:mod:`luodi.search.rank`), so the order among them is the full ranking's.
bm25 prefers heading matches (weight 10) and short documents, so the best documents are
among them; what is given up: a long document whose words occur many times can rank lower
than full scoring would put it.  When the filters leave fewer matches than candidates are
read, all of them are scored and the ranking is exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from luodi.search import index, rank
from luodi.search.backend import (
    BODY_WEIGHT,
    HEAD_WEIGHT,
    KIND_WEIGHT,
    SearchBackend,
    SearchError,
    StoredDoc,
    backend_for,
    one_line,
)
from luodi.search.docs import KINDS, Kind, PlanInfo
from luodi.search.memo import Memo
from luodi.search.query import Node, ParsedQuery, Term, parse, positive_terms
from luodi.search.snippets import Span, marks, snippet, to_html
from luodi.search.tokens import fold
from luodi.text import to_simplified

FACETS = ("kind", "region", "level", "year", "doc_type")
MAX_LIMIT = 200
MAX_OFFSET = 10_000  # deeper pages cost more and more to rank; nobody reads that far
RANK_ALL = 1500  # up to this many matches, every one is scored by FTS5 (≈ 3 ms)
CANDIDATES = 100  # candidates of each kind scored above that (at least 2 × offset + limit)


@dataclass(frozen=True)
class Filters:
    """Restrictions on the results; each field ORs its values, fields are ANDed.

    ``regions`` matches a plan's region or its province (广东省 includes 深圳市's plans),
    with or without the 省/市 suffix; ``years`` the year the plan was issued.
    """

    regions: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    levels: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    kinds: tuple[Kind, ...] = ()
    plans: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        bad = [k for k in self.kinds if k not in KINDS]
        if bad:
            raise SearchError(f"unknown kind {bad[0]!r}: use one of {', '.join(KINDS)}")

    @property
    def on_plans(self) -> bool:
        return bool(self.regions or self.years or self.levels or self.doc_types or self.plans)

    def admits(self, p: PlanInfo) -> bool:
        return (
            (not self.plans or p.id in self.plans)
            and (not self.regions or any(_region_is(p, r) for r in self.regions))
            and (not self.years or p.year in self.years)
            and (not self.levels or p.level in self.levels)
            and (not self.doc_types or p.doc_type in self.doc_types)
        )


_SUFFIX = re.compile(r"(省|市|自治区|特别行政区)$")


@cache
def _region_name(name: str) -> str:
    """广东省, 廣東, 广东 → 广东: a region as the filter compares it."""
    return _SUFFIX.sub("", to_simplified(name.strip()))


def _region_is(p: PlanInfo, wanted: str) -> bool:
    w = _region_name(wanted)
    return any(name and _region_name(name) == w for name in (p.region, p.province))


@dataclass(frozen=True)
class Hit:
    kind: Kind
    key: int  # stable within an index version; not meant for users
    score: float
    plan: PlanInfo
    section: str | None  # section id to link to (for a target or milestone: the one it is in)
    label: str | None
    title: str  # heading / scenario name / target metric, in the document's script
    title_marks: list[Span]
    snippet: str  # in the document's script
    marks: list[Span]  # spans of matches in ``snippet``

    def to_json(self) -> dict[str, Any]:
        p = self.plan
        return {
            "kind": self.kind,
            "score": round(self.score, 4),
            "plan": {"id": p.id, "title": p.title, "region": p.region, "level": p.level, "year": p.year,
                     "doc_type": p.doc_type},
            "section": self.section,
            "label": self.label,
            "title": self.title,
            "title_marks": [list(s) for s in self.title_marks],
            "title_html": to_html(self.title, self.title_marks),
            "snippet": self.snippet,
            "marks": [list(s) for s in self.marks],
            "snippet_html": to_html(self.snippet, self.marks),
        }


@dataclass
class SearchResult:
    query: str
    total: int
    facets: dict[str, dict[str, int]]
    hits: list[Hit]
    limit: int
    offset: int
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query, "total": self.total, "limit": self.limit, "offset": self.offset,
            "facets": self.facets, "results": [h.to_json() for h in self.hits], "notes": self.notes,
        }


def search(
    engine: Engine, query: str, filters: Filters | None = None, *, limit: int = 20, offset: int = 0,
    refresh: bool = True,
) -> SearchResult:
    """Search the plans stored behind ``engine``; ``refresh`` first indexes what changed."""
    filters = filters or Filters()
    limit, offset = max(0, min(limit, MAX_LIMIT)), max(0, min(offset, MAX_OFFSET))
    parsed = parse(query)
    result = SearchResult(query, 0, {f: {} for f in FACETS}, [], limit, offset, parsed.notes)
    if refresh:
        try:
            index.refresh(engine)
        except SearchError as exc:  # e.g. a read-only store: search what is indexed
            result.notes.append(f"the index may be out of date: {exc}")
    if parsed.node is None:
        return result
    backend = backend_for(engine)
    try:
        with engine.connect() as conn:
            if not backend.current(conn):
                result.notes.append("the search index has not been built yet")
                return result
            _run(backend, conn, parsed, filters, result)
    except SQLAlchemyError as exc:
        raise SearchError(f"search failed: {one_line(exc)}") from exc
    return result


def _run(backend: SearchBackend, conn: Connection, parsed: ParsedQuery, filters: Filters, result: SearchResult) -> None:
    node = parsed.node
    assert node is not None
    plans = backend.plans(conn)
    counts = backend.counts(conn, node)
    plan_ids = _admitted(plans, filters) if filters.on_plans else None
    kinds = filters.kinds or None
    kept = counts
    if plan_ids is not None or kinds is not None:
        kept = {(p, k): n for (p, k), n in counts.items() if (plan_ids is None or p in plan_ids) and (not kinds or k in kinds)}
    result.total, result.facets = sum(kept.values()), _facets(kept, plans)
    if result.total and result.limit:
        ranked, docs = _rank(backend, conn, node, plan_ids, kinds, result, sum(counts.values()))
        pattern = parsed.highlighter()
        result.hits = [_hit(docs[k], score, plans[docs[k].plan_id], pattern) for k, score in ranked if k in docs]


def _rank(
    backend: SearchBackend, conn: Connection, node: Node, plan_ids: frozenset[int] | None, kinds: tuple[Kind, ...] | None,
    result: SearchResult, unfiltered: int,
) -> tuple[list[tuple[int, float]], dict[int, StoredDoc]]:
    """The page of results, best first, and their documents."""
    # Decided on the unfiltered count: FTS5's bm25 reads every match of each phrase for its
    # idf, however few matches the filters leave.
    if unfiltered > RANK_ALL:
        need = result.offset + result.limit
        ranked, docs = _rank_common(backend, conn, node, plan_ids, kinds, need, unfiltered)
        return ranked[result.offset : need], docs
    ranked = backend.top(conn, node, plan_ids, kinds, result.limit, result.offset)
    return ranked, backend.fetch(conn, (key for key, _ in ranked))


# Derived from the backend's plans dict, which stays the same object until the index
# changes: keyed by its id(), holding it so that id cannot be reused meanwhile.
_ADMITTED: Memo[tuple[int, Filters], tuple[dict[int, PlanInfo], frozenset[int]]] = Memo(256)
_GROUPS: Memo[int, tuple[dict[int, PlanInfo], dict[int, int], list[tuple[tuple[str, str], ...]]]] = Memo(4)


def _admitted(plans: dict[int, PlanInfo], filters: Filters) -> frozenset[int]:
    """Plans passing the plan filters, remembered while the plans are the same: a web page
    asks with the same filters again and again, and checking thousands of plans costs ms."""
    found = _ADMITTED.get((id(plans), filters))
    if found is None or found[0] is not plans:
        allowed = frozenset(p for p, info in plans.items() if filters.admits(info))
        found = _ADMITTED.put((id(plans), filters), (plans, allowed))
    return found[1]


def _rank_common(
    backend: SearchBackend, conn: Connection, node: Node, plan_ids: frozenset[int] | None, kinds: tuple[Kind, ...] | None,
    need: int, unfiltered: int,
) -> tuple[list[tuple[int, float]], dict[int, StoredDoc]]:
    """The best ``need`` of the candidates (see the module docstring), scored by :mod:`rank`."""
    k = max(CANDIDATES, 2 * need)
    keys = dict.fromkeys(backend.shortest(conn, node, plan_ids, kinds, k, in_heading=True))
    keys.update(dict.fromkeys(backend.shortest(conn, node, plan_ids, kinds, k, in_heading=False)))
    docs = backend.fetch(conn, keys)
    phrases = rank.phrases(node)
    required = positive_terms(node, wholes=False)
    boosts = {v for t in positive_terms(node) if t not in required for v in t.variants}
    # A one-word query: its document frequency is the number of matches, counted already.
    # The whole of a split run is taken as rare (df 1) rather than counted: counting a
    # ten-character phrase costs more than the rest of the search.
    one_word = isinstance(node, Term) and len(phrases) == 1
    dfs = [unfiltered] if one_word else [1 if p in boosts else backend.doc_freq(conn, p) for p in phrases]
    stats = backend.stats(conn)
    scorer = rank.Scorer.build(phrases, dfs, stats.docs, stats.tokens, (HEAD_WEIGHT, BODY_WEIGHT))
    scored = [
        (key, KIND_WEIGHT[d.kind] * scorer.score(fold(d.head_s), fold(d.body_s), d.ntok)) for key, d in docs.items()
    ]
    return sorted(scored, key=lambda ks: (-ks[1], ks[0]))[:need], docs


def _facets(kept: dict[tuple[int, Kind], int], plans: dict[int, PlanInfo]) -> dict[str, dict[str, int]]:
    # This runs over every matching plan, thousands for a common word: plans with the same
    # facet values are summed first, then each group's values counted once.
    group_of, groups = _facet_groups(plans)
    per_group: dict[int, int] = {}
    counts: dict[tuple[str, str], int] = {}
    for (plan_id, kind), n in kept.items():
        g = group_of.get(plan_id, -1)
        per_group[g] = per_group.get(g, 0) + n
        counts["kind", kind] = counts.get(("kind", kind), 0) + n
    for g, n in per_group.items():
        for pair in groups[g] if g >= 0 else ():
            counts[pair] = counts.get(pair, 0) + n
    out: dict[str, dict[str, int]] = {f: {} for f in FACETS}
    for (facet, value), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][1])):
        out[facet][value] = n
    return out


def _facet_groups(plans: dict[int, PlanInfo]) -> tuple[dict[int, int], list[tuple[tuple[str, str], ...]]]:
    """Plan id → group number, and each group's (facet, value) pairs; kept per plans dict."""
    found = _GROUPS.get(id(plans))
    if found is None or found[0] is not plans:
        number: dict[tuple[tuple[str, str], ...], int] = {}
        group_of = {p: number.setdefault(info.facets, len(number)) for p, info in plans.items()}
        found = _GROUPS.put(id(plans), (plans, group_of, list(number)))
    return found[1], found[2]


def _hit(doc: StoredDoc, score: float, plan: PlanInfo, pattern: re.Pattern[str] | None) -> Hit:
    text, spans = snippet(doc.body, doc.body_s, pattern)
    return Hit(
        kind=doc.kind, key=doc.key, score=score, plan=plan, section=doc.section, label=doc.label,
        title=doc.head, title_marks=marks(doc.head_s, pattern), snippet=text, marks=spans,
    )


def parse_years(values: Iterable[str]) -> tuple[int, ...]:
    """``2019`` or ``2019-2021`` (also 2019–2021, 2019..2021) → the years; raises SearchError."""
    years: list[int] = []
    for v in values:
        m = re.fullmatch(r"\s*(\d{4})\s*(?:(?:-|–|—|~|\.\.)\s*(\d{4}))?\s*", v)
        if not m:
            raise SearchError(f"bad year {v!r}: give 2019 or a range 2019-2021")
        lo, hi = int(m[1]), int(m[2] or m[1])
        if hi < lo or hi - lo > 200:
            raise SearchError(f"bad year range {v!r}")
        years.extend(range(lo, hi + 1))
    return tuple(years)
