"""Responsible units: （责任单位：…）, （牵头单位：…；责任单位：…）, ［…］, 〔…〕, ☆ leads,
and task-breakdown tables — attached to the smallest section they close.

A parenthesis that closes a section's text belongs to that section.  When one section
holds several task paragraphs that each end with their own parenthesis (Chengdu's
（一）前沿基础研发计划。 followed by two tasks), each paragraph becomes a *task* section
under it, headed by its run-in first sentence, and carries its own units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from luodi.document import Document, Section, Table
from luodi.extract.units import canonical_units
from luodi.text import to_simplified

_ROLE = r"(?:牵头|责任|主责|负责|配合|协办|参与|协同|实施|承办)(?:单位|部门)"
_OPEN = "（(［[〔【"
_CLOSE = {"（": "）", "(": ")", "［": "］", "[": "]", "〔": "〕", "【": "】"}
_PAREN_START = re.compile(rf"[{re.escape(_OPEN)}]\s*(?={_ROLE}\s*[：:])")
_ROLE_LABEL = re.compile(rf"({_ROLE})\s*[：:]")
_SEPARATORS = "、，,；;"
_STAR = "☆★"
_STAR_LEGEND = re.compile(rf"[{_STAR}]\S{{0,6}}(?:为|是|表示)\S{{0,4}}牵头")
_LEAD_ROLES: tuple[str, ...] = ("牵头", "主责")
_CO_ROLES = ("配合", "协办", "参与", "协同")


@dataclass
class UnitMention:
    start: int  # clean offsets of the whole parenthesis
    end: int
    lead_units: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)


def _closing(text: str, open_at: int) -> int:
    """Index of the bracket closing the one at ``open_at`` (nested brackets allowed), or -1."""
    depth = 0
    for i in range(open_at, min(len(text), open_at + 400)):
        ch = text[i]
        if ch in _OPEN:
            depth += 1
        elif ch in "）)］]〕】":
            depth -= 1
            if depth == 0:
                return i
        elif ch == "\n":
            return -1
    return -1


def split_units(text: str) -> list[str]:
    """Split at 、，；, but never inside brackets (有关区（市）县政府 stays whole) nor inside
    the fixed phrase 区、县（市） (各区、县（市）政府 is one body)."""
    parts: list[str] = []
    depth = start = 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in "）)］]〕】":
            depth = max(depth - 1, 0)
        elif ch in _SEPARATORS and depth == 0 and not _IDIOM.match(text, i - 1):
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [u for u in (_tidy(p) for p in parts) if u]


_IDIOM = re.compile("区、县（市）")


def _tidy(unit: str) -> str:
    unit = unit.strip().strip("。.")
    unit = re.sub(r"\s+", "", unit)
    if unit.endswith("等") and len(unit) > 2:
        unit = unit[:-1]  # a trailing 等 ("市前海管理局等") closes an open list
    return unit


def parse_mention(body: str, simplified: str) -> tuple[list[str], list[str]]:
    """lead units and co-responsible units of one parenthesis body."""
    leads: list[str] = []
    units: list[str] = []
    labels = list(_ROLE_LABEL.finditer(simplified))
    roles = [m.group(1) for m in labels]
    # Beside 配合/协办 units and no 牵头 label, the 责任 unit is the one that leads.
    lead_roles = _LEAD_ROLES + (("责任", "负责") if any(r.startswith(_CO_ROLES) for r in roles) else ())
    if any(r.startswith("牵头") for r in roles):
        lead_roles = _LEAD_ROLES
    for k, m in enumerate(labels):
        end = labels[k + 1].start() if k + 1 < len(labels) else len(body)
        names = split_units(body[m.end() : end])
        (leads if m.group(1).startswith(lead_roles) else units).extend(names)
    return leads, units


def find_mentions(text: str, simplified: str, start: int, end: int) -> list[UnitMention]:
    out: list[UnitMention] = []
    for m in _PAREN_START.finditer(simplified, start, end):
        close = _closing(simplified, m.start())
        if close < 0:
            continue
        leads, units = parse_mention(text[m.start() + 1 : close], simplified[m.start() + 1 : close])
        out.append(UnitMention(m.start(), close + 1, leads, units))
    return out


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
    for sec in list(doc.sections):
        if sec.kind not in ("heading", "article"):
            continue
        mentions = find_mentions(text, simplified, sec.text_start, sec.text_end)
        if not mentions:
            continue
        paragraphs = _closing_paragraphs(text, sec, mentions)
        if len(paragraphs) >= 2:
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


def _add(sec: Section, mention: UnitMention) -> None:
    sec.lead_units += [u for u in mention.lead_units if u not in sec.lead_units]
    sec.units += [u for u in mention.units if u not in sec.units]


def _closing_paragraphs(text: str, sec: Section, mentions: list[UnitMention]) -> list[tuple[int, int, UnitMention]]:
    """Paragraphs (start, end, mention) of the section's own text that end with a mention."""
    out = []
    para_start = sec.text_start
    for m in mentions:
        tail = text[m.end : text.find("\n", m.end) if "\n" in text[m.end : sec.text_end] else sec.text_end]
        if tail.strip(" 。；;.\u3000"):
            continue  # the parenthesis does not close its paragraph
        line_start = text.rfind("\n", sec.text_start, m.start) + 1
        para_start = max(line_start, sec.text_start)
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


_TASK_HEADERS = ("重点任务", "主要任务", "工作任务", "具体任务", "任务", "工作内容", "工作措施", "主要内容", "事项")
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


def _tasks_from_table(doc: Document, table: Table) -> None:
    """A task-breakdown table (任务 | 牵头单位 | 配合单位 | 完成时限): one task section per row."""
    task_col = column(table.header, _TASK_HEADERS)
    lead_col = column(table.header, _LEAD_HEADERS)
    if task_col is None or lead_col is None or column(table.header, ("场景名称", "场景")) is not None:
        return
    co_col = column(table.header, _CO_HEADERS)
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
        named = split_units(row[lead_col].replace(" ", "、"))
        if lead_is_lead:
            task.lead_units = named
        else:
            task.units = named
        if co_col is not None:
            task.units += split_units(row[co_col].replace(" ", "、"))
        doc.sections.append(task)


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
