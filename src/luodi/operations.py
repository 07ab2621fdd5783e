"""What luodi does, free of any CLI or web code: ingest files into a store.

Each file is read and parsed on its own (in worker processes when there are many), and
saved in one transaction; a file that fails is reported and the batch goes on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from luodi.document import Document
from luodi.errors import LuodiError
from luodi.readers import iter_documents, read_path
from luodi.store import Store


def sample_paths() -> list[Path]:
    """The sample plans bundled with the package (the embedded default)."""
    root = Path(str(resources.files("luodi").joinpath("data/samples")))
    return sorted(root.glob("*.txt"))


@dataclass
class IngestResult:
    path: str
    status: str  # added | replaced | unchanged | failed
    plan_id: int | None = None
    title: str | None = None
    n_sections: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"


@dataclass
class _Parsed:
    path: str
    doc: Document | None = None
    content_hash: str | None = None
    error: str | None = None


def source_key(path: Path) -> str:
    return str(path.resolve())


def _parse_one(path: str, known_hashes: frozenset[str] = frozenset()) -> _Parsed:
    """Read and parse one file; errors become a one-line message, never an exception."""
    from luodi.parse import parse_raw

    try:
        raw = read_path(Path(path))
        if raw.content_hash in known_hashes:
            return _Parsed(path, content_hash=raw.content_hash)
        return _Parsed(path, doc=parse_raw(raw), content_hash=raw.content_hash)
    except LuodiError as exc:
        return _Parsed(path, error=str(exc))
    except Exception as exc:  # a bug must not stop the batch; say which file hit it
        return _Parsed(path, error=f"{path}: internal error: {type(exc).__name__}: {exc}")


def _parsed(paths: list[str], known: frozenset[str], workers: int) -> Iterator[_Parsed]:
    if workers <= 1 or len(paths) < 8:
        for p in paths:
            yield _parse_one(p, known)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_parse_one, paths, [known] * len(paths), chunksize=8)


def ingest(
    store: Store,
    inputs: Iterable[Path],
    *,
    workers: int | None = None,
    on_result: Callable[[IngestResult], None] | None = None,
) -> list[IngestResult]:
    """Ingest files and directories; returns one result per file, in input order."""
    paths = [str(p) for p in iter_documents(inputs)]
    known = frozenset(store.known_hashes())
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    results: list[IngestResult] = []
    for parsed in _parsed(paths, known, workers):
        result = _save(store, parsed)
        results.append(result)
        if on_result:
            on_result(result)
    return results


def _save(store: Store, parsed: _Parsed) -> IngestResult:
    if parsed.error:
        return IngestResult(parsed.path, "failed", error=parsed.error)
    if parsed.doc is None:  # the same bytes are stored already: nothing to do
        plan_id = store.plan_id_for_hash(parsed.content_hash or "")
        return IngestResult(parsed.path, "unchanged", plan_id=plan_id)
    try:
        saved = store.save(parsed.doc, source_key(Path(parsed.path)))
    except LuodiError as exc:
        return IngestResult(parsed.path, "failed", error=f"{parsed.path}: {exc}")
    doc = parsed.doc
    return IngestResult(parsed.path, saved.status, saved.plan_id, doc.meta.title, len(doc.sections))
