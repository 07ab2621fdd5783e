"""The reader protocol and registry.

A reader turns the bytes of one file into a :class:`~luodi.document.RawDocument`: plain
text in which headings may be Markdown ``#`` lines and table rows are tab-separated
cells, one row per line.  Everything downstream (cleaning, outline, tables) works on
that one text layer, so every format gets the same extraction.

Readers are chosen by content (magic bytes, markup), the extension only breaking ties.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from luodi.document import RawDocument


@dataclass(frozen=True)
class Reader:
    name: str  # text | markdown | html | docx | pdf
    extensions: tuple[str, ...]
    sniff: Callable[[bytes, Path], bool]  # does this content look like ours? (first bytes + path)
    read: Callable[[Path, bytes], RawDocument]


REGISTRY: list[Reader] = []


def register(reader: Reader) -> Reader:
    """Register a reader; readers registered first are asked first."""
    REGISTRY.append(reader)
    return reader
