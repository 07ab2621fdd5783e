"""Comparisons across plans (issue 6) for the web: topic coverage, policy instruments,
responsible units and text reuse (:mod:`luodi.analysis`).

Each comparison reads every plan's full text, so its report is kept in memory until the
store changes (:class:`~luodi.web.cache.StoreStamp`); the views below only pick from it.
The JSON answers are the reports' ``to_json()`` plus what the page needs to offer filters.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Literal

from luodi.analysis import (
    compare_coverage,
    compare_instruments,
    compare_reuse,
    compare_reuse_pair,
    compare_units,
    topics,
)
from luodi.analysis.instruments import TYPE_NAMES, TYPES, UNCLASSIFIED
from luodi.store import Store
from luodi.web.cache import StoreStamp
from luodi.web.errors import Invalid

Reports = Any  # Coverage | InstrumentReport | UnitsReport | ReuseReport | PlanPairReuse


class CompareCache:
    """Comparison reports by (kind, arguments), dropped whenever the store's stamp changes."""

    def __init__(self, store: Store, stamp: StoreStamp, size: int = 64) -> None:
        self.store = store
        self.stamp = stamp
        self.size = size
        self._stamp: Hashable = None
        self._items: OrderedDict[Hashable, Reports] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[Store], Reports]) -> Reports:
        now = self.stamp()
        with self._lock:
            if now != self._stamp:
                self._items.clear()
                self._stamp = now
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = build(self.store)  # outside the lock: two threads may build the same report once each
        with self._lock:
            if self._stamp == now:
                self._items[key] = value
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return value


def plan_url(plan: int, section: str | None) -> str:
    return f"/plans/{plan}#sec-{section}" if section else f"/plans/{plan}"


# -- coverage ------------------------------------------------------------------------------------
def topic_groups() -> list[str]:
    seen: dict[str, None] = {}
    for t in topics():
        seen.setdefault(t.group, None)
    return list(seen)


def _coverage(cache: CompareCache, topic: str | None, group: str | None) -> Any:
    names = [t.name for t in topics()]
    if topic is not None and topic not in names:
        raise Invalid(f"unknown topic / 未知主题: {topic}", {"topics": names})
    groups = topic_groups()
    if group is not None and group not in groups:
        raise Invalid(f"unknown group / 未知主题类别: {group}", {"groups": groups})
    return cache.get(("coverage", topic, group), lambda s: compare_coverage(s, topic=topic, group=group))


def coverage_view(cache: CompareCache, topic: str | None, group: str | None) -> dict[str, Any]:
    data: dict[str, Any] = _coverage(cache, topic, group).to_json()
    for row in data["topics"]:
        row["covered"] = sum(1 for c in row["plans"].values() if c["sections"])
        for pid, cell in row["plans"].items():
            for hit in cell["hits"]:
                hit["url"] = plan_url(int(pid), hit.get("section"))
    filters = {k: v for k, v in (("topic", topic), ("group", group)) if v is not None}
    return {**data, "filters": filters, "topic_names": [t.name for t in topics()], "groups": topic_groups()}


def coverage_rows(cache: CompareCache, topic: str | None, group: str | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = _coverage(cache, topic, group).to_rows()
    return rows


# -- instruments ---------------------------------------------------------------------------------
def _instruments(cache: CompareCache) -> Any:
    return cache.get(("instruments",), compare_instruments)


def instruments_view(cache: CompareCache, plan: int | None) -> dict[str, Any]:
    report = _instruments(cache)
    data: dict[str, Any] = report.to_json()
    if plan is not None:
        data["tasks"] = [t for t in data["tasks"] if t["plan"] == plan]
    for t in data["tasks"]:
        t["url"] = plan_url(t["plan"], t["section"])
    types = [*TYPES, UNCLASSIFIED]
    names = {**TYPE_NAMES, UNCLASSIFIED: "未归类"}
    return {**data, "types": [{"type": k, "name": names[k]} for k in types],
            "filters": {"plan": plan} if plan is not None else {}}


def instruments_rows(cache: CompareCache, plan: int | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = _instruments(cache).to_rows()
    return [r for r in rows if plan is None or r["plan"] == plan]


# -- units -----------------------------------------------------------------------------------------
By = Literal["unit", "body"]


def _units(cache: CompareCache, by: By) -> Any:
    return cache.get(("units", by), lambda s: compare_units(s, by=by))


def units_view(cache: CompareCache, by: By) -> dict[str, Any]:
    data: dict[str, Any] = _units(cache, by).to_json()
    return {**data, "filters": {"by": by} if by != "unit" else {}}


def units_rows(cache: CompareCache, by: By) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = _units(cache, by).to_rows()
    return rows


# -- reuse -------------------------------------------------------------------------------------------
def _check_pair(a: int | None, b: int | None) -> None:
    if (a is None) != (b is None):
        raise Invalid("give two plans a and b, or neither / 请同时给出 a 和 b 两个规划")
    if a is not None and a == b:
        raise Invalid("compare reuse needs two different plans / 请选择两个不同的规划")


def _reuse(cache: CompareCache, a: int | None, b: int | None) -> Any:
    _check_pair(a, b)
    if a is not None and b is not None:
        return cache.get(("reuse", a, b), lambda s: compare_reuse_pair(s, a, b))
    return cache.get(("reuse",), compare_reuse)


def reuse_view(cache: CompareCache, a: int | None, b: int | None) -> dict[str, Any]:
    report = _reuse(cache, a, b)
    if a is not None and b is not None:
        pair = report.to_json()
        data: dict[str, Any] = {"plans": [pair["a"], pair["b"]], "clauses": None, "candidates": None, "aligned": None,
                                "pairs": [pair], "pair": pair, "filters": {"a": a, "b": b}}
    else:
        data = {**report.to_json(), "pair": None, "filters": {}}
    for pair in data["pairs"]:
        for p in pair["pairs"]:
            for side in (p["a"], p["b"]):
                side["url"] = plan_url(side["plan"], side["section"])
        pair["url"] = f"/compare/reuse?a={pair['a']['id']}&b={pair['b']['id']}"
    data["choices"] = [{"id": p.id, "title": p.title, "region": p.region} for p in cache.store.list_plans()]
    return data


def reuse_rows(cache: CompareCache, a: int | None, b: int | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = _reuse(cache, a, b).to_rows()
    return rows
