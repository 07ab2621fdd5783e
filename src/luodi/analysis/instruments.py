"""``compare instruments``: each task as a supply-, environment- or demand-side policy instrument.

Rothwell & Zegveld's three families, with sub-types (资金支持, 人才, 基础设施, 示范应用,
政府采购, 法规标准…), decided by the transparent rules of ``data/instruments.tsv``: every
rule scores its matches (10 per match in the heading, 1 per match in the text), the best
score wins and ties go to the higher priority.  Each task carries the winning rule with the
words that fired it and the runners-up, so a reader can check or dispute the call; each plan
gets a profile of counts and shares.
"""

from __future__ import annotations

from collections import Counter
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
    compile_pattern,
    heading_text,
    read_tsv,
    section_link,
    split_cell,
    tasks,
)

TYPES = ("supply", "environment", "demand")
TYPE_NAMES = {"supply": "供给型", "environment": "环境型", "demand": "需求型"}
# A heading says what the task is for, its text mostly how: one heading match outweighs the
# scattered matches of a typical task text.
HEADING_WEIGHT = 10
UNCLASSIFIED = "unclassified"


@dataclass(frozen=True)
class Rule:
    type: str
    subtype: str
    priority: int
    anywhere: tuple[Pattern, ...]
    heading_only: tuple[Pattern, ...]
    exclude: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.type}/{self.subtype}"

    def _mask(self, text: str) -> str:
        for phrase in self.exclude:
            text = text.replace(phrase, "\u3000" * len(phrase))
        return text

    def hit(self, heading: str, text: str) -> RuleHit | None:
        in_heading = _words(self._mask(heading), (*self.anywhere, *self.heading_only))
        in_text = _words(self._mask(text), self.anywhere)
        if not in_heading and not in_text:
            return None
        score = HEADING_WEIGHT * sum(in_heading.values()) + sum(in_text.values())
        return RuleHit(self.type, self.subtype, self.priority, score, in_heading, in_text)


def _words(text: str, pats: Iterable[Pattern]) -> dict[str, int]:
    """Matched words and their counts; overlapping matches count once (the earliest, then
    the longest wins), so 创新应用 is not counted again as 应用."""
    spans = sorted((m.start(), -m.end(), m.group(0)) for p in pats for m in p.regex.finditer(text) if m.group(0))
    taken: Counter[str] = Counter()
    end = -1
    for start, neg_end, word in spans:
        if start >= end:
            taken[word] += 1
            end = -neg_end
    return dict(taken)


@cache
def rules() -> tuple[Rule, ...]:
    out = []
    for row in read_tsv("instruments.tsv"):
        kind, subtype, priority, cell, exclude = [*row, "", ""][:5]
        if kind not in TYPES:
            raise ValueError(f"instruments.tsv: unknown instrument type {kind!r}")
        items = split_cell(cell)
        anywhere = tuple(compile_pattern(p) for p in items if not p.startswith("h:"))
        heading_only = tuple(compile_pattern(p[2:]) for p in items if p.startswith("h:"))
        out.append(Rule(kind, subtype, int(priority), anywhere, heading_only, tuple(split_cell(exclude))))
    return tuple(out)


@dataclass(frozen=True)
class RuleHit:
    """A rule that fired on a task: its score and the words, by where they matched."""

    type: str
    subtype: str
    priority: int
    score: int
    heading_words: dict[str, int]
    text_words: dict[str, int]

    @property
    def rule(self) -> str:
        return f"{self.type}/{self.subtype}"

    def explain(self) -> str:
        """``heading 资金×1 + text 基金×2 财政×1 = 8``"""
        parts = []
        if self.heading_words:
            parts.append("heading " + " ".join(f"{w}×{n}" for w, n in self.heading_words.items()))
        if self.text_words:
            parts.append("text " + " ".join(f"{w}×{n}" for w, n in self.text_words.items()))
        return " + ".join(parts) + f" = {self.score}"

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "type": self.type, "subtype": self.subtype, "priority": self.priority,
                "score": self.score, "heading_words": self.heading_words, "text_words": self.text_words}


@dataclass(frozen=True)
class TaskInstrument:
    plan: int
    section: str
    heading: str | None
    link: Link
    decision: RuleHit | None
    runners_up: tuple[RuleHit, ...]

    @property
    def type(self) -> str:
        return self.decision.type if self.decision else UNCLASSIFIED

    @property
    def subtype(self) -> str:
        return self.decision.subtype if self.decision else UNCLASSIFIED

    def explain(self) -> str:
        if self.decision is None:
            return "no rule matched"
        why = f"{self.decision.rule} (priority {self.decision.priority}): {self.decision.explain()}"
        if self.runners_up:
            best = self.runners_up[0]
            why += f"; next {best.rule} = {best.score}"
        return why

    def to_json(self) -> dict[str, Any]:
        return {
            "plan": self.plan, "section": self.section, "heading": self.heading,
            "span": list(self.link.span) if self.link.span else None, "type": self.type, "subtype": self.subtype,
            "decision": self.decision.to_json() if self.decision else None,
            "runners_up": [h.to_json() for h in self.runners_up], "explanation": self.explain(),
        }


def classify(heading: str, text: str) -> tuple[RuleHit | None, tuple[RuleHit, ...]]:
    """The winning rule for a task's (simplified) heading and text, and the others that fired."""
    hits = [h for r in rules() if (h := r.hit(heading, text)) is not None]
    hits.sort(key=lambda h: (-h.score, -h.priority))
    return (hits[0], tuple(hits[1:])) if hits else (None, ())


def classify_plan(plan: PlanDoc) -> list[TaskInstrument]:
    doc = plan.doc
    out = []
    for sec in tasks(doc):
        decision, others = classify(heading_text(doc, sec), body_text(doc, sec))
        out.append(TaskInstrument(plan.ref.id, sec.id, sec.heading, section_link(plan, sec), decision, others))
    return out


@dataclass
class PlanProfile:
    plan: int
    tasks: int
    by_type: dict[str, int] = field(default_factory=dict)
    by_subtype: dict[str, int] = field(default_factory=dict)  # "supply/资金支持" → n

    def share(self, kind: str) -> float:
        return self.by_type.get(kind, 0) / self.tasks if self.tasks else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"plan": self.plan, "tasks": self.tasks, "by_type": self.by_type,
                "shares": {t: round(self.share(t), 4) for t in (*TYPES, UNCLASSIFIED)},
                "by_subtype": self.by_subtype}


def profile(plan_id: int, items: list[TaskInstrument]) -> PlanProfile:
    by_type = Counter(t.type for t in items)
    by_subtype = Counter(f"{t.type}/{t.subtype}" for t in items if t.decision)
    return PlanProfile(
        plan_id, len(items),
        {t: by_type[t] for t in (*TYPES, UNCLASSIFIED) if by_type[t]},
        dict(sorted(by_subtype.items(), key=lambda kv: (TYPES.index(kv[0].split("/")[0]), -kv[1], kv[0]))),
    )


@dataclass
class InstrumentReport:
    plans: list[PlanRef]
    tasks: list[TaskInstrument]
    profiles: list[PlanProfile]

    def to_json(self) -> dict[str, Any]:
        return {"plans": [p.to_json() for p in self.plans], "profiles": [p.to_json() for p in self.profiles],
                "tasks": [t.to_json() for t in self.tasks]}

    def to_rows(self) -> list[dict[str, Any]]:
        """One row per task (for CSV), with the decision spelled out."""
        labels = {p.id: p.label for p in self.plans}
        return [
            {"plan": t.plan, "plan_label": labels.get(t.plan, ""), "section": t.section, "heading": t.heading or "",
             "type": t.type, "subtype": t.subtype, "score": t.decision.score if t.decision else 0,
             "explanation": t.explain()}
            for t in self.tasks
        ]


def compare_instruments(source: PlanSource, *, plans: Iterable[str | int] | None = None) -> InstrumentReport:
    docs = as_plans(source, plans)
    all_tasks: list[TaskInstrument] = []
    profiles = []
    for plan in docs:
        items = classify_plan(plan)
        all_tasks.extend(items)
        profiles.append(profile(plan.ref.id, items))
    return InstrumentReport([p.ref for p in docs], all_tasks, profiles)
