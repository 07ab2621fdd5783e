"""The ``luodi`` command line: one thing per command, JSON on stdout with ``--json``,
one-line errors on stderr and a non-zero exit code when something failed.

Each feature has its own module that adds its commands to :data:`luodi.cli.common.app`
when imported; importing them here is the whole registry.
"""

from __future__ import annotations

from luodi.cli import (
    compare,  # noqa: F401  compare targets|coverage|instruments|reuse|units
    documents,  # noqa: F401  ingest, list, show, extract
    search,  # noqa: F401  search
    track,  # noqa: F401  track …, report quarterly
    web,  # noqa: F401  serve, user add|passwd|list
)
from luodi.cli.common import app


def main() -> None:
    app()


__all__ = ["app", "main"]
