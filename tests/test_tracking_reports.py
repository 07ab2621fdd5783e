"""Progress reports on a real store: validation, append-only history, evidence files,
audit lines, concurrent filing, and the `track report` / `history` / `evidence` commands."""

from __future__ import annotations

import json
import sqlite3
import threading
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from luodi.errors import LuodiError
from luodi.store import Store
from luodi.tracking.items import ensure_items, load_items, plan_info
from luodi.tracking.model import Item
from luodi.tracking.reports import ReportInput, ReportRejected, file_report, get_evidence, list_reports, read_evidence, sniff
from test_tracking_common import ACTOR, Sec, build_doc, cli, target

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def plan(tmp_path: Path) -> tuple[Path, dict[str, Item]]:
    """A 2023–2024 plan: task 1 (市发展改革委 leads, 市科技创新委 helps), a plan-wide target."""
    db = tmp_path / "luodi.db"
    doc = build_doc(
        [Sec("1", "建设城市级智能算力平台", lead=["市发展改革委"], units=["市科技创新委"]),
         Sec("2", "培育企业梯队", units=["市工业和信息化局"])],
        targets=[target("人工智能企业", 1000, qualifier="以上", year=2024, section="preamble")],
    )
    with Store.open(db) as store:
        plan_id = store.save(doc).plan_id
        ensure_items(store, plan_id, ACTOR)
        with store.engine.connect() as conn:
            items = {i.ref if i.kind == "task" else "target": i for i in load_items(conn, plan_info(conn, plan_id))}
    return db, items


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(sql).fetchone()[0])


def test_file_a_report_with_links_and_files(plan: tuple[Path, dict[str, Item]], tmp_path: Path) -> None:
    db, items = plan
    (tmp_path / "会议纪要.pdf").write_bytes(PDF)
    (tmp_path / "photo.png").write_bytes(PNG)
    with Store.open(db) as store:
        r = file_report(store, ReportInput(items["1"].id, "市发改委", date(2023, 9, 30), percent=40, level="有限",
                                           note="完成一期招标", links=["https://www.sz.gov.cn/a.html"],
                                           files=[tmp_path / "会议纪要.pdf", tmp_path / "photo.png"]), ACTOR)
        again = file_report(store, ReportInput(items["1"].id, "市科技创新委", date(2023, 10, 31), percent=45,
                                               files=[tmp_path / "会议纪要.pdf"]), ACTOR)
        stored = get_evidence(store, r.evidence[1]["sha256"])
    assert r.unit == "深圳市发展和改革委员会" and r.level == "limited" and r.author == "tester"
    assert r.evidence[0] == {"url": "https://www.sz.gov.cn/a.html"}
    assert r.evidence[1]["name"] == "会议纪要.pdf" and r.evidence[1]["mime"] == "application/pdf"
    assert r.evidence[2]["mime"] == "image/png"
    assert stored.data == PDF
    assert again.evidence[0]["sha256"] == r.evidence[1]["sha256"]
    assert count(db, "select count(*) from track_evidence") == 2  # content-addressed: the PDF once


@pytest.mark.parametrize(("kwargs", "field", "words"), [
    ({"unit": "市教育局", "percent": 10}, "unit", "不是事项"),
    ({"percent": 101}, "percent", "0–100"),
    ({"percent": -1}, "percent", "0–100"),
    ({"value": 5}, "value", "只用于指标"),
    ({"level": "差不多"}, "level", "unknown level"),
    ({"percent": 60, "level": "完成"}, "level", "complete needs 100%"),
    ({"as_of": date.today() + timedelta(days=1), "percent": 10}, "as_of", "future"),
    ({"as_of": date(2022, 12, 31), "percent": 10}, "as_of", "before the plan"),
    ({}, "value", "nothing to report"),
    ({"percent": 10, "links": ["ftp://example.com/x"]}, "evidence", "http(s)"),
    ({"percent": 10, "links": ["javascript:alert(1)"]}, "evidence", "http(s)"),
])
def test_rejected_reports_write_nothing(plan: tuple[Path, dict[str, Item]], kwargs: dict[str, object], field: str,
                                        words: str) -> None:
    db, items = plan
    given = {"unit": "市发改委", "as_of": date(2023, 9, 30), **kwargs}
    with Store.open(db) as store, pytest.raises(ReportRejected) as caught:
        file_report(store, ReportInput(items["1"].id, **given), ACTOR)  # type: ignore[arg-type]
    assert any(f == field and words in m for f, m in caught.value.errors), caught.value.errors
    assert count(db, "select count(*) from track_reports") == 0
    assert count(db, "select count(*) from audit_log where action = 'report.add'") == 0


def test_target_takes_values_and_any_unit_when_it_names_none(plan: tuple[Path, dict[str, Item]]) -> None:
    db, items = plan
    with Store.open(db) as store:
        with pytest.raises(ReportRejected, match="targets take a value"):
            file_report(store, ReportInput(items["target"].id, "市工业和信息化局", date(2023, 9, 30), percent=50), ACTOR)
        r = file_report(store, ReportInput(items["target"].id, "市工业和信息化局", date(2023, 9, 30), value=420), ACTOR)
    assert r.value == 420 and r.unit == "深圳市工业和信息化局"


def test_dates_after_the_plan_are_refused(tmp_path: Path) -> None:
    doc = build_doc([Sec("1", "开展试点", units=["市工业和信息化局"])], period=(2019, 2020), issued="2019-03-01")
    with Store.open(tmp_path / "luodi.db") as store:
        plan_id = store.save(doc).plan_id
        ensure_items(store, plan_id, ACTOR)
        with store.engine.connect() as conn:
            task = load_items(conn, plan_info(conn, plan_id))[0]
        with pytest.raises(ReportRejected, match="after the plan"):
            file_report(store, ReportInput(task.id, "市工业和信息化局", date(2021, 1, 1), percent=10), ACTOR)
        assert file_report(store, ReportInput(task.id, "市工业和信息化局", date(2020, 12, 31), percent=10), ACTOR).id


def test_reports_are_append_only_and_audited(plan: tuple[Path, dict[str, Item]]) -> None:
    db, items = plan
    with Store.open(db) as store:
        first = file_report(store, ReportInput(items["1"].id, "市发改委", date(2023, 6, 30), percent=80), ACTOR)
        fix = file_report(store, ReportInput(items["1"].id, "市发改委", date(2023, 6, 30), percent=35,
                                             note="更正：上次误报"), ACTOR)
        history = list_reports(store, items["1"].id)
    assert [r.id for r in history] == [first.id, fix.id] and [r.percent for r in history] == [80, 35]
    with sqlite3.connect(db) as conn:
        audit = conn.execute("select actor, target, after from audit_log where action = 'report.add' order by id").fetchall()
    assert [(a, t) for a, t, _ in audit] == [(ACTOR, f"item:{items['1'].id}")] * 2
    assert json.loads(audit[1][2])["report"] == fix.id and json.loads(audit[1][2])["percent"] == 35


def test_two_reports_filed_at_once_are_both_kept(plan: tuple[Path, dict[str, Item]]) -> None:
    db, items = plan
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def file(unit: str, percent: float) -> None:
        try:
            with Store.open(db) as store:  # each writer with its own engine, as two processes would
                start.wait()
                for k in range(5):
                    file_report(store, ReportInput(items["1"].id, unit, date(2023, 9, 30), percent=percent + k), ACTOR)
        except BaseException as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=file, args=("市发改委", 40)), threading.Thread(target=file, args=("市科技创新委", 60))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert count(db, "select count(*) from track_reports") == 10
    assert count(db, "select count(distinct unit) from track_reports") == 2


# -- evidence checks ------------------------------------------------------------------------------
def _docx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return path


def test_evidence_types_are_judged_by_content(tmp_path: Path) -> None:
    assert read_evidence(_docx(tmp_path / "报告.docx")).mime.endswith("wordprocessingml.document")
    (tmp_path / "notes.txt").write_text("进展说明：已完成。\n", encoding="gb18030")
    assert read_evidence(tmp_path / "notes.txt").mime == "text/plain"
    (tmp_path / "fake.pdf").write_bytes(b"\x7fELF\x02\x01\x01" + b"\x00" * 100)  # a program named .pdf
    with pytest.raises(LuodiError, match="not an allowed type"):
        read_evidence(tmp_path / "fake.pdf")
    with zipfile.ZipFile(tmp_path / "bundle.zip", "w") as z:
        z.writestr("a.exe", "MZ")
    with pytest.raises(LuodiError, match="not an allowed type"):
        read_evidence(tmp_path / "bundle.zip")
    assert sniff(b"\xff\xd8\xff\xe0JFIF") == "image/jpeg" and sniff(b"") is None


def test_evidence_size_limit_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 1_000_001)
    monkeypatch.setenv("LUODI_EVIDENCE_MAX_MB", "1")
    with pytest.raises(LuodiError, match="too large"):
        read_evidence(big)
    big.write_bytes(b"a" * 1_000_000)
    assert read_evidence(big).data == b"a" * 1_000_000


def test_file_name_is_only_a_label(tmp_path: Path) -> None:
    odd = tmp_path / "..\\..\\etc\\pass\x07wd.txt"
    odd.write_text("文本", encoding="utf-8")
    assert read_evidence(odd).name == "passwd.txt"


# -- command line ---------------------------------------------------------------------------------
def test_cli_report_history_and_evidence(plan: tuple[Path, dict[str, Item]], tmp_path: Path) -> None:
    db, items = plan
    (tmp_path / "纪要.pdf").write_bytes(PDF)
    task = str(items["1"].id)
    code, out, err = cli(db, "track", "report", task, "--unit", "市发改委", "--percent", "40", "--as-of", "2023-09-30",
                         "--note", "完成招标", "--evidence", "https://example.gov.cn/x", "--evidence",
                         str(tmp_path / "纪要.pdf"), "--json")
    assert code == 0, err
    filed = json.loads(out)
    assert filed["percent"] == 40 and filed["unit"] == "深圳市发展和改革委员会" and len(filed["evidence"]) == 2
    code, _, err = cli(db, "track", "report", task, "--unit", "市教育局", "--percent", "140", "--as-of", "2023-09-30")
    assert code == 1 and "unit does not own the item" in err and "0–100" in err
    code, _, err = cli(db, "track", "report", task, "--unit", "市发改委", "--value", "1", "--percent", "1")
    assert code == 2 and "not both" in err
    code, out, _ = cli(db, "track", "history", task, "--json")
    assert code == 0 and [r["note"] for r in json.loads(out)] == ["完成招标"]
    sha = filed["evidence"][1]["sha256"]
    code, _, err = cli(db, "track", "evidence", sha, "--out", str(tmp_path / "back.pdf"))
    assert code == 0, err
    assert (tmp_path / "back.pdf").read_bytes() == PDF
    code, _, err = cli(db, "track", "history", "999")
    assert code == 1 and "item not found: 999" in err


def test_snapshot_picks_the_right_reports_from_the_store(plan: tuple[Path, dict[str, Item]]) -> None:
    """The store hands the engine only a few reports per item: they must be the right ones."""
    from luodi.tracking.rollup import snapshot

    db, items = plan
    task, goal = items["1"].id, items["target"].id
    history = [
        (task, date(2023, 6, 30), {"percent": 40}), (task, date(2023, 7, 31), {"note": "调度会"}),
        (goal, date(2023, 6, 1), {"level": "substantial"}), (goal, date(2023, 6, 30), {"value": 500}),
        (goal, date(2023, 7, 15), {"level": "limited"}), (goal, date(2023, 7, 31), {"note": "统计口径说明"}),
    ]
    with Store.open(db) as store:
        for item_id, as_of, fields in history:
            file_report(store, ReportInput(item_id, "市发改委", as_of, **fields), ACTOR)  # type: ignore[arg-type]
        june = snapshot(store, 1, date(2023, 6, 15), ACTOR)
        august = snapshot(store, 1, date(2023, 8, 1), ACTOR)
    assert june.state(goal).ev.progress == 0.75  # no value yet: the level counts
    assert june.state(task).ev.progress is None and june.state(task).ev.last_report is None
    t, g = august.state(task).ev, august.state(goal).ev
    assert (t.progress, t.last_report) == (0.4, date(2023, 7, 31))  # the note is reporting, not progress
    assert (g.value, g.progress, g.last_report) == (500, 0.5, date(2023, 7, 31))  # a value beats a later level
    assert august.state(task).latest is not None and august.state(task).latest.as_of == date(2023, 7, 31)
