"""The plan catalog: every plan's summary in memory, for the plan list, its facets and search.

Listing plans with five facets means grouping the whole ``plans`` table five ways, and each
scan reads every plan's first page (its text starts there) — tens of milliseconds for a
thousand plans, on every request.  The summaries are small, so the catalog reads them once
and filters, counts and pages them in Python, and reads them again only when the store's
stamp (:class:`~luodi.web.cache.StoreStamp`) says something was written.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from luodi.store import Store
from luodi.store.schema import plans

MEMO_SIZE = 512
_COLUMNS = (
    plans.c.id, plans.c.title, plans.c.notice_title, plans.c.doc_number, plans.c.issuers, plans.c.issued,
    plans.c.published, plans.c.region, plans.c.province, plans.c.level, plans.c.doc_type, plans.c.period_start,
    plans.c.period_end, plans.c.n_sections, plans.c.source, plans.c.content_hash, plans.c.ingested_at,
)


@dataclass(frozen=True)
class Entry:
    summary: dict[str, Any]  # what the list shows and the API returns
    year: str | None
    haystack: str  # title, notice title, number, issuers, region: what ``q`` searches (casefolded)
    version: str  # content hash and ingest time: a cached page of the plan depends on these
    title: str  # the title, else the source


def _entry(r: Any) -> Entry:
    start, end = r.period_start, r.period_end
    summary = {
        "id": r.id, "title": r.title, "notice_title": r.notice_title, "doc_number": r.doc_number,
        "issuers": list(r.issuers), "issued": r.issued, "published": r.published, "region": r.region,
        "province": r.province, "level": r.level, "doc_type": r.doc_type,
        "period": {"start": start, "end": end} if start is not None and end is not None else None,
        "n_sections": r.n_sections, "url": f"/plans/{r.id}", "api_url": f"/api/plans/{r.id}",
    }
    words = [r.title, r.notice_title, r.doc_number, r.region, *r.issuers]
    return Entry(summary, r.issued[:4] if r.issued else None, "\n".join(w for w in words if w).casefold(),
                 f"{r.content_hash}:{r.ingested_at}", r.title or r.source)


class Catalog:
    def __init__(self, entries: Iterable[Entry], generation: int = 0) -> None:
        self.generation = generation  # tells cached pages built from an older catalog apart
        # Newest first, undated last, then by id (descending): the list's order.
        self.entries = sorted(entries, key=lambda e: (e.summary["issued"] or "", e.summary["id"]), reverse=True)
        self.entries.sort(key=lambda e: e.summary["issued"] is None)
        self.by_id = {e.summary["id"]: e for e in self.entries}
        # A catalog never changes, so a selection and its facet counts can be kept: most
        # requests ask for one of a few (the whole list, one region, one year…).
        self._memo: dict[tuple[Any, ...], tuple[list[Entry], dict[str, Counter[str]]]] = {}
        self._memo_lock = threading.Lock()

    def query(self, *, q: str | None = None, region: str | None = None, level: str | None = None,
              year: int | None = None, issuer: str | None = None,
              doc_type: str | None = None) -> tuple[list[Entry], dict[str, Counter[str]]]:
        """The matching entries, in list order, and their counts per facet value."""
        key = (q, region, level, year, issuer, doc_type)
        found = self._memo.get(key)
        if found is None:
            chosen = self.select(q=q, region=region, level=level, year=year, issuer=issuer, doc_type=doc_type)
            found = (chosen, self.counts(chosen))
            with self._memo_lock:
                if len(self._memo) >= MEMO_SIZE:  # free-text queries vary without end: start over
                    self._memo.clear()
                self._memo[key] = found
        return found

    def select(self, *, q: str | None = None, region: str | None = None, level: str | None = None,
               year: int | None = None, issuer: str | None = None, doc_type: str | None = None) -> list[Entry]:
        needle = q.strip().casefold() if q else ""
        wanted_year = f"{year:04d}" if year is not None else None
        out = []
        for e in self.entries:
            s = e.summary
            if (region and s["region"] != region) or (level and s["level"] != level) or (
                    doc_type and s["doc_type"] != doc_type) or (wanted_year and e.year != wanted_year):
                continue
            if (issuer and issuer not in s["issuers"]) or (needle and needle not in e.haystack):
                continue
            out.append(e)
        return out

    @staticmethod
    def counts(entries: Iterable[Entry]) -> dict[str, Counter[str]]:
        counts: dict[str, Counter[str]] = {k: Counter() for k in ("region", "level", "year", "issuer", "doc_type")}
        for e in entries:
            s = e.summary
            for key, value in (("region", s["region"]), ("level", s["level"]), ("doc_type", s["doc_type"]), ("year", e.year)):
                if value is not None:
                    counts[key][value] += 1
            counts["issuer"].update(set(s["issuers"]))
        return counts


def load_catalog(store: Store, generation: int = 0) -> Catalog:
    with store.engine.connect() as conn:
        return Catalog((_entry(r) for r in conn.execute(select(*_COLUMNS))), generation)


class CatalogCache:
    """The catalog of the store as of its current stamp; rebuilt (once, under a lock) after writes."""

    def __init__(self, store: Store, stamp: Callable[[], Hashable]) -> None:
        self.store = store
        self.stamp = stamp
        self._lock = threading.Lock()
        self._current: tuple[Hashable, Catalog] | None = None
        self._generations = itertools.count(1)

    def fresh(self) -> Catalog | None:
        """The catalog if it is current, without reading the store (None: call :meth:`get`)."""
        current = self._current
        return current[1] if current is not None and current[0] == self.stamp() else None

    def get(self) -> Catalog:
        stamp = self.stamp()
        current = self._current
        if current is not None and current[0] == stamp:
            return current[1]
        with self._lock:
            current = self._current
            if current is None or current[0] != stamp:
                # Stamp first, then read: a write landing during the read makes the next call re-read.
                current = (stamp, load_catalog(self.store, next(self._generations)))
                self._current = current
        return current[1]
