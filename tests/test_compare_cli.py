"""luodi compare … on a store of the samples: tables, --json, --csv, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import luodi.cli.compare  # noqa: F401  (registers `compare`; the lead imports it in luodi.cli)
from luodi.cli import app
from luodi.operations import ingest, sample_paths
from luodi.store import Store

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "luodi.db"
    with Store.open(path) as s:
        ingest(s, sample_paths(), workers=1)
    return path


def run(db: Path, *args: str) -> tuple[int, bytes, str]:
    result = runner.invoke(app, ["--db", str(db), "compare", *args], terminal_width=200)
    return result.exit_code, result.stdout_bytes, result.stderr


@pytest.mark.parametrize("command", ["targets", "coverage", "instruments", "reuse", "units"])
def test_every_command_prints_a_table_json_and_csv(db: Path, command: str) -> None:
    code, table, err = run(db, command)
    assert code == 0, err
    assert table.strip()
    code, data, err = run(db, command, "--json")
    assert code == 0, err
    assert isinstance(json.loads(data), dict)
    code, data, err = run(db, command, "--csv")
    assert code == 0, err
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for Excel
    text = data.decode("utf-8-sig")
    if text:
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows and all(len(r) == len(rows[0]) for r in rows)


def test_coverage_json_and_topic_links(db: Path) -> None:
    code, out, _ = run(db, "coverage", "--topic", "大模型")
    assert code == 0
    assert "§2.1" in out.decode() and "大模型×3" in out.decode()
    data = json.loads(run(db, "coverage", "--topic", "大模型", "--json")[1])
    (topic,) = data["topics"]
    assert sorted(p["sections"] for p in topic["plans"].values()) == [0, 0, 0, 0, 3]


def test_units_csv_rows(db: Path) -> None:
    text = run(db, "units", "--csv")[1].decode("utf-8-sig")
    rows = {(r["unit"], r["plan"]): r for r in csv.DictReader(io.StringIO(text))}
    chengdu = next(r for (unit, _), r in rows.items() if unit == "成都市科学技术局")
    assert (chengdu["led"], chengdu["co"], chengdu["total"]) == ("6", "9", "15")


def test_reuse_two_plans_side_by_side(db: Path) -> None:
    code, out, err = run(db, "reuse", "3", "1")
    assert code == 0, err
    shown = out.decode()
    assert "#3 广东省 2018" in shown and "#1 深圳市 2019" in shown
    assert "§4.6.12" in shown and "§3.1" in shown
    data = json.loads(run(db, "reuse", "3", "1", "--json")[1])
    assert data["a"]["id"] == 3 and data["b"]["id"] == 1 and data["passages"] >= 5
    assert any(p["a"]["text"] == "实现金融服务的智能化、个性化、定制化。" for p in data["pairs"])
    assert {"a", "b", "ratio", "containment"} <= set(data["pairs"][0])


def test_instruments_tasks_show_their_decision(db: Path) -> None:
    out = run(db, "instruments", "--tasks", "-p", "4")[1].decode()
    assert "supply/基础设施" in out and "heading 算力×1" in out


def test_output_file(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "targets.csv"
    code, _, err = run(db, "coverage", "--csv", "-o", str(target))
    assert code == 0, err
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    target = tmp_path / "units.json"
    assert run(db, "units", "--json", "--output", str(target))[0] == 0
    assert json.loads(target.read_text("utf-8"))["units"]


@pytest.mark.parametrize(("args", "code"), [
    (("units", "--json", "--csv"), 2),
    (("reuse", "1"), 2),
    (("reuse", "1", "1"), 2),
    (("units", "-p", "99"), 1),
    (("coverage", "--topic", "不存在"), 2),
    (("units", "-o", "x.txt"), 2),
])
def test_errors_are_one_line(db: Path, args: tuple[str, ...], code: int) -> None:
    result = runner.invoke(app, ["--db", str(db), "compare", *args])
    assert result.exit_code == code
    assert result.stderr.count("\n") <= 1 and "error" in result.stderr
