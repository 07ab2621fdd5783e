"""FastAPI dependencies: the store, the visitor and what they may do, the CSRF check.

Routes declare what they need in their signature (``user: SignedIn``) so the rule is
visible where the route is, and a forbidden action fails with 401/403 before any work.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from luodi.store import Store
from luodi.web import auth
from luodi.web.errors import Forbidden, Unauthorized
from luodi.web.identity import identify
from luodi.web.settings import WebSettings


async def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def get_settings(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def visitor(request: Request) -> auth.User | None:
    return identify(request).user


def signed_in(request: Request) -> auth.User:
    """Any signed-in user (viewer, editor, admin): tracking and internal pages."""
    user = identify(request).user
    if user is None:
        raise Unauthorized()
    return user


def admin(user: Annotated[auth.User, Depends(signed_in)]) -> auth.User:
    if not user.is_admin:
        raise Forbidden("admins only / 仅限管理员")
    return user


async def csrf_protect(request: Request) -> None:
    """Unsafe requests must present the visitor's CSRF token (form field or header).

    Signed in: the token bound to the session (it lives in the signed cookie, so another
    site can neither read nor forge it).  Anonymous (the sign-in form): double-submit,
    the field must equal the CSRF cookie."""
    given = request.headers.get(auth.CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # Starlette caches it: the route reads the same form
        value = form.get(auth.CSRF_FIELD)
        given = value if isinstance(value, str) else None
    session = identify(request).session
    expected = session.csrf if session is not None else request.cookies.get(auth.CSRF_COOKIE)
    if not auth.same_token(expected, given):
        raise Forbidden("invalid or missing CSRF token / 表单已失效，请刷新页面后重试")


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[WebSettings, Depends(get_settings)]
Visitor = Annotated[auth.User | None, Depends(visitor)]
SignedIn = Annotated[auth.User, Depends(signed_in)]
Admin = Annotated[auth.User, Depends(admin)]
CsrfChecked = Depends(csrf_protect)
