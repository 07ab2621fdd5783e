"""What every comparison starts from: the plans, their tasks, and the maintained data files.

Comparisons work on :class:`PlanDoc` (a stored plan's id and summary beside its
:class:`~luodi.document.Document`), so tests and the web API can hand over documents built
in memory, while the command line loads them from a :class:`~luodi.store.Store`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from luodi.document import Document, Section
from luodi.errors import NotFound, StoreError
from luodi.extract.unit_clauses import strip_unit_clauses
from luodi.store import Store
from luodi.store.repository import MIN_HASH_PREFIX
from luodi.text import to_simplified


@dataclass(frozen=True)
class PlanRef:
    """Enough of a plan to label a row or column and to link back to it."""

    id: int
    title: str | None
    region: str | None = None
    level: str | None = None
    issued: str | None = None
    period: tuple[int, int] | None = None

    @property
    def year(self) -> int | None:
        if self.period:
            return self.period[0]
        return int(self.issued[:4]) if self.issued and self.issued[:4].isdigit() else None

    @property
    def label(self) -> str:
        """Short column label: ``#1 深圳市 2019``."""
        parts = [f"#{self.id}", self.region or "", str(self.year or "")]
        return " ".join(p for p in parts if p)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "region": self.region, "level": self.level, "issued": self.issued,
            "period": {"start": self.period[0], "end": self.period[1]} if self.period else None, "label": self.label,
        }


@dataclass
class PlanDoc:
    ref: PlanRef
    doc: Document

    @classmethod
    def of(cls, plan_id: int, doc: Document) -> PlanDoc:
        m = doc.meta
        period = (m.period.start, m.period.end) if m.period else None
        return cls(PlanRef(plan_id, m.title, m.region, m.level, m.issued, period), doc)


def load_plans(store: Store, keys: Iterable[str | int] | None = None) -> list[PlanDoc]:
    """The named plans (ids, hash prefixes or sources), or every stored plan, in id order."""
    ids = resolve_ids(store, keys)
    return [PlanDoc.of(i, store.load_document(i)) for i in ids]


def resolve_ids(store: Store, keys: Iterable[str | int] | None = None) -> list[int]:
    """Plan ids (sorted, distinct) for keys given the way ``luodi show`` takes them: an id, a
    content-hash prefix of at least 6 hex digits, or a source; every plan when ``keys`` is None."""
    summaries = store.list_plans()
    if keys is None:
        return [p.id for p in summaries]
    out: set[int] = set()
    for key in keys:
        text = str(key).strip()
        by_id = [p.id for p in summaries if text.isdigit() and p.id == int(text)]
        by_source = [p.id for p in summaries if p.source == text]
        by_hash = [p.id for p in summaries if len(text) >= MIN_HASH_PREFIX and p.content_hash.startswith(text.lower())]
        found = by_id or by_source or by_hash
        if not found:
            raise NotFound("plan", text)
        if len(found) > 1:
            raise StoreError(f"ambiguous plan key {text}: several content hashes start with it, give more digits")
        out.add(found[0])
    return sorted(out)


PlanSource = Store | Sequence[PlanDoc]


def as_plans(source: PlanSource, keys: Iterable[str | int] | None = None) -> list[PlanDoc]:
    """Accept a store (loading the plans) or plans already in memory (optionally filtered by id)."""
    if isinstance(source, Store):
        return load_plans(source, keys)
    if keys is None:
        return list(source)
    ids = {int(k) for k in keys}
    return [p for p in source if p.ref.id in ids]


# -- links ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Link:
    """Where a number or a match stands: plan, section and source span (``source[a:b]``)."""

    plan: int
    section: str | None
    span: tuple[int, int] | None
    quote: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"plan": self.plan, "section": self.section, "span": list(self.span) if self.span else None,
                "quote": self.quote}


def section_link(plan: PlanDoc, sec: Section, quote: str | None = None) -> Link:
    return Link(plan.ref.id, sec.id, plan.doc.source_span(sec.start, sec.end), quote)


# -- section text ----------------------------------------------------------------------------
def heading_text(doc: Document, sec: Section) -> str:
    return to_simplified(sec.heading or "")


def body_text(doc: Document, sec: Section) -> str:
    """The section's own text, simplified, without its responsibility clause: unit names
    (教育局, 金融监管局, 政务服务数据管理局) would otherwise count as topics and instruments."""
    return strip_unit_clauses(doc.simplified[sec.text_start : sec.text_end]).strip()


# Headings of the parts of a plan that describe rather than assign: its baseline, context,
# principles and goals.  Matched whole, so 基础创新提升行动 or 完善法治环境 stay tasks.
_CONTEXT_HEADING = re.compile(
    r"(?:发展|产业|工作|总体|主要|基本|指导|面临|重要|编制)?"
    r"(?:基础|现状|背景|形势|机遇|挑战|问题|目标|原则|思路|要求|思想|意义|依据)"
    r"(?:(?:与|和|及)(?:环境|挑战|形势|目标|机遇|问题|任务))?"
)


def is_context(sec: Section, by_id: dict[str, Section]) -> bool:
    """True for a section in a baseline / goals / principles part of the plan."""
    cur: Section | None = sec
    while cur is not None:
        if cur.heading and _CONTEXT_HEADING.fullmatch(to_simplified(cur.heading).strip()):
            return True
        cur = by_id.get(cur.parent) if cur.parent else None
    return False


def tasks(doc: Document) -> Iterator[Section]:
    """The sections that assign work: every section with responsible units, and every
    leaf heading/article/task section with text outside the plan's context parts.

    Parents that only introduce their numbered children are left out, so a task is
    counted once."""
    by_id = {s.id: s for s in doc.sections}
    parents = {s.parent for s in doc.sections if s.parent}
    for sec in doc.sections:
        if sec.lead_units or sec.units:
            yield sec
        elif (
            sec.kind in ("heading", "article", "task")
            and sec.id not in parents
            and doc.section_text(sec)
            and not is_context(sec, by_id)
        ):
            yield sec


# -- maintained data files -------------------------------------------------------------------
def read_tsv(name: str) -> list[list[str]]:
    """Rows of a packaged TSV in ``luodi/data`` (``#`` comments and blank lines skipped)."""
    text = resources.files("luodi").joinpath(f"data/{name}").read_text("utf-8")
    lines = (line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))
    return [[cell.strip() for cell in row] for row in csv.reader(lines, delimiter="\t")]


@dataclass(frozen=True)
class Pattern:
    """A keyword (plain text) or a regex (written ``re:…``), matched on simplified text."""

    source: str
    regex: re.Pattern[str]

    def findall(self, text: str) -> list[str]:
        return [m.group(0) for m in self.regex.finditer(text)]


@cache
def compile_pattern(source: str) -> Pattern:
    body = source[3:] if source.startswith("re:") else re.escape(to_simplified(source))
    return Pattern(source, re.compile(body))


def split_cell(cell: str) -> list[str]:
    """Split a ``|``-separated cell, leaving ``|`` inside brackets alone, so a regex keeps its
    own alternatives when they are in parentheses: ``re:核心(产业)?(规模|营收)``."""
    items, depth, start = [], 0, 0
    for i, ch in enumerate(cell):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(depth - 1, 0)
        elif ch == "|" and depth == 0:
            items.append(cell[start:i])
            start = i + 1
    items.append(cell[start:])
    return [item.strip() for item in items if item.strip()]


def patterns(cell: str) -> tuple[Pattern, ...]:
    return tuple(compile_pattern(p) for p in split_cell(cell))
