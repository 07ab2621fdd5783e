"""The search command: full-text search over sections, targets, milestones and scenarios."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, cast

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from luodi.cli.common import JsonOpt, app, dump, err, fail, open_store, out
from luodi.errors import LuodiError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from luodi.search import Hit, Kind, SearchResult

Many = list[str] | None


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='Words (all required), "a phrase", OR, NOT word / -word, ( ).')],
    region: Annotated[Many, typer.Option(help="Region or province, e.g. 深圳市 or 广东省 (repeatable).")] = None,
    year: Annotated[Many, typer.Option(help="Year issued: 2023 or 2019-2021 (repeatable).")] = None,
    level: Annotated[Many, typer.Option(help="national, province, city or district (repeatable).")] = None,
    kind: Annotated[Many, typer.Option(help="section, target, milestone or scenario (repeatable).")] = None,
    plan: Annotated[list[int] | None, typer.Option(help="Plan id (repeatable).")] = None,
    doc_type: Annotated[Many, typer.Option("--type", help="Document type, e.g. 行动计划 (repeatable).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help="Results to show.")] = 20,
    offset: Annotated[int, typer.Option(min=0, help="Results to skip (paging).")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Search the stored plans; Chinese-aware, simplified and traditional alike.

    Examples: luodi search 算力 · luodi search '"数据开放" -政务' --region 广东省 ·
    luodi search '大模型 OR 智算中心' --kind section --year 2023 ·
    luodi search --limit 5 -- "-政务 数据"   (options first, then -- before a query starting with -)
    """
    from luodi.search import Filters, parse_years
    from luodi.search import search as run_search

    try:
        filters = Filters(  # checks the kinds
            regions=tuple(region or ()), years=parse_years(year or ()), levels=tuple(level or ()),
            doc_types=tuple(doc_type or ()), kinds=cast("tuple[Kind, ...]", tuple(kind or ())), plans=tuple(plan or ()),
        )
    except LuodiError as exc:
        raise fail(str(exc), 2) from exc
    store = open_store()
    try:
        _refresh(store.engine, quiet=as_json)
        result = run_search(store.engine, query, filters, limit=limit, offset=offset, refresh=False)
    except LuodiError as exc:
        raise fail(str(exc)) from exc
    finally:
        store.close()
    if as_json:
        dump(result.to_json())
    else:
        _print(result)


def _refresh(engine: Engine, *, quiet: bool) -> None:
    """Bring the index up to date, with a progress bar when that takes a while (first search).
    If it cannot be updated (a read-only store, say), what is indexed is searched."""
    from luodi.search import refresh

    with Progress(
        TextColumn("[bold]indexing"), BarColumn(), MofNCompleteColumn(), console=err, transient=True,
        disable=quiet or not err.is_terminal,
    ) as progress:
        task = progress.add_task("index", total=None)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            refresh(engine, progress=report)
        except LuodiError as exc:
            err.print(f"[yellow]note:[/yellow] the index may be out of date: {exc}", highlight=False)


def _print(result: SearchResult) -> None:
    for note in result.notes:
        err.print(f"[yellow]note:[/yellow] {note}", highlight=False)
    if result.hits:
        table = Table(header_style="bold", show_lines=True)
        # fold: Chinese has no spaces to wrap at, and the console does not soft-wrap.
        table.add_column("#", justify="right")
        table.add_column("plan", ratio=2, overflow="fold")
        table.add_column("section", ratio=2, overflow="fold")
        table.add_column("match", ratio=5, overflow="fold")
        for i, hit in enumerate(result.hits, result.offset + 1):
            table.add_row(str(i), _plan_cell(hit), _section_cell(hit), _marked(hit.snippet, hit.marks))
        out.print(table)
    shown = f" (showing {result.offset + 1}–{result.offset + len(result.hits)})" if result.hits else ""
    noun = "result" if result.total == 1 else "results"
    out.print(f"[bold]{result.total}[/bold] {noun}{shown}", highlight=False)
    for name, counts in result.facets.items():
        if counts:
            out.print(f"  [dim]{name}:[/dim] " + " · ".join(f"{k} {n}" for k, n in counts.items()), highlight=False)


def _plan_cell(hit: Hit) -> Text:
    p = hit.plan
    title = p.title or "—"
    title = title if len(title) <= 24 else title[:23] + "…"
    return Text(f"#{p.id} {title}\n{p.region or '—'} {p.year or ''}")


def _section_cell(hit: Hit) -> Text:
    cell = Text(f"{hit.kind} " if hit.kind != "section" else "", style="cyan")
    cell.append(f"{hit.section or ''} {hit.label or ''}".strip() + " ", style="dim")
    cell.append_text(_marked(hit.title, hit.title_marks))
    return cell


def _marked(text: str, spans: list[tuple[int, int]]) -> Text:
    t = Text(text)
    for s, e in spans:
        t.stylize("bold black on yellow", s, e)
    return t
