"""Shared pieces of the command line: the app, consoles, the store option, output helpers."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from luodi import __version__
from luodi.config import default_db_path
from luodi.errors import LuodiError
from luodi.store import Store

app = typer.Typer(
    name="luodi",
    help="落地 luodi: Chinese policy plans as structured, searchable, trackable data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
_state: dict[str, Path] = {}

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


def dump(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@contextmanager
def store_session() -> Iterator[Store]:
    """The store for one command, closed after it; errors the library raises on purpose
    (unknown plan, refused argument) become one-line CLI errors."""
    store = open_store()
    try:
        yield store
    except LuodiError as exc:
        raise fail(str(exc)) from exc
    except ValueError as exc:  # an argument the library refused
        raise fail(str(exc), 2) from exc
    finally:
        store.close()


def open_store() -> Store:
    """The store named by --db / LUODI_DB (default: the user data directory)."""
    try:
        return Store.open(_state["db"])
    except LuodiError as exc:
        raise fail(str(exc)) from exc


@app.callback()
def main_options(
    db: Annotated[
        Path | None,
        typer.Option("--db", envvar="LUODI_DB", help="SQLite file (or database URL) of the store.", show_default=False),
    ] = None,
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    """Global options.  The default store is a SQLite file in your user data directory."""
    if version:
        out.print(f"luodi {__version__}")
        raise typer.Exit()
    _state["db"] = db or default_db_path()


