"""Signing in and out: the login form, and ``/api/session`` for API clients."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from typing import Annotated

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel, Field
from starlette.responses import RedirectResponse, Response

from luodi.web import auth, schemas
from luodi.web.accounts import authenticate
from luodi.web.deps import CsrfChecked, StoreDep
from luodi.web.errors import Unauthorized, WebError
from luodi.web.identity import end_session, identify, start_session
from luodi.web.routers import json_response, with_body
from luodi.web.templating import render

router = APIRouter()


MAX_TRACKED_NAMES = 10_000


class TooManyAttempts(WebError):
    status = 429


class Throttle:
    """At most ``limit`` failed sign-ins per user name in ``window_s`` (per process): slows guessing."""

    def __init__(self, limit: int = 10, window_s: float = 600) -> None:
        self.limit, self.window_s = limit, window_s
        self._fails: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, name: str) -> None:
        with self._lock:
            q = self._fails[name]
            while q and q[0] < time.monotonic() - self.window_s:
                q.popleft()
            if len(q) >= self.limit:
                raise TooManyAttempts("too many failed sign-ins, wait a few minutes / 登录失败次数过多，请稍后再试")

    def failed(self, name: str) -> None:
        with self._lock:
            self._fails[name].append(time.monotonic())
            if len(self._fails) > MAX_TRACKED_NAMES:  # guessing random names must not grow memory forever
                cutoff = time.monotonic() - self.window_s
                for key in [k for k, q in self._fails.items() if not q or q[-1] < cutoff]:
                    del self._fails[key]

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._fails.pop(name, None)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never ``//evil.example`` or ``https://…`` (open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target or "\n" in target:
        return "/plans"
    return target


def _sign_in(request: Request, store: StoreDep, name: str, password: str) -> auth.User | None:
    throttle: Throttle = request.app.state.login_throttle
    throttle.check(name)
    user = authenticate(store, name, password)
    if user is None:
        throttle.failed(name)
    else:
        throttle.succeeded(name)
    return user


@router.get("/login", include_in_schema=False)
def login_form(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", {"next": safe_next(next), "error": None, "name": None})


@router.post("/login", include_in_schema=False, dependencies=[CsrfChecked])
def login(
    request: Request, store: StoreDep,
    name: Annotated[str, Form(max_length=64)], password: Annotated[str, Form(max_length=256)],
    next: Annotated[str, Form(max_length=500)] = "/plans",
) -> Response:
    user = _sign_in(request, store, name, password)
    if user is None:
        ctx = {"next": safe_next(next), "error": "用户名或密码错误 / wrong user name or password", "name": name}
        return render(request, "login.html", ctx, status=401)
    response = RedirectResponse(safe_next(next), status_code=303)
    start_session(request, response, user)
    return response


@router.post("/logout", include_in_schema=False, dependencies=[CsrfChecked])
def logout() -> Response:
    response = RedirectResponse("/plans", status_code=303)
    end_session(response)
    return response


class Credentials(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


@router.get("/api/session", tags=["session"], response_model=None, responses=schemas.json_responses(schemas.SessionOut))
def api_session(request: Request) -> Response:
    """Who is signed in (``user`` null when nobody), and the CSRF token for writes."""
    ident = identify(request)
    user = ident.user.public() if ident.user else None
    return json_response({"user": user, "csrf_token": ident.session.csrf if ident.session else None})


@router.post("/api/session", tags=["session"], response_model=None,
             responses=schemas.json_responses(schemas.SessionOut, auth=True))
def api_login(request: Request, store: StoreDep, body: Credentials) -> Response:
    """Sign in: sets the session cookie and returns the CSRF token to send as ``X-CSRF-Token`` on writes.

    A JSON body cannot be sent by a cross-site form, so this needs no CSRF token itself."""
    user = _sign_in(request, store, body.name, body.password)
    if user is None:
        raise Unauthorized("wrong user name or password / 用户名或密码错误")
    response = json_response({"user": user.public(), "csrf_token": None})
    token = start_session(request, response, user)
    return with_body(response, {"user": user.public(), "csrf_token": token})


@router.delete("/api/session", tags=["session"], response_model=None, dependencies=[CsrfChecked],
               responses=schemas.json_responses(schemas.SessionOut, auth=True))
def api_logout() -> Response:
    """Sign out (send the CSRF token in ``X-CSRF-Token``)."""
    response = json_response({"user": None, "csrf_token": None})
    end_session(response)
    return response

