"""Targets: the table of every target and baseline, and the chart comparing like targets."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import HTMLResponse, Response

from luodi.web import export, schemas
from luodi.web.deps import StoreDep
from luodi.web.queries import Paging
from luodi.web.queries.targets import TargetFilters, target_list
from luodi.web.routers import FormatQ, OptId, OptText100, OptYear, PagingDep, json_response
from luodi.web.templating import render

router = APIRouter()

EXPORT_LIMIT = 100_000
TARGET_COLUMNS: list[export.Column] = [
    ("plan_id", "规划编号 plan"), ("plan_title", "规划 plan title"), ("region", "地区 region"), ("kind", "类别 kind"),
    ("year", "年份 year"), ("metric", "指标 metric"), ("metric_group", "可比指标 comparable metric"),
    ("qualifier", "限定 qualifier"), ("value", "数值 value"), ("value_max", "上限 value max"), ("unit", "单位 unit"),
    ("binding", "约束性 binding"), ("quote", "原文 quote"), ("section", "章节 section"),
]


async def target_filters(
    metric: Annotated[OptText100, Query(description="words of the metric, e.g. 核心产业规模")] = None,
    region: Annotated[OptText100, Query()] = None,
    year: Annotated[OptYear, Query(description="the target's year")] = None,
    kind: Annotated[Literal["target", "baseline"] | None, Query(description="target or baseline")] = None,
    plan: Annotated[OptId, Query(description="one plan's id")] = None,
) -> TargetFilters:
    return TargetFilters(metric=metric, region=region, year=year, kind=kind, plan=plan)


Filters = Annotated[TargetFilters, Depends(target_filters)]


@router.get("/targets", include_in_schema=False, response_class=HTMLResponse)
def targets_page(request: Request, store: StoreDep, filters: Filters, paging: PagingDep) -> Response:
    return render(request, "targets.html", target_list(store, filters, paging))


@router.get("/api/targets", tags=["targets"], response_model=None,
            responses=schemas.json_responses(schemas.TargetList, tables=True))
def api_targets(store: StoreDep, filters: Filters, paging: PagingDep, format: FormatQ = "json") -> Response:
    """Targets and baselines of all plans, filterable; ``chart`` compares like targets across plans and years
    (the metric asked for, else the one most plans share).  Downloads hold every matching row."""
    if format != "json":
        data = target_list(store, filters, Paging(1, EXPORT_LIMIT), chart=False)
        return export.download(data["targets"], TARGET_COLUMNS, format, "targets")
    return json_response(target_list(store, filters, paging))
