"""``compare coverage``: which plans cover which topics, with the clauses that do.

Topics come from ``data/topics.tsv`` (topic, group, keywords, exclusions).  A section
covers a topic when its heading or its own text (simplified, responsibility clause
removed) contains one of the topic's keywords; the cell of a plan × topic counts those
sections and links to each, with the words that matched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from luodi.analysis.corpus import (
    Link,
    Pattern,
    PlanDoc,
    PlanRef,
    PlanSource,
    as_plans,
    body_text,
    heading_text,
    patterns,
    read_tsv,
    section_link,
    split_cell,
)


@dataclass(frozen=True)
class Topic:
    name: str
    group: str
    keywords: tuple[Pattern, ...]
    exclude: tuple[str, ...]

    def mask(self, text: str) -> str:
        """Blank out the excluded phrases (same length, so nothing else moves)."""
        for phrase in self.exclude:
            text = text.replace(phrase, "\u3000" * len(phrase))
        return text

    def matches(self, text: str) -> list[str]:
        masked = self.mask(text)
        return [word for p in self.keywords for word in p.findall(masked)]


@cache
def topics() -> tuple[Topic, ...]:
    out = []
    for row in read_tsv("topics.tsv"):
        row = [*row, "", "", ""][:4]
        out.append(Topic(row[0], row[1], patterns(row[2]), tuple(split_cell(row[3]))))
    return tuple(out)


@dataclass(frozen=True)
class TopicHit:
    """One section covering a topic."""

    link: Link
    heading: str | None
    words: dict[str, int]  # matched word → occurrences

    def to_json(self) -> dict[str, Any]:
        return {"section": self.link.section, "span": list(self.link.span) if self.link.span else None,
                "heading": self.heading, "words": self.words}


@dataclass
class CoverageCell:
    topic: str
    plan: int
    hits: list[TopicHit] = field(default_factory=list)

    @property
    def sections(self) -> int:
        return len(self.hits)

    @property
    def mentions(self) -> int:
        return sum(sum(h.words.values()) for h in self.hits)


@dataclass
class Coverage:
    plans: list[PlanRef]
    topics: list[Topic]
    cells: dict[tuple[str, int], CoverageCell]

    def cell(self, topic: str, plan: int) -> CoverageCell:
        return self.cells.get((topic, plan)) or CoverageCell(topic, plan)

    def to_json(self) -> dict[str, Any]:
        return {
            "plans": [p.to_json() for p in self.plans],
            "topics": [
                {
                    "topic": t.name,
                    "group": t.group,
                    "plans": {
                        str(p.id): {"sections": c.sections, "mentions": c.mentions, "hits": [h.to_json() for h in c.hits]}
                        for p in self.plans
                        for c in [self.cell(t.name, p.id)]
                    },
                }
                for t in self.topics
            ],
        }

    def to_rows(self) -> list[dict[str, Any]]:
        """One row per topic × plan (for CSV): counts and the sections that match."""
        return [
            {
                "topic": t.name, "group": t.group, "plan": p.id, "plan_label": p.label,
                "sections": c.sections, "mentions": c.mentions,
                "section_ids": " ".join(h.link.section or "" for h in c.hits),
                "words": " ".join(sorted({w for h in c.hits for w in h.words})),
            }
            for t in self.topics
            for p in self.plans
            for c in [self.cell(t.name, p.id)]
        ]


def compare_coverage(
    source: PlanSource, *, plans: Iterable[str | int] | None = None, topic: str | None = None, group: str | None = None
) -> Coverage:
    """Plans × topics (optionally one topic, or one group of topics)."""
    docs = as_plans(source, plans)
    chosen = [t for t in topics() if (topic is None or t.name == topic) and (group is None or t.group == group)]
    cells: dict[tuple[str, int], CoverageCell] = {}
    for plan in docs:
        for t, hit in _hits(plan, chosen):
            cells.setdefault((t.name, plan.ref.id), CoverageCell(t.name, plan.ref.id)).hits.append(hit)
    return Coverage([p.ref for p in docs], chosen, cells)


def _hits(plan: PlanDoc, chosen: list[Topic]) -> Iterable[tuple[Topic, TopicHit]]:
    doc = plan.doc
    for sec in doc.sections:
        if sec.kind == "notice":  # the covering notice only says "print and implement"
            continue
        # The heading and the text are joined with a break so no keyword spans both.
        text = heading_text(doc, sec) + "\n" + body_text(doc, sec)
        for t in chosen:
            words = t.matches(text)
            if words:
                counts: dict[str, int] = {}
                for w in words:
                    counts[w] = counts.get(w, 0) + 1
                yield t, TopicHit(section_link(plan, sec), sec.heading, counts)


def topic_names() -> list[str]:
    return [t.name for t in topics()]


