"""The JSON API with FastAPI's client against a real SQLite file: plans, targets, scenarios,
search, exports, the error envelope and the offline API docs."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from luodi.store import Store
from test_web_fixtures import client, template_db, web_db  # noqa: F401  (fixtures)


def assert_error(r, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text
    body = r.json()
    assert body["ok"] is False
    assert set(body["error"]) == {"status", "message", "detail"}
    assert body["error"]["status"] == status and body["error"]["message"]
    return body["error"]


# -- plans -------------------------------------------------------------------------------
def test_web_api_plans_list_with_facets(client: TestClient) -> None:  # noqa: F811
    data = client.get("/api/plans").json()
    assert data["total"] == 5 and len(data["plans"]) == 5 and data["page"] == 1
    assert {f["value"] for f in data["facets"]["region"]} == {"深圳市", "广东省", "广州市", "成都市"}
    assert {f["value"] for f in data["facets"]["level"]} == {"city", "province"}
    assert "2023" in {f["value"] for f in data["facets"]["year"]}
    assert "深圳市人民政府" in {f["value"] for f in data["facets"]["issuer"]}
    dates = [p["issued"] for p in data["plans"]]
    assert dates == sorted(dates, key=lambda d: (d is not None, d or ""), reverse=True)  # newest first, undated last
    first = data["plans"][0]
    assert first["url"] == f"/plans/{first['id']}" and first["api_url"] == f"/api/plans/{first['id']}"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"region": "深圳市"}, 2),
        ({"level": "province"}, 1),
        ({"year": 2019}, 1),
        ({"issuer": "深圳市人民政府"}, 1),
        ({"doc_type": "行动计划"}, 2),
        ({"q": "广东"}, 1),
        ({"q": "深府〔2019〕29号"}, 1),
        ({"q": "%"}, 0),  # LIKE wildcards are matched literally
        ({"region": "深圳市", "year": 2023}, 1),
        ({"year": ""}, 5),  # an empty form field is no filter
    ],
)
def test_web_api_plans_filters(client: TestClient, query: dict, expected: int) -> None:  # noqa: F811
    data = client.get("/api/plans", params=query).json()
    assert data["total"] == expected, query


def test_web_api_plans_paging(client: TestClient) -> None:  # noqa: F811
    one = client.get("/api/plans", params={"per_page": 2, "page": 2}).json()
    assert one["pages"] == 3 and len(one["plans"]) == 2
    all_ids = [p["id"] for p in client.get("/api/plans").json()["plans"]]
    assert [p["id"] for p in one["plans"]] == all_ids[2:4]
    assert_error(client.get("/api/plans", params={"per_page": 1000}), 422)
    assert_error(client.get("/api/plans", params={"page": 0}), 422)


def test_web_api_plan_document_is_the_store_contract(client: TestClient, web_db: Path) -> None:  # noqa: F811
    with Store.open(web_db) as store:
        expected = store.get_plan(4)
        raw = store.load_document(4).raw.text
    got = client.get("/api/plans/4").json()
    assert got == expected
    assert got["schema"] == "luodi/document@1" and got["id"] == 4
    assert client.get("/api/plans/4").json() == expected  # second answer from the cache: the same
    source = client.get("/api/plans/4/source").json()
    assert source["text"] == raw
    for sec in got["sections"]:  # spans point into the source text served beside the document
        a, b = sec["span"]
        assert 0 <= a <= b <= len(raw)


def test_web_api_plan_errors(client: TestClient) -> None:  # noqa: F811
    assert_error(client.get("/api/plans/99"), 404)
    assert_error(client.get("/api/plans/abc"), 422)
    assert_error(client.get("/api/plans/0"), 422)
    assert_error(client.get("/api/plans/123456"), 404)  # digits that are also a hash prefix: still an id
    assert_error(client.get("/api/nothing-here"), 404)
    assert_error(client.post("/api/plans"), 405)
    detail = assert_error(client.get("/api/plans", params={"year": "abc"}), 422)["detail"]
    assert detail[0]["loc"] == ["query", "year"]


# -- exports -----------------------------------------------------------------------------
def test_web_api_plans_csv_and_xlsx(client: TestClient) -> None:  # noqa: F811
    r = client.get("/api/plans", params={"format": "csv", "region": "深圳市"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese correctly
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][1].startswith("标题") and len(rows) == 3
    x = client.get("/api/plans", params={"format": "xlsx"})
    assert x.status_code == 200 and x.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(x.content)).active
    assert sheet is not None
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][1].startswith("标题") and len(rows) == 6 and any("深圳市" in str(r) for r in rows)


def test_web_api_csv_neutralises_formulas() -> None:
    from luodi.web.export import to_csv

    text = to_csv([{"a": "=HYPERLINK(\"http://evil\")", "b": "-1+2", "c": 3}], [("a", "A"), ("b", "B"), ("c", "C")])
    row = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))[1]
    assert row == ["'=HYPERLINK(\"http://evil\")", "'-1+2", "3"]


@pytest.mark.parametrize("path", ["/api/plans", "/api/targets", "/api/scenarios"])
def test_web_api_every_table_downloads(client: TestClient, path: str) -> None:  # noqa: F811
    for fmt, mime in (("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats")):
        r = client.get(path, params={"format": fmt})
        assert r.status_code == 200 and r.headers["content-type"].startswith(mime), path


# -- targets, scenarios, search ---------------------------------------------------------
def test_web_api_targets_table_and_chart(client: TestClient) -> None:  # noqa: F811
    data = client.get("/api/targets").json()
    assert data["total"] > 20
    row = data["targets"][0]
    assert {"plan_id", "metric", "value", "unit", "quote", "metric_group", "url"} <= set(row)
    assert data["chart"] is not None and data["metrics"]
    core = client.get("/api/targets", params={"metric": "核心产业规模"}).json()
    chart = core["chart"]
    assert chart["title"] == "人工智能核心产业规模" and chart["unit"] == "亿元"
    assert len(chart["series"]) >= 2  # Shenzhen and Guangdong compared
    assert "2020" in chart["categories"]
    values = {s["name"]: s["data"] for s in chart["series"]}
    assert any(500.0 in v for v in values.values()) and any(100.0 in v for v in values.values())
    only_base = client.get("/api/targets", params={"kind": "baseline"}).json()
    assert only_base["total"] > 0 and all(t["kind"] == "baseline" for t in only_base["targets"])
    assert_error(client.get("/api/targets", params={"kind": "wish"}), 422)


def test_web_api_targets_export_has_every_row(client: TestClient) -> None:  # noqa: F811
    total = client.get("/api/targets").json()["total"]
    r = client.get("/api/targets", params={"format": "csv", "per_page": 1})
    assert len(list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))) == total + 1


def test_web_api_scenario_catalog(client: TestClient) -> None:  # noqa: F811
    data = client.get("/api/scenarios").json()
    assert data["total"] == 26
    domains = {d["domain"] for d in data["domains"]}
    assert {"公共服务", "智慧医疗"} <= domains
    one = data["domains"][0]["scenarios"][0]
    assert {"name", "units", "plan_id", "region", "seq"} <= set(one)
    health = client.get("/api/scenarios", params={"domain": "智慧医疗"}).json()
    assert health["total"] >= 2 and all(s["domain"] == "智慧医疗" for d in health["domains"] for s in d["scenarios"])
    by_unit = client.get("/api/scenarios", params={"unit": "市卫生健康委"}).json()
    assert by_unit["total"] >= 2
    r = client.get("/api/scenarios", params={"format": "csv"})
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 27 and rows[0][0].startswith("领域")


def test_web_api_search(client: TestClient) -> None:  # noqa: F811
    data = client.get("/api/search", params={"q": "算力"}).json()
    assert data["total"] > 0 and data["hits"]
    hit = data["hits"][0]
    assert hit["url"].startswith(f"/plans/{hit['plan_id']}")
    assert any("<mark>" in h["snippet_html"] + h["title_html"] for h in data["hits"])
    assert client.get("/api/search").json()["total"] == 0  # no query, no results, no error
    kinds = client.get("/api/search", params={"q": "算力", "kind": "target"}).json()
    assert all(h["kind"] == "target" for h in kinds["hits"])


# -- the rest ----------------------------------------------------------------------------
def test_web_api_index_and_openapi(client: TestClient) -> None:  # noqa: F811
    index = client.get("/api").json()
    assert index["counts"]["plans"] == 5 and "/api/plans" in index["endpoints"]
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/plans", "/api/plans/{plan_id}", "/api/targets", "/api/scenarios", "/api/search",
            "/api/tracking/plans/{plan_id}", "/api/tracking/items/{item_id}/reports"} <= paths
    assert not any(p.startswith(("/plans", "/tracking", "/login")) for p in paths)  # HTML pages stay out
    assert "ErrorEnvelope" in spec["components"]["schemas"]


def test_web_api_docs_are_served_offline(client: TestClient) -> None:  # noqa: F811
    html = client.get("/docs").text
    assert "cdn" not in html.lower() and "http" not in html.replace("http-equiv", "")
    for asset in ("/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/vendor/swagger-ui/swagger-ui.css",
                  "/static/swagger-init.js", "/static/vendor/echarts/echarts.min.js", "/static/vendor/htmx/htmx.min.js"):
        assert asset in html or asset.endswith(("echarts.min.js", "htmx.min.js"))
        assert client.get(asset).status_code == 200, asset
    assert client.get("/redoc").status_code == 404


def test_web_api_no_cdn_anywhere() -> None:
    static = Path(__file__).resolve().parents[1] / "src" / "luodi" / "web"
    for path in [*static.glob("templates/**/*.html"), *static.glob("static/*.js"), *static.glob("static/*.css")]:
        text = path.read_text(encoding="utf-8")
        assert "cdn." not in text and "unpkg" not in text and "googleapis" not in text, path


def test_web_api_security_headers(client: TestClient) -> None:  # noqa: F811
    r = client.get("/api/plans")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


def test_web_api_list_sees_plans_ingested_meanwhile(client: TestClient, web_db: Path, tmp_path: Path) -> None:  # noqa: F811
    from luodi.operations import sample_paths
    from luodi.parse import parse_file

    assert client.get("/api/plans").json()["total"] == 5
    copy = tmp_path / "copy.txt"
    copy.write_text("索引号：web-test\n" + sample_paths()[0].read_text(encoding="utf-8"), encoding="utf-8")
    with Store.open(web_db) as store:  # another writer (as `luodi ingest` would be)
        new_id = store.save(parse_file(copy), str(copy)).plan_id
    assert client.get("/api/plans").json()["total"] == 6
    assert client.get(f"/plans/{new_id}").status_code == 200
