"""The outline: numbered headings of every style these documents use, as a tree.

Each heading line is recognised by its numbering *scheme* (一、 / （一） / 1． / （1） /
① / 第一章 / 第一条 / 第一步 / Markdown #).  Levels are not fixed per scheme: a
document's hierarchy is the order in which its schemes nest.  A stack of open schemes
does that: a scheme already open closes everything below it and becomes a sibling; a
new scheme opens a child level.  So a plan that lost its 一、 headings simply has
（一） at the top, and numbering that restarts under each parent is fine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from luodi.document import Document, Section

_CN = "〇零一二三四五六七八九十百千两"
# (scheme, pattern); the label is group 1, the rest of the line group 2.
SCHEMES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(rf"^(第[{_CN}\d]+(?:部分|篇))\s*[、：:．.]?\s*(.*)$")),
    ("chapter", re.compile(rf"^(第[{_CN}\d]+章)\s*[、：:．.]?\s*(.*)$")),
    ("section", re.compile(rf"^(第[{_CN}\d]+节)\s*[、：:．.]?\s*(.*)$")),
    ("article", re.compile(rf"^(第[{_CN}\d]+条)\s*[、：:．.]?\s*(.*)$")),
    ("step", re.compile(rf"^(第[{_CN}\d]+步)\s*[，,、：:]?\s*(.*)$")),
    ("cn", re.compile(rf"^([{_CN}]+[、．.])\s*(.*)$")),
    ("pcn", re.compile(rf"^(（[{_CN}]+）)\s*[、．.]?\s*(.*)$")),
    ("num", re.compile(r"^(\d{1,2}(?:[．、]|\.(?!\d)))\s*(.*)$")),
    ("pnum", re.compile(r"^(（\d{1,2}）)\s*[、．.]?\s*(.*)$")),
    ("circle", re.compile(r"^([①-⑳])\s*[、．.]?\s*(.*)$")),
)
_MARKDOWN = re.compile(r"^(#{1,6})\s*(.+)$")
_ANNEX = re.compile(r"^(附件|附录|附表)\s*(\d{0,2})\s*[：:]?\s*(.*)$")
# A run-in heading is a short first sentence: "（四）加强科技研发攻关。聚焦…".
_RUN_IN = re.compile(r"^([^。！？；\n]{2,40}?)[。！？；](.+)$")
# A heading line that ends with the units of its whole block.
_UNITS_AFTER = re.compile(
    r"[（(［\[〔【]\s*(?:牵头|责任|主责|负责|配合|协办|参与)(?:单位|部门|單位)\s*[：:][^。\n]*[）)］\]〕】]\s*$"
)
# An article's is shorter still, without a comma and not opening as a clause of law does
# (本办法…, 国家…, 各级…, 对…, 为了…): measures title their articles, regulations do not.
_ARTICLE_TITLE = re.compile(
    r"^(?!本|各|凡|对|为|在|根据|依据|按照|国家|县级|有关|相关|任何|禁止|不得|以|自|此|该|所|其)"
    r"([^。！？；，,、：:“”\n]{2,20})。(.+)$"
)


@dataclass
class Heading:
    scheme: str
    label: str | None
    heading: str | None
    text_offset: int  # offset of the section's own text within the line


def match_heading(line: str) -> Heading | None:
    md = _MARKDOWN.match(line)
    if md:
        inner = match_heading(md.group(2))
        if inner:
            return Heading(inner.scheme, inner.label, inner.heading, inner.text_offset + md.start(2))
        return Heading(f"md{len(md.group(1))}", None, md.group(2).strip(), len(line))
    for scheme, pattern in SCHEMES:
        m = pattern.match(line)
        if not m:
            continue
        rest = m.group(2)
        if scheme in ("num", "cn") and not rest:
            return None  # a lone number is a fragment, not a heading
        heading, offset = _split_heading(scheme, rest, m.start(2))
        return Heading(scheme, m.group(1), heading, offset)
    return None


def _split_heading(scheme: str, rest: str, rest_at: int) -> tuple[str | None, int]:
    """Heading text and where the section's own text starts in the line."""
    rest_stripped = rest.lstrip("，,：: ")
    lead = len(rest) - len(rest_stripped)
    if scheme == "article":
        m = _ARTICLE_TITLE.match(rest_stripped)
        if m and len(m.group(2)) >= 8 and m.group(2)[0] not in "（(［[〔【":  # 第二条　支持通用大模型研发。对…
            return m.group(1), rest_at + lead + m.start(2)
        return None, rest_at + lead  # 第一条 为了规范…，制定本办法。: a regulation's text
    if scheme == "step":
        return None, rest_at + lead  # steps carry text, not titles
    if not rest_stripped:
        return None, rest_at
    units = _UNITS_AFTER.search(rest_stripped)
    if units and 2 <= units.start() <= 40 and not re.search("[。！？；]", rest_stripped[: units.start()].rstrip("。")):
        # （二）完善低空基础设施网络（牵头单位：…）: the units govern the block
        return rest_stripped[: units.start()].rstrip("。；，"), rest_at + lead + units.start()
    whole = rest_stripped.rstrip("。；")
    short = len(whole) <= 32 or (len(whole) <= 60 and "，" not in whole)
    if short and "。" not in whole and not rest_stripped.endswith(("：", "；", ";")):
        return whole, rest_at + len(rest)
    m = _RUN_IN.match(rest_stripped)
    if m and "，" not in m.group(1)[-1:]:
        return m.group(1), rest_at + lead + m.start(2)
    return None, rest_at + lead


@dataclass
class _Open:
    scheme: str
    section: Section


def build_outline(doc: Document) -> None:
    """Append heading, article and annex sections (and a preamble) to ``doc.sections``."""
    text = doc.text
    stack: list[_Open] = []
    counters: dict[str | None, int] = {}
    made: list[Section] = []
    pos = doc.body_start
    preamble_end = None
    for raw in text[doc.body_start :].split("\n"):
        line_start, line_end = pos, pos + len(raw)
        pos = line_end + 1
        annex = _ANNEX.match(raw)
        if annex and made and not annex.group(3).startswith(("：", ":")):
            stack.clear()
            sec = _new_section(made, counters, None, "annex", annex.group(1) + annex.group(2), annex.group(3) or None)
            sec.start, sec.text_start = line_start, line_end
            stack.append(_Open("annex", sec))
            continue
        found = match_heading(raw)
        if not found or "\t" in raw:
            continue
        if preamble_end is None:
            preamble_end = line_start
        while stack and stack[-1].scheme != found.scheme and found.scheme in {o.scheme for o in stack}:
            stack.pop()
        if stack and stack[-1].scheme == found.scheme:
            stack.pop()
        parent = stack[-1].section if stack else None
        kind = "article" if found.scheme == "article" else "heading"
        sec = _new_section(made, counters, parent, kind, found.label, found.heading)
        sec.start, sec.text_start = line_start, line_start + found.text_offset
        stack.append(_Open(found.scheme, sec))
    _close_spans(made, len(text))
    preamble = _preamble(doc, preamble_end if preamble_end is not None else len(text))
    doc.sections.extend(([preamble] if preamble else []) + made)


def _new_section(
    made: list[Section], counters: dict[str | None, int], parent: Section | None, kind: str, label: str | None,
    heading: str | None,
) -> Section:
    key = parent.id if parent else None
    counters[key] = counters.get(key, 0) + 1
    if kind == "annex":
        sid = f"annex{sum(1 for s in made if s.kind == 'annex') + 1}"
    else:
        sid = f"{parent.id}.{counters[key]}" if parent else str(counters[key])
    sec = Section(
        id=sid,
        parent=parent.id if parent else None,
        label=label,
        heading=heading,
        level=parent.level + 1 if parent else 1,
        start=0,
        text_start=0,
        text_end=0,
        end=0,
        kind=kind,
    )
    made.append(sec)
    return sec


def _close_spans(made: list[Section], text_end: int) -> None:
    """A section's own text runs to the next section; its span runs to the next non-descendant."""
    for i, sec in enumerate(made):
        nxt = made[i + 1].start if i + 1 < len(made) else text_end
        sec.text_end = max(nxt, sec.text_start)
        end = text_end
        for later in made[i + 1 :]:
            if later.level <= sec.level:
                end = later.start
                break
        sec.end = max(end, sec.text_end)


def _preamble(doc: Document, end: int) -> Section | None:
    start = doc.body_start
    if not doc.text[start:end].strip():
        return None
    return Section(
        id="preamble", parent=None, label=None, heading=None, level=1, start=start, text_start=start,
        text_end=end, end=end, kind="preamble",
    )
