"""The web dashboard and JSON API (``luodi serve``).

Importing this package is cheap: FastAPI and the routers load with :func:`create_app`,
so ``luodi user …`` commands (which use :mod:`luodi.web.accounts`) start quickly.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(store_path_or_url: str | Path, *, secret: str | None = None) -> FastAPI:
    """The FastAPI app over the store at ``store_path_or_url`` (see :mod:`luodi.web.app`)."""
    from luodi.web.app import create_app as _create_app

    return _create_app(store_path_or_url, secret=secret)


__all__ = ["create_app"]
