"""Plans: the faceted list and one plan's page (metadata, outline, highlighted text, source)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from luodi.document import Document, Section
from luodi.store import Store
from luodi.web.catalog import Catalog
from luodi.web.errors import NotFoundError
from luodi.web.highlight import Mark, MarkIndex, SourceToClean, anchors, weave
from luodi.web.queries import Paging

FACETS = ("region", "level", "year", "issuer", "doc_type")
ENTITY_LABELS = {"enterprise": "企业", "university": "高校", "institute": "科研机构", "park": "园区", "place": "地名",
                 "technology": "技术"}
KIND_LABELS = {"notice": "通知", "preamble": "前言", "annex": "附件"}
MAX_FACET_VALUES = 30


@dataclass(frozen=True)
class PlanFilters:
    q: str | None = None
    region: str | None = None
    level: str | None = None
    year: int | None = None
    issuer: str | None = None
    doc_type: str | None = None

    def active(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


def plan_list(catalog: Catalog, f: PlanFilters, paging: Paging) -> dict[str, Any]:
    """A page of plans matching the filters, with facet counts within the selection."""
    chosen, counts = catalog.query(q=f.q, region=f.region, level=f.level, year=f.year, issuer=f.issuer,
                                   doc_type=f.doc_type)
    page = chosen[paging.offset : paging.offset + paging.per_page]
    return {"plans": [e.summary for e in page], **paging.describe(len(chosen)), "facets": _facets(counts, f),
            "filters": f.active()}


def _facets(counts: dict[str, Counter[str]], f: PlanFilters) -> dict[str, list[dict[str, Any]]]:
    selected = f.active()
    out: dict[str, list[dict[str, Any]]] = {}
    for name in FACETS:
        items = counts[name].most_common(MAX_FACET_VALUES) if name != "year" else sorted(counts[name].items(), reverse=True)
        out[name] = [{"value": v, "count": n, "selected": str(selected.get(name, "")) == v} for v, n in items]
    return out


# -- one plan ----------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanHead:
    version: str  # what a cached page of the plan depends on: changes when it is re-ingested
    title: str


def plan_head(catalog: Catalog, plan_id: int) -> PlanHead:
    """Does the plan exist (else 404), its version and its title: from the catalog, no query."""
    entry = catalog.by_id.get(plan_id)
    if entry is None:
        raise NotFoundError(f"plan not found: {plan_id}")
    return PlanHead(entry.version, entry.title)


@dataclass(frozen=True)
class Links:
    """Where highlights lead: tracking items when tracking is installed, else in-page anchors."""

    tracking: bool = False

    def record(self, plan_id: int, kind: str, ordinal: int) -> str:
        if self.tracking:
            return f"/tracking/goto?plan={plan_id}&kind={kind}&n={ordinal}"
        return f"#{kind}-{ordinal}"

    def task(self, plan_id: int, section: str) -> str | None:
        return f"/tracking/goto?plan={plan_id}&kind=task&section={quote(section)}" if self.tracking else None

    def unit(self, unit: str) -> str:
        return f"/tracking/units?unit={quote(unit)}" if self.tracking else f"/search?q={quote(unit)}"


def plan_page(store: Store, plan_id: int, links: Links) -> dict[str, Any]:
    """Call after :func:`plan_head` (which 404s): the store would read a missing id as a hash prefix."""
    doc = store.load_document(plan_id)
    to_clean = SourceToClean(doc.mapped.runs)
    outer = MarkIndex(_record_marks(doc, to_clean, plan_id, links))
    inner = MarkIndex(_entity_marks(doc, to_clean))
    sections = [_section_view(doc, s, outer, inner, plan_id, links) for s in doc.sections]
    return {
        "id": plan_id,
        "meta": _meta(doc),
        "outline": [{"id": s.id, "label": s.label, "heading": s.heading or KIND_LABELS.get(s.kind), "level": s.level,
                     "kind": s.kind} for s in doc.sections],
        "sections": sections,
        "source_html": _source_html(doc),
        "targets": [dict(t, n=i) for i, t in enumerate(doc.targets)],
        "milestones": [dict(m, n=i) for i, m in enumerate(doc.milestones)],
        "scenarios": doc.scenarios,
        "tables": [{"title": t.title, "header": t.header, "rows": t.rows, "truncated": t.truncated} for t in doc.tables],
        "entity_counts": _entity_counts(doc),
        "warnings": doc.warnings,
    }


def _entity_counts(doc: Document) -> list[tuple[str, int]]:
    counts = Counter(str(e.get("type", "")) for e in doc.entities)
    return [(ENTITY_LABELS.get(t, t), n) for t, n in counts.most_common()]


def _meta(doc: Document) -> dict[str, Any]:
    m = doc.meta
    url = m.url if m.url and m.url.startswith(("http://", "https://")) else None  # never a javascript: link
    return {
        "title": m.title or doc.raw.title_hint or doc.raw.source, "notice_title": m.notice_title, "doc_number": m.doc_number,
        "issuers": m.issuers, "issued": m.issued, "published": m.published, "region": m.region, "province": m.province,
        "level": m.level, "period": f"{m.period.start}–{m.period.end}" if m.period else None, "doc_type": m.doc_type,
        "index_no": m.index_no, "url": url, "source": _source_name(doc.raw.source), "format": doc.raw.format, "script": m.script,
        "fields": m.fields,
    }


def _source_name(source: str) -> str:
    """A stored file's name, not its path on the server (visitors need not see the file system)."""
    if source.startswith(("http://", "https://")):
        return source
    return source.replace("\\", "/").rsplit("/", 1)[-1]


def _record_marks(doc: Document, to_clean: SourceToClean, plan_id: int, links: Links) -> list[Mark]:
    marks: list[Mark] = []
    for kind, records in (("target", doc.targets), ("milestone", doc.milestones)):
        for i, rec in enumerate(records):
            span = _clean_span(to_clean, rec)
            if span is None:
                continue
            cls = "baseline" if rec.get("kind") == "baseline" else kind
            href, title = links.record(plan_id, kind, i), _record_title(kind, rec)
            marks.append(Mark(span[0], span[1], cls, href, title, f"{kind}-{i}-text"))
    return sorted(marks, key=lambda m: m.start)


def _record_title(kind: str, rec: dict[str, Any]) -> str:
    if kind == "milestone":
        return " ".join(str(x) for x in (rec.get("deadline") or rec.get("year"), rec.get("action")) if x)
    value = rec.get("value")
    rng = f"{value}–{rec['value_max']}" if rec.get("value_max") is not None else f"{value}"
    return f"{rec.get('metric') or ''}: {rec.get('qualifier') or ''}{rng}{rec.get('unit') or ''} ({rec.get('year') or '—'})"


def _entity_marks(doc: Document, to_clean: SourceToClean) -> list[Mark]:
    marks = []
    for e in doc.entities:
        span = _clean_span(to_clean, e)
        if span is not None:
            name = str(e.get("name", ""))
            marks.append(Mark(span[0], span[1], "entity", _search_href(name), f"{name} ({e.get('type', '')})"))
    return marks


@lru_cache(maxsize=4096)
def _search_href(name: str) -> str:
    return f"/search?q={quote(name)}"


def _clean_span(to_clean: SourceToClean, rec: dict[str, Any]) -> tuple[int, int] | None:
    span = rec.get("span")
    if not (isinstance(span, list | tuple) and len(span) == 2 and all(isinstance(x, int) for x in span)):
        return None
    return to_clean.span(span[0], span[1])


def _section_view(doc: Document, s: Section, outer: MarkIndex, inner: MarkIndex, plan_id: int, links: Links) -> dict[str, Any]:
    start, end = _stripped(doc.text, s.text_start, s.text_end)
    text = doc.text[start:end]
    unit_marks = _unit_marks(text, start, s, links)
    body = weave(text, outer.within(start, end), unit_marks + inner.within(start, end), offset=start)
    units = s.lead_units + s.units
    return {
        "id": s.id, "label": s.label, "heading": s.heading, "level": s.level, "kind": s.kind, "html": body,
        "lead_units": s.lead_units, "units": s.units, "lead_units_canonical": s.lead_units_canonical,
        "units_canonical": s.units_canonical, "task_href": links.task(plan_id, s.id) if units else None,
    }


def _stripped(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _unit_marks(text: str, offset: int, s: Section, links: Links) -> list[Mark]:
    """Each written unit of the section, where it stands in the section's own text."""
    marks = []
    for cls, names in (("lead", s.lead_units), ("unit", s.units)):
        for name in names:
            at = text.rfind(name)  # units close the section: the last mention is the assignment
            if name and at >= 0:
                marks.append(Mark(offset + at, offset + at + len(name), cls, links.unit(name), name))
    return marks


def _source_html(doc: Document) -> Any:
    points = []
    for s in doc.sections:
        points.append((doc.source_span(s.start, s.end)[0], f"src-{s.id}"))
    marks = []
    for kind, records in (("target", doc.targets), ("milestone", doc.milestones)):
        for i, rec in enumerate(records):
            span = rec.get("span")
            if isinstance(span, list) and len(span) == 2:
                marks.append(Mark(int(span[0]), int(span[1]), kind, anchor=f"src-{kind}-{i}"))
    return anchors(doc.raw.text, points, sorted(marks, key=lambda m: m.start))
