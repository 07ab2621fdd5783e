"""Ingest through worker processes that each write their own plans to one SQLite file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from luodi.operations import ingest, sample_paths
from luodi.store import Store


def test_parallel_ingest_stores_every_file_once_and_reports_in_order(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    samples = [p.read_text("utf-8") for p in sample_paths()]
    for i in range(12):  # enough files for the process pool; each made unique
        (folder / f"p{i:02d}.txt").write_text(f"索引号：t-{i}\n" + samples[i % len(samples)], "utf-8")
    (folder / "p99_broken.txt").write_bytes(b"\x00\x01\x02" * 100)
    with Store.open(tmp_path / "s.db") as store:
        results = ingest(store, [folder], workers=2)
        again = ingest(store, [folder], workers=2)
    assert [Path(r.path).name for r in results] == sorted(p.name for p in folder.iterdir())
    assert [r.status for r in results] == ["added"] * 12 + ["failed"]
    assert "p99_broken.txt" in (results[-1].error or "")
    assert [r.status for r in again] == ["unchanged"] * 12 + ["failed"]
    assert len({r.plan_id for r in results[:12]}) == 12
    with sqlite3.connect(tmp_path / "s.db") as conn:
        assert conn.execute("select count(*) from plans").fetchone()[0] == 12
        assert conn.execute("select count(distinct plan_id) from sections").fetchone()[0] == 12
