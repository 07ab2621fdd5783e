"""Jinja2 rendering: one environment, autoescaped, with the visitor, language and CSRF token.

Every document string reaches the page through autoescaping; the only markup built in
Python is the highlighted text (:mod:`luodi.web.highlight`), which escapes as it goes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from luodi.web import auth, i18n
from luodi.web.identity import identify

TEMPLATES = Path(__file__).with_name("templates")
VERSION = "3"  # static asset cache-buster, bumped with the CSS/JS


def make_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        auto_reload=False,  # templates ship with the package; no stat() per render
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["join_cn"] = lambda v: "、".join(v) if v else "—"
    env.filters["dash"] = lambda v: "—" if v in (None, "", []) else v
    env.filters["num"] = _num
    env.filters["size"] = lambda n: f"{n} B" if n < 1000 else f"{n / 1000:.0f} kB" if n < 1_000_000 else f"{n / 1e6:.1f} MB"
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}  # still escapes < > & '
    env.globals["role_labels"] = auth.ROLE_LABELS
    env.globals["static_version"] = VERSION
    return env


def _num(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, int | float):
        return f"{value:,}"
    return str(value)


def lang_of(request: Request) -> str:
    return i18n.pick_lang(request.query_params.get("lang"), request.cookies.get(i18n.LANG_COOKIE))


class CsrfToken:
    """The token a page's forms carry, made only if the page has a form.

    Signed in: the session's token.  Anonymous: the double-submit cookie's value, or a new
    one — and then the response sets that cookie.  Pages without forms (what anonymous
    readers see) stay cookie-free."""

    def __init__(self, request: Request) -> None:
        self._request = request
        self._value: str | None = None
        self.fresh = False

    def __str__(self) -> str:
        if self._value is None:
            session = identify(self._request).session
            cookie = self._request.cookies.get(auth.CSRF_COOKIE)
            if session is not None:
                self._value = session.csrf
            elif cookie and 16 <= len(cookie) <= 64:
                self._value = cookie
            else:
                self._value, self.fresh = auth.new_token(), True
        return self._value

    __html__ = __str__  # Jinja autoescape asks for the markup form; a token is URL-safe text


def url_with(request: Request, **changes: Any) -> str:
    """This page's URL with some query parameters changed (None removes one)."""
    params = {k: v for k, v in request.query_params.multi_items() if k not in changes}
    params.update({k: v for k, v in changes.items() if v not in (None, "")})
    query = urlencode(params)
    return f"{request.url.path}?{query}" if query else request.url.path


def context(request: Request, extra: dict[str, Any]) -> tuple[dict[str, Any], CsrfToken]:
    lang = lang_of(request)
    token = CsrfToken(request)
    ident = identify(request)
    ctx = {
        "request": request,
        "user": ident.user,
        "lang": lang,
        "t": lambda key: i18n.translate(key, lang),
        "level_label": lambda v: i18n.level_label(v, lang),
        "csrf_token": token,
        "csrf_field": auth.CSRF_FIELD,
        "url_with": lambda **kw: url_with(request, **kw),
        "path": request.url.path,
        **extra,
    }
    return ctx, token


def render(request: Request, name: str, extra: dict[str, Any], status: int = 200,
           headers: dict[str, str] | None = None) -> HTMLResponse:
    env: Environment = request.app.state.jinja
    ctx, token = context(request, extra)
    html = env.get_template(name).render(ctx)
    return _finish(request, HTMLResponse(html, status_code=status, headers=headers), token)


_BODY_MARK = "\x00luodi-body\x00"  # cannot occur in a page: every text is escaped and NUL is not text


def render_around(request: Request, name: str, extra: dict[str, Any], body: bytes) -> HTMLResponse:
    """The page ``name`` (for this visitor) around a cached, already encoded ``body``.

    The page is rendered with a marker where ``body`` goes and the bytes are spliced in,
    so a large cached body is neither decoded, joined by Jinja nor encoded again."""
    env: Environment = request.app.state.jinja
    ctx, token = context(request, {**extra, "body": Markup(_BODY_MARK)})
    head, _, tail = env.get_template(name).render(ctx).partition(_BODY_MARK)
    response = HTMLResponse(b"".join((head.encode("utf-8"), body, tail.encode("utf-8"))))
    return _finish(request, response, token)


def _finish(request: Request, response: HTMLResponse, token: CsrfToken) -> HTMLResponse:
    if token.fresh:
        settings = request.app.state.settings
        response.set_cookie(auth.CSRF_COOKIE, str(token), httponly=True, samesite="strict", secure=settings.secure_cookies)
    if request.query_params.get("lang") in i18n.LANGS:
        response.set_cookie(i18n.LANG_COOKIE, lang_of(request), max_age=365 * 86400, samesite="lax")
    return response


def render_error(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    try:
        return render(request, "error.html", {"status": status, "message": message}, status, headers)
    except Exception:  # the error page itself must not fail: fall back to plain text
        return Response(f"{status} {message}", status_code=status, media_type="text/plain; charset=utf-8", headers=headers)


def render_fragment(request: Request, name: str, data: dict[str, Any], lang: str) -> str:
    """A template rendered without the visitor (no user, no CSRF token): safe to cache for
    everyone, under a key that holds everything it reads (the URL's path and query, the language)."""
    env: Environment = request.app.state.jinja
    ctx = {
        **data, "request": request, "path": request.url.path, "lang": lang, "t": lambda key: i18n.translate(key, lang),
        "level_label": lambda v: i18n.level_label(v, lang), "url_with": lambda **kw: url_with(request, **kw),
    }
    return env.get_template(name).render(ctx)
