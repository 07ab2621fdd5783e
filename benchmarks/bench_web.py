"""Web benchmark: a loopback load generator against ``luodi serve`` over a store of N plans.

Builds (or reuses, with --keep) a store of ``--plans`` plans made from the samples, starts
``luodi serve`` on 127.0.0.1 with ``--workers`` processes, then runs each scenario with
``--clients`` concurrent keep-alive clients for ``--seconds`` and prints requests/s,
p50/p95/p99 latency and errors.  Goals (issue 5), 1,000 plans, 50 clients, 30 s:
plan list and plan pages p95 < 100 ms, API p95 < 50 ms, zero errors.

    python benchmarks/bench_web.py [--plans 1000] [--clients 50] [--seconds 30] [--workers 2] [--keep DIR]

The client is a small asyncio HTTP/1.1 client (no dependency, far cheaper per request than
an HTTP library, which matters when it shares the machine with the server).  Every
request is bounded by a timeout; a scenario stops at its deadline.  Before each scenario a
warm-up pass requests every path a few times per worker, so the run measures a server in
its steady state (rendered plan bodies and documents are cached per worker process, ~40 kB
each compressed); ``--cold`` skips it and measures the first pass over the plans too.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench_ingest import build_corpus

from luodi.operations import ingest
from luodi.store import Store

TIMEOUT_S = 10.0


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    bytes: int = 0

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


# -- the client -----------------------------------------------------------------------------
async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
    else:
        body = await reader.read()
    return status, len(body)


async def _client(host: str, port: int, paths: list[str], deadline: float, stats: Stats, rng: random.Random) -> None:
    reader = writer = None
    while time.perf_counter() < deadline:
        path = rng.choice(paths)
        request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: */*\r\n\r\n".encode()
        start = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            assert reader is not None
            writer.write(request)
            status, size = await asyncio.wait_for(_read_response(reader), TIMEOUT_S)
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
            stats.error(type(exc).__name__)
            if writer is not None:
                writer.close()
            reader = writer = None
            continue
        stats.latencies.append(time.perf_counter() - start)
        stats.bytes += size
        if status != 200:
            stats.error(f"HTTP {status}")
    if writer is not None:
        writer.close()


async def run_scenario(host: str, port: int, paths: list[str], clients: int, seconds: float) -> tuple[Stats, float]:
    stats = Stats()
    start = time.perf_counter()
    deadline = start + seconds
    await asyncio.gather(*(_client(host, port, paths, deadline, stats, random.Random(i)) for i in range(clients)))
    return stats, time.perf_counter() - start


# -- the server and the store ----------------------------------------------------------------
def build_store(work: Path, n: int) -> Path:
    db = work / "web-bench.db"
    if db.exists():
        with Store.open(db) as store:
            if len(store.list_plans()) >= n:
                return db
    corpus = work / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    build_corpus(corpus, n)
    with Store.open(db) as store:
        results = ingest(store, [corpus], workers=2)
    failed = [r for r in results if not r.ok]
    if failed:
        sys.exit(f"ingest failed for {len(failed)} files, e.g. {failed[0].error}")
    shutil.rmtree(corpus, ignore_errors=True)
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    code = "import luodi.cli.web; from luodi.cli import main; main()"
    env = {**os.environ, "LUODI_DB": str(db), "LUODI_SECRET": "bench-" + "s" * 40}
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    stop_server(proc)
    sys.exit("the server did not start")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the server and its worker processes so far."""
    import psutil

    parent = psutil.Process(pid)
    total = 0.0
    for p in [parent, *parent.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGTERM)  # the server and its workers: the session we started
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


# -- scenarios ---------------------------------------------------------------------------------
def scenarios(db: Path) -> dict[str, tuple[list[str], float]]:
    """Name → (paths, p95 goal in seconds)."""
    with Store.open(db) as store:
        plans = store.list_plans()
    ids = [p.id for p in plans]
    regions = sorted({p.region for p in plans if p.region})
    years = sorted({p.issued[:4] for p in plans if p.issued})
    pages = max(1, len(ids) // 50)
    listing = ["/plans"] + [f"/plans?page={i}" for i in range(1, pages + 1)]
    listing += [f"/plans?region={quote(r)}" for r in regions] + [f"/plans?year={y}" for y in years]
    listing += [f"/plans?q={quote('人工智能')}", f"/plans?q={quote('行动')}&page=2"]
    api = [f"/api/plans/{i}" for i in ids] + [f"/api/plans?page={i}" for i in range(1, pages + 1)]
    api += [f"/api/plans?region={quote(r)}" for r in regions]
    return {
        "plan list": (listing, 0.100),
        "plan pages": ([f"/plans/{i}" for i in ids], 0.100),
        "API": (api, 0.050),
    }


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


async def warm(host: str, port: int, paths: list[str], workers: int) -> None:
    """Request every path 3 × ``workers`` times on fresh connections, eight at a time (the
    kernel hands each new connection to whichever worker accepts first, so each sees nearly all)."""
    todo = paths * (3 * workers)
    for i in range(0, len(todo), 8):
        await asyncio.gather(*(_one(host, port, p) for p in todo[i:i + 8]))


async def _one(host: str, port: int, path: str) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    await asyncio.wait_for(_read_response(reader), TIMEOUT_S)
    writer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cold", action="store_true", help="measure from a cold start (no warm-up pass)")
    parser.add_argument("--only", choices=["plan list", "plan pages", "API"], help="run one scenario")
    parser.add_argument("--keep", type=Path, help="build the store here and keep it for the next run")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="luodi-web-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    db = build_store(work, args.plans)
    print(f"store              {db} ({args.plans} plans, ready in {time.perf_counter() - t0:.0f} s)")
    port = free_port()
    proc = start_server(db, port, args.workers)
    failed = False
    try:
        for name, (paths, goal) in scenarios(db).items():
            if args.only and name != args.only:
                continue
            if not args.cold:
                t = time.perf_counter()
                asyncio.run(warm("127.0.0.1", port, paths, args.workers))
                print(f"{'':<18} warm-up: {len(paths) * 3 * args.workers:,} requests in {time.perf_counter() - t:.0f} s")
            server_cpu, client_cpu = cpu_seconds(proc.pid), resource.getrusage(resource.RUSAGE_SELF)
            stats, elapsed = asyncio.run(run_scenario("127.0.0.1", port, paths, args.clients, args.seconds))
            server_cpu = cpu_seconds(proc.pid) - server_cpu
            used = resource.getrusage(resource.RUSAGE_SELF)
            client_cpu_s = used.ru_utime + used.ru_stime - client_cpu.ru_utime - client_cpu.ru_stime
            n, lat = len(stats.latencies), stats.latencies
            errors = sum(stats.errors.values())
            ok = n > 0 and pct(lat, 95) < goal and errors == 0
            failed |= not ok
            print(f"{name:<18} {n:>7,} req  {n / elapsed:>7.0f} req/s  p50 {pct(lat, 50) * 1000:6.1f} ms  "
                  f"p95 {pct(lat, 95) * 1000:6.1f} ms  p99 {pct(lat, 99) * 1000:6.1f} ms  "
                  f"errors {errors} {stats.errors or ''}  goal p95 < {goal * 1000:.0f} ms {'✓' if ok else '✗'}")
            per = 1000 / max(n, 1)
            print(f"{'':<18} CPU per request: server {server_cpu * per:.2f} ms, load generator {client_cpu_s * per:.2f} ms;"
                  f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    finally:
        stop_server(proc)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
