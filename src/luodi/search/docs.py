"""What gets indexed: a plan's sections, targets, milestones and scenarios as search documents.

Read from the store with SQLAlchemy Core, so this part is the same for every backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from sqlalchemy import Connection, select

from luodi.store.schema import plan_tables, plans, records, sections

Kind = Literal["section", "target", "milestone", "scenario"]
KINDS: tuple[Kind, ...] = ("section", "target", "milestone", "scenario")


@dataclass(frozen=True)
class PlanInfo:
    """A plan's facet attributes, and the stamp that says which version of it was indexed."""

    id: int
    title: str | None
    region: str | None
    province: str | None
    level: str | None
    year: int | None  # issued year
    doc_type: str | None
    content_hash: str
    ingested_at: str

    @cached_property
    def facets(self) -> tuple[tuple[str, str], ...]:
        """(facet, value) pairs this plan counts under.  Region: its region and its province,
        as the region filter matches both, so each count is what filtering by it returns."""
        pairs = [("region", r) for r in dict.fromkeys((self.region, self.province)) if r]
        pairs += [(f, str(v)) for f, v in (("level", self.level), ("year", self.year), ("doc_type", self.doc_type)) if v]
        return tuple(pairs)


@dataclass(frozen=True)
class IndexDoc:
    kind: Kind
    ord: int  # position among the plan's documents of this kind
    section: str | None  # the section id to link to
    label: str | None  # 一、 / （三） for sections, the year of a target, the seq of a scenario
    head: str  # heading / name: weighs more in ranking
    body: str


_PLAN_COLUMNS = (
    plans.c.id, plans.c.title, plans.c.region, plans.c.province, plans.c.level, plans.c.issued,
    plans.c.doc_type, plans.c.content_hash, plans.c.ingested_at,
)


def plan_info(row: Any) -> PlanInfo:
    issued = row.issued or ""
    return PlanInfo(
        id=row.id, title=row.title, region=row.region, province=row.province, level=row.level,
        year=int(issued[:4]) if issued[:4].isdigit() else None, doc_type=row.doc_type,
        content_hash=row.content_hash, ingested_at=row.ingested_at,
    )


def load_plan(conn: Connection, plan_id: int) -> tuple[PlanInfo, list[IndexDoc]] | None:
    """The plan's facet attributes and search documents; None when the plan is gone."""
    row = conn.execute(select(*_PLAN_COLUMNS, plans.c.text).where(plans.c.id == plan_id)).first()
    if row is None:
        return None
    secs = conn.execute(select(sections).where(sections.c.plan_id == plan_id).order_by(sections.c.ord)).mappings()
    recs = conn.execute(
        select(records).where(records.c.plan_id == plan_id, records.c.kind.in_(("target", "milestone", "scenario")))
        .order_by(records.c.kind, records.c.ord)
    ).mappings()
    tables = conn.execute(select(plan_tables.c.title, plan_tables.c.section).where(plan_tables.c.plan_id == plan_id))
    table_section = {t.title: t.section for t in tables if t.title}
    docs = [_section_doc(s, row.text) for s in secs]
    docs += [_record_doc(r["kind"], r["ord"], r["data"], table_section) for r in recs]
    return plan_info(row), [d for d in docs if d.head.strip() or d.body.strip()]


def _section_doc(s: Any, text: str) -> IndexDoc:
    return IndexDoc(
        kind="section", ord=s["ord"], section=s["sid"], label=s["label"], head=s["heading"] or "",
        body=text[s["text_start"] : s["text_end"]].strip(),
    )


def _record_doc(kind: Kind, ord_: int, data: dict[str, Any], table_section: dict[str, str | None]) -> IndexDoc:
    if kind == "scenario":
        units = "、".join(str(u) for u in data.get("units") or [])
        return IndexDoc(
            kind=kind, ord=ord_, section=table_section.get(data.get("table") or ""),
            label=_str(data.get("seq")), head=_str(data.get("name")) or "",
            body=" ".join(x for x in (_str(data.get("domain")), units) if x),
        )
    head = data.get("metric") if kind == "target" else data.get("action")
    return IndexDoc(
        kind=kind, ord=ord_, section=_str(data.get("section")), label=_str(data.get("year")),
        head=_str(head) or "", body=_str(data.get("quote")) or "",
    )


def _str(value: Any) -> str | None:
    return None if value is None else str(value)
