"""The FastAPI application: pages and their ``/api`` twins over one store.

``create_app(path)`` opens the store (migrating it only when its schema is behind), loads
or creates the session secret, and wires routers, error handlers and static files.  It
writes nothing to the store, so starting is quick and a read-only store can be served.
"""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI
from starlette.staticfiles import StaticFiles

from luodi import __version__
from luodi.store import Store
from luodi.web import auth, errors
from luodi.web.cache import ByteCache, StoreStamp
from luodi.web.catalog import CatalogCache
from luodi.web.middleware import SecurityHeaders
from luodi.web.queries.compare import CompareCache
from luodi.web.settings import WebSettings, load_settings
from luodi.web.templating import make_env

STATIC = Path(__file__).with_name("static")

DESCRIPTION = """\
落地 luodi: Chinese AI policy plans as data.  Every page of the web app has a JSON twin
here; tables also download as CSV (`format=csv`, UTF-8 with BOM) and XLSX (`format=xlsx`).

Errors always have one shape: `{"ok": false, "error": {"status", "message", "detail"}}`.

Reading plans, targets and the scenario catalog needs no account.  Tracking needs a
signed-in user: `POST /api/session` with `{"name", "password"}` sets the session cookie
and returns a CSRF token; send it as `X-CSRF-Token` with every write.
"""


def tracking_available() -> bool:
    """Tracking pages need the tracking library (luodi.tracking); without it they are left out."""
    return importlib.util.find_spec("luodi.tracking") is not None


def create_app(store_path_or_url: str | Path, *, secret: str | None = None) -> FastAPI:
    store = Store.open(store_path_or_url)
    settings = load_settings(store_path_or_url, secret)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(
        title="luodi API", version=__version__, description=DESCRIPTION, docs_url=None, redoc_url=None,
        openapi_url="/openapi.json", lifespan=lifespan,
    )
    _state(app, store, settings)
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in _routers(app.state.tracking):
        app.include_router(router)
    # Room for the largest evidence file plus the other form fields.
    app.add_middleware(SecurityHeaders, max_body=settings.max_upload_bytes + 1_000_000)
    return app


def _state(app: FastAPI, store: Store, settings: WebSettings) -> None:
    from luodi.web.routers.session import Throttle

    app.state.store = store
    app.state.settings = settings
    app.state.signer = auth.SessionSigner(settings.secret, settings.session_hours * 3600)
    app.state.jinja = make_env()
    app.state.page_cache = ByteCache(settings.cache_mb * 1_000_000)
    url = store.engine.url
    stamp = StoreStamp(url.database if url.get_backend_name() == "sqlite" else None)
    app.state.catalog = CatalogCache(store, stamp)
    app.state.compare = CompareCache(store, stamp)
    app.state.login_throttle = Throttle()
    app.state.tracking = tracking_available()


def _routers(tracking: bool) -> list[APIRouter]:
    from luodi.web.routers import compare, home, plans, scenarios, search, session, targets, users

    routers = [home.router, session.router, plans.router, targets.router, compare.router, scenarios.router, search.router,
               users.router]
    if tracking:
        from luodi.web.routers import tracking as tracking_router

        routers.append(tracking_router.router)
    return routers


def from_env() -> FastAPI:
    """Factory for ``uvicorn --factory luodi.web.app:from_env`` (several workers): the store is LUODI_DB."""
    import os

    from luodi.config import default_db_path

    # The raw string: LUODI_DB may be a database URL, which a Path would mangle.
    return create_app(os.environ.get("LUODI_DB") or default_db_path())
