"""Fixture builders: turn a sample plan's text into DOCX, PDF, HTML and legacy-encoded files.

Every builder writes into a path the caller chooses (a pytest ``tmp_path``) and returns it.
Builders take the *text* of a plan so tests can compare what a reader gives back with
what went in.  Conventions of the input text (the reader contract): ``#`` lines are
headings, lines with tabs are table rows (consecutive rows form one table).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- sample texts


def seeds_dir() -> Path:
    """``<repo>/../shared/seeds`` (searched upwards), else the copies bundled in the package."""
    for base in (REPO.parent, *REPO.parent.parents):
        candidate = base / "shared" / "seeds"
        if candidate.is_dir():
            return candidate
    return REPO / "src" / "luodi" / "data" / "samples"


def seed_path(prefix: str) -> Path:
    """The seed file whose name starts with ``prefix`` (e.g. ``"002"``)."""
    matches = sorted(seeds_dir().glob(f"{prefix}*.txt"))
    if not matches:
        raise FileNotFoundError(f"no seed {prefix}* in {seeds_dir()}")
    return matches[0]


def seed_text(prefix: str) -> str:
    return seed_path(prefix).read_text(encoding="utf-8").replace("\r\n", "\n")


def encodable(text: str, encoding: str) -> str:
    """``text`` without the characters ``encoding`` cannot represent (e.g. pinyin ū in Big5)."""
    out = []
    for ch in text:
        try:
            ch.encode(encoding)
        except UnicodeEncodeError:
            continue
        out.append(ch)
    return "".join(out)


def write_encoded(text: str, path: Path, encoding: str) -> Path:
    """Write ``text`` in ``encoding`` (``utf-16`` adds a BOM, ``utf-16-le`` does not)."""
    path.write_bytes(text.encode(encoding))
    return path


def plan_lines(text: str) -> list[str]:
    """Non-blank lines, whitespace-normalised: how tests compare reader output with input."""
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def table_blocks(text: str) -> Iterator[list[list[str]]]:
    """Consecutive tab-separated lines of ``text`` as tables of cells."""
    block: list[list[str]] = []
    for line in [*text.split("\n"), ""]:
        if "\t" in line:
            block.append(line.split("\t"))
        elif block:
            yield block
            block = []


# ---------------------------------------------------------------- DOCX

_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}


def cn_number(text: str) -> int:
    """一…九十九 as an int (enough for outline labels)."""
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


# (pattern, level, value parser) for the outline labels gov plans use.  Level formats in
# _OUTLINE_LEVELS below render them back.
_LABELS: tuple[tuple[re.Pattern[str], int, Any], ...] = (
    (re.compile(r"^([一二三四五六七八九十]+)、"), 0, cn_number),
    (re.compile(r"^（([一二三四五六七八九十]+)）"), 1, cn_number),
    (re.compile(r"^(\d{1,2})．"), 2, int),
    (re.compile(r"^(\d{1,2})\.(?!\d)"), 3, int),
    (re.compile(r"^([①-⑳])"), 4, lambda c: ord(c) - 0x2460 + 1),
)
_OUTLINE_LEVELS = (
    ("chineseCounting", "%1、"),
    ("chineseCounting", "（%2）"),
    ("decimal", "%3．"),
    ("decimal", "%4."),
    ("decimalEnclosedCircle", "%5"),
)
_ABSTRACT_ID = "90"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def split_label(line: str) -> tuple[int, int, str] | None:
    """(level, value, text after the label) of an outline-numbered line."""
    stripped = line.lstrip(" \t\u3000")
    for pattern, level, parse in _LABELS:
        match = pattern.match(stripped)
        if match:
            return level, parse(match.group(1)), stripped[match.end() :]
    return None


def _abstract_num_xml() -> str:
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:suff w:val="nothing"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
        for i, (fmt, text) in enumerate(_OUTLINE_LEVELS)
    )
    return f'<w:abstractNum xmlns:w="{_W_NS}" w:abstractNumId="{_ABSTRACT_ID}">{levels}</w:abstractNum>'


@dataclass
class OutlineLists:
    """Word lists for outline labels, mirroring Word's counting so every label comes out as written.

    Counting is per list (numId) and level, and a level restarts the levels below it.
    When the next label in the text is not what the current list would show (the text
    restarts at 一、 in the annex, or skips a number), a new list starting at that value
    is opened (``w:lvlOverride/w:startOverride``).
    """

    numbering: Any  # CT_Numbering
    num_id: int = 0
    counters: dict[int, int] = field(default_factory=dict)
    starts: dict[int, int] = field(default_factory=dict)  # startOverride of the current list

    @classmethod
    def install(cls, document: Any) -> OutlineLists:
        from docx.oxml import parse_xml

        numbering = document.part.numbering_part.element
        abstract = parse_xml(_abstract_num_xml())
        first_num = numbering.find(f"{{{_W_NS}}}num")
        if first_num is None:
            numbering.append(abstract)
        else:
            first_num.addprevious(abstract)  # schema order: every abstractNum before any num
        return cls(numbering=numbering, num_id=900)

    def _new_list(self, level: int, start: int) -> None:
        from docx.oxml import parse_xml

        self.num_id += 1
        self.numbering.append(
            parse_xml(
                f'<w:num xmlns:w="{_W_NS}" w:numId="{self.num_id}"><w:abstractNumId w:val="{_ABSTRACT_ID}"/>'
                f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/></w:lvlOverride></w:num>'
            )
        )
        self.counters = {}
        self.starts = {level: start}

    def _next(self, level: int) -> int | None:
        """What the current list would show at ``level`` (None before the first list)."""
        if self.num_id == 900:
            return None
        return self.counters[level] + 1 if level in self.counters else self.starts.get(level, 1)

    def number(self, paragraph: Any, level: int, value: int) -> None:
        if self._next(level) != value:
            self._new_list(level, value)
        self.counters[level] = value
        for deeper in [k for k in self.counters if k > level]:
            del self.counters[deeper]
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = self.num_id


def _add_table(document: Any, rows: list[list[str]]) -> None:
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell


def make_docx(text: str, path: Path, title: str | None = None, numbered: bool = True) -> Path:
    """A DOCX of ``text``: ``#`` lines as Heading N, tab lines as tables, and (``numbered``)
    outline labels (一、 （一） 1． 1. ①) moved out of the text into Word numbering."""
    import docx

    document = docx.Document()
    if title:
        document.core_properties.title = title
    outline = OutlineLists.install(document) if numbered else None
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "\t" in line:
            rows = []
            while i < len(lines) and "\t" in lines[i]:
                rows.append(lines[i].split("\t"))
                i += 1
            _add_table(document, rows)
            continue
        i += 1
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        label = split_label(line) if outline else None
        if heading:
            document.add_heading(heading.group(2).strip(), level=len(heading.group(1)))
        elif label and outline:
            outline.number(document.add_paragraph(label[2]), label[0], label[1])
        elif line.strip():
            document.add_paragraph(line)
    document.save(str(path))
    return path


# ---------------------------------------------------------------- PDF

_PDF_FONT = "STSong-Light"


def _register_cid_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if _PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_PDF_FONT))


def _wrap(line: str, width: float, size: float) -> Iterator[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while line:
        n = 1
        while n < len(line) and stringWidth(line[: n + 1], _PDF_FONT, size) <= width:
            n += 1
        yield line[:n]
        line = line[n:]


def make_pdf(text: str, path: Path, title: str | None = None, encrypt: str | None = None) -> Path:
    """A multi-page A4 PDF of ``text`` in STSong-Light (a CID font: no font file needed),
    long lines wrapped, a ``- N -`` page number at the foot of every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _register_cid_font()
    size, leading, margin = 11, 16, 50
    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    if title:
        pdf.setTitle(title)
    page_width, page_height = A4
    y = page_height - margin

    def finish_page() -> None:
        pdf.setFont(_PDF_FONT, 9)
        pdf.drawCentredString(page_width / 2, 30, f"- {pdf.getPageNumber()} -")
        pdf.showPage()

    pdf.setFont(_PDF_FONT, size)
    for line in text.split("\n"):
        for piece in _wrap(line, page_width - 2 * margin, size):
            if y < margin + 20:
                finish_page()
                pdf.setFont(_PDF_FONT, size)
                y = page_height - margin
            pdf.drawString(margin, y, piece)
            y -= leading
    finish_page()
    pdf.save()
    return path


def make_image_pdf(path: Path) -> Path:
    """A PDF with drawn shapes only (like a scan): no text layer at all."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(2):
        pdf.rect(72, 400, 300, 200, stroke=1, fill=0)
        pdf.setFillGray(0.5)
        pdf.circle(200, 300, 50, stroke=0, fill=1)
        pdf.line(72, 100, 500, 120)
        pdf.showPage()
    pdf.save()
    return path


def make_encrypted_pdf(path: Path, text: str = "加密文件内容", password: str = "secret") -> Path:
    """A PDF that needs a user password to open."""
    return make_pdf(text, path, encrypt=password)


# ---------------------------------------------------------------- HTML

NAV_TEXT = ("网站首页", "政务公开栏目", "办事服务栏目", "互动交流栏目", "走进示例市")
BREADCRUMB_TEXT = "当前位置"
FOOTER_TEXT = ("版权所有：示例市人民政府办公室", "粤ICP备12345678号")
SCRIPT_TEXT = "统计代码不应出现"
SHARE_TEXT = "分享到微信"
METADATA = (
    ("索引号", "000014349/2021-00073"),
    ("主题分类", "科技、教育"),
    ("发文机关", "示例市人民政府"),
    ("成文日期", "2021年03月01日"),
    ("发文字号", "示府〔2021〕9号"),
    ("发布日期", "2021年03月05日"),
)


def _html_body(text: str) -> str:
    parts: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if "\t" in lines[i]:
            rows = []
            while i < len(lines) and "\t" in lines[i]:
                rows.append(lines[i].split("\t"))
                i += 1
            head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
            body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows[1:])
            parts.append(f'<table border="1"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')
            continue
        line = lines[i]
        i += 1
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        if heading:
            n = len(heading.group(1))
            parts.append(f"<h{n}>{html.escape(heading.group(2))}</h{n}>")
        elif line.strip():
            parts.append(f"<p>{html.escape(line)}</p>")
    return "\n".join(parts)


def make_html(text: str, path: Path, title: str = "示例市人民政府关于印发行动计划的通知", encoding: str = "utf-8") -> Path:
    """A realistic gov page: nav, breadcrumb, metadata table in the header, body in
    ``div#zoom``, an annex table (from the text's tab lines), share bar, footer, scripts."""
    meta_rows = "".join(
        "<tr>" + "".join(f"<td class='t'>{k}：</td><td>{html.escape(v)}</td>" for k, v in METADATA[i : i + 2]) + "</tr>"
        for i in range(0, len(METADATA), 2)
    )
    nav = "".join(f'<li><a href="/{n}">{t}</a></li>' for n, t in enumerate(NAV_TEXT))
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="{encoding}">
<meta name="ArticleTitle" content="{html.escape(title)}">
<title>{html.escape(title)}_政策文件_示例市人民政府门户网站</title>
<style>.nav li {{ float: left; }}</style>
<script>var _hmt = "{SCRIPT_TEXT}";</script>
</head>
<body>
<div class="header"><div class="logo">示例市人民政府门户网站</div><ul class="nav">{nav}</ul></div>
<div class="breadcrumb">{BREADCRUMB_TEXT}：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a></div>
<div class="xxgk_table"><table>{meta_rows}
<tr><td class="t">标　　题：</td><td colspan="3">{html.escape(title)}</td></tr></table></div>
<div class="article">
<h1 class="title">{html.escape(title)}</h1>
<div class="info">来源：示例市人民政府办公室 <span class="bdshare">{SHARE_TEXT}</span></div>
<div id="zoom" class="TRS_Editor">
{_html_body(text)}
</div>
</div>
<div class="footer"><p>{FOOTER_TEXT[0]}</p><p>{FOOTER_TEXT[1]}</p></div>
<script>document.write("{SCRIPT_TEXT}");</script>
</body>
</html>
"""
    path.write_bytes(page.encode(encoding))
    return path
