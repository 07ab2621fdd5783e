"""The scenario catalog (“城市+AI”应用场景清单): every plan's scenario rows, by domain, with units."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from itertools import groupby
from typing import Any

from sqlalchemy import ColumnElement, Text, func, literal, select, type_coerce, union_all

from luodi.store import Store
from luodi.store.schema import plans, records
from luodi.web.queries import Paging, like_pattern

_DOMAIN = records.c.data["domain"].as_string()
_NAME = records.c.data["name"].as_string()
_UNITS_TEXT = type_coerce(records.c.data["units"], Text)
_JOINED = records.join(plans, plans.c.id == records.c.plan_id)
NO_DOMAIN = "（未分类）"


@dataclass(frozen=True)
class ScenarioFilters:
    q: str | None = None
    domain: str | None = None
    unit: str | None = None
    region: str | None = None
    plan: int | None = None

    def active(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


def _conditions(f: ScenarioFilters) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [records.c.kind == "scenario"]
    if f.q:
        conds.append(_NAME.like(like_pattern(f.q.strip()), escape="\\"))
    if f.domain == NO_DOMAIN:
        conds.append(_DOMAIN.is_(None))
    elif f.domain:
        conds.append(_DOMAIN == f.domain)
    if f.unit:
        conds.append(_UNITS_TEXT.like(like_pattern(f.unit.strip()), escape="\\"))
    if f.region:
        conds.append(plans.c.region == f.region)
    if f.plan is not None:
        conds.append(records.c.plan_id == f.plan)
    return conds


def _row(r: Any) -> dict[str, Any]:
    d = r.data
    return {
        "plan_id": r.plan_id, "plan_title": r.title, "region": r.region, "seq": d.get("seq"), "domain": d.get("domain"),
        "name": d.get("name") or "", "units": list(d.get("units") or []), "table": d.get("table"),
    }


def scenario_rows(store: Store, f: ScenarioFilters, paging: Paging | None) -> tuple[list[dict[str, Any]], int]:
    conds = _conditions(f)
    query = (
        select(records.c.plan_id, records.c.data, plans.c.title, plans.c.region).select_from(_JOINED).where(*conds)
        .order_by(_DOMAIN.is_(None), _DOMAIN, records.c.plan_id, records.c.ord)
    )
    with store.engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(_JOINED).where(*conds)) or 0
        if paging is not None:
            query = query.limit(paging.per_page).offset(paging.offset)
        rows = [_row(r) for r in conn.execute(query)]
    return rows, total


def scenario_catalog(store: Store, f: ScenarioFilters, paging: Paging) -> dict[str, Any]:
    rows, total = scenario_rows(store, f, paging)
    domains = [
        {"domain": domain, "count": len(items), "scenarios": items}
        for domain, group in groupby(rows, key=lambda r: r["domain"] or NO_DOMAIN)
        for items in [list(group)]
    ]
    with store.engine.connect() as conn:
        facets = _facets(conn, _conditions(f), f)
    return {"domains": domains, **paging.describe(total), "facets": facets, "filters": f.active()}


def _facets(conn: Any, conds: list[ColumnElement[bool]], f: ScenarioFilters) -> dict[str, list[dict[str, Any]]]:
    grouped = [
        select(literal(name).label("facet"), func.coalesce(col, NO_DOMAIN if name == "domain" else "").label("value"),
               func.count().label("n")).select_from(_JOINED).where(*conds).group_by(col)
        for name, col in (("domain", _DOMAIN), ("region", plans.c.region))
    ]
    counts: dict[str, Counter[str]] = {"domain": Counter(), "region": Counter()}
    for facet, value, n in conn.execute(union_all(*grouped)):
        if value:
            counts[facet][str(value)] += n
    selected = {k: str(v) for k, v in f.active().items()}
    return {
        name: [{"value": v, "count": n, "selected": selected.get(name) == v} for v, n in c.most_common(40)]
        for name, c in counts.items()
    }
