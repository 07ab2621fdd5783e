"""The status engine: where an item stands on a given date.  Pure functions, no database.

Input: an item (kind, start of its expected path, deadline, target specification), its
progress reports, the as-of date ``D`` and :class:`Thresholds` (settings, see config.py).
All date arithmetic uses :class:`datetime.date`, so leap days are counted like any other.

1. **Reports considered.**  Only reports whose ``as_of`` ≤ D.  They are ordered by
   (as_of, created_at, id): for the same as-of date the report filed later is a correction
   and wins.  *Last report* = the latest of them, whatever it carries.

2. **Progress** (0–1, or None when nothing measurable was reported):

   - **task / milestone**: the latest report carrying a percent or a level.  A percent
     p gives p/100; a level alone gives 未启动 0, 有限 0.25, 实质性 0.75, 完成 1 — the
     usual reading of the supervision scale — and 无证据 gives None (cannot be assessed).
     Done ⇔ percent 100 or level 完成.
   - **target**: the latest report carrying a value v, against the target t
     (value_max, when set, is the upper end of a range):

     ===========================================  ===================  ======================
     qualifier (simplified)                        done when            progress
     ===========================================  ===================  ======================
     range t–t_max (any qualifier)                 v ≥ t                v / t
     none, 以上, 及以上, 不低于, 不少于, 达到, 达,    v ≥ t                v / t
     至少, 力争
     突破, 超过, 超出, 超, 高于, 多于, 大于, 逾       v > t                v / t
     约, 左右, 接近, 近                             v ≥ t·(1 − a)        v / t
     以下, 以内, 之内, 不超过, 不高于                 v ≤ t                t / v
     低于, 少于, 小于                               v < t                t / v
     ===========================================  ===================  ======================

     with a = ``approx_pct``/100 (default 5%).  Progress is clamped to [0, 1] and capped at
     0.99 while not done, so 100% always means done (e.g. exactly 100 against 突破100).
     An unknown qualifier is read as "reach t".  A target with no value reported yet
     falls back to the task rule on its latest level.

3. **Expected progress** on the straight line from ``start`` (the plan period's 1 January,
   else its issue date, else the item's creation) to the deadline:
   ``clamp((D − start) / (deadline − start), 0, 1)``; none without a deadline.  A deadline
   on or before the start expects everything from the deadline on.

4. **Status**, first match wins:

   - ``done``: done (as in 2);
   - ``overdue``: D > deadline (the deadline day itself is still in time);
   - ``not_started``: no progress, or progress 0;
   - ``at_risk``: near, behind or stale (below);
   - ``on_track``: otherwise.

5. **Light**, first match wins (the supervision offices' 红黄蓝绿):

   - green: done;
   - red: overdue;
   - blue: *near* — 0 ≤ deadline − D ≤ ``near_days`` (default 30).  Close to a deadline
     the linear path expects nearly 100% of everything, so "behind" says nothing new
     there: blue (临期) is the alert that matters and takes precedence over yellow;
   - yellow: *behind* — progress (0 when none) < expected − ``behind_pct``/100 (default
     10 points) — or *stale* — the last report is more than ``stale_days`` (default 92,
     one quarter) before D; with no report at all, when D is more than ``stale_days``
     after the start (a plan just begun is not late in reporting);
   - green otherwise.

   So ``at_risk`` ⇔ progress > 0, not done, light blue or yellow; ``not_started`` items
   carry the light their dates and reporting give them.

The reason gives every finding in words, Chinese first with a short English gloss.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from luodi import config
from luodi.tracking.model import LEVELS, Item, Light, Report, Status, TargetSpec

LEVEL_PROGRESS: dict[str, float | None] = {
    "none": None,
    "not_started": 0.0,
    "limited": 0.25,
    "substantial": 0.75,
    "complete": 1.0,
}

# Qualifiers as the extractor writes them (simplified and traditional), by comparison.
_GE = {"", "以上", "及以上", "不低于", "不少于", "达到", "達到", "达", "達", "至少", "力争", "力爭"}
_GT = {"突破", "超过", "超過", "超出", "超", "高于", "高於", "多于", "多於", "大于", "大於", "逾"}
_APPROX = {"约", "約", "左右", "接近", "近"}
_LE = {"以下", "以内", "以內", "之内", "之內", "不超过", "不超過", "不高于", "不高於"}
_LT = {"低于", "低於", "少于", "少於", "小于", "小於"}

NOT_DONE_CAP = 0.99


@dataclass(frozen=True)
class Thresholds:
    near_days: int = 30
    stale_days: int = 92
    behind_pct: float = 10.0
    approx_pct: float = 5.0

    @classmethod
    def from_settings(cls) -> Thresholds:
        return cls(
            near_days=config.TRACK_NEAR_DAYS.value(),
            stale_days=config.TRACK_STALE_DAYS.value(),
            behind_pct=float(config.TRACK_BEHIND_PCT.value()),
            approx_pct=float(config.TRACK_APPROX_PCT.value()),
        )


@dataclass(frozen=True)
class Measure:
    """What the reports say, before any judgement about dates."""

    progress: float | None  # 0–1
    done: bool
    last_report: date | None
    value: float | None = None  # a target's latest value
    basis: str = ""  # the words behind the progress figure


@dataclass(frozen=True)
class Evaluation:
    status: Status
    light: Light
    reason: str
    progress: float | None  # 0–1
    expected: float | None  # 0–1, None without a deadline
    days_left: int | None  # deadline − D in days (negative when overdue)
    last_report: date | None
    value: float | None = None
    done: bool = False

    @property
    def progress_pct(self) -> float | None:
        return None if self.progress is None else round(self.progress * 100, 1)


# -- progress --------------------------------------------------------------------------------
def comparison(qualifier: str | None) -> str:
    """The comparison a qualifier asks for: ge, gt, approx, le or lt."""
    q = (qualifier or "").strip()
    for name, words in (("gt", _GT), ("approx", _APPROX), ("le", _LE), ("lt", _LT)):
        if q in words:
            return name
    return "ge"  # bare numbers, 以上/达到…, and anything unknown: reach the value


def attainment(spec: TargetSpec, v: float, approx_pct: float = 5.0) -> tuple[float, bool, str]:
    """(progress 0–1, done, words) of value ``v`` against the target."""
    t = spec.value
    op = "ge" if spec.value_max is not None else comparison(spec.qualifier)
    if op in ("le", "lt"):
        done = v <= t if op == "le" else v < t
        ratio = 1.0 if v <= 0 else t / v
        sign = "≤" if op == "le" else "<"
    else:
        floor = t * (1 - approx_pct / 100) if op == "approx" else t
        done = v > t if op == "gt" else v >= floor
        ratio = v / t if t > 0 else (1.0 if done else 0.0)
        sign = {"gt": ">", "approx": "≈"}.get(op, "≥")
    progress = 1.0 if done else min(max(ratio, 0.0), NOT_DONE_CAP)
    unit = spec.unit or ""
    words = f"报送值{v:g}{unit}{'' if done else '未'}达到目标{spec.describe()} ({sign} {t:g})"
    return progress, done, words


def _ordered(reports: Iterable[Report], as_of: date) -> list[Report]:
    return sorted((r for r in reports if r.as_of <= as_of), key=lambda r: r.order_key)


def measure(kind: str, spec: TargetSpec | None, reports: Iterable[Report], as_of: date, th: Thresholds) -> Measure:
    """Progress of one item from its own reports (see the module docstring, rule 2)."""
    seen = _ordered(reports, as_of)
    last = seen[-1].as_of if seen else None
    if kind == "target" and spec is not None:
        valued = [r for r in seen if r.value is not None]
        if valued:
            v = valued[-1].value
            assert v is not None
            ratio, reached, words = attainment(spec, v, th.approx_pct)
            return Measure(ratio, reached, last, value=v, basis=words)
    graded = [r for r in seen if r.percent is not None or r.level is not None]
    if not graded:
        return Measure(None, False, last, basis="尚无进度 no progress reported" if seen else "")
    return _graded(graded[-1], last)


def _graded(r: Report, last: date | None) -> Measure:
    """Progress from a percent (preferred) or a completion level."""
    if r.percent is not None:
        done = r.percent >= 100 or r.level == "complete"
        progress: float | None = max(0.0, min(r.percent / 100, 1.0))
        basis = f"报送完成{r.percent:g}%"
    else:
        assert r.level is not None
        done = r.level == "complete"
        progress = LEVEL_PROGRESS.get(r.level)
        basis = f"完成程度：{LEVELS.get(r.level, r.level)}"
    return Measure(1.0 if done else progress, done, last, basis=basis)


def combine(children: Sequence[tuple[Measure, float | None]], own_last: date | None = None) -> Measure:
    """A parent's measure from its children's (weight None = 1): weighted mean progress
    (a child with no progress counts 0), done when every child is done, last report the
    latest of the parent's own and its children's."""
    total = sum(w if w is not None else 1.0 for _, w in children)
    if not children or total <= 0:
        return Measure(None, False, own_last)
    progress = sum((m.progress or 0.0) * (w if w is not None else 1.0) for m, w in children) / total
    done = all(m.done for m, _ in children)
    dates = [d for d in [own_last, *(m.last_report for m, _ in children)] if d is not None]
    n_done = sum(1 for m, _ in children if m.done)
    return Measure(
        1.0 if done else min(progress, NOT_DONE_CAP), done, max(dates) if dates else None,
        basis=f"下级事项汇总 rolled up from {len(children)} children, {n_done} done",
    )


# -- judgement -------------------------------------------------------------------------------
def expected_progress(start: date, deadline: date | None, as_of: date) -> float | None:
    """Share of the work the straight line from start to deadline expects by ``as_of``."""
    if deadline is None:
        return None
    if deadline <= start:
        return 1.0 if as_of >= deadline else 0.0
    span = (deadline - start).days
    return min(max((as_of - start).days / span, 0.0), 1.0)


def is_stale(last_report: date | None, start: date, as_of: date, stale_days: int) -> bool:
    """No report in the last ``stale_days`` (counting from the start when never reported)."""
    since = last_report if last_report is not None else start
    return (as_of - since).days > stale_days


def judge(m: Measure, start: date, deadline: date | None, as_of: date, th: Thresholds) -> Evaluation:
    """Status, light and reason of a measured item on ``as_of`` (rules 3–5)."""
    expected = expected_progress(start, deadline, as_of)
    days_left = (deadline - as_of).days if deadline is not None else None

    def make(status: Status, light: Light, findings: list[str]) -> Evaluation:
        reason = "；".join(f for f in findings if f)
        return Evaluation(status, light, reason, m.progress, expected, days_left, m.last_report, m.value, m.done)

    if m.done:
        return make("done", "green", [f"已完成 done：{m.basis}"])
    if deadline is not None and days_left is not None and days_left < 0:
        return make("overdue", "red", [f"已逾期{-days_left}天（期限{deadline}）overdue by {-days_left} days",
                                       _progress_words(m)])
    light, findings = _warnings(m, start, deadline, days_left, expected, as_of, th)
    if not (m.progress or 0) > 0:
        status: Status = "not_started"
        findings.insert(0, _progress_words(m))
    elif light == "green":
        status = "on_track"
        exp = f"，预期{expected * 100:.0f}%" if expected is not None else ""
        findings.append(f"{_progress_words(m)}{exp} on track")
    else:
        status = "at_risk"
        findings.insert(0, _progress_words(m))
    if deadline is None:
        findings.append("无明确期限 no deadline")
    return make(status, light, findings)


def _warnings(m: Measure, start: date, deadline: date | None, days_left: int | None, expected: float | None,
              as_of: date, th: Thresholds) -> tuple[Light, list[str]]:
    """The light of an unfinished item before its deadline, with what earned it (rule 5)."""
    p = m.progress or 0.0
    near = days_left is not None and days_left <= th.near_days
    behind = expected is not None and p < expected - th.behind_pct / 100
    stale = is_stale(m.last_report, start, as_of, th.stale_days)
    findings: list[str] = []
    if near:
        findings.append(f"临近期限：还剩{days_left}天（{deadline}）due in {days_left} days")
    if behind and expected is not None:
        e = f"{expected * 100:.0f}%"
        findings.append(f"落后于预期进度{e} behind the expected path" if p > 0 else f"按期应已完成{e} expected {e} by now")
    if stale:
        findings.append(_stale_words(m.last_report, th.stale_days))
    return ("blue" if near else "yellow" if behind or stale else "green"), findings


def _progress_words(m: Measure) -> str:
    if m.progress is None:
        return "尚未报送进展 no report yet" if m.last_report is None else "已报送但无进度 no progress figure"
    if m.progress == 0:
        return f"未启动 not started（{m.basis}）" if m.basis else "未启动 not started"
    return f"进度{m.progress * 100:.0f}%（{m.basis}）"


def _stale_words(last: date | None, stale_days: int) -> str:
    if last is None:
        return f"开始已超过{stale_days}天 over {stale_days} days since the start"
    return f"最近报送{last}，已超过{stale_days}天 no report in {stale_days} days"


def evaluate(item: Item, reports: Iterable[Report], as_of: date, th: Thresholds | None = None) -> Evaluation:
    """Where ``item`` stands on ``as_of`` given its reports (a leaf: no roll-up)."""
    th = th or Thresholds()
    m = measure(item.kind, item.target, reports, as_of, th)
    return judge(m, item.start, item.deadline, as_of, th)
