"""Search over the sample plans, on real SQLite files: Chinese-aware matching, query
language, synonyms, ranking, snippets, facets, filters, index freshness and the CLI.

Expected result sets are computed by brute force — a substring test on the simplified
view of every section, target and scenario — so they do not depend on the index."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import luodi.cli.search  # noqa: F401  (registers the command)
from luodi.cli import app
from luodi.operations import ingest, sample_paths
from luodi.search import (
    Filters,
    SearchResult,
    index_plan,
    parse,
    rebuild,
    remove_plan,
    search,
    service,
    snippets,
    synonyms,
)
from luodi.search.backend import doc_key, fts_query
from luodi.search.docs import IndexDoc, load_plan
from luodi.search.query import And, Or, Term, Words
from luodi.search.tokens import index_tokens, normalize
from luodi.store import Store

# -- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(store: Store) -> list[tuple[int, IndexDoc]]:
    with store.engine.connect() as conn:
        loaded = [(p.id, load_plan(conn, p.id)) for p in store.list_plans()]
    return [(pid, d) for pid, found in loaded if found for d in found[1]]


def run(store: Store, query: str, **filters: object) -> SearchResult:
    return search(store.engine, query, Filters(**filters), limit=200)  # type: ignore[arg-type]


def keys(result: SearchResult) -> set[int]:
    return {h.key for h in result.hits}


def brute(corpus: list[tuple[int, IndexDoc]], test: Callable[[str], bool]) -> set[int]:
    """Documents whose simplified heading or body passes ``test`` (given "heading\\nbody")."""
    return {doc_key(pid, d.kind, d.ord) for pid, d in corpus if test(normalize(d.head) + "\n" + normalize(d.body))}


def has(word: str) -> Callable[[str], bool]:
    return lambda text: word in text


# -- Chinese-aware matching ---------------------------------------------------------------
def test_two_character_query_ranks_the_section_about_it_first(store: Store, ids: dict[str, int]) -> None:
    result = run(store, "算力")
    top = [(h.plan.id, h.section) for h in result.hits[:4]]
    # 003's 一、强化智能算力集群供给 and its three sub-sections, each headed by 算力.
    assert top[0] == (ids["003"], "1") and result.hits[0].title == "强化智能算力集群供给"
    assert set(top) == {(ids["003"], s) for s in ("1", "1.1", "1.2", "1.3")}
    assert all("算力" not in h.title for h in result.hits[4:])  # the rest mention it in the body only


@pytest.mark.parametrize("word", ["算力", "场景", "数据", "AI", "大模型"])
def test_words_find_exactly_the_documents_containing_them(store: Store, corpus: list, word: str) -> None:
    result = run(store, word)
    names = [normalize(n) for n in synonyms.load().expand(word)]  # AI ≈ 人工智能 …
    expected = brute(corpus, lambda text: any(n in text for n in names))
    assert expected and keys(result) == expected and result.total == len(expected)


def test_two_character_query_场景_finds_both_scripts_and_headings_first(store: Store, ids: dict[str, int]) -> None:
    result = run(store, "场景")
    assert (ids["001"], "2.5") in {(h.plan.id, h.section) for h in result.hits}  # 應用場景拓展行動
    heading_hits = [i for i, h in enumerate(result.hits) if "场景" in normalize(h.title)]
    body_only = [i for i, h in enumerate(result.hits) if "场景" not in normalize(h.title)]
    assert heading_hits and body_only and max(heading_hits[:5]) < min(body_only)


def test_one_character_query(store: Store, corpus: list) -> None:
    result = run(store, "算")
    expected = brute(corpus, has("算"))
    assert keys(result) == expected
    assert any("算法" in normalize(h.snippet) for h in result.hits)  # 算 inside longer words too
    assert len(expected) > len(brute(corpus, has("算力")))


def test_simplified_query_finds_traditional_text(store: Store, ids: dict[str, int]) -> None:
    result = run(store, "数据开放")
    hit = next(h for h in result.hits if h.plan.id == ids["001"] and h.section == "2.4.3")
    assert hit.title == "加快數據開放共享"  # shown in the document's own script
    assert [hit.title[s:e] for s, e in hit.title_marks] == ["數據開放"]
    assert result.hits[0] is hit  # the section headed by the phrase comes first


def test_traditional_query_finds_simplified_text(store: Store, ids: dict[str, int]) -> None:
    traditional, simplified = run(store, "數據開放"), run(store, "数据开放")
    assert keys(traditional) == keys(simplified)
    assert any(h.plan.id == ids["003"] for h in traditional.hits)  # a simplified plan
    assert [h.section for h in run(store, "應用場景").hits] == [h.section for h in run(store, "应用场景").hits]


def test_snippets_mark_the_match_in_the_original_script(store: Store, ids: dict[str, int]) -> None:
    for hit in run(store, "数据开放").hits:
        assert hit.marks or hit.title_marks, hit
        for text, spans in ((hit.snippet, hit.marks), (hit.title, hit.title_marks)):
            assert all(normalize(text[s:e]) == "数据开放" for s, e in spans)
        if hit.plan.id == ids["001"]:
            assert "數據" in hit.title + hit.snippet and "数据" not in hit.title + hit.snippet  # kept traditional
    long_hits = [h for h in run(store, "数据开放").hits if h.snippet.startswith("…")]
    assert long_hits and all(len(h.snippet) <= snippets.WIDTH + 2 and h.marks for h in long_hits)  # windows on the match
    as_json = run(store, "数据开放").hits[0].to_json()
    assert "<mark>數據開放</mark>" in as_json["snippet_html"] + as_json["title_html"]


def test_long_run_is_split_into_words_and_the_exact_phrase_ranks_first(
    store: Store, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = parse("城市级智能算力平台")
    assert isinstance(parsed.node, Words) and [t.text for t in parsed.node.pieces] == ["城市", "智能", "算力", "平台"]
    result = run(store, "城市级智能算力平台")
    assert result.total > 1  # the words, not only the exact phrase …
    assert (result.hits[0].plan.id, result.hits[0].section) == (ids["003"], "1.1")  # … which ranks first
    assert result.hits[0].score > 2 * result.hits[1].score
    monkeypatch.setattr(service, "RANK_ALL", 0)  # the same when ranking candidates
    assert run(store, "城市级智能算力平台").hits[0].key == result.hits[0].key


# -- query language -------------------------------------------------------------------------
def test_phrase_versus_words(store: Store, corpus: list) -> None:
    words, phrase = run(store, "数据 开放"), run(store, '"数据开放"')
    assert keys(phrase) == brute(corpus, has("数据开放"))
    assert keys(words) == brute(corpus, lambda t: "数据" in t and "开放" in t)
    assert keys(phrase) < keys(words)
    assert keys(run(store, "“数据 开放”")) == keys(phrase)  # Chinese quotes; spaces between hanzi ignored


def test_not_excludes(store: Store, corpus: list) -> None:
    result = run(store, "算力 -平台")
    assert keys(result) == brute(corpus, lambda t: "算力" in t and "平台" not in t)
    assert 0 < result.total < run(store, "算力").total
    assert keys(run(store, "算力 NOT 平台")) == keys(result)
    assert all("平台" not in normalize(h.title + h.snippet) for h in result.hits)


def test_or_and_grouping(store: Store, corpus: list) -> None:
    result = run(store, "算力 OR 大模型")
    assert keys(result) == brute(corpus, lambda t: "算力" in t or "大模型" in t)
    grouped = run(store, "(算力 OR 大模型) 芯片")
    assert keys(grouped) == brute(corpus, lambda t: ("算力" in t or "大模型" in t) and "芯片" in t)
    assert grouped.total < result.total


def test_parser_builds_the_expected_tree() -> None:
    node = parse("算力 -平台 (芯片 OR 大模型)").node
    assert isinstance(node, And) and len(node.parts) == 2 and len(node.excluded) == 1
    assert isinstance(node.parts[1], Or)
    assert isinstance(parse('"数据 开放"').node, Term)


MALFORMED = ['"', '"算力', "AND", "OR", "NOT", "*", "算力 AND", "(算力", "算力)", ")(", "-", "--算力", "NOT NOT 算力",
             '"" OR ""', "{head}: 算力", "NEAR(算力 平台)", "算力*", "'", "\\", "算力 OR", "^算力", 'a"b', "算力 OR -平台"]


@pytest.mark.parametrize("query", MALFORMED)
def test_malformed_queries_do_not_crash(store: Store, query: str) -> None:
    result = run(store, query)
    assert result.total >= 0 and result.total == sum(result.facets["kind"].values())


def test_malformed_queries_mean_what_they_can(store: Store) -> None:
    plain = keys(run(store, "算力"))
    for query in ('"算力', "(算力", "算力)", "算力 AND", "算力*", "NOT NOT 算力"):
        assert keys(run(store, query)) == plain, query
    for query in ("AND", "*", '"', "-算力"):
        result = run(store, query)
        assert result.total == 0 and result.notes, query


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet='算力平台ab "()-*:^{}|&ORANDNOT“”', max_size=20))
def test_any_query_compiles_to_valid_fts5(query: str) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(head, body, tokenize='unicode61 remove_diacritics 0', prefix='1')")
    conn.execute("INSERT INTO t VALUES (?, ?)", (index_tokens("算力平台"), index_tokens("ab 算力")))
    node = parse(query).node
    if node is not None:
        conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (fts_query(node),)).fetchall()  # must not raise


# -- synonyms ---------------------------------------------------------------------------------
TINY = """测试市智能算力设施建设行动方案

一、建设人工智能计算中心
依托龙头企业建设人工智能计算中心，为中小企业提供普惠算力服务。

二、完善保障措施
加强组织领导，统筹推进各项工作。
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Iterator[Store]:
    (tmp_path / "tiny.txt").write_text(TINY, encoding="utf-8")
    s = Store.open(tmp_path / "tiny.db")
    ingest(s, [tmp_path / "tiny.txt"], workers=1)
    yield s
    s.close()


def test_synonyms_expand_a_word_to_its_group(tiny: Store) -> None:
    result = run(tiny, "智算中心")  # the plan only says 人工智能计算中心
    assert [h.title for h in result.hits] == ["建设人工智能计算中心"]
    assert [result.hits[0].title[s:e] for s, e in result.hits[0].title_marks] == ["人工智能计算中心"]
    assert run(tiny, '"智算中心"').total == 0  # quoted: as written
    assert run(tiny, "智算中心建设").total == 1  # inside a longer run, split by jieba


def test_user_synonyms_from_luodi_synonyms(tiny: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(tiny, "普惠计算").total == 0
    groups = tmp_path / "mine.tsv"
    groups.write_text("# mine\n普惠算力\t普惠计算\n", encoding="utf-8")
    monkeypatch.setenv("LUODI_SYNONYMS", str(groups))
    assert [h.title for h in run(tiny, "普惠计算").hits] == ["建设人工智能计算中心"]


# -- facets and filters -------------------------------------------------------------------------
def test_facet_counts_equal_filtered_counts(store: Store) -> None:
    result = run(store, "场景")
    assert sum(result.facets["kind"].values()) == result.total
    field = {"region": "regions", "level": "levels", "doc_type": "doc_types", "kind": "kinds"}
    for facet, name in field.items():
        assert result.facets[facet], facet
        for value, count in result.facets[facet].items():
            assert run(store, "场景", **{name: (value,)}).total == count, (facet, value)
    for year, count in result.facets["year"].items():
        assert run(store, "场景", years=(int(year),)).total == count


def test_region_filter_takes_a_province_and_short_names(store: Store, ids: dict[str, int]) -> None:
    guangdong = run(store, "场景", regions=("广东省",))
    assert {h.plan.id for h in guangdong.hits} == {ids[n] for n in ("000", "001", "002", "003")}  # not 成都
    assert keys(run(store, "场景", regions=("深圳",))) == keys(run(store, "场景", regions=("深圳市",)))
    assert keys(run(store, "场景", regions=("廣州市",))) == keys(run(store, "场景", regions=("广州市",)))


def test_kind_and_plan_filters(store: Store, ids: dict[str, int]) -> None:
    scenarios = run(store, "医疗", kinds=("scenario",))
    assert scenarios.total > 0 and {h.kind for h in scenarios.hits} == {"scenario"}
    assert all(h.section == "annex1" for h in scenarios.hits)  # linked to the annex holding the list
    one = run(store, "场景", plans=(ids["001"],))
    assert one.total > 0 and {h.plan.id for h in one.hits} == {ids["001"]}
    assert run(store, "场景", years=(1999,)).total == 0


def test_concurrent_searches_agree(store: Store) -> None:
    queries = ["算力", "场景", "数据 -政务", "數據開放", "算力 OR 大模型", "医疗"] * 4
    expected = {q: keys(run(store, q)) for q in set(queries)}
    with ThreadPoolExecutor(max_workers=6) as pool:  # as the web app's worker threads
        found = list(pool.map(lambda q: (q, keys(run(store, q))), queries))
    assert all(expected[q] == k for q, k in found)


def test_paging(store: Store) -> None:
    everything = [h.key for h in run(store, "数据").hits]
    pages = [h.key for off in range(0, 30, 10) for h in search(store.engine, "数据", limit=10, offset=off).hits]
    assert pages == everything[:30]


# -- ranking of very common queries -----------------------------------------------------------
@pytest.mark.parametrize("query", ["数据", "场景", "算力 OR 大模型", "人工智能"])
def test_candidate_ranking_orders_as_full_ranking(store: Store, query: str, monkeypatch: pytest.MonkeyPatch) -> None:
    full = run(store, query).hits[:15]
    monkeypatch.setattr(service, "RANK_ALL", 0)  # every query takes the candidate path
    fast = run(store, query).hits[:15]
    assert [h.key for h in fast] == [h.key for h in full]
    assert [round(h.score, 6) for h in fast] == [round(h.score, 6) for h in full]  # same bm25


# -- index freshness ----------------------------------------------------------------------------
def test_reingesting_a_changed_plan_updates_the_index(tmp_path: Path) -> None:
    source = tmp_path / "plan.txt"
    shutil.copy(sample_paths()[3], source)
    s = Store.open(tmp_path / "fresh.db")
    try:
        ingest(s, [source], workers=1)
        assert run(s, "喵喵算力").total == 0 and run(s, "强化智能算力集群供给").total > 0
        text = source.read_text(encoding="utf-8").replace("强化智能算力集群供给", "强化喵喵算力集群供给")
        source.write_text(text, encoding="utf-8")
        assert ingest(s, [source], workers=1)[0].status == "replaced"
        assert [h.title for h in run(s, "喵喵算力").hits] == ["强化喵喵算力集群供给"]
        assert run(s, '"强化智能算力集群供给"').total == 0
        s.delete_plan(1)
        assert run(s, "算力").total == 0
        with s.engine.begin() as conn:  # the contentless index forgot exactly what it had stored
            conn.exec_driver_sql("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
            assert conn.exec_driver_sql("SELECT count(*) FROM search_fts WHERE search_fts MATCH '\"力\" *'").scalar() == 0
    finally:
        s.close()


def test_index_plan_and_remove_plan(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "one.db")
    try:
        plan_id = ingest(s, [sample_paths()[3]], workers=1)[0].plan_id
        assert plan_id is not None
        with s.engine.connect() as conn:
            expected = len(load_plan(conn, plan_id)[1])  # type: ignore[index]
        assert index_plan(s.engine, plan_id) == expected > 0
        remove_plan(s.engine, plan_id)
        assert search(s.engine, "算力", refresh=False).total == 0
        assert search(s.engine, "算力").total > 0  # a search re-adds what the store still has
        with s.engine.begin() as conn:  # inside a caller's transaction, as ingest would
            assert index_plan(conn, plan_id) == expected
        assert search(s.engine, "算力", refresh=False).total > 0
    finally:
        s.close()


def test_rebuild_and_outdated_index_version(store: Store) -> None:
    before = keys(run(store, "场景"))
    n_docs = rebuild(store.engine)
    with sqlite3.connect(store.engine.url.database or "") as conn:
        assert conn.execute("select count(*) from search_docs").fetchone()[0] == n_docs
        conn.execute("update search_info set value = 'old' where key = 'version'")
    assert keys(run(store, "场景")) == before  # an outdated index is rebuilt on the next search


# -- command line -------------------------------------------------------------------------------
def test_cli_search_json_and_table(store: Store) -> None:
    db = str(store.engine.url.database)
    runner = CliRunner()
    out = runner.invoke(app, ["--db", db, "search", "算力", "--json", "--limit", "3"])
    assert out.exit_code == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) >= {"query", "total", "facets", "results"} and len(data["results"]) == 3
    assert data["results"][0]["title"] == "强化智能算力集群供给" and data["results"][0]["section"] == "1"
    table = runner.invoke(app, ["--db", db, "search", "數據開放", "--region", "广州市"])
    assert table.exit_code == 0 and "加快數據開放共享" in table.stdout and "1 result " in table.stdout
    bad = runner.invoke(app, ["--db", db, "search", "算力", "--kind", "chapter"])
    assert bad.exit_code == 2 and "unknown kind" in bad.stderr
