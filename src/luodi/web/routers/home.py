"""The start page, the API index, the language switch and the offline API docs."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from luodi import __version__
from luodi.web.deps import StoreDep
from luodi.web.queries.home import overview
from luodi.web.routers import json_response
from luodi.web.templating import render

router = APIRouter()


@router.get("/", include_in_schema=False)
def home(request: Request, store: StoreDep) -> Response:
    return render(request, "home.html", overview(store))


@router.get("/api", tags=["meta"])
def api_index(request: Request, store: StoreDep) -> Response:
    """What the store holds, and where the API and its description are."""
    data = overview(store)
    endpoints = sorted(request.app.openapi()["paths"])  # FastAPI builds the description once and keeps it
    return json_response({"luodi": __version__, "openapi": "/openapi.json", "docs": "/docs", "endpoints": endpoints, **data})


@router.get("/docs", include_in_schema=False)
def docs(request: Request) -> Response:
    """Swagger UI from the package's own static files (these machines have no internet)."""
    return render(request, "docs.html", {})


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return RedirectResponse("/static/favicon.svg", status_code=301)
