"""A plan's tracking snapshot on a date: every item evaluated, parents rolled up from their
children, and the counts per plan, kind, unit and domain.

Roll-up rules:

- an item with (non-retired) children takes its progress from them — weighted mean by
  their ``weight`` (None counts 1), a child without progress counting 0 — and is done
  when all of them are; its own reports still count as reporting activity (staleness);
- a unit's figures cover every item it owns, as lead or co-responsible unit; progress is
  the plain mean (None counts 0);
- a domain is the heading the item sits under (see :func:`luodi.tracking.derive.domains`);
- the plan's progress is the weighted mean over its top-level items (those without a
  parent), so a parent and its children are not counted twice.

Only :func:`snapshot` and :func:`fetch_reports` touch the database; the rest is pure.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, case, or_, select

from luodi.store import Store
from luodi.store.schema import track_items, track_reports
from luodi.tracking.items import PlanInfo, ensure_items, load_items, plan_info
from luodi.tracking.model import KIND_LABELS, LIGHT_LABELS, LIGHTS, STATUS_LABELS, STATUSES, Item, Report
from luodi.tracking.reports import report_from_row
from luodi.tracking.status import Evaluation, Measure, Thresholds, combine, judge, measure

UNASSIGNED = "（未明确责任单位）unassigned"
_LIGHT_RANK = {"red": 0, "yellow": 1, "blue": 2, "green": 3}


@dataclass(frozen=True)
class ItemState:
    item: Item
    ev: Evaluation
    latest: Report | None  # the latest report (of any content) up to the as-of date
    children: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        it, ev = self.item, self.ev
        return {
            "id": it.id, "kind": it.kind, "kind_label": KIND_LABELS[it.kind], "title": it.title, "ref": it.ref,
            "section": it.section, "domain": it.domain, "parent_id": it.parent_id, "children": list(self.children),
            "lead_units": it.lead_units, "units": it.units,
            "deadline": it.deadline.isoformat() if it.deadline else None, "deadline_reason": it.deadline_reason,
            "status": ev.status, "status_label": STATUS_LABELS[ev.status], "light": ev.light,
            "light_label": LIGHT_LABELS[ev.light], "reason": ev.reason, "progress": ev.progress_pct,
            "expected": None if ev.expected is None else round(ev.expected * 100, 1), "days_left": ev.days_left,
            "value": ev.value, "target": it.target.to_json() if it.target else None,
            "target_text": it.target.describe() if it.target else None,
            "last_report": ev.last_report.isoformat() if ev.last_report else None, "weight": it.weight,
            "retired": it.retired,
        }


@dataclass
class Group:
    """Counts and mean progress of a set of items (a unit, a domain, a kind, the plan)."""

    name: str
    items: list[int] = field(default_factory=list)
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    by_light: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LIGHTS, 0))
    progress: float | None = None  # 0–1
    lead: int = 0  # units: items it leads

    @property
    def n(self) -> int:
        return len(self.items)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "n": self.n, "lead": self.lead, "by_status": self.by_status,
                "by_light": self.by_light, "progress": None if self.progress is None else round(self.progress * 100, 1),
                "items": self.items}


@dataclass
class Snapshot:
    plan: PlanInfo
    as_of: date
    thresholds: Thresholds
    states: list[ItemState]
    overall: Group
    by_kind: dict[str, Group]
    units: list[Group]
    domains: list[Group]

    def state(self, item_id: int) -> ItemState:
        return self._index[item_id]

    def __post_init__(self) -> None:
        self._index = {s.item.id: s for s in self.states}

    def late(self, lights: Iterable[str] = ("red", "yellow", "blue")) -> list[ItemState]:
        """Items needing attention, most urgent first: red, yellow, blue; then by deadline."""
        wanted = set(lights)
        found = [s for s in self.states if s.ev.light in wanted]
        return sorted(found, key=lambda s: (_LIGHT_RANK[s.ev.light], s.ev.days_left if s.ev.days_left is not None else 10**6,
                                            s.item.ord))

    def to_json(self, items: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "plan": self.plan.to_json(), "as_of": self.as_of.isoformat(),
            "thresholds": self.thresholds.__dict__, "overall": self.overall.to_json(),
            "by_kind": {k: g.to_json() for k, g in self.by_kind.items()},
            "units": [g.to_json() for g in self.units], "domains": [g.to_json() for g in self.domains],
            "late": [_late_json(s) for s in self.late()],
        }
        if items:
            out["items"] = [s.to_json() for s in self.states]
        return out


def _late_json(s: ItemState) -> dict[str, Any]:
    it = s.item
    return {"id": it.id, "kind": it.kind, "title": it.title, "light": s.ev.light, "status": s.ev.status,
            "deadline": it.deadline.isoformat() if it.deadline else None, "lead_units": it.lead_units,
            "units": it.units, "progress": s.ev.progress_pct, "reason": s.ev.reason}


# -- pure part -------------------------------------------------------------------------------------
def evaluate_tree(items: Sequence[Item], reports: dict[int, list[Report]], as_of: date,
                  th: Thresholds) -> tuple[dict[int, Evaluation], dict[int, tuple[int, ...]]]:
    """Evaluate every item, children before parents (see the module docstring)."""
    ids = {i.id for i in items}
    children: dict[int, list[int]] = defaultdict(list)
    for it in items:
        if it.parent_id in ids:
            children[it.parent_id].append(it.id)
    by_id = {i.id: i for i in items}
    measures: dict[int, Measure] = {}
    evaluations: dict[int, Evaluation] = {}

    def visit(it: Item, depth: int) -> Measure:
        if it.id in measures:
            return measures[it.id]
        own = measure(it.kind, it.target, reports.get(it.id, ()), as_of, th)
        kids = children.get(it.id, [])
        if kids and depth < 64:  # depth guard: a corrupted parent loop must not recurse forever
            m = combine([(visit(by_id[k], depth + 1), by_id[k].weight) for k in kids], own.last_report)
        else:
            m = own
        measures[it.id] = m
        evaluations[it.id] = judge(m, it.start, it.deadline, as_of, th)
        return m

    for it in items:
        visit(it, 0)
    return evaluations, {k: tuple(v) for k, v in children.items()}


def _fill(group: Group, states: Sequence[ItemState], weighted: bool = False) -> Group:
    for s in states:
        group.items.append(s.item.id)
        group.by_status[s.ev.status] += 1
        group.by_light[s.ev.light] += 1
    if states:
        weights = [(s.item.weight if s.item.weight is not None else 1.0) if weighted else 1.0 for s in states]
        total = sum(weights)
        if total > 0:
            group.progress = sum((s.ev.progress or 0.0) * w for s, w in zip(states, weights, strict=True)) / total
    return group


def build_snapshot(plan: PlanInfo, items: Sequence[Item], reports: dict[int, list[Report]], as_of: date,
                   th: Thresholds) -> Snapshot:
    evaluations, children = evaluate_tree(items, reports, as_of, th)
    states = [ItemState(it, evaluations[it.id], _latest(reports.get(it.id, []), as_of), children.get(it.id, ()))
              for it in items]
    ids = {i.id for i in items}
    # Counts cover every item; progress only the top-level ones (a parent already holds its children's).
    overall = _fill(Group("全部 all"), states)
    overall.progress = _fill(Group("roots"), [s for s in states if s.item.parent_id not in ids], weighted=True).progress
    by_kind = {k: _fill(Group(KIND_LABELS[k]), [s for s in states if s.item.kind == k]) for k in KIND_LABELS}
    return Snapshot(plan, as_of, th, states, overall, by_kind, _unit_groups(states), _domain_groups(states))


def _latest(reports: Sequence[Report], as_of: date) -> Report | None:
    seen = [r for r in reports if r.as_of <= as_of]
    return max(seen, key=lambda r: r.order_key) if seen else None


def _unit_groups(states: Sequence[ItemState]) -> list[Group]:
    owned: dict[str, list[ItemState]] = defaultdict(list)
    leads: Counter[str] = Counter()
    for s in states:
        for unit in s.item.owners or [UNASSIGNED]:
            owned[unit].append(s)
        leads.update(s.item.lead_units)
    groups = [_fill(Group(u), ss) for u, ss in owned.items()]
    for g in groups:
        g.lead = leads[g.name]
    # Most items first: the units carrying the plan lead the table.
    return sorted(groups, key=lambda g: (g.name == UNASSIGNED, -g.n, g.name))


def _domain_groups(states: Sequence[ItemState]) -> list[Group]:
    found: dict[str, list[ItemState]] = defaultdict(list)
    for s in states:
        found[s.item.domain or "其他 other"].append(s)
    return [_fill(Group(d), ss) for d, ss in found.items()]  # dicts keep document order


# -- database part ---------------------------------------------------------------------------------
def fetch_reports(conn: Connection, plan_id: int, as_of: date) -> dict[int, list[Report]]:
    """Per item, the reports the engine can use on ``as_of``: the latest one, for a target
    the latest with a value, and the latest with a percent or level (for a target only
    when it has no value) — at most 3 rows per item.

    Each pick is a correlated subquery that walks the (item_id, as_of) index backwards from
    ``as_of`` and stops at the first match; CASE keeps a pick from running where it cannot
    match (a task has no values), so a task never scans its whole history.  The cost grows
    with the number of items, not of reports: 100,000 reports are neither sorted nor sent
    to Python."""
    day = as_of.isoformat()

    def latest(item: Any, extra: Callable[[Any], Any] | None = None) -> Any:
        r = track_reports.alias()
        cond = [r.c.item_id == item, r.c.as_of <= day]
        if extra is not None:
            cond.append(extra(r))
        return (select(r.c.id).where(*cond).order_by(r.c.as_of.desc(), r.c.created_at.desc(), r.c.id.desc())
                .limit(1).scalar_subquery())

    t = track_items
    is_target = t.c.kind == "target"
    first = select(
        t.c.id.label("item"), is_target.label("is_target"), latest(t.c.id).label("last"),
        case((is_target, latest(t.c.id, lambda r: r.c.value.is_not(None)))).label("valued"),
    ).where(t.c.plan_id == plan_id).subquery()
    graded = latest(first.c.item, lambda r: or_(r.c.percent.is_not(None), r.c.level.is_not(None)))
    picks = select(first.c.last, first.c.valued,
                   case((or_(first.c.is_target.is_(False), first.c.valued.is_(None)), graded)))
    wanted = sorted({i for row in conn.execute(picks) for i in row if i is not None})
    r = track_reports  # no note or evidence: the engine does not read them, and JSON costs
    columns = (r.c.id, r.c.item_id, r.c.unit, r.c.as_of, r.c.value, r.c.percent, r.c.level, r.c.author, r.c.created_at)
    out: dict[int, list[Report]] = defaultdict(list)
    for k in range(0, len(wanted), _CHUNK):
        for row in conn.execute(select(*columns).where(r.c.id.in_(wanted[k : k + _CHUNK]))).mappings():
            out[row["item_id"]].append(report_from_row(row))
    return out


_CHUNK = 900  # ids per IN (…): under SQLite's historical limit of 999 bound parameters


def snapshot(store: Store, plan_key: str | int, as_of: date, actor: str, th: Thresholds | None = None,
             include_retired: bool = False) -> Snapshot:
    """The plan's snapshot on ``as_of`` (syncing its items first if the plan changed)."""
    plan_id = ensure_items(store, plan_key, actor)
    th = th or Thresholds.from_settings()
    with store.engine.connect() as conn:
        plan = plan_info(conn, plan_id)
        items = load_items(conn, plan, include_retired=include_retired)
        reports = fetch_reports(conn, plan_id, as_of)
    return build_snapshot(plan, items, reports, as_of, th)
