"""Document commands: ingest, list, show, extract."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.tree import Tree

from luodi.cli.common import JsonOpt, app, dump, err, fail, open_store, out
from luodi.errors import LuodiError


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or directories (searched recursively).")] = None,
    samples: Annotated[bool, typer.Option("--samples", help="Ingest the sample plans bundled with luodi.")] = False,
    workers: Annotated[int | None, typer.Option(help="Parser processes (default: CPU count, at most 4).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Read, parse and store plans; unchanged files are skipped, changed ones replaced.

    Example: luodi ingest ../shared/seeds/ plan.html plan.docx
    """
    from luodi.operations import IngestResult, sample_paths
    from luodi.operations import ingest as run_ingest

    inputs = list(paths or []) + (sample_paths() if samples else [])
    if not inputs:
        raise fail("nothing to ingest: give files or directories, or --samples", 2)
    missing = [p for p in inputs if not p.exists()]
    for p in missing:
        err.print(f"[red]✗[/red] {p}: no such file or directory", highlight=False)
    store = open_store()
    marks = {"added": "[green]+[/green]", "replaced": "[yellow]~[/yellow]", "unchanged": "[dim]=[/dim]"}
    with Progress(
        TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err,
        transient=True, disable=as_json or not err.is_terminal,
    ) as progress:
        task = progress.add_task("ingest", total=None)

        def report(result: IngestResult) -> None:
            progress.advance(task)
            if as_json:
                return
            if result.ok:
                line = f"{marks[result.status]} {result.path}  #{result.plan_id} {result.title or ''}"
                progress.console.print(line, highlight=False)
            else:
                progress.console.print(f"[red]✗[/red] {result.error}", highlight=False)

        results = run_ingest(store, [p for p in inputs if p.exists()], workers=workers, on_result=report)
    store.close()
    failed = [r for r in results if not r.ok]
    counts = {s: sum(1 for r in results if r.status == s) for s in ("added", "replaced", "unchanged", "failed")}
    counts["failed"] += len(missing)
    if as_json:
        dump({"results": [r.__dict__ for r in results], "summary": counts})
    else:
        summary = ", ".join(f"{n} {s}" for s, n in counts.items())
        err.print(f"{len(results) + len(missing)} files: {summary}", highlight=False)
    if failed or missing:
        raise typer.Exit(1)


@app.command("list")
def list_plans(as_json: JsonOpt = False) -> None:
    """Stored plans: id, title, issuer, region, date, document number, number of sections."""
    store = open_store()
    plans = store.list_plans()
    store.close()
    if as_json:
        dump([_summary_json(p) for p in plans])
        return
    table = Table("id", "title", "issuer", "region", "issued", "doc number", "sections", header_style="bold")
    for p in plans:
        table.add_row(
            str(p.id), p.title or "—", "、".join(p.issuers) or "—", p.region or "—", p.issued or "—",
            p.doc_number or "—", str(p.n_sections),
        )
    out.print(table)


def _summary_json(p: Any) -> dict[str, Any]:
    return {
        "id": p.id, "title": p.title, "issuers": p.issuers, "region": p.region, "issued": p.issued,
        "doc_number": p.doc_number, "doc_type": p.doc_type, "n_sections": p.n_sections, "source": p.source,
        "period": {"start": p.period.start, "end": p.period.end} if p.period else None,
    }


PlanArg = Annotated[str, typer.Argument(help="Plan id, content-hash prefix or source path.")]
FileArg = Annotated[Path, typer.Argument(help="A plan file (text, HTML, Markdown, DOCX, PDF).")]


@app.command()
def show(plan: PlanArg, as_json: JsonOpt = False) -> None:
    """A stored plan's metadata and its outline as a tree."""
    store = open_store()
    if Path(plan).exists():  # a file path names the plan stored from it
        plan = str(Path(plan).resolve())
    try:
        data = store.get_plan(plan)
    except LuodiError as exc:
        raise fail(str(exc)) from exc
    finally:
        store.close()
    if as_json:
        dump(data)
    else:
        _print_document(data)


@app.command()
def extract(file: FileArg, as_json: JsonOpt = False) -> None:
    """Parse one file without storing it and print the document."""
    from luodi.parse import parse_file

    try:
        doc = parse_file(file)
    except LuodiError as exc:
        raise fail(str(exc)) from exc
    if as_json:
        dump(doc.to_json())
    else:
        _print_document(doc.to_json())


_META = (
    ("title", "标题 title"), ("notice_title", "通知 notice"), ("doc_number", "文号 number"), ("issuers", "发文机关 issuers"),
    ("issued", "成文日期 issued"), ("published", "发布日期 published"), ("region", "地区 region"), ("level", "层级 level"),
    ("period", "规划期 period"), ("doc_type", "类型 type"), ("script", "字体 script"), ("source", "来源 source"),
)


def _print_document(data: dict[str, Any]) -> None:
    meta = Table.grid(padding=(0, 2))
    for key, label in _META:
        value = data.get(key)
        if isinstance(value, list):
            value = "、".join(value)
        elif isinstance(value, dict):
            value = f"{value['start']}–{value['end']}"
        meta.add_row(f"[bold]{label}[/bold]", str(value) if value else "—")
    out.print(meta)
    root = Tree(f"[bold]{data.get('title') or data.get('source')}[/bold]")
    nodes: dict[str | None, Tree] = {None: root}
    for sec in data["sections"]:
        label = " ".join(x for x in (sec["label"], sec["heading"]) if x) or f"[dim]{sec['kind']}[/dim]"
        units = sec["lead_units"] + sec["units"]
        if units:
            label += f"  [cyan]({'、'.join(units)})[/cyan]"
        parent = nodes.get(sec["parent"], root)
        nodes[sec["id"]] = parent.add(label, highlight=False)
    out.print(root)
    counts = {k: len(data.get(k) or []) for k in ("targets", "milestones", "supports", "scenarios", "entities", "tables")}
    out.print("  ".join(f"{k}: {n}" for k, n in counts.items()), highlight=False)


