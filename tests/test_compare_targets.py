"""compare targets: metric groups, unit normalisation, and the comparison on the samples.

Target extraction is another component's job, so the target records here are written by
hand from the documents (metric, year, value, unit, qualifier, section as the plans state
them); only their spans are looked up, from the quoted words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from luodi.analysis import compare_targets, metric_group, normalise_metric, normalise_unit
from luodi.analysis.corpus import PlanDoc
from luodi.analysis.metrics import written
from luodi.document import Document
from luodi.operations import ingest, sample_paths
from luodi.store import Store

# sample file → targets read from it: (kind, year, metric, value, value_max, unit, qualifier, section, words)
HAND_TARGETS: dict[str, list[tuple[Any, ...]]] = {
    "000": [  # 深圳市新一代人工智能发展行动计划（2019－2023年）, goals paragraph before the first heading
        ("target", 2020, "人工智能核心产业规模", 100, None, "亿元", "突破", "preamble", "人工智能核心产业规模突破100亿元"),
        ("target", 2020, "相关产业规模", 3000, None, "亿元", "达到", "preamble", "带动相关产业规模达到3000亿元"),
        ("target", 2023, "人工智能核心产业规模", 300, None, "亿元", "突破", "preamble", "人工智能核心产业规模突破300亿元"),
        ("target", 2023, "相关产业规模", 6000, None, "亿元", "达到", "preamble", "带动相关产业规模达到6000亿元"),
        ("target", 2020, "细分领域龙头企业", 10, None, "家", None, "preamble", "培育10家细分领域龙头企业"),
    ],
    "001": [  # 廣州市…行動計劃（2020-2022年）, traditional script; 一、工作目標
        ("target", 2022, "全市人工智能產業規模", 1200, None, "億元", "超過", "1", "全市人工智能產業規模超過1200億元"),
    ],
    "002": [  # 广东省新一代人工智能发展规划
        ("baseline", 2017, "广东人工智能核心产业规模", 260, None, "亿元", "约", "1.1.1", "广东人工智能核心产业规模约260亿元"),
        ("target", 2020, "人工智能核心产业规模", 500, None, "亿元", "突破", "2.3.1", "人工智能核心产业规模突破500亿元"),
        ("target", 2020, "相关产业规模", 3000, None, "亿元", "达到", "2.3.1", "带动相关产业规模达到3000亿元"),
        ("target", 2025, "产业核心规模", 1500, None, "亿元", "突破", "2.3.2", "产业核心规模突破1500亿元"),
        ("target", 2025, "相关产业规模", 1.8, None, "万亿元", "达到", "2.3.2", "带动相关产业规模达到1.8万亿元"),
    ],
}


def _record(doc: Document, row: tuple[Any, ...]) -> dict[str, Any]:
    kind, year, metric, value, value_max, unit, qualifier, section, words = row
    start = doc.text.index(words)  # the clean text; the span is mapped back to the source
    span = doc.source_span(start, start + len(words))
    return {"kind": kind, "year": year, "metric": metric, "value": value, "value_max": value_max, "unit": unit,
            "qualifier": qualifier, "binding": None, "quote": doc.raw.text[span[0] : span[1]], "section": section,
            "span": list(span)}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    db = tmp_path_factory.mktemp("targets") / "luodi.db"
    s = Store.open(db)
    ingest(s, sample_paths(), workers=1)
    for p in s.list_plans():
        doc = s.load_document(p.id)
        doc.targets = [_record(doc, row) for row in HAND_TARGETS.get(Path(p.source).name[:3], [])]
        s.save(doc, p.source, force=True)
    yield s
    s.close()


@pytest.fixture(scope="module")
def ids(store: Store) -> dict[str, int]:
    return {Path(p.source).name[:3]: p.id for p in store.list_plans()}


# -- metric names and units --------------------------------------------------------------------
@pytest.mark.parametrize("metric", ["人工智能核心产业规模", "产业核心规模", "核心产业规模", "广东人工智能核心产业规模",
                                    "全省人工智能核心产业规模", "人工智能核心产業規模"])
def test_core_industry_wordings_are_one_metric(metric: str) -> None:
    assert metric_group(metric, ["广东省", "广东"]) == "人工智能核心产业规模"


def test_other_size_metrics_stay_apart() -> None:
    assert metric_group("全市人工智能產業規模", ["广州市", "广州"]) == "人工智能产业规模"
    assert metric_group("带动相关产业规模") == "带动相关产业规模"
    assert metric_group("相关产业规模") == "带动相关产业规模"
    # related industry of the baseline names its own scope: not the AI related-industry size
    assert metric_group("机器人及智能装备等相关产业规模") != "带动相关产业规模"


def test_unknown_metrics_compare_on_their_normalised_form() -> None:
    assert normalise_metric("全市人工智能专利授权总规模") == "专利授权规模"
    assert metric_group("我市量子计算企业") == metric_group("全省量子计算企业") == "量子计算企业"


@pytest.mark.parametrize(("unit", "base", "factor"), [
    ("亿元", "亿元", 1.0), ("万亿元", "亿元", 10000.0), ("千亿元", "亿元", 1000.0), ("万元", "亿元", 0.0001),
    ("元", "亿元", 1e-8), ("億元", "亿元", 1.0), ("亿美元", "亿美元", 1.0), ("家", "家", 1.0), ("個", "个", 1.0),
    ("项", "项", 1.0), ("万台", "台", 10000.0), ("EFLOPS", "PFLOPS", 1000.0), ("%", "%", 1.0),
])
def test_units_normalise_to_a_base(unit: str, base: str, factor: float) -> None:
    norm = normalise_unit(unit)
    assert (norm.base, norm.factor) == (base, pytest.approx(factor))


def test_written_value_keeps_the_plans_wording() -> None:
    assert written(100, None, "亿元", "突破") == "突破100亿元"
    assert written(10, None, "家", "以上") == "10家以上"
    assert written(3, 5, "个", None) == "3–5个"
    assert written(1.8, None, "万亿元", "达到") == "达到1.8万亿元"


# -- the comparison ------------------------------------------------------------------------------
def _cells(report: Any) -> dict[tuple[int, int | None], tuple[float | None, str]]:
    (row,) = report.rows
    return {(c.plan, c.year): (c.value_norm, c.written) for c in row.cells}


def test_core_industry_size_across_plans_and_years(store: Store, ids: dict[str, int]) -> None:
    report = compare_targets(store, "核心产业规模")
    (row,) = report.rows
    assert (row.metric, row.unit) == ("人工智能核心产业规模", "亿元")
    assert _cells(report) == {
        (ids["000"], 2020): (100, "突破100亿元"),
        (ids["000"], 2023): (300, "突破300亿元"),
        (ids["002"], 2020): (500, "突破500亿元"),
        (ids["002"], 2025): (1500, "突破1500亿元"),  # written 产业核心规模
    }
    assert compare_targets(store, "产业核心规模").to_json() == report.to_json()


def test_cells_link_to_their_quote(store: Store, ids: dict[str, int]) -> None:
    report = compare_targets(store, "人工智能核心产业规模")
    sources = {pid: store.load_document(pid).raw.text for pid in ids.values()}
    for cell in report.rows[0].cells:
        a, b = cell.link.span or (0, 0)
        assert sources[cell.plan][a:b] == cell.link.quote
        assert cell.link.section in {"preamble", "2.3.1", "2.3.2"}


def test_units_are_normalised_and_written_value_kept(store: Store, ids: dict[str, int]) -> None:
    report = compare_targets(store, "带动相关产业规模")
    assert _cells(report)[(ids["002"], 2025)] == (18000, "达到1.8万亿元")
    assert _cells(report)[(ids["000"], 2023)] == (6000, "达到6000亿元")


def test_baselines_only_on_request(store: Store, ids: dict[str, int]) -> None:
    assert (ids["002"], 2017) not in _cells(compare_targets(store, "核心产业规模"))
    with_base = compare_targets(store, "核心产业规模", baselines=True)
    assert _cells(with_base)[(ids["002"], 2017)] == (260, "约260亿元")
    assert {c.kind for c in with_base.rows[0].cells if c.year == 2017} == {"baseline"}


def test_default_shows_metrics_shared_by_two_plans(store: Store, ids: dict[str, int]) -> None:
    shared = compare_targets(store)
    assert [r.metric for r in shared.rows] == ["人工智能核心产业规模", "带动相关产业规模"]
    everything = compare_targets(store, min_plans=1)
    guangzhou = next(r for r in everything.rows if r.metric == "人工智能产业规模")
    assert [(c.plan, c.year, c.value_norm, c.unit, c.written) for c in guangzhou.cells] == [
        (ids["001"], 2022, 1200, "亿元", "超过1200亿元")  # traditional script read as simplified
    ]
    assert "龙头企业" in {r.metric for r in everything.rows}


def test_plans_in_memory_and_filter(store: Store, ids: dict[str, int]) -> None:
    docs = [PlanDoc.of(pid, store.load_document(pid)) for pid in ids.values()]
    report = compare_targets(docs, "核心产业规模", plans=[ids["000"]], min_plans=1)
    assert {c.plan for c in report.rows[0].cells} == {ids["000"]}


def test_rows_for_csv(store: Store) -> None:
    rows = compare_targets(store).to_rows()
    assert rows and {"metric", "unit_norm", "plan", "year", "written", "value_norm", "section", "span", "quote"} <= set(rows[0])
