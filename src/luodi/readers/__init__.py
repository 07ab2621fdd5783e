"""Readers: files of any supported format in, :class:`~luodi.document.RawDocument` out.

``read_path`` picks the reader by content, never by extension alone: a ``.txt`` saved from
a browser is HTML, a ``.doc`` may be a web page, and a ``.pdf`` may be an error page.  The
extension only matters for containers (``.pdf``/``.docx``): a file claiming to be one that
is something else is refused, naming what it really is.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from luodi import config
from luodi.document import RawDocument
from luodi.errors import EmptyDocument, FileTooLarge, ReaderError, UnsupportedFormat
from luodi.readers.base import REGISTRY, Reader, register
from luodi.readers.docx import DOCX
from luodi.readers.html import HTML
from luodi.readers.markdown import MARKDOWN
from luodi.readers.pdf import PDF
from luodi.readers.text import BLANK_CHARS, TEXT, is_binary

__all__ = ["REGISTRY", "MisnamedFile", "Reader", "describe_binary", "iter_documents", "read_path", "reader_for"]

# Asked in this order: binary containers by magic bytes, then markup, then plain text,
# which accepts anything that is not binary.
for _reader in (PDF, DOCX, HTML, MARKDOWN, TEXT):
    if _reader not in REGISTRY:
        register(_reader)

SUPPORTED_EXTENSIONS = frozenset(ext for reader in (PDF, DOCX, HTML, MARKDOWN, TEXT) for ext in reader.extensions)
# Extensions that promise a binary container; text in them is a mistake, not a document.
_CONTAINER_EXTENSIONS = {".pdf": "PDF", ".docx": "DOCX"}

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office/WPS file (DOC/XLS/WPS): save it as DOCX"),
    (b"{\\rtf", "RTF document: save it as DOCX"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"PK\x05\x06", "empty ZIP archive"),
    (b"\x7fELF", "executable"),
    (b"%!PS", "PostScript document"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
)
# Members that identify other ZIP-based formats.
_ZIP_KINDS = (
    ("xl/workbook.xml", "Excel workbook (XLSX)"),
    ("ppt/presentation.xml", "PowerPoint presentation (PPTX)"),
    ("OFD.xml", "OFD document: convert it to PDF"),
    ("content.xml", "OpenDocument file: save it as DOCX"),
)


def _describe_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError):
        return "damaged ZIP archive"
    return next((kind for member, kind in _ZIP_KINDS if member in names), "ZIP archive")


def describe_binary(data: bytes) -> str | None:
    """What a non-document file is (for the error message), or None if it looks textual."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    if data.startswith(b"PK\x03\x04"):
        return _describe_zip(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP image"
    if data[4:8] == b"ftyp":
        return "MP4/HEIF media"
    if data.startswith(b"BM") and len(data) >= 6 and int.from_bytes(data[2:6], "little") == len(data):
        return "BMP image"
    head = data[:2048].lstrip()
    if head[:13].lower() == b"mime-version:" or b"multipart/related" in head.lower():
        return "MHTML web archive: save it as HTML or DOCX"
    if is_binary(data):
        return "binary data"
    return None


class MisnamedFile(UnsupportedFormat):
    """A text file (HTML, Markdown, plain text) named like a PDF or DOCX."""

    def __init__(self, path: str, claimed: str, actual: str) -> None:
        self.claimed = claimed
        self.actual = actual
        ReaderError.__init__(self, path, f"not a {claimed}: the file holds {actual} (fix its extension)")


_TEXT_KINDS = {"html": "HTML", "markdown": "Markdown", "text": "plain text"}


def reader_for(data: bytes, path: Path) -> Reader:
    """The reader for ``data`` (content decides), or :class:`UnsupportedFormat`."""
    source = str(path)
    what = None if (PDF.sniff(data, path) or DOCX.sniff(data, path)) else describe_binary(data)
    container = _CONTAINER_EXTENSIONS.get(path.suffix.lower())
    if what is not None:
        raise UnsupportedFormat(source, f"{what}, not a {container}" if container else what)
    for reader in REGISTRY:
        if reader.sniff(data, path):
            if container and reader.name in _TEXT_KINDS:
                raise MisnamedFile(source, container, _TEXT_KINDS[reader.name])
            return reader
    raise UnsupportedFormat(source)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing an oversized file before reading it."""
    source = str(path)
    limit = config.max_file_bytes()
    try:
        size = path.stat().st_size
        if size > limit:
            raise FileTooLarge(source, size, limit)
        with path.open("rb") as handle:
            # Read at most one byte past the limit: a file growing while we read (or a
            # pipe with no size) cannot smuggle in more than the limit.
            data = handle.read(limit + 1)
    except IsADirectoryError:
        raise ReaderError(source, "is a directory") from None
    except OSError as exc:
        raise ReaderError(source, f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise FileTooLarge(source, len(data), limit)
    return data


def read_path(path: Path) -> RawDocument:
    """Read one file into a :class:`RawDocument`; every failure is a :class:`ReaderError`."""
    data = _read_bytes(path)
    if not data:
        raise EmptyDocument(str(path))
    raw = reader_for(data, path).read(path, data)
    if not raw.text.strip(BLANK_CHARS):
        raise EmptyDocument(str(path))
    return raw


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _walk(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix.lower() in SUPPORTED_EXTENSIONS and not _is_hidden(path, root):
            yield path


def iter_documents(paths: Iterable[Path]) -> Iterator[Path]:
    """Files to read: files as given, directories walked (sorted, supported, not hidden).

    A file reached twice (given and also inside a given directory) is yielded once.
    """
    seen: set[Path] = set()
    for path in paths:
        for found in _walk(path) if path.is_dir() else (path,):
            key = found.resolve()
            if key not in seen:
                seen.add(key)
                yield found
