"""Responsible units on the sections they govern: each responsibility clause (the forms are
in :mod:`luodi.extract.unit_clauses`) is attached to the smallest section it closes; ☆ leads
with a legend; task-breakdown tables.

A parenthesis that closes a section's text belongs to that section.  When one section
holds several task paragraphs that each end with their own parenthesis (Chengdu's
（一）前沿基础研发计划。 followed by two tasks), each paragraph becomes a *task* section
under it, headed by its run-in first sentence, and carries its own units.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from luodi.document import Document, Section, Table
from luodi.extract.unit_clauses import UnitMention, find_mentions, parse_unlabelled, split_units
from luodi.extract.units import canonical_units
from luodi.text import to_simplified

_STAR = "☆★"
_STAR_LEGEND = re.compile(rf"[{_STAR}]\S{{0,6}}(?:为|是|表示)\S{{0,4}}牵头")


def _apply_stars(doc: Document, simplified: str) -> None:
    """With a legend such as 标☆的为牵头单位, starred units are leads."""
    if not _STAR_LEGEND.search(simplified):
        return
    for sec in doc.sections:
        starred = [u for u in sec.units if u[:1] in _STAR or u[-1:] in _STAR]
        if starred:
            sec.lead_units += [u.strip(_STAR) for u in starred]
            sec.units = [u for u in sec.units if u not in starred]


def assign_units(doc: Document) -> None:
    text = doc.text
    simplified = doc.simplified
    found = find_mentions(text, simplified, doc.body_start, len(text))  # once, then per section
    starts = [m.start for m in found]
    for sec in list(doc.sections):
        if sec.kind not in ("heading", "article"):
            continue
        lo, hi = bisect_left(starts, sec.text_start), bisect_left(starts, sec.text_end)
        mentions = [m for m in found[lo:hi] if m.end <= sec.text_end]
        if not mentions:
            continue
        paragraphs = _closing_paragraphs(text, sec, mentions)
        if (
            len(paragraphs) >= 2 and _run_in(text, sec) and paragraphs[0][0] == sec.text_start
            and "\n" not in text[paragraphs[0][1] : paragraphs[1][0]]
        ):  # 2．培育工业数据产品。…（…）建设行业可信数据空间。…（…）: the item's own task, then another
            _add(sec, paragraphs.pop(0)[2])
        if len(paragraphs) >= 2 or (paragraphs and (sec.lead_units or sec.units)):
            _split_into_tasks(doc, sec, paragraphs)
        else:
            for m in mentions:
                _add(sec, m)
    for table in doc.tables:
        _tasks_from_table(doc, table)
    _apply_stars(doc, simplified)
    for sec in doc.sections:
        if sec.lead_units or sec.units:
            sec.lead_units_canonical = canonical_units(sec.lead_units, doc.meta)
            sec.units_canonical = canonical_units(sec.units, doc.meta)


def _run_in(text: str, sec: Section) -> bool:
    """The section's heading and its text share a line (（四）加强科技研发攻关。聚焦…)."""
    return sec.text_start > sec.start and text[sec.text_start - 1 : sec.text_start] != "\n"


def _add(sec: Section, mention: UnitMention) -> None:
    sec.lead_units += [u for u in mention.lead_units if u not in sec.lead_units]
    sec.units += [u for u in mention.units if u not in sec.units]


def _closing_paragraphs(text: str, sec: Section, mentions: list[UnitMention]) -> list[tuple[int, int, UnitMention]]:
    """Paragraphs (start, end, mention) of the section's own text that end with a mention."""
    out: list[tuple[int, int, UnitMention]] = []
    for m in mentions:
        tail = text[m.end : text.find("\n", m.end) if "\n" in text[m.end : sec.text_end] else sec.text_end]
        # 培育工业数据产品。…（牵头单位：…）建设行业可信数据空间。…（牵头单位：…）: a clause after a
        # full stop, followed by the next task's sentence, closes a task inside the line.
        mid_line = text[m.start - 1 : m.start] in "。；" and bool(tail.strip())
        if tail.strip(" 。；;.\u3000") and not mid_line:
            continue  # the parenthesis does not close its paragraph
        floor = max(out[-1][1] if out else sec.text_start, sec.text_start)
        if m.own_line:  # the task is every line since the previous task
            para_start = floor + len(text[floor : m.start]) - len(text[floor : m.start].lstrip())
        else:
            para_start = max(text.rfind("\n", sec.text_start, m.start) + 1, floor)
        out.append((para_start, m.end, m))
    return out


_RUN_IN = re.compile(r"^([^。！？；\n]{2,40}?)[。！？；]")


def _split_into_tasks(doc: Document, sec: Section, paragraphs: list[tuple[int, int, UnitMention]]) -> None:
    """One task section per paragraph that ends with its own units."""
    text = doc.text
    tasks: list[Section] = []
    for k, (start, end, mention) in enumerate(paragraphs):
        # The first paragraph may share its line with the section's own heading.
        body_start = sec.text_start if start < sec.text_start else start
        m = _RUN_IN.match(text[body_start:end])
        heading = m.group(1) if m else None
        task = Section(
            id=f"{sec.id}.t{k + 1}", parent=sec.id, label=None, heading=heading, level=sec.level + 1,
            start=body_start, text_start=body_start + (m.end() if m else 0), text_end=end, end=end, kind="task",
        )
        _add(task, mention)
        tasks.append(task)
    for k, task in enumerate(tasks):  # a task runs to the next one (text between stays with it)
        task.end = task.text_end = tasks[k + 1].start if k + 1 < len(tasks) else max(task.end, sec.text_end)
    sec.text_end = tasks[0].start if tasks[0].start > sec.text_start else sec.text_start
    at = doc.sections.index(sec) + 1
    while at < len(doc.sections) and doc.sections[at].start < sec.text_end:
        at += 1
    doc.sections[at:at] = tasks


_TASK_HEADERS = (
    "重点任务", "主要任务", "工作任务", "具体任务", "任务", "工作内容", "工作措施", "主要内容", "事项",
    "工程名称", "重点工程", "项目名称", "重点项目",
)
_LEAD_HEADERS = ("牵头单位", "牵头部门", "责任单位", "主责单位", "负责单位", "责任部门")
_CO_HEADERS = ("配合单位", "配合部门", "协办单位", "参与单位", "协同单位")
DEADLINE_HEADERS = ("完成时限", "完成时间", "时间节点", "时限", "进度安排", "完成期限")


def column(header: list[str], names: tuple[str, ...]) -> int | None:
    simplified = [to_simplified(h).replace(" ", "") for h in header]
    for name in names:
        for i, h in enumerate(simplified):
            if h == name or (name in h and len(h) <= len(name) + 4):
                return i
    return None


def is_task_table(table: Table) -> bool:
    """任务 | 牵头单位 | … (and not a scenario list, which also names units)."""
    return (
        column(table.header, _TASK_HEADERS) is not None and column(table.header, _LEAD_HEADERS) is not None
        and column(table.header, ("场景名称", "场景")) is None
    )


def _tasks_from_table(doc: Document, table: Table) -> None:
    """A task-breakdown table (任务 | 牵头单位 | 配合单位 | 完成时限): one task section per row."""
    if not is_task_table(table):
        return
    task_col = column(table.header, _TASK_HEADERS)
    lead_col = column(table.header, _LEAD_HEADERS)
    assert task_col is not None and lead_col is not None
    co_col = column(table.header, _CO_HEADERS)
    if co_col is None:  # 牵头单位 | 责任单位: the second names the co-responsible units
        other = column(table.header, ("责任单位", "责任部门"))
        co_col = other if other is not None and other != lead_col else None
    lead_is_lead = "牵头" in to_simplified(table.header[lead_col]) or co_col is not None
    parent = next((s for s in doc.sections if s.id == table.section), None)
    row_starts = row_offsets(doc.text, table)
    for k, row in enumerate(table.rows):
        if not row[task_col].strip():
            continue
        start, end = row_starts[k]
        task = Section(
            id=f"{table.section or 'table'}.r{k + 1}", parent=parent.id if parent else None, label=None,
            heading=row[task_col].strip(), level=(parent.level + 1) if parent else 1, start=start,
            text_start=start, text_end=end, end=end, kind="task",
        )
        marked = _marked_leads(row[lead_col])
        if marked is not None:  # 市工信局（牵头）、市科技局 / 市发改委牵头，市财政局配合
            task.lead_units, task.units = marked
        elif lead_is_lead:
            task.lead_units = split_units(row[lead_col].replace(" ", "、"))
        else:
            task.units = split_units(row[lead_col].replace(" ", "、"))
        if co_col is not None:
            task.units += split_units(row[co_col].replace(" ", "、"))
        doc.sections.append(task)


_LEAD_MARK = re.compile(r"[（(]\s*牵头\s*[）)]$")


def _marked_leads(cell: str) -> tuple[list[str], list[str]] | None:
    """A units cell that says which unit leads, or None: 市工信局（牵头）、市科技局 (the lead
    marked), 市发改委牵头，市财政局配合 (roles as verbs, as in the text's parentheses)."""
    simple = to_simplified(cell)
    if "牵头" not in simple:
        return None
    names = split_units(cell.replace(" ", "、"))
    if any(_LEAD_MARK.search(to_simplified(n)) for n in names):
        leads = [_LEAD_MARK.sub("", n) for n in names if _LEAD_MARK.search(to_simplified(n))]
        return leads, [n for n in names if not _LEAD_MARK.search(to_simplified(n))]
    return parse_unlabelled(cell, simple)


def row_offsets(text: str, table: Table) -> list[tuple[int, int]]:
    """(start, end) clean offsets of each data row of ``table``."""
    rows: list[tuple[int, int]] = []
    pos = text.find("\n", table.start) + 1  # skip the header row
    while pos and pos <= table.end:
        end = text.find("\n", pos)
        end = table.end if end < 0 or end > table.end else end
        rows.append((pos, end))
        pos = end + 1
    return rows
