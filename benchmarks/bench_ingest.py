"""Ingest benchmark: N documents built from the sample plans into a fresh SQLite store.

Prints docs/s, MB/s, peak RSS (this process and the parser workers) and the store's size
against the raw text.  Goal on a 2-core machine: ≥ 150 docs/s, RSS < 500 MB, store ≤ 3×.

    python benchmarks/bench_ingest.py [--docs 10000] [--workers 2] [--keep DIR] [--structure-only]
    python benchmarks/bench_ingest.py --compare 3 [--docs 4000]

``--compare K`` answers "what does extraction add to ingest?" on a shared machine: it runs
the structure-only pipeline and the full one K times each, alternating, into fresh stores,
and reports the fastest run of each (the one least disturbed by other tenants), the median,
and the least CPU time, with the extra that extraction costs.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from luodi import parse
from luodi.operations import ingest, sample_paths
from luodi.store import Store

EXTRACTION = ("targets.v1", "milestones.v1", "supports.v1", "scenarios.v1", "entities.v1")
FULL = list(parse.STORED)
STRUCTURE = [c for c in FULL if c not in EXTRACTION]


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


def cpu_seconds() -> float:
    """User + system CPU of this process and of its finished children (the workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_once(corpus: Path, db: Path, workers: int, structure_only: bool) -> tuple[float, float, int, int]:
    """(seconds, CPU seconds, documents, failures) of one ingest into a fresh store at ``db``."""
    # Set before the worker processes fork, so they inherit the pipeline.
    parse.STORED[:] = STRUCTURE if structure_only else FULL
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = Store.open(db)
    cpu, start = cpu_seconds(), time.perf_counter()
    results = ingest(store, [corpus], workers=workers)
    elapsed, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    store.close()
    return elapsed, cpu, len(results), sum(1 for r in results if not r.ok)


def store_size(db: Path) -> int:
    return sum(Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists())


def compare(corpus: Path, db: Path, workers: int, rounds: int, docs: int) -> None:
    """Wall time swings with the other tenants of a shared machine; CPU time (this process
    and its workers) much less, so both are reported."""
    times: dict[str, list[float]] = {"structure": [], "full": []}
    cpus: dict[str, list[float]] = {"structure": [], "full": []}
    for k in range(rounds):
        for mode in ("structure", "full"):
            elapsed, cpu, _, failed = run_once(corpus, db, workers, structure_only=mode == "structure")
            times[mode].append(elapsed)
            cpus[mode].append(cpu)
            print(f"round {k + 1}  {mode:<9}  {elapsed:6.1f} s  {docs / elapsed:6.1f} docs/s  "
                  f"CPU {cpu / docs * 1000:5.2f} ms/doc  failed {failed}")
    for name, values in (("fastest", {m: min(t) for m, t in times.items()}),
                         ("median", {m: statistics.median(t) for m, t in times.items()}),
                         ("CPU, least", {m: min(t) for m, t in cpus.items()})):
        print(f"{name:<18} structure {values['structure']:.1f} s   full {values['full']:.1f} s   "
              f"extraction adds {values['full'] / values['structure'] - 1:+.0%}")


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
    parser.add_argument("--compare", type=int, metavar="K", help="alternate structure-only and full runs K times each")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="luodi-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus, db = work / "corpus", work / "bench.db"
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir()
    raw_bytes = build_corpus(corpus, args.docs)
    if args.compare:
        compare(corpus, db, args.workers, args.compare, args.docs)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        return

    elapsed, _, count, failed = run_once(corpus, db, args.workers, args.structure_only)
    size = store_size(db)
    own, children = peak_rss_mb()
    print(f"documents          {count:>10,}   failed {failed}")
    print(f"raw text           {raw_bytes / 1e6:>10.1f} MB")
    print(f"elapsed            {elapsed:>10.1f} s")
    print(f"throughput         {count / elapsed:>10.1f} docs/s   {raw_bytes / 1e6 / elapsed:.2f} MB/s")
    print(f"peak RSS           {own:>10.0f} MB main   {children:.0f} MB largest worker")
    print(f"store size         {size / 1e6:>10.1f} MB   {size / raw_bytes:.2f}x the raw text")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
