"""The quarterly report from a scripted history of the Shenzhen 2019–2023 sample plan:
its figures checked against values worked out by hand, rendered to HTML, XLSX and
Markdown, and the HTML opened in a real browser (Debian's chromium via Playwright).

The plan runs 2019-01-01 → 2023-12-31 (1825 days).  At 2021-06-30 (day 911) the linear
path expects 49.9%; at 2021-03-31 (day 820) 44.9%.  Tasks are due at the period end
unless overridden; the targets and milestones at the end of their year.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import REPO
from luodi.store import Store
from luodi.tracking.items import edit_item, ensure_items, load_items, plan_info
from luodi.tracking.model import Item
from luodi.tracking.quarterly import Quarter, ReportData, build_report, render
from luodi.tracking.reports import ReportInput, file_report
from luodi.tracking.status import Thresholds
from test_tracking_common import ACTOR, cli, sample_plan

TH = Thresholds(near_days=30, stale_days=92, behind_pct=10, approx_pct=5)
TODAY = date(2021, 7, 10)
CHROMIUM = Path("/usr/bin/chromium")

# (key, unit, as_of, field, value); key = task section id, or T1…T5 / M1 for the goals.
HISTORY = [
    ("T1", "市统计局", "2020-06-30", "value", 80), ("T1", "市统计局", "2020-12-31", "value", 120),  # 突破100 → done
    ("T2", "市统计局", "2020-12-31", "value", 8),  # 10家以上: 80%, overdue since 2021
    ("T3", "市统计局", "2021-05-15", "value", 3),  # 3–5个: done in Q2, late
    ("T4", "市发展改革委", "2021-06-01", "value", 150),  # 突破300: 50% ≥ 49.9% − 10 → on track
    ("T5", "市发展改革委", "2021-04-10", "value", 1200),  # 达到6000: 20% → behind
    ("M1", "市科技创新委", "2020-11-30", "level", "完成"),
    ("1.1", "市科技创新委", "2021-03-15", "percent", 40), ("1.1", "市科技创新委", "2021-06-20", "percent", 60),
    ("1.2", "市科技创新委", "2021-01-10", "percent", 25), ("1.2", "市科技创新委", "2021-06-30", "percent", 30),
    ("1.3", "市工业和信息化局", "2021-02-01", "percent", 50),  # fresh at Q1, stale (149 days) at Q2
    ("2.1", "市发展改革委", "2021-04-15", "percent", 100),
    ("2.2", "市工业和信息化局", "2021-05-01", "level", "实质性"),
    ("2.3", "市发改委", "2021-06-30", "percent", 80), ("2.3", "市发改委", "2021-06-30", "percent", 45),  # corrected
]
GOALS = {"T1": ("人工智能核心产业规模", 100), "T2": ("创新载体", 10), "T3": ("国际顶级人工智能团队", 3),
         "T4": ("人工智能核心产业规模", 300), "T5": ("相关产业规模", 6000)}


def _key_of(it: Item) -> str | None:
    if it.kind == "task":
        return it.ref
    if it.kind == "milestone":
        return "M1" if it.deadline == date(2020, 12, 31) else "M2"
    assert it.target is not None
    return next(k for k, (metric, value) in GOALS.items() if it.target.metric == metric and it.target.value == value)


def scripted(db: Path) -> tuple[int, dict[str, Item]]:
    with Store.open(db) as store:
        plan_id = sample_plan(store)
        ensure_items(store, plan_id, ACTOR)
        with store.engine.connect() as conn:
            items = {_key_of(i): i for i in load_items(conn, plan_info(conn, plan_id))}
        for key, unit, as_of, field, value in HISTORY:
            given = ReportInput(items[key].id, unit, date.fromisoformat(as_of), **{field: value})  # type: ignore[arg-type]
            file_report(store, given, ACTOR, today=TODAY)
        edit_item(store, items["6"].id, ACTOR, deadline="2021-05-31", reason="市政府督办件要求提前")
        edit_item(store, items["7"].id, ACTOR, deadline="2021-07-15", reason="纳入年度重点工作")
    return plan_id, {k: v for k, v in items.items() if k is not None}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ReportData, dict[str, Item]]:
    db = tmp_path_factory.mktemp("quarterly") / "luodi.db"
    plan_id, items = scripted(db)
    with Store.open(db) as store:
        data = build_report(store, plan_id, Quarter.parse("2021Q2"), ACTOR, TH, today=TODAY)
    return db, data, items


def test_sample_plan_has_the_items_the_script_expects(report: tuple[Path, ReportData, dict[str, Item]]) -> None:
    _, data, items = report
    tasks = sorted(k for k, i in items.items() if i.kind == "task")
    assert tasks == ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3", "5.1", "5.2",
                     "6", "7"]
    assert data.headline["items"] == 23 and data.headline["by_kind"] == {"task": 16, "target": 5, "milestone": 2}


def test_headline_figures(report: tuple[Path, ReportData, dict[str, Item]]) -> None:
    _, data, _ = report
    assert (data.as_of, data.previous_as_of) == (date(2021, 6, 30), date(2021, 3, 31))
    assert data.by_status == {"done": 4, "on_track": 4, "at_risk": 3, "overdue": 2, "not_started": 10}
    assert data.by_light == {"green": 8, "blue": 1, "yellow": 12, "red": 2}
    assert data.previous_by_status == {"done": 2, "on_track": 2, "at_risk": 1, "overdue": 2, "not_started": 16}
    h = data.headline
    # (1 + .8 + 1 + .5 + .2 + 1 + .6 + .3 + .5 + 1 + .75 + .45) / 23 and (1 + .8 + 1 + .4 + .25 + .5) / 23
    assert (h["progress"], h["previous_progress"]) == (35.2, 17.2)
    assert (h["done"], h["newly_done"], h["targets_met"], h["targets"]) == (4, 2, 2, 5)
    assert (h["reports"], h["units_reporting"]) == (9, 4)


def test_every_target_against_its_target(report: tuple[Path, ReportData, dict[str, Item]]) -> None:
    _, data, items = report
    lines = {t.id: t for t in data.targets}
    assert len(lines) == 5
    t4, t2, t3 = lines[items["T4"].id], lines[items["T2"].id], lines[items["T3"].id]
    assert (t4.value, t4.progress, t4.light, t4.target) == (150, 50.0, "green", "突破300亿元")
    assert t4.bar_value == pytest.approx(150 / 330) and t4.bar_target == pytest.approx(300 / 330)
    assert (t2.value, t2.progress, t2.light, t2.status) == (8, 80.0, "red", "已逾期")
    assert (t3.progress, t3.target, t3.bar_target_max) == (100.0, "3–5个", pytest.approx(5 / 5.5))
    assert lines[items["T5"].id].light == "yellow" and "落后于预期进度50%" in lines[items["T5"].id].reason


def test_alerts_and_units(report: tuple[Path, ReportData, dict[str, Item]]) -> None:
    _, data, items = report
    assert [i.id for i in data.red] == [items["T2"].id, items["6"].id]  # the longest overdue first
    assert "已逾期30天（期限2021-05-31）" in data.red[1].reason
    assert [i.id for i in data.blue] == [items["7"].id] and "还剩15天" in data.blue[0].reason
    assert {i.id for i in data.yellow} >= {items["T5"].id, items["1.2"].id, items["1.3"].id, items["M2"].id}
    assert "最近报送2021-02-01" in next(i.reason for i in data.yellow if i.id == items["1.3"].id)
    units = {u.name: u for u in data.units}
    # From the plan's text: 教育局 is named on 3.2 and 5.2 (neither reported), 司法局 on 6 alone (overdue).
    assert (units["深圳市教育局"].n, units["深圳市教育局"].by_light["yellow"], units["深圳市教育局"].reports) == (2, 2, 0)
    assert (units["深圳市司法局"].n, units["深圳市司法局"].by_light["red"], units["深圳市司法局"].progress) == (1, 1, 0.0)
    assert units["深圳市发展和改革委员会"].reports == 5 and units["深圳市科技创新委员会"].reports == 2
    assert units["（未明确责任单位）unassigned"].n == 7  # the plan-wide goals


def test_what_changed_since_last_quarter(report: tuple[Path, ReportData, dict[str, Item]]) -> None:
    _, data, items = report
    changes = {c.id: (c.before, c.after) for c in data.changes}
    assert changes == {
        items["T3"].id: ("已逾期", "已完成"), items["T4"].id: ("未启动", "正常推进"), items["T5"].id: ("未启动", "存在风险"),
        items["1.3"].id: ("正常推进", "存在风险"), items["2.1"].id: ("未启动", "已完成"),
        items["2.2"].id: ("未启动", "正常推进"), items["2.3"].id: ("未启动", "正常推进"), items["6"].id: ("未启动", "已逾期"),
    }
    assert data.filed_total == 9 and len(data.filed) == 9
    assert [f.figure for f in data.filed if f.item_id == items["2.3"].id] == ["45%", "80%"]  # both kept, latest first


def test_renders_html_md_xlsx(report: tuple[Path, ReportData, dict[str, Item]], tmp_path: Path) -> None:
    _, data, _ = report
    for fmt in ("html", "md", "xlsx"):
        render(data, fmt, tmp_path / f"r.{fmt}")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "深圳市新一代人工智能发展行动计划" in html and "2021年第二季度实施情况报告" in html and "35.2%" in html
    assert html.count("<svg") >= 5 + 3 and "<script" not in html and "http" not in html  # self-contained
    assert '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei"' in html and "@media print" in html
    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "| 人工智能核心产业规模 | 突破300亿元 | 150 | 50% | 绿灯 | 2023-12-31 |" in md
    assert "- 总体进度 35.2%（上季度 17.2%）" in md
    wb = load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames == ["概览", "指标进展", "分单位", "分领域", "预警事项", "本季度变化", "报送记录"]
    overview = {r[0].value: r[1].value for r in wb["概览"].iter_rows(min_row=2)}
    assert overview["总体进度%"] == 35.2 and overview["红灯"] == 2 and overview["本季度报送条数"] == 9
    assert wb["本季度变化"].max_row == 1 + 8


def test_cli_quarterly(report: tuple[Path, ReportData, dict[str, Item]], tmp_path: Path) -> None:
    db, _, _ = report
    out = tmp_path / "q.md"
    code, _, err = cli(db, "report", "quarterly", "1", "--quarter", "2021Q2", "--out", str(out))
    assert code == 0, err
    assert "2021年第二季度" in out.read_text(encoding="utf-8") and "red 2" in err
    code, _, err = cli(db, "report", "quarterly", "1", "--quarter", "2021-13", "--out", str(out))
    assert code == 1 and "not a quarter" in err
    code, _, err = cli(db, "report", "quarterly", "1", "--quarter", "2099Q1", "--out", str(out))
    assert code == 1 and "has not started" in err
    code, _, err = cli(db, "report", "quarterly", "1", "--quarter", "2021Q2", "--out", str(tmp_path / "q.pdf"))
    assert code == 2 and "unknown format" in err


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (/usr/bin/chromium)")
def test_html_report_in_a_real_browser(report: tuple[Path, ReportData, dict[str, Item]]) -> None:
    from PIL import Image
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    _, data, _ = report
    artifacts = REPO / "artifacts"
    artifacts.mkdir(exist_ok=True)
    html, png, pdf = (artifacts / f"quarterly-2021Q2.{ext}" for ext in ("html", "png", "pdf"))
    for f in (png, pdf):
        f.unlink(missing_ok=True)
    render(data, "html", html)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.goto(html.as_uri())
            assert page.title().endswith("2021年第二季度实施情况报告")
            assert page.locator("#targets tbody tr").count() == 5
            assert page.locator("svg").count() >= 8
            page.screenshot(path=str(png), full_page=True)
            page.pdf(path=str(pdf), format="A4", print_background=True)
        finally:
            browser.close()
    assert png.stat().st_size > 30_000 and pdf.stat().st_size > 20_000
    with Image.open(png) as img:
        colours = img.convert("RGB").getcolors(maxcolors=1 << 20)
        assert img.height > 1400  # the full page, not just the viewport
    assert colours is not None and len(colours) > 10
    printed = PdfReader(pdf)
    first = printed.pages[0]
    assert len(printed.pages) >= 2 and round(float(first.mediabox.width) / 72 * 25.4) == 210  # A4 pages
    # NFKC: the font's ToUnicode maps some glyphs to Kangxi radicals (⼀ U+2F00 for 一).
    text = unicodedata.normalize("NFKC", first.extract_text()).replace(" ", "")
    assert "总体情况" in text and "深圳市新一代人工智能发展行动计划" in text  # Chinese glyphs, as text
