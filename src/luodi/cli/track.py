"""Tracking commands: ``luodi track …`` (items, reports, sheets, status) and ``luodi report quarterly``.

Importing this module registers both sub-apps on the main app.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from luodi import audit
from luodi.cli.common import JsonOpt, app, dump, err, fail, out, store_session
from luodi.store import Store
from luodi.tracking.model import KINDS, LEVELS, LIGHT_LABELS, LIGHTS, STATUS_LABELS, STATUSES, parse_date

if TYPE_CHECKING:  # the engine is imported by the commands that use it: `luodi --help` stays quick
    from luodi.tracking.rollup import ItemState, Snapshot

track_app = typer.Typer(
    help="跟踪落实 Track implementation: items, progress reports, traffic lights.", no_args_is_help=True
)
report_app = typer.Typer(help="报告 Reports for leaders.", no_args_is_help=True)
app.add_typer(track_app, name="track")
app.add_typer(report_app, name="report")

PlanArg = Annotated[str, typer.Argument(help="Plan id, content-hash prefix or source path.")]
ItemArg = Annotated[int, typer.Argument(help="Item id (事项编号), as `luodi track items` lists it.")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default: today).", show_default=False)]
UnitOpt = Annotated[str | None, typer.Option("--unit", help="A responsible unit, in any written form (市发改委…).")]
_STYLE = {"green": "green", "blue": "blue", "yellow": "yellow", "red": "red"}


def _as_of(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return parse_date(text)
    except ValueError as exc:
        raise fail(str(exc), 2) from exc


def _plan_key(plan: str) -> str:
    return str(Path(plan).resolve()) if Path(plan).exists() else plan


def _light(light: str) -> str:
    return f"[{_STYLE[light]}]●[/{_STYLE[light]}] {LIGHT_LABELS[light]}"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:g}%"


def _choice(value: str | None, allowed: tuple[str, ...], what: str) -> str | None:
    if value is not None and value not in allowed:
        raise fail(f"unknown {what} {value!r}: use {', '.join(allowed)}", 2)
    return value


def _snapshot(store: Store, plan: str, as_of: date) -> Snapshot:
    from luodi.tracking.rollup import snapshot

    return snapshot(store, _plan_key(plan), as_of, audit.cli_actor())


# -- items ------------------------------------------------------------------------------------------
@track_app.command("items")
def items_cmd(
    plan: PlanArg,
    unit: UnitOpt = None,
    status: Annotated[str | None, typer.Option("--status", help=f"Only this status: {', '.join(STATUSES)}.")] = None,
    light: Annotated[str | None, typer.Option("--light", help=f"Only this light: {', '.join(LIGHTS)}.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help=f"Only this kind: {', '.join(KINDS)}.")] = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A plan's trackable items with deadline, status, light and reason (items are synced on first use)."""
    _choice(status, STATUSES, "status")
    _choice(light, LIGHTS, "light")
    _choice(kind, KINDS, "kind")
    when = _as_of(as_of)
    with store_session() as store:
        snap = _snapshot(store, plan, when)
    states = _filter(snap, unit, status, light, kind)
    if as_json:
        dump({"plan": snap.plan.to_json(), "as_of": when.isoformat(), "items": [s.to_json() for s in states]})
        return
    table = Table("id", "类型", "事项 title", "牵头/责任单位", "完成时限", "状态", "灯", "进度", "原因 reason",
                  header_style="bold")
    for s in states:
        it = s.item
        owners = "、".join(it.lead_units) + ("｜" if it.lead_units and it.units else "") + "、".join(it.units)
        table.add_row(str(it.id), it.kind, it.title, owners or "—", str(it.deadline or "—"), STATUS_LABELS[s.ev.status],
                      _light(s.ev.light), _pct(s.ev.progress_pct), s.ev.reason)
    out.print(table)
    err.print(f"{len(states)} items · {snap.plan.title or snap.plan.id} · as of {when}", highlight=False)


def _filter(snap: Snapshot, unit: str | None, status: str | None, light: str | None, kind: str | None) -> list[ItemState]:
    from luodi.tracking.items import match_owner

    meta = snap.plan.meta
    return [s for s in snap.states
            if (status is None or s.ev.status == status) and (light is None or s.ev.light == light)
            and (kind is None or s.item.kind == kind)
            and (unit is None or match_owner(unit, s.item.owners, meta) is not None)]


# -- reports ----------------------------------------------------------------------------------------
@track_app.command("report")
def report_cmd(
    item: ItemArg,
    unit: Annotated[str, typer.Option("--unit", help="The reporting unit (must own the item).")],
    value: Annotated[float | None, typer.Option("--value", help="Value achieved (targets), in the target's unit.")] = None,
    percent: Annotated[float | None, typer.Option("--percent", help="Percent complete 0–100 (tasks, milestones).")] = None,
    level: Annotated[str | None, typer.Option("--level", help="Completion level: " + " / ".join(
        f"{v} {k}" for k, v in LEVELS.items()))] = None,
    note: Annotated[str | None, typer.Option("--note", help="进展情况: what was done.")] = None,
    evidence: Annotated[list[str] | None, typer.Option("--evidence", help="An http(s) link or a file (pdf, png, jpeg, "
                                                       "docx, xlsx, txt); repeat for several.")] = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """File a progress report (append-only: a correction is a new report)."""
    from luodi.tracking.reports import ReportInput, ReportRejected, file_report

    if value is not None and percent is not None:
        raise fail("give --value (targets) or --percent (tasks), not both", 2)
    links = [e for e in evidence or [] if "://" in e]
    files = [Path(e) for e in evidence or [] if "://" not in e]
    given = ReportInput(item, unit, _as_of(as_of) if as_of else None, value, percent, level, note, links, files)
    with store_session() as store:
        try:
            report = file_report(store, given, audit.cli_actor())
        except ReportRejected as exc:
            for field, message in exc.errors:
                err.print(f"[red]✗[/red] {field}: {message}", highlight=False)
            raise typer.Exit(1) from exc
    if as_json:
        dump(report.to_json())
    else:
        err.print(f"[green]✓[/green] report #{report.id} on item {item} by {report.unit} as of {report.as_of}", highlight=False)


@track_app.command("history")
def history_cmd(item: ItemArg, as_json: JsonOpt = False) -> None:
    """Every report filed on an item, oldest first (nothing is ever overwritten)."""
    from luodi.tracking.reports import list_reports

    with store_session() as store:
        reports = list_reports(store, item)
    if as_json:
        dump([r.to_json() for r in reports])
        return
    table = Table("#", "截至 as of", "单位 unit", "值 value", "%", "程度 level", "进展 note", "佐证 evidence", "by", "filed",
                  header_style="bold")
    for r in reports:
        ev = "; ".join(e.get("url") or f"{e.get('name')} ({e.get('sha256', '')[:12]})" for e in r.evidence)
        table.add_row(str(r.id), str(r.as_of), r.unit, "—" if r.value is None else f"{r.value:g}", _pct(r.percent),
                      LEVELS.get(r.level or "", "—"), r.note or "", ev, r.author or "", r.created_at)
    out.print(table)


@track_app.command("edit")
def edit_cmd(
    item: ItemArg,
    deadline: Annotated[str | None, typer.Option("--deadline", help="New deadline YYYY-MM-DD (needs --reason).")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why the deadline changes (shown with it).")] = None,
    clear_deadline: Annotated[bool, typer.Option("--clear-deadline", help="Back to the derived deadline.")] = False,
    weight: Annotated[float | None, typer.Option("--weight", help="Weight in its parent's roll-up.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Override an item's deadline (with the reason) or set its roll-up weight; audited."""
    from luodi.tracking.items import edit_item

    with store_session() as store:
        updated = edit_item(store, item, audit.cli_actor(), deadline=deadline, reason=reason,
                            clear_deadline=clear_deadline, weight=weight)
    data = {"id": updated.id, "deadline": str(updated.deadline) if updated.deadline else None,
            "deadline_reason": updated.deadline_reason, "weight": updated.weight}
    if as_json:
        dump(data)
    else:
        err.print(f"[green]✓[/green] item {item}: deadline {data['deadline'] or '—'} ({data['deadline_reason']}), "
                  f"weight {updated.weight if updated.weight is not None else 'equal'}", highlight=False)


@track_app.command("evidence")
def evidence_cmd(
    sha256: Annotated[str, typer.Argument(help="The file's SHA-256, as `track history` shows it.")],
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the file.")],
) -> None:
    """Write an attached evidence file out of the store."""
    from luodi.tracking.reports import get_evidence

    with store_session() as store:
        found = get_evidence(store, sha256)
    out_path.write_bytes(found.data)
    err.print(f"[green]✓[/green] {out_path} ({found.name}, {found.mime}, {len(found.data)} bytes)", highlight=False)


@track_app.command("sync")
def sync_cmd(plan: PlanArg, as_json: JsonOpt = False) -> None:
    """Re-derive a plan's items now (also done automatically when the plan was re-extracted)."""
    from luodi.tracking.items import sync_items

    with store_session() as store:
        result = sync_items(store, _plan_key(plan), audit.cli_actor())
    if as_json:
        dump(result.__dict__)
    else:
        err.print(f"plan {result.plan_id}: {result.added} added, {result.updated} updated, {result.retired} retired, "
                  f"{result.unchanged} unchanged", highlight=False)


# -- sheets -----------------------------------------------------------------------------------------
@track_app.command("template")
def template_cmd(
    plan: PlanArg,
    out_path: Annotated[Path, typer.Option("--out", help="progress.xlsx (or .csv).")],
    unit: UnitOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the progress sheet units fill in Excel or WPS (one unit's items with --unit)."""
    from luodi.tracking.excel import template_rows, write_template

    if out_path.suffix.lower() not in (".xlsx", ".csv"):
        raise fail("--out must end in .xlsx or .csv", 2)
    with store_session() as store:
        snap = _snapshot(store, plan, date.today())
        if unit and not template_rows(snap, unit):
            raise fail(f"{unit} owns no item of plan {snap.plan.id}")
        n = write_template(snap, out_path, unit)
    if as_json:
        dump({"path": str(out_path), "plan": snap.plan.id, "unit": unit, "items": n})
    else:
        err.print(f"[green]✓[/green] {out_path}: {n} items", highlight=False)


@track_app.command("import")
def import_cmd(
    path: Annotated[Path, typer.Argument(help="A filled-in progress.xlsx or .csv.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row, store nothing.")] = False,
    partial: Annotated[bool, typer.Option("--partial", help="Store the valid rows even when others have errors.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import a progress sheet: all rows or nothing (errors listed as sheet!row column: message)."""
    from luodi.tracking.excel import import_file

    if not path.is_file():
        raise fail(f"{path}: no such file", 2)
    with store_session() as store:
        result = import_file(store, path, audit.cli_actor(), dry_run=dry_run, partial=partial)
    if as_json:
        dump(result.to_json())
    else:
        for e in result.errors:
            err.print(str(e), highlight=False, markup=False)
        verb = "would import" if dry_run else "imported"
        n = result.valid if dry_run else result.imported
        note = " (nothing imported: fix the errors, or use --partial)" if result.errors and not dry_run and not partial else ""
        err.print(f"{result.rows} rows: {n} {verb}, {result.empty} empty, {len(result.errors)} errors{note}",
                  highlight=False)
    if result.errors:
        raise typer.Exit(1)


# -- status -----------------------------------------------------------------------------------------
@track_app.command("status")
def status_cmd(plan: PlanArg, as_of: AsOfOpt = None, as_json: JsonOpt = False) -> None:
    """Counts by status and light, per unit, and the late items with their reasons."""
    when = _as_of(as_of)
    with store_session() as store:
        snap = _snapshot(store, plan, when)
    if as_json:
        dump(snap.to_json(items=False))
        return
    _print_status(snap)


def _print_status(snap: Snapshot) -> None:
    o = snap.overall
    out.print(f"[bold]{snap.plan.title or snap.plan.id}[/bold]  as of {snap.as_of} · {o.n} items · "
              f"progress {_pct(None if o.progress is None else round(o.progress * 100, 1))}", highlight=False)
    out.print("  ".join(f"{STATUS_LABELS[k]} {k}: {o.by_status[k]}" for k in STATUSES), highlight=False)
    out.print("  ".join(f"{_light(k)}: {o.by_light[k]}" for k in LIGHTS), highlight=False)
    table = Table("单位 unit", "items", "lead", *[_light(k) for k in LIGHTS], "done", "progress", header_style="bold")
    for g in snap.units:
        table.add_row(g.name, str(g.n), str(g.lead), *[str(g.by_light[k]) for k in LIGHTS], str(g.by_status["done"]),
                      _pct(None if g.progress is None else round(g.progress * 100, 1)))
    out.print(table)
    domains = Table("领域 domain", "items", *[_light(k) for k in LIGHTS], "done", "progress", header_style="bold")
    for g in snap.domains:
        domains.add_row(g.name, str(g.n), *[str(g.by_light[k]) for k in LIGHTS], str(g.by_status["done"]),
                        _pct(None if g.progress is None else round(g.progress * 100, 1)))
    out.print(domains)
    late = snap.late()
    if late:
        lt = Table("id", "灯", "事项 title", "完成时限", "原因 reason", header_style="bold",
                   title="需关注事项 late and at-risk items")
        for s in late:
            lt.add_row(str(s.item.id), _light(s.ev.light), s.item.title, str(s.item.deadline or "—"), s.ev.reason)
        out.print(lt)


# -- quarterly report -------------------------------------------------------------------------------
@report_app.command("quarterly")
def quarterly_cmd(
    plan: PlanArg,
    quarter: Annotated[str, typer.Option("--quarter", help="The quarter, e.g. 2024Q2.")],
    out_path: Annotated[Path, typer.Option("--out", help="report.html / .xlsx / .md")],
    fmt: Annotated[str | None, typer.Option("--format", help="html, xlsx or md (default: from --out).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The quarterly report: headline figures, targets, units, red/yellow items, changes."""
    from luodi.tracking.quarterly import FORMATS, Quarter, build_report, default_format, render

    kind = default_format(out_path, fmt)
    if kind not in FORMATS:
        raise fail(f"unknown format {kind!r}: use {', '.join(FORMATS)}", 2)
    with store_session() as store:
        data = build_report(store, _plan_key(plan), Quarter.parse(quarter), audit.cli_actor())
    render(data, kind, out_path)
    if as_json:
        dump(data.to_json())
    else:
        h = data.headline
        err.print(f"[green]✓[/green] {out_path}: {data.quarter.label}, {h['items']} items, progress {_pct(h['progress'])}, "
                  f"red {h['red']} · yellow {h['yellow']} · blue {h['blue']}", highlight=False)
