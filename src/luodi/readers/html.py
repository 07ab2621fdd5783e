"""The HTML reader: the main text of a (Chinese government) web page.

Steps: decode (BOM, strict UTF-8, ``<meta charset>``, then the text decoder); parse with
lexbor; lift the site's metadata block (索引号/发文字号/成文日期…) out as ``key：value``
lines; drop scripts, navigation, headers, footers and elements named like chrome; pick
the main content container by the amount of Chinese text in its direct paragraphs; and
serialise it: h1-h6 as ``#`` lines, blocks and ``<br>`` as lines, tables as tab-separated
rows.  Container selection is generic (no per-site selectors) so unseen sites work too.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

from luodi.document import RawDocument
from luodi.readers.base import Reader
from luodi.readers.text import Decoded, ascii_view, bom_codec, decode_bytes, is_binary, sha256_hex

# ---------------------------------------------------------------- decoding

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# WHATWG treats every GB label as GB18030 and Big5 as its Microsoft superset.
_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "csgb2312": "gb18030",
    "chinese": "gb18030",
    "big5": "cp950",
    "x-x-big5": "cp950",
    "cn-big5": "cp950",
    "csbig5": "cp950",
    "big5-hkscs": "big5hkscs",
}


def declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    label = match.group(1).decode("ascii").lower()
    return _CHARSET_ALIASES.get(label, label)


def decode_html(data: bytes, source: str) -> Decoded:
    # A declared charset is only a hint: decode_bytes prefers BOM and valid UTF-8.
    declared = None if bom_codec(data) else declared_charset(data)
    return decode_bytes(data, source, declared=declared)


# ---------------------------------------------------------------- text helpers

_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff01-\uff60\u3000-\u303f"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_HANZI_RUN = re.compile("[\u3400-\u9fff\uf900-\ufaff]+")
# A source line break between two CJK characters is not a space (CSS Text 3 segment
# break rules); any other run of HTML whitespace is one space.  NBSP and U+3000 are
# content (indentation), left to the cleaner.
_CJK_BREAK = re.compile(f"(?<=[{_CJK}])[ \\t\\r\\f]*\\n[ \\t\\n\\r\\f]*(?=[{_CJK}])")
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


def collapse(text: str) -> str:
    return _HTML_SPACE.sub(" ", _CJK_BREAK.sub("", text)).strip(" ")


def join_fragments(parts: Iterable[str]) -> str:
    """Join text pieces with a space, except between two CJK characters."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and not (_CJK_CHAR.match(out[-1]) and _CJK_CHAR.match(part[0])):
            out += " "
        out += part
    return out


def hanzi_count(text: str) -> int:
    # Runs, not single characters: Chinese text has few long runs, so few match objects.
    return sum(map(len, _HANZI_RUN.findall(text)))


def content_hanzi(node: LexborNode) -> int:
    """Chinese characters in ``node`` outside links (link lists are navigation)."""
    total = hanzi_count(node.text())
    for link in node.css("a"):
        total -= hanzi_count(link.text())
    return total


# ---------------------------------------------------------------- site metadata block

_META_KEYS = (
    "索引号", "主题分类", "发文机关", "发文字号", "文号", "成文日期", "发布日期", "发文日期", "发布机构",
    "信息名称", "名称", "标题", "主题词", "关键词", "信息分类", "公文种类", "体裁分类", "组配分类",
    "有效性", "时效", "生效日期", "废止日期", "实施日期", "文件编号", "所属主题", "主题", "来源", "发布时间",
    "分类",
)  # fmt: skip
_STRONG_KEYS = frozenset({"索引号", "发文字号", "文号", "成文日期", "发文机关", "发布机构"})
_GAP = r"[\s\u3000\xa0]*"
_KEY_ALT = "|".join(_GAP.join(map(re.escape, k)) for k in sorted(_META_KEYS, key=len, reverse=True))
# A fragment that starts a pair: the key, then a colon (or nothing at all after the key).
_PAIR_START = re.compile(f"^(?P<key>{_KEY_ALT}){_GAP}(?P<colon>[:：]?){_GAP}(?P<value>.*)$", re.S)
# Further "key：" inside one text node ("索引号：x  主题分类：y").
_INNER_KEY = re.compile(f"(?<=[\\s\u3000\xa0])(?:{_KEY_ALT}){_GAP}[:：]")
_STRONG_IN_TEXT = re.compile("|".join(_GAP.join(k) for k in _STRONG_KEYS))
_STRIP = " \t\r\n\f\u3000\xa0"
_NO_SPACE = re.compile(r"[\s\u3000\xa0]+")
_META_CONTAINERS = ("table", "tbody", "ul", "ol", "dl", "div", "section")
_META_MAX_CHARS = 2000


def _is_metadata(keys: set[str]) -> bool:
    strong = len(keys & _STRONG_KEYS)
    return strong >= 2 or (strong >= 1 and len(keys) >= 3)


def _fragments(node: LexborNode) -> Iterator[str]:
    for child in node.traverse(include_text=True):
        if child.tag == "-text":
            text = (child.text_content or "").strip(_STRIP)
            cuts = [0, *(m.start() for m in _INNER_KEY.finditer(text)), len(text)]
            for start, end in itertools.pairwise(cuts):
                piece = text[start:end].strip(_STRIP)
                if piece:
                    yield piece


def _pairs(node: LexborNode) -> list[tuple[str, list[str]]]:
    """(key, value fragments) for every fragment that starts with a key and a colon.

    Keys must *start* a text fragment: prose that mentions 发文字号 mid-sentence is not a
    metadata block.
    """
    pairs: list[tuple[str, list[str]]] = []
    for fragment in _fragments(node):
        match = _PAIR_START.match(fragment)
        if match and (match.group("colon") or not match.group("value")):
            pairs.append((_NO_SPACE.sub("", match.group("key")), [match.group("value")]))
        elif pairs:
            pairs[-1][1].append(fragment)
    return pairs


def find_metadata_block(root: LexborNode) -> LexborNode | None:
    """The smallest container holding the most metadata keys, if it is a metadata block."""
    best: tuple[int, int] | None = None
    found: LexborNode | None = None
    for node in root.css(",".join(_META_CONTAINERS)):
        text = node.text()
        if len(text) > _META_MAX_CHARS or not _STRONG_IN_TEXT.search(text):
            continue
        keys = {key for key, _ in _pairs(node)}
        if not _is_metadata(keys):
            continue
        rank = (len(keys), -len(text))
        if best is None or rank > best:
            best, found = rank, node
    return found


def metadata_lines(block: LexborNode) -> list[str]:
    """``key：value`` lines of a metadata block, whether laid out as table, list or spans."""
    return [f"{key}：{collapse(join_fragments(value))}" for key, value in _pairs(block)]


# ---------------------------------------------------------------- page chrome

_DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "select", "textarea", "input", "button", "link", "meta", "head",
)  # fmt: skip
_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "form"})
_JUNK_NAME = re.compile(
    r"nav|menu|footer|share|breadcrumb|crumb|sidebar|comment|copyright|toolbar|pagination|pager|related|advert"
    r"|banner|login|search|social|qrcode|erweima|fenxiang|daohang|banquan|weizhi|dqwz|skip",
    re.I,
)
# A chrome-looking element holding this share of the page's text is a wrapper (ASP.NET
# pages put everything in one <form>), not chrome.
_WRAPPER_SHARE = 0.5


def _is_chrome(node: LexborNode) -> bool:
    tag = node.tag or ""
    if tag in _CHROME_TAGS:
        # An article's own <header> holds its title.
        return not (tag == "header" and _inside(node, ("article", "main")))
    attrs = node.attributes
    name = f"{attrs.get('id') or ''} {attrs.get('class') or ''}"
    return bool(name.strip()) and bool(_JUNK_NAME.search(name))


def _inside(node: LexborNode, tags: tuple[str, ...]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.parent
    return False


def _topmost(nodes: list[LexborNode]) -> list[LexborNode]:
    """Drop nodes nested in another listed node: decomposing a parent frees its children."""
    ids = {n.mem_id for n in nodes}
    kept = []
    for node in nodes:
        parent = node.parent
        while parent is not None and parent.mem_id not in ids:
            parent = parent.parent
        if parent is None:
            kept.append(node)
    return kept


def remove_chrome(root: LexborNode) -> None:
    for node in _topmost(root.css(",".join(_DROP_TAGS))):
        node.decompose()
    page = max(content_hanzi(root), 1)
    doomed = [
        node
        for node in root.traverse()
        if node.tag not in ("html", "body") and _is_chrome(node) and content_hanzi(node) < _WRAPPER_SHARE * page
    ]
    for node in _topmost(doomed):
        node.decompose()


# ---------------------------------------------------------------- main container

_SCORED_CHILDREN = frozenset({"p", "span", "font", "strong", "b", "em", "i", "u", "sup", "sub", "small", "big"})
# Climb to the parent while the candidate holds less than this share of the parent's
# text: the body split over sibling <div>s, or one <div> per paragraph.
_CLIMB_SHARE = 0.7


def _direct_score(node: LexborNode) -> int:
    score = 0
    for child in node.iter(include_text=True):
        if child.tag == "-text":
            score += hanzi_count(child.text_content or "")
        elif child.tag in _SCORED_CHILDREN:
            score += hanzi_count(child.text())
    return score


def main_container(root: LexborNode) -> LexborNode:
    best, best_score = root, 0
    for node in root.traverse():
        score = _direct_score(node)
        if score > best_score:
            best, best_score = node, score
    if best_score == 0:
        return root
    own = content_hanzi(best)
    while best.mem_id != root.mem_id and best.parent is not None:
        total = content_hanzi(best.parent)
        if own >= _CLIMB_SHARE * total:
            break
        best, own = best.parent, total
    return best


_HEADINGS = {f"h{n}": n for n in range(1, 7)}


def title_heading(root: LexborNode, main: LexborNode) -> str | None:
    """The last h1-h3 before the main container: the article title, when main lacks one."""
    if main.css_first("h1, h2") is not None:
        return None
    title = None
    for node in root.traverse():
        if node.mem_id == main.mem_id:
            return title
        if node.tag in ("h1", "h2", "h3"):
            text = collapse(inline_text(node))
            title = text or title
    return None


# ---------------------------------------------------------------- serialisation

_BLOCKS = frozenset(
    "p div section article main li ul ol dl dt dd blockquote address figure figcaption center hr "
    "fieldset details summary body html header footer nav aside form caption tr td th tbody thead tfoot".split()
)
_MAX_SPAN = 50  # colspan="1000" on a broken page must not make a 1000-cell row
_MAX_DEPTH = 300


@dataclass
class Lines:
    """Accumulates inline text into lines; blocks and <br> end the current line."""

    lines: list[str] = field(default_factory=list)
    buf: list[str] = field(default_factory=list)

    def text(self, text: str) -> None:
        self.buf.append(text)

    def flush(self) -> None:
        if self.buf:
            line = collapse("".join(self.buf))
            self.buf.clear()
            if line.strip():
                self.lines.append(line)

    def line(self, text: str) -> None:
        self.flush()
        self.lines.append(text)

    def blank(self) -> None:
        self.flush()
        if self.lines and self.lines[-1]:
            self.lines.append("")


def inline_text(node: LexborNode) -> str:
    """Text of ``node`` on one line (headings, table cells): its lines joined."""
    out = Lines()
    walk(node, out, 0)
    out.flush()
    return join_fragments(line.replace("\t", " ") for line in out.lines)


def walk(node: LexborNode, out: Lines, depth: int) -> None:
    if depth > _MAX_DEPTH:  # pathological nesting: keep the text, lose the structure
        out.text(node.text())
        return
    for child in node.iter(include_text=True):
        tag = child.tag or ""
        if tag == "-text":
            out.text(child.text_content or "")
        elif tag == "br":
            out.flush()
        elif tag in _HEADINGS:
            text = collapse(inline_text(child))
            if text:
                out.line(f"{'#' * _HEADINGS[tag]} {text}")
        elif tag == "table":
            emit_table(child, out, depth)
        elif tag == "pre":
            out.flush()
            out.lines.extend(ln.replace("\t", " ").rstrip() for ln in child.text().split("\n") if ln.strip())
        elif tag in _BLOCKS:
            out.flush()
            walk(child, out, depth + 1)
            out.flush()
        elif not tag.startswith("-"):
            walk(child, out, depth + 1)


def _rows(table: LexborNode) -> Iterator[LexborNode]:
    """The table's own rows, not those of tables nested in its cells."""
    for child in table.iter():
        if child.tag == "tr":
            yield child
        elif child.tag in ("thead", "tbody", "tfoot"):
            yield from (row for row in child.iter() if row.tag == "tr")


def _span(node: LexborNode, name: str) -> int:
    try:
        return max(1, min(int(node.attributes.get(name) or 1), _MAX_SPAN))
    except ValueError:
        return 1


def _fill_pending(row: list[str], pending: dict[int, tuple[str, int]]) -> None:
    """Append the cells that rowspans from rows above carry into ``row``'s next slots."""
    while len(row) in pending:
        col = len(row)
        text, left = pending.pop(col)
        row.append(text)
        if left > 1:
            pending[col] = (text, left - 1)


def table_grid(table: LexborNode) -> list[list[str]]:
    """Rows of cell texts; a colspan/rowspan cell is repeated in every grid slot it covers."""
    grid: list[list[str]] = []
    pending: dict[int, tuple[str, int]] = {}  # column -> (text, rows still covered)
    for tr in _rows(table):
        row: list[str] = []
        for cell in tr.iter():
            if cell.tag not in ("td", "th"):
                continue
            _fill_pending(row, pending)
            text = collapse(inline_text(cell))
            rowspan = _span(cell, "rowspan")
            for _ in range(_span(cell, "colspan")):
                if rowspan > 1:
                    pending[len(row)] = (text, rowspan - 1)
                row.append(text)
        _fill_pending(row, pending)
        grid.append(row)
    return grid


def emit_table(table: LexborNode, out: Lines, depth: int) -> None:
    caption = table.css_first("caption")
    if caption is not None:
        out.line(collapse(inline_text(caption)))
    grid = table_grid(table)
    if all(len(row) <= 1 for row in grid):
        # A one-column table is layout, not data: its cells are ordinary blocks.
        for tr in _rows(table):
            for cell in tr.iter():
                if cell.tag in ("td", "th"):
                    out.flush()
                    walk(cell, out, depth + 1)
                    out.flush()
        return
    out.blank()
    for row in grid:
        if any(cell.strip() for cell in row):
            out.line("\t".join(row))
    out.blank()


# ---------------------------------------------------------------- reader


def title_hint(tree: LexborHTMLParser) -> str | None:
    title = tree.css_first("title")
    if title is not None and collapse(title.text()):
        return collapse(title.text())
    for selector in ('meta[property="og:title"]', 'meta[name="ArticleTitle"]'):
        meta = tree.css_first(selector)
        content = meta.attributes.get("content") if meta is not None else None
        if content and content.strip():
            return collapse(content)
    return None


def html_to_text(html: str) -> tuple[str, str | None]:
    """(main text, title hint) of an HTML page."""
    tree = LexborHTMLParser(html)
    hint = title_hint(tree)
    root = tree.body or tree.root
    if root is None:
        return "", hint
    lines: list[str] = []
    block = find_metadata_block(root)
    if block is not None:
        lines = [*metadata_lines(block), ""]
        block.decompose()
    remove_chrome(root)
    main = main_container(root)
    title = title_heading(root, main)
    out = Lines(lines=[f"# {title}"] if title else [])
    walk(main, out, 0)
    out.flush()
    return "\n".join([*lines, *out.lines]).strip("\n"), hint


def read_html(path: Path, data: bytes) -> RawDocument:
    decoded = decode_html(data, str(path))
    text, hint = html_to_text(decoded.text)
    return RawDocument(
        source=str(path),
        format="html",
        text=text,
        content_hash=sha256_hex(data),
        encoding=decoded.encoding,
        size=len(data),
        title_hint=hint,
    )


_MARKUP = re.compile(r"<!doctype\s+html|<html[\s>]|<body[\s>]", re.I)
_TAG = re.compile(r"</?(p|div|span|br|table|tr|td|th|h[1-6]|ul|ol|li|a|b|strong|font|section|article|img|title)\b[^<>]*>", re.I)


def looks_like_html(head: str, markdown_ext: bool = False) -> bool:
    """``<!doctype html>``/``<html>``/``<body>`` markup, or (not in a .md file) dense tags."""
    if _MARKUP.search(head, 0, 4096):
        return True
    if markdown_ext:
        return False
    tags = [m.group(1).lower() for m in _TAG.finditer(head)]
    return len(tags) >= 8 and len(set(tags)) >= 3


def _sniff_html(data: bytes, path: Path) -> bool:
    if is_binary(data):
        return False
    return looks_like_html(ascii_view(data), markdown_ext=path.suffix.lower() in (".md", ".markdown"))


HTML = Reader(name="html", extensions=(".htm", ".html", ".xhtml"), sniff=_sniff_html, read=read_html)
