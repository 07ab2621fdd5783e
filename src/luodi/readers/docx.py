"""The DOCX reader: body paragraphs and tables in document order.

python-docx opens the package; the body is then walked at the XML level because its
high-level API loses what policy documents depend on: the order of paragraphs and tables,
text inside smart tags / content controls / tracked insertions, and automatic numbering.
Gov documents number their outline (一、 / （一） / 1．) with Word lists, so the labels are
not in the text runs at all: they are rendered here from numbering.xml, counting per list
(numId) and level and restarting deeper levels, as Word does.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError

from luodi.document import RawDocument
from luodi.errors import UnsupportedFormat
from luodi.readers.base import Reader
from luodi.readers.text import sha256_hex

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_VAL = f"{_W}val"

_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT, _CUSTOM_XML = (
    f"{_W}{t}" for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent", "customXml")
)
_T, _TAB, _PTAB, _BR, _CR, _NB_HYPHEN = (f"{_W}{t}" for t in ("t", "tab", "ptab", "br", "cr", "noBreakHyphen"))
# Deleted text, field codes and text boxes (drawn over the page, often duplicated in an
# mc:Fallback) are not part of the running text.
_SKIP = frozenset({f"{_W}{t}" for t in ("del", "moveFrom", "instrText", "delText", "txbxContent", "pPr", "rPr")} | {_MC_FALLBACK})


def _val(el: Any, path: str) -> str | None:
    found = el.find(path) if el is not None else None
    return found.get(_VAL) if found is not None else None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# ---------------------------------------------------------------- number formats

_DIGITS = "〇一二三四五六七八九"
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))  # fmt: skip


def chinese_counting(n: int, digits: str = _DIGITS, units: str = "十百千", legal: bool = False) -> str:
    """一, 十, 十一, 二十, 一百零一… (legal: 壹拾, 壹佰零壹…); outside 1-9999 as decimal.

    An inner zero is read 零 in both styles (一百零五), unlike the digit-by-digit 一〇五.
    """
    if not 0 < n < 10000:
        return str(n)
    out, zero = "", False
    for value, unit in zip((1000, 100, 10), reversed(units), strict=True):
        digit = n // value % 10
        if digit:
            # 十一, not 一十一: the leading one of the tens is dropped (but not in 壹拾).
            lead = "" if (value == 10 and digit == 1 and not out and not legal) else digits[digit]
            out += ("零" if zero else "") + lead + unit
            zero = False
        elif out:
            zero = True
    if n % 10:
        out += ("零" if zero else "") + digits[n % 10]
    return out


def _enclosed(n: int, ranges: tuple[tuple[int, int, int], ...]) -> str:
    for low, high, base in ranges:
        if low <= n <= high:
            return chr(base + n - low)
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, numeral in _ROMAN:
        while n >= value:
            out, n = out + numeral, n - value
    return out or str(n)


def _letters(n: int) -> str:
    # Word's A…Z, AA…ZZ, AAA…: the letter repeated.
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def _cycle(symbols: str) -> Callable[[int], str]:
    return lambda n: symbols[n - 1] if 0 < n <= len(symbols) else str(n)


_CIRCLED = ((1, 20, 0x2460), (21, 35, 0x3251), (36, 50, 0x32B1))
_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalHalfWidth": str,
    "ordinal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(_FULLWIDTH),
    "decimalFullWidth2": lambda n: str(n).translate(_FULLWIDTH),
    "decimalEnclosedCircle": lambda n: _enclosed(n, _CIRCLED),
    "decimalEnclosedCircleChinese": lambda n: _enclosed(n, _CIRCLED),
    "decimalEnclosedFullstop": lambda n: _enclosed(n, ((1, 20, 0x2488),)),
    "decimalEnclosedParen": lambda n: _enclosed(n, ((1, 20, 0x2474),)),
    "chineseCounting": chinese_counting,
    "chineseCountingThousand": chinese_counting,
    "taiwaneseCounting": chinese_counting,
    "taiwaneseCountingThousand": chinese_counting,
    "japaneseCounting": chinese_counting,
    "chineseLegalSimplified": lambda n: chinese_counting(n, _LEGAL_DIGITS, "拾佰仟", legal=True),
    "ideographDigital": lambda n: "".join(_DIGITS[int(d)] for d in str(n)),
    "taiwaneseDigital": lambda n: "".join(_DIGITS[int(d)] for d in str(n)),
    # OOXML's "ideographTraditional" is the heavenly stems, "ideographZodiac" the branches.
    "ideographTraditional": _cycle(_STEMS),
    "ideographZodiac": _cycle(_BRANCHES),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperLetter": _letters,
    "lowerLetter": lambda n: _letters(n).lower(),
}


def format_number(n: int, fmt: str) -> str:
    return _FORMATS.get(fmt, str)(n)


# ---------------------------------------------------------------- numbering.xml


@dataclass(frozen=True)
class Level:
    fmt: str
    text: str  # lvlText, e.g. "（%2）"
    start: int
    suffix: str  # tab | space | nothing
    legal: bool  # isLgl: show every level's number in decimal
    style: str | None  # pStyle this level is bound to


def _level(lvl: Any) -> Level:
    text = lvl.find(f"{_W}lvlText")
    return Level(
        fmt=_val(lvl, f"{_W}numFmt") or "decimal",
        text=(text.get(_VAL) or "") if text is not None else "",
        start=_int(_val(lvl, f"{_W}start"), 1),
        suffix=_val(lvl, f"{_W}suff") or "tab",
        legal=lvl.find(f"{_W}isLgl") is not None,
        style=_val(lvl, f"{_W}pStyle"),
    )


@dataclass
class Numbering:
    """List definitions plus the running counters of one document walk."""

    abstracts: dict[str, dict[int, Level]] = field(default_factory=dict)
    style_links: dict[str, str] = field(default_factory=dict)  # abstractNumId -> numStyleLink style
    nums: dict[str, tuple[str, dict[int, Level | int]]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def parse(cls, root: Any) -> Numbering:
        numbering = cls()
        if root is None:
            return numbering
        for abstract in root.iterchildren(f"{_W}abstractNum"):
            aid = abstract.get(f"{_W}abstractNumId") or ""
            levels = abstract.iterchildren(f"{_W}lvl")
            numbering.abstracts[aid] = {_int(lvl.get(f"{_W}ilvl"), 0): _level(lvl) for lvl in levels}
            link = _val(abstract, f"{_W}numStyleLink")
            if link:
                numbering.style_links[aid] = link
        for num in root.iterchildren(f"{_W}num"):
            overrides: dict[int, Level | int] = {}
            for override in num.iterchildren(f"{_W}lvlOverride"):
                ilvl = _int(override.get(f"{_W}ilvl"), 0)
                lvl = override.find(f"{_W}lvl")
                start = _val(override, f"{_W}startOverride")
                if lvl is not None:
                    overrides[ilvl] = _level(lvl)
                elif start is not None:
                    overrides[ilvl] = _int(start, 1)
            numbering.nums[num.get(f"{_W}numId") or ""] = (_val(num, f"{_W}abstractNumId") or "", overrides)
        return numbering

    def levels(self, num_id: str, styles: Styles) -> dict[int, Level]:
        """The levels of list ``num_id`` with its overrides applied."""
        if num_id not in self.nums:
            return {}
        aid, overrides = self.nums[num_id]
        levels = dict(self.abstracts.get(aid, {}))
        if not levels and aid in self.style_links:
            # A list that only points at a numbering style: follow the style's list.
            linked = styles.num_ref(self.style_links[aid])
            if linked is not None and linked[0] != num_id:
                return self.levels(linked[0], styles)
        for ilvl, override in overrides.items():
            base = levels.get(ilvl)
            if isinstance(override, Level):
                levels[ilvl] = override
            elif base is not None:
                levels[ilvl] = Level(base.fmt, base.text, override, base.suffix, base.legal, base.style)
        return levels

    def label(self, num_id: str, ilvl: int | None, style_id: str | None, styles: Styles) -> tuple[str, str] | None:
        """Advance the counter of (list, level) and return (label, suffix), or None."""
        levels = self.levels(num_id, styles)
        if ilvl is None:
            # A style-borne list names no level: the level bound to the style, else 0.
            ilvl = next((k for k, lvl in levels.items() if style_id and lvl.style == style_id), 0)
        level = levels.get(ilvl)
        if level is None:
            return None
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]  # a higher level restarts every level below it
        if level.fmt in ("bullet", "none"):
            return None

        def render(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            ref = levels.get(k)
            value = counters.get(k, ref.start if ref else 1)
            fmt = "decimal" if (level.legal and k != ilvl) or ref is None else ref.fmt
            return format_number(value, fmt)

        return re.sub(r"%([1-9])", render, level.text), level.suffix


# ---------------------------------------------------------------- styles.xml

_CLOSING_PUNCT = frozenset("、．。）)】〕」』》：，,:")
_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$")


@dataclass
class Styles:
    by_id: dict[str, Any] = field(default_factory=dict)
    _levels: dict[str, int | None] = field(default_factory=dict)

    @classmethod
    def parse(cls, root: Any) -> Styles:
        styles = cls()
        if root is not None:
            styles.by_id = {s.get(f"{_W}styleId"): s for s in root.iterchildren(f"{_W}style")}
        return styles

    def _chain(self, style_id: str | None) -> Iterator[Any]:
        """The style and those it is based on (guarding against basedOn cycles)."""
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.by_id:
            seen.add(style_id)
            style = self.by_id[style_id]
            yield style
            style_id = _val(style, f"{_W}basedOn")

    def heading_level(self, style_id: str | None) -> int | None:
        if not style_id:
            return None
        if style_id not in self._levels:
            self._levels[style_id] = self._compute_level(style_id)
        return self._levels[style_id]

    def _compute_level(self, style_id: str) -> int | None:
        for style in self._chain(style_id):
            name = (_val(style, f"{_W}name") or "").strip().lower()
            if name in ("title", "标题"):
                return 1
            match = _HEADING_NAME.match(name)
            if match:
                return min(int(match.group(1)), 6)
            outline = _val(style, f"{_W}pPr/{_W}outlineLvl")
            if outline is not None and _int(outline, 9) < 9:
                return min(_int(outline, 9) + 1, 6)
        return None

    def num_ref(self, style_id: str | None) -> tuple[str, int | None] | None:
        """(numId, ilvl or None) of the list a paragraph style carries."""
        for style in self._chain(style_id):
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            if num_pr is not None:
                num_id = _val(num_pr, f"{_W}numId")
                ilvl = _val(num_pr, f"{_W}ilvl")
                return (num_id, _int(ilvl, 0) if ilvl is not None else None) if num_id else None
        return None


# ---------------------------------------------------------------- body walk


def _runs_text(el: Any, parts: list[str]) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:  # comments and processing instructions too
            continue
        if tag == _T:
            parts.append(child.text or "")
        elif tag in (_TAB, _PTAB):
            parts.append(" ")  # a tab inside a paragraph is not a table cell boundary
        elif tag in (_BR, _CR):
            parts.append("\n")
        elif tag == _NB_HYPHEN:
            parts.append("-")
        else:
            _runs_text(child, parts)


def paragraph_text(p: Any) -> str:
    parts: list[str] = []
    _runs_text(p, parts)
    return "".join(parts)


def _blocks(container: Any) -> Iterator[Any]:
    """Paragraphs and tables of a body or cell, looking through content controls."""
    for child in container:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _blocks(content)
        elif child.tag == _CUSTOM_XML:
            yield from _blocks(child)


@dataclass
class BodyWriter:
    styles: Styles
    numbering: Numbering
    lines: list[str] = field(default_factory=list)

    def paragraph(self, p: Any, in_cell: bool = False) -> str:
        """The paragraph as one (possibly multi-line) string: label + text, ``#`` if a heading."""
        ppr = p.find(f"{_W}pPr")
        style_id = _val(ppr, f"{_W}pStyle")
        text = paragraph_text(p)
        label = self._label(ppr, style_id)
        if label:
            text = label + text.lstrip(" ") if text.strip() else ""
        level = None if in_cell else self._heading_level(ppr, style_id)
        if level and text.strip():
            return f"{'#' * level} {' '.join(text.split())}"
        return text

    def _heading_level(self, ppr: Any, style_id: str | None) -> int | None:
        outline = _val(ppr, f"{_W}outlineLvl")
        if outline is not None and _int(outline, 9) < 9:
            return min(_int(outline, 9) + 1, 6)
        return self.styles.heading_level(style_id)

    def _label(self, ppr: Any, style_id: str | None) -> str:
        num_pr = ppr.find(f"{_W}numPr") if ppr is not None else None
        ref: tuple[str, int | None] | None
        if num_pr is not None:
            num_id = _val(num_pr, f"{_W}numId")
            ilvl = _val(num_pr, f"{_W}ilvl")
            ref = (num_id, _int(ilvl, 0) if ilvl is not None else None) if num_id else None
        else:
            ref = self.styles.num_ref(style_id)
        if ref is None or ref[0] == "0":  # numId 0 switches numbering off
            return ""
        found = self.numbering.label(ref[0], ref[1], style_id, self.styles)
        if not found or not found[0]:
            return ""
        label, suffix = found
        # Word puts a tab or space after the label (suff); after 、．） the text reads right
        # without one (一、总体要求), after 第一章 or 1. it needs a space.
        needs_space = suffix != "nothing" and label[-1] not in _CLOSING_PUNCT
        return label + (" " if needs_space else "")

    def cell_text(self, tc: Any) -> str:
        parts = []
        for block in _blocks(tc):
            if block.tag == _P:
                parts.append(self.paragraph(block, in_cell=True))
            else:
                parts.extend(" ".join(row) for row in self.table_rows(block))
        return " ".join(" ".join(parts).split())

    def table_rows(self, tbl: Any) -> list[list[str]]:
        """Rows on the table grid: merged cells (gridSpan, vMerge) repeated in each slot."""
        rows: list[list[str]] = []
        above: dict[int, str] = {}  # grid column -> text a vMerge continuation repeats
        for tr in tbl.iterchildren(_TR):
            row = [""] * _int(_val(tr.find(f"{_W}trPr"), f"{_W}gridBefore"), 0)
            for tc in tr.iterchildren(_TC):
                tc_pr = tc.find(f"{_W}tcPr")
                span = max(1, _int(_val(tc_pr, f"{_W}gridSpan"), 1))
                merge = tc_pr.find(f"{_W}vMerge") if tc_pr is not None else None
                continued = merge is not None and merge.get(_VAL) in (None, "continue")
                text = above.get(len(row), "") if continued else self.cell_text(tc)
                for _ in range(span):
                    above[len(row)] = text
                    row.append(text)
            rows.append(row)
        return rows

    def write(self, container: Any) -> None:
        for block in _blocks(container):
            if block.tag == _P:
                self.lines.extend(self.paragraph(block).split("\n"))
                continue
            rows = [row for row in self.table_rows(block) if any(cell.strip() for cell in row)]
            if rows:
                if self.lines and self.lines[-1]:
                    self.lines.append("")
                self.lines.extend("\t".join(row) for row in rows)
                self.lines.append("")


# ---------------------------------------------------------------- reader

_OPEN_ERRORS = (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError)


def _open(data: bytes, source: str) -> Any:
    try:
        return docx.Document(io.BytesIO(data))
    except _OPEN_ERRORS as exc:
        raise UnsupportedFormat(source, f"damaged DOCX ({exc})") from None


def docx_to_text(document: Any) -> str:
    part = document.part
    # python-docx would create an empty numbering part on access; look it up instead.
    numbering_root = next((rel.target_part.element for rel in part.rels.values() if rel.reltype.endswith("/numbering")), None)
    writer = BodyWriter(styles=Styles.parse(document.styles.element), numbering=Numbering.parse(numbering_root))
    writer.write(document.element.body)
    return "\n".join(writer.lines).strip("\n")


def read_docx(path: Path, data: bytes) -> RawDocument:
    document = _open(data, str(path))
    title = (document.core_properties.title or "").strip()
    return RawDocument(
        source=str(path),
        format="docx",
        text=docx_to_text(document),
        content_hash=sha256_hex(data),
        encoding=None,
        size=len(data),
        title_hint=title or None,
    )


def is_docx(data: bytes) -> bool:
    """A ZIP package with a WordprocessingML main part."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return "word/document.xml" in package.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _sniff_docx(data: bytes, path: Path) -> bool:
    return is_docx(data)


DOCX = Reader(name="docx", extensions=(".docx",), sniff=_sniff_docx, read=read_docx)
