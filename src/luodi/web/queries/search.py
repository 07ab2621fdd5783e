"""Search over every section, target, milestone and scenario (:func:`luodi.search.search`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from luodi.search import Filters, search
from luodi.store import Store
from luodi.web.queries import Paging

KIND_LABELS = {"section": "章节", "target": "目标", "milestone": "节点", "scenario": "场景"}


@dataclass(frozen=True)
class SearchFilters:
    region: str | None = None
    year: int | None = None
    level: str | None = None
    doc_type: str | None = None
    kind: str | None = None  # section | target | milestone | scenario
    plan: int | None = None

    def to_search(self) -> Filters:
        return Filters(
            regions=(self.region,) if self.region else (), years=(self.year,) if self.year else (),
            levels=(self.level,) if self.level else (), doc_types=(self.doc_type,) if self.doc_type else (),
            kinds=(self.kind,) if self.kind else (),  # type: ignore[arg-type]  # validated by the router
            plans=(self.plan,) if self.plan else (),
        )

    def active(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


def search_page(store: Store, q: str | None, f: SearchFilters, paging: Paging) -> dict[str, Any]:
    q = (q or "").strip()
    base = {"q": q, "filters": f.active(), "hits": [], "facets": {}, "notes": [], **paging.describe(0)}
    if not q:
        return base
    result = search(store.engine, q, f.to_search(), limit=paging.per_page, offset=paging.offset)
    selected = {k: str(v) for k, v in f.active().items()}
    facets = {
        name: [{"value": v, "count": n, "selected": selected.get(name) == v} for v, n in list(values.items())[:30]]
        for name, values in result.facets.items()
    }
    return {**base, **paging.describe(result.total), "hits": [_hit(h.to_json()) for h in result.hits],
            "facets": facets, "notes": result.notes}


def _hit(h: dict[str, Any]) -> dict[str, Any]:
    plan = h["plan"]
    anchor = f"#sec-{h['section']}" if h.get("section") else ""
    return {**h, "plan_id": plan["id"], "plan_title": plan["title"], "url": f"/plans/{plan['id']}{anchor}"}
