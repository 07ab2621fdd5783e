"""The five sample plans against golden metadata and outlines written by hand
(tests/golden/seeds/README.md explains how)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import GOLDEN, norm, seeds_dir
from luodi.parse import parse_file

GOLDENS = sorted((GOLDEN / "seeds").glob("*.json"))


def _parsed(golden: Path) -> tuple[dict, dict]:
    expected = json.loads(golden.read_text("utf-8"))
    doc = parse_file(seeds_dir() / expected["source_file"])
    return expected, doc.to_json()


@pytest.fixture(scope="module", params=GOLDENS, ids=lambda p: p.stem[:3])
def case(request: pytest.FixtureRequest) -> tuple[dict, dict]:
    return _parsed(request.param)


def test_seed_metadata_matches_golden(case: tuple[dict, dict]) -> None:
    expected, got = case
    meta = expected["meta"]
    for key in ("title", "notice_title", "doc_number"):
        assert norm(got[key]) == norm(meta[key]), key
    assert [norm(i) for i in got["issuers"]] == [norm(i) for i in meta["issuers"]]
    for key in ("issued", "published", "region", "level", "period", "script", "doc_type"):
        assert got[key] == meta[key], key


def _label_path(sections: dict[str, dict], sec: dict) -> list[str]:
    path = []
    parent = sec["parent"]
    while parent is not None:
        path.append(norm(sections[parent]["label"]))
        parent = sections[parent]["parent"]
    return path[::-1]


def test_seed_outline_matches_golden(case: tuple[dict, dict]) -> None:
    expected, got = case
    by_id = {s["id"]: s for s in got["sections"]}
    headings = [s for s in got["sections"] if s["kind"] in ("heading", "article")]
    want = expected["outline"]
    assert [(norm(s["label"]), s["level"]) for s in headings] == [(norm(w["label"]), w["level"]) for w in want]
    for sec, w in zip(headings, want, strict=True):
        assert norm(sec["heading"]) == norm(w["heading"]), w
        assert _label_path(by_id, sec) == [norm(p) for p in w["parent_label_path"]], w
        # Unnumbered task paragraphs are child sections; the golden reads them as the heading's text.
        tasks = [t for t in got["sections"] if t["parent"] == sec["id"] and t["kind"] == "task"]
        body = sec["text"] + "".join((t["heading"] or "") + "。" + t["text"] for t in tasks)
        assert norm(body).startswith(norm(w["text_starts"])), w


def test_seed_tables_match_golden(case: tuple[dict, dict]) -> None:
    expected, got = case
    assert len(got["tables"]) == len(expected["tables"])
    for table, w in zip(got["tables"], expected["tables"], strict=True):
        assert norm(table["title"]) == norm(w["title"])
        assert table["header"] == w["header"]
        assert len(table["rows"]) == w["n_rows"]
        assert table["rows"][0] == w["first_row"]
        assert table["rows"][-1] == w["last_row"]
