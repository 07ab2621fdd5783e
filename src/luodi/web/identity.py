"""The visitor of a request: the user behind a valid session cookie, or anonymous.

Read once per request and kept on ``request.state``: dependencies, templates and error
pages all ask, and only the first asks the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from luodi.web import auth


@dataclass(frozen=True)
class Identity:
    user: auth.User | None
    session: auth.Session | None


ANONYMOUS = Identity(None, None)


def identify(request: Request) -> Identity:
    cached = getattr(request.state, "identity", None)
    if isinstance(cached, Identity):
        return cached
    ident = _read(request)
    request.state.identity = ident
    return ident


def _read(request: Request) -> Identity:
    from luodi.web.accounts import get_user

    signer: auth.SessionSigner = request.app.state.signer
    session = signer.loads(request.cookies.get(auth.SESSION_COOKIE))
    if session is None:
        return ANONYMOUS
    user = get_user(request.app.state.store, session.user_id)
    # A disabled account or a changed password ends every session that predates it.
    if user is None or user.disabled or auth.fingerprint(user.password_hash) != session.fp:
        return ANONYMOUS
    return Identity(user, session)


def start_session(request: Request, response: Response, user: auth.User) -> str:
    """Give the browser a new signed session cookie for ``user``; returns its CSRF token.

    Called at sign-in and after a password change (which ends every older session)."""
    signer: auth.SessionSigner = request.app.state.signer
    settings = request.app.state.settings
    cookie = signer.dumps(user)
    session = signer.loads(cookie)
    assert session is not None
    response.set_cookie(
        auth.SESSION_COOKIE, cookie, max_age=settings.session_hours * 3600, httponly=True, samesite="lax",
        secure=settings.secure_cookies, path="/",
    )
    response.delete_cookie(auth.CSRF_COOKIE)  # the pre-sign-in double-submit token is spent
    return session.csrf


def end_session(response: Response) -> None:
    response.delete_cookie(auth.SESSION_COOKIE, path="/")
