"""The 16 real documents of ../shared/corpus: each reads without error, with its own
metadata understood (not left in the body) and a sensible outline.  The expected values
come from the corpus's SOURCES.md, written by hand by whoever collected the files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conftest import corpus_dir
from luodi.parse import parse_file

CORPUS = corpus_dir()
FILES = sorted(CORPUS.glob("*.txt")) if CORPUS else []
pytestmark = pytest.mark.skipif(not FILES, reason="../shared/corpus is not beside the repository")

# file prefix: (document number, signing date, articles 第X条, chapters 第X章)
EXPECTED = {
    "01": ("渝经信规范〔2025〕13号", "2025-12-30", 0, 0),
    "02": ("津工信电力〔2021〕3号", "2021-02-02", 0, 0),
    "03": ("川发改价格〔2025〕480号", "2025-09-29", 0, 0),
    "04": ("发改能源规〔2020〕816号", "2020-05-28", 0, 0),
    "05": ("国务院令第693号", "2017-12-25", 26, 5),
    "06": ("国信办通字〔2025〕2号", "2025-03-07", 14, 0),
    "07": ("国市监质监发〔2025〕107号", "2025-12-16", 0, 0),
    "08": ("国办函〔2026〕12号", "2026-01-25", 26, 0),
    "09": (None, "2025-12-25", 0, 0),
    "10": (None, "2025-12-25", 0, 0),
    "11": ("第173号", "2025-05-19", 16, 0),
    "12": ("工信部科〔2025〕131号", "2025-06-07", 29, 7),
    "13": ("工信部科〔2025〕261号", "2025-12-05", 22, 6),
    "14": ("工信厅联科函〔2025〕272号", "2025-06-27", 0, 0),
    "15": ("工厅科〔2023〕210号", "2023-03-20", 0, 0),
    "16": ("工信厅联科函〔2022〕265号", "2022-10-14", 0, 0),
}
CHROME = ("版权所有", "返回顶部", "ICP备", "设为首页", "扫一扫", "【打印】", "索引号", "发文字号")


@pytest.fixture(scope="module", params=FILES, ids=lambda p: p.name[:2])
def parsed(request: pytest.FixtureRequest) -> tuple[Path, dict]:
    return request.param, parse_file(request.param).to_json()


def test_corpus_document_number_and_date(parsed: tuple[Path, dict]) -> None:
    path, doc = parsed
    number, issued, _, _ = EXPECTED[path.name[:2]]
    if number is None:
        assert doc["doc_number"] is None
    else:
        assert doc["doc_number"] and doc["doc_number"].endswith(number)
    assert doc["issued"] == issued


def test_corpus_outline_counts(parsed: tuple[Path, dict]) -> None:
    path, doc = parsed
    _, _, articles, chapters = EXPECTED[path.name[:2]]
    kinds = Counter(s["kind"] for s in doc["sections"])
    assert kinds["article"] == articles
    assert sum(1 for s in doc["sections"] if (s["label"] or "").endswith("章")) == chapters
    assert kinds["heading"] + kinds["article"] >= 3


def test_corpus_title_issuers_and_no_chrome_in_sections(parsed: tuple[Path, dict]) -> None:
    _, doc = parsed
    assert doc["title"] and 6 <= len(doc["title"]) <= 80
    assert doc["issuers"], "issuers"
    assert doc["region"] is not None
    body = "".join((s["heading"] or "") + s["text"] for s in doc["sections"])
    assert not [w for w in CHROME if w in body]


def test_corpus_sections_nest_and_point_into_the_source(parsed: tuple[Path, dict]) -> None:
    path, doc = parsed
    ids = {s["id"]: s for s in doc["sections"]}
    source_len = len(path.read_text("utf-8"))
    for s in doc["sections"]:
        assert s["parent"] is None or ids[s["parent"]]["level"] == s["level"] - 1
        assert 0 <= s["span"][0] <= s["span"][1] <= source_len


def test_corpus_article_documents_number_articles_in_order() -> None:
    path = next(p for p in FILES if p.name.startswith("12"))
    articles = [s["label"] for s in parse_file(path).to_json()["sections"] if s["kind"] == "article"]
    assert articles[:3] == ["第一条", "第二条", "第三条"] and articles[-1] == "第二十九条"
