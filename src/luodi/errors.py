"""A small tree of named errors.  Each builds its one-line message in the constructor,
keeps what it is about as attributes, and is translated to exit codes / HTTP at the edges."""

from __future__ import annotations


class LuodiError(Exception):
    """Base of every error luodi raises on purpose."""

    status = 500


class ReaderError(LuodiError):
    """A file could not be read as a document."""

    status = 422

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class EmptyDocument(ReaderError):
    def __init__(self, path: str) -> None:
        super().__init__(path, "empty file: no text to read")


class UnsupportedFormat(ReaderError):
    def __init__(self, path: str, what: str = "unknown or binary format") -> None:
        super().__init__(path, f"{what}: not a text, HTML, Markdown, DOCX or PDF document")


class UndecodableText(ReaderError):
    def __init__(self, path: str) -> None:
        super().__init__(path, "undecodable bytes: not UTF-8/UTF-16, GB18030/GBK or Big5 text")


class NoTextLayer(ReaderError):
    def __init__(self, path: str) -> None:
        super().__init__(path, "PDF has no text layer — OCR it first")


class EncryptedPdf(ReaderError):
    def __init__(self, path: str) -> None:
        super().__init__(path, "PDF is encrypted — decrypt it first")


class FileTooLarge(ReaderError):
    def __init__(self, path: str, size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        super().__init__(path, f"file too large: {size / 1e6:.1f} MB (limit {limit / 1e6:.0f} MB, see LUODI_MAX_FILE_MB)")


class StoreError(LuodiError):
    """The store refused or failed an operation."""


class NotFound(LuodiError):
    status = 404

    def __init__(self, what: str, key: str) -> None:
        self.what = what
        self.key = key
        super().__init__(f"{what} not found: {key}")
