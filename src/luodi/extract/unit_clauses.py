"""Responsibility clauses: where a plan says who delivers a task, and who leads.

The forms plans use, all parsed into lead units and co-responsible units:

* labelled parentheses: （责任单位：…）, （牵头单位：…；责任单位：…）, ［…］, 〔…〕, (責任單位:…),
  with a time limit beside them (（…；完成时限：2025年底）) that is not a unit;
* unlabelled ones, where the role is a verb after the names: （市发展改革委牵头，市经信局、
  市数据局配合）, （市经信局负责）, （各区政府按职责分工负责，下同）, （A会同B负责）;
* a line of its own after the task: 责任单位：市经济信息委、市大数据发展局.

Which section a clause belongs to is :mod:`luodi.extract.responsibility`'s business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from luodi.text import to_simplified

_ROLE = r"(?:牵头|责任|主责|负责|配合|协办|参与|协同|实施|承办)(?:单位|部门)"
_OPEN = "（(［[〔【"
_CLOSERS = "）)］]〕】"
_PAREN_START = re.compile(rf"[{re.escape(_OPEN)}]\s*(?={_ROLE}\s*[：:])")
_ROLE_LABEL = re.compile(rf"({_ROLE})\s*[：:]")
TIME_LABEL = r"(?:完成时限|完成时间|完成期限|时间节点|时限|进度安排)"
_OTHER_LABEL = re.compile(rf"{TIME_LABEL}\s*[：:]")
# A time limit beside the units: （…；完成时限：2025年底）, （…负责；2024年底前完成）, 持续推进.
TIME_PIECE = re.compile(
    rf"^\s*(?:{TIME_LABEL}\s*[：:]\s*)?(?:(?:19|20)\d{{2}}年[^，,；;]*|持续推进|长期坚持|持续实施|长期推进)\s*$"
)
_SEPARATORS = "、，,；;"
_LEAD_ROLES: tuple[str, ...] = ("牵头", "主责")
_CO_ROLES = ("配合", "协办", "参与", "协同")


@dataclass
class UnitMention:
    start: int  # clean offsets of the whole parenthesis (or line)
    end: int
    lead_units: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    own_line: bool = False  # a 责任单位： line after its task rather than a parenthesis closing it


def _closing(text: str, open_at: int) -> int:
    """Index of the bracket closing the one at ``open_at`` (nested brackets allowed), or -1."""
    depth = 0
    for i in range(open_at, min(len(text), open_at + 400)):
        ch = text[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSERS:
            depth -= 1
            if depth == 0:
                return i
        elif ch == "\n":
            return -1
    return -1


def split_units(text: str) -> list[str]:
    """Split at 、，；, but never inside brackets (有关区（市）县政府 stays whole) nor inside
    the fixed phrase 区、县（市） (各区、县（市）政府 is one body)."""
    parts = (text[lo:hi] for lo, hi in _top_level_split(text, _SEPARATORS))
    return [u for u in (_tidy(p) for p in parts) if u]


_IDIOM = re.compile("区、县（市）")


_SAME_BELOW = ("下同", "以下同")
# 各区政府，市有关部门按职责分工负责: the role verb is not part of the last name.
_ROLE_SUFFIX = re.compile(r"(?:按照?职责(?:分工)?|分别|共同)?(?:负责|落实|配合|参与|牵头)$")


def _tidy(unit: str) -> str:
    unit = unit.strip().strip("。.")
    unit = re.sub(r"\s+", "", unit)
    if unit in _SAME_BELOW:
        return ""  # （责任单位：市人社局，下同）
    bare = _ROLE_SUFFIX.sub("", unit)
    if bare != unit and len(bare) >= 2:
        unit = bare
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
    stops = sorted([m.start() for m in labels] + [m.start() for m in _OTHER_LABEL.finditer(simplified)] + [len(body)])
    for m in labels:
        end = next(stop for stop in stops if stop > m.start())  # 完成时限：… is not a unit
        names = split_units(body[m.end() : end])
        (leads if m.group(1).startswith(lead_roles) else units).extend(names)
    return leads, units


# -- unlabelled parentheses: the role is a verb after the names ------------------------------
_VERB = "(?:牵头|负责|落实|配合|参与|协同|协助|推进|实施)"
_VERB_CLOSE = re.compile(rf"{_VERB}\s*(?:[，,；;][^，,；;（）()\n]{{1,20}})?[）)］\]〕】]")  # …负责，下同）
_GROUP = re.compile(rf"^(?P<names>.+?)(?P<role>(?:按照?职责(?:分工)?|分别|共同|具体|组织)?{_VERB}+)$")
# What a responsible body's name ends with: 市发展改革委, 市经信局, 省科技厅, 各区政府,
# 中关村管委会, 市委网信办, 市委组织部, 各县（市、区）, 有关单位…
_BODY_END = re.compile(
    r"(?:委|局|厅|办|政府|会|中心|院|部|署|队|所|行|集团|公司|大学|学院|园区|组|处|室|社|站|馆|"
    r"单位|部门|机构|区|县|市|州|盟|旗|镇|街道|地方|各地|海关|[）)])$"
)
_NOT_A_BODY = re.compile(r"[。！？：:“”\"《》\d]|的|由|对|将|按")


def _body_like(name: str) -> bool:
    return 2 <= len(name) <= 30 and bool(_BODY_END.search(name)) and not _NOT_A_BODY.search(name)


def parse_unlabelled(body: str, simplified: str) -> tuple[list[str], list[str]] | None:
    """（A牵头，B、C配合） → ([A], [B, C]); （A、B负责） → ([], [A, B]); None unless every
    name looks like a body and every group of names ends with its role."""
    leads: list[str] = []
    units: list[str] = []
    co: list[str] = []
    pending = 0
    pieces = _top_level_split(simplified, "，,；;")
    for lo, hi in pieces:
        piece = simplified[lo:hi].rstrip()
        if not pending and (TIME_PIECE.match(piece) or piece.strip() in _SAME_BELOW):
            continue  # a time limit or 下同 beside the units
        m = _GROUP.match(piece)
        if m is None:
            pending = pending or lo + 1  # names continue into the next piece (A，B负责)
            continue
        first = (pending - 1) if pending else lo
        pending = 0
        written = body[first : lo + m.start("role")]
        lead_part, _, rest = written.partition("会同")  # A会同B负责: A leads
        names = split_units(rest) if rest else split_units(written)
        if not names or not all(_body_like(to_simplified(n)) for n in names):
            return None
        role = m.group("role")
        if rest:
            if not _body_like(to_simplified(lead_part.strip())):
                return None
            leads.append(lead_part.strip())
        if "牵头" in role:
            leads.extend(names)
        elif role.endswith(("配合", "参与", "协同", "协助")):
            co.extend(names)
        else:
            units.extend(names)
    if pending or not (leads or units or co):
        return None
    if not leads and co:  # beside 配合 units, the 负责 ones lead (as with labels)
        leads, units = units, []
    return leads, units + co


def _top_level_split(text: str, separators: str) -> list[tuple[int, int]]:
    """(start, end) of the pieces between ``separators`` outside brackets and outside 区、县（市）."""
    pieces: list[tuple[int, int]] = []
    depth = start = 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(depth - 1, 0)
        elif ch in separators and depth == 0 and not _IDIOM.match(text, i - 1):
            pieces.append((start, i))
            start = i + 1
    pieces.append((start, len(text)))
    return pieces


def _opening(text: str, close_at: int, floor: int) -> int:
    """Index of the bracket opening the one closed at ``close_at``, or -1."""
    depth = 0
    for i in range(close_at, max(floor, close_at - 200) - 1, -1):
        ch = text[i]
        if ch in _CLOSERS:
            depth += 1
        elif ch in _OPEN:
            depth -= 1
            if depth == 0:
                return i
        elif ch == "\n":
            return -1
    return -1


def _closes_sentence(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else "\n"
    after = text[end] if end < len(text) else "\n"
    return before in "。；;.\n" or after in "。；;.\n"


# -- a line of its own: 责任单位：A、B (and 牵头单位：… / 配合单位：… on the next line) ------------
_ROLE_LINE = re.compile(rf"^[ \t\u3000]*{_ROLE}\s*[：:][^\n]*", re.M)


def find_mentions(text: str, simplified: str, start: int, end: int) -> list[UnitMention]:
    out: list[UnitMention] = []
    for m in _PAREN_START.finditer(simplified, start, end):
        close = _closing(simplified, m.start())
        if close < 0:
            continue
        leads, units = parse_mention(text[m.start() + 1 : close], simplified[m.start() + 1 : close])
        out.append(UnitMention(m.start(), close + 1, leads, units))
    for m in _VERB_CLOSE.finditer(simplified, start, end):
        close = m.end() - 1
        open_at = _opening(simplified, close, start)
        if open_at < 0 or not _closes_sentence(simplified, open_at, close + 1):
            continue
        if any(o.start <= open_at < o.end for o in out):
            continue
        parsed = parse_unlabelled(text[open_at + 1 : close], simplified[open_at + 1 : close])
        if parsed:
            out.append(UnitMention(open_at, close + 1, *parsed))
    for m in _ROLE_LINE.finditer(simplified, start, end):
        line_start = m.start() + len(m.group()) - len(m.group().lstrip(" \t\u3000"))
        leads, units = parse_mention(text[line_start : m.end()], simplified[line_start : m.end()])
        previous = out[-1] if out and out[-1].own_line and out[-1].end + 1 >= line_start else None
        if previous is not None and simplified[previous.end : line_start].strip() == "":
            previous.end = m.end()  # 牵头单位：A \n 配合单位：B — one mention
            previous.lead_units += leads
            previous.units += units
            continue
        out.append(UnitMention(line_start, m.end(), leads, units, own_line=True))
    out.sort(key=lambda u: u.start)
    return out


def strip_unit_clauses(simplified: str, fill: str = "") -> str:
    """``simplified`` without its responsibility clauses, each replaced by ``fill`` repeated
    to its length (``"\n"`` keeps offsets), or removed.  For analyses, to which 市科技局 in
    every task is noise."""
    out, at = [], 0
    for m in find_mentions(simplified, simplified, 0, len(simplified)):
        out += [simplified[at : m.start], fill * (m.end - m.start)]
        at = m.end
    out.append(simplified[at:])
    return "".join(out)
