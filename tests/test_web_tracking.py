"""Tracking over the web: from a target in the text to its item, filing reports with evidence
as a unit editor, dashboards that change, refusals that write nothing, the quarterly report."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from luodi.store import Store
from luodi.store.schema import audit_log, track_reports
from luodi.web.app import create_app
from test_web_api import assert_error
from test_web_fixtures import (  # noqa: F401  (fixtures)
    SECRET,
    SHENZHEN_2023,
    client,
    item_of,
    login,
    template_db,
    web_db,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _counts(db: Path) -> tuple[int, int]:
    with Store.open(db) as store, store.engine.connect() as conn:
        return (conn.scalar(select(func.count()).select_from(track_reports)) or 0,
                conn.scalar(select(func.count()).select_from(audit_log)) or 0)


def test_web_tracking_target_in_text_links_to_its_item(client: TestClient) -> None:  # noqa: F811
    login(client, "viewer")
    page = client.get(f"/plans/{SHENZHEN_2023}").text
    assert f'href="/tracking/goto?plan={SHENZHEN_2023}&amp;kind=target&amp;n=0"' in page
    item = item_of(client, SHENZHEN_2023, "target", 0)
    data = client.get(f"/api/tracking/items/{item}").json()
    assert data["item"]["kind"] == "target" and "人工智能联合实验室" in data["item"]["title"]
    assert data["quote"] and "联合实验室" in data["quote"]  # the plan's own words
    assert data["plan_url"] == f"/plans/{SHENZHEN_2023}#target-0-text"
    task = client.get("/tracking/goto", params={"plan": SHENZHEN_2023, "kind": "task", "section": "1.3"},
                      follow_redirects=False)
    assert task.status_code == 303
    assert client.get(task.headers["location"]).status_code == 200
    assert_error(client.get("/api/tracking/items/999999"), 404)
    r = client.get("/tracking/goto", params={"plan": SHENZHEN_2023, "kind": "target", "n": 999}, follow_redirects=False)
    assert r.status_code == 404


def test_web_tracking_editor_files_report_and_dashboard_changes(client: TestClient, web_db: Path) -> None:  # noqa: F811
    token = login(client, "keji")
    item = item_of(client, SHENZHEN_2023, "target", 0)
    before = client.get(f"/api/tracking/plans/{SHENZHEN_2023}").json()
    state = next(i for i in before["items"] if i["id"] == item)
    assert state["light"] == "red"  # the plan ended in 2024 with nothing reported
    r = client.post(
        f"/api/tracking/items/{item}/reports", headers={"X-CSRF-Token": token},
        data={"as_of": "2024-12-31", "value": "6", "note": "已共建6家联合实验室", "links": "https://example.gov.cn/news/1"},
        files=[("files", ("验收报告.pdf", PDF, "application/pdf"))],
    )
    assert r.status_code == 201, r.text
    report = r.json()
    assert report["unit"] == "深圳市科技创新委员会" and report["author"] == "keji" and report["value"] == 6
    assert {e.get("url") for e in report["evidence"]} >= {"https://example.gov.cn/news/1"}
    pdf = next(e for e in report["evidence"] if e.get("sha256"))
    assert pdf["name"] == "验收报告.pdf" and pdf["mime"] == "application/pdf"
    after = client.get(f"/api/tracking/plans/{SHENZHEN_2023}").json()
    assert after["overall"]["by_light"]["green"] == before["overall"]["by_light"]["green"] + 1
    assert after["overall"]["by_light"]["red"] == before["overall"]["by_light"]["red"] - 1
    assert next(i for i in after["items"] if i["id"] == item)["status"] == "done"
    history = client.get(f"/api/tracking/items/{item}").json()["reports"]
    assert len(history) == 1 and history[0]["note"] == "已共建6家联合实验室"
    download = client.get(f"/api/tracking/evidence/{pdf['sha256']}")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment")
    with Store.open(web_db) as store, store.engine.connect() as conn:
        line = conn.execute(select(audit_log).where(audit_log.c.action == "report.add")).mappings().one()
    assert line["actor"] == "keji" and line["target"] == f"item:{item}" and line["after"]["value"] == 6


def test_web_tracking_form_flow(client: TestClient) -> None:  # noqa: F811
    token = login(client, "keji")
    item = item_of(client, SHENZHEN_2023, "target", 0)
    page = client.get(f"/tracking/items/{item}")
    assert 'id="report-form"' in page.text and "深圳市科技创新委员会" in page.text
    r = client.post(f"/tracking/items/{item}/reports", data={"as_of": "2024-06-30", "value": "3", "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303 and "filed=" in r.headers["location"]
    shown = client.get(r.headers["location"]).text
    assert 'id="filed"' in shown and "2024-06-30" in shown
    bad = client.post(f"/tracking/items/{item}/reports", data={"as_of": "2031-01-01", "value": "3", "csrf_token": token})
    assert bad.status_code == 422 and "as_of" in bad.text


def test_web_tracking_editor_refused_other_units_item(client: TestClient, web_db: Path) -> None:  # noqa: F811
    token = login(client, "keji")
    other = item_of(client, SHENZHEN_2023, "target", 1)  # owned by 市财政局 and others
    page = client.get(f"/tracking/items/{other}")
    assert page.status_code == 200 and 'id="report-form"' not in page.text and 'id="no-permission"' in page.text
    before = _counts(web_db)
    r = client.post(f"/api/tracking/items/{other}/reports", data={"as_of": "2024-06-30", "value": "10"},
                    headers={"X-CSRF-Token": token})
    assert_error(r, 403)
    form = client.post(f"/tracking/items/{other}/reports", data={"as_of": "2024-06-30", "value": "10", "csrf_token": token})
    assert form.status_code == 403
    # Naming an owning unit in the form does not help: an editor always files as their own unit.
    r = client.post(f"/api/tracking/items/{other}/reports", data={"unit": "市财政局", "as_of": "2024-06-30", "value": "10"},
                    headers={"X-CSRF-Token": token})
    assert_error(r, 403)
    assert _counts(web_db) == before


def test_web_tracking_rejects_bad_reports(client: TestClient, web_db: Path) -> None:  # noqa: F811
    token = login(client, "keji")
    item = item_of(client, SHENZHEN_2023, "target", 0)
    h = {"X-CSRF-Token": token}
    before = _counts(web_db)
    detail = assert_error(client.post(f"/api/tracking/items/{item}/reports", data={"as_of": "2024-06-30", "percent": "50"},
                                      headers=h), 422)["detail"]
    assert detail[0]["field"] == "percent"
    assert_error(client.post(f"/api/tracking/items/{item}/reports", data={"value": "many"}, headers=h), 422)
    assert_error(client.post(f"/api/tracking/items/{item}/reports", data={"as_of": "yesterday", "value": "1"}, headers=h), 422)
    exe = client.post(f"/api/tracking/items/{item}/reports", data={"as_of": "2024-06-30", "value": "1"}, headers=h,
                      files=[("files", ("tool.pdf", b"MZ\x90\x00\x03" + b"\x00" * 64, "application/pdf"))])
    assert_error(exe, 422)
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("payload.sh", "echo hi")
    assert_error(client.post(f"/api/tracking/items/{item}/reports", data={"as_of": "2024-06-30", "value": "1"}, headers=h,
                             files=[("files", ("a.docx", zipped.getvalue(), "application/octet-stream"))]), 422)
    link = client.post(f"/api/tracking/items/{item}/reports", data={"as_of": "2024-06-30", "links": "javascript:alert(1)"},
                       headers=h)
    assert_error(link, 422)
    assert _counts(web_db) == before


def test_web_tracking_upload_size_limit(web_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setenv("LUODI_EVIDENCE_MAX_MB", "1")  # before the app is made: it sizes the body limit
    small = TestClient(create_app(web_db, secret=SECRET))
    token = login(small, "keji")
    item = item_of(small, SHENZHEN_2023, "target", 0)
    big = b"%PDF-1.4\n" + b"0" * 1_100_000
    r = small.post(f"/api/tracking/items/{item}/reports", data={"as_of": "2024-06-30", "value": "1"},
                    files=[("files", ("big.pdf", big, "application/pdf"))], headers={"X-CSRF-Token": token})
    assert_error(r, 413)
    # A whole request over the limit (five files' worth plus the form) is refused before it is read.
    huge = small.post(f"/api/tracking/items/{item}/reports", content=b"x" * 7_000_000,
                       headers={"X-CSRF-Token": token, "content-type": "multipart/form-data; boundary=x"})
    assert_error(huge, 413)
    assert _counts(web_db)[0] == 0


def test_web_tracking_admin_files_for_a_chosen_unit(client: TestClient) -> None:  # noqa: F811
    token = login(client, "admin")
    item = item_of(client, SHENZHEN_2023, "target", 1)
    h = {"X-CSRF-Token": token}
    assert_error(client.post(f"/api/tracking/items/{item}/reports", data={"as_of": "2024-06-30", "value": "10"}, headers=h), 422)
    r = client.post(f"/api/tracking/items/{item}/reports", data={"unit": "市财政局", "as_of": "2024-06-30", "value": "10"},
                    headers=h)
    assert r.status_code == 201 and r.json()["unit"] == "深圳市财政局" and r.json()["author"] == "admin"
    not_owner = {"unit": "市教育局", "as_of": "2024-06-30", "value": "1"}
    assert_error(client.post(f"/api/tracking/items/{item}/reports", data=not_owner, headers=h), 422)


def test_web_tracking_unit_dashboard(client: TestClient) -> None:  # noqa: F811
    login(client, "keji")
    data = client.get("/api/tracking/units", params={"unit": "市科技创新委"}).json()
    assert data["plans"] and any(p["plan"]["id"] == SHENZHEN_2023 for p in data["plans"])
    assert sum(data["by_light"].values()) == sum(p["overall"]["n"] for p in data["plans"])
    assert all(i["light"] in {"red", "yellow", "blue"} and i["reason"] for i in data["late"])
    page = client.get("/tracking/units")  # the editor's own unit by default
    assert page.status_code == 200 and "市科技创新委" in page.text
    mine = client.get(f"/api/tracking/plans/{SHENZHEN_2023}", params={"unit": "市科技创新委"}).json()
    whole = client.get(f"/api/tracking/plans/{SHENZHEN_2023}").json()
    assert 0 < len(mine["items"]) < len(whole["items"])


def test_web_tracking_dashboard_pages_and_exports(client: TestClient) -> None:  # noqa: F811
    login(client, "viewer")
    index = client.get("/api/tracking").json()
    assert index["total"] == 5 and all("by_light" in p["overall"] for p in index["plans"])
    page = client.get(f"/tracking/plans/{SHENZHEN_2023}")
    assert page.status_code == 200 and 'id="red-list"' in page.text and "data-chart" in page.text
    plan, units = f"/api/tracking/plans/{SHENZHEN_2023}", "/api/tracking/units"
    downloads = [(plan, {"table": "items"}), (plan, {"table": "units"}), ("/api/tracking", {}),
                 (units, {"unit": "市科技创新委"}), (units, {"unit": "市科技创新委", "table": "late"})]
    for path, params in downloads:
        for fmt in ("csv", "xlsx"):
            r = client.get(path, params={**params, "format": fmt})
            assert r.status_code == 200 and "attachment" in r.headers["content-disposition"], (path, params, fmt)
    assert "format=xlsx" in client.get("/tracking").text


def test_web_tracking_quarterly_report(client: TestClient) -> None:  # noqa: F811
    login(client, "viewer")
    page = client.get(f"/tracking/plans/{SHENZHEN_2023}/quarterly", params={"quarter": "2024Q4"})
    assert page.status_code == 200 and "2024年第四季度" in page.text and "<iframe" in page.text
    html = client.get(f"/api/tracking/plans/{SHENZHEN_2023}/quarterly", params={"quarter": "2024Q4", "format": "html"})
    assert html.status_code == 200 and "实施情况报告" in html.text and html.headers["x-frame-options"] == "SAMEORIGIN"
    data = client.get(f"/api/tracking/plans/{SHENZHEN_2023}/quarterly", params={"quarter": "2024Q4"}).json()
    assert data["quarter"] == "2024Q4" and "by_light" in data
    for fmt, mime in (("md", "text/markdown"), ("xlsx", "application/vnd.openxmlformats")):
        r = client.get(f"/api/tracking/plans/{SHENZHEN_2023}/quarterly", params={"quarter": "2024Q4", "format": fmt})
        assert r.status_code == 200 and r.headers["content-type"].startswith(mime)
        assert "attachment" in r.headers["content-disposition"]
    assert_error(client.get(f"/api/tracking/plans/{SHENZHEN_2023}/quarterly", params={"quarter": "2999Q1"}), 422)
    assert_error(client.get(f"/api/tracking/plans/{SHENZHEN_2023}/quarterly", params={"quarter": "spring"}), 422)
    assert_error(client.get("/api/tracking/plans/99/quarterly", params={"quarter": "2024Q4"}), 404)
