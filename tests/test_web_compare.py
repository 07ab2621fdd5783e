"""The comparison pages of issue 6 (coverage, instruments, units, reuse) and their JSON twins,
against the five sample plans in a real SQLite file.  Expected values were read off the
plan texts: 大模型 is only in Shenzhen's 2023 plan; Chengdu's text names 市科技局 as 牵头单位
six times (the units report writes it 成都市科学技术局)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from fastapi.testclient import TestClient

from test_web_fixtures import client, template_db, web_db  # noqa: F401  (fixtures)


def plan_id(c: TestClient, region: str, year: int | None) -> int:
    plans = c.get("/api/plans", params={"region": region}).json()["plans"]
    found = [p["id"] for p in plans if (p["issued"] or "")[:4] == (str(year) if year else "")]
    assert len(found) == 1, (region, year, plans)
    return int(found[0])


def assert_error(r, status: int) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text
    body = r.json()
    assert body["ok"] is False and body["error"]["status"] == status and body["error"]["message"]


# -- coverage ---------------------------------------------------------------------------------
def test_web_compare_coverage_api(client: TestClient) -> None:  # noqa: F811
    data = client.get("/api/compare/coverage").json()
    assert {"plans", "topics", "filters", "topic_names", "groups"} <= set(data)
    assert len(data["plans"]) == 5 and data["filters"] == {}
    ids = {str(p["id"]) for p in data["plans"]}
    for row in data["topics"]:
        assert set(row["plans"]) == ids  # a full plans × topics matrix
        assert row["covered"] == sum(1 for c in row["plans"].values() if c["sections"])
    big = next(r for r in data["topics"] if r["topic"] == "大模型")
    shenzhen_2023 = plan_id(client, "深圳市", 2023)
    assert [pid for pid, c in big["plans"].items() if c["sections"]] == [str(shenzhen_2023)]
    cell = big["plans"][str(shenzhen_2023)]
    assert cell["mentions"] >= cell["sections"] >= 1
    assert all(h["url"].startswith(f"/plans/{shenzhen_2023}#sec-") for h in cell["hits"])


def test_web_compare_coverage_filters(client: TestClient) -> None:  # noqa: F811
    one = client.get("/api/compare/coverage", params={"topic": "大模型"}).json()
    assert [r["topic"] for r in one["topics"]] == ["大模型"] and one["filters"] == {"topic": "大模型"}
    group = client.get("/api/compare/coverage", params={"group": "应用场景"}).json()
    assert group["topics"] and {r["group"] for r in group["topics"]} == {"应用场景"}
    assert_error(client.get("/api/compare/coverage", params={"topic": "不存在的主题"}), 422)
    assert_error(client.get("/api/compare/coverage", params={"group": "不存在"}), 422)


# -- instruments ---------------------------------------------------------------------------------
def test_web_compare_instruments_api(client: TestClient) -> None:  # noqa: F811
    data = client.get("/api/compare/instruments").json()
    assert {"plans", "profiles", "tasks", "types", "filters"} <= set(data)
    assert len(data["profiles"]) == 5
    by_plan = {p["plan"]: p for p in data["profiles"]}
    for pid, prof in by_plan.items():
        assert prof["tasks"] == sum(prof["by_type"].values()) == sum(1 for t in data["tasks"] if t["plan"] == pid)
    decided = [t for t in data["tasks"] if t["decision"]]
    assert decided and all(t["decision"]["rule"] in t["explanation"] for t in decided)  # the rule is shown
    assert {t["type"] for t in data["types"]} == {"supply", "environment", "demand", "unclassified"}
    chengdu = plan_id(client, "成都市", None)
    only = client.get("/api/compare/instruments", params={"plan": chengdu}).json()
    assert only["tasks"] and {t["plan"] for t in only["tasks"]} == {chengdu}
    assert len(only["tasks"]) == by_plan[chengdu]["tasks"]


# -- units -----------------------------------------------------------------------------------------
def test_web_compare_units_api(client: TestClient) -> None:  # noqa: F811
    data = client.get("/api/compare/units").json()
    assert {"plans", "tasks", "units", "filters"} <= set(data)
    chengdu = str(plan_id(client, "成都市", None))
    keji = next(u for u in data["units"] if u["unit"] == "成都市科学技术局")  # 市科技局 in the text
    load = keji["plans"][chengdu]
    assert load["led"] == 6
    assert load["total"] == load["led"] + load["first_listed"] + load["co"]
    assert len(load["sections"]["led"]) == 6
    # Most tasks first.
    totals = [u["total"] for u in data["units"]]
    assert totals == sorted(totals, reverse=True)
    body = client.get("/api/compare/units", params={"by": "body"}).json()
    assert body["filters"] == {"by": "body"} and len(body["units"]) <= len(data["units"])
    assert_error(client.get("/api/compare/units", params={"by": "nonsense"}), 422)


# -- reuse -------------------------------------------------------------------------------------------
def test_web_compare_reuse_api(client: TestClient) -> None:  # noqa: F811
    guangdong, shenzhen = plan_id(client, "广东省", 2018), plan_id(client, "深圳市", 2019)
    every = client.get("/api/compare/reuse").json()
    assert {"plans", "pairs", "pair", "filters", "choices"} <= set(every) and every["pair"] is None
    assert any({p["a"]["id"], p["b"]["id"]} == {guangdong, shenzhen} for p in every["pairs"])
    data = client.get("/api/compare/reuse", params={"a": guangdong, "b": shenzhen}).json()
    pair = data["pair"]
    assert pair["a"]["id"] == guangdong and pair["b"]["id"] == shenzhen
    assert pair["passages"] == len(pair["pairs"]) >= 1
    first = pair["pairs"][0]
    assert first["a"]["plan"] == guangdong and first["b"]["plan"] == shenzhen
    assert first["a"]["text"] and first["b"]["text"] and 0 < first["ratio"] <= 1
    assert first["a"]["url"].startswith(f"/plans/{guangdong}#sec-")
    assert data["filters"] == {"a": guangdong, "b": shenzhen}


def test_web_compare_reuse_errors(client: TestClient) -> None:  # noqa: F811
    assert_error(client.get("/api/compare/reuse", params={"a": 1}), 422)
    assert_error(client.get("/api/compare/reuse", params={"a": 1, "b": 1}), 422)
    assert_error(client.get("/api/compare/reuse", params={"a": 1, "b": 999}), 404)


# -- pages and downloads -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/compare/coverage", "主题覆盖比较"),
        ("/compare/coverage?topic=大模型", "主题覆盖比较"),
        ("/compare/instruments", "政策工具比较"),
        ("/compare/units", "责任单位比较"),
        ("/compare/units?by=body", "责任单位比较"),
        ("/compare/reuse", "文本复用比较"),
        ("/compare/reuse?a=3&b=1", "文本复用比较"),
    ],
)
def test_web_compare_pages(client: TestClient, path: str, heading: str) -> None:  # noqa: F811
    r = client.get(path)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert f"<h1>{heading}</h1>" in r.text
    assert 'href="/compare/coverage"' in r.text  # the nav link


def test_web_compare_page_content(client: TestClient) -> None:  # noqa: F811
    html = client.get("/compare/units").text
    assert "成都市科学技术局" in html
    html = client.get("/compare/instruments").text
    assert "供给型" in html and "priority" in html  # profile counts and the rule of each task
    html = client.get("/compare/reuse", params={"a": 3, "b": 1}).text
    assert 'class="data side-by-side"' in html


@pytest.mark.parametrize("name", ["coverage", "instruments", "units", "reuse"])
def test_web_compare_csv_has_bom(client: TestClient, name: str) -> None:  # noqa: F811
    r = client.get(f"/api/compare/{name}", params={"format": "csv"})
    assert r.status_code == 200
    assert r.content.startswith(b"\xef\xbb\xbf")
    assert r.headers["content-type"].startswith("text/csv")
    assert f"{name}.csv" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) > 1


def test_web_compare_xlsx(client: TestClient) -> None:  # noqa: F811
    r = client.get("/api/compare/units", params={"format": "xlsx"})
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "责任单位 unit"
    assert any(row[0] == "成都市科学技术局" and row[3] == 6 for row in rows[1:])
