"""The command line on a real SQLite file: ingest, list, show, extract and bad input."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import seeds_dir
from luodi.cli import app
from luodi.document import SCHEMA

runner = CliRunner()
SEED = "000_781214c245beb116.txt"


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def plan_count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("select count(*) from plans").fetchone()[0])


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir()
    for f in sorted(seeds_dir().glob("*.txt")):
        shutil.copy(f, folder / f.name)
    return folder


def test_cli_ingest_directory_then_list(db_path: Path, plans: Path) -> None:
    code, _, err = run(db_path, "ingest", str(plans))
    assert code == 0, err
    assert "5 added" in err
    code, out, _ = run(db_path, "list", "--json")
    listed = json.loads(out)
    assert [p["region"] for p in listed] == ["深圳市", "广州市", "广东省", "深圳市", "成都市"]
    assert listed[0]["doc_number"] == "深府〔2019〕29号"
    assert all(p["n_sections"] > 10 for p in listed)


def test_cli_reingest_unchanged_is_a_noop(db_path: Path, plans: Path) -> None:
    run(db_path, "ingest", str(plans))
    code, out, err = run(db_path, "ingest", "--json", str(plans))
    assert code == 0, err
    assert json.loads(out)["summary"] == {"added": 0, "replaced": 0, "unchanged": 5, "failed": 0}
    assert plan_count(db_path) == 5


def test_cli_changed_file_replaces_its_old_version(db_path: Path, plans: Path) -> None:
    run(db_path, "ingest", str(plans))
    target = plans / SEED
    old = json.loads(run(db_path, "show", str(target), "--json")[1])
    target.write_text(target.read_text("utf-8").replace("2019年5月10日", "2019年5月11日"), "utf-8")
    code, out, _ = run(db_path, "ingest", "--json", str(target))
    assert code == 0
    assert json.loads(out)["results"][0]["status"] == "replaced"
    new = json.loads(run(db_path, "show", str(target), "--json")[1])
    assert (old["issued"], new["issued"]) == ("2019-05-10", "2019-05-11")
    assert plan_count(db_path) == 5


def test_cli_bad_file_among_good_ones_fails_alone(db_path: Path, plans: Path) -> None:
    (plans / "empty.txt").write_bytes(b"")
    (plans / "binary.txt").write_bytes(bytes(range(256)) * 8)
    code, out, _ = run(db_path, "ingest", "--json", str(plans))
    assert code == 1
    summary = json.loads(out)["summary"]
    assert summary == {"added": 5, "replaced": 0, "unchanged": 0, "failed": 2}
    failed = [r for r in json.loads(out)["results"] if r["status"] == "failed"]
    assert {Path(r["path"]).name for r in failed} == {"empty.txt", "binary.txt"}
    assert all(r["error"].count("\n") == 0 and Path(r["path"]).name in r["error"] for r in failed)
    assert plan_count(db_path) == 5


def test_cli_same_file_twice_is_stored_once(db_path: Path, plans: Path) -> None:
    seed = str(plans / SEED)
    code, out, _ = run(db_path, "ingest", "--json", seed, seed)
    assert code == 0
    # A path named twice is one file: read once, stored once.
    assert [r["status"] for r in json.loads(out)["results"]] == ["added"]
    assert plan_count(db_path) == 1


def test_cli_missing_path_is_an_error_line_and_exit_1(db_path: Path, plans: Path) -> None:
    code, _, err = run(db_path, "ingest", str(plans / SEED), str(plans / "nope.txt"))
    assert code == 1
    assert "nope.txt: no such file or directory" in err
    assert plan_count(db_path) == 1


def test_cli_show_json_equals_extract_json(db_path: Path, plans: Path) -> None:
    seed = plans / "003_b47b9301e9cf7754.txt"
    run(db_path, "ingest", str(seed))
    shown = json.loads(run(db_path, "show", "1", "--json")[1])
    extracted = json.loads(run(db_path, "extract", str(seed), "--json")[1])
    for key in ("id", "ingested_at", "source"):
        shown.pop(key, None)
        extracted.pop(key, None)
    assert shown == extracted


def test_cli_extract_prints_the_contract(plans: Path, tmp_path: Path) -> None:
    code, out, _ = run(tmp_path / "unused.db", "extract", str(plans / SEED), "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema"] == SCHEMA
    for key in ("source", "title", "notice_title", "doc_number", "issuers", "issued", "region", "period", "script",
                "doc_type", "sections", "targets", "milestones", "supports", "scenarios", "entities", "tables"):
        assert key in doc
    section_keys = {"id", "parent", "label", "heading", "level", "text", "lead_units", "units"}
    assert all(section_keys <= set(s) for s in doc["sections"])
    assert not (tmp_path / "unused.db").exists()


def test_cli_show_prints_outline_tree(db_path: Path, plans: Path) -> None:
    run(db_path, "ingest", str(plans / "004_568e6f9c64701c30.txt"))
    code, out, _ = run(db_path, "show", "1")
    assert code == 0
    assert "成都市人民政府办公厅" in out
    assert "（一） 前沿基础研发计划" in out
    assert "推动新一代人工智能创新应用平台建设" in out


def test_cli_show_unknown_plan_is_one_line(db_path: Path) -> None:
    code, _, err = run(db_path, "show", "42")
    assert code == 1
    assert err.strip().count("\n") == 0 and "not found" in err


def test_cli_ingest_samples_option(db_path: Path) -> None:
    code, _, err = run(db_path, "ingest", "--samples")
    assert code == 0, err
    assert plan_count(db_path) == 5
