"""Responsible units in shapes the sample plans don't show: ☆ leads with a legend, 〔…〕
and ［…］ brackets, 配合/协办 roles, a task-breakdown table, traditional script with
half-width punctuation, 第X条 articles, roles written as verbs (A牵头，B配合) and unit
lines of their own.  Expectations written by hand from tests/data/units."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from luodi.document import Document
from luodi.extract.unit_clauses import parse_unlabelled, split_units
from luodi.extract.units import canonical_units
from luodi.parse import parse_file

DATA = REPO / "tests" / "data" / "units"


def units_by_heading(doc: Document) -> dict[str, tuple[list[str], list[str]]]:
    return {s.heading or "": (s.lead_units, s.units) for s in doc.sections if s.lead_units or s.units}


@pytest.fixture(scope="module")
def hangzhou() -> Document:
    return parse_file(DATA / "hangzhou_task_table.txt")


def test_units_star_marks_lead_with_legend(hangzhou: Document) -> None:
    assert units_by_heading(hangzhou)["夯实算力基础"] == (["市发改委"], ["市经信局", "市数据资源局"])


def test_units_tortoise_brackets_keep_bracketed_names_whole(hangzhou: Document) -> None:
    assert units_by_heading(hangzhou)["强化模型研发"] == (["市科技局"], ["市经信局", "各区、县（市）政府"])


def test_units_responsible_with_assisting_units_is_the_lead(hangzhou: Document) -> None:
    assert units_by_heading(hangzhou)["拓展应用场景"] == (["市城管局"], ["市公安局", "市交通运输局"])


def test_units_task_breakdown_table_rows_become_tasks(hangzhou: Document) -> None:
    tasks = [s for s in hangzhou.sections if s.kind == "task"]
    assert [(t.heading, t.lead_units, t.units) for t in tasks] == [
        ("建成城市智能算力中心", ["市发改委"], ["市经信局", "市数据资源局"]),
        ("发布人工智能应用场景清单", ["市经信局"], ["各区、县（市）政府"]),
        ("组建人工智能产业联盟", ["市科技局"], ["市经信局"]),
    ]
    annex = next(s for s in hangzhou.sections if s.kind == "annex")
    assert all(t.parent == annex.id for t in tasks)


def test_units_task_table_deadlines_become_milestones(hangzhou: Document) -> None:
    table_milestones = [m for m in hangzhou.milestones if m.get("source") == "task_table"]
    assert [(m["action"], m["deadline"]) for m in table_milestones] == [
        ("建成城市智能算力中心", "2024-12-31"),
        ("发布人工智能应用场景清单", "2025-06-30"),
        ("组建人工智能产业联盟", "2024-06-30"),
    ]
    for m in table_milestones:
        assert hangzhou.raw.text[m["span"][0] : m["span"][1]] == m["quote"]


def test_units_canonical_names_use_the_plans_city(hangzhou: Document) -> None:
    first = next(s for s in hangzhou.sections if s.heading == "夯实算力基础")
    assert first.lead_units_canonical == ["杭州市发展和改革委员会"]
    assert first.units_canonical[0] == "杭州市经济和信息化局"


def test_units_traditional_half_width_parentheses() -> None:
    doc = parse_file(DATA / "taipei_traditional.txt")
    got = units_by_heading(doc)
    assert got["建置人工智慧研發中心"] == ([], ["產業發展局", "資訊局"])
    assert got["培育人工智慧人才"] == (["教育局"], ["勞動局", "產業發展局"])


def test_units_in_articles() -> None:
    doc = parse_file(DATA / "province_articles.txt")
    articles = {s.label: (s.lead_units, s.units) for s in doc.sections if s.kind == "article"}
    assert articles["第三条"] == ([], ["省发展改革委", "省工业和信息化厅"])
    assert articles["第四条"] == (["省教育厅"], ["省科技厅", "省人力资源社会保障厅"])
    assert articles["第二条"] == ([], [])



def test_units_unlabelled_roles_and_own_lines() -> None:
    """（A牵头，B配合）, （A负责）, （…按职责分工负责）, 会同, and 责任单位： on a line of its own
    after the task — expectations written by hand from tests/data/units/unlabelled_roles.txt."""
    got = units_by_heading(parse_file(DATA / "unlabelled_roles.txt"))
    assert got == {
        "建设智能计算中心": (["市发展改革委"], ["市工业和信息化局", "市数据局"]),
        "推动算力普惠": ([], ["市工业和信息化局"]),
        "发布场景清单": ([], ["各区、县（市）政府"]),
        "加强人才引育": ([], ["市委人才办", "市人力资源和社会保障局", "市科技局"]),
        "深化开放合作": ([], ["市科技局", "市教育局"]),
        "完善金融服务": (["市地方金融监管局"], ["人民银行南京分行", "市财政局"]),
        # two unnumbered tasks in one section, each followed by its own unit line(s)
        "培育龙头企业": ([], ["市工业和信息化局", "市国资委"]),
        "建设特色园区": (["江北新区管委会"], ["江宁开发区管委会"]),
    }  # and none from （以下简称…）, （按统计口径计算）, （具体办法由市财政局另行制定）, 抓好落实（…）



def test_units_beside_time_limits_and_same_below() -> None:
    """（…按职责分工负责，下同）, （责任单位：…，市有关部门按职责分工负责）, （牵头单位：…；完成时限：…）,
    （…负责；2024年底前完成）: the time limit is a milestone of the task, never a unit."""
    doc = parse_file(DATA / "time_limits_beside_units.txt")
    assert units_by_heading(doc) == {
        "建设创新平台": ([], ["市科技局", "市发改委"]),
        "培育企业": ([], ["各区政府", "市有关部门"]),
        "建设算力": (["市经信局"], ["市发改委"]),
        "强化人才": ([], ["市人社局"]),
        "开放场景": ([], ["市经信局", "市数据局"]),
    }
    got = [(m["year"], m["deadline"], m["action"], m["quote"]) for m in doc.milestones]
    assert got == [
        (2025, "2025-12-31", "建设算力", "完成时限：2025年底"),
        (2024, "2024-12-31", "开放场景", "2024年底前完成"),
    ]

@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("市科技局牵头，市发展改革委、市财政局配合", (["市科技局"], ["市发展改革委", "市财政局"])),
        ("市经信局负责，各区政府配合", (["市经信局"], ["各区政府"])),
        ("省工业和信息化厅、省科技厅按职责分工负责", ([], ["省工业和信息化厅", "省科技厅"])),
        ("市政府督查室会同市发展改革委负责", (["市政府督查室"], ["市发展改革委"])),
        ("各地要结合实际抓好落实", None),
        ("具体办法由市财政局负责", None),
        ("市科技局，加快推进", None),
    ],
)
def test_units_unlabelled_parenthesis(written: str, expected: tuple[list[str], list[str]] | None) -> None:
    assert parse_unlabelled(written, written) == expected

@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("市科技局、市发改委，有关区（市）县政府", ["市科技局", "市发改委", "有关区（市）县政府"]),
        ("市前海管理局等", ["市前海管理局"]),
        ("各区政府（新区管委会）；深汕特别合作区管委会", ["各区政府（新区管委会）", "深汕特别合作区管委会"]),
        ("市经信局，各区、县（市）政府", ["市经信局", "各区、县（市）政府"]),
    ],
)
def test_units_split(written: str, expected: list[str]) -> None:
    assert split_units(written) == expected


def test_units_canonical_inherits_the_first_prefix() -> None:
    from luodi.document import Metadata

    meta = Metadata(region="深圳市", level="city", province="广东省")
    assert canonical_units(["市科技创新委", "发展改革委", "工业和信息化局"], meta) == [
        "深圳市科技创新委员会",
        "深圳市发展和改革委员会",
        "深圳市工业和信息化局",
    ]
    assert canonical_units(["市委宣传部", "各区"], meta) == ["深圳市委宣传部", "各区"]
    # 市场监管局 after 市政务服务数据管理局、: 市场 is a word, the 市 prefix is inherited.
    assert canonical_units(["市政务服务数据管理局", "市场监管局"], meta) == [
        "深圳市政务服务数据管理局",
        "深圳市市场监督管理局",
    ]


def test_units_user_registry_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from luodi.document import Metadata

    extra = tmp_path / "units.tsv"
    extra.write_text("数字经济发展局\t数字经济局|数经局\n", "utf-8")
    monkeypatch.setenv("LUODI_UNITS", str(extra))
    meta = Metadata(region="成都市", level="city")
    assert canonical_units(["市数经局"], meta) == ["成都市数字经济发展局"]


def test_task_list_cells_that_mark_their_lead() -> None:
    """市工信局（牵头）、市科技局 and 市发改委牵头，市财政局配合 inside a 责任单位 cell."""
    doc = parse_file(DATA / "task_list_marked_leads.txt")
    assert units_by_heading(doc) == {
        "建设智算中心": (["市工信局"], ["市科技局", "各区政府"]),
        "开放应用场景": (["市发改委"], ["市财政局"]),
        "培育企业": ([], ["市科技局", "市工信局"]),
    }
    assert [(m["action"], m["deadline"]) for m in doc.milestones] == [
        ("建设智算中心", "2024-06-30"),
        ("开放应用场景", "2023-12-31"),
    ]
