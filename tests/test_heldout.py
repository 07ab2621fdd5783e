"""Plans held out from the people who wrote the extractors, in shapes the samples don't
have.  Each golden file was written by hand before luodi was run on its plan; what the
first run missed was fixed in the rules, never in the golden (conventions aside, see
tests/data/heldout2/README.md):

- heldout/zhejiang_2024: 营业收入 targets, 一万亿元, PFlops, 三至五个, 百分之八十, 牵头/配合 units
  in 1. tasks, a subsidy with a ratio and a cap — first run missed 2 of 7 targets;
- heldout/hefei_2024: "——" indicator bullets, 年均增长15%以上, 不少于/超, 12000P, a dated
  9月底前 — first run missed 1 of 7 targets (每年发布不少于50个);
- heldout2/* … heldout7/*: 44 full-length documents (provincial 规划 with 发展基础 and 三步走,
  十四五 plans with indicator tables, unit lines of their own, traditional script with
  half-width punctuation or pinyin glosses, 若干措施 in 第X条 articles, a task-breakdown annex,
  ☆ leads and a scenario annex in a district plan, saved web pages, Markdown, a national
  指导意见, text copied out of a PDF, units written as verbs, chapters and 专栏, full-width
  digits, task lists that mark their leads, county-level cities, and — as negatives — an
  application notice and a regulation, where nothing is a target).  These are scored, not required
  to be perfect: what a rule cannot reach without special-casing stays missed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, norm
from luodi.parse import parse_file
from luodi.readers import read_path
from test_extract_targets import milestone_matches, one_to_one, precision_recall, support_matches, target_matches

PLANS = sorted((REPO / "tests" / "data" / "heldout").glob("*.txt"))
SCORED = sorted(
    p
    for folder in ("heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7")
    for p in (REPO / "tests" / "data" / folder).iterdir()
    if p.suffix in (".txt", ".md", ".html") and p.with_suffix(".golden.json").exists()  # not README.md
)


def _meta_mismatches(golden: dict[str, Any], doc: dict[str, Any]) -> list[str]:
    def same(a: Any, b: Any) -> bool:
        return (norm(a) == norm(b)) if isinstance(a, str) and isinstance(b, str) else a == b

    return [key for key, value in golden["meta"].items() if not same(value, doc[key])]


def _unit_pairs(items: list[dict[str, Any]], heading: str) -> set[tuple[str | None, str, str]]:
    return {(norm(i[heading]), norm(u), role) for i in items for role in ("lead_units", "units") for u in i[role]}


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.stem)
def test_heldout_plan_end_to_end(plan: Path) -> None:
    golden = json.loads(plan.with_suffix(".golden.json").read_text("utf-8"))
    doc = parse_file(plan).to_json()
    assert _meta_mismatches(golden, doc) == []
    assert precision_recall(golden["targets"], doc["targets"], target_matches) == (1.0, 1.0)
    assert precision_recall(golden["milestones"], doc["milestones"], milestone_matches) == (1.0, 1.0)
    assert precision_recall(golden["supports"], doc["supports"], support_matches) == (1.0, 1.0)
    units = {s["heading"]: (s["lead_units"], s["units"]) for s in doc["sections"] if s["units"] or s["lead_units"]}
    assert units == {r["section"]: (r["lead_units"], r["units"]) for r in golden["responsibilities"]}
    for item in doc["targets"] + doc["milestones"] + doc["supports"]:
        assert plan.read_text("utf-8")[item["span"][0] : item["span"][1]] == item["quote"]


@pytest.fixture(scope="module")
def scored() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    return {
        p.stem: (json.loads(p.with_suffix(".golden.json").read_text("utf-8")), parse_file(p).to_json())
        for p in SCORED
    }


def _source_text(name: str) -> str:
    """What spans point into: the reader's text (for HTML, the page's text, not its markup)."""
    return read_path(next(p for p in SCORED if p.stem == name)).text


LISTS = [("targets", target_matches), ("milestones", milestone_matches), ("supports", support_matches)]


@pytest.mark.parametrize(("key", "matches"), LISTS, ids=[k for k, _ in LISTS])
def test_scored_plans_precision_and_recall(scored: dict[str, Any], key: str, matches: Any) -> None:
    """Pooled over the 44 plans ≥ 0.95 (the issue asks 0.98 on the samples), none below 0.8
    (shandong_2021_chapters, haidian_2023: their writers take a "——"/"●" bullet's milestone
    from the clause after the bullet's headline; the 002 and chongqing writers, and luodi, take
    the headline)."""
    assert len(scored) == 44
    hits = gold_n = pred_n = 0
    for name, (golden, doc) in scored.items():
        p, r = precision_recall(golden[key], doc[key], matches)
        assert p >= 0.8 and r >= 0.8, (name, key, p, r)
        hits += one_to_one(golden[key], doc[key], matches)
        gold_n += len(golden[key])
        pred_n += len(doc[key])
    assert hits / pred_n >= 0.95 and hits / gold_n >= 0.95, (hits, gold_n, pred_n)


def test_scored_plans_unit_pairs(scored: dict[str, Any]) -> None:
    """(section, unit, role) triples: every plan's, exactly."""
    for name, (golden, doc) in scored.items():
        got = _unit_pairs([s for s in doc["sections"] if s["units"] or s["lead_units"]], "heading")
        assert got == _unit_pairs(golden["responsibilities"], "section"), name


# Metadata fields a plan's golden and luodi disagree on, and why (none at present).
KNOWN_META_MISSES: dict[str, list[str]] = {}


def test_scored_plans_metadata_scenarios_and_spans(scored: dict[str, Any]) -> None:
    for name, (golden, doc) in scored.items():
        assert _meta_mismatches(golden, doc) == KNOWN_META_MISSES.get(name, []), name
        want = [(s["seq"], s["domain"], s["name"], s["units"]) for s in golden.get("scenarios", [])]
        assert [(s["seq"], s["domain"], s["name"], s["units"]) for s in doc["scenarios"]] == want, name
        raw = _source_text(name)
        for item in doc["targets"] + doc["milestones"] + doc["supports"]:
            assert raw[item["span"][0] : item["span"][1]] == item["quote"], name
