"""Reading and parsing one document: the "what" behind ``luodi extract`` and ingest."""

from __future__ import annotations

import re
from pathlib import Path

from luodi.clean import clean_text
from luodi.document import Document, RawDocument
from luodi.extract import components
from luodi.extract.pipeline import check_order, run

PIPELINE = list(components.DEFAULT_PIPELINE)
check_order(PIPELINE)

_SOURCE_URL = re.compile(r"^\s*(https?://\S+)\s*$")


def parse_raw(raw: RawDocument) -> Document:
    doc = Document(raw=raw, mapped=clean_text(raw.text))
    first_line = raw.text.lstrip("\ufeff").split("\n", 1)[0]
    m = _SOURCE_URL.match(first_line)
    if m:  # a page saved with its address on the first line
        doc.meta.url = m.group(1)
    elif raw.source.startswith(("http://", "https://")):
        doc.meta.url = raw.source
    return run(doc, PIPELINE)


def parse_file(path: Path) -> Document:
    from luodi.readers import read_path

    return parse_raw(read_path(path))
