"""Responsibilities and scenario lists of the five sample plans against the hand-written
goldens in tests/golden/extract (precision and recall of (section, unit) pairs ≥ 0.98)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import GOLDEN, norm, seeds_dir
from luodi.parse import parse_file

GOLDENS = sorted((GOLDEN / "extract").glob("*.json"))


@pytest.fixture(scope="module", params=GOLDENS, ids=lambda p: p.stem[:3])
def case(request: pytest.FixtureRequest) -> tuple[dict, dict]:
    golden: Path = request.param
    expected = json.loads(golden.read_text("utf-8"))
    return expected, parse_file(seeds_dir() / expected["source_file"]).to_json()


def _pairs(items: list[tuple[str | None, list[str], list[str]]]) -> set[tuple[str, str, str]]:
    out = set()
    for heading, leads, units in items:
        for unit in leads:
            out.add((norm(heading) or "", norm(unit) or "", "lead"))
        for unit in units:
            out.add((norm(heading) or "", norm(unit) or "", "unit"))
    return out


def precision_recall(got: set, want: set) -> tuple[float, float]:
    hit = len(got & want)
    return (hit / len(got) if got else 1.0), (hit / len(want) if want else 1.0)


def test_units_precision_recall(case: tuple[dict, dict]) -> None:
    expected, got = case
    want = _pairs([(r["section"], r["lead_units"], r["units"]) for r in expected["responsibilities"]])
    have = _pairs([(s["heading"], s["lead_units"], s["units"]) for s in got["sections"]])
    precision, recall = precision_recall(have, want)
    print(f"\n{expected['source_file'][:3]} (section, unit) pairs: P={precision:.3f} R={recall:.3f} n={len(want)}")
    assert precision >= 0.98, sorted(have - want)
    assert recall >= 0.98, sorted(want - have)


def test_scenarios_match(case: tuple[dict, dict]) -> None:
    expected, got = case
    rows = [(s["seq"], s["domain"], s["name"], s["units"]) for s in got["scenarios"]]
    assert rows == [(s["seq"], s["domain"], s["name"], s["units"]) for s in expected["scenarios"]]
