"""What luodi does, free of any CLI or web code: ingest files into a store.

Each file is read and parsed on its own (in worker processes when there are many), and
saved in one transaction; a file that fails is reported and the batch goes on.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

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


def source_key(path: Path) -> str:
    return str(path.resolve())


def ingest_file(
    store: Store, path: str, known_hashes: frozenset[str] = frozenset(), save_lock: AbstractContextManager[Any] | None = None
) -> IngestResult:
    """Read, parse and store one file; every failure becomes a one-line message, never an exception."""
    from luodi.parse import parse_raw

    try:
        raw = read_path(Path(path))
        if raw.content_hash in known_hashes:  # the same bytes are stored already: nothing to do
            return IngestResult(path, "unchanged", plan_id=store.plan_id_for_hash(raw.content_hash))
        doc = parse_raw(raw, for_store=True)
        with save_lock or nullcontext():
            saved = store.save(doc, source_key(Path(path)))
        return IngestResult(path, saved.status, saved.plan_id, doc.meta.title, len(doc.sections))
    except LuodiError as exc:
        message = str(exc)
        return IngestResult(path, "failed", error=message if path in message else f"{path}: {message}")
    except Exception as exc:  # a bug must not stop the batch; say which file hit it
        return IngestResult(path, "failed", error=f"{path}: internal error: {type(exc).__name__}: {exc}")


# Each worker process opens the store once and writes its own plans: shipping parsed
# documents back to one writer cost more than the writing.  The workers take turns to
# write through a lock they share: SQLite would serialise them too (BEGIN IMMEDIATE with a
# busy timeout), but its busy handler polls with sleeps of up to 100 ms, so a worker
# slept long after the other's 2 ms transaction had ended.
_WORKER_STORE: dict[str, Store] = {}
_WORKER_LOCK: list[AbstractContextManager[Any]] = []


def _init_worker(lock: AbstractContextManager[Any]) -> None:
    _WORKER_LOCK[:] = [lock]


def _worker_ingest(db: str, path: str, known_hashes: frozenset[str]) -> IngestResult:
    store = _WORKER_STORE.get(db)
    if store is None:
        store = _WORKER_STORE[db] = Store.open(db)
    return ingest_file(store, path, known_hashes, _WORKER_LOCK[0] if _WORKER_LOCK else None)


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
    db = store.url
    if workers <= 1 or len(paths) < 8 or db is None:
        results_iter: Iterator[IngestResult] = (ingest_file(store, p, known) for p in paths)
        return _collect(results_iter, on_result)
    context = multiprocessing.get_context()
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(context.Lock(),)
    ) as pool:
        return _collect(pool.map(_worker_ingest, [db] * len(paths), paths, [known] * len(paths), chunksize=8), on_result)


def _collect(results: Iterable[IngestResult], on_result: Callable[[IngestResult], None] | None) -> list[IngestResult]:
    out = []
    for result in results:
        out.append(result)
        if on_result:
            on_result(result)
    return out
