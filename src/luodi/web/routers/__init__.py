"""Routers, one per resource.  Each page route has a twin under ``/api`` returning the same
dict as JSON (tables also as CSV and XLSX); only the ``/api`` routes appear in OpenAPI."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Annotated, Any, Literal

import orjson
from fastapi import Depends, Query
from pydantic import BeforeValidator, Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from luodi.web.cache import ByteCache
from luodi.web.catalog import Catalog, CatalogCache
from luodi.web.queries import MAX_PER_PAGE, Paging


def blank_to_none(value: Any) -> Any:
    # HTML forms send empty fields as "": treat them as absent instead of failing validation.
    if isinstance(value, str) and not value.strip():
        return None
    return value


# Limits sit on the value inside the Optional: on the outside they would be applied to None.
OptText20 = Annotated[Annotated[str, Field(max_length=20)] | None, BeforeValidator(blank_to_none)]
OptText50 = Annotated[Annotated[str, Field(max_length=50)] | None, BeforeValidator(blank_to_none)]
OptText64 = Annotated[Annotated[str, Field(max_length=64)] | None, BeforeValidator(blank_to_none)]
OptText100 = Annotated[Annotated[str, Field(max_length=100)] | None, BeforeValidator(blank_to_none)]
OptText200 = Annotated[Annotated[str, Field(max_length=200)] | None, BeforeValidator(blank_to_none)]
OptYear = Annotated[Annotated[int, Field(ge=1900, le=2100)] | None, BeforeValidator(blank_to_none)]
OptId = Annotated[Annotated[int, Field(ge=1, le=2**62)] | None, BeforeValidator(blank_to_none)]

FormatQ = Annotated[Literal["json", "csv", "xlsx"], Query(description="json, or a download: csv (UTF-8 with BOM) or xlsx")]


async def paging(
    page: Annotated[int, Query(ge=1, le=100_000, description="page number, from 1")] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description="rows per page")] = 50,
) -> Paging:
    return Paging(page, per_page)


PagingDep = Annotated[Paging, Depends(paging)]


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    # orjson: several times faster than json for the large plan documents, UTF-8 without escapes.
    body = orjson.dumps(data, default=str, option=orjson.OPT_NON_STR_KEYS)
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def with_body(response: Response, data: Any) -> Response:
    """Replace a JSON response's body, keeping the cookies already set on it (a session's
    CSRF token is known only once its cookie has been made)."""
    response.body = orjson.dumps(data, default=str)
    response.headers["content-length"] = str(len(response.body))
    return response


async def cached(request: Request, key: Hashable, build: Callable[[], bytes]) -> bytes:
    """Bytes from the page cache; a miss is built in the thread pool (it reads the store and
    renders for milliseconds), a hit is served on the event loop without a thread hop."""
    cache: ByteCache = request.app.state.page_cache
    value = cache.get(key)
    if value is None:
        value = await run_in_threadpool(build)
        cache.put(key, value)
    return value


async def current_catalog(request: Request) -> Catalog:
    """The plan catalog; re-read (in the thread pool) only after the store changed."""
    cache: CatalogCache = request.app.state.catalog
    fresh = cache.fresh()
    return fresh if fresh is not None else await run_in_threadpool(cache.get)
