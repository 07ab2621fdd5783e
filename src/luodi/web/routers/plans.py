"""Plans: the faceted list (``/plans``) and a plan's page (``/plans/{id}``), with their JSON twins."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, Response

from luodi.web import export, schemas
from luodi.web.deps import StoreDep
from luodi.web.queries.plans import Links, PlanFilters, plan_head, plan_list, plan_page
from luodi.web.routers import (
    FormatQ,
    OptText20,
    OptText50,
    OptText100,
    OptText200,
    OptYear,
    PagingDep,
    cached,
    current_catalog,
    json_response,
)
from luodi.web.templating import lang_of, render_around, render_fragment

router = APIRouter()

PlanId = Annotated[int, Path(ge=1, le=2**62, description="plan id")]
PLAN_COLUMNS: list[export.Column] = [
    ("id", "编号 id"), ("title", "标题 title"), ("doc_number", "文号 number"), ("issuers", "发文机关 issuers"),
    ("issued", "成文日期 issued"), ("region", "地区 region"), ("level", "层级 level"), ("doc_type", "类型 type"),
    ("period", "规划期 period"), ("n_sections", "章节数 sections"),
]


async def plan_filters(
    q: Annotated[OptText200, Query(description="words in the title, number, issuer or region")] = None,
    region: Annotated[OptText100, Query()] = None,
    level: Annotated[OptText20, Query(description="national, province, city or district")] = None,
    year: Annotated[OptYear, Query(description="year issued")] = None,
    issuer: Annotated[OptText200, Query()] = None,
    doc_type: Annotated[OptText50, Query()] = None,
) -> PlanFilters:
    return PlanFilters(q=q, region=region, level=level, year=year, issuer=issuer, doc_type=doc_type)


Filters = Annotated[PlanFilters, Depends(plan_filters)]
# The list and the plan pages are the most requested: their handlers are async and serve
# cached bytes on the event loop; only cache misses go to the thread pool (see ``cached``).


@router.get("/plans", include_in_schema=False, response_class=HTMLResponse)
async def plans_page(request: Request, filters: Filters, paging: PagingDep) -> Response:
    """The list body depends only on the selection, the page and the language: cached per catalog."""
    cat, lang = await current_catalog(request), lang_of(request)

    def build() -> bytes:
        return render_fragment(request, "plans_body.html", plan_list(cat, filters, paging), lang).encode("utf-8")

    body = await cached(request, ("plans-body", cat.generation, request.url.query, lang), build)
    return render_around(request, "plans.html", {}, body)


@router.get("/api/plans", tags=["plans"], response_model=None, responses=schemas.json_responses(schemas.PlanList, tables=True))
async def api_plans(request: Request, filters: Filters, paging: PagingDep, format: FormatQ = "json") -> Response:
    """Plans with facets (region, level, year, issuer, document type), search and paging."""
    data = plan_list(await current_catalog(request), filters, paging)
    if format != "json":
        return await run_in_threadpool(export.download, data["plans"], PLAN_COLUMNS, format, "plans")
    return json_response(data)


def _links(request: Request) -> Links:
    return Links(tracking=bool(request.app.state.tracking))


@router.get("/plans/{plan_id}", include_in_schema=False, response_class=HTMLResponse)
async def plan_view(request: Request, store: StoreDep, plan_id: PlanId) -> Response:
    """The plan's body (highlighted text, source panel) is rendered once per version and language."""
    lang = lang_of(request)
    head = plan_head(await current_catalog(request), plan_id)

    def build() -> bytes:
        data = plan_page(store, plan_id, _links(request))
        return render_fragment(request, "plan_body.html", data, lang).encode("utf-8")

    body = await cached(request, ("plan-body", plan_id, head.version, lang), build)
    return render_around(request, "plan.html", {"id": plan_id, "title": head.title}, body)


@router.get(
    "/api/plans/{plan_id}", tags=["plans"], response_model=None, responses=schemas.json_responses(schemas.PlanDocument)
)
async def api_plan(request: Request, store: StoreDep, plan_id: PlanId) -> Response:
    """The plan as ``luodi/document@1`` JSON (docs/json-contract.md), with ``id`` and ``ingested_at``."""
    head = plan_head(await current_catalog(request), plan_id)
    body = await cached(request, ("plan-json", plan_id, head.version), lambda: orjson.dumps(store.get_plan(plan_id)))
    return Response(body, media_type="application/json")


@router.get(
    "/api/plans/{plan_id}/source", tags=["plans"], response_model=None, responses=schemas.json_responses(schemas.PlanSource)
)
def api_plan_source(request: Request, store: StoreDep, plan_id: PlanId) -> Response:
    """The source text every ``span`` of the document points into."""
    plan_head(request.app.state.catalog.get(), plan_id)
    doc = store.load_document(plan_id)
    return json_response({"id": plan_id, "format": doc.raw.format, "encoding": doc.raw.encoding, "text": doc.raw.text})
