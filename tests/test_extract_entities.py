"""Entities: vocabulary names and pattern names, with exact spans, on hand-picked sentences
and on the sample plans."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from conftest import seeds_dir
from luodi.document import Document, RawDocument
from luodi.extract.entities import (
    ENTITY_TYPES,
    ENV_VAR,
    VocabularyError,
    extract_entities,
    find_mentions,
    load_vocabulary,
    parse_vocabulary,
)
from luodi.parse import parse_raw

SEED_002 = "002_a00c6e015d82c471.txt"
SEED_001 = "001_2816aa66fa54ffe7.txt"


def _doc(text: str, source: str = "test.txt") -> Document:
    raw = RawDocument(source, "text", text, hashlib.sha256(text.encode()).hexdigest())
    doc = parse_raw(raw)
    extract_entities(doc)
    return doc


@cache
def _seed(name: str) -> Document:
    return _doc((seeds_dir() / name).read_bytes().decode("utf-8"), name)


def _seed_names() -> list[str]:
    return sorted(p.name for p in seeds_dir().glob("*.txt"))


def _found(text: str) -> list[tuple[str, str, str]]:
    """(text as written, canonical name, type) of every mention in ``text``."""
    return [(text[m.start : m.end], m.name, m.type) for m in find_mentions(text, load_vocabulary())]


def _named(doc: Document, name: str) -> list[dict[str, Any]]:
    return [e for e in doc.entities if e["name"] == name]


# -- the sample plans ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("腾讯", "enterprise"),
        ("华为", "enterprise"),
        ("科大讯飞", "enterprise"),
        ("大疆", "enterprise"),
        ("中山大学", "university"),
        ("华南理工大学", "university"),
        ("仲恺农业工程学院", "university"),
        ("国家超级计算广州中心", "institute"),
        ("广东省智能机器人研究院", "institute"),
        ("松山湖高新区", "park"),
        ("肇庆高新区", "park"),
        ("粤港澳大湾区", "place"),
        ("深度学习", "technology"),
        ("计算机视觉", "technology"),
    ],
)
def test_seed_002_finds_known_entities(name: str, kind: str) -> None:
    doc = _seed(SEED_002)
    hits = _named(doc, name)
    assert hits, f"{name} not found"
    for hit in hits:
        assert hit["type"] == kind
        assert hit["text"] == name  # a simplified-script plan: written as named
        start, end = hit["span"]
        assert doc.raw.text[start:end] == hit["quote"] == name


def test_seed_002_longest_match_wins() -> None:
    doc = _seed(SEED_002)
    centre = _named(doc, "国家超级计算广州中心")
    assert len(centre) == 3
    for hit in centre:
        start, end = hit["span"]
        inside = [e for e in doc.entities if start <= e["span"][0] < end and e is not hit]
        assert inside == []  # no 广州 inside it
    # 腾讯人工智能实验室 and 华为诺亚方舟实验室 are labs, found by the pattern around the name
    labs = {e["name"] for e in doc.entities if e["type"] == "institute"}
    assert {"腾讯人工智能实验室", "华为诺亚方舟实验室", "广东省现代农业装备研究所"} <= labs


def test_seed_002_generic_phrases_are_not_entities() -> None:
    doc = _seed(SEED_002)
    assert "一批人工智能产业园区" in doc.text and "人工智能重点实验室、新型研发机构" in doc.text
    for e in doc.entities:
        if e["type"] in ("university", "institute", "park", "enterprise"):
            for generic in ("一批", "重点实验室", "新型研发机构", "人工智能小镇", "一流大学", "人工智能学院"):
                assert generic not in e["text"], e


def test_seed_001_traditional_script_matches_and_reports_text_as_written() -> None:
    doc = _seed(SEED_001)
    xunfei = _named(doc, "科大讯飞")
    assert [e["text"] for e in xunfei] == ["科大訊飛"]
    assert xunfei[0]["quote"] == "科大訊飛" == doc.raw.text[slice(*xunfei[0]["span"])]
    centre = _named(doc, "国家超级计算广州中心")
    assert [e["text"] for e in centre] == ["國家超算廣州中心"]
    park = _named(doc, "广州北斗产业园")
    assert [(e["type"], e["text"]) for e in park] == [("park", "廣州北斗產業園")]
    assert {"云从科技", "佳都科技", "欧派家居"} <= {e["name"] for e in doc.entities if e["type"] == "enterprise"}


@pytest.mark.parametrize("name", _seed_names())
def test_every_span_is_its_quote_and_mentions_do_not_overlap(name: str) -> None:
    doc = _seed(name)
    assert doc.entities
    previous_end = -1
    for e in doc.entities:
        assert set(e) == {"name", "type", "text", "section", "span", "quote"}
        assert e["type"] in ENTITY_TYPES
        start, end = e["span"]
        assert doc.raw.text[start:end] == e["quote"]
        assert start >= previous_end, e  # in order, never overlapping
        previous_end = end


@pytest.mark.parametrize("name", _seed_names())
def test_section_is_the_smallest_one_containing_the_mention(name: str) -> None:
    doc = _seed(name)
    by_id = {s.id: s for s in doc.sections}
    in_a_section = [e for e in doc.entities if e["section"] is not None]
    assert in_a_section
    for e in in_a_section:
        sec = by_id[e["section"]]
        s0, s1 = doc.source_span(sec.start, sec.end)
        assert s0 <= e["span"][0] < s1, (e, sec)
        for child in (c for c in doc.sections if c.parent == sec.id):
            c0, c1 = doc.source_span(child.start, child.end)
            assert not c0 <= e["span"][0] < c1, (e, child)


def test_seed_002_section_of_a_mention() -> None:
    doc = _seed(SEED_002)
    by_id = {s.id: s for s in doc.sections}
    xunfei = _named(doc, "科大讯飞")
    assert [by_id[e["section"]].heading for e in xunfei] == ["打造若干人工智能开放创新平台"]


# -- hand-picked sentences -----------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "建设一批人工智能产业园，建成15个以上人工智能核心产业园，10个以上人工智能小镇。",
        "创建一批国家级或省级人工智能重点实验室、新型研发机构、工程（技术）研究开发中心。",
        "支持省内高校设立人工智能学院或研究院，共建5家以上人工智能联合实验室。",
        "鼓励高校与海外高水平大学、世界一流大学科研中心合作，引导大学生创业。",
        "建设人工智能特色产业园，打造智慧教育示范区，支持有条件的高新区、特色小镇。",
        "借助知名猎头公司，培育社会化专业公司，推动教育集团发展，加盖公司公章。",
        "建设广东省重点实验室和深圳市工程研究中心，打造先行示范区。",
    ],
)
def test_generic_phrases_are_not_entities(sentence: str) -> None:
    organisations = [f for f in _found(sentence) if f[2] in ("university", "institute", "park", "enterprise")]
    assert organisations == []


def test_pattern_names_with_proper_stems() -> None:
    found = _found(
        "支持华南农业大学、仲恺农业工程学院、广东省现代农业装备研究所等高校院所。"
        "汕尾重点建设汕尾高新区，东莞重点建设滨海湾新区。以及腾讯人工智能实验室、锦泰保险公司。"
    )
    assert ("仲恺农业工程学院", "仲恺农业工程学院", "university") in found
    assert ("广东省现代农业装备研究所", "广东省现代农业装备研究所", "institute") in found
    assert ("汕尾高新区", "汕尾高新区", "park") in found
    assert ("滨海湾新区", "滨海湾新区", "park") in found
    assert ("腾讯人工智能实验室", "腾讯人工智能实验室", "institute") in found
    assert ("锦泰保险公司", "锦泰保险公司", "enterprise") in found
    assert ("华南农业大学", "华南农业大学", "university") in found


def test_a_verb_before_a_pattern_name_is_not_swallowed() -> None:
    found = _found("支持深圳职业技术学院建设，组建成都人工智能产业技术研究院。")
    assert [f[0] for f in found if f[2] != "technology"] == ["深圳职业技术学院", "成都人工智能产业技术研究院"]


def test_company_suffix_after_a_known_enterprise_is_that_enterprise() -> None:
    found = _found("推动腾讯公司与华为技术有限公司合作。")
    assert found == [("腾讯公司", "腾讯", "enterprise"), ("华为技术有限公司", "华为", "enterprise")]


def test_longest_match_wins_over_the_place_inside() -> None:
    assert _found("依托国家超级计算广州中心和广州。") == [
        ("国家超级计算广州中心", "国家超级计算广州中心", "institute"),
        ("广州", "广州市", "place"),
    ]


def test_word_start_aliases_and_latin_names_respect_their_context() -> None:
    assert _found("智能家居方面，美的智慧家居平台成效显著。") == [("美的", "美的集团", "enterprise")]
    assert _found("体现完美的设计。") == []
    # Latin names stop at Latin neighbours: 15G is not 5G, SMR is not MR.
    assert [f[0] for f in _found("推动15G与5G融合，发展MR和VR/AR，SMR除外。")] == ["5G", "MR", "VR", "AR"]


def test_a_place_does_not_take_the_first_character_of_the_next_word() -> None:
    assert _found("开拓深圳市场，服务深圳市民，建设深圳市。") == [
        ("深圳", "深圳市", "place"),
        ("深圳", "深圳市", "place"),
        ("深圳市", "深圳市", "place"),
    ]


def test_stop_phrases_and_ambiguous_aliases_are_not_places() -> None:
    assert _found("天河二号排名第二，世界大同，长治久安，发展朝阳产业。") == []
    assert _found("天河区和大同市。") == [("天河区", "天河区", "place"), ("大同市", "大同市", "place")]


# -- the vocabulary ------------------------------------------------------------------------


def test_builtin_vocabulary_covers_each_type() -> None:
    data = (Path(__file__).resolve().parents[1] / "src/luodi/data/entities.tsv").read_text("utf-8")
    assert data.startswith("name\ttype\taliases\n")
    rows = parse_vocabulary(data)
    counts = {kind: sum(1 for r in rows if r[1] == kind) for kind in ENTITY_TYPES}
    assert counts["enterprise"] >= 80 and counts["technology"] >= 80, counts
    assert min(counts[k] for k in ("university", "institute", "park")) >= 20, counts
    vocab = load_vocabulary()
    assert vocab.get("科大讯飞") == vocab.get("讯飞") == vocab.get("科大訊飛")
    assert vocab.get("广州") is not None and vocab.get("广州").name == "广州市"  # type: ignore[union-attr]


def test_user_file_adds_and_overrides_entities(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sentence = "支持星河智造与腾讯合作，建设人工智能平台。"
    assert ("星河智造", "星河智造科技", "enterprise") not in _found(sentence)
    extra = tmp_path / "mine.tsv"
    # The user file adds a company and turns the built-in stop phrase 人工智能 back into a technology.
    extra.write_text("name\ttype\taliases\n# my additions\n星河智造科技\tenterprise\t星河智造\n人工智能\ttechnology\t\n", "utf-8")
    vocab = load_vocabulary(extra)
    found = [(sentence[m.start : m.end], m.name, m.type) for m in find_mentions(sentence, vocab)]
    assert found == [
        ("星河智造", "星河智造科技", "enterprise"), ("腾讯", "腾讯", "enterprise"), ("人工智能", "人工智能", "technology"),
    ]

    monkeypatch.setenv(ENV_VAR, str(extra))
    doc = _doc(sentence)
    expected = [("星河智造", "星河智造科技"), ("腾讯", "腾讯"), ("人工智能", "人工智能")]
    assert [(e["text"], e["name"]) for e in doc.entities] == expected
    monkeypatch.delenv(ENV_VAR)
    assert [e["name"] for e in _doc(sentence).entities] == ["腾讯"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name\ttype\taliases\n星河智造\tcompany\t\n", "unknown type"),
        ("name\ttype\taliases\n星\tenterprise\t\n", "two characters"),
        ("name\ttype\taliases\n星河智造\n", "expected name"),
    ],
)
def test_bad_user_file_is_reported(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text(content, "utf-8")
    with pytest.raises(VocabularyError, match=message):
        load_vocabulary(bad)
    with pytest.raises(VocabularyError, match="cannot read"):
        load_vocabulary(tmp_path / "missing.tsv")
