"""The PDF reader: the text layer of every page, via PDFium.

Pages are joined with a newline; a sentence cut by a page break is rejoined by the
cleaner, which also unwraps the hard line breaks PDF text always has.  Page-number lines
(``- 3 -``, ``— 3 —``, ``第 3 页``) are dropped here because only here is it known where a
page starts and ends.  A scanned PDF has no text layer and is refused with a hint to OCR
it, rather than yielding an empty document.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

from luodi.clean.passes import PAGE_NUMBER
from luodi.document import RawDocument
from luodi.errors import EmptyDocument, EncryptedPdf, NoTextLayer, UnsupportedFormat
from luodi.readers.base import Reader
from luodi.readers.text import BLANK_CHARS, normalize_newlines, sha256_hex

# Fonts that map CJK glyphs to the Kangxi radicals / CJK radicals supplement blocks
# produce look-alike characters (⽅ U+2F45 for 方) that defeat every keyword search.
_RADICALS = re.compile("[\u2e80-\u2ef3\u2f00-\u2fd5]+")
# Where PDFium marks a hyphen it inserted at a line end, and the NULs some producers leave.
_ARTIFACTS = str.maketrans({"\x02": None, "\x00": None, "\ufffe": None})


def _fold_radicals(text: str) -> str:
    if not _RADICALS.search(text):
        return text
    return _RADICALS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def _is_bare_page_number(line: str, page_no: int) -> bool:
    # A lone number is a page number only when it is (close to) the page's own number:
    # covers and tables of contents shift printed numbers by a page or two.
    stripped = line.strip(" \t\u3000")
    return stripped.isdigit() and len(stripped) <= 4 and abs(int(stripped) - page_no) <= 2


def clean_page(text: str, page_no: int) -> str:
    """Page text with normalised newlines, folded radicals and page-number lines removed."""
    lines = _fold_radicals(normalize_newlines(text.translate(_ARTIFACTS))).split("\n")
    content = [i for i, line in enumerate(lines) if line.strip(BLANK_CHARS)]
    if not content:
        return "\n".join(lines)
    # Page numbers sit in the header or footer: look at the first/last two lines only,
    # and accept a bare number only as the very first or last line.
    outer = {content[0], content[-1]}
    drop = {
        i
        for i in {*content[:2], *content[-2:]}
        if PAGE_NUMBER.match(lines[i]) or (i in outer and _is_bare_page_number(lines[i], page_no))
    }
    return "\n".join(line for i, line in enumerate(lines) if i not in drop)


def _open(data: bytes, source: str) -> Any:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedPdf(source) from None
        raise UnsupportedFormat(source, f"damaged PDF ({exc})") from None


def _page_text(pdf: Any, index: int) -> str:
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            return str(textpage.get_text_range())
        finally:
            textpage.close()
    finally:
        page.close()


# PDFium is not thread-safe and pypdfium2 does not serialise calls into it.
_PDFIUM_LOCK = threading.Lock()


def pdf_pages(data: bytes, source: str) -> tuple[list[str], str | None]:
    """(text of each page, document title) of a PDF."""
    with _PDFIUM_LOCK:
        pdf = _open(data, source)
        try:
            pages = [_page_text(pdf, i) for i in range(len(pdf))]
            title = (pdf.get_metadata_dict().get("Title") or "").strip() or None
        finally:
            pdf.close()
    return pages, title


def read_pdf(path: Path, data: bytes) -> RawDocument:
    source = str(path)
    pages, title = pdf_pages(data, source)
    if not pages:
        raise EmptyDocument(source)
    if not any(page.strip(BLANK_CHARS) for page in pages):
        raise NoTextLayer(source)
    text = "\n".join(clean_page(page, number) for number, page in enumerate(pages, start=1))
    return RawDocument(
        source=source,
        format="pdf",
        text=text,
        content_hash=sha256_hex(data),
        encoding=None,
        size=len(data),
        title_hint=title,
    )


def is_pdf(data: bytes) -> bool:
    # PDF readers accept the header anywhere in the first KB (junk before it is common).
    return b"%PDF-" in data[:1024]


def _sniff_pdf(data: bytes, path: Path) -> bool:
    return is_pdf(data)


PDF = Reader(name="pdf", extensions=(".pdf",), sniff=_sniff_pdf, read=read_pdf)
