"""``compare units``: which responsible units carry how many tasks, across plans.

A task is a section with responsible units.  Per canonical unit and plan we count the tasks
it leads (named 牵头单位), the tasks where it is listed first among 责任单位 without a named
lead (by the usual convention of these plans, the lead), and the tasks it shares as
co-responsible; ``total`` counts each task once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from luodi.analysis.corpus import Link, PlanDoc, PlanRef, PlanSource, as_plans, section_link

By = Literal["unit", "body"]


@dataclass
class UnitLoad:
    """One unit's tasks in one plan."""

    led: list[Link] = field(default_factory=list)
    first: list[Link] = field(default_factory=list)  # listed first, no named lead
    co: list[Link] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.led) + len(self.first) + len(self.co)

    def to_json(self) -> dict[str, Any]:
        return {
            "led": len(self.led), "first_listed": len(self.first), "co": len(self.co), "total": self.total,
            "sections": {"led": [x.section for x in self.led], "first_listed": [x.section for x in self.first],
                         "co": [x.section for x in self.co]},
        }


@dataclass
class UnitRow:
    unit: str
    plans: dict[int, UnitLoad] = field(default_factory=dict)

    def load(self, plan: int) -> UnitLoad:
        return self.plans.get(plan) or UnitLoad()

    @property
    def led(self) -> int:
        return sum(len(x.led) for x in self.plans.values())

    @property
    def first(self) -> int:
        return sum(len(x.first) for x in self.plans.values())

    @property
    def total(self) -> int:
        return sum(x.total for x in self.plans.values())


@dataclass
class UnitsReport:
    plans: list[PlanRef]
    rows: list[UnitRow]
    tasks: dict[int, int]  # plan → tasks with units

    def to_json(self) -> dict[str, Any]:
        return {
            "plans": [p.to_json() for p in self.plans],
            "tasks": {str(k): v for k, v in self.tasks.items()},
            "units": [
                {"unit": r.unit, "led": r.led, "first_listed": r.first, "total": r.total,
                 "plans": {str(pid): load.to_json() for pid, load in sorted(r.plans.items())}}
                for r in self.rows
            ],
        }

    def to_rows(self) -> list[dict[str, Any]]:
        """One row per unit × plan where the unit has tasks (for CSV)."""
        labels = {p.id: p.label for p in self.plans}
        return [
            {"unit": r.unit, "plan": pid, "plan_label": labels.get(pid, ""), "led": len(load.led),
             "first_listed": len(load.first), "co": len(load.co), "total": load.total,
             "sections": " ".join(x.section or "" for x in (*load.led, *load.first, *load.co))}
            for r in self.rows
            for pid, load in sorted(r.plans.items())
        ]


def compare_units(source: PlanSource, *, plans: Iterable[str | int] | None = None, by: By = "unit") -> UnitsReport:
    """Units × plans.  ``by="body"`` drops the region from canonical names (深圳市科学技术局 →
    科学技术局) so the same kind of department lines up across cities."""
    docs = as_plans(source, plans)
    rows: dict[str, UnitRow] = {}
    tasks: dict[int, int] = {}
    for plan in docs:
        tasks[plan.ref.id] = _count_plan(plan, rows, by)
    ordered = sorted(rows.values(), key=lambda r: (-r.total, -(r.led + r.first), r.unit))
    return UnitsReport([p.ref for p in docs], ordered, tasks)


def _count_plan(plan: PlanDoc, rows: dict[str, UnitRow], by: By) -> int:
    n = 0
    for sec in plan.doc.sections:
        leads = sec.lead_units_canonical or sec.lead_units
        others = sec.units_canonical or sec.units
        if not leads and not others:
            continue
        n += 1
        link = section_link(plan, sec)
        roles: dict[str, str] = {}  # a unit named twice in one task counts once, in its strongest role
        for unit in leads:
            roles.setdefault(_name(unit, plan, by), "led")
        for k, unit in enumerate(others):
            roles.setdefault(_name(unit, plan, by), "first" if k == 0 and not leads else "co")
        for unit, role in roles.items():
            load = rows.setdefault(unit, UnitRow(unit)).plans.setdefault(plan.ref.id, UnitLoad())
            getattr(load, role).append(link)
    return n


def _name(unit: str, plan: PlanDoc, by: By) -> str:
    if by == "body":
        for prefix in (plan.doc.meta.region, plan.doc.meta.province):
            if prefix and unit.startswith(prefix) and len(unit) > len(prefix):
                return unit[len(prefix) :]
    return unit
