"""Document ⇄ table rows, without touching the database.

The row layout is described in :mod:`luodi.store.schema`.  Decoding builds a full
:class:`~luodi.document.Document` again, so ``Document.to_json()`` of a stored plan is
computed by the same code as for a fresh one and cannot drift from the contract.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from typing import Any

from luodi.clean.mapped import MappedText
from luodi.document import Document, Metadata, Period, RawDocument, Section, Table
from luodi.extract.units import canonical_units
from luodi.store.schema import RECORD_KINDS

# Mapping[Any, …]: SQLAlchemy's RowMapping is keyed by names *or* columns.
Row = Mapping[Any, Any]


# -- encoding ----------------------------------------------------------------------------
def plan_row(doc: Document, source: str, ingested_at: str) -> dict[str, Any]:
    raw, m = doc.raw, doc.meta
    return {
        "source": source,
        "content_hash": raw.content_hash,
        "format": raw.format,
        "encoding": raw.encoding,
        "size": raw.size,
        "title_hint": raw.title_hint,
        "title": m.title,
        "notice_title": m.notice_title,
        "doc_number": m.doc_number,
        "issuers": list(m.issuers),
        "issued": m.issued,
        "published": m.published,
        "region": m.region,
        "province": m.province,
        "level": m.level,
        "period_start": m.period.start if m.period else None,
        "period_end": m.period.end if m.period else None,
        "script": m.script,
        "doc_type": m.doc_type,
        "url": m.url,
        "index_no": m.index_no,
        "fields": dict(m.fields),
        "body_start": doc.body_start,
        "warnings": list(doc.warnings),
        "n_sections": len(doc.sections),
        "ingested_at": ingested_at,
        "text": doc.text,
        "raw_z": compress_raw(raw.text, doc.text),
        "runs": [list(run) for run in doc.mapped.runs],
    }


def compress_raw(raw_text: str, clean_text: str) -> bytes | None:
    # When cleaning changed nothing the clean text already is the raw text: store it once.
    if raw_text == clean_text:
        return None
    # Level 1: three times faster than the default for ~10% more bytes; the raw text is
    # read rarely (provenance, re-extraction), while every ingest pays for compressing it.
    return zlib.compress(raw_text.encode("utf-8"), 1)


def section_rows(plan_id: int, sections: Iterable[Section]) -> list[dict[str, Any]]:
    return [
        {
            "plan_id": plan_id,
            "ord": i,
            "sid": s.id,
            "parent": s.parent,
            "label": s.label,
            "heading": s.heading,
            "level": s.level,
            "kind": s.kind,
            "start": s.start,
            "text_start": s.text_start,
            "text_end": s.text_end,
            "end": s.end,
            "lead_units": list(s.lead_units),
            "units": list(s.units),
        }
        for i, s in enumerate(sections)
    ]


def table_rows(plan_id: int, tables: Iterable[Table]) -> list[dict[str, Any]]:
    return [
        {
            "plan_id": plan_id,
            "ord": i,
            "title": t.title,
            "header": t.header,
            "rows": t.rows,
            "section": t.section,
            "start": t.start,
            "end": t.end,
            "truncated": t.truncated,
        }
        for i, t in enumerate(tables)
    ]


def record_rows(plan_id: int, doc: Document) -> list[dict[str, Any]]:
    return [
        {"plan_id": plan_id, "kind": kind, "ord": i, "data": data}
        for kind, attr in RECORD_KINDS.items()
        for i, data in enumerate(getattr(doc, attr))
    ]


# -- decoding ----------------------------------------------------------------------------
def document_from_rows(plan: Row, sections: Iterable[Row], tables: Iterable[Row], records: Iterable[Row]) -> Document:
    """Rebuild the Document; child rows must come ordered by ``ord`` (records by kind, ord)."""
    text: str = plan["text"]
    raw_text = text if plan["raw_z"] is None else zlib.decompress(plan["raw_z"]).decode("utf-8")
    doc = Document(
        raw=RawDocument(
            source=plan["source"],
            format=plan["format"],
            text=raw_text,
            content_hash=plan["content_hash"],
            encoding=plan["encoding"],
            size=plan["size"],
            title_hint=plan["title_hint"],
        ),
        mapped=MappedText(text, tuple((r[0], r[1], r[2], r[3]) for r in plan["runs"])),
        meta=_metadata(plan),
        body_start=plan["body_start"],
        sections=[_section(r) for r in sections],
        tables=[_table(r) for r in tables],
        warnings=list(plan["warnings"]),
    )
    for r in records:
        getattr(doc, RECORD_KINDS[r["kind"]]).append(r["data"])
    # Entity mentions are not stored: they are derived from the text on every load.
    from luodi.parse import derive_on_read

    derive_on_read(doc)
    for sec in doc.sections:  # canonical names are derived, so registry updates apply on read
        if sec.lead_units or sec.units:
            sec.lead_units_canonical = canonical_units(sec.lead_units, doc.meta)
            sec.units_canonical = canonical_units(sec.units, doc.meta)
    return doc


def period(plan: Row) -> Period | None:
    start, end = plan["period_start"], plan["period_end"]
    return Period(start, end) if start is not None and end is not None else None


def _metadata(plan: Row) -> Metadata:
    return Metadata(
        title=plan["title"],
        notice_title=plan["notice_title"],
        doc_number=plan["doc_number"],
        issuers=list(plan["issuers"]),
        issued=plan["issued"],
        published=plan["published"],
        region=plan["region"],
        province=plan["province"],
        level=plan["level"],
        period=period(plan),
        script=plan["script"],
        doc_type=plan["doc_type"],
        url=plan["url"],
        index_no=plan["index_no"],
        fields=dict(plan["fields"]),
    )


def _section(r: Row) -> Section:
    return Section(
        id=r["sid"],
        parent=r["parent"],
        label=r["label"],
        heading=r["heading"],
        level=r["level"],
        start=r["start"],
        text_start=r["text_start"],
        text_end=r["text_end"],
        end=r["end"],
        kind=r["kind"],
        lead_units=list(r["lead_units"]),
        units=list(r["units"]),
    )


def _table(r: Row) -> Table:
    return Table(
        title=r["title"],
        header=list(r["header"]),
        rows=[list(row) for row in r["rows"]],
        start=r["start"],
        end=r["end"],
        section=r["section"],
        truncated=bool(r["truncated"]),
    )
