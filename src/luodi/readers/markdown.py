"""The Markdown reader: the text as is, with pipe tables turned into tab-separated rows.

ATX headings are already the ``#`` lines the rest of the pipeline expects, and the cleaner
removes escapes and link syntax, so the only rewrite is tables: ``| a | b |`` + ``|---|``
becomes one line of tab-separated cells per row (the delimiter row dropped).  Tables are
found with markdown-it so that pipes inside code fences, escaped pipes and GFM's rules for
where a table ends are handled exactly as a Markdown renderer would.
"""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from luodi.document import RawDocument
from luodi.readers.base import Reader
from luodi.readers.text import ascii_view, decode_bytes, is_binary, sha256_hex

# A GFM delimiter row: cells of dashes with optional alignment colons, at least one pipe.
_DELIMITER_ROW = re.compile(r"^ {0,3}(?=[^\n]*\|)\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$", re.M)
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+\S", re.M)
_LINK = re.compile(r"\]\((?:https?://|/|\./|#)")
_TITLE = re.compile(r"^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$", re.M)
_CELL_SPACE = re.compile(r"[\t\n\r]+")

_parser: MarkdownIt | None = None


def _markdown_it() -> MarkdownIt:
    # Built once and lazily: only files that contain a delimiter row need a parse.
    global _parser
    if _parser is None:
        _parser = MarkdownIt("commonmark").enable("table")
    return _parser


def _table_rows(tokens: list[Token], start: int) -> tuple[list[list[str]], int]:
    """Cell texts of the table whose ``table_open`` is ``tokens[start]``; returns the index after it."""
    rows: list[list[str]] = []
    i = start + 1
    while tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type == "tr_open":
            rows.append([])
        elif tok.type == "inline" and rows:
            rows[-1].append(_CELL_SPACE.sub(" ", tok.content).strip())
        i += 1
    return rows, i + 1


def convert_pipe_tables(text: str) -> str:
    """Replace every GFM pipe table in ``text`` by tab-separated rows, header row first."""
    if not _DELIMITER_ROW.search(text):
        return text
    tokens = _markdown_it().parse(text)
    lines = text.split("\n")
    replacements: list[tuple[int, int, list[str]]] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "table_open" and tok.map is not None:
            rows, i = _table_rows(tokens, i)
            replacements.append((tok.map[0], tok.map[1], ["\t".join(row) for row in rows]))
            continue
        i += 1
    # Back to front, so earlier line numbers stay valid.
    for first, end, rows_tsv in reversed(replacements):
        lines[first:end] = rows_tsv
    return "\n".join(lines)


def title_of(text: str) -> str | None:
    """The first level-1 ATX heading, the usual title of a Markdown document."""
    match = _TITLE.search(text)
    return match.group(1).strip() if match else None


def read_markdown(path: Path, data: bytes) -> RawDocument:
    decoded = decode_bytes(data, str(path))
    return RawDocument(
        source=str(path),
        format="markdown",
        text=convert_pipe_tables(decoded.text),
        content_hash=sha256_hex(data),
        encoding=decoded.encoding,
        size=len(data),
        title_hint=title_of(decoded.text),
    )


def looks_like_markdown(head: str) -> bool:
    return bool(_ATX_HEADING.search(head) or _DELIMITER_ROW.search(head) or _LINK.search(head))


def _sniff_markdown(data: bytes, path: Path) -> bool:
    if is_binary(data):
        return False
    return path.suffix.lower() in MARKDOWN.extensions or looks_like_markdown(ascii_view(data, 65536))


MARKDOWN = Reader(name="markdown", extensions=(".md", ".markdown"), sniff=_sniff_markdown, read=read_markdown)
