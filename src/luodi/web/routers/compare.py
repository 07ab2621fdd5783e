"""Comparisons across plans (issue 6): topic coverage, policy instruments, responsible units
and text reuse.  Public like the targets page: they are derived from the plans' public texts."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import HTMLResponse, Response

from luodi.web import export, schemas
from luodi.web.queries.compare import (
    CompareCache,
    coverage_rows,
    coverage_view,
    instruments_rows,
    instruments_view,
    reuse_rows,
    reuse_view,
    units_rows,
    units_view,
)
from luodi.web.routers import FormatQ, OptId, OptText50, json_response
from luodi.web.templating import render

router = APIRouter()


async def compare_cache(request: Request) -> CompareCache:
    cache: CompareCache = request.app.state.compare
    return cache


CacheDep = Annotated[CompareCache, Depends(compare_cache)]
TopicQ = Annotated[OptText50, Query(description="only this topic of the taxonomy, e.g. 大模型")]
GroupQ = Annotated[OptText50, Query(description="only this group of topics, e.g. 应用场景")]
PlanQ = Annotated[OptId, Query(description="only this plan's tasks")]
ByQ = Annotated[Literal["unit", "body"], Query(description="unit as named (成都市科学技术局), or body without the region")]
AQ = Annotated[OptId, Query(description="a plan (left); with b, compare just these two")]
BQ = Annotated[OptId, Query(description="another plan (right)")]

COVERAGE_COLUMNS: list[export.Column] = [
    ("topic", "主题 topic"), ("group", "类别 group"), ("plan", "规划编号 plan"), ("plan_label", "规划 plan label"),
    ("sections", "条款数 sections"), ("mentions", "提及次数 mentions"), ("section_ids", "章节 section ids"),
    ("words", "关键词 words"),
]
INSTRUMENT_COLUMNS: list[export.Column] = [
    ("plan", "规划编号 plan"), ("plan_label", "规划 plan label"), ("section", "章节 section"), ("heading", "标题 heading"),
    ("type", "工具类型 type"), ("subtype", "子类 subtype"), ("score", "得分 score"), ("explanation", "判定规则 rule"),
]
UNIT_COLUMNS: list[export.Column] = [
    ("unit", "责任单位 unit"), ("plan", "规划编号 plan"), ("plan_label", "规划 plan label"), ("led", "牵头 led"),
    ("first_listed", "首列 listed first"), ("co", "参与 co-responsible"), ("total", "合计 total"),
    ("sections", "章节 sections"),
]
REUSE_COLUMNS: list[export.Column] = [
    ("plan_a", "规划A plan a"), ("section_a", "章节A section a"), ("span_a", "位置A span a"), ("text_a", "文本A text a"),
    ("plan_b", "规划B plan b"), ("section_b", "章节B section b"), ("span_b", "位置B span b"), ("text_b", "文本B text b"),
    ("ratio", "相似度 ratio"), ("containment", "包含度 containment"), ("chars", "字数 chars"),
]


# -- coverage --------------------------------------------------------------------------------------
@router.get("/compare/coverage", include_in_schema=False, response_class=HTMLResponse)
def coverage_page(request: Request, cache: CacheDep, topic: TopicQ = None, group: GroupQ = None) -> Response:
    return render(request, "compare_coverage.html", coverage_view(cache, topic, group))


@router.get("/api/compare/coverage", tags=["compare"], response_model=None,
            responses=schemas.json_responses(schemas.CompareCoverage, tables=True))
def api_coverage(cache: CacheDep, topic: TopicQ = None, group: GroupQ = None, format: FormatQ = "json") -> Response:
    """Plans × topics of the maintained taxonomy: matching sections and mentions per plan, with links.
    Downloads hold one row per topic and plan."""
    if format != "json":
        return export.download(coverage_rows(cache, topic, group), COVERAGE_COLUMNS, format, "coverage")
    return json_response(coverage_view(cache, topic, group))


# -- instruments -----------------------------------------------------------------------------------
@router.get("/compare/instruments", include_in_schema=False, response_class=HTMLResponse)
def instruments_page(request: Request, cache: CacheDep, plan: PlanQ = None) -> Response:
    return render(request, "compare_instruments.html", instruments_view(cache, plan))


@router.get("/api/compare/instruments", tags=["compare"], response_model=None,
            responses=schemas.json_responses(schemas.CompareInstruments, tables=True))
def api_instruments(cache: CacheDep, plan: PlanQ = None, format: FormatQ = "json") -> Response:
    """Tasks as supply-, environment- or demand-side policy instruments: a profile per plan and every
    task with the rule that decided it.  Downloads hold one row per task."""
    if format != "json":
        return export.download(instruments_rows(cache, plan), INSTRUMENT_COLUMNS, format, "instruments")
    return json_response(instruments_view(cache, plan))


# -- units -------------------------------------------------------------------------------------------
@router.get("/compare/units", include_in_schema=False, response_class=HTMLResponse)
def units_page(request: Request, cache: CacheDep, by: ByQ = "unit") -> Response:
    return render(request, "compare_units.html", units_view(cache, by))


@router.get("/api/compare/units", tags=["compare"], response_model=None,
            responses=schemas.json_responses(schemas.CompareUnits, tables=True))
def api_units(cache: CacheDep, by: ByQ = "unit", format: FormatQ = "json") -> Response:
    """Tasks per responsible unit and plan: led (牵头), listed first, co-responsible.
    Downloads hold one row per unit and plan."""
    if format != "json":
        return export.download(units_rows(cache, by), UNIT_COLUMNS, format, "units")
    return json_response(units_view(cache, by))


# -- reuse -------------------------------------------------------------------------------------------
@router.get("/compare/reuse", include_in_schema=False, response_class=HTMLResponse)
def reuse_page(request: Request, cache: CacheDep, a: AQ = None, b: BQ = None) -> Response:
    return render(request, "compare_reuse.html", reuse_view(cache, a, b))


@router.get("/api/compare/reuse", tags=["compare"], response_model=None,
            responses=schemas.json_responses(schemas.CompareReuse, tables=True))
def api_reuse(cache: CacheDep, a: AQ = None, b: BQ = None, format: FormatQ = "json") -> Response:
    """Passages one plan reuses from another, with scores: every pair of plans, or just ``a`` and ``b``
    (side by side).  Downloads hold one row per passage pair."""
    if format != "json":
        return export.download(reuse_rows(cache, a, b), REUSE_COLUMNS, format, "reuse")
    return json_response(reuse_view(cache, a, b))

