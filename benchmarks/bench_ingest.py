"""Ingest benchmark: N documents built from the sample plans into a fresh SQLite store.

Prints docs/s, MB/s, peak RSS (this process and the parser workers) and the store's size
against the raw text.  Goal on a 2-core machine: ≥ 150 docs/s, RSS < 500 MB, store ≤ 3×.

    python benchmarks/bench_ingest.py [--docs 10000] [--workers 2] [--keep DIR] [--structure-only]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from luodi import parse
from luodi.operations import ingest, sample_paths
from luodi.store import Store

EXTRACTION = ("targets.v1", "milestones.v1", "supports.v1", "scenarios.v1", "entities.v1")


def build_corpus(folder: Path, n: int) -> int:
    """Write ``n`` files cycling through the samples, each made unique by a metadata line
    (索引号, which the layout reads into fields) so every content hash differs."""
    samples = [p.read_bytes().decode("utf-8") for p in sample_paths()]
    total = 0
    for i in range(n):
        text = f"索引号：bench-{i:06d}\n" + samples[i % len(samples)]
        data = text.encode("utf-8")
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"plan_{i:06d}.txt").write_bytes(data)
        total += len(data)
    return total


def peak_rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="build the corpus and store here and keep them")
    parser.add_argument(
        "--structure-only", action="store_true",
        help="run only layout, front matter, outline, tables and units (no targets, milestones, supports, "
        "scenarios, entities): the baseline that extraction's cost is measured against",
    )
    args = parser.parse_args()
    if args.structure_only:
        # Before the worker processes fork, so they inherit the shortened pipeline.
        parse.STORED[:] = [c for c in parse.STORED if c not in EXTRACTION]
    work = args.keep or Path(tempfile.mkdtemp(prefix="luodi-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus, db = work / "corpus", work / "bench.db"
    shutil.rmtree(corpus, ignore_errors=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    corpus.mkdir()
    raw_bytes = build_corpus(corpus, args.docs)

    store = Store.open(db)
    start = time.perf_counter()
    results = ingest(store, [corpus], workers=args.workers)
    elapsed = time.perf_counter() - start
    store.close()

    failed = sum(1 for r in results if not r.ok)
    store_bytes = sum(Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists())
    own, children = peak_rss_mb()
    print(f"documents          {len(results):>10,}   failed {failed}")
    print(f"raw text           {raw_bytes / 1e6:>10.1f} MB")
    print(f"elapsed            {elapsed:>10.1f} s")
    print(f"throughput         {len(results) / elapsed:>10.1f} docs/s   {raw_bytes / 1e6 / elapsed:.2f} MB/s")
    print(f"peak RSS           {own:>10.0f} MB main   {children:.0f} MB largest worker")
    print(f"store size         {store_bytes / 1e6:>10.1f} MB   {store_bytes / raw_bytes:.2f}x the raw text")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
