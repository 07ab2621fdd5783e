"""``compare targets``: like-for-like targets across plans and years.

Plans name one measure many ways (人工智能核心产业规模, 产业核心规模, 全省核心产业规模) and
in many units (亿元, 万亿元, 万元).  A target joins a *metric group* from
``data/metrics.tsv`` after :func:`normalise_metric`, and its value is restated in the
group's base unit (:func:`normalise_unit`) beside the value as written.  Every cell keeps
the quote and span it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from luodi.analysis.corpus import Link, Pattern, PlanDoc, PlanRef, PlanSource, as_plans, compile_pattern, read_tsv, split_cell
from luodi.text import to_simplified

# -- metric names ------------------------------------------------------------------------------
_NOISE = re.compile(r"[\s\W_]+")  # spaces and punctuation (\W keeps CJK, letters, digits)
_SCOPE = re.compile(r"^(?:全市|全省|全区|全县|全国|我市|我省|我区|本市|本省|本区|全域|市级|省级|带动)+")
_AI = re.compile(r"^(?:新一代)?(?:人工智能|ai|AI)")
_SYNONYMS = (("总规模", "规模"), ("整体规模", "规模"), ("营业收入", "营收"), ("总产值", "产值"))


def _place_names(region: str | None) -> list[str]:
    """深圳市 → [深圳市, 深圳]; 广东省 → [广东省, 广东] (longest first)."""
    if not region:
        return []
    names = {region}
    short = re.sub(r"(?:特别行政区|自治区|省|市|区|县)$", "", region)
    if len(short) >= 2:
        names.add(short)
    return sorted(names, key=len, reverse=True)


def normalise_metric(metric: str, places: Iterable[str] = ()) -> str:
    """The comparable core of a metric name (see the header of data/metrics.tsv)."""
    text = _NOISE.sub("", to_simplified(metric))
    names = sorted(set(places), key=len, reverse=True)
    changed = True
    while changed:  # prefixes come in any order: 广东全省…, 全市人工智能…
        before = text
        for name in names:
            if text.startswith(name) and len(text) > len(name):
                text = text[len(name) :]
        text = _SCOPE.sub("", text) or text
        text = _AI.sub("", text) or text
        changed = text != before
    for old, new in _SYNONYMS:
        text = text.replace(old, new)
    return text


@dataclass(frozen=True)
class MetricGroup:
    canonical: str
    variants: frozenset[str]  # normalised written forms
    regexes: tuple[Pattern, ...]

    def matches(self, key: str) -> bool:
        return key in self.variants or any(p.regex.search(key) for p in self.regexes)


@cache
def metric_groups() -> tuple[MetricGroup, ...]:
    groups = []
    for row in read_tsv("metrics.tsv"):
        canonical, cell = row[0], row[1] if len(row) > 1 else ""
        items = split_cell(cell)
        variants = frozenset(normalise_metric(v) for v in [canonical, *(v for v in items if not v.startswith("re:"))])
        regexes = tuple(compile_pattern(v) for v in items if v.startswith("re:"))
        groups.append(MetricGroup(canonical, variants, regexes))
    return tuple(groups)


def metric_group(metric: str, places: Iterable[str] = ()) -> str:
    """Canonical metric of ``metric`` (its group's name, else its normalised form)."""
    key = normalise_metric(metric, places)
    for group in metric_groups():  # file order: the first group that matches wins
        if group.matches(key):
            return group.canonical
    return key


# -- units ---------------------------------------------------------------------------------------
_MULT = {"万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "十亿": 1e9, "亿": 1e8, "千万": 1e7, "百万": 1e6, "十万": 1e5,
         "万": 1e4, "千": 1e3, "百": 1e2, "": 1.0}
_MULT_RE = "(万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千|百)?"
_MONEY = re.compile(rf"^{_MULT_RE}(元|美元|港元|欧元|人民币)$")
# Count words keep their own unit (家, 个, 项…); only a 万/亿 in front is multiplied out.
_COUNT = re.compile(rf"^{_MULT_RE}(家|个|项|人|台|架|件|套|辆|座|所|条|张|次|户|名|款|位|支|批|只|部|场|种|篇|例|GW|MW)$")
_FLOPS = re.compile(r"^(E|P|T)(?:FLOPS|Flops|flops|FLOP/S)$")
_FLOPS_FACTOR = {"E": 1000.0, "P": 1.0, "T": 0.001}


@dataclass(frozen=True)
class UnitNorm:
    base: str  # the unit values are restated in
    factor: float  # value × factor = value in base


def normalise_unit(unit: str | None) -> UnitNorm:
    """Base unit and factor: money in 亿 of its currency (万亿元 ×10000, 万元 ×0.0001),
    counts as written with 万/亿 multiplied out (万台 → 台 ×10000), computing power in
    PFLOPS (EFLOPS ×1000); anything else (%, 倍, 成…) unchanged."""
    text = to_simplified((unit or "").strip())
    if m := _MONEY.match(text):
        currency = "元" if m.group(2) == "人民币" else m.group(2)
        return UnitNorm(f"亿{currency}", _MULT[m.group(1) or ""] / 1e8)
    if m := _COUNT.match(text):
        return UnitNorm(m.group(2), _MULT[m.group(1) or ""])
    if m := _FLOPS.match(text):
        return UnitNorm("PFLOPS", _FLOPS_FACTOR[m.group(1)])
    return UnitNorm(text, 1.0)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.4f}".rstrip("0").rstrip(".").replace(",", "")


_POSTFIX = ("以上", "以内", "以下", "左右", "余", "多")


def written(value: float | None, value_max: float | None, unit: str, qualifier: str | None) -> str:
    """The value as the plan states it: 突破100亿元, 3–5个, 10家以上."""
    number = _number(value) + (f"–{_number(value_max)}" if value_max is not None else "")
    q = qualifier or ""
    if q in _POSTFIX:
        return f"{number}{unit}{q}"
    return f"{q}{number}{unit}"


# -- the comparison ------------------------------------------------------------------------------
@dataclass(frozen=True)
class TargetCell:
    plan: int
    year: int | None
    kind: str  # target | baseline
    metric: str  # as written (simplified)
    value: float | None
    value_max: float | None
    unit: str  # as written (simplified)
    qualifier: str | None
    value_norm: float | None  # in the row's base unit
    value_max_norm: float | None
    link: Link

    @property
    def written(self) -> str:
        return written(self.value, self.value_max, self.unit, self.qualifier)

    @property
    def normalised(self) -> str:
        return _number(self.value_norm) + (f"–{_number(self.value_max_norm)}" if self.value_max_norm is not None else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "plan": self.plan, "year": self.year, "kind": self.kind, "metric": self.metric, "value": self.value,
            "value_max": self.value_max, "unit": self.unit, "qualifier": self.qualifier, "written": self.written,
            "value_norm": self.value_norm, "value_max_norm": self.value_max_norm, **_link_fields(self.link),
        }


def _link_fields(link: Link) -> dict[str, Any]:
    return {"section": link.section, "span": list(link.span) if link.span else None, "quote": link.quote}


@dataclass
class MetricRow:
    metric: str  # canonical
    unit: str  # base unit of value_norm
    cells: list[TargetCell] = field(default_factory=list)

    @property
    def plans(self) -> list[int]:
        return sorted({c.plan for c in self.cells})

    @property
    def years(self) -> list[int]:
        return sorted({c.year for c in self.cells if c.year is not None})

    def to_json(self) -> dict[str, Any]:
        return {"metric": self.metric, "unit": self.unit, "plans": self.plans, "years": self.years,
                "cells": [c.to_json() for c in self.cells]}


@dataclass
class TargetComparison:
    plans: list[PlanRef]
    rows: list[MetricRow]

    def to_json(self) -> dict[str, Any]:
        return {"plans": [p.to_json() for p in self.plans], "metrics": [r.to_json() for r in self.rows]}

    def to_rows(self) -> list[dict[str, Any]]:
        """One flat row per cell (for CSV)."""
        labels = {p.id: p.label for p in self.plans}
        return [
            {"metric": r.metric, "unit_norm": r.unit, "plan_label": labels.get(c.plan, ""), **c.to_json()}
            for r in self.rows
            for c in r.cells
        ]


def compare_targets(
    source: PlanSource,
    metric: str | None = None,
    *,
    plans: Iterable[str | int] | None = None,
    baselines: bool = False,
    min_plans: int = 2,
) -> TargetComparison:
    """Targets grouped by canonical metric and base unit, a row per group.

    ``metric``: only that metric's group (written any way the groups know); otherwise the
    groups that at least ``min_plans`` plans share (1 = every metric).  ``baselines``:
    also the plans' stated baselines (kind ``baseline``)."""
    docs = as_plans(source, plans)
    rows: dict[tuple[str, str], MetricRow] = {}
    for plan in docs:
        for cell, canonical, base in _cells(plan, baselines):
            rows.setdefault((canonical, base), MetricRow(canonical, base)).cells.append(cell)
    wanted = metric_group(metric) if metric else None
    selected = [
        r for r in rows.values()
        if (r.metric == wanted if wanted else len(r.plans) >= min_plans)
    ]
    for r in selected:
        r.cells.sort(key=lambda c: (c.plan, c.year or 0, c.kind != "baseline", c.link.span or (0, 0)))
    selected.sort(key=lambda r: (_group_order(r.metric), -len(r.plans), r.metric, r.unit))
    return TargetComparison([p.ref for p in docs], selected)


def _group_order(canonical: str) -> int:
    order = {g.canonical: i for i, g in enumerate(metric_groups())}
    return order.get(canonical, len(order))


def _cells(plan: PlanDoc, baselines: bool) -> Iterable[tuple[TargetCell, str, str]]:
    meta = plan.doc.meta
    places = _place_names(meta.region) + _place_names(meta.province)
    for rec in plan.doc.targets:
        kind = rec.get("kind") or "target"
        if not rec.get("metric") or (kind == "baseline" and not baselines) or kind not in ("target", "baseline"):
            continue
        unit = to_simplified(rec.get("unit") or "")
        norm = normalise_unit(unit)
        value, value_max = rec.get("value"), rec.get("value_max")
        span = rec.get("span")
        qualifier = to_simplified(rec["qualifier"]) if rec.get("qualifier") else None
        cell = TargetCell(
            plan=plan.ref.id, year=rec.get("year"), kind=kind, metric=to_simplified(rec["metric"]),
            value=value, value_max=value_max, unit=unit, qualifier=qualifier,
            value_norm=_scaled(value, norm.factor), value_max_norm=_scaled(value_max, norm.factor),
            link=Link(plan.ref.id, rec.get("section"), (span[0], span[1]) if span else None, rec.get("quote")),
        )
        yield cell, metric_group(rec["metric"], places), norm.base


def _scaled(value: float | None, factor: float) -> float | None:
    # round away float noise (1.8 × 10000 = 18000.000000000004)
    return None if value is None else round(value * factor, 6)
