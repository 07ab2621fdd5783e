"""compare units: tasks per responsible unit, counted by hand from the samples."""

from __future__ import annotations

from typing import Any

from luodi.analysis import compare_units
from luodi.store import Store


def _load(report: Any, unit: str, plan: int) -> tuple[int, int, int]:
    row = next(r for r in report.rows if r.unit == unit)
    load = row.load(plan)
    return len(load.led), len(load.first), len(load.co)


def test_chengdu_named_leads(store: Store, ids: dict[str, int]) -> None:
    report = compare_units(store, plans=[ids["004"]])
    # 20 tasks with units: twelve under 三、重点任务 and the eight 工程 of 四、重点工程
    assert report.tasks == {ids["004"]: 20}
    # 市科技局 leads 3.1 (both), 3.3 first, 3.4 first, 3.5 (both) = 6 and is 责任单位 in nine:
    # 智能软硬件, 智能机器人, 智能网联汽车, 人才引进, 学科建设, 军民融合, 健康医疗, 智慧旅游, 智能制造
    assert _load(report, "成都市科学技术局", ids["004"]) == (6, 0, 9)
    # 市经信委 leads the three 新兴产业 tasks, 军民融合 and 智能制造 = 5; co-responsible in eight
    assert _load(report, "成都市经济和信息化委员会", ids["004"]) == (5, 0, 8)
    assert _load(report, "成都市卫生健康委员会", ids["004"]) == (1, 0, 0)  # 市卫计委 → its current name
    top = report.rows[0]
    assert (top.unit, top.total) == ("成都市科学技术局", 15)


def test_shenzhen_first_listed_units(store: Store, ids: dict[str, int]) -> None:
    report = compare_units(store, plans=[ids["000"]])
    # sixteen 责任单位 clauses, no named leads; 工业和信息化局 is listed first in 2.2, 3.1, 4.1 and 七
    # and named in thirteen tasks; 科技创新委 first in 1.1–1.3 and 5.1, named in eleven
    assert report.tasks == {ids["000"]: 16}
    assert _load(report, "深圳市工业和信息化局", ids["000"]) == (0, 4, 9)
    assert _load(report, "深圳市科技创新委员会", ids["000"]) == (0, 4, 7)


def test_across_plans_by_kind_of_body(store: Store, ids: dict[str, int]) -> None:
    report = compare_units(store, by="body")
    row = next(r for r in report.rows if r.unit == "科学技术局")
    # Guangzhou's 科技局 is co-responsible in 三、(二) 资金 and (三) 人才; Chengdu as above
    assert _load(report, "科学技术局", ids["001"]) == (0, 0, 2)
    assert row.total == 17
    assert ids["002"] not in {pid for r in report.rows for pid in r.plans}  # the province names no units


def test_json_and_rows(store: Store, ids: dict[str, int]) -> None:
    report = compare_units(store)
    data = report.to_json()
    first = data["units"][0]
    assert first["total"] == sum(p["total"] for p in first["plans"].values())
    rows = report.to_rows()
    chengdu = next(r for r in rows if r["unit"] == "成都市科学技术局")
    assert (chengdu["led"], chengdu["co"], chengdu["total"]) == (6, 9, 15)
    assert chengdu["sections"].split()[:2] == ["3.1.t1", "3.1.t2"]
