"""A plan held out from the people who wrote the extractors: a provincial action plan in a
shape the samples don't have (营业收入 targets, 一万亿元, PFlops, 三至五个, 百分之八十,
牵头/配合 units in 1. tasks, a subsidy with a ratio and a cap).  Its golden file was written
by hand before luodi was run on it; the first run missed 2 of 7 targets (一万亿元, PFlops),
fixed in the number rules, not in the golden."""

from __future__ import annotations

import json

from conftest import REPO, norm
from luodi.parse import parse_file
from test_extract_targets import milestone_matches, precision_recall, support_matches, target_matches

PLAN = REPO / "tests" / "data" / "heldout" / "zhejiang_2024.txt"
GOLDEN = json.loads(PLAN.with_suffix(".golden.json").read_text("utf-8"))


def test_heldout_plan_end_to_end() -> None:
    doc = parse_file(PLAN).to_json()
    for key, value in GOLDEN["meta"].items():
        assert (norm(doc[key]) if isinstance(value, str) else doc[key]) == (norm(value) if isinstance(value, str) else value), key
    assert precision_recall(GOLDEN["targets"], doc["targets"], target_matches) == (1.0, 1.0)
    assert precision_recall(GOLDEN["milestones"], doc["milestones"], milestone_matches) == (1.0, 1.0)
    assert precision_recall(GOLDEN["supports"], doc["supports"], support_matches) == (1.0, 1.0)
    units = {s["heading"]: (s["lead_units"], s["units"]) for s in doc["sections"] if s["units"] or s["lead_units"]}
    assert units == {r["section"]: (r["lead_units"], r["units"]) for r in GOLDEN["responsibilities"]}
    for item in doc["targets"] + doc["milestones"] + doc["supports"]:
        assert PLAN.read_text("utf-8")[item["span"][0] : item["span"][1]] == item["quote"]
