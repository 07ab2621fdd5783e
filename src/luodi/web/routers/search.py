"""Search over all plans' sections, targets, milestones and scenarios."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import HTMLResponse, Response

from luodi.web import schemas
from luodi.web.deps import StoreDep
from luodi.web.queries.search import SearchFilters, search_page
from luodi.web.routers import OptId, OptText50, OptText100, OptText200, OptYear, PagingDep, json_response
from luodi.web.templating import render

router = APIRouter()

Q = Annotated[OptText200, Query(description='words, "a phrase", OR, -excluded')]


async def search_filters(
    region: Annotated[OptText100, Query(description="a region or province")] = None,
    year: Annotated[OptYear, Query(description="year the plan was issued")] = None,
    level: Annotated[Literal["national", "province", "city", "district"] | None, Query()] = None,
    doc_type: Annotated[OptText50, Query()] = None,
    kind: Annotated[Literal["section", "target", "milestone", "scenario"] | None, Query()] = None,
    plan: Annotated[OptId, Query()] = None,
) -> SearchFilters:
    return SearchFilters(region=region, year=year, level=level, doc_type=doc_type, kind=kind, plan=plan)


Filters = Annotated[SearchFilters, Depends(search_filters)]


@router.get("/search", include_in_schema=False, response_class=HTMLResponse)
def search_html(request: Request, store: StoreDep, filters: Filters, paging: PagingDep, q: Q = None) -> Response:
    return render(request, "search.html", search_page(store, q, filters, paging))


@router.get("/api/search", tags=["search"], response_model=None, responses=schemas.json_responses(schemas.SearchResults))
def api_search(store: StoreDep, filters: Filters, paging: PagingDep, q: Q = None) -> Response:
    """Ranked matches with snippets (``snippet_html`` is escaped, matches in ``<mark>``) and facets."""
    return json_response(search_page(store, q, filters, paging))
