"""HTML pages: Chinese UI, highlighted plan text beside its source, escaping of hostile plan
text everywhere it shows, and the JSON twin of each page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from luodi.parse import parse_file
from luodi.store import Store
from luodi.web.app import create_app
from test_web_fixtures import SECRET, SHENZHEN_2023, client, template_db, web_db, with_records  # noqa: F401  (fixtures)

HOSTILE = """深圳市人民政府关于印发<script>alert('title')</script>行动计划的通知

各区人民政府：
现将《<img src=x onerror=alert(1)>人工智能行动计划》印发给你们。

一、发展目标
到2025年，人工智能核心产业规模突破<b onmouseover=alert(2)>500亿元</b>。
二、重点任务
（一）建设"><script>alert(3)</script>算力平台。（责任单位：市科技创新委<script>）

深圳市人民政府
2024年1月2日
"""


@pytest.fixture
def hostile_client(web_db: Path, tmp_path: Path) -> TestClient:  # noqa: F811
    src = tmp_path / "hostile.txt"
    src.write_text(HOSTILE, encoding="utf-8")
    with Store.open(web_db) as store:
        store.save(with_records(parse_file(src)), str(src))
    return TestClient(create_app(web_db, secret=SECRET))


def test_web_pages_render_in_chinese(client: TestClient) -> None:  # noqa: F811
    for path, words in (("/", "规划文件"), ("/plans", "发文机关"), ("/targets", "目标指标"), ("/scenarios", "应用场景清单"),
                        ("/search?q=算力", "搜索"), ("/login", "登录")):
        r = client.get(path)
        assert r.status_code == 200 and words in r.text, path
        assert 'lang="zh-CN"' in r.text and "/static/luodi.css" in r.text
    en = client.get("/plans", params={"lang": "en"})
    assert "Plans" in en.text and 'lang="en"' in en.text
    assert "发文机关" not in client.get("/plans").text  # the cookie keeps English …
    assert "发文机关" in client.get("/plans", params={"lang": "zh"}).text  # … until switched back


def test_web_pages_plan_page(client: TestClient) -> None:  # noqa: F811
    html = client.get(f"/plans/{SHENZHEN_2023}").text
    assert "深圳市加快推动人工智能高质量发展高水平应用行动方案" in html
    assert 'class="outline"' in html and 'id="sec-1.3"' in html  # the outline and its sections
    assert 'class="source"' in html and 'id="src-1.3"' in html  # the original text beside it
    assert re.search(r'<a class="hl hl-target" id="target-0-text" title="[^"]*" href="/tracking/goto', html)
    assert 'class="hl hl-unit"' in html and 'class="hl hl-entity"' in html
    assert 'class="hl hl-milestone"' in html
    assert "市科技创新委" in html and "深圳市科技创新委员会" in html  # written and canonical units
    assert client.get(f"/plans/{SHENZHEN_2023}").text == html  # the cached body renders the same page


def test_web_pages_plan_filters_and_facets(client: TestClient) -> None:  # noqa: F811
    html = client.get("/plans", params={"region": "深圳市"}).text
    assert html.count('class="title"') == 2
    assert 'class="selected"' in html and "深圳市" in html
    assert "/api/plans?region=" in html  # downloads keep the filters


def test_web_pages_errors_are_pages(client: TestClient) -> None:  # noqa: F811
    r = client.get("/plans/99")
    assert r.status_code == 404 and "plan not found: 99" in r.text and "<html" in r.text
    r = client.get("/plans/abc")
    assert r.status_code == 422 and "<html" in r.text
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "<html" in r.text
    r = client.get("/plans/99", headers={"accept": "application/json"})
    assert r.json()["error"]["status"] == 404


@pytest.mark.parametrize(
    "path", ["/plans", "/plans/6", "/search?q=算力平台", "/targets?plan=6", "/api/plans/6", "/api/search?q=算力平台"]
)
def test_web_pages_escape_plan_text(hostile_client: TestClient, path: str) -> None:
    r = hostile_client.get(path)
    assert r.status_code == 200, path
    body = r.text
    if path.startswith("/api/"):  # JSON carries the text as data, served as JSON that browsers won't sniff
        assert r.headers["content-type"] == "application/json" and r.headers["x-content-type-options"] == "nosniff"
        assert "<script>alert" in body
        for hit in r.json().get("hits", []):  # the ready-made HTML snippets are escaped
            assert "<script>" not in hit["snippet_html"] + hit["title_html"]
        return
    assert "<script>alert" not in body and "<img src=x" not in body and "<b onmouseover" not in body, path
    assert "&lt;script&gt;" in body or "&lt;img" in body or "&lt;b" in body, path


def test_web_pages_escape_in_source_panel(hostile_client: TestClient) -> None:
    html = hostile_client.get("/plans/6").text
    source = html[html.index('<pre class="src"'):]
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in source
    assert "<script>" not in html.replace('<script src="', "").replace('<script type="application/json"', "")


def test_web_pages_pagination_links(client: TestClient) -> None:  # noqa: F811
    html = client.get("/plans", params={"per_page": 2}).text
    assert 'rel="next"' in html and "page=2" in html
    html = client.get("/plans", params={"per_page": 2, "page": 3}).text
    assert 'rel="prev"' in html and 'rel="next"' not in html


def test_web_pages_targets_chart_data_is_json_block(client: TestClient) -> None:  # noqa: F811
    html = client.get("/targets", params={"metric": "核心产业规模"}).text
    assert 'data-chart="target-chart-data"' in html
    block = re.search(r'<script type="application/json" id="target-chart-data">(.*?)</script>', html, re.S)
    assert block and "人工智能核心产业规模" in block.group(1)
    assert "/static/vendor/echarts/echarts.min.js" in html
