"""The document model: one object that every pipeline stage reads and enriches.

A reader turns a file into a :class:`RawDocument` (plain text in which headings may be
Markdown ``#`` lines and tables tab-separated rows).  Cleaning turns that into a
:class:`Document` whose ``text`` is clean and whose ``mapped`` keeps every clean offset
tied to ``raw.text``.  Extractors then fill ``meta``, ``sections``, ``tables`` and the
record lists.  :meth:`Document.to_json` is the public contract ``luodi/document@1``
(see docs/json-contract.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from luodi.clean.mapped import MappedText

SCHEMA = "luodi/document@1"


@dataclass
class RawDocument:
    """What a reader hands over: decoded text plus where it came from."""

    source: str  # path as given, or URL
    format: str  # text | markdown | html | docx | pdf
    text: str  # the source text every offset refers to
    content_hash: str  # sha256 of the file's bytes
    encoding: str | None = None
    size: int = 0
    title_hint: str | None = None  # <title> of an HTML page, DOCX core title…


@dataclass
class Period:
    start: int
    end: int


@dataclass
class Metadata:
    title: str | None = None
    notice_title: str | None = None
    doc_number: str | None = None
    issuers: list[str] = field(default_factory=list)
    issued: str | None = None  # YYYY-MM-DD: signing date, else publication date
    published: str | None = None  # YYYY-MM-DD when the document states it separately
    region: str | None = None
    province: str | None = None
    level: str | None = None  # national | province | city | district
    period: Period | None = None
    script: str = "hans"
    doc_type: str | None = None
    url: str | None = None
    index_no: str | None = None  # 索引号
    fields: dict[str, str] = field(default_factory=dict)  # the page's own metadata block, as found


@dataclass
class Section:
    id: str
    parent: str | None
    label: str | None  # "一、", "（三）", "第五条", "#"…
    heading: str | None
    level: int
    start: int  # clean offset where the section (label/heading) starts
    text_start: int  # clean offset of its own text
    text_end: int  # end of its own text (first child or next section)
    end: int  # end of the section including its children
    kind: str = "heading"  # notice | preamble | heading | article | annex
    lead_units: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    # The same units under their canonical names (深圳市发展和改革委员会), see extract/units.py.
    lead_units_canonical: list[str] = field(default_factory=list)
    units_canonical: list[str] = field(default_factory=list)


@dataclass
class Table:
    title: str | None
    header: list[str]
    rows: list[list[str]]
    start: int
    end: int
    section: str | None = None
    truncated: bool = False  # the last row was cut off (ragged end of file)


@dataclass
class Document:
    raw: RawDocument
    mapped: MappedText
    meta: Metadata = field(default_factory=Metadata)
    body_start: int = 0  # clean offset where the body starts (after metadata block / notice)
    sections: list[Section] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    milestones: list[dict[str, Any]] = field(default_factory=list)
    supports: list[dict[str, Any]] = field(default_factory=list)
    scenarios: list[dict[str, Any]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _simplified: tuple[str, str] | None = field(default=None, repr=False, compare=False)

    @property
    def text(self) -> str:
        return self.mapped.text

    @property
    def simplified(self) -> str:
        """Simplified-Chinese view of ``text`` (same length), for matching; cached per text."""
        from luodi.text import to_simplified

        if self._simplified is None or self._simplified[0] is not self.text:
            self._simplified = (self.text, to_simplified(self.text))
        return self._simplified[1]

    def section_text(self, section: Section) -> str:
        return self.text[section.text_start : section.text_end].strip()

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in ``raw.text`` of the clean span ``[start, end)``."""
        return self.mapped.source_span(start, end)

    def to_json(self) -> dict[str, Any]:
        m = self.meta
        return {
            "schema": SCHEMA,
            "source": self.raw.source,
            "format": self.raw.format,
            "encoding": self.raw.encoding,
            "content_hash": self.raw.content_hash,
            "url": m.url,
            "title": m.title,
            "notice_title": m.notice_title,
            "doc_number": m.doc_number,
            "issuers": list(m.issuers),
            "issued": m.issued,
            "published": m.published,
            "region": m.region,
            "province": m.province,
            "level": m.level,
            "period": {"start": m.period.start, "end": m.period.end} if m.period else None,
            "script": m.script,
            "doc_type": m.doc_type,
            "index_no": m.index_no,
            "fields": dict(m.fields),
            "sections": [
                {
                    "id": s.id,
                    "parent": s.parent,
                    "label": s.label,
                    "heading": s.heading,
                    "level": s.level,
                    "kind": s.kind,
                    "text": self.section_text(s),
                    "span": list(self.source_span(s.start, s.end)),
                    "lead_units": list(s.lead_units),
                    "units": list(s.units),
                    "lead_units_canonical": list(s.lead_units_canonical),
                    "units_canonical": list(s.units_canonical),
                }
                for s in self.sections
            ],
            "targets": self.targets,
            "milestones": self.milestones,
            "supports": self.supports,
            "scenarios": self.scenarios,
            "entities": self.entities,
            "tables": [
                {
                    "title": t.title,
                    "header": t.header,
                    "rows": t.rows,
                    "section": t.section,
                    "truncated": t.truncated,
                    "span": list(self.source_span(t.start, t.end)),
                }
                for t in self.tables
            ],
        }
