"""One error shape for the whole web app.

The JSON API answers every failure with the same envelope::

    {"ok": false, "error": {"status": 404, "message": "plan not found: 99", "detail": null}}

and HTML pages show the same status and message on an error page.  Bad input is a 4xx
(401 not signed in, 403 not allowed, 404 unknown, 413/415 upload refused, 422 invalid);
only a bug is a 500, and its message never leaks internals.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import orjson

from luodi.errors import LuodiError

if TYPE_CHECKING:  # the web stack loads with the app, not with the error classes (``luodi user`` uses them)
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from starlette.responses import Response

log = logging.getLogger("luodi.web")


class WebError(LuodiError):
    """An error the web layer raises on purpose; ``status`` is its HTTP status."""

    status = 400

    def __init__(self, message: str, detail: Any = None) -> None:
        self.message = message
        self.detail = detail
        super().__init__(message)


class BadRequest(WebError):
    status = 400


class Unauthorized(WebError):
    status = 401

    def __init__(self, message: str = "sign in first / 请先登录", detail: Any = None) -> None:
        super().__init__(message, detail)


class Forbidden(WebError):
    status = 403

    def __init__(self, message: str = "not allowed / 无权执行此操作", detail: Any = None) -> None:
        super().__init__(message, detail)


class NotFoundError(WebError):
    status = 404


class Conflict(WebError):
    status = 409


class PayloadTooLarge(WebError):
    status = 413


class UnsupportedMediaType(WebError):
    status = 415


class Invalid(WebError):
    status = 422


def envelope(status: int, message: str, detail: Any = None) -> dict[str, Any]:
    return {"ok": False, "error": {"status": status, "message": message, "detail": detail}}


def json_error(status: int, message: str, detail: Any = None, headers: dict[str, str] | None = None) -> Response:
    from starlette.responses import Response

    body = orjson.dumps(envelope(status, message, detail), default=str)
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def wants_json(request: Request) -> bool:
    """API paths always get JSON; elsewhere a client that asks for JSON and not HTML does."""
    if request.url.path.startswith("/api/") or request.url.path == "/api":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(request: Request, status: int, message: str, detail: Any = None,
                   headers: dict[str, str] | None = None) -> Response:
    if wants_json(request):
        return json_error(status, message, detail, headers)
    from luodi.web.templating import render_error  # late: templates need the app state

    return render_error(request, status, message, headers)


def _validation_detail(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Only where and why: echoing the input back could reflect a large or hostile payload.
    return [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()]


async def _on_http(request: Request, exc: Exception) -> Response:
    from starlette.exceptions import HTTPException as StarletteHTTPException

    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else _reason(exc.status_code)
    return error_response(request, exc.status_code, message, None, dict(exc.headers or {}))


async def _on_validation(request: Request, exc: Exception) -> Response:
    from fastapi.exceptions import RequestValidationError

    assert isinstance(exc, RequestValidationError)
    return error_response(request, 422, "invalid request / 请求参数无效", _validation_detail(exc))


async def _on_luodi(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LuodiError)
    status = exc.status if 400 <= exc.status < 600 else 500
    if status >= 500:
        log.error("%s %s: %s", request.method, request.url.path, exc, exc_info=exc)
        return error_response(request, status, "internal error / 服务器内部错误")
    detail = exc.detail if isinstance(exc, WebError) else None
    return error_response(request, status, str(exc), detail)


async def _on_crash(request: Request, exc: Exception) -> Response:
    log.error("%s %s crashed", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, "internal error / 服务器内部错误")


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "error"


def install(app: FastAPI) -> None:
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException as StarletteHTTPException

    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(LuodiError, _on_luodi)
    app.add_exception_handler(Exception, _on_crash)
