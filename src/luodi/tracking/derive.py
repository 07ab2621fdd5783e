"""Trackable items of a plan, derived from its Document.  Pure: no database.

- **task**: a section (heading, article or task paragraph) with responsible units.  Its
  ref is the section id; its parent the nearest ancestor section that is a task too.
- **target**: a ``targets`` record of kind "target" (baselines describe the past).
- **milestone**: a ``milestones`` record.

Targets and milestones belong to the units of the task they sit in (the nearest task
section at or above their section); in a section with no units (the preamble's goals)
they have none, and any unit may report on them.  Their ref is a short hash of what
identifies them — (section, metric, year, value) and (section, action, year) — so the
item, and the reports filed on it, survive a re-extraction that keeps them.

Deadlines, each with its reason (first rule that applies):

- task: the 完成时限 of its row in a task table (recorded as a milestone whose action is
  the task's heading); the plan period's end; a dated phrase in its own text
  (2023年年底前, 上半年前…, the year defaulting to the plan's issue year); the plan's
  farthest goal year; else none.
- target: its year → 12-31; a dated phrase in its quote; the period end; the farthest goal year.
- milestone: its stated deadline (年底前 → 12-31, 上半年 → 06-30, 一季度 → 03-31…); a
  dated phrase in its quote; its year → 12-31; the period end; the farthest goal year.
  (A task table's 完成时限 row is not a milestone item of its own: its task carries it.)
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from luodi.document import Document, Metadata, Section
from luodi.extract.units import canonical_units
from luodi.text import to_simplified
from luodi.tracking.model import TargetSpec

TASK_SECTION_KINDS = ("heading", "article", "task")
OVERALL = "总体目标 overall"


@dataclass(frozen=True)
class Derived:
    kind: str
    ref: str
    title: str
    section: str | None
    lead_units: list[str]
    units: list[str]
    target: dict[str, Any] | None
    deadline: str | None
    deadline_reason: str
    parent_ref: str | None
    ord: int


# -- dates ---------------------------------------------------------------------------------------
_PHRASE = re.compile(
    r"(?P<since>截至|截止)?"
    r"(?:(?P<year>(?:19|20)\d{2})\s*年\s*)?"
    r"(?P<tail>年底|年末|底|末|上半年|下半年|第?[一二三四1-4]季度|(?P<month>\d{1,2})\s*月(?:底|末|份)?)?"
    r"(?P<before>前|以前|之前)?"
    r"(?!\s*\d{1,2}\s*日)"
)
_QUARTER_MONTH = {"一": 3, "1": 3, "二": 6, "2": 6, "三": 9, "3": 9, "四": 12, "4": 12}


def last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def phrase_deadlines(text: str, default_year: int | None, min_year: int | None = None) -> list[tuple[date, str]]:
    """Every dated due phrase in ``text`` as (date, phrase): 2023年年底前, 上半年前, 2024年6月底…

    A phrase without a year (年底前) needs 前 and takes ``default_year``; 截至2017年底 and
    years before ``min_year`` describe the past and are skipped."""
    out: list[tuple[date, str]] = []
    for m in _PHRASE.finditer(to_simplified(text)):
        if m.group("since"):
            continue
        tail = m.group("tail") or ""
        if not tail and not (m.group("year") and m.group("before")):
            continue  # a bare year (2019年) is a date, not a deadline; 2025年前 is one
        if m.group("year"):
            year = int(m.group("year"))
        elif m.group("before") and tail not in ("底", "末") and default_year is not None:
            year = default_year  # 年底前 / 6月底前 in an annual plan: the plan's own year
        else:
            continue
        if min_year is not None and year < min_year:
            continue
        when = _tail_date(year, tail, m.group("month"))
        if when is not None:
            out.append((when, m.group(0).strip()))
    return out


def _tail_date(year: int, tail: str, month: str | None) -> date | None:
    if tail in ("", "年底", "年末", "底", "末", "下半年"):
        return date(year, 12, 31)
    if tail == "上半年":
        return date(year, 6, 30)
    if "季度" in tail:
        return last_day(year, _QUARTER_MONTH[tail.removeprefix("第")[0]])
    if month is not None and 1 <= int(month) <= 12:
        return last_day(year, int(month))
    return None


def plan_start(meta: Metadata, created: date) -> date:
    """Where a plan's expected path starts: 1 January of its period, its issue date, or ``created``."""
    if meta.period is not None:
        return date(meta.period.start, 1, 1)
    if meta.issued:
        try:
            return date.fromisoformat(meta.issued)
        except ValueError:
            pass
    return created


def _horizon(doc: Document) -> int | None:
    """The farthest year the plan's goals name (for plans without a period)."""
    years = [r.get("year") for r in doc.targets if r.get("kind", "target") == "target"]
    years += [r.get("year") for r in doc.milestones]
    found = [int(y) for y in years if isinstance(y, int | float)]
    return max(found) if found else None


@dataclass(frozen=True)
class _PlanDates:
    period_end: int | None
    horizon: int | None
    issued_year: int | None
    start_year: int | None

    def fallback(self) -> tuple[str | None, str]:
        if self.period_end is not None:
            return f"{self.period_end}-12-31", f"计划期末 {self.period_end}-12-31 (plan period end)"
        if self.horizon is not None:
            end = f"{self.horizon}-12-31"
            return end, f"计划无期限，取最远目标年份{self.horizon}年 → {end} (latest goal year)"
        return None, "无明确期限 no deadline"


def _plan_dates(doc: Document) -> _PlanDates:
    m = doc.meta
    issued_year = int(m.issued[:4]) if m.issued and m.issued[:4].isdigit() else None
    return _PlanDates(
        period_end=m.period.end if m.period else None,
        horizon=_horizon(doc),
        issued_year=issued_year,
        start_year=m.period.start if m.period else issued_year,
    )


def _phrase_rule(text: str, pd: _PlanDates, what: str) -> tuple[str, str] | None:
    found = phrase_deadlines(text, pd.issued_year or pd.start_year, pd.start_year)
    if not found:
        return None
    when, phrase = max(found)
    return when.isoformat(), f"{what}“{phrase}” → {when.isoformat()} (stated in the text)"


def task_deadline(doc: Document, sec: Section, pd: _PlanDates) -> tuple[str | None, str]:
    for ms in doc.milestones:
        if ms.get("section") == sec.id and sec.heading and ms.get("action") == sec.heading:
            when = ms.get("deadline") or (f"{ms['year']}-12-31" if ms.get("year") else None)
            if when:
                return when, f"任务表完成时限 → {when} (task table deadline)"
    if pd.period_end is not None:
        return pd.fallback()
    stated = _phrase_rule(doc.section_text(sec), pd, "任务期限")
    return stated if stated else pd.fallback()


def target_deadline(rec: Mapping[str, Any], pd: _PlanDates) -> tuple[str | None, str]:
    year = rec.get("year")
    if isinstance(year, int):
        return f"{year}-12-31", f"目标年份{year}年 → {year}-12-31 (target year)"
    stated = _phrase_rule(str(rec.get("quote") or ""), pd, "期限")
    return stated if stated else pd.fallback()


def milestone_deadline(rec: Mapping[str, Any], pd: _PlanDates) -> tuple[str | None, str]:
    quote = str(rec.get("quote") or "")
    stated = rec.get("deadline")
    if isinstance(stated, str) and stated:
        found = [p for d, p in phrase_deadlines(quote, pd.issued_year, None) if d.isoformat() == stated]
        phrase = f"“{found[0]}”" if found else "节点期限"
        return stated, f"{phrase} → {stated} (stated deadline)"
    by_phrase = _phrase_rule(quote, pd, "期限")
    if by_phrase:
        return by_phrase
    year = rec.get("year")
    if isinstance(year, int):
        return f"{year}-12-31", f"节点年份{year}年 → {year}-12-31 (milestone year)"
    return pd.fallback()


# -- owners and refs -----------------------------------------------------------------------------
def _dedupe(names: Iterable[str], exclude: Iterable[str] = ()) -> list[str]:
    skip = set(exclude)
    return [n for n in dict.fromkeys(names) if n and n not in skip]


def section_owners(sec: Section, meta: Metadata) -> tuple[list[str], list[str]]:
    """(lead, co-responsible) units of a section under their canonical names."""
    lead = sec.lead_units_canonical or canonical_units(sec.lead_units, meta)
    co = sec.units_canonical or canonical_units(sec.units, meta)
    lead_names = _dedupe(lead)
    return lead_names, _dedupe(co, lead_names)


def is_task_section(sec: Section) -> bool:
    return sec.kind in TASK_SECTION_KINDS and bool(sec.lead_units or sec.units)


def short_hash(*parts: object) -> str:
    key = "|".join("" if p is None else f"{float(p):g}" if isinstance(p, float) else str(p) for p in parts)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def _unique(ref: str, used: set[str]) -> str:
    """A repeated ref (the same target twice in one section) gets ~2, ~3…: stable in document order."""
    out, n = ref, 1
    while out in used:
        n += 1
        out = f"{ref}~{n}"
    used.add(out)
    return out


def _task_title(doc: Document, sec: Section) -> str:
    if sec.heading:
        return sec.heading
    text = doc.section_text(sec).split("。")[0]
    return text[:40] + ("…" if len(text) > 40 else "") or sec.id


# -- derivation ----------------------------------------------------------------------------------
def derive_items(doc: Document) -> list[Derived]:
    """Every trackable item of ``doc``, in document order."""
    by_id = {s.id: s for s in doc.sections}
    order = {s.id: i for i, s in enumerate(doc.sections)}
    tasks = {s.id for s in doc.sections if is_task_section(s)}
    pd = _plan_dates(doc)

    def owning_task(sid: str | None, include_self: bool) -> str | None:
        cur = sid if include_self else (by_id[sid].parent if sid in by_id else None)
        while cur is not None and cur in by_id:
            if cur in tasks:
                return cur
            cur = by_id[cur].parent
        return None

    out: list[Derived] = []
    for sec in doc.sections:
        if sec.id not in tasks:
            continue
        lead, co = section_owners(sec, doc.meta)
        deadline, reason = task_deadline(doc, sec, pd)
        out.append(Derived("task", sec.id, _task_title(doc, sec), sec.id, lead, co, None, deadline, reason,
                           owning_task(sec.id, include_self=False), order[sec.id] * 1000))
    used: set[str] = set()
    out += _target_items(doc, pd, owning_task, order, used)
    out += _milestone_items(doc, pd, owning_task, order, used)
    return sorted(out, key=lambda d: d.ord)


def _owners_of(doc: Document, task_sid: str | None) -> tuple[list[str], list[str]]:
    if task_sid is None:
        return [], []
    sec = next(s for s in doc.sections if s.id == task_sid)
    return section_owners(sec, doc.meta)


def _target_items(doc: Document, pd: _PlanDates, owning_task: Any, order: dict[str, int], used: set[str]) -> list[Derived]:
    out = []
    for i, rec in enumerate(doc.targets):
        if rec.get("kind", "target") != "target" or not isinstance(rec.get("value"), int | float):
            continue
        spec = TargetSpec(
            metric=rec.get("metric"), value=float(rec["value"]),
            value_max=float(rec["value_max"]) if isinstance(rec.get("value_max"), int | float) else None,
            unit=rec.get("unit"), qualifier=rec.get("qualifier"), year=rec.get("year"),
        )
        sid = rec.get("section")
        lead, co = _owners_of(doc, owning_task(sid, include_self=True))
        ref = _unique("t:" + short_hash(sid, spec.metric, spec.year, spec.value), used)
        deadline, reason = target_deadline(rec, pd)
        title = f"{spec.metric or '指标'} {spec.describe()}".strip()
        ord_ = order.get(sid or "", len(order)) * 1000 + 300 + i
        out.append(Derived("target", ref, title, sid, lead, co, spec.to_json(), deadline, reason, None, ord_))
    return out


def _milestone_items(doc: Document, pd: _PlanDates, owning_task: Any, order: dict[str, int], used: set[str]) -> list[Derived]:
    out = []
    headings = {s.id: s.heading for s in doc.sections}
    for i, rec in enumerate(doc.milestones):
        action = str(rec.get("action") or "").strip()
        sid = rec.get("section")
        if not action or (sid is not None and owning_task(sid, include_self=True) == sid and headings.get(sid) == action):
            continue  # a task table's 完成时限 row: the task itself carries that deadline
        lead, co = _owners_of(doc, owning_task(sid, include_self=True))
        ref = _unique("m:" + short_hash(sid, action, rec.get("year")), used)
        deadline, reason = milestone_deadline(rec, pd)
        ord_ = order.get(sid or "", len(order)) * 1000 + 600 + i
        out.append(Derived("milestone", ref, action, sid, lead, co, None, deadline, reason, None, ord_))
    return out


# -- domains -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SectionInfo:
    sid: str
    parent: str | None
    label: str | None
    heading: str | None
    kind: str


def domains(sections: Iterable[SectionInfo], task_sids: set[str]) -> dict[str, str]:
    """Domain of every section: the nearest heading above it that is not itself a task
    (so the tasks under 一、强化智能算力集群供给 share that domain); a top-level task is its
    own domain; the preamble's goals are 总体目标 overall."""
    by_id = {s.sid: s for s in sections}
    out: dict[str, str] = {}
    for s in by_id.values():
        cur: SectionInfo | None = s
        top_task: SectionInfo | None = None
        while cur is not None and cur.sid in task_sids:
            top_task = cur
            cur = by_id.get(cur.parent) if cur.parent else None
        if cur is None:
            out[s.sid] = _title(top_task) if top_task else OVERALL
        elif cur.kind in ("notice", "preamble"):
            out[s.sid] = OVERALL
        else:
            out[s.sid] = _title(cur)
    return out


def _title(s: SectionInfo | None) -> str:
    if s is None:
        return OVERALL
    return f"{s.label or ''}{s.heading or ''}".strip() or s.sid
