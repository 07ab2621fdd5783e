"""``luodi compare …``: targets, coverage, instruments, reuse and units across plans.

The comparisons live in :mod:`luodi.analysis`; these commands load the store, call them and
format the result: a Rich table, ``--json`` (the result's ``to_json()``) or ``--csv`` (its
flat rows, UTF-8 with a BOM so Excel reads the Chinese right).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from luodi.cli.common import JsonOpt, app, dump, fail, out, store_session

if TYPE_CHECKING:
    from luodi.analysis import PlanRef
    from luodi.analysis.reuse import PassagePair, PlanPairReuse

compare_app = typer.Typer(
    name="compare",
    help="Compare plans: like-for-like targets, topic coverage, policy instruments, text reuse, responsible units.",
    no_args_is_help=True,
)
app.add_typer(compare_app, name="compare")

PlansOpt = Annotated[
    list[str] | None,
    typer.Option("--plan", "-p", help="Only this plan (id, content-hash prefix or source); repeat for more."),
]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV (UTF-8 with BOM) instead of a table.")]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the JSON or CSV to this file instead of stdout.")
]


# -- plumbing ---------------------------------------------------------------------------------
def _emit(report: Any, as_json: bool, as_csv: bool, output: Path | None, render: Callable[[], None]) -> None:
    if as_json and as_csv:
        raise fail("choose one of --json and --csv", 2)
    if as_json:
        if output:
            output.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        else:
            dump(report.to_json())
    elif as_csv:
        _write_csv(report.to_rows(), output)
    else:
        if output:
            raise fail("--output needs --json or --csv", 2)
        render()


def _write_csv(rows: list[dict[str, Any]], output: Path | None) -> None:
    buf = io.StringIO()
    if rows:
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({k: _csv_cell(v) for k, v in row.items()} for row in rows)
    data = ("\ufeff" + buf.getvalue()).encode("utf-8")
    if output:
        output.write_bytes(data)
        return
    stream = getattr(sys.stdout, "buffer", None)
    if stream is not None:  # bytes, so the BOM and the text are UTF-8 whatever the console's encoding
        sys.stdout.flush()
        stream.write(data)
        stream.flush()
    else:
        sys.stdout.write(data.decode("utf-8"))


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


def _plan_columns(table: Table, plans: list[PlanRef]) -> None:
    for p in plans:
        table.add_column(p.label, justify="right")


def _titles(plans: list[PlanRef]) -> None:
    for p in plans:
        out.print(f"[dim]#{p.id}  {p.title or '—'}[/dim]", highlight=False)


# -- targets --------------------------------------------------------------------------------------
@compare_app.command()
def targets(
    metric: Annotated[str | None, typer.Option("--metric", "-m", help="Only this metric (any wording: 核心产业规模).")] = None,
    every: Annotated[bool, typer.Option("--all", help="Every metric, also those only one plan has.")] = False,
    baselines: Annotated[bool, typer.Option("--baselines", help="Also the baselines plans state (2017年…约260亿元).")] = False,
    chart: Annotated[bool, typer.Option("--chart", help="Draw each metric's values as bars.")] = False,
    plans: PlansOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    output: OutputOpt = None,
) -> None:
    """Like-for-like targets across plans and years: metric wording grouped, units normalised.

    Example: luodi compare targets --metric 核心产业规模 --chart
    """
    from luodi.analysis import compare_targets

    with store_session() as store:
        report = compare_targets(store, metric, plans=plans, baselines=baselines, min_plans=1 if every else 2)

    def render() -> None:
        if not report.rows:
            out.print("no comparable targets" + (f" for {metric}" if metric else " (try --all)"), highlight=False)
            return
        _targets_table(report)
        if chart:
            _targets_chart(report)
        _titles([p for p in report.plans if any(p.id in r.plans for r in report.rows)])

    _emit(report, as_json, as_csv, output, render)


def _targets_table(report: Any) -> None:
    labels = {p.id: p.label for p in report.plans}
    years: list[int | None] = sorted({y for r in report.rows for y in r.years})
    if any(c.year is None for r in report.rows for c in r.cells):
        years.append(None)  # a target without a year (by the end of the plan's period)
    table = Table("metric", "plan", *(str(y) if y else "no year" for y in years), header_style="bold",
                  title="targets: normalised value (written value, section)")
    for r in report.rows:
        for k, plan in enumerate(r.plans):
            cells = {y: [c for c in r.cells if c.plan == plan and c.year == y] for y in years}
            name = f"{r.metric}\n[dim]{r.unit}[/dim]" if k == 0 else ""
            table.add_row(name, labels.get(plan, str(plan)), *(_target_cell(cells[y]) for y in years),
                          end_section=k == len(r.plans) - 1)
    out.print(table)


def _target_cell(cells: list[Any]) -> Text:
    text = Text()
    for k, c in enumerate(cells):
        if k:
            text.append("\n")
        text.append(c.normalised, style="bold" if c.kind == "target" else "italic")
        note = c.written + (" 基线" if c.kind == "baseline" else "")
        text.append(f"\n{note} §{c.link.section}", style="dim")
    return text


def _targets_chart(report: Any) -> None:
    width = 40
    labels = {p.id: p.label for p in report.plans}
    for r in report.rows:
        values = [c for c in r.cells if c.value_norm is not None]
        if not values:
            continue
        top = max(c.value_max_norm or c.value_norm for c in values) or 1
        out.print(f"\n[bold]{r.metric}[/bold] ({r.unit})", highlight=False)
        for c in values:
            bar = "█" * max(1, round(width * c.value_norm / top))
            label = f"{labels.get(c.plan, c.plan)} → {c.year or '?'}{' 基线' if c.kind == 'baseline' else ''}"
            out.print(f"  {label:<22} {bar} {c.normalised}", highlight=False)


# -- coverage -------------------------------------------------------------------------------------
@compare_app.command()
def coverage(
    topic: Annotated[str | None, typer.Option("--topic", "-t", help="Only this topic (and list its clauses).")] = None,
    group: Annotated[str | None, typer.Option("--group", "-g", help="Only this group of topics (应用场景, 治理…).")] = None,
    links: Annotated[bool, typer.Option("--links", help="List the matching clauses under the table.")] = False,
    plans: PlansOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    output: OutputOpt = None,
) -> None:
    """Plans × topics from the maintained taxonomy: clauses per topic, with links to them.

    Example: luodi compare coverage --topic 大模型
    """
    from luodi.analysis import compare_coverage, topics

    if topic and topic not in {t.name for t in topics()}:
        raise fail(f"unknown topic {topic}; topics: {'、'.join(t.name for t in topics())}", 2)
    with store_session() as store:
        report = compare_coverage(store, plans=plans, topic=topic, group=group)

    def render() -> None:
        table = Table("topic", "group", header_style="bold", title="coverage: clauses per topic (mentions)")
        _plan_columns(table, report.plans)
        for t in report.topics:
            cells = [report.cell(t.name, p.id) for p in report.plans]
            table.add_row(t.name, t.group, *(
                Text(f"{c.sections} ({c.mentions})", style="bold") if c.sections else Text("·", style="dim") for c in cells
            ))
        out.print(table)
        if links or topic:
            _coverage_links(report)
        _titles(report.plans)

    _emit(report, as_json, as_csv, output, render)


def _coverage_links(report: Any) -> None:
    labels = {p.id: p.label for p in report.plans}
    for t in report.topics:
        for p in report.plans:
            cell = report.cell(t.name, p.id)
            if not cell.hits:
                continue
            out.print(f"[bold]{t.name}[/bold]  {labels[p.id]}", highlight=False)
            for h in cell.hits:
                words = " ".join(f"{w}×{n}" for w, n in h.words.items())
                span = f"{h.link.span[0]}–{h.link.span[1]}" if h.link.span else ""
                out.print(f"  §{h.link.section} {h.heading or ''}  [dim]{words}  @{span}[/dim]", highlight=False)


# -- instruments ----------------------------------------------------------------------------------
@compare_app.command()
def instruments(
    show_tasks: Annotated[bool, typer.Option("--tasks", help="Also list every task with the rule that decided it.")] = False,
    plans: PlansOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    output: OutputOpt = None,
) -> None:
    """Tasks as supply-, environment- or demand-side policy instruments; a profile per plan.

    The rules are in luodi/data/instruments.tsv; --tasks shows each decision and its words.
    """
    from luodi.analysis import compare_instruments
    from luodi.analysis.instruments import TYPE_NAMES, TYPES

    with store_session() as store:
        report = compare_instruments(store, plans=plans)

    def render() -> None:
        labels = {p.id: p.label for p in report.plans}
        table = Table("plan", "tasks", *(f"{TYPE_NAMES[t]} {t}" for t in TYPES),
                      header_style="bold", title="policy instruments (Rothwell & Zegveld)")
        table.add_column("sub-types", overflow="fold")
        for prof in report.profiles:
            shares = [f"{prof.by_type.get(t, 0)} ({prof.share(t):.0%})" for t in TYPES]
            subs = "  ".join(f"{k.split('/')[1]} {n}" for k, n in prof.by_subtype.items())
            table.add_row(labels[prof.plan], str(prof.tasks), *shares, subs)
        out.print(table)
        if show_tasks:
            tasks_table = Table("plan", "§", "heading", "instrument", header_style="bold")
            tasks_table.add_column("decision", overflow="fold")
            for t in report.tasks:
                tasks_table.add_row(labels[t.plan], t.section, (t.heading or "")[:30], f"{t.type}/{t.subtype}",
                                    Text(t.explain(), style="dim"))
            out.print(tasks_table)
        _titles(report.plans)

    _emit(report, as_json, as_csv, output, render)


# -- reuse ------------------------------------------------------------------------------------------
@compare_app.command()
def reuse(
    a: Annotated[str | None, typer.Argument(help="A plan (left); with B, compare just these two.")] = None,
    b: Annotated[str | None, typer.Argument(help="Another plan (right).")] = None,
    every: Annotated[bool, typer.Option("--all", help="Every pair of plans in the store (the default without A B).")] = False,
    top: Annotated[int, typer.Option(help="Plan pairs to show (most reused text first).")] = 10,
    passages: Annotated[int, typer.Option(help="Passages to show per plan pair (all with A B).")] = 5,
    min_ratio: Annotated[float, typer.Option(help="Similarity (difflib ratio) a clause pair needs.")] = 0.7,
    plans: PlansOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    output: OutputOpt = None,
) -> None:
    """Passages one plan reuses from another, with scores, side by side.

    Examples: luodi compare reuse 3 1    luodi compare reuse --all --top 20
    """
    from luodi.analysis import ReuseParams, compare_reuse, compare_reuse_pair

    if (a is None) != (b is None):
        raise fail("give two plans (A B), or none for every pair", 2)
    if a is not None and every:
        raise fail("--all compares every pair: leave out A B", 2)
    params = ReuseParams(min_ratio=min_ratio)
    with store_session() as store:
        if a is not None and b is not None:
            pair = compare_reuse_pair(store, a, b, params)
            _emit(pair, as_json, as_csv, output, lambda: _reuse_pair(pair, None))
            return
        report = compare_reuse(store, plans=plans, params=params)

    def render() -> None:
        summary = Table("plans (earlier → later)", "passages", "reused chars", "share of earlier", "share of later",
                        header_style="bold", title=f"text reuse: {len(report.pairs)} plan pairs")
        for pair in report.pairs[:top]:
            summary.add_row(f"{pair.a.label} → {pair.b.label}", str(len(pair.passages)), str(pair.reused_chars),
                            f"{pair.share_a:.1%}", f"{pair.share_b:.1%}")
        out.print(summary)
        for pair in report.pairs[:top]:
            _reuse_pair(pair, passages)

    _emit(report, as_json, as_csv, output, render)


def _reuse_pair(pair: PlanPairReuse, limit: int | None) -> None:
    head = (f"[bold]{pair.a.label}[/bold] {pair.a.title or ''}\n[bold]{pair.b.label}[/bold] {pair.b.title or ''}\n"
            f"{len(pair.passages)} passages, {pair.reused_chars} characters; "
            f"{pair.share_a:.1%} of the first, {pair.share_b:.1%} of the second")
    out.print(head, highlight=False)
    if not pair.passages:
        return
    table = Table("score", header_style="bold", show_lines=True)
    table.add_column(pair.a.label, overflow="fold", ratio=1)
    table.add_column(pair.b.label, overflow="fold", ratio=1)
    shown = sorted(pair.passages, key=lambda p: -p.chars)[:limit] if limit else pair.passages
    for p in shown:
        left, right = _diff_texts(p)
        table.add_row(f"{p.ratio:.2f}\n[dim]⊂{p.containment:.2f}[/dim]", left, right)
    out.print(table)
    if limit and len(pair.passages) > limit:
        out.print(f"[dim]… {len(pair.passages) - limit} more (compare reuse {pair.a.id} {pair.b.id})[/dim]")


def _diff_texts(p: PassagePair) -> tuple[Text, Text]:
    """Both texts with what differs highlighted (compared in simplified script)."""
    from luodi.text import to_simplified

    left, right = Text(), Text()
    ta, tb = p.a.text, p.b.text
    sm = SequenceMatcher(None, to_simplified(ta), to_simplified(tb), autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        style = "" if op == "equal" else "bold yellow"
        left.append(ta[i1:i2], style=style)
        right.append(tb[j1:j2], style=style)
    left.append(f"\n§{p.a.section} @{p.a.span[0]}–{p.a.span[1]}", style="dim")
    right.append(f"\n§{p.b.section} @{p.b.span[0]}–{p.b.span[1]}", style="dim")
    return left, right


# -- units ------------------------------------------------------------------------------------------
@compare_app.command()
def units(
    by_body: Annotated[bool, typer.Option("--by-body", help="Drop the region (科学技术局 across cities).")] = False,
    top: Annotated[int, typer.Option(help="Units to show (most tasks first); 0 = all.")] = 30,
    plans: PlansOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    output: OutputOpt = None,
) -> None:
    """Which units carry how many tasks: led (牵头) / listed first / co-responsible, per plan."""
    from luodi.analysis import compare_units

    with store_session() as store:
        report = compare_units(store, plans=plans, by="body" if by_body else "unit")

    def render() -> None:
        table = Table("unit", "total", header_style="bold",
                      title="tasks per unit: led + listed first + co-responsible (a task counts once per unit)")
        shown = [p for p in report.plans if report.tasks.get(p.id)]
        _plan_columns(table, shown)
        for r in report.rows[: top or None]:
            cells = []
            for p in shown:
                load = r.load(p.id)
                cells.append(f"{len(load.led)}+{len(load.first)}+{len(load.co)}" if load.total else "·")
            table.add_row(r.unit, str(r.total), *cells)
        out.print(table)
        out.print("tasks with units: " + "  ".join(f"{p.label}: {report.tasks[p.id]}" for p in shown), highlight=False)

    _emit(report, as_json, as_csv, output, render)
