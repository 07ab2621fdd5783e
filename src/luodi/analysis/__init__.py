"""Comparisons across plans (issue 6): targets, topic coverage, policy instruments, text
reuse and responsible units.

Each comparison is a pure function from plans (a :class:`~luodi.store.Store`, or
:class:`PlanDoc` objects built in memory) to plain dataclasses with ``to_json()`` and
``to_rows()`` (flat rows for CSV); the command line and the web API only format them.
"""

from luodi.analysis.corpus import Link, PlanDoc, PlanRef, load_plans, resolve_ids, tasks
from luodi.analysis.coverage import Coverage, compare_coverage, topics
from luodi.analysis.instruments import InstrumentReport, classify, compare_instruments, rules
from luodi.analysis.metrics import TargetComparison, compare_targets, metric_group, normalise_metric, normalise_unit
from luodi.analysis.reuse import (
    PlanPairReuse,
    PlanText,
    ReuseParams,
    ReuseReport,
    compare_reuse,
    compare_reuse_pair,
    find_reuse,
    load_texts,
)
from luodi.analysis.units import UnitsReport, compare_units

__all__ = [
    "Coverage",
    "InstrumentReport",
    "Link",
    "PlanDoc",
    "PlanPairReuse",
    "PlanRef",
    "PlanText",
    "ReuseParams",
    "ReuseReport",
    "TargetComparison",
    "UnitsReport",
    "classify",
    "compare_coverage",
    "compare_instruments",
    "compare_reuse",
    "compare_reuse_pair",
    "compare_targets",
    "compare_units",
    "find_reuse",
    "load_plans",
    "load_texts",
    "metric_group",
    "normalise_metric",
    "normalise_unit",
    "resolve_ids",
    "rules",
    "tasks",
    "topics",
]
