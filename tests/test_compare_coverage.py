"""compare coverage: plans × topics on the samples, expectations counted by hand from the texts."""

from __future__ import annotations

from luodi.analysis import compare_coverage, topics
from luodi.extract.unit_clauses import strip_unit_clauses
from luodi.store import Store


def _sections(store: Store, ids: dict[str, int], topic: str) -> dict[str, set[str]]:
    report = compare_coverage(store, topic=topic)
    by_id = {v: k for k, v in ids.items()}
    return {by_id[p.id]: {h.link.section or "" for h in report.cell(topic, p.id).hits} for p in report.plans}


def test_taxonomy_is_maintained() -> None:
    names = [t.name for t in topics()]
    assert len(names) >= 25 and len(set(names)) == len(names)
    for needed in ("智能制造", "智能医疗", "智能交通", "智能网联汽车", "大模型", "算力", "数据要素", "具身智能/人形机器人",
                   "低空经济", "智能芯片", "智能传感器", "机器人", "开源", "人才", "伦理与安全", "标准", "知识产权",
                   "智能家居", "元宇宙/虚拟现实"):
        assert needed in names
    assert all(t.keywords for t in topics())


def test_large_models_only_in_the_2023_plan(store: Store, ids: dict[str, int]) -> None:
    # 003 （四）通用大模型…（五）大模型企业…（十四）通用大模型; none of the 2018–2020 plans
    assert _sections(store, ids, "大模型") == {"000": set(), "001": set(), "002": set(), "003": {"2.1", "2.2", "5.2"},
                                               "004": set()}
    report = compare_coverage(store, topic="大模型")
    cell = report.cell("大模型", ids["003"])
    assert (cell.sections, cell.mentions) == (3, 8)


def test_low_altitude_and_embodied_ai(store: Store, ids: dict[str, int]) -> None:
    # （十二）…低空智能融合基础设施…低空经济; the annex's last, cut-off row 低空智能融合基础设
    assert _sections(store, ids, "低空经济")["003"] == {"4.4", "annex1"}
    # （四）具身智能机器人…人形机器人制造业创新中心; （五）人形机器人规模化应用
    assert _sections(store, ids, "具身智能/人形机器人")["003"] == {"2.1", "2.2"}
    assert sum(len(v) for v in _sections(store, ids, "低空经济").values()) == 2


def test_computing_power_in_the_2023_plan(store: Store, ids: dict[str, int]) -> None:
    # 一、强化智能算力集群供给 and （一）–（三）, （四）智能算力芯片, （八）鹏城云脑…低成本智能算力资源
    assert _sections(store, ids, "算力")["003"] == {"1", "1.1", "1.2", "1.3", "2.1", "3.3"}


def test_traditional_script_plan_matches(store: Store, ids: dict[str, int]) -> None:
    # Guangzhou is written in traditional script: 區塊鏈 only in 9.提升企業核心競爭力, 開源 only in 10.
    assert _sections(store, ids, "区块链")["001"] == {"2.3.3"}
    assert _sections(store, ids, "开源")["001"] == {"2.4.1"}


def test_excluded_phrases_do_not_count(store: Store, ids: dict[str, int]) -> None:
    # 000 §4.2 only has 标准测试数据集 — a data set, not a standard
    assert _sections(store, ids, "标准")["000"] == {"4.3", "6", "11"}


def test_responsibility_clause_is_not_text() -> None:
    assert strip_unit_clauses("加强数据开放。（责任单位：市教育局、市金融监管局）") == "加强数据开放。"
    assert strip_unit_clauses("建设平台。［牵头单位：市科技局；责任单位：市发改委］") == "建设平台。"
    assert strip_unit_clauses("建设平台。（市科技局牵头，市教育局配合）") == "建设平台。"
    education = next(t for t in topics() if t.name == "智能教育")
    assert education.matches(strip_unit_clauses("建设开源平台。（责任单位：市教育局）")) == []


def test_links_and_rows(store: Store, ids: dict[str, int]) -> None:
    report = compare_coverage(store, group="新兴赛道")
    assert {t.group for t in report.topics} == {"新兴赛道"}
    hit = report.cell("大模型", ids["003"]).hits[0]
    raw = store.load_document(ids["003"]).raw.text
    a, b = hit.link.span or (0, 0)
    assert "大模型" in raw[a:b] and hit.words == {"大模型": 3}
    rows = report.to_rows()
    assert len(rows) == len(report.topics) * len(report.plans)
    row = next(r for r in rows if r["topic"] == "大模型" and r["plan"] == ids["003"])
    assert (row["sections"], row["section_ids"]) == (3, "2.1 2.2 5.2")
    data = report.to_json()
    assert data["topics"][0]["plans"][str(ids["003"])]["sections"] == 3
