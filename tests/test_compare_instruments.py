"""compare instruments: the rules against tasks labelled by hand (tests/data/instruments_labels.tsv)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from luodi.analysis import classify, compare_instruments, rules
from luodi.analysis.instruments import TYPES, UNCLASSIFIED
from luodi.operations import ingest, sample_paths
from luodi.store import Store

LABELS = Path(__file__).parent / "data" / "instruments_labels.tsv"
HELD_OUT = "001"  # Guangzhou: labelled, but not looked at while writing the rules


def labels() -> list[tuple[str, str, str, str, str]]:
    lines = (line for line in LABELS.read_text("utf-8").splitlines() if line.strip() and not line.startswith("#"))
    return [(r[0], r[1], r[2], r[3], r[4]) for r in csv.reader(lines, delimiter="\t")]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with Store.open(tmp_path_factory.mktemp("instruments") / "luodi.db") as s:
        ingest(s, sample_paths(), workers=1)
        ids = {Path(p.source).name[:3]: p.id for p in s.list_plans()}
        return ids, compare_instruments(s)


def _scores(report: Any, held_out: bool | None = None) -> tuple[int, int, int, list[str]]:
    ids, rep = report
    decided = {(t.plan, t.section): t for t in rep.tasks}
    n = type_ok = sub_ok = 0
    wrong = []
    for sample, section, heading, kind, subtype in labels():
        if held_out is not None and (sample == HELD_OUT) != held_out:
            continue
        task = decided[(ids[sample], section)]  # every labelled task is a task
        n += 1
        type_ok += task.type == kind
        sub_ok += task.type == kind and task.subtype == subtype
        if task.subtype != subtype:
            wrong.append(f"{sample} §{section} {heading}: want {kind}/{subtype}, got {task.explain()}")
    return n, type_ok, sub_ok, wrong


def test_enough_hand_labels() -> None:
    rows = labels()
    assert len(rows) >= 30
    assert {r[3] for r in rows} == set(TYPES)
    known = {(r.type, r.subtype) for r in rules()}
    assert all((r[3], r[4]) in known for r in rows), "labels use the rule file's sub-types"


def test_accuracy_on_hand_labelled_tasks(report: Any) -> None:
    n, type_ok, sub_ok, wrong = _scores(report)
    print(f"\ninstruments: {n} labelled tasks, type accuracy {type_ok / n:.2f}, sub-type accuracy {sub_ok / n:.2f}")
    assert type_ok / n >= 0.8, "\n".join(wrong)
    assert sub_ok / n >= 0.7, "\n".join(wrong)


def test_accuracy_on_the_held_out_plan(report: Any) -> None:
    n, type_ok, _, wrong = _scores(report, held_out=True)
    assert n >= 15
    assert type_ok / n >= 0.8, "\n".join(wrong)


def test_every_decision_is_shown(report: Any) -> None:
    _, rep = report
    assert rep.tasks
    for t in rep.tasks:
        if t.type == UNCLASSIFIED:
            assert t.explain() == "no rule matched"
            continue
        assert t.decision is not None and t.decision.score > 0
        assert t.decision.heading_words or t.decision.text_words
        assert t.decision.rule in t.explain()
        assert all(h.score <= t.decision.score for h in t.runners_up)


def test_profiles_add_up(report: Any) -> None:
    ids, rep = report
    for prof in rep.profiles:
        assert sum(prof.by_type.values()) == prof.tasks
        assert abs(sum(prof.share(t) for t in (*TYPES, UNCLASSIFIED)) - 1) < 1e-9 or prof.tasks == 0
    chengdu = next(p for p in rep.profiles if p.plan == ids["004"])
    # Chengdu's eight “人工智能+…”工程 are application programmes (demand side)
    assert chengdu.by_subtype.get("demand/示范应用", 0) >= 7


@pytest.mark.parametrize(("heading", "text", "rule"), [
    ("加大政府采购力度", "将符合条件的人工智能产品纳入政府采购目录，支持首台（套）产品推广。", "demand/政府采购"),
    ("落实税收优惠", "落实高新技术企业所得税优惠政策，减免相关税费。", "environment/税收优惠"),
    ("加大资金支持", "设立人工智能专项资金，对重点项目给予资助。", "supply/资金支持"),
    ("完善法规标准", "研究制定人工智能伦理规范和地方性法规，推进标准体系建设。", "environment/法规标准"),
    ("打造人工智能创新示范基地", "积极申建国家级人工智能创新试验区和产业示范园区。", "environment/产业集聚"),
])
def test_rules_on_written_tasks(heading: str, text: str, rule: str) -> None:
    decision, _ = classify(heading, text)
    assert decision is not None and decision.rule == rule
