"""Numbers and dates as Chinese plans write them: 1.8万亿元, 3－5个, 三至五家, 百分之三十, 1,200,
千亿级, 二〇二五年, 到2020年, 2023年年底前, 2024年上半年.

Everything here works on the *simplified* view of a text (:func:`luodi.text.to_simplified`),
which has the same length as the original, so a match's offsets are offsets in the
document and the caller slices the original script for display.

cn2an is not used: it fails on 1.8万亿 and on 百亿/千亿 without a leading 一, and raises
KeyError on junk; the small parser below covers what plans write and rejects the rest.

Conventions (tests/golden/extract/README*.md):

- a magnitude word stays in the unit, as written: 1.8万亿元 → 1.8 / 万亿元, 超千万美元 →
  1000 / 万美元 (the numeral is 千, the magnitude 万);
- a range gives ``value`` and ``value_max``: 3－5个 → 3 / 5 / 个;
- 百分之三十 → 30 / %; a fraction 1/3 or 三分之一 → 0.3333 with unit "";
- 千亿级 → 1000 / 亿级: the 级 marks a scale adjective, which callers do not count.
"""

from __future__ import annotations

import calendar
import re
from typing import NamedTuple

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL_CHARS = "〇零一二三四五六七八九十百千两"

# -- bare numerals ----------------------------------------------------------------------


def parse_cn_integer(text: str) -> int | None:
    """一百二十 → 120, 十五 → 15, 千 → 1000, 两 → 2; None for anything else (十三五, 二五).

    Digit-by-digit readings (二〇二五) are only valid for years: see :func:`parse_year`.
    """
    if not text or any(c not in _CN_DIGITS and c not in _CN_UNITS for c in text):
        return None
    if len(text) > 1 and not any(c in _CN_UNITS for c in text):
        return None  # 二五, 三四: not a number a plan writes as a quantity
    total = 0
    digit: int | None = None
    last_unit = 10_000
    for c in text:
        if c in _CN_DIGITS:
            if digit is not None and digit != 0:
                return None  # two digits in a row without a unit: 十三五
            digit = _CN_DIGITS[c]
        else:
            unit = _CN_UNITS[c]
            if unit >= last_unit:
                return None  # 十百, 百千: units must fall
            total += (1 if digit is None else digit) * unit
            digit = None
            last_unit = unit
    if digit:
        total += digit
    return total


def parse_number(text: str) -> float | int | None:
    """Arabic (1,200 / 1.8 / 1．8) or Chinese (一百二十, 三点五) → int when whole, else float."""
    text = text.strip().replace(",", "").replace("．", ".")
    if not text:
        return None
    if text[0].isdigit():
        try:
            value = float(text)
        except ValueError:
            return None
    else:
        whole, _, frac = text.partition("点")
        base = parse_cn_integer(whole)
        if base is None:
            return None
        value = float(base)
        if frac:
            if any(c not in _CN_DIGITS for c in frac):
                return None
            value += float("0." + "".join(str(_CN_DIGITS[c]) for c in frac))
    return int(value) if value.is_integer() else value


def parse_year(text: str) -> int | None:
    """2025 or 二〇二五 → 2025; None when it is not a plausible year."""
    if text.isdigit():
        year = int(text)
    elif len(text) == 4 and all(c in _CN_DIGITS for c in text):
        year = int("".join(str(_CN_DIGITS[c]) for c in text))
    else:
        return None
    return year if 1900 <= year <= 2099 else None


# -- quantities ---------------------------------------------------------------------------

_AR = r"\d{1,3}(?:,\d{3})+(?:[.．]\d+)?|\d+(?:[.．]\d+)?"
_CN = r"[〇零一二三四五六七八九十百千两]+(?:点[〇零一二三四五六七八九]+)?"
_NUM = rf"(?>{_AR}|{_CN})"  # atomic: a number that fails never gets re-read shorter (2017年 → 201…)
_RANGE = r"\s*(?:[－\-~～—–]|至|到)\s*"
# Magnitudes stay in the unit (1.8万亿元 → 万亿元).  For Chinese numerals 十/百/千 are
# already eaten by the numeral, so only 万/亿 remain for them.
_MAG = r"万亿|千亿|百亿|十亿|千万|百万|十万|万|亿"
# Measure words and units, longest first.  月/日 are left out on purpose: "5月31日" is a
# date, never a quantity; 年 too (years and durations such as 有效期3年).
_UNITS = (
    "个百分点|百分点|个工作日|工作日|个月|人次|户次|平方公里|平方米|千瓦时|千瓦|兆瓦|吉瓦|公里|千米|公顷|纳米|"
    "美元|欧元|港元|元|家|个|项|人|名|位|台（套）|台\\(套\\)|台套|台|套|件|座|所|条|款|种|类|张|户|场次|场|次|篇|支|只|辆|艘|架次|架|颗|片|块|亩|单(?![位个项元独体一])|"
    "部(?![门委署长件])|标准机架|列(?![入为出举车])|"
    "吨|倍|成|%|‰|天|小时|周|分钟|毫秒|(?i:PFLOPS|EFLOPS|TFLOPS|FLOPS|TOPS)|PB|EB|TB|Wh/kg|TWh|GWh|MWh|kWh|GW|MW|kW|Gbps|Mbps|P(?![A-Za-z])"
)
# What a rate is per: 10万吨/年, 35元/公斤, 0.3元/千瓦时.
_PER = "年|月|日|公斤|千克|千瓦时|吨|台|辆|人|平方米|kWh|kg"
TIME_UNITS = frozenset({"个工作日", "工作日", "个月", "天", "小时", "周", "分钟"})
POST_QUALIFIERS = "及以上|以上|及以下|以下|以内|左右|之内"

# The leading lookahead is only for speed: ``re`` skips fast to positions that can start a
# number instead of trying the whole pattern at every character (4x on a plan).
QUANTITY_RE = re.compile(
    rf"(?=[\d{CN_NUMERAL_CHARS}])"
    rf"(?<![\dA-Za-z.．,+{CN_NUMERAL_CHARS}])(?<!\d/)"  # 1/3 is a fraction, 50万千瓦/100万千瓦时 two numbers
    r"(?:"
    rf"百分之(?P<p1>{_NUM})(?:{_RANGE}(?:百分之)?(?P<p2>{_NUM}))?"
    r"|"
    rf"(?P<n1>{_NUM})(?:{_RANGE}(?P<n2>{_NUM}))?(?P<approx>余|多)?"
    rf"(?P<unit>(?:{_MAG})级|(?:{_MAG})?(?:{_UNITS})(?:/(?:{_PER}))?|(?:{_MAG}))"
    r"|"
    r"(?P<f1>\d+)/(?P<f2>\d+)(?![\d/])"
    r"|"
    rf"(?P<d1>{_CN})分之(?P<d2>{_CN})"  # 三分之一
    r")"
    rf"(?P<post>{POST_QUALIFIERS})?"
)


class Quantity(NamedTuple):
    """One number with its unit, as found at ``[start, end)`` (``end`` after any 以上).

    A NamedTuple, not a dataclass: a plan yields many and tuples are the cheapest to build."""

    value: float | int
    value_max: float | int | None
    unit: str
    start: int
    end: int
    post: str | None = None  # 以上 / 左右 / 余 … written after the number
    chinese: bool = False  # written in Chinese numerals (三至五家), not digits
    level: bool = False  # 千亿级: a scale adjective, not a count
    unit_end: int = -1  # where the unit ends (before 以上); -1 when it is not written (百分之…)

    @property
    def is_time(self) -> bool:
        return self.unit in TIME_UNITS

    @property
    def is_money(self) -> bool:
        """万元, 亿元, 美元 — and rates of money: 0.3元/千瓦时."""
        return self.unit.split("/", 1)[0].endswith("元")


def _quantity(m: re.Match[str]) -> Quantity | None:
    if m.group("f1") is not None:
        den = int(m.group("f2"))
        if den == 0:
            return None
        return Quantity(round(int(m.group("f1")) / den, 4), None, "", m.start(), m.end(), m.group("post"), unit_end=m.end("f2"))
    if m.group("d1") is not None:
        part, whole = parse_number(m.group("d2")), parse_number(m.group("d1"))
        if not part or not whole or part >= whole:
            return None
        return Quantity(round(part / whole, 4), None, "", m.start(), m.end(), m.group("post"), chinese=True, unit_end=m.end())
    first, second = (m.group("p1"), m.group("p2")) if m.group("p1") is not None else (m.group("n1"), m.group("n2"))
    value = parse_number(first)
    if not value:
        return None  # 零部件, 零排放: 零 is a word there, and nothing counts zero of something
    value_max = parse_number(second) if second is not None else None
    if second is not None and (value_max is None or value_max <= value):
        return None  # 2019－2023 style pairs that are not ranges, or junk
    unit = "%" if m.group("p1") is not None else m.group("unit")
    post = m.group("post") or m.group("approx")
    return Quantity(
        value,
        value_max,
        unit,
        m.start(),
        m.end(),
        post,
        chinese=not first[0].isdigit(),
        level=unit.endswith("级"),
        unit_end=m.end("unit") if m.group("unit") is not None else -1,
    )


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Quantities in ``text[start:end]`` (offsets are offsets in ``text``)."""
    found: list[Quantity] = []
    for m in QUANTITY_RE.finditer(text, start, len(text) if end is None else end):
        q = _quantity(m)
        if q is None:
            continue
        if text[q.end : q.end + 1] == "级" and not q.level:
            q = q._replace(level=True)  # 百兆瓦级电站: a scale adjective, like 千亿级
        prev = found[-1] if found else None
        if (
            prev is not None and (prev.unit == q.unit or (prev.unit in _MAGNITUDES and q.unit.startswith(prev.unit)))
            and prev.value_max is None and q.value_max is None
            and prev.post is None and q.value > prev.value and _UNIT_RANGE.fullmatch(text, prev.end, q.start)
        ):  # 50万元至200万元 / 50万—200万元: one range, its unit written twice
            found[-1] = prev._replace(value_max=q.value, unit=q.unit, end=q.end, post=q.post, unit_end=q.unit_end)
            continue
        found.append(q)
    return found


_MAGNITUDES = frozenset(_MAG.split("|"))
_UNIT_RANGE = re.compile(r"\s*(?:[－\-~～—–]|至|到)\s*")


_RANGE_RE = re.compile(rf"(?P<n1>{_NUM})(?:{_RANGE}(?P<n2>{_NUM}))?")


def parse_range(text: str) -> tuple[float | int, float | int | None] | None:
    """A bare number or range as a table cell writes it: "500" → (500, None), "3-5" → (3, 5)."""
    m = _RANGE_RE.fullmatch(text.strip())
    if m is None:
        return None
    value = parse_number(m.group("n1"))
    value_max = parse_number(m.group("n2")) if m.group("n2") else None
    if value is None or (m.group("n2") and (value_max is None or value_max <= value)):
        return None
    return value, value_max


def parse_quantity(text: str) -> Quantity | None:
    """The quantity that spans all of ``text`` (for tests and table cells), else None."""
    m = QUANTITY_RE.fullmatch(text.strip())
    return _quantity(m) if m else None


# -- qualifiers --------------------------------------------------------------------------

# Comparison words written right before a number, longest first.  力争 is an aim, not a
# comparison: it is returned only when nothing more precise is written.
PRE_QUALIFIER_RE = re.compile(
    r"(?:不低于|不少于|不超过|不高于|突破|超过|超出|达到|接近|高于|低于|多于|少于|大于|小于|至少|力争|约|超|达|近|逾)\s*$"
)


def pre_qualifier(before: str) -> str | None:
    """The qualifier that ``before`` ends with (超过 in "规模超过"), if any."""
    m = PRE_QUALIFIER_RE.search(before[-4:])
    return m.group(0).strip() if m else None


# -- dates -------------------------------------------------------------------------------

_QUARTER_END = {"一": "03-31", "1": "03-31", "二": "06-30", "2": "06-30", "三": "09-30", "3": "09-30", "四": "12-31",
                "4": "12-31"}


def _month(text: str) -> int | None:
    value = int(text) if text.isdigit() else parse_cn_integer(text)
    return value if value is not None and 1 <= value <= 12 else None


def deadline(year: int, tail: str | None) -> str | None:
    """The day a dated commitment falls due: 年底 → 12-31, 上半年 → 06-30, 一季度 → 03-31,
    3月 → 03-31 (a month's last day), 6月30日 → 06-30; None for a bare year (到2025年)."""
    if not tail:
        return None
    tail = tail.removeprefix("年")
    if tail in ("底", "末", "下半年"):
        return f"{year}-12-31"
    if tail == "上半年":
        return f"{year}-06-30"
    m = re.fullmatch(r"第?([一二三四1-4])季度", tail)
    if m:
        return f"{year}-{_QUARTER_END[m.group(1)]}"
    m = re.fullmatch(r"([\d一二三四五六七八九十]{1,3})月(?:份|底|末)?(?:([\d一二三四五六七八九十]{1,3})日)?", tail)
    if m:
        month = _month(m.group(1))
        if month is None:
            return None
        last = calendar.monthrange(year, month)[1]
        day = last
        if m.group(2):
            d = int(m.group(2)) if m.group(2).isdigit() else parse_cn_integer(m.group(2))
            if d is None or not 1 <= d <= last:
                return None
            day = d
        return f"{year}-{month:02d}-{day:02d}"
    return None


# -- year markers ------------------------------------------------------------------------

_DAY = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_TAIL = (
    rf"\s*年(?P<tail>年?底|年?末|上半年|下半年|第?[一二三四1-4]季度|{_DAY}月(?:份|底|末|{_DAY}日)?)?"
    r"(?P<before>前|以前|之前)?"
)
# One pass per way a year starts (20xx, 19xx, 二〇xx, 一九xx): a pattern that opens with a
# literal is scanned many times faster by ``re`` than one that opens with a class.
# (The "not after a digit" check comes after the literal for the same reason.)
YEAR_RES = tuple(
    re.compile(rf"(?P<year>{head}){_TAIL}")
    for head in (
        r"20(?<!\d20)\d{2}",
        r"19(?<!\d19)\d{2}",
        r"二[〇零][〇零一二三四五六七八九]{2}",
        r"一九[〇零一二三四五六七八九]{2}",
    )
)
# What may stand right before the year: 到/至/于/在, after 力争/争取/预计… or 截至.
_PRE = re.compile(r"(?:(?:力争|争取|预计|计划|确保|展望)(?:到|至|于|在)?|截至|截止|到|至|于|在)$")
_RANGE_CHARS = "－-~～—–至到"


def parse_deadline(text: str) -> tuple[int | None, str | None]:
    """(year, YYYY-MM-DD or None) of the first dated phrase in a cell such as 2024年底,
    2025年上半年, 2024年6月 or 二〇二五年一季度."""
    found = [m for m in (r.search(text) for r in YEAR_RES) if m]
    if not found:
        return None, None
    m = min(found, key=lambda x: x.start())
    year = parse_year(m.group("year"))
    if year is None:
        return None, None
    return year, deadline(year, m.group("tail"))


class Marker(NamedTuple):
    """A year written in the text: 到2020年, 2023年年底前, 2017年, 截至2022年底…"""

    start: int
    end: int
    year: int
    tail: str | None
    to: bool  # 到/至/力争…: a goal year whatever the plan's date
    aim: bool  # 力争/争取: the numbers under it are indicative
    past: bool
    due: bool  # a deadline form (年底, 上半年, …前)
    date: bool  # a full date without 前 (印发日期, 施行日期): no commitment

    @property
    def future(self) -> bool:
        return not self.past

    @property
    def deadline(self) -> str | None:
        return deadline(self.year, self.tail) if self.due else None


def _is_range_part(simp: str, pre: str, m: re.Match[str]) -> bool:
    """2019－2023年 / 2019年至2023年: a plan period, not a marker."""
    y0 = m.start("year")
    before = simp[max(0, y0 - 2) : y0]
    if pre in ("至", "到") and y0 >= 2 and (simp[y0 - 2].isdigit() or simp[y0 - 2] == "年"):
        return True
    if before[-1:] in _RANGE_CHARS and before[:1].isdigit():
        return True
    after = simp[m.end() : m.end() + 3]
    return bool(after) and after[0] in _RANGE_CHARS and after[1:2].isdigit()


_CHANGE_VERB_END = tuple("长高升加大降少缩")  # 增长/提高/提升/增加/扩大/下降/减少/缩小 + 到


def _marker(simp: str, m: re.Match[str], ref_year: int | None) -> Marker | None:
    year = parse_year(m.group("year"))
    y0 = m.start("year")
    p = _PRE.search(simp, max(0, y0 - 4), y0)
    pre = p.group(0) if p else ""
    if year is None or _is_range_part(simp, pre, m):
        return None
    s = y0 - len(pre)
    if not pre and simp[s - 1 : s] in ("较", "比", "与", "同", "于"):
        return None  # 比2020年增长: a comparison year
    if pre == "在" and "基础上" in simp[m.end() : m.end() + 12]:
        return None  # 在2023年试点基础上: a basis, not a date
    tail, before = m.group("tail"), m.group("before")
    nxt = simp[m.end() : m.end() + 2]
    if not tail and not before and (nxt[:1] in ("度", "起") or nxt in ("以来", "开始")):
        return None  # 2025年度…, 2026年起…, 2015年以来: names and starting points
    # 2021年2月 on a cover, 2025年6月7日 as a signing date: dates, not deadlines, unless
    # written as one (6月底, 6月30日前).
    date = bool(tail and tail[-1] in "日月份") and not before and "截" not in pre  # 截至2023年9月: as of, the past
    to = any(w in pre for w in ("到", "至", "力争", "争取", "预计", "确保", "计划", "展望"))
    if to and pre in ("到", "至") and simp[s - 1 : s] in _CHANGE_VERB_END:
        to = False  # 由2015年的3000亿元增长到2020年的8000亿元: 到 ends the verb, the year is a date
    past = "截" in pre or (not to and ref_year is not None and year < ref_year)
    due = bool(tail or before) and not date
    return Marker(s, m.end(), year, tail, to, "力争" in pre or "争取" in pre, past, due, date)


def find_markers(simp: str, start: int, ref_year: int | None) -> list[Marker]:
    """Every year marker from ``start`` on, in text order."""
    found = (_marker(simp, m, ref_year) for rx in YEAR_RES for m in rx.finditer(simp, start))
    return sorted((m for m in found if m is not None), key=lambda m: m.start)
