"""Milestones (``doc.milestones``): dated commitments without a number.

The shapes, following tests/golden/extract/README*.md:

1. A sentence that opens with a goal year (到2020年，… / 第三步，到2030年，…): one milestone,
   the first clause of that sentence without a counted number (the clauses with numbers
   are targets), also when "——" bullets follow it.
2. A "——" bullet under a goal year that holds no number at all: its headline.
3. A deadline anywhere (2023年年底前出台…, 鹏城云脑III项目2023年年底启动建设, 力争到2025年建成…):
   the clause holding it, with the date taken out of the action.
4. A task's time limit: the 完成时限 cell of a task-breakdown table, or one written beside
   the task's units (（牵头单位：市经信局；完成时限：2025年底）): the task is the action.

Deadlines: 年底 → 12-31, 上半年 → 06-30, 一季度 → 03-31, a month → its last day; a bare
到2025年 gives a year but no deadline.  Past years, recurring dates (每月8日), issue and
effective dates, and filing deadlines addressed to applicants (请于…前报送) are not milestones.
"""

from __future__ import annotations

import re
from typing import Any

from luodi.document import Document
from luodi.extract.numbers import Marker, parse_deadline
from luodi.extract.responsibility import DEADLINE_HEADERS, column, row_offsets
from luodi.extract.targets import (
    Paragraph,
    Scan,
    Sentence,
    bare_lead,
    counted_positions,
    item_span,
    lead_marker,
    scan,
)
from luodi.extract.unit_clauses import TIME_LABEL, TIME_PIECE, find_mentions
from luodi.text import to_simplified

# Dates that are not commitments of the plan: when the document takes effect, and what
# applicants must file by when.
_NOT_COMMITMENT = re.compile(r"是指|系指|施行|有效期|起算|印发|发布之日|报送|提交|申报|报名|推荐|截止日期|征集|受理|[须应请]于")
_LIST_INTRO = re.compile(r"(?:目标|如下|以下|任务|要求)[:：]?$|^(?:主要|具体|总体)?目标|(?:以下|如下)(?:要求|目标|指标)")
_BARE_NUMBER = re.compile(r"(?<![A-Za-z\d.．])\d+(?:[.．]\d+)?(?![A-Za-z\d])")
_LEAD_JUNK = re.compile(r"^[\s，、：—\-－·●]+")


def _cjk(text: str) -> int:
    return sum(1 for c in text if "\u4e00" <= c <= "\u9fff")


def _good_action(action: str) -> bool:
    return _cjk(action) >= 4 and not _LIST_INTRO.search(action)


def _record(doc: Document, sc: Scan, start: int, end: int, action: str, marker_year: int,
            deadline: str | None) -> dict[str, Any]:
    span, quote = item_span(doc, start, end)
    sec = sc.section_at(start)
    return {
        "year": marker_year,
        "deadline": deadline,
        "action": action,
        "quote": quote,
        "section": sec.id if sec else None,
        "span": span,
    }


def _free_clauses(sc: Scan, para: Paragraph, sent: Sentence, after: int) -> list[tuple[int, int]]:
    """Clauses (or the rest of the clause) of ``sent`` after ``after`` that hold no counted number."""
    counted = counted_positions(sc, para, sent)
    spans = [(max(c[0], after), c[1]) for c in sent.clauses if c[1] > after]
    return [c for c in spans if not any(c[0] <= p < c[1] for p in counted)]


def _from_lead(doc: Document, sc: Scan, para: Paragraph, sent: Sentence, lead: Marker) -> dict[str, Any] | None:
    """到2020年，A，B。 (or 到2020年A，B。) → the first number-free clause (A)."""
    for clause in _free_clauses(sc, para, sent, lead.end):
        action = _LEAD_JUNK.sub("", sc.text[clause[0] : clause[1]]).strip()
        if not _good_action(action):
            continue
        first = _cjk(sc.text[lead.end : clause[0]]) == 0  # the action follows the year: quote from the start
        return _record(doc, sc, sent.start if first else clause[0], clause[1], action, lead.year, lead.deadline)
    return None


def _from_bullet(doc: Document, sc: Scan, para: Paragraph) -> dict[str, Any] | None:
    """——初步建成若干…平台。… under 第一步，到2020年 → its headline, when no number follows."""
    if para.year is None or any(counted_positions(sc, para, s) for s in para.sentences):
        return None
    if _BARE_NUMBER.search(sc.simp, para.start, para.end):
        return None  # PUE降至1.25以下: a number luodi cannot count is still a number
    sec = para.section
    if not para.bullet and sec is not None and sec.heading and len(sec.heading) > 6:
        # ⑤发展环境不断优化。…: a goal item's headline that states the aim is the milestone
        return _record(doc, sc, sec.start, sec.text_start, sec.heading, para.year, None)
    clause = para.sentences[0].clauses[0]
    action = _LEAD_JUNK.sub("", sc.text[clause[0] : clause[1]]).strip()
    if len(action) <= 6 and len(para.sentences) > 1:
        # ——发展环境。人工智能创新创业生态初步形成，…: the bullet's label names, the next sentence commits
        clause = para.sentences[1].clauses[0]
        action = _LEAD_JUNK.sub("", sc.text[clause[0] : clause[1]]).strip()
    if not _good_action(action):
        return None
    return _record(doc, sc, para.start, clause[1], action, para.year, None)


def _from_deadline(doc: Document, sc: Scan, para: Paragraph, sent: Sentence, m: Marker) -> dict[str, Any] | None:
    """…2023年年底前出台X… → the clause, without its date."""
    clause = next((c for c in sent.clauses if c[0] <= m.start < c[1]), None)
    if clause is None:
        return None
    counted = counted_positions(sc, para, sent)
    start, end = clause
    if _LEAD_JUNK.sub("", sc.text[m.end : end]).strip() == "" and sc.text[start : m.start].strip() == "":
        nxt = next((c for c in sent.clauses if c[0] >= end), None)  # "2025年底前，" then the action
        if nxt is None:
            return None
        end = nxt[1]
    if any(start <= p < end for p in counted):
        return None  # a dated number: a target
    action = _LEAD_JUNK.sub("", sc.text[start : m.start] + sc.text[m.end : end]).strip()
    action = re.sub(r"^[，、：]+|(?<=[，、])[，、]+", "", action)
    if not _good_action(action):
        return None
    return _record(doc, sc, start, end, action, m.year, m.deadline)


def _goal_item(para: Paragraph) -> bool:
    """（5）发展环境。人工智能产业政策体系基本完善…: a numbered goal item is a bullet too."""
    sec = para.section
    return (
        sec is not None and sec.kind == "heading" and sec.label is not None and bool(sec.heading)
        and len(sec.heading or "") <= 10 and para.start == sec.text_start
    )


def _paragraph_milestones(doc: Document, sc: Scan, i: int) -> list[dict[str, Any]]:
    para = sc.paragraphs[i]
    out: list[dict[str, Any]] = []
    if para.base or para.cell or para.cond:  # a task table's row has its 完成时限 (task_table_milestones)
        return out
    if (para.bullet or _goal_item(para)) and para.lead is None and para.year is not None and para.sentences:
        item = _from_bullet(doc, sc, para)
        if item:
            out.append(item)
    if not para.has_markers and para.lead is None:
        return out
    for k, sent in enumerate(para.sentences):
        lead = lead_marker(sc.simp, sent.start, sent.markers)
        markers = sent.markers
        if k == 0 and para.lead is not None and para.lead not in markers:
            lead, markers = para.lead, [para.lead, *markers]  # 近期目标（2024—2025年）：…
        if not markers or sent.support:
            continue
        for m in markers:
            if _not_commitment(sc, sent, m):
                continue
            item = _from_marker(doc, sc, i, k, m, lead)
            if item:
                out.append(item)
    return out


def _not_commitment(sc: Scan, sent: Sentence, m: Marker) -> bool:
    """An effective date or a filing deadline, judged on the clause that holds the date
    (建立需求征集机制，2024年三季度发布场景清单 commits; 请于3月底前报送 does not)."""
    clause = next((c for c in sent.clauses if c[0] <= m.start < c[1]), (sent.start, sent.end))
    text = _LIST_NOUN.sub("", sc.simp[clause[0] : clause[1]])
    return bool(_NOT_COMMITMENT.search(text))


_LIST_NOUN = re.compile(r"推荐(?:目录|名单|清单)")  # 发布推荐目录: a list the plan publishes


def _from_marker(doc: Document, sc: Scan, i: int, k: int, m: Marker, lead: Marker | None) -> dict[str, Any] | None:
    para = sc.paragraphs[i]
    sent = para.sentences[k]
    if not m.future or m.date:
        return None
    if m is lead and (m.to or bare_lead(sc.simp, m)):
        # 第一步，到2020年，产业规模位居全国前列。 commits even when bullets detail it.
        return _from_lead(doc, sc, para, sent, m)
    if m.due or m.to:
        return _from_deadline(doc, sc, para, sent, m)
    return None


def extract_milestones(doc: Document) -> None:
    """Fill ``doc.milestones``."""
    sc = scan(doc)
    out: list[dict[str, Any]] = []
    seen: set[tuple[int, int]] = set()
    for i in range(len(sc.paragraphs)):
        for item in _paragraph_milestones(doc, sc, i):
            key = (item["span"][0], item["span"][1])
            if key not in seen:
                seen.add(key)
                out.append(item)
    beside_units, mentions = unit_time_limit_milestones(doc)
    clean = [doc.source_span(a, b) for a, b in mentions]
    out = [m for m in out if not any(a <= m["span"][0] < b for a, b in clean)]  # said once, by the task
    out += beside_units + task_table_milestones(doc)
    out.sort(key=lambda m: m["span"][0])
    doc.milestones = out


# A deadline closing a bracket (…；2024年底前完成）), not a period (（2019—2023年）).
_DATE_BEFORE_CLOSE = re.compile(
    r"(?:19|20)\d{2}年[^（()）\n，,；;]{0,10}?(?:底|末|前|月|季度|半年|完成)[^（()）\n]{0,6}[）)］\]〕】]"
)
_TIME_IN_MENTION = re.compile(rf"(?:{TIME_LABEL}\s*[：:]\s*)?(?:19|20)\d{{2}}年[^，,；;）)］\]〕】\n]*")


def unit_time_limit_milestones(doc: Document) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """A time limit beside a task's units — （牵头单位：市经信局；完成时限：2025年底）,
    （市经信局负责；2024年底前完成） — is a milestone of that task, as a task table's 完成时限
    cell is.  Returns the milestones and the (clean) ranges of the parentheses they came from."""
    out: list[dict[str, Any]] = []
    ranges: list[tuple[int, int]] = []
    simp = doc.simplified
    if not _DATE_BEFORE_CLOSE.search(simp, doc.body_start):
        return out, ranges  # most plans: no date inside any bracket
    found = find_mentions(doc.text, simp, doc.body_start, len(simp))
    for sec in doc.sections:
        if not (sec.units or sec.lead_units) or sec.kind not in ("heading", "article", "task"):
            continue
        for mention in (m for m in found if sec.text_start <= m.start and m.end <= sec.text_end):
            for m in _TIME_IN_MENTION.finditer(simp, mention.start + 1, mention.end - 1):
                if not TIME_PIECE.match(m.group(0)) or simp[m.start() - 1] not in "；;，,：: （(［[〔【":
                    continue
                year, due = parse_deadline(m.group(0))
                action = sec.heading or _first_clause(doc.text, sec.text_start, mention.start)
                if year is None or not action:
                    continue
                span, quote = item_span(doc, m.start(), m.end())
                out.append({"year": year, "deadline": due, "action": action, "quote": quote, "section": sec.id, "span": span})
                ranges.append((mention.start, mention.end))
    return out, ranges


def _first_clause(text: str, start: int, end: int) -> str:
    m = re.match(r"[^，。；！？\n]{4,60}", text[start:end].lstrip())
    return m.group(0) if m else ""


def task_table_milestones(doc: Document) -> list[dict[str, Any]]:
    """The 完成时限 cell of each row of a task-breakdown table is a milestone for the task
    section the units component made of that row."""
    tasks = {s.start: s for s in doc.sections if s.kind == "task"}
    out: list[dict[str, Any]] = []
    for table in doc.tables:
        due_col = column(table.header, DEADLINE_HEADERS)
        if due_col is None:
            continue
        for (start, end), row in zip(row_offsets(doc.text, table), table.rows, strict=False):
            task, cell = tasks.get(start), row[due_col].strip()
            year, due = parse_deadline(to_simplified(cell))
            if task is None or year is None:
                continue
            at = doc.text.rfind(cell, start, end)
            span = doc.source_span(at, at + len(cell))
            out.append(
                {
                    "year": year, "deadline": due, "action": task.heading, "quote": doc.raw.text[span[0] : span[1]],
                    "section": task.id, "span": list(span), "source": "task_table",
                }
            )
    return out
