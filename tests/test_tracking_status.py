"""The status engine on hand-built timelines: boundaries, ranges, qualifiers, missing
reports, corrections, roll-ups and leap years.  Pure functions: no store needed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from luodi.tracking.model import Item, Report, TargetSpec, parse_date, parse_level
from luodi.tracking.quarterly import Quarter
from luodi.tracking.rollup import build_snapshot, evaluate_tree
from luodi.tracking.status import Measure, Thresholds, attainment, combine, evaluate, expected_progress, is_stale

TH = Thresholds(near_days=30, stale_days=92, behind_pct=10, approx_pct=5)
START = date(2023, 1, 1)
DEADLINE = date(2024, 12, 31)


def item(kind: str = "task", *, deadline: date | None = DEADLINE, start: date = START, spec: TargetSpec | None = None,
         id: int = 1, parent: int | None = None, weight: float | None = None) -> Item:
    return Item(id=id, plan_id=1, kind=kind, ref=f"r{id}", title=f"item {id}", section=None, lead_units=["甲局"],
                units=[], deadline=deadline, deadline_reason=None, start=start, parent_id=parent, target=spec,
                weight=weight)


_next = iter(range(1, 10**6))


def rep(as_of: date, *, percent: float | None = None, value: float | None = None, level: str | None = None,
        created: str = "2024-01-01T00:00:00", item_id: int = 1, note: str | None = None) -> Report:
    return Report(id=next(_next), item_id=item_id, unit="甲局", as_of=as_of, value=value, percent=percent, level=level,
                  note=note, created_at=created)


def spec(value: float, qualifier: str | None = None, value_max: float | None = None) -> TargetSpec:
    return TargetSpec(metric="规模", value=value, value_max=value_max, unit="亿元", qualifier=qualifier, year=2024)


# -- deadlines and the linear path ----------------------------------------------------------------
def test_deadline_day_itself_is_in_time_and_the_next_day_is_overdue() -> None:
    reports = [rep(date(2024, 12, 1), percent=90)]
    on_day = evaluate(item(), reports, DEADLINE, TH)
    after = evaluate(item(), reports, DEADLINE + timedelta(days=1), TH)
    assert (on_day.status, on_day.light, on_day.days_left) == ("at_risk", "blue", 0)
    assert (after.status, after.light, after.days_left) == ("overdue", "red", -1)
    assert "已逾期1天" in after.reason and "overdue by 1 days" in after.reason


def test_near_window_is_inclusive_of_near_days() -> None:
    reports = [rep(date(2024, 11, 20), percent=95)]
    at_30 = evaluate(item(), reports, DEADLINE - timedelta(days=30), TH)
    at_31 = evaluate(item(), reports, DEADLINE - timedelta(days=31), TH)
    assert at_30.light == "blue" and "还剩30天" in at_30.reason
    assert at_31.light == "green" and at_31.status == "on_track"


def test_blue_wins_over_yellow_near_the_deadline_and_names_both() -> None:
    ev = evaluate(item(), [rep(date(2024, 12, 10), percent=20)], date(2024, 12, 15), TH)
    assert (ev.status, ev.light) == ("at_risk", "blue")
    assert "临近期限" in ev.reason and "落后于预期" in ev.reason


def test_expected_linear_path() -> None:
    half = START + (DEADLINE - START) / 2
    assert expected_progress(START, DEADLINE, START) == 0.0
    assert expected_progress(START, DEADLINE, half) == pytest.approx(0.5, abs=0.001)
    assert expected_progress(START, DEADLINE, date(2030, 1, 1)) == 1.0
    assert expected_progress(START, DEADLINE, date(2020, 1, 1)) == 0.0  # before the plan starts
    assert expected_progress(START, None, half) is None
    assert expected_progress(START, START, START) == 1.0  # a deadline on the start day: all expected


def test_behind_means_more_than_behind_pct_below_the_path() -> None:
    as_of = date(2024, 1, 1)  # 365 of 730 days: 50% expected
    assert expected_progress(START, DEADLINE, as_of) == pytest.approx(0.5, abs=0.001)
    on_edge = evaluate(item(), [rep(date(2023, 12, 1), percent=41)], as_of, TH)
    behind = evaluate(item(), [rep(date(2023, 12, 1), percent=39)], as_of, TH)
    assert (on_edge.status, on_edge.light) == ("on_track", "green")
    assert (behind.status, behind.light) == ("at_risk", "yellow")
    assert "落后于预期进度50%" in behind.reason


def test_item_without_deadline_is_never_overdue_or_behind() -> None:
    ev = evaluate(item(deadline=None), [rep(date(2030, 1, 1), percent=1)], date(2030, 2, 1), TH)
    assert (ev.status, ev.light, ev.expected, ev.days_left) == ("on_track", "green", None, None)
    assert "无明确期限" in ev.reason


# -- missing and stale reports --------------------------------------------------------------------
def test_no_report_at_the_start_is_green_not_started_then_yellow_after_a_quarter() -> None:
    early = evaluate(item(deadline=date(2030, 12, 31)), [], START + timedelta(days=92), TH)
    late = evaluate(item(deadline=date(2030, 12, 31)), [], START + timedelta(days=93), TH)
    assert (early.status, early.light) == ("not_started", "green")
    assert (late.status, late.light) == ("not_started", "yellow")
    assert "尚未报送进展" in late.reason and "92" in late.reason


def test_stale_boundary_is_92_days_after_the_last_report() -> None:
    last = date(2024, 3, 1)
    reports = [rep(last, percent=75)]
    fresh = evaluate(item(), reports, last + timedelta(days=92), TH)
    stale = evaluate(item(), reports, last + timedelta(days=93), TH)
    assert fresh.light == "green"
    assert stale.light == "yellow" and stale.status == "at_risk"
    assert "最近报送2024-03-01" in stale.reason
    assert is_stale(None, START, START + timedelta(days=93), 92) and not is_stale(last, START, last, 92)


def test_reports_after_the_as_of_date_are_ignored() -> None:
    reports = [rep(date(2023, 6, 1), percent=30), rep(date(2023, 9, 1), percent=100)]
    before = evaluate(item(), reports, date(2023, 8, 1), TH)
    after = evaluate(item(), reports, date(2023, 9, 1), TH)
    assert before.progress == pytest.approx(0.3) and before.status == "on_track"
    assert after.status == "done" and after.light == "green"


def test_a_note_only_report_counts_as_reporting_but_not_as_progress() -> None:
    ev = evaluate(item(), [rep(date(2023, 3, 1), note="已召开推进会")], date(2023, 3, 10), TH)
    assert ev.status == "not_started" and ev.light == "green" and ev.progress is None
    assert ev.last_report == date(2023, 3, 1)
    assert "已报送但无进度" in ev.reason


def test_correction_same_as_of_later_filing_wins() -> None:
    first = rep(date(2023, 6, 30), percent=80, created="2023-07-01T08:00:00")
    fix = rep(date(2023, 6, 30), percent=25, created="2023-07-02T08:00:00")
    assert evaluate(item(), [fix, first], date(2023, 7, 1), TH).progress == pytest.approx(0.25)
    # Same second: the later row (higher id) is the correction.
    a = rep(date(2023, 6, 30), percent=70, created="2023-07-01T08:00:00")
    b = rep(date(2023, 6, 30), percent=35, created="2023-07-01T08:00:00")
    assert evaluate(item(), [b, a], date(2023, 7, 1), TH).progress == pytest.approx(0.35)


# -- levels ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("level", "progress", "status"), [
    ("not_started", 0.0, "not_started"), ("limited", 0.25, "on_track"), ("substantial", 0.75, "on_track"),
    ("complete", 1.0, "done"), ("none", None, "not_started"),
])
def test_levels_alone(level: str, progress: float | None, status: str) -> None:
    ev = evaluate(item(), [rep(date(2023, 2, 1), level=level)], date(2023, 2, 10), TH)
    assert ev.progress == progress and ev.status == status


def test_level_words_parse_in_chinese_and_english() -> None:
    assert parse_level("实质性") == "substantial" and parse_level("complete") == "complete" and parse_level(" ") is None
    with pytest.raises(ValueError, match="无证据"):
        parse_level("差不多")


# -- targets: qualifiers and ranges -----------------------------------------------------------------
@pytest.mark.parametrize(("qualifier", "value", "done"), [
    ("突破", 100, False), ("突破", 100.01, True), ("超过", 100, False), ("超過", 101, True),
    ("以上", 100, True), ("以上", 99.9, False), (None, 100, True), ("达到", 100, True), ("不低于", 100, True),
    ("约", 95, True), ("约", 94.9, False), ("左右", 96, True),
    ("以下", 100, True), ("以下", 100.5, False), ("低于", 100, False), ("低于", 99, True), ("不超过", 80, True),
    ("怪词", 100, True),  # unknown qualifier: reach the value
])
def test_target_qualifiers(qualifier: str | None, value: float, done: bool) -> None:
    progress, reached, words = attainment(spec(100, qualifier), value, 5)
    assert reached is done
    assert (progress == 1.0) is done  # 100% is reserved for done
    assert f"{value:g}" in words


def test_breakthrough_exactly_at_target_shows_99_not_100() -> None:
    ev = evaluate(item("target", spec=spec(100, "突破")), [rep(date(2023, 6, 1), value=100)], date(2023, 6, 2), TH)
    assert ev.status != "done" and ev.progress == pytest.approx(0.99)


def test_range_is_done_at_its_lower_end_and_beyond_its_upper_end() -> None:
    r = spec(3, value_max=5)
    assert attainment(r, 2, 5)[:2] == (pytest.approx(2 / 3), False)
    assert attainment(r, 3, 5)[:2] == (1.0, True)
    assert attainment(r, 7, 5)[:2] == (1.0, True)


def test_ceiling_target_progress_is_target_over_value() -> None:
    progress, done, _ = attainment(spec(50, "以下"), 80, 5)
    assert not done and progress == pytest.approx(50 / 80)


def test_target_uses_latest_value_even_if_a_later_report_has_none() -> None:
    reports = [rep(date(2023, 3, 1), value=40), rep(date(2023, 6, 1), value=60), rep(date(2023, 7, 1), note="说明")]
    ev = evaluate(item("target", spec=spec(100)), reports, date(2023, 7, 2), TH)
    assert ev.value == 60 and ev.progress == pytest.approx(0.6) and ev.last_report == date(2023, 7, 1)


def test_target_without_values_falls_back_to_its_level() -> None:
    ev = evaluate(item("target", spec=spec(100)), [rep(date(2023, 3, 1), level="complete")], date(2023, 3, 2), TH)
    assert ev.status == "done"


def test_overdue_target_reports_its_shortfall() -> None:
    ev = evaluate(item("target", spec=spec(100, "以上"), deadline=date(2023, 12, 31)),
                  [rep(date(2023, 12, 31), value=80)], date(2024, 1, 15), TH)
    assert (ev.status, ev.light) == ("overdue", "red")
    assert "已逾期15天" in ev.reason and "报送值80亿元未达到目标100亿元以上" in ev.reason


# -- leap years -----------------------------------------------------------------------------------
def test_leap_day_deadline_and_path_across_february_29() -> None:
    leap = item(start=date(2024, 1, 1), deadline=date(2024, 2, 29))
    assert evaluate(leap, [rep(date(2024, 2, 1), percent=80)], date(2024, 2, 29), TH).days_left == 0
    assert evaluate(leap, [], date(2024, 3, 1), TH).status == "overdue"
    # 2024-01-01 → 2024-03-01 is 60 days (29 in February); 2023 would give 59.
    assert expected_progress(date(2024, 1, 1), date(2024, 3, 1), date(2024, 1, 31)) == pytest.approx(30 / 60)
    assert expected_progress(date(2023, 1, 1), date(2023, 3, 1), date(2023, 1, 31)) == pytest.approx(30 / 59)


def test_stale_window_across_a_leap_day() -> None:
    # 2023-12-01 + 92 days is 2024-03-02 in a leap year (2023-03-03 in a common year).
    reports = [rep(date(2023, 12, 1), percent=50)]
    lenient = item(start=date(2023, 1, 1), deadline=date(2025, 12, 31))
    assert evaluate(lenient, reports, date(2024, 3, 2), TH).light == "green"
    assert evaluate(lenient, reports, date(2024, 3, 3), TH).light == "yellow"


def test_dates_parse_strictly() -> None:
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    assert parse_date("2024/6/30") == parse_date("2024年6月30日") == date(2024, 6, 30)
    for bad in ("2023-02-29", "2024-13-01", "June 30", "2024-6"):
        with pytest.raises(ValueError):
            parse_date(bad)


def test_quarters() -> None:
    q = Quarter.parse("2024Q1")
    assert (q.start, q.end, str(q.previous()), q.previous().end) == (date(2024, 1, 1), date(2024, 3, 31), "2023Q4",
                                                                      date(2023, 12, 31))
    assert Quarter.parse("2024-q2").end == date(2024, 6, 30) and Quarter.parse("2024年第三季度").q == 3


# -- roll-ups -------------------------------------------------------------------------------------
def test_combine_weights_and_missing_children() -> None:
    done = Measure(1.0, True, date(2023, 5, 1))
    half = Measure(0.5, False, date(2023, 6, 1))
    none = Measure(None, False, None)
    assert combine([(done, 3.0), (half, 1.0)]).progress == pytest.approx(0.875)
    assert combine([(done, None), (none, None)]).progress == pytest.approx(0.5)
    m = combine([(done, None), (done, None)], own_last=date(2023, 7, 1))
    assert m.done and m.progress == 1.0 and m.last_report == date(2023, 7, 1)


def test_parent_takes_progress_from_children_not_its_own_reports() -> None:
    parent = item(id=1)
    kids = [item(id=2, parent=1, weight=2.0), item(id=3, parent=1)]
    reports = {1: [rep(date(2023, 6, 1), percent=100, item_id=1)],
               2: [rep(date(2023, 6, 1), percent=90, item_id=2)],
               3: [rep(date(2023, 6, 1), percent=30, item_id=3)]}
    evals, children = evaluate_tree([parent, *kids], reports, date(2023, 6, 30), TH)
    assert children[1] == (2, 3)
    assert evals[1].progress == pytest.approx((0.9 * 2 + 0.3) / 3)
    assert evals[1].status == "on_track"  # not done, although its own report says 100%


def test_snapshot_groups_by_unit_and_counts_the_plan_once_per_root() -> None:
    from luodi.tracking.items import PlanInfo

    plan = PlanInfo(1, "计划", "深圳市", "广东省", "city", 2023, 2024, "2023-01-01", "x", "h")
    a = Item(1, 1, "task", "a", "A", "1", ["甲局"], ["乙局"], DEADLINE, None, START, weight=None)
    b = Item(2, 1, "task", "b", "B", "1.1", [], ["乙局"], DEADLINE, None, START, parent_id=1)
    c = Item(3, 1, "target", "c", "C", None, [], [], DEADLINE, None, START, target=spec(10))
    reports = {2: [rep(date(2023, 6, 1), percent=50, item_id=2)], 3: [rep(date(2023, 6, 1), value=10, item_id=3)]}
    snap = build_snapshot(plan, [a, b, c], reports, date(2023, 6, 30), TH)
    units = {g.name: g for g in snap.units}
    assert units["甲局"].n == 1 and units["甲局"].lead == 1
    assert units["乙局"].n == 2 and units["乙局"].lead == 0
    assert units["（未明确责任单位）unassigned"].items == [3]
    assert snap.overall.n == 3 and snap.overall.by_status["done"] == 1
    # Roots are A (rolled up from B: 50%) and C (done): the plan stands at 75%, B is not counted twice.
    assert snap.overall.progress == pytest.approx(0.75)
