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
# What ingest runs before storing: everything but what the store derives on read.
STORED = [name for name in PIPELINE if name not in components.DERIVED_ON_READ]

_SOURCE_URL = re.compile(r"^\s*(https?://\S+)\s*$")


def parse_raw(raw: RawDocument, *, for_store: bool = False) -> Document:
    """Clean and extract; ``for_store`` skips what the store derives when it loads a plan."""
    doc = Document(raw=raw, mapped=clean_text(raw.text))
    first_line = raw.text.lstrip("\ufeff").split("\n", 1)[0]
    m = _SOURCE_URL.match(first_line)
    if m:  # a page saved with its address on the first line
        doc.meta.url = m.group(1)
    elif raw.source.startswith(("http://", "https://")):
        doc.meta.url = raw.source
    return run(doc, STORED if for_store else PIPELINE)


def derive_on_read(doc: Document) -> Document:
    """Fill what the store does not keep (see components.DERIVED_ON_READ)."""
    return run(doc, list(components.DERIVED_ON_READ))


def parse_file(path: Path) -> Document:
    from luodi.readers import read_path

    return parse_raw(read_path(path))
