"""The progress sheet: template → filled in with openpyxl (as a unit would in Excel/WPS) →
import, plus CSV, and every kind of bad row reported as (sheet, row, column, message)
with nothing half-applied."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from luodi.store import Store
from luodi.tracking.excel import COLUMNS, import_file, write_template
from luodi.tracking.items import ensure_items
from luodi.tracking.rollup import snapshot
from test_tracking_common import ACTOR, Sec, build_doc, cli, target

HEADERS = [c.header for c in COLUMNS]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A 2023–2024 plan: tasks 1 and 2 with different units, a plan-wide target."""
    path = tmp_path / "luodi.db"
    doc = build_doc(
        [Sec("1", "建设城市级智能算力平台", lead=["市发展改革委"], units=["市科技创新委"]),
         Sec("2", "培育企业梯队", units=["市工业和信息化局"])],
        targets=[target("人工智能企业", 1000, qualifier="以上", year=2024, section="preamble")],
    )
    with Store.open(path) as store:
        ensure_items(store, store.save(doc).plan_id, ACTOR)
    return path


def template(db: Path, out: Path, unit: str | None = None) -> int:
    with Store.open(db) as store:
        return write_template(snapshot(store, 1, date(2023, 10, 1), ACTOR), out, unit)


def fill(path: Path, rows: dict[int, dict[str, Any]], extra: list[dict[str, Any]] | None = None) -> Path:
    """Type into the sheet like a person: ``rows`` by sheet row number, values by header."""
    wb = load_workbook(path)
    ws = wb["进展填报"]
    col = {cell.value: cell.column for cell in ws[1]}
    for row, values in rows.items():
        for header, value in values.items():
            ws.cell(row=row, column=col[header], value=value)
    for values in extra or []:
        ws.append([values.get(h) for h in HEADERS])
    wb.save(path)
    return path


def item_rows(path: Path) -> dict[str, int]:
    """Sheet row number of each item, by its title."""
    ws = load_workbook(path)["进展填报"]
    return {r[2].value: r[0].row for r in ws.iter_rows(min_row=2) if r[0].value is not None}


def reports(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("select item_id, unit, as_of, value, percent, level, note, evidence from track_reports "
                            "order by id").fetchall()


def run_import(db: Path, path: Path, **kw: Any) -> Any:
    with Store.open(db) as store:
        return import_file(store, path, ACTOR, today=date(2024, 3, 1), **kw)


# -- the template -----------------------------------------------------------------------------------
def test_template_is_protected_with_validations_and_instructions(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "progress.xlsx"
    assert template(db, out) == 3
    wb = load_workbook(out)
    ws = wb["进展填报"]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.protection.sheet is True
    fillable = {c.header for c in COLUMNS if c.fill}
    for cell in ws[2]:
        assert cell.protection.locked is (ws.cell(1, cell.column).value not in fillable)
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and lists[0].formula1 == '"无证据,未启动,有限,实质性,完成"'
    assert {dv.type for dv in ws.data_validations.dataValidation} == {"list", "decimal", "date"}
    assert "填报说明" in wb.sheetnames and "luodi-progress-template plan=1" in wb.properties.keywords
    titles = {r[2].value: (r[1].value, r[5].value) for r in ws.iter_rows(min_row=2)}
    assert titles["人工智能企业 1000家以上"] == ("指标", "2024-12-31")


def test_template_for_one_unit_has_its_items_and_its_name(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "unit.xlsx"
    assert template(db, out, "市科技创新委") == 1
    ws = load_workbook(out)["进展填报"]
    assert [(r[2].value, r[7].value) for r in ws.iter_rows(min_row=2)] == [("建设城市级智能算力平台", "深圳市科技创新委员会")]


# -- round trip -------------------------------------------------------------------------------------
def test_round_trip_template_fill_import(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "progress.xlsx"
    template(db, out)
    rows = item_rows(out)
    fill(out, {
        rows["建设城市级智能算力平台"]: {"填报单位": "市发改委", "截至日期": datetime(2023, 12, 31), "完成百分比": 45,
                                  "完成程度": "有限", "进展情况": "一期建成", "佐证材料链接": "https://a.gov.cn/1；https://a.gov.cn/2"},
        rows["培育企业梯队"]: {"填报单位": "深圳市工业和信息化局", "截至日期": "2023/12/31", "完成百分比": "60%"},
        rows["人工智能企业 1000家以上"]: {"填报单位": "市工信局", "截至日期": "2023年12月31日", "完成值": "1,230"},
    })
    dry = run_import(db, out, dry_run=True)
    assert (dry.errors, dry.valid, dry.imported) == ([], 3, 0) and reports(db) == []
    result = run_import(db, out)
    assert result.errors == [] and result.imported == 3 and result.rows == 3
    stored = {r[1]: r for r in reports(db)}
    task = stored["深圳市发展和改革委员会"]
    assert task[2:7] == ("2023-12-31", None, 45.0, "limited", "一期建成")
    assert json.loads(task[7]) == [{"url": "https://a.gov.cn/1"}, {"url": "https://a.gov.cn/2"}]
    assert [(r[3], r[4]) for r in reports(db)] == [(None, 45.0), (None, 60.0), (1230.0, None)]  # sheet order
    with Store.open(db) as store:
        snap = snapshot(store, 1, date(2023, 12, 31), ACTOR)
    target_state = next(s for s in snap.states if s.item.kind == "target")
    assert target_state.ev.status == "done" and target_state.ev.value == 1230
    # Importing the same sheet again adds nothing: every row is already there.
    again = run_import(db, out)
    assert again.imported == 0 and len(again.errors) == 3 and all("already imported" in e.message for e in again.errors)
    assert len(reports(db)) == 3


def test_percent_cell_formatted_as_percent(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "progress.xlsx"
    template(db, out)
    row = item_rows(out)["培育企业梯队"]
    fill(out, {row: {"填报单位": "市工业和信息化局", "截至日期": datetime(2023, 12, 1), "完成百分比": 0.6}})
    wb = load_workbook(out)
    wb["进展填报"].cell(row=row, column=HEADERS.index("完成百分比") + 1).number_format = "0%"
    wb.save(out)
    assert run_import(db, out).imported == 1 and reports(db)[0][4] == 60.0


# -- bad input ----------------------------------------------------------------------------------------
def test_every_bad_row_is_listed_and_nothing_is_imported(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "progress.xlsx"
    template(db, out)
    rows = item_rows(out)
    task1, task2 = rows["建设城市级智能算力平台"], rows["培育企业梯队"]
    fill(out, {
        task1: {"填报单位": "市发改委", "截至日期": "2023-12-31", "完成百分比": 50},  # valid
        task2: {"填报单位": "市教育局", "截至日期": "2023-12-31", "完成百分比": 150},  # not an owner, > 100
    }, extra=[
        {"事项编号": 9999, "填报单位": "市发改委", "截至日期": "2023-12-31", "完成百分比": 5},  # unknown item
        {"事项编号": 3, "填报单位": "市发改委", "截至日期": "2023-12-31", "完成值": "12亿"},  # not a number
        {"事项编号": 1, "填报单位": "市发改委", "截至日期": "2024-03-02", "完成百分比": 5},  # future (today 2024-03-01)
        {"事项编号": 1, "填报单位": "市发改委", "截至日期": "2022-06-30", "完成百分比": 5},  # before the plan
        {"事项编号": 1, "填报单位": "市发改委", "截至日期": "2023-12-31", "完成百分比": 55},  # duplicate of task1's row
        {"事项编号": 1, "填报单位": "市发改委", "截至日期": "2023-13-45", "完成百分比": 5},  # not a date
        {"事项编号": 1, "填报单位": "市发改委", "完成百分比": 5},  # no date
    ])
    result = run_import(db, out)
    got = {(e.row, e.column, e.message.split(" ")[-1]) for e in result.errors}
    last = max(rows.values())
    assert all(e.sheet == "进展填报" for e in result.errors)
    expected_cells = {
        (task2, "填报单位"), (task2, "完成百分比"), (last + 1, "事项编号"), (last + 2, "完成值"), (last + 3, "截至日期"),
        (last + 4, "截至日期"), (last + 5, "事项编号"), (last + 6, "截至日期"), (last + 7, "截至日期"),
    }
    assert {(r, c) for r, c, _ in got} == expected_cells
    messages = " | ".join(str(e) for e in result.errors)
    for words in ("unit does not own the item", "percent must be 0–100", "unknown item 9999", "not a number",
                  "in the future", "before the plan", f"与第{task1}行重复", "invalid date", "required"):
        assert words in messages
    assert result.imported == 0 and reports(db) == []  # never a half-applied import
    partial = run_import(db, out, partial=True)
    assert partial.imported == 1 and [r[4] for r in reports(db)] == [50.0]


def test_missing_columns_and_foreign_files(db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("事项编号,完成百分比\n1,50\n", encoding="utf-8")
    result = run_import(db, bad)
    assert {(e.row, e.column) for e in result.errors} == {(1, "填报单位"), (1, "截至日期")}
    (tmp_path / "x.xlsx").write_bytes(b"not a zip")
    code, _, err = cli(db, "track", "import", str(tmp_path / "x.xlsx"))
    assert code == 1 and "not a readable xlsx file" in err


# -- CSV ------------------------------------------------------------------------------------------
def _csv_rows(path: Path, encoding: str = "utf-8-sig") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding))))


def test_csv_round_trip_with_bom_and_gb18030(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "progress.csv"
    assert template(db, out) == 3
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel/WPS read it as UTF-8
    rows = _csv_rows(out)
    assert rows[0] == HEADERS
    for row in rows[1:]:
        if row[2] == "建设城市级智能算力平台":
            row[7:12] = ["市科技创新委", "2023-11-30", "", "30", "有限"]
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    out.write_bytes(buf.getvalue().encode("utf-8-sig"))
    assert run_import(db, out).imported == 1
    # Saved again by Excel on a Chinese system: GB18030, no BOM.
    for row in rows[1:]:
        if row[2] == "培育企业梯队":
            row[7:12] = ["市工业和信息化局", "2023-11-30", "", "20", ""]
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    gbk = tmp_path / "progress-gbk.csv"
    gbk.write_bytes(buf.getvalue().encode("gb18030"))
    result = run_import(db, gbk)
    assert result.errors[0].message.endswith("already imported") and result.imported == 0  # the first row again
    assert run_import(db, gbk, partial=True).imported == 1
    assert sorted(r[4] for r in reports(db)) == [20.0, 30.0]


def test_csv_with_english_headers(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "script.csv"
    path.write_text("id,unit,as_of,percent,note\n1,市发改委,2023-12-31,70,scripted\n", encoding="utf-8")
    assert run_import(db, path).imported == 1 and reports(db)[0][6] == "scripted"


# -- command line ---------------------------------------------------------------------------------
def test_cli_template_import_errors_one_per_line(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "progress.xlsx"
    code, _, err = cli(db, "track", "template", "1", "--out", str(out))
    assert code == 0 and "3 items" in err
    rows = item_rows(out)
    fill(out, {rows["建设城市级智能算力平台"]: {"填报单位": "市发改委", "截至日期": "2023-12-31", "完成百分比": 50},
               rows["培育企业梯队"]: {"填报单位": "市工业和信息化局", "截至日期": "2024-06-30", "完成百分比": 101}})
    code, _, err = cli(db, "track", "import", str(out))
    lines = [line for line in err.splitlines() if line.startswith("进展填报!")]
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith(f"进展填报!{rows['培育企业梯队']} 完成百分比: ") and "nothing imported" in err
    code, out_json, _ = cli(db, "track", "import", str(out), "--dry-run", "--json")
    data = json.loads(out_json)
    assert code == 1 and data["dry_run"] and data["valid"] == 1 and data["errors"][0]["column"] == "完成百分比"
    assert reports(db) == []
    code, _, err = cli(db, "track", "template", "1", "--out", str(tmp_path / "x.ods"))
    assert code == 2


def test_rows_from_another_plan_or_of_another_kind_are_refused(db: Path, tmp_path: Path) -> None:
    other = build_doc([Sec("1", "另一计划的任务", units=["市发展改革委"])], title="另一计划", salt="2")
    with Store.open(db) as store:
        foreign = store.save(other).plan_id
        ensure_items(store, foreign, ACTOR)
    out = tmp_path / "progress.xlsx"
    template(db, out)  # written for plan 1
    rows = item_rows(out)
    fill(out, {rows["培育企业梯队"]: {"类型": "指标", "填报单位": "市工业和信息化局", "截至日期": "2023-12-31", "完成百分比": 5}},
         extra=[{"事项编号": 4, "类型": "任务", "填报单位": "市发改委", "截至日期": "2023-12-31", "完成百分比": 5}])
    wb = load_workbook(out)
    wb["进展填报"].protection.sheet = False  # a unit could unprotect it; the import must still catch this
    wb.save(out)
    result = run_import(db, out)
    assert [(e.row, e.column) for e in result.errors] == [(rows["培育企业梯队"], "类型"), (max(rows.values()) + 1, "事项编号")]
    assert "kind does not match" in result.errors[0].message and "another plan" in result.errors[1].message
    assert reports(db) == []


def test_cli_template_json_and_unit_without_items(db: Path, tmp_path: Path) -> None:
    code, out, err = cli(db, "track", "template", "1", "--unit", "市科技创新委", "--out", str(tmp_path / "u.csv"), "--json")
    assert code == 0, err
    assert json.loads(out) == {"path": str(tmp_path / "u.csv"), "plan": 1, "unit": "市科技创新委", "items": 1}
    code, _, err = cli(db, "track", "template", "1", "--unit", "市教育局", "--out", str(tmp_path / "none.xlsx"))
    assert code == 1 and "owns no item" in err and not (tmp_path / "none.xlsx").exists()
