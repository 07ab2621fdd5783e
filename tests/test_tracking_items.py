"""Items of a plan: derivation (owners, deadlines with reasons, parents, domains) and the
sync into a real store (idempotent, retiring vanished items, keeping their reports)."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from luodi.document import Document
from luodi.errors import LuodiError
from luodi.store import Store
from luodi.tracking.derive import derive_items, phrase_deadlines
from luodi.tracking.items import edit_item, ensure_items, get_item, load_items, match_owner, plan_info, sync_items
from luodi.tracking.reports import ReportInput, file_report, list_reports
from test_tracking_common import ACTOR, Sec, build_doc, milestone, target

SECTIONS = [
    Sec("preamble", "", kind="preamble", text="到2024年，建成全国领先的智能算力集群。"),
    Sec("1", "一、强化智能算力集群供给"),
    Sec("1.1", "建设城市级智能算力平台", "1", lead=["市发展改革委"], units=["市科技创新委"]),
    Sec("1.2", "打造大湾区智能算力枢纽", "1", units=["市工业和信息化局", "市科技创新委"]),
    Sec("2", "二、保障措施", lead=["市工业和信息化局"]),
    Sec("2.1", "加强资金保障", "2", units=["市财政局"]),
]


def plan_doc() -> Document:
    return build_doc(
        SECTIONS,
        targets=[
            target("人工智能联合实验室", 5, qualifier="以上", year=None, section="1.1"),
            target("智能算力规模", 4000, unit="PFLOPS", qualifier="超过", year=2024),
            {**target("核心产业规模", 2000, unit="亿元", year=2022), "kind": "baseline"},
        ],
        milestones=[
            milestone("出台公共数据开放管理办法", year=2023, deadline="2023-12-31", section="1.2",
                      quote="2023年年底前出台公共数据开放管理办法"),
            milestone("鹏城云脑III项目启动建设", year=2024, section="preamble"),
        ],
    )


def store_at(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "luodi.db")


# -- derivation -----------------------------------------------------------------------------------
def test_derive_kinds_owners_parents() -> None:
    items = derive_items(plan_doc())
    by_ref = {d.ref: d for d in items}
    tasks = [d for d in items if d.kind == "task"]
    assert [d.ref for d in tasks] == ["1.1", "1.2", "2", "2.1"]
    assert by_ref["1.1"].lead_units == ["深圳市发展和改革委员会"] and by_ref["1.1"].units == ["深圳市科技创新委员会"]
    assert by_ref["2.1"].parent_ref == "2" and by_ref["1.1"].parent_ref is None  # 1 has no units: not a task
    kinds = sorted(d.kind for d in items)
    assert kinds.count("target") == 2 and kinds.count("milestone") == 2  # the baseline is not tracked
    lab = next(d for d in items if d.kind == "target" and "实验室" in d.title)
    assert lab.title == "人工智能联合实验室 5家以上"
    assert lab.lead_units == ["深圳市发展和改革委员会"]  # a target owned by the task it sits in
    plan_wide = next(d for d in items if d.kind == "target" and "算力规模" in d.title)
    assert plan_wide.lead_units == [] and plan_wide.units == []


def test_derived_deadlines_carry_their_reasons() -> None:
    items = {d.title: d for d in derive_items(plan_doc())}
    assert (items["建设城市级智能算力平台"].deadline, items["建设城市级智能算力平台"].deadline_reason) == (
        "2024-12-31", "计划期末 2024-12-31 (plan period end)")
    assert items["人工智能联合实验室 5家以上"].deadline == "2024-12-31"  # no year: the period end
    assert items["智能算力规模 超过4000PFLOPS"].deadline_reason == "目标年份2024年 → 2024-12-31 (target year)"
    office = items["出台公共数据开放管理办法"]
    assert (office.deadline, office.deadline_reason) == ("2023-12-31", "“2023年年底前” → 2023-12-31 (stated deadline)")
    assert items["鹏城云脑III项目启动建设"].deadline_reason == "节点年份2024年 → 2024-12-31 (milestone year)"


def test_plan_without_period_uses_stated_phrases_then_the_farthest_goal_year() -> None:
    secs = [Sec("1", "推进数据开放", lead=["市政务服务数据管理局"], text="年底前完成公共数据目录编制。"),
            Sec("2", "培育龙头企业", units=["市工业和信息化局"], text="持续推进。")]
    doc = build_doc(secs, period=None, issued="2023-05-01", targets=[target("龙头企业", 20, year=2025, section="2")])
    items = {d.title: d for d in derive_items(doc)}
    assert (items["推进数据开放"].deadline, items["推进数据开放"].deadline_reason) == (
        "2023-12-31", "任务期限“年底前” → 2023-12-31 (stated in the text)")
    assert items["培育龙头企业"].deadline == "2025-12-31"
    assert "最远目标年份2025年" in items["培育龙头企业"].deadline_reason
    bare = build_doc([Sec("1", "开展试点", units=["市工业和信息化局"])], period=None, issued=None)
    assert derive_items(bare)[0].deadline is None and derive_items(bare)[0].deadline_reason == "无明确期限 no deadline"


def test_task_table_deadline_wins_for_its_task() -> None:
    doc = build_doc([Sec("1", "建设算力平台", units=["市发展改革委"])],
                    milestones=[milestone("建设算力平台", year=2023, deadline="2023-06-30", section="1")])
    derived = derive_items(doc)
    task = next(d for d in derived if d.kind == "task")
    assert task.deadline == "2023-06-30" and "任务表完成时限" in task.deadline_reason
    assert [d.kind for d in derived] == ["task"]  # the row's deadline is not tracked twice


@pytest.mark.parametrize(("text", "expected"), [
    ("2023年年底前出台办法", [(date(2023, 12, 31), "2023年年底前")]),
    ("上半年前完成", [(date(2023, 6, 30), "上半年前")]),
    ("2024年第二季度", [(date(2024, 6, 30), "2024年第二季度")]),
    ("2024年2月底前", [(date(2024, 2, 29), "2024年2月底前")]),  # leap year: the month's real last day
    ("2023年2月底前", [(date(2023, 2, 28), "2023年2月底前")]),
    ("2025年前建成", [(date(2025, 12, 31), "2025年前")]),
    ("截至2017年底，产值", []), ("2019年5月10日", []), ("每年6月", []), ("到2020年，建成", []),
])
def test_phrase_deadlines(text: str, expected: list[tuple[date, str]]) -> None:
    assert phrase_deadlines(text, 2023, 2019) == expected


def test_unit_names_match_in_any_written_form() -> None:
    meta = plan_doc().meta
    owners = ["深圳市发展和改革委员会", "各区"]
    for name in ("市发改委", "深圳市发改委", "发展改革委", "深圳市发展和改革委员会", "市發展改革委"):
        assert match_owner(name, owners, meta) == "深圳市发展和改革委员会", name
    assert match_owner("各区", owners, meta) == "各区"
    assert match_owner("市教育局", owners, meta) is None and match_owner("", owners, meta) is None


# -- sync -----------------------------------------------------------------------------------------
def test_sync_is_idempotent_and_runs_once_per_plan_version(tmp_path: Path) -> None:
    with store_at(tmp_path) as store:
        plan_id = store.save(plan_doc()).plan_id
        assert ensure_items(store, plan_id, ACTOR) == plan_id
        ensure_items(store, str(plan_id), ACTOR)
        again = sync_items(store, plan_id, ACTOR)
        with store.engine.connect() as conn:
            items = load_items(conn, plan_info(conn, plan_id))
    assert (again.added, again.updated, again.retired, again.unchanged) == (0, 0, 0, 8)
    assert len(items) == 8 and {i.kind for i in items} == {"task", "target", "milestone"}
    parent = next(i for i in items if i.ref == "2")
    assert next(i for i in items if i.ref == "2.1").parent_id == parent.id
    assert next(i for i in items if i.ref == "1.1").domain == "一、强化智能算力集群供给"
    with sqlite3.connect(tmp_path / "luodi.db") as db:
        syncs = db.execute("select count(*) from audit_log where action = 'track.sync'").fetchone()[0]
    assert syncs == 2  # the first ensure and the explicit sync; the second ensure saw a fresh plan


def test_reextraction_retires_vanished_items_and_keeps_their_reports(tmp_path: Path) -> None:
    with store_at(tmp_path) as store:
        doc = plan_doc()
        plan_id = store.save(doc).plan_id
        ensure_items(store, plan_id, ACTOR)
        with store.engine.connect() as conn:
            before = {i.ref: i for i in load_items(conn, plan_info(conn, plan_id))}
        lab = next(i for i in before.values() if "实验室" in i.title)
        report = file_report(store, ReportInput(lab.id, "市发改委", date(2023, 6, 30), value=2), ACTOR)
        # Re-extraction: the lab target is gone, a new one appears; the same source, new content.
        doc.targets = [target("智能算力规模", 4000, unit="PFLOPS", qualifier="超过", year=2024),
                       target("数据交易额", 100, unit="亿元", year=2024)]
        doc.raw.content_hash = "f" * 64
        assert store.save(doc).status == "replaced"
        ensure_items(store, plan_id, ACTOR)
        with store.engine.connect() as conn:
            plan = plan_info(conn, plan_id)
            after = {i.ref: i for i in load_items(conn, plan)}
            everything = {i.ref: i for i in load_items(conn, plan, include_retired=True)}
        history = list_reports(store, lab.id)
    assert lab.ref not in after and everything[lab.ref].retired
    assert [r.id for r in history] == [report.id]  # the report survives its item's retirement
    assert any("数据交易额" in i.title for i in after.values())
    assert all(after[ref].id == before[ref].id for ref in before if ref in after)  # ids are stable


def test_deadline_override_wins_keeps_its_reason_and_survives_sync(tmp_path: Path) -> None:
    with store_at(tmp_path) as store:
        plan_id = store.save(plan_doc()).plan_id
        ensure_items(store, plan_id, ACTOR)
        with store.engine.connect() as conn:
            task = next(i for i in load_items(conn, plan_info(conn, plan_id)) if i.ref == "1.1")
        with pytest.raises(LuodiError, match="reason"):
            edit_item(store, task.id, ACTOR, deadline="2024-06-30")
        edited = edit_item(store, task.id, ACTOR, deadline="2024-06-30", reason="市政府专题会议要求提前", weight=2)
        sync_items(store, plan_id, ACTOR)
        with store.engine.connect() as conn:
            kept, _ = get_item(conn, task.id)
        cleared = edit_item(store, task.id, ACTOR, clear_deadline=True)
    assert edited.deadline == kept.deadline == date(2024, 6, 30) and kept.weight == 2
    assert "市政府专题会议要求提前" in (kept.deadline_reason or "") and "2024-12-31" in (kept.deadline_reason or "")
    assert cleared.deadline == date(2024, 12, 31)
    with sqlite3.connect(tmp_path / "luodi.db") as db:
        rows = db.execute("select actor, before, after from audit_log where action = 'item.edit' order by id").fetchall()
    assert len(rows) == 2 and rows[0][0] == ACTOR and "2024-06-30" in rows[0][2]
