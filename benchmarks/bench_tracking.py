"""Tracking benchmark: one plan with 2,000 items and 100,000 progress reports.

Goals: ``luodi track status`` < 1 s, a quarterly report < 5 s.  Prints the time to sync the
items, to compute a status snapshot (in process and as the whole command in a fresh
process), to build and render the quarterly report in each format, and to validate and
import a filled-in sheet of one row per item.

    python benchmarks/bench_tracking.py [--items 2000] [--reports 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import insert

from luodi.clean.mapped import MappedText
from luodi.document import Document, Metadata, Period, RawDocument, Section
from luodi.store import Store
from luodi.store.schema import track_reports
from luodi.tracking.excel import import_file, write_template
from luodi.tracking.items import ensure_items, load_items, plan_info
from luodi.tracking.quarterly import Quarter, build_report, render
from luodi.tracking.rollup import snapshot

ACTOR = "cli:bench"
UNITS = ["市发展改革委", "市科技创新委", "市工业和信息化局", "市教育局", "市财政局", "市人力资源保障局", "市商务局",
         "市交通运输局", "市卫生健康委", "市市场监管局", "市政务服务数据管理局", "市公安局", "市司法局", "市住房建设局",
         "市生态环境局", "市文化广电旅游体育局", "市地方金融监管局", "市国资委", "市前海管理局", "市统计局"]
AS_OF = date(2023, 6, 30)
T = TypeVar("T")


def build_plan(n_items: int) -> Document:
    """Headings of 20 tasks each; every 10th item slot is a target, every 20th a milestone."""
    n_targets, n_milestones = n_items * 3 // 20, n_items // 20
    n_tasks = n_items - n_targets - n_milestones
    rng = random.Random(7)
    text, sections = "", []

    def add(sid: str, parent: str | None, heading: str, kind: str, lead: list[str], units: list[str]) -> None:
        nonlocal text
        start = len(text)
        text += heading + "\n"
        body = len(text)
        text += "加快推进相关工作，确保按期完成。\n"
        sections.append(Section(sid, parent, None, heading, sid.count(".") + 1, start, body, len(text), len(text), kind,
                                lead, units))

    add("preamble", None, "", "preamble", [], [])
    for t in range(n_tasks):
        h = t // 20 + 1
        if t % 20 == 0:
            add(str(h), None, f"第{h}项重点任务", "heading", [], [])
        picks = rng.sample(UNITS, 3)
        add(f"{h}.{t % 20 + 1}", str(h), f"重点任务{t + 1}", "heading", picks[:1], picks[1:])
    task_ids = [s.id for s in sections if s.lead_units]
    targets = [{"kind": "target", "year": rng.choice([2022, 2023, 2024, 2025]), "metric": f"指标{i}",
                "value": float(rng.choice([10, 50, 100, 500, 1000])), "value_max": None, "unit": "家",
                "qualifier": rng.choice([None, "以上", "突破", "约"]), "binding": None, "quote": f"指标{i}",
                "section": rng.choice(task_ids), "span": [0, 1]} for i in range(n_targets)]
    milestones = [{"year": 2024, "deadline": f"2024-{rng.randint(1, 12):02d}-28", "action": f"完成第{i}批试点",
                   "quote": f"2024年完成第{i}批试点", "section": rng.choice(task_ids), "span": [0, 1]}
                  for i in range(n_milestones)]
    raw = RawDocument("bench://tracking", "text", text, hashlib.sha256(text.encode()).hexdigest(), size=len(text))
    meta = Metadata(title="基准测试行动计划（2021－2025年）", region="深圳市", province="广东省", level="city",
                    period=Period(2021, 2025), issued="2021-03-01")
    return Document(raw=raw, mapped=MappedText.identity(text), meta=meta, sections=sections, targets=targets,
                    milestones=milestones)


def add_reports(store: Store, plan_id: int, n: int) -> None:
    """n reports spread over the items and 2021-03 … 2023-06, inserted in bulk (setup, not timed)."""
    rng = random.Random(11)
    with store.engine.connect() as conn:
        items = load_items(conn, plan_info(conn, plan_id))
    span = (AS_OF - date(2021, 3, 1)).days
    rows: list[dict[str, Any]] = []
    for k in range(n):
        it = items[k % len(items)]
        day = date(2021, 3, 1) + timedelta(days=rng.randint(0, span))
        value = percent = None
        if it.kind == "target":
            assert it.target is not None
            value = round(it.target.value * rng.uniform(0, 1.2), 1)
        else:
            percent = float(rng.randint(0, 100))
        rows.append({"item_id": it.id, "unit": (it.lead_units or ["深圳市统计局"])[0], "as_of": day.isoformat(),
                     "value": value, "percent": percent, "level": None, "note": "按季度报送", "evidence": [],
                     "author": "bench", "created_at": f"2023-07-01T00:00:{k % 60:02d}+00:00"})
    with store.engine.begin() as conn:
        for i in range(0, len(rows), 10_000):
            conn.execute(insert(track_reports), rows[i : i + 10_000])


def timed(label: str, fn: Callable[[], T], goal: float | None = None) -> T:
    start = time.perf_counter()
    result = fn()
    took = time.perf_counter() - start
    mark = "" if goal is None else ("  ✓" if took < goal else f"  ✗ (goal < {goal:g} s)")
    print(f"{label:<44} {took:7.3f} s{mark}")
    return result


def command(db: Path, *args: str) -> None:
    """The command as a user runs it: a fresh Python process (imports included)."""
    code = "import sys, luodi.cli.track; from luodi.cli import app; sys.argv[0] = 'luodi'; app()"
    done = subprocess.run([sys.executable, "-c", code, "--db", str(db), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--keep", type=Path, help="keep the store and outputs in this directory")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="luodi-bench-track-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "bench.db"
    db.unlink(missing_ok=True)
    try:
        with Store.open(db) as store:
            plan_id = store.save(build_plan(args.items)).plan_id
            timed(f"sync {args.items} items", lambda: ensure_items(store, plan_id, ACTOR))
            add_reports(store, plan_id, args.reports)
            print(f"store: {args.items} items, {args.reports} reports, {db.stat().st_size / 1e6:.1f} MB")
            snap = timed("status snapshot (in process)", lambda: snapshot(store, plan_id, AS_OF, ACTOR), 1.0)
            print(f"  {snap.overall.n} items: {snap.overall.by_light}")
            timed("track status --json (fresh process)",
                  lambda: command(db, "track", "status", str(plan_id), "--as-of", AS_OF.isoformat(), "--json"), 1.0)
            data = timed("quarterly report data", lambda: build_report(store, plan_id, Quarter(2023, 2), ACTOR), 5.0)
            for fmt in ("html", "xlsx", "md"):
                out = folder / f"quarterly.{fmt}"
                timed(f"  render {fmt}", lambda out=out, fmt=fmt: render(data, fmt, out), 5.0)
            timed("report quarterly --format html (fresh process)", lambda: command(
                db, "report", "quarterly", str(plan_id), "--quarter", "2023Q2", "--out", str(folder / "q.html")), 5.0)
            sheet = folder / "progress.csv"
            timed("template (csv, all items)", lambda: write_template(snap, sheet))
            _fill_csv(sheet)
            result = timed("import (validate + apply, one row per item)", lambda: import_file(store, sheet, ACTOR))
            print(f"  {result.imported} imported, {len(result.errors)} errors")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def _fill_csv(path: Path) -> None:
    """Every row filled in: a percent for tasks and milestones, a value for targets."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    for cells in rows[1:]:
        owner = (cells[3] or cells[4]).split("、")[0] or "市统计局"
        is_target = cells[1] == "指标"
        cells[7:11] = [owner, "2023-06-30", "1" if is_target else "", "" if is_target else "50"]
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8-sig")


if __name__ == "__main__":
    main()
