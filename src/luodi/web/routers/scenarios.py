"""The scenario catalog (“城市+AI”应用场景清单): public, by domain, as HTML, JSON, CSV and XLSX."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import HTMLResponse, Response

from luodi.web import export, schemas
from luodi.web.deps import StoreDep
from luodi.web.queries.scenarios import ScenarioFilters, scenario_catalog, scenario_rows
from luodi.web.routers import FormatQ, OptId, OptText100, PagingDep, json_response
from luodi.web.templating import render

router = APIRouter()

SCENARIO_COLUMNS: list[export.Column] = [
    ("domain", "领域 domain"), ("seq", "序号 no."), ("name", "场景名称 scenario"), ("units", "责任单位 units"),
    ("region", "地区 region"), ("plan_id", "规划编号 plan"), ("plan_title", "规划 plan title"), ("table", "清单 list"),
]


async def scenario_filters(
    q: Annotated[OptText100, Query(description="words of the scenario name")] = None,
    domain: Annotated[OptText100, Query()] = None,
    unit: Annotated[OptText100, Query(description="a responsible unit, as written")] = None,
    region: Annotated[OptText100, Query()] = None,
    plan: Annotated[OptId, Query()] = None,
) -> ScenarioFilters:
    return ScenarioFilters(q=q, domain=domain, unit=unit, region=region, plan=plan)


Filters = Annotated[ScenarioFilters, Depends(scenario_filters)]


@router.get("/scenarios", include_in_schema=False, response_class=HTMLResponse)
def scenarios_page(request: Request, store: StoreDep, filters: Filters, paging: PagingDep) -> Response:
    return render(request, "scenarios.html", scenario_catalog(store, filters, paging))


@router.get("/api/scenarios", tags=["scenarios"], response_model=None,
            responses=schemas.json_responses(schemas.ScenarioList, tables=True))
def api_scenarios(store: StoreDep, filters: Filters, paging: PagingDep, format: FormatQ = "json") -> Response:
    """The scenario catalog by domain, with responsible units; downloads hold every matching row."""
    if format != "json":
        rows, _ = scenario_rows(store, filters, None)
        return export.download(rows, SCENARIO_COLUMNS, format, "scenarios")
    return json_response(scenario_catalog(store, filters, paging))
