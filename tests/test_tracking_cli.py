"""`luodi track items / status / edit / sync` on the sample plan in a real store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from luodi.store import Store
from test_tracking_common import cli, sample_plan

ITEM_KEYS = {"id", "kind", "title", "lead_units", "units", "deadline", "status", "light", "reason", "progress"}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "luodi.db"
    with Store.open(path) as store:
        sample_plan(store)
    return path


def items(db: Path, *args: str) -> list[dict[str, object]]:
    code, out, err = cli(db, "track", "items", "1", "--as-of", "2021-06-30", "--json", *args)
    assert code == 0, err
    return list(json.loads(out)["items"])


def test_items_json_contract_and_filters(db: Path) -> None:
    everything = items(db)
    assert len(everything) == 23 and all(ITEM_KEYS <= set(i) for i in everything)
    assert {i["kind"] for i in everything} == {"task", "target", "milestone"}
    task = next(i for i in everything if i["title"] == "加强基础理论研究")
    assert task["units"] == ["深圳市科技创新委员会"] and task["deadline"] == "2023-12-31"
    assert task["deadline_reason"] == "计划期末 2023-12-31 (plan period end)"
    assert (task["status"], task["light"], task["progress"]) == ("not_started", "yellow", None)
    assert task["domain"] == "（一）强化前沿基础研究，推进核心关键技术攻关"
    overdue = items(db, "--status", "overdue")
    assert {i["title"] for i in overdue} == {
        "人工智能核心产业规模 突破100亿元", "创新载体 10家以上", "国际顶级人工智能团队 3–5个",
        "我市人工智能产业规模、技术创新能力和应用示范处于国内领先水平"}
    assert all(i["light"] == "red" for i in overdue)
    education = items(db, "--unit", "市教育局")
    assert [i["title"] for i in education] == ["拓展民生领域创新应用", "加大人才培育力度"]
    assert {i["kind"] for i in items(db, "--kind", "target")} == {"target"}


def test_items_table_and_bad_options(db: Path) -> None:
    code, out, err = cli(db, "track", "items", "1", "--as-of", "2021-06-30", "--kind", "milestone")
    assert code == 0 and "2 items · 深圳市新一代人工智能发展行动计划" in err and "黄灯" in out
    code, _, err = cli(db, "track", "items", "1", "--status", "late")
    assert code == 2 and "unknown status" in err
    code, _, err = cli(db, "track", "items", "1", "--as-of", "2021-02-30")
    assert code == 2 and "not a date" in err
    code, _, err = cli(db, "track", "items", "42")
    assert code == 1 and "plan not found: 42" in err


def test_status_counts_units_and_late_items(db: Path) -> None:
    code, _, err = cli(db, "track", "report", str(items(db)[0]["id"]), "--unit", "市统计局", "--value", "120",
                       "--as-of", "2020-12-31")
    assert code == 0, err
    code, out, err = cli(db, "track", "status", "1", "--as-of", "2021-06-30", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["overall"]["n"] == 23 and sum(data["overall"]["by_status"].values()) == 23
    assert data["overall"]["by_status"]["done"] == 1 and data["overall"]["by_light"]["red"] == 3
    units = {u["name"]: u for u in data["units"]}
    assert units["深圳市司法局"]["n"] == 1 and units["深圳市工业和信息化局"]["n"] == 13
    assert [i["light"] for i in data["late"][:3]] == ["red"] * 3 and all(i["reason"] for i in data["late"])
    code, out, _ = cli(db, "track", "status", "1", "--as-of", "2021-06-30")
    assert code == 0 and "需关注事项" in out and "23 items" in out


def test_edit_and_sync_commands(db: Path) -> None:
    task = next(i for i in items(db) if i["title"] == "加强基础理论研究")
    code, out, err = cli(db, "track", "edit", str(task["id"]), "--deadline", "2021-09-30", "--reason", "提前完成", "--json")
    assert code == 0, err
    assert json.loads(out)["deadline"] == "2021-09-30"
    code, _, err = cli(db, "track", "edit", str(task["id"]), "--deadline", "2021-09-30")
    assert code == 1 and "reason" in err
    assert next(i for i in items(db) if i["id"] == task["id"])["light"] == "yellow"
    code, out, _ = cli(db, "track", "sync", "1", "--json")
    assert code == 0 and json.loads(out) == {"plan_id": 1, "added": 0, "updated": 0, "retired": 0, "unchanged": 23}
