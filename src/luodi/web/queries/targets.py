"""Targets: every quantitative target and baseline of the stored plans, and a chart of like
targets compared across plans and years (:func:`luodi.analysis.metrics.compare_targets`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import ColumnElement, String, func, literal, select, union_all

from luodi.analysis.corpus import PlanDoc
from luodi.analysis.metrics import MetricRow, compare_targets, metric_group
from luodi.clean.mapped import MappedText
from luodi.document import Document, Metadata, Period, RawDocument
from luodi.store import Store
from luodi.store.schema import plans, records
from luodi.web.queries import Paging, like_pattern

_KIND = records.c.data["kind"].as_string()
_YEAR = records.c.data["year"].as_integer()
_METRIC = records.c.data["metric"].as_string()
_UNIT = records.c.data["unit"].as_string()


@dataclass(frozen=True)
class TargetFilters:
    metric: str | None = None
    region: str | None = None
    year: int | None = None
    kind: str | None = None  # target | baseline
    plan: int | None = None

    def active(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


def _conditions(f: TargetFilters, *, with_metric: bool = True) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [records.c.kind == "target"]
    if f.metric and with_metric:
        conds.append(_METRIC.like(like_pattern(f.metric.strip()), escape="\\"))
    if f.region:
        conds.append(plans.c.region == f.region)
    if f.year is not None:
        conds.append(_YEAR == f.year)
    if f.kind:
        conds.append(_KIND == f.kind)
    if f.plan is not None:
        conds.append(records.c.plan_id == f.plan)
    return conds


_JOINED = records.join(plans, plans.c.id == records.c.plan_id)
_ROW_COLUMNS = (records.c.plan_id, records.c.ord, records.c.data, plans.c.title, plans.c.region, plans.c.province)


def _row(r: Any) -> dict[str, Any]:
    d = r.data
    return {
        "plan_id": r.plan_id, "plan_title": r.title, "region": r.region, "n": r.ord, "kind": d.get("kind"),
        "year": d.get("year"), "metric": d.get("metric"), "metric_group": metric_group(d["metric"]) if d.get("metric") else None,
        "value": d.get("value"), "value_max": d.get("value_max"), "unit": d.get("unit"), "qualifier": d.get("qualifier"),
        "binding": d.get("binding"), "quote": d.get("quote"), "section": d.get("section"),
        "url": f"/plans/{r.plan_id}#target-{r.ord}-text",
    }


def target_list(store: Store, f: TargetFilters, paging: Paging, chart: bool = True) -> dict[str, Any]:
    conds = _conditions(f)
    with store.engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(_JOINED).where(*conds)) or 0
        rows = conn.execute(
            select(*_ROW_COLUMNS).select_from(_JOINED).where(*conds)
            .order_by(records.c.plan_id, records.c.ord).limit(paging.per_page).offset(paging.offset)
        ).all()
        facets = _facets(conn, conds, f)
    data = {"targets": [_row(r) for r in rows], **paging.describe(total), "facets": facets, "filters": f.active(), "chart": None}
    if chart:
        data["chart"], data["metrics"] = comparison_chart(store, f)
    return data


def _facets(conn: Any, conds: list[ColumnElement[bool]], f: TargetFilters) -> dict[str, list[dict[str, Any]]]:
    grouped = [
        select(literal(name).label("facet"), col.label("value"), func.count().label("n"))
        .select_from(_JOINED).where(*conds).group_by(col)
        for name, col in (("region", plans.c.region), ("year", _YEAR.cast(String)), ("kind", _KIND), ("unit", _UNIT))
    ]
    counts: dict[str, Counter[str]] = {"region": Counter(), "year": Counter(), "kind": Counter(), "unit": Counter()}
    for facet, value, n in conn.execute(union_all(*grouped)):
        if value not in (None, ""):
            counts[facet][str(value)] += n
    selected = {k: str(v) for k, v in f.active().items()}
    out = {}
    for name, c in counts.items():
        items = sorted(c.items(), reverse=True) if name == "year" else c.most_common(30)
        out[name] = [{"value": v, "count": n, "selected": selected.get(name) == v} for v, n in items]
    return out


# -- the comparison chart ------------------------------------------------------------------
def comparison_chart(store: Store, f: TargetFilters) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The chart of the chosen metric (or the one most plans share) and the metrics to choose from.

    The comparison reads only targets and plan metadata, so the plans are handed to it as
    small in-memory documents instead of being loaded whole."""
    docs = _plan_docs(store, f)
    cmp = compare_targets(docs, f.metric or None, baselines=f.kind == "baseline", min_plans=1 if f.metric else 2)
    labels = {p.id: f"{p.region or ''} #{p.id}".strip() for p in cmp.plans}
    metrics = [{"metric": r.metric, "unit": r.unit, "plans": len(r.plans)} for r in cmp.rows[:40]]
    if not cmp.rows:
        return None, metrics
    row = max(cmp.rows, key=lambda r: (len(r.plans), len(r.cells))) if f.metric else cmp.rows[0]
    return _chart(row, labels), metrics


def _chart(row: MetricRow, labels: dict[int, str]) -> dict[str, Any]:
    # Targets only when there are any: a baseline and a target of one plan in one year would collide.
    cells = [c for c in row.cells if c.kind == "target"] or row.cells
    years = sorted({c.year for c in cells if c.year is not None})
    series: dict[int, dict[int, float | None]] = {}
    for c in cells:
        if c.year is not None:
            value = c.value_max_norm if c.value_max_norm is not None else c.value_norm
            series.setdefault(c.plan, {})[c.year] = value
    return {
        "title": row.metric, "unit": row.unit, "categories": [str(y) for y in years],
        "series": [{"name": labels.get(p, f"#{p}"), "data": [vals.get(y) for y in years]} for p, vals in sorted(series.items())],
    }


def _plan_docs(store: Store, f: TargetFilters) -> list[PlanDoc]:
    conds = _conditions(f, with_metric=False)
    cols = (records.c.plan_id, records.c.data, plans.c.title, plans.c.region, plans.c.province, plans.c.level,
            plans.c.issued, plans.c.period_start, plans.c.period_end)
    by_plan: dict[int, PlanDoc] = {}
    with store.engine.connect() as conn:
        for r in conn.execute(select(*cols).select_from(_JOINED).where(*conds).order_by(records.c.plan_id, records.c.ord)):
            plan = by_plan.get(r.plan_id)
            if plan is None:
                plan = by_plan[r.plan_id] = PlanDoc.of(r.plan_id, _light_document(r))
            plan.doc.targets.append(r.data)
    return list(by_plan.values())


def _light_document(r: Any) -> Document:
    period = Period(r.period_start, r.period_end) if r.period_start is not None and r.period_end is not None else None
    meta = Metadata(title=r.title, region=r.region, province=r.province, level=r.level, issued=r.issued, period=period)
    raw = RawDocument(source="", format="text", text="", content_hash="")
    return Document(raw=raw, mapped=MappedText.identity(""), meta=meta)

