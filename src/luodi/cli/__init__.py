"""The ``luodi`` command line: one thing per command, JSON on stdout with ``--json``,
one-line errors on stderr and a non-zero exit code when something failed.

Each feature has its own module that adds commands to :data:`luodi.cli.common.app`.
"""

from __future__ import annotations

from luodi.cli import documents  # noqa: F401  (registers ingest, list, show, extract)
from luodi.cli.common import app


def main() -> None:
    app()


__all__ = ["app", "main"]
