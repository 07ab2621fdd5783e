"""compare reuse: a hand-built pair of plans with known copied and edited passages, the
MinHash/LSH machinery, and reuse between the samples that was checked by reading them."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from luodi.analysis import PlanRef, PlanText, ReuseParams, compare_reuse, compare_reuse_pair, find_reuse
from luodi.analysis.minhash import LshParams, candidate_pairs, estimated_jaccard, signatures
from luodi.analysis.reuse import compare_pair, normalise
from luodi.clean.mapped import MappedText
from luodi.store import Store

# A provincial plan (A), written for this test.
A = [
    "建设全省统一的智能算力调度平台，统筹超算中心和数据中心资源，为中小企业提供普惠算力服务。",
    "支持高校和科研院所围绕类脑计算、群体智能等方向开展基础理论研究，力争在若干前沿领域取得原创性突破。",
    "实施智能传感器强基工程，重点突破微机电系统传感器的设计、制造和封装测试技术，培育一批专精特新企业。",
    "推动人工智能技术在三甲医院的辅助诊断、病历质控和医学影像分析中规模化应用，建设智慧医院示范点。",
    "开放城市交通、公共安全等领域的公共数据资源，建立数据分级分类开放目录，鼓励企业开展数据增值开发。",
    "鼓励金融机构开发知识产权质押融资产品，对人工智能初创企业的首笔贷款给予贴息支持。",
    "建立人工智能伦理审查委员会，制定算法备案和安全评估办法，防范算法歧视和深度伪造等风险。",
    "依托职业院校建设人工智能实训基地，每年培训应用型技术技能人才一万人次以上。",
    "在港口、机场和物流园区部署无人搬运车和智能分拣系统，打造智慧物流应用示范场景。",
    "编制人工智能产业地图，引导龙头企业在省内布局区域总部和研发中心，形成错位发展的产业格局。",
    "推进农业生产全过程智能化，推广病虫害智能识别、精准灌溉和农机自动驾驶等技术。",
    "组织开展人工智能创新大赛和产品展览，营造全社会关注和支持人工智能发展的良好氛围。",
    "加快第五代移动通信网络和千兆光网建设，实现重点园区和交通枢纽的网络全覆盖。",
    "支持企业参与制定人工智能国际标准和国家标准，对主导制定标准的企业给予一次性奖励。",
]
# A city plan (B): five passages of A verbatim, five with a few characters changed, six of its own.
B = [
    "建设全市统一的智能算力调度平台，统筹超算中心和数据中心资源，为中小企业提供普惠算力服务。",  # A0: 省→市
    "打造滨海湾人工智能产业园，配套建设人才公寓和国际学校，吸引海外高层次团队落户。",
    "支持高校和科研院所围绕类脑计算、群体智能等方向开展基础理论研究，力争在若干前沿领域取得重大突破。",  # A1
    "实施智能传感器强基工程，重点突破微机电系统传感器的设计、制造和封装测试技术，培育一批专精特新企业。",  # A2
    "推动智能网联汽车在城市开放道路开展测试，逐步扩大自动驾驶出租车的运营范围。",
    "推动人工智能技术在三甲医院的辅助诊断、病历质控和医学影像分析中广泛应用，建设智慧医院试点。",  # A3
    "开放城市交通、公共安全等领域的公共数据资源，建立数据分级分类开放目录，鼓励企业开展数据增值开发。",  # A4
    "建设工业互联网标识解析二级节点，推动规模以上工业企业设备上云。",
    "建立人工智能伦理审查委员会，制定算法备案和安全评估办法，防范算法歧视和深度伪造等风险。",  # A6
    "依托职业院校建设人工智能实训基地，每年培训应用型技术技能人才五千人次以上。",  # A7: 一万→五千
    "支持文化旅游企业运用虚拟现实技术开发沉浸式体验项目，提升景区服务水平。",
    "在港口、机场和物流园区部署无人搬运车和智能分拣系统，打造智慧物流应用示范场景。",  # A8
    "设立市级人工智能产业引导基金，首期规模五十亿元，重点投向种子期和初创期企业。",
    "组织开展人工智能创新大赛和产品展览，营造全社会关注和支持人工智能发展的良好氛围。",  # A11
    "将人工智能纳入中小学信息科技课程，每所学校至少配备一名专职教师。",
    "支持本市企业参与制定人工智能国际标准和国家标准，对主导制定标准的企业给予一次性资助。",  # A13
]
COPIED = {(0, 0), (1, 2), (2, 3), (3, 5), (4, 6), (6, 8), (7, 9), (8, 11), (11, 13), (13, 15)}  # (A, B) indices
VERBATIM = {(2, 3), (4, 6), (6, 8), (8, 11), (11, 13)}
# A third plan on other subjects.
C = [
    "推进政务服务一网通办，实现高频事项全程网上办理和跨省通办。",
    "建设城市生命线安全监测系统，对燃气、桥梁和供水管网实施实时感知和预警。",
    "鼓励生物医药企业利用人工智能开展药物分子筛选，缩短新药研发周期。",
    "构建碳排放智能监测平台，服务重点行业节能降碳和绿色转型。",
]


def plan(plan_id: int, passages: list[str], issued: str) -> PlanText:
    """One section per passage, numbered from 0."""
    text = "\n".join(passages)
    secs, pos = [], 0
    for i, p in enumerate(passages):
        secs.append((str(i), pos, pos, pos + len(p)))
        pos += len(p) + 1
    ref = PlanRef(plan_id, f"plan {plan_id}", None, "city", issued)
    return PlanText(ref, text, MappedText.identity(text), tuple(secs))


def found_pairs(pair: Any) -> set[tuple[int, int]]:
    return {(int(p.a.section), int(p.b.section)) for p in pair.passages}


def test_recall_of_copied_passages_and_no_false_pairs() -> None:
    a, b = plan(1, A, "2018-07-01"), plan(2, B, "2020-02-01")
    pair = compare_pair(a, b)
    found = found_pairs(pair)
    recall = len(found & COPIED) / len(COPIED)
    print(f"\nreuse: recall {recall:.2f} of {len(COPIED)} copied passages, {len(found - COPIED)} false pairs")
    assert recall >= 0.9
    assert found <= COPIED, f"false pairs: {found - COPIED}"
    for p in pair.passages:
        key = (int(p.a.section), int(p.b.section))
        if key in VERBATIM:
            assert p.ratio == 1.0 and p.a.text == p.b.text
        else:
            assert 0.7 <= p.ratio < 1.0
    assert pair.share_b > 0.5


def test_unrelated_plan_pairs_with_nothing() -> None:
    report = find_reuse([plan(1, A, "2018-07-01"), plan(2, B, "2020-02-01"), plan(3, C, "2021-01-01")])
    assert [(p.a.id, p.b.id) for p in report.pairs] == [(1, 2)]
    # nor does B's own text pair with A's passages that B left out
    assert not any(int(p.b.section) in {1, 4, 7, 10, 12, 14} for p in report.pairs[0].passages)


def test_earlier_plan_on_the_left_and_pair_order_kept() -> None:
    a, b = plan(1, A, "2018-07-01"), plan(2, B, "2020-02-01")
    (pair,) = find_reuse([b, a]).pairs
    assert (pair.a.id, pair.b.id) == (1, 2)  # the earlier plan is the likely source
    swapped = compare_pair(b, a)  # A B as asked
    assert (swapped.a.id, swapped.b.id) == (2, 1)
    assert {(y, x) for x, y in found_pairs(swapped)} == found_pairs(compare_pair(a, b))


def test_spans_point_at_the_passages() -> None:
    pair = compare_pair(plan(1, A, "2018"), plan(2, B, "2020"))
    a_text, b_text = "\n".join(A), "\n".join(B)
    for p in pair.passages:
        assert a_text[p.a.span[0] : p.a.span[1]] == p.a.text
        assert b_text[p.b.span[0] : p.b.span[1]] == p.b.text


def test_boilerplate_in_many_plans_is_skipped() -> None:
    formula = "深入贯彻落实创新驱动发展战略，加快建设具有全球影响力的科技创新中心，"
    # twelve plans with their own text (A's passages), sharing the formula, then the formula
    # with one character changed in each plan (a near-copy everywhere is still boilerplate)
    plans = [plan(i + 1, [formula + A[i]], f"20{10 + i}") for i in range(12)]
    assert find_reuse(plans, ReuseParams(max_plans=10)).pairs == []
    variants = [plan(i + 1, [formula.replace("全球", "全" + "国宇洲域市区县镇乡村港湾"[i]) + A[i]], "2020") for i in range(12)]
    assert find_reuse(variants, ReuseParams(max_plans=10)).pairs == []
    assert len(find_reuse(plans[:3]).pairs) == 3  # in three plans it is reuse


# -- the machinery ----------------------------------------------------------------------------
def test_minhash_estimates_jaccard() -> None:
    rng = random.Random(1)
    texts_a, texts_b, true = [], [], []
    pool = "".join(A + B)
    for _ in range(400):
        s = rng.choice(A + B + C)
        t = list(s)
        for _ in range(rng.randrange(0, len(s) // 2)):
            t[rng.randrange(len(t))] = rng.choice(pool)
        texts_a.append(s)
        texts_b.append("".join(t))
        sa, sb = ({x[i : i + 4] for i in range(len(x) - 3)} for x in (s, "".join(t)))
        true.append(len(sa & sb) / len(sa | sb))
    params = LshParams()
    sig = signatures(texts_a + texts_b, params)
    pairs = np.array([[i, i + len(texts_a)] for i in range(len(texts_a))], dtype=np.int64)
    est = estimated_jaccard(sig, pairs)
    assert abs(est - np.array(true)).mean() < 0.05


def test_lsh_pairs_near_duplicates_only() -> None:
    texts = [normalise(x) for x in A + C] + [normalise(B[0]), normalise(B[9])]
    pairs = {tuple(p) for p in candidate_pairs(signatures(texts, LshParams()), LshParams()).tolist()}
    n = len(A) + len(C)
    assert (0, n) in pairs and (7, n + 1) in pairs
    assert not {(i, j) for i, j in pairs if j < n}  # the distinct passages never collide


def test_signatures_need_enough_characters() -> None:
    with pytest.raises(ValueError):
        signatures(["短"], LshParams())


# -- the samples ------------------------------------------------------------------------------


def _has(pair: Any, left: str, right: str, sections: tuple[str, str]) -> bool:
    return any(normalise(left) in normalise(p.a.text) and normalise(right) in normalise(p.b.text)
               and (p.a.section, p.b.section) == sections for p in pair.passages)


def test_shenzhen_2019_follows_the_provincial_plan(store: Store, ids: dict[str, int]) -> None:
    pair = compare_reuse_pair(store, ids["002"], ids["000"])
    # read in both texts: the same clauses, the city's numbers and place names changed
    assert _has(pair, "实现金融服务的智能化、个性化、定制化", "实现金融服务的智能化、个性化、定制化", ("4.6.12", "3.1"))
    assert _has(pair, "开发数字化医疗影像设备、分析系统、诊断系统、健康检测系统等智能医疗设备",
                "开发数字化医疗影像设备、分析系统、诊断系统、健康检测系统等智能医疗设备", ("4.6.10", "2.2"))
    assert _has(pair, "人工智能核心产业规模突破500亿元，带动相关产业规模达到3000亿元",
                "人工智能核心产业规模突破100亿元，带动相关产业规模达到3000亿元", ("2.3.1", "preamble"))
    assert _has(pair, "加快微型无人机、智能无人机等产品开发和产业化", "加快微型无人机、工业级智能无人机等产品开发和产业化",
                ("4.6.4", "2.2"))
    assert _has(pair, "部分技术与应用研究达到世界先进水平，开放创新平台成为引领人工智能发展的标杆",
                "部分技术与应用研究达到世界先进水平，开放创新平台成为引领人工智能发展的标杆", ("2.3.2", "preamble"))


def test_guangzhou_follows_the_provincial_plan_in_traditional_script(store: Store, ids: dict[str, int]) -> None:
    pair = compare_reuse_pair(store, ids["002"], ids["001"])
    assert _has(pair, "加强人工智能法治保障、隐私和产权保护、信息安全以及伦理道德研究",
                "加強人工智能法治保障、隱私和產權保護、信息安全以及倫理道德研究", ("6.8", "3.5"))
    assert _has(pair, "实施高新技术企业树标提质行动", "實施高新技術企業樹標提質行動", ("5.3", "2.3.1"))
    side = next(p.b for p in pair.passages if p.b.section == "3.5")
    assert "倫理道德" in side.text  # shown as the plan writes it


def test_store_wide_top_pair(store: Store, ids: dict[str, int]) -> None:
    report = compare_reuse(store)
    top = report.pairs[0]
    assert (top.a.id, top.b.id) == (ids["002"], ids["000"])  # province 2018 → Shenzhen 2019
    assert top.share_b > 0.05
    for pair in report.pairs:
        for p in pair.passages:  # responsibility clauses (（责任单位：…）) are never "reuse"
            assert "单位" not in p.a.text and "單位" not in p.a.text
    raw = store.load_document(ids["000"]).raw.text
    p = next(p for p in top.passages if p.b.section == "3.1")
    assert "".join(raw[p.b.span[0] : p.b.span[1]].split()) == "".join(p.b.text.split())
