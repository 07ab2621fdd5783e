"""Quantitative targets and baselines (``doc.targets``), and the reading of a plan that the
milestone and support extractors share (:func:`scan`).

A plan is read once, paragraph by paragraph and sentence by sentence, on the simplified
view of the clean text.  Each paragraph learns its *context* from the outline and from
the year markers it opens with:

- **goal**: under a future year (到2020年… governs its paragraph, the "——" bullets after it
  and the rest of its section), or in a section headed 目标/指标.  Every quantity there is
  a target, except names, ranks, conditions and support standards.
- **base**: a 发展基础/现状/成效 section, or a sentence that opens with a past year or 截至.
  Quantities there are baselines, with the year of their own sentence only.
- **plain**: elsewhere (task lists, measures).  A quantity is a target only when a verb of
  building or reaching governs it (共建5家以上…, 规模突破1000亿元), never in articles or
  conditions (应当/具备/不少于…).

Rules that hold everywhere: numbers inside 《》〔〕“”, ordinals (第三届), ranks (前十名),
years and dates, 5G/4K, scale adjectives (千亿级), counts of the places just named
(广州和深圳2家…), counts that only name the subject of another number
(10个基地产值达10230亿元), thresholds in a noun phrase (估值1亿元以上的企业) and every
sentence that states a support standard are not targets.

Speed: each pattern runs once over the whole body and its hits are bucketed by sentence
with ``bisect``; clauses are only cut for sentences that hold something.
"""

from __future__ import annotations

import re
import weakref
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from luodi.document import Document, Section
from luodi.extract.classify import gazetteer
from luodi.extract.numbers import (
    PRE_QUALIFIER_RE,
    Marker,
    Quantity,
    find_markers,
    find_quantities,
)
from luodi.extract.responsibility import is_task_table, row_offsets

# -- masks ------------------------------------------------------------------------------

# One literal-prefixed pattern per kind of bracket (see numbers.YEAR_RES for why not one pattern).
_QUOTED = tuple(
    re.compile(p)
    for p in (r"《[^《》\n]*》", r"〔[^〔〕\n]*〕", r"“[^“”\n]*”", r"「[^「」\n]*」", r"‘[^‘’\n]*’", r"\[[^\[\]\n]*\]")
)


class MaskIndex:
    """Sorted spans whose numbers are names, not quantities (titles, quotes, labels)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans.sort()
        self.starts = [s for s, _ in spans]
        self.spans = spans

    def covers(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and self.spans[i][0] <= pos < self.spans[i][1]


class Hits:
    """Start offsets of one pattern's matches, to ask "any in [s, e)?" by bisection.

    The pattern runs over the whole text on the first question only: many plans never ask."""

    def __init__(self, pattern: re.Pattern[str], text: str, start: int) -> None:
        self.pattern, self.text, self.start = pattern, text, start

    @cached_property
    def starts(self) -> list[int]:
        return [m.start() for m in self.pattern.finditer(self.text, self.start)]

    def any_in(self, start: int, end: int) -> bool:
        starts = self.starts
        i = bisect_left(starts, start)
        return i < len(starts) and starts[i] < end


# -- the scan -------------------------------------------------------------------------------

_SENT_END = re.compile(r"[。！？!?]")
# A comma between digits is a thousands separator (1,200), a colon between digits a time.
_CLAUSE_PUNCT = re.compile(r"[，；;：]|,(?!\d{3})|:(?!\d)")
_PAREN = re.compile(r"（[^（）\n]*）|\([^()\n]*\)")
_LIST_LABEL = re.compile(
    r"[一二三四五六七八九十百]+[、．.]|[（(][一二三四五六七八九十百\d]+[）)]|\d+[、．.]?|第[一二三四五六七八九十百零\d]+条"
)
_BULLET = re.compile(r"(?:——|—|－－|[·●•▪◆■◇○])\s*")
# A short lead before a paragraph's year marker: "第一步，", "近期目标：", "——".
_LEAD = re.compile(
    r"(?:——|—|[·●•▪◆■])?\s*(?:第[一二三四五六七八九十]+(?:步|阶段)[，：]?|(?:近期|中期|远期|总体|主要|发展|具体)?目标[：，]?)?"
    r"(?:力争|争取|预计|计划|确保)?"
)
_GOAL_HEAD = re.compile(r"目标|指标")
_BASE_HEAD = re.compile(
    r"发展基础|工作基础|现实基础|基础与环境|基础和环境|基础条件|发展现状|现状|成效|成就|回顾|发展环境|形势"
)
# What applicants must meet and how they apply: conditions, never commitments.
_COND_HEAD = re.compile(
    r"^(?:申报|评审|遴选|评选|推荐|报送)"
    r"|(?:(?:申报|申请|基本|支持|认定|入选|遴选|评选|主体|项目|资格)条件|须知|(?:申报|评审|办理|工作)(?:程序|流程|材料)"
    r"|联系方式|有关要求|工作要求|评审标准|认定标准)$"
)
_VERB_HEAD = re.compile(r"^(?:夯实|强化|加强|筑牢|巩固|完善|提升|提高|打牢|厚植|优化|推动|加快|构建|营造|确保)")
# Sentences about the past even outside a 发展基础 section.
_BASE_OPENING = re.compile(r"目前|当前|现阶段|近年来|截至目前|过去五年|[“‘]?十[一二三四五]五[”’]?(?:期间|时期|以来)")
_FIVE_YEAR = {"一": 2010, "二": 2015, "三": 2020, "四": 2025, "五": 2030}  # 十X五: the year the plan period ends
# 已建成…, 全市共有规上企业3000家, 2021年以来… (but not 现有: 支持现有4家企业… is a task,
# nor 拥有量: 发明专利拥有量达到25件 is a target).
_BASE_DONE = re.compile(
    r"已(?:经)?(?:建成|形成|集聚|聚集|累计|拥有|培育|引进|达到|突破|超过|获批|认定|落户)"
    r"|(?:共有|拥有(?![量率]))[^，。；]{0,20}\d|(?:19|20)\d{2}年以来"
)
# Eligibility and rules (but 培育具备国际竞争力的企业, 满足元宇宙低时延需求 are aims, not conditions).
_CONDITIONAL = re.compile(
    r"应当|[应须需]具备|须|必须|条件|不得|申请|申报|满足[^，。；]{0,10}(?:要求|标准)|符合[^，。；]{0,10}(?:要求|标准|规定)"
    r"|是指|以下简称|认定为"
)
# Support standards: never targets (supports.py reads them).
SUPPORT_NOUN = r"支持|扶持|奖励|补助|补贴|资助|激励|贴息|奖补|配套|倾斜|优惠|减免|启动资金"
# Patterns that run over a whole plan start with a literal, so ``re`` skips ahead instead of
# trying every character (see numbers.YEAR_RES).
GIVE_RE = re.compile(rf"给(?<![不再]给)[予与][^，。；\n]{{0,40}}?(?:{SUPPORT_NOUN})")
MONEY_SUPPORT_RE = re.compile(r"奖励|补助|补贴|资助|激励|贴息|奖补")
CONDITIONAL_SUPPORT_RE = re.compile(r"支持(?:符合条件|经认定|新认定|新引进)")


def _clauses(simp: str, start: int, end: int) -> list[tuple[int, int]]:
    """Comma clauses; a parenthesis holding a number ((其中国家级…10个以上)) is a clause of its own."""
    cuts = [m.start() for m in _CLAUSE_PUNCT.finditer(simp, start, end)]
    for m in _PAREN.finditer(simp, start, end):
        inner = simp[m.start() + 1 : m.end() - 1]
        if any(c.isdigit() for c in inner) or inner.startswith("其中"):
            cuts += [m.start(), m.end() - 1]
    out = []
    pos = start
    for cut in sorted(set(cuts)):
        if cut > pos:
            out.append((pos, cut))
        pos = cut + 1
    if pos < end:
        out.append((pos, end))
    return out


@dataclass
class Sentence:
    start: int
    end: int
    index: _Index = field(repr=False)  # the scan's hits, shared by every sentence
    markers: list[Marker] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    # _candidates by (goal, base): targets and milestones both ask for them
    candidates: dict[tuple[bool, bool], list[_Found]] = field(default_factory=dict, repr=False)

    def quantities_in(self, start: int, end: int) -> list[Quantity]:
        return [q for q in self.quantities if start <= q.start and q.end <= end]

    @cached_property
    def clauses(self) -> list[tuple[int, int]]:
        return _clauses(self.index.simp, self.start, self.end)

    @cached_property
    def support(self) -> bool:
        """States a support standard (给予…支持, 奖励100万元): never a target."""
        idx, s, e = self.index, self.start, self.end
        money = any(q.is_money or q.unit == "%" for q in self.quantities)
        if idx.give.any_in(s, e) or idx.conditional_support.any_in(s, e):
            return True
        return money and bool(MONEY_SUPPORT_RE.search(idx.simp, s, e))

    @cached_property
    def base(self) -> bool:
        """About the past: opens with 截至/a past year/目前…, or says 已建成…, with no future year."""
        lead = lead_marker(self.index.simp, self.start, self.markers)
        if lead is not None and lead.past:
            return True
        if any(m.future for m in self.markers):
            return False
        if any(m.past and bare_lead(self.index.simp, m) for m in self.markers):
            return True  # 产业基础雄厚，2023年，全市低空经济年产值超过900亿元: the year opens a clause
        simp = self.index.simp
        m = _BASE_OPENING.match(simp, self.start)
        if m and "五" in m.group(0) and not m.group(0).endswith("以来"):
            # “十四五”期间 is the past in a 2026 plan and the plan itself in a 2021 one.
            ref = self.index.ref_year
            five = re.search(r"十([一二三四五])五", m.group(0))
            return bool(five and ref is not None and _FIVE_YEAR[five.group(1)] < ref)
        return bool(m or _BASE_DONE.search(simp, self.start, self.end))

    @cached_property
    def conditional(self) -> bool:
        """应当/具备/不少于…: rules and eligibility, not goals."""
        return bool(_CONDITIONAL.search(self.index.simp, self.start, self.end))


@dataclass
class Paragraph:
    start: int
    end: int
    section: Section | None
    index: _Index = field(repr=False)
    bullet: bool = False
    lead: Marker | None = None  # the year the paragraph opens with (到2020年，…)
    year: int | None = None  # the goal year in force (own lead or inherited)
    aim: bool = False  # under 力争/争取
    goal: bool = False
    base: bool = False
    article: bool = False
    cell: bool = False  # a prose cell of a task-breakdown table
    cond: bool = False  # under 申报条件/评审/… : what applicants must meet

    @cached_property
    def sentences(self) -> list[Sentence]:
        """Cut only when an extractor asks: most paragraphs hold nothing to extract."""
        idx = self.index
        out = []
        pos = self.start
        for m in _SENT_END.finditer(idx.simp, self.start, self.end):
            if m.start() > pos:
                out.append(_sentence(idx, pos, m.start()))
            pos = m.end()
        if pos < self.end:
            out.append(_sentence(idx, pos, self.end))
        return out

    @property
    def has_quantities(self) -> bool:
        return self.index.any_quantity(self.start, self.end)

    @property
    def has_markers(self) -> bool:
        return self.index.any_marker(self.start, self.end)


class _Index:
    """Every hit the sentences need, found in one pass over the body."""

    def __init__(self, simp: str, start: int, ref_year: int | None, masks: MaskIndex) -> None:
        self.simp = simp
        self.ref_year = ref_year
        self.quantities = find_quantities(simp, start)
        self.q_starts = [q.start for q in self.quantities]
        self.markers = [m for m in find_markers(simp, start, ref_year) if not masks.covers(m.start)]
        self.m_starts = [m.start for m in self.markers]
        # Literal-prefixed, hence cheap over the whole text; the rarer questions (money words,
        # conditions, 已…) are asked of single sentences instead.
        self.give = Hits(GIVE_RE, simp, start)
        self.conditional_support = Hits(CONDITIONAL_SUPPORT_RE, simp, start)

    def may_support(self, start: int, end: int) -> bool:
        """Cheap pre-test for a paragraph: any word of giving, or money next to a subsidy word?"""
        if self.give.any_in(start, end) or self.conditional_support.any_in(start, end):
            return True
        money = any(q.is_money or q.unit == "%" for q in self.quantities_in(start, end))
        return money and bool(MONEY_SUPPORT_RE.search(self.simp, start, end))

    def quantities_in(self, start: int, end: int) -> list[Quantity]:
        return self.quantities[bisect_left(self.q_starts, start) : bisect_left(self.q_starts, end)]

    def any_quantity(self, start: int, end: int) -> bool:
        i = bisect_left(self.q_starts, start)
        return i < len(self.q_starts) and self.q_starts[i] < end

    def any_marker(self, start: int, end: int) -> bool:
        i = bisect_left(self.m_starts, start)
        return i < len(self.m_starts) and self.m_starts[i] < end

    def markers_in(self, start: int, end: int) -> list[Marker]:
        return self.markers[bisect_left(self.m_starts, start) : bisect_left(self.m_starts, end)]


@dataclass
class Scan:
    text: str
    simp: str
    ref_year: int | None
    sections: list[Section]
    masks: MaskIndex  # spans whose numbers are names (titles, quotes, labels)
    paragraphs: list[Paragraph] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Innermost section lookup: sorted by start, a child after its parent.
        self._secs = sorted(self.sections, key=lambda s: (s.start, -s.end))
        self._sec_starts = [s.start for s in self._secs]
        self._by_id = {s.id: s for s in self.sections}

    def section_at(self, pos: int) -> Section | None:
        """The smallest section that contains clean offset ``pos``."""
        i = bisect_right(self._sec_starts, pos) - 1
        sec = self._secs[i] if i >= 0 else None
        while sec is not None and not sec.start <= pos < max(sec.end, sec.start + 1):
            sec = self._by_id.get(sec.parent) if sec.parent else None
        return sec


def _ref_year(doc: Document) -> int | None:
    """The plan's own year: numbers dated before it describe the past."""
    if doc.meta.issued and doc.meta.issued[:4].isdigit():
        return int(doc.meta.issued[:4])
    if doc.meta.period:
        return doc.meta.period.start
    return None


def _heading_kinds(doc: Document, simp: str) -> dict[str, str | None]:
    """goal / base / cond per section, from the nearest heading that says so (发展目标,
    发展基础, 申报条件…)."""
    by_id = {s.id: s for s in doc.sections}
    own: dict[str, str | None] = {}
    for sec in doc.sections:
        # The heading as it stands in the simplified text (label included): no OpenCC call.
        head = simp[sec.start : sec.text_start].lstrip("# ") if sec.heading else ""
        if sec.label and head.startswith(sec.label):
            head = head[len(sec.label) :]
        kind = None
        head = head.strip(" \u3000\n。")
        if head and len(head) <= 16 and not _VERB_HEAD.match(head):  # a title, not a run-in sentence
            kind = (
                "goal" if _GOAL_HEAD.search(head) else "base" if _BASE_HEAD.search(head)
                else "cond" if _COND_HEAD.search(head) else None
            )
        own[sec.id] = kind
    kinds: dict[str, str | None] = {}
    for sec in doc.sections:
        cur: Section | None = sec
        while cur is not None and own[cur.id] is None:
            cur = by_id.get(cur.parent) if cur.parent else None
        kinds[sec.id] = own[cur.id] if cur is not None else None
    return kinds


def _sentence(idx: _Index, start: int, end: int) -> Sentence:
    return Sentence(start, end, idx, idx.markers_in(start, end), idx.quantities_in(start, end))


def lead_marker(simp: str, start: int, markers: list[Marker]) -> Marker | None:
    """The marker a sentence opens with, after at most a short lead (第一步，/——/力争)."""
    if not markers:
        return None
    m = _LEAD.match(simp, start)
    pos = m.end() if m else start
    first = markers[0]
    return first if first.start <= pos and not first.date else None


def bare_lead(simp: str, lead: Marker) -> bool:
    """"2025年，…" opens a goal paragraph; "2023年年底前出台…" only dates its own sentence."""
    return not lead.due and simp[lead.end : lead.end + 1] in ("，", "：", ",")


def _paragraph(sc: Scan, idx: _Index, start: int, end: int, sec: Section | None) -> Paragraph | None:
    simp = sc.simp
    if sec is not None and sec.start >= start and sec.text_start > start:
        if sec.heading:
            start = sec.text_start  # a run-in heading (（一）加强组织保障。…) is not content
        elif sec.label and _LIST_LABEL.fullmatch(sec.label):
            start = sec.text_start  # "三、工业和信息化部将…": the label is not content
    while start < end and simp[start] in " \u3000#":
        start += 1
    if start >= end:
        return None
    first_end = _SENT_END.search(simp, start, end)
    lead = lead_marker(simp, start, idx.markers_in(start, first_end.start() if first_end else end))
    if lead is None:
        lead = _range_lead(simp, start, end)
    return Paragraph(start, end, sec, idx, bool(_BULLET.match(simp, start)), lead)


# 近期目标（2024—2025年）：… / 第一阶段（2021—2022年），…: a stage dated by its period.
_RANGE_LEAD = re.compile(
    r"(?:——|—)?\s*(?:第[一二三四五六七八九十]+(?:步|阶段)|(?:近期|中期|远期)(?:目标)?|阶段目标)[（(]?"
    r"(?:19|20)\d{2}年?\s*[－\-—–~～至到]\s*(?P<year>(?:19|20)\d{2})年[）)]?[：:，,]"
)


def _range_lead(simp: str, start: int, end: int) -> Marker | None:
    m = _RANGE_LEAD.match(simp, start, end)
    if m is None:
        return None
    return Marker(m.start("year"), m.end(), int(m.group("year")), None, True, False, False, False, False)


def _lines(text: str, start: int) -> list[tuple[int, int]]:
    out = []
    pos = start
    for line in text[start:].split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _label_spans(doc: Document) -> list[tuple[int, int]]:
    spans = []
    for sec in doc.sections:
        if sec.label:
            at = doc.text.find(sec.label, sec.start, max(sec.text_start, sec.start + len(sec.label) + 3))
            if at >= 0:
                spans.append((at, at + len(sec.label)))
    return spans


def _build(doc: Document) -> Scan:
    text = doc.text
    simp = doc.simplified  # shared with the other components: one OpenCC pass per document
    spans = [(m.start(), m.end()) for rx in _QUOTED for m in rx.finditer(simp, doc.body_start)]
    sc = Scan(text, simp, _ref_year(doc), list(doc.sections), MaskIndex(spans + _label_spans(doc)))
    idx = _Index(simp, doc.body_start, sc.ref_year, sc.masks)
    cells = _task_table_cells(doc)
    for start, end in _lines(text, doc.body_start):
        if start == end:
            continue
        pieces = [(start, end)]
        if "\t" in text[start:end]:  # indicator tables are read from doc.tables, task tables by cell
            pieces = cells.get(start, [])
        sec = sc.section_at(start)
        if sec is not None and sec.kind == "notice":
            continue
        for lo, hi in pieces:
            para = _paragraph(sc, idx, lo, hi, sec)
            if para is not None:
                para.cell = len(pieces) > 1 or (lo, hi) != (start, end)
                sc.paragraphs.append(para)
    _set_contexts(sc, _heading_kinds(doc, simp))
    return sc


def _task_table_cells(doc: Document) -> dict[int, list[tuple[int, int]]]:
    """Row start → the prose cells of each row of a task-breakdown table: 具体内容 such as
    "到2025年新增智能算力规模3000P以上" commits like the text does."""
    out: dict[int, list[tuple[int, int]]] = {}
    for table in doc.tables:
        if not is_task_table(table):
            continue
        for start, end in row_offsets(doc.text, table):
            pos, spans = start, []
            for cell in doc.text[start:end].split("\t"):
                if _cjk_count(cell) >= 8:
                    spans.append((pos, pos + len(cell)))
                pos += len(cell) + 1
            out[start] = spans
    return out


def _set_contexts(sc: Scan, kinds: dict[str, str | None]) -> None:
    """Carry each goal year (到2020年，…) over its paragraph, the bullets after it and the
    rest of its section; mark goal and baseline paragraphs."""
    ctx: tuple[int, bool, int] | None = None  # (year, aim, until)
    for para in sc.paragraphs:
        sec = para.section
        kind = kinds.get(sec.id) if sec else None
        if ctx is not None and para.start >= ctx[2]:
            ctx = None
        lead = para.lead
        if lead is not None and lead.future and (lead.to or bare_lead(sc.simp, lead)):
            ctx = (lead.year, lead.aim, sec.end if sec else len(sc.text))
        para.year, para.aim = (ctx[0], ctx[1]) if ctx else (None, False)
        para.goal = ctx is not None or kind == "goal"
        para.base = not para.goal and (kind == "base" or (lead is not None and lead.past))
        # A regulation's article states rules; a measure's titled article (第二条　支持…。) commits.
        para.article = sec is not None and sec.kind == "article" and not sec.heading
        para.cond = not para.goal and kind == "cond"


_LAST: list[tuple[weakref.ref[Document], int, Scan]] = []


def scan(doc: Document) -> Scan:
    """The shared reading of ``doc``, built once for the three extractors that use it."""
    if _LAST:
        ref, size, cached = _LAST[0]
        if ref() is doc and size == len(doc.text) and cached.sections == doc.sections:
            return cached
    built = _build(doc)
    _LAST[:] = [(weakref.ref(doc), len(doc.text), built)]
    return built


# A pinyin gloss the cleaner dropped (企業(yè)): the quote keeps it with its character.
_GLOSS_AFTER = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)")


def item_span(doc: Document, start: int, end: int) -> tuple[list[int], str]:
    """Source span and the exact source quote of clean ``[start, end)``, trimmed of spaces."""
    text = doc.text
    while start < end and text[start] in " \u3000\n":
        start += 1
    while end > start and text[end - 1] in " \u3000\n":
        end -= 1
    s, e = doc.source_span(start, end)
    gloss = _GLOSS_AFTER.match(doc.raw.text, e)
    if gloss:
        e = gloss.end()
    return [s, e], doc.raw.text[s:e]


# -- quantities that are never targets --------------------------------------------------

_ORDINAL_BEFORE = ("第", "前", "每")
_NOT_AFTER_CHENG = "为立果功本员效熟交长型绩"
_PLACE_SPLIT = re.compile(r"[、和及与]")


def _places_before(before: str) -> bool:
    """广州和深圳2家…: the count counts the places just named."""
    parts = _PLACE_SPLIT.split(before[-24:])
    if len(parts) < 2:
        return False
    places = gazetteer()
    last = parts[-1].removesuffix("市").removesuffix("省")
    prev = parts[-2]
    return last in places and any(prev.endswith(p) for p in (prev[-2:], prev[-3:]) if p in places)


def _name_like(simp: str, q: Quantity, masks: MaskIndex) -> bool:
    """Numbers that name, rank or date something rather than count it."""
    if masks.covers(q.start) or q.level:
        return True
    if simp[q.start - 1 : q.start] in _ORDINAL_BEFORE:
        return True
    if q.chinese and q.value == 1 and q.value_max is None and not q.unit.startswith(("万", "亿")):
        return True  # 一批, 一个…: rhetoric, not a number (but 一万亿元 is one)
    nxt = simp[q.end : q.end + 1]
    if nxt and nxt in "一二三四五六七八九两万年" and not (nxt == "年" and (q.post or q.unit not in ("", "周"))):
        # 三位一体, 千家万户, 3周年 (but 两个千亿级… counts 千亿级 things, 10家以上年营收… counts firms)
        return True
    if q.unit == "成" and nxt and nxt in _NOT_AFTER_CHENG:
        return True
    if q.unit == "周" and nxt in ("边", "期"):
        return True
    if q.unit == "次" and q.chinese and "\u4e00" <= nxt <= "\u9fff":
        return True  # 二次开发, 两次创业: a term, not a count
    return _places_before(simp[max(0, q.start - 24) : q.start])


# -- metrics --------------------------------------------------------------------------------

_LEAD_WORDS = re.compile(
    r"^(?:[—\-－·●]+|其中|每年|已经|已|到|至|力争|争取|确保|预计|全力|累计|新增|共有|拥有|带动|实现|推动形成|推动|推进实施|推进|集聚|聚集|汇聚|完成|"
    r"组织实施|实施|引进和培育|引进培育|培育形成|引进|培育|培养|建成后|投运后|投产后|建成|新建|建设|打造|形成|使|约|初步建成|基本建成|初步|基本|达到|"
    r"突破|超过|在|有)"
)
_YEAR_LEAD = re.compile(
    r"^(?:(?:到|至|截至|截止)?(?:(?:19|20)\d{2}|[〇零一二三四五六七八九]{4})年(?:年?底|年?末)?(?:前)?"
    r"|(?:较|比|与|同)(?:(?:19|20)\d{2}年|上年|去年|上一年)(?:相比)?)"  # 较2020年增长2.1倍: the comparison year
)
_TRAIL_WORDS = re.compile(
    r"(?:的|为|是|达|共|累计|总计|合计|新增|约|超|已|将|要|均|等|力争|争取|确保|预计|"
    r"(?:提高|提升|降低|增长|增加|上升|压缩|缩短|缩减|控制|保持|稳定|维持|下降|减少)[到至在])+$"
)
_RATE_START = re.compile(r"^(?:占|同比|比上年|较上年|年均|增长|增速)")
_ATTR = re.compile(
    r"(?:总规模|规模|总量|产值|估值|营业收入|营收|收入|产量|销量|保有量|增加值|出口额|面积|总投资|投资)$"
)
# Verbs that make a number a commitment outside a goals paragraph: building, bringing in, reaching.
_VERBS = (
    "建成|新建|共建|组建|创建|建设|培育|培养|引进|引育|引入|打造|形成|实施|推广|布局|认定|遴选|建立|开发|研制|推出|开放|"
    "招引|集聚|聚集|发布|制定|部署|新增|孵化|吸引|开展|举办|储备|攻克|突破|落地|争创|创成|评选|设立|成立|汇聚|招募|选树|完成|"
    "实现|培训|组织|举行|支持|安排|开通|改造|接入|覆盖"
)
# Right before a number (每年推动20个以上创新药进入临床), 推动/推进/支持 commit as well.
_CREATE = re.compile(rf"(?:{_VERBS}|推动|推进|支持|力争|确保)(?:累计|总计|共计|共|合计|新|再|约|超过|不少于|至少|达到)?$")
_CREATE_ANY = re.compile(_VERBS)
_VERBS_ONLY = re.compile(rf"(?:{_VERBS})+")
_VERB_END = re.compile(rf"(?:{_VERBS})$")
# 建设高质量数据集不少于10个 / 每年举办活动不少于10场: the clause opens with the verb.
_CREATE_START = re.compile(
    rf"^(?:全市|全省|全区|每年|年均|力争|累计|新|组织|加快|积极|大力|持续|重点|着力|推动|支持)*(?:{_VERBS})"
    r"|^(?:每年)?(?:推动|确保|力争)$"  # 推动不少于20家企业完成…
)
_MEASURE = re.compile(r"规模|产值|收入|营收|量|增加值|占比|比重|率|强度|密度|容量|产能|速度|时长|寿命")


_REGION_PREFIX = re.compile(r"^(?:全市|全省|全国|全区|全县|全州|我市|我省|我区|我县)")


def _strip_lead(text: str) -> str:
    """广东累计培育… → the thing counted: drop years, verbs and 其中 in front (but keep 全市)."""
    m = _REGION_PREFIX.match(text)
    if m and len(text) > m.end() + 1:
        return m.group(0) + _strip_words(text[m.end() :])
    return _strip_words(text)


def _strip_words(text: str) -> str:
    while True:
        new = _YEAR_LEAD.sub("", text)
        new = _LEAD_WORDS.sub("", new).lstrip("，、 ")
        if new == text:
            return text
        text = new


_LEADING_PAREN = re.compile(r"^[（(【\[][^）)】\]]*[）)】\]]")


def _clean_after(after: str) -> str:
    """What follows the number, as a metric: without 的, a trailing 等, or (约束性)."""
    return _LEADING_PAREN.sub("", after.removeprefix("的")).strip().removesuffix("等")


def _cjk_count(text: str) -> int:
    return sum(1 for c in text if "\u4e00" <= c <= "\u9fff")


@dataclass
class _Found:
    q: Quantity
    seg_start: int
    seg_end: int
    clause: tuple[int, int]
    qual_start: int  # where the pre-qualifier (超过…) starts, else q.start
    qualifier: str | None


def _metric(scan: Scan, f: _Found, base_metric: str | None) -> tuple[str | None, bool, bool]:
    """(metric in simplified form, number-first?, derived from the subject before?)."""
    simp = scan.simp
    before = _TRAIL_WORDS.sub("", _strip_lead(simp[f.seg_start : f.qual_start].strip()))
    start_of_change = _FROM.search(before)
    if start_of_change and _cjk_count(before[: start_of_change.start()]) >= 2:
        before = before[: start_of_change.start()]
    after = _clean_after(simp[f.q.end : f.seg_end])
    if base_metric and _cjk_count(after) < 2 and _VERBS_ONLY.fullmatch(before):
        return base_metric, False, True  # 开放场景150个，其中2024年开放不少于40个 → 场景
    if simp[f.q.end : f.q.end + 1] == "的" and _cjk_count(after) >= 2:
        attr = _ATTR.search(before)
        if attr and (before == attr.group(0) or _CREATE.search(before[: attr.start()])):
            return after + attr.group(0), True, False  # 形成规模1000亿元的人工智能基金群 → 人工智能基金群规模
        return (before + after if before else after), True, False  # 占全国超7成的市场份额
    if _cjk_count(after) >= 2:
        return _shared_noun(simp, f, after), True, False
    if base_metric and (not before or _RATE_START.match(before)):
        metric = base_metric + before  # 同比增长50.2% after 工业机器人产量20662台
        if "占" in before and f.q.unit in ("%", "", "成") and not re.search(r"比重|份额|比例|比$", metric):
            metric += "比重"
        return metric, False, True
    if base_metric and _ATTR.fullmatch(before):
        return _subject(base_metric) + before, False, True  # 保有量约8万台 → 工业机器人保有量
    return (before or None), False, False


_LEVEL_WORD = re.compile(r"^[^，、。]{1,4}级")


def _shared_noun(simp: str, f: _Found, after: str) -> str:
    """打造3个国家级、10个省级创新平台: 国家级 shares the noun of the next item (创新平台)."""
    if not after.endswith("级") or f.seg_end >= f.clause[1]:
        return after
    rest = simp[f.seg_end + 1 : f.clause[1]]
    q = find_quantities(rest)
    nxt = rest[q[0].end :] if q and q[0].start <= 2 else ""
    m = _LEVEL_WORD.match(nxt)
    return after + nxt[m.end() :] if m and _cjk_count(nxt[m.end() :]) >= 2 else after


def _subject(metric: str) -> str:
    if "占" in metric:
        return metric.split("占", 1)[0]
    return _ATTR.sub("", metric)


# -- picking the quantities of a sentence ---------------------------------------------------


def _candidates(scan: Scan, para: Paragraph, sent: Sentence, goal: bool, base: bool) -> list[_Found]:
    """Quantities of one sentence that may be targets, with their enumeration segment."""
    cached = sent.candidates.get((goal, base))
    if cached is None:
        cached = sent.candidates[(goal, base)] = _find_candidates(scan, para, sent, goal, base)
    return cached


def _find_candidates(scan: Scan, para: Paragraph, sent: Sentence, goal: bool, base: bool) -> list[_Found]:
    simp = scan.simp
    found: list[_Found] = []
    for clause in sent.clauses:
        qs = [
            q for q in sent.quantities
            if clause[0] <= q.start and q.end <= clause[1] and not _name_like(simp, q, scan.masks)
        ]
        if not goal and not base:
            # 两个层面, 两手抓: 两 outside goals is rhetoric; other numerals still need a verb (_accept_plain).
            # 新增园区两个: 两 closing its clause is a count.
            qs = [
                q for q in qs
                if (not q.is_time or _HOLD_AT.search(simp, max(clause[0], q.start - 3), q.start))
                and q.unit and (simp[q.start] != "两" or simp[q.end : q.end + 1] in "，。；\n"
                                or bool(_VERB_END.search(simp, clause[0], q.start)))  # 建设两个以上…园
            ]
        elif not goal:
            qs = [q for q in qs if not q.is_time]
        segments: list[list[_Found]] = []
        prev: Quantity | None = None
        for q in qs:
            m = PRE_QUALIFIER_RE.search(simp, max(clause[0], q.start - 5), q.start)
            qual_start = m.start() if m else q.start
            seg_start = clause[0]
            if prev is not None:
                between = simp[prev.end : qual_start]
                # 企业15家、独角兽及潜在独角兽企业3—5家: 、 separates the items, 及 joins a noun
                cut = between.rfind("、") if "、" in between else max(between.rfind(c) for c in "和及与/")
                seg_start = prev.end + cut + 1 if cut >= 0 else segments[-1][0].seg_start
            if not segments or seg_start != segments[-1][0].seg_start:
                segments.append([])  # 、 before the number: a new item of the enumeration
            qualifier = m.group(0).strip() if m else None
            segments[-1].append(_Found(q, seg_start, clause[1], clause, qual_start, qualifier))
            prev = q
        for i, seg in enumerate(segments):
            end = segments[i + 1][0].seg_start - 1 if i + 1 < len(segments) else clause[1]
            for f in seg:
                f.seg_end = end
            found += _keep(simp, seg)
    return found


def _is_threshold(f: _Found) -> bool:
    return f.q.post in ("以上", "及以上", "以下", "以内") or f.qualifier not in (None, "约", "力争")


def _keep(simp: str, seg: list[_Found]) -> list[_Found]:
    """In one enumeration segment: drop 的-modifiers and counts that only name the subject."""
    heads = [f for f in seg if simp[f.q.end : f.q.end + 1] != "的"]
    change = _CHANGE_TO.search(simp, seg[0].q.end, seg[-1].q.start) if len(seg) == 2 else None
    if change:  # 由2015年的3000亿元增长到2020年的8000亿元: both are values of the metric
        seg[0].seg_end = change.start()
        return seg
    if len(heads) > 1:
        # 培育3家营收超百亿元企业: a threshold with its noun still to come describes that noun.
        counts = [f for f in heads if not (_is_threshold(f) and _cjk_count(simp[f.q.end : f.seg_end]) >= 2)]
        heads = counts or heads
    if len(heads) > 1:
        return [heads[-1]]  # 10个示范基地产值达10230亿元: the 10 names the subject
    if heads:
        return heads
    last = seg[-1]
    if _is_threshold(last) and "占" not in simp[last.seg_start : last.q.start]:
        before = simp[last.seg_start : last.qual_start].rstrip()
        attr = _ATTR.search(before)
        if (attr and _CREATE.search(before[: attr.start()])) or _CREATE.search(before):
            return [last]  # 设立规模不低于50亿元的基金, 形成不低于100P的计算能力: what is created
        return []  # 培育估值1亿元以上的企业…: a condition on what is counted
    return [last]


_COUNT_UNIT = re.compile(r"[家个项名人位所条款种类件座台套张户场次篇支只辆艘架颗片块]$")
_HOLD_AT = re.compile(r"(?:保持|控制|稳定|维持|压缩|缩短|缩减|降低|下降|减少|提高|提升)(?:在|至|到)$")
_COMPARED = re.compile(r"同比|环比|比上年|较上年")
_CHANGE_END = re.compile(r"(?:下降|降低|提高|提升|增长|增加|减少|缩短|压缩|上升)$")
_CHANGE_TO = re.compile(r"(?:增长|提高|提升|增加|扩大|下降|减少|缩小|上升)(?:到|至)")
# 规模由2015年的3000亿元增长到…: the metric is what stands before 由/从 and its year or number.
_FROM = re.compile(r"[由从](?=(?:19|20)\d{2}年|\d)")


_THRESHOLD = ("不低于", "不少于", "不超过", "不高于", "至少", "高于", "低于", "多于", "少于", "大于", "小于")


def _accept_plain(scan: Scan, f: _Found, metric: str, number_first: bool) -> bool:
    """Outside goals: only a number governed by a verb of building or reaching counts
    (新建20个…, 每年新增企业二十家以上, 规模突破1000亿元), never a threshold (具备不少于30家)
    unless such a verb governs it (每年发布不少于50个应用场景, 建设数据集不少于10个)."""
    before = _TRAIL_WORDS.sub("", scan.simp[f.seg_start : f.qual_start].strip())
    if f.qualifier in ("达到", "突破", "超过", "不少于", "不低于") and _COUNT_UNIT.search(f.q.unit):
        # 建立重点企业培育库，入库企业不少于100家: what the sentence has just built, counted
        sent_start = scan.simp.rfind("。", 0, f.clause[0]) + 1
        if _CREATE_ANY.search(scan.simp, sent_start, f.clause[0]):
            return True
    attr = _ATTR.search(before)
    made = attr is not None and bool(_VERB_END.search(before[: attr.start()]))  # 设立规模不低于30亿元的基金
    if f.qualifier in _THRESHOLD and not (_VERB_END.search(before) or _CREATE_START.match(before) or made):
        return False  # 孵化场地面积不低于5000平方米: a condition (孵化 names the place, it builds nothing)
    if number_first:
        if f.q.post in ("以下", "及以下", "以上", "及以上") and not _COUNT_UNIT.search(f.q.unit):
            return False  # 28纳米及以下工艺, 1亿元以上项目: a measure qualifying the noun, not a count
        attr = _ATTR.search(before)
        return bool(_CREATE.search(before) or (attr and _CREATE.search(before[: attr.start()])))
    if _CREATE_ANY.search(before):
        return True  # 每年新增企业二十家以上 / 面向全球引进领军人才10名
    if _HOLD_AT.search(scan.simp, f.seg_start, f.qual_start):
        return True  # 入库企业保持在300家左右, 审评时限压缩至60个工作日以内
    if scan.simp.startswith(("力争", "确保"), f.seg_start):
        return True  # 力争服务设计企业200家以上
    if f.q.unit == "%" and _CHANGE_END.search(before) and not _COMPARED.search(before):
        return True  # 推动核心零部件成本下降30%以上 (but 同比增长20% reports)
    return f.qualifier in ("突破", "达到", "超过") and bool(_MEASURE.search(metric))


_BINDING = re.compile(r"[（(【\[]?(约束性|预期性)")


def _binding(scan: Scan, f: _Found, para: Paragraph, sent: Sentence) -> str | None:
    m = _BINDING.match(scan.simp, f.q.end, min(f.q.end + 6, len(scan.simp)))
    if m:
        return "binding" if m.group(1) == "约束性" else "indicative"
    lead_text = scan.simp[f.clause[0] : f.q.start]
    if para.aim or "力争" in lead_text or "争取" in lead_text or scan.simp.startswith(("力争", "争取"), sent.start):
        return "indicative"
    dating = [m for m in sent.markers if m.start < f.q.start and m.future]
    return "indicative" if dating and dating[-1].aim else None  # 力争到2026年，规模突破500亿元


def _year(sent: Sentence, pos: int, para: Paragraph, base: bool) -> int | None:
    # A year inside the sentence governs up to the next ；: "其中，2024年达到800亿元；企业数量
    # 达到2000家" dates 800亿元, not 2000家 (the paragraph's own year does).
    before = [m for m in sent.markers if m.start < pos and not m.date]
    if base:  # 2022年，规模约520亿元；集聚企业超过1000家: a fact's year holds for its sentence
        after = [m for m in sent.markers if m.start >= pos and not m.date]
        pick = before[-1] if before else after[0] if after else None
        return pick.year if pick else None
    scope = sent.index.simp.rfind("；", sent.start, pos) + 1
    future = [m for m in before if m.future and (m.start >= scope or m is para.lead)]
    return future[-1].year if future else para.year


def _sentence_targets(scan: Scan, doc: Document, para: Paragraph, sent: Sentence) -> list[dict[str, Any]]:
    if not sent.quantities or sent.support:
        return []
    dated = any(m.future and (m.to or m.due) for m in sent.markers)
    goal = para.goal or dated
    base = (para.base or sent.base) and not dated
    if not goal and (para.cond or (not base and (para.article or sent.conditional))):
        return []
    out = []
    base_metric: str | None = None
    accepted: _Found | None = None
    for f in _candidates(scan, para, sent, goal, base):
        metric, number_first, derived = _metric(scan, f, base_metric)
        if metric is None:
            continue
        if not goal and not base and not _accept_plain(scan, f, metric, number_first):
            if accepted is None or not _continues(scan.simp, accepted, f):
                continue
        accepted = f
        if not derived:
            base_metric = metric  # the subject that later rates and shares refer to
        out.append(_record(scan, doc, f, metric, para, sent, base))
    return out


def _continues(simp: str, prev: _Found, f: _Found) -> bool:
    """A number that carries on a commitment just made: the next item of its enumeration
    (建设智慧港口3个、智慧高速公路1000公里; 建设示范项目2个，氢储能示范项目5个以上) or a part
    of it (…150个以上，其中2024年不少于40个)."""
    if f.clause == prev.clause:
        return simp[prev.q.end : f.seg_start].rstrip().endswith("、")
    if simp.startswith("其中", f.clause[0]):
        return True
    adjacent = simp[prev.clause[1] : f.clause[0]].strip() in ("，", ",", "；")
    head = simp[f.clause[0] : f.qual_start]
    return adjacent and prev.q.end >= prev.clause[1] - 3 and not _CREATE_ANY.search(head) and _cjk_count(head) >= 2


def _record(
    scan: Scan, doc: Document, f: _Found, metric: str, para: Paragraph, sent: Sentence, base: bool
) -> dict[str, Any]:
    q = f.q
    qualifier = f.qualifier if f.qualifier != "力争" else None
    if qualifier is None:
        qualifier = q.post or f.qualifier
    if qualifier is None and scan.simp.startswith("约", f.clause[0]):
        qualifier = "约"  # 约占全国1/3
    span, quote = item_span(doc, f.seg_start, f.seg_end)
    sec = scan.section_at(f.seg_start)
    return {
        "kind": "baseline" if base else "target",
        # 每年新增10家: a rate every year, not a level reached by one (whatever year governs it)
        "year": None if "每年" in scan.simp[f.clause[0] : q.start] else _year(sent, q.start, para, base),
        "metric": _original(scan, _enumerated_head(metric), f),
        "value": q.value,
        "value_max": q.value_max,
        "unit": written_unit(scan.text, q),
        "qualifier": _in_script(scan, qualifier, f),
        "binding": None if base else _binding(scan, f, para, sent),
        "quote": quote,
        "section": sec.id if sec else None,
        "span": span,
    }


_ENUMERATED = re.compile(r"、[^、，]*?等(?P<head>[^、，等]{2,})$")


def _enumerated_head(metric: str) -> str:
    """国家重点实验室、国家工程研究中心等国家级创新载体 counts 国家级创新载体: the noun the
    examples stand for (but 智能制造、智慧医疗等领域企业 keeps its examples)."""
    m = _ENUMERATED.search(metric)
    if m is None or m.group("head").startswith(("领域", "方面", "行业", "产业", "方向")) or _cjk_count(m.group("head")) < 3:
        return metric
    return m.group("head")


def written_unit(text: str, q: Quantity) -> str:
    """The unit in the document's own script (億元, 個); % for 百分之…"""
    return text[q.unit_end - len(q.unit) : q.unit_end] if q.unit_end >= 0 else q.unit


def _original(scan: Scan, metric: str, f: _Found) -> str:
    """The metric in the document's own script: find it in the sentence, else its pieces."""
    if scan.text is scan.simp or scan.simp == scan.text:
        return metric
    lo = max(0, f.clause[0] - 400)
    at = scan.simp.find(metric, lo, f.seg_end + 1)
    if at >= 0:
        return scan.text[at : at + len(metric)]
    out = []
    for ch in metric:  # built from two places (after + attribute): map char by char
        at = scan.simp.find(ch, lo, f.seg_end + 1)
        out.append(scan.text[at] if at >= 0 else ch)
    return "".join(out)


def _in_script(scan: Scan, word: str | None, f: _Found) -> str | None:
    if word is None:
        return None
    at = scan.simp.find(word, f.clause[0], f.seg_end)
    return scan.text[at : at + len(word)] if at >= 0 else word


def counted_positions(sc: Scan, para: Paragraph, sent: Sentence) -> list[int]:
    """Where ``sent`` has numbers that would count as targets under a goal year: a clause
    holding one is a target, never also a milestone."""
    return [f.q.start for f in _candidates(sc, para, sent, goal=True, base=False)]


def extract_targets(doc: Document) -> None:
    """Fill ``doc.targets`` with targets and baselines from the text and indicator tables."""
    # Imported here: indicator_tables reads the plan through this module's Scan.
    from luodi.extract.indicator_tables import indicator_table_targets

    sc = scan(doc)
    out: list[dict[str, Any]] = []
    for para in sc.paragraphs:
        if para.has_quantities:
            for sent in para.sentences:
                out += _sentence_targets(sc, doc, para, sent)
    out += indicator_table_targets(sc, doc)
    out.sort(key=lambda t: t["span"][0])
    doc.targets = out
