"""The quarterly report a leader reads: computed once as :class:`ReportData` (every figure
testable), then rendered as HTML (Jinja2, inline CSS, static SVG bars, prints to PDF with
Chinese fonts), XLSX or Markdown.

Contents: headline figures; every target's progress as a bar against its target; the
status breakdown per unit; the red, yellow and blue items with their reasons; and what
changed since last quarter — items whose status changed between the two quarter ends,
and the reports dated in the quarter.

Dates: the report stands on the quarter's last day (or today, while the quarter is still
running); "last quarter" is the previous quarter's last day.  Both snapshots use every
report known now, so a late report for last quarter counts there too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select

from luodi.errors import LuodiError
from luodi.store import Store
from luodi.store.schema import track_items, track_reports
from luodi.tracking.derive import last_day
from luodi.tracking.items import PlanInfo, ensure_items, load_items, plan_info
from luodi.tracking.model import KIND_LABELS, LEVELS, LIGHT_LABELS, LIGHTS, STATUS_LABELS, STATUSES
from luodi.tracking.rollup import ItemState, Snapshot, build_snapshot, fetch_reports
from luodi.tracking.status import Thresholds

FORMATS = ("html", "xlsx", "md")
MAX_FILED = 60  # reports listed one by one; the counts cover all of them


# -- quarters --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Quarter:
    year: int
    q: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        m = re.fullmatch(r"\s*(\d{4})\s*[-_ ]?\s*[Qq]([1-4])\s*", text) or re.fullmatch(
            r"\s*(\d{4})\s*年?\s*第?([1-4一二三四])\s*季度?\s*", text)
        if not m:
            raise LuodiError(f"not a quarter: {text!r} (use e.g. 2024Q2)")
        q = m.group(2)
        return cls(int(m.group(1)), int(q) if q.isdigit() else "一二三四".index(q) + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.q - 2, 1)

    @property
    def end(self) -> date:
        return last_day(self.year, 3 * self.q)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.q == 1 else Quarter(self.year, self.q - 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.q}"

    @property
    def label(self) -> str:
        return f"{self.year}年第{'一二三四'[self.q - 1]}季度"


# -- the data --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ItemLine:
    id: int
    kind: str
    title: str
    units: str
    deadline: str
    status: str
    light: str
    progress: float | None  # percent
    reason: str


@dataclass(frozen=True)
class TargetLine:
    id: int
    title: str
    metric: str
    target: str  # 突破100亿元
    unit: str
    value: float | None  # latest value
    progress: float | None  # percent of the target
    status: str
    light: str
    deadline: str
    reason: str
    # Bar geometry, as shares of the bar's full width: the reported value, the target, a range's upper end.
    bar_value: float
    bar_target: float
    bar_target_max: float | None


@dataclass(frozen=True)
class UnitLine:
    name: str
    n: int
    lead: int
    by_status: dict[str, int]
    by_light: dict[str, int]
    progress: float | None
    reports: int  # reports dated in the quarter
    last_report: str | None


@dataclass(frozen=True)
class Change:
    id: int
    kind: str
    title: str
    before: str
    after: str
    light_before: str
    light_after: str


@dataclass(frozen=True)
class Filed:
    item_id: int
    title: str
    unit: str
    as_of: str
    figure: str  # 60% / 1200亿元 / 实质性
    note: str


@dataclass
class ReportData:
    plan: PlanInfo
    quarter: Quarter
    as_of: date
    previous_as_of: date
    generated: str
    thresholds: Thresholds
    headline: dict[str, Any] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    by_light: dict[str, int] = field(default_factory=dict)
    previous_by_status: dict[str, int] = field(default_factory=dict)
    targets: list[TargetLine] = field(default_factory=list)
    units: list[UnitLine] = field(default_factory=list)
    domains: list[dict[str, Any]] = field(default_factory=list)
    red: list[ItemLine] = field(default_factory=list)
    yellow: list[ItemLine] = field(default_factory=list)
    blue: list[ItemLine] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    filed: list[Filed] = field(default_factory=list)
    filed_total: int = 0

    def to_json(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k not in ("plan", "quarter", "thresholds")}
        out.update(plan=self.plan.to_json(), quarter=str(self.quarter), as_of=self.as_of.isoformat(),
                   previous_as_of=self.previous_as_of.isoformat(), thresholds=self.thresholds.__dict__)
        for key in ("targets", "units", "red", "yellow", "blue", "changes", "filed"):
            out[key] = [x.__dict__ for x in getattr(self, key)]
        return out


def build_report(store: Store, plan_key: str | int, quarter: Quarter, actor: str, th: Thresholds | None = None,
                 today: date | None = None) -> ReportData:
    """Everything the report shows, from two snapshots and one pass over the quarter's reports."""
    today = today or date.today()
    if quarter.start > today:
        raise LuodiError(f"{quarter} has not started yet")
    th = th or Thresholds.from_settings()
    plan_id = ensure_items(store, plan_key, actor)
    as_of = min(quarter.end, today)
    prev_as_of = quarter.previous().end
    with store.engine.connect() as conn:
        plan = plan_info(conn, plan_id)
        items = load_items(conn, plan)
        now = build_snapshot(plan, items, fetch_reports(conn, plan_id, as_of), as_of, th)
        before = build_snapshot(plan, items, fetch_reports(conn, plan_id, prev_as_of), prev_as_of, th)
        per_unit, filed, total = _filed(conn, plan_id, quarter.start, as_of, now)
    data = ReportData(plan, quarter, as_of, prev_as_of, datetime.now().strftime("%Y-%m-%d %H:%M"), th)
    _headline(data, now, before, per_unit, total)
    data.targets = [_target_line(s) for s in now.states if s.item.kind == "target"]
    data.units = [_unit_line(g, now, per_unit) for g in now.units]
    data.domains = [g.to_json() for g in now.domains]
    data.red, data.yellow, data.blue = ([_item_line(s) for s in now.late([light])] for light in ("red", "yellow", "blue"))
    data.changes = _changes(now, before)
    data.filed, data.filed_total = filed, total
    return data


def _headline(data: ReportData, now: Snapshot, before: Snapshot, per_unit: dict[str, int], total: int) -> None:
    data.by_status = dict(now.overall.by_status)
    data.by_light = dict(now.overall.by_light)
    data.previous_by_status = dict(before.overall.by_status)
    done_now, done_before = now.overall.by_status["done"], before.overall.by_status["done"]
    data.headline = {
        "items": now.overall.n,
        "by_kind": {k: g.n for k, g in now.by_kind.items()},
        "progress": _pct(now.overall.progress),
        "previous_progress": _pct(before.overall.progress),
        "done": done_now,
        "newly_done": done_now - done_before,
        "overdue": now.overall.by_status["overdue"],
        "red": now.overall.by_light["red"],
        "yellow": now.overall.by_light["yellow"],
        "blue": now.overall.by_light["blue"],
        "green": now.overall.by_light["green"],
        "targets_met": sum(1 for s in now.states if s.item.kind == "target" and s.ev.done),
        "targets": now.by_kind["target"].n,
        "reports": total,
        "units_reporting": len(per_unit),
        "units": len([g for g in now.units if g.name and not g.name.startswith("（")]),
    }


def _pct(x: float | None) -> float | None:
    return None if x is None else round(x * 100, 1)


def _units_text(s: ItemState) -> str:
    lead = "、".join(s.item.lead_units)
    co = "、".join(s.item.units)
    return f"{lead}（牵头）{'；' + co if co else ''}" if lead else co or "—"


def _item_line(s: ItemState) -> ItemLine:
    it, ev = s.item, s.ev
    return ItemLine(it.id, KIND_LABELS[it.kind], it.title, _units_text(s), it.deadline.isoformat() if it.deadline else "—",
                    STATUS_LABELS[ev.status], ev.light, ev.progress_pct, ev.reason)


def _target_line(s: ItemState) -> TargetLine:
    it, ev = s.item, s.ev
    spec = it.target
    assert spec is not None
    top = max(x for x in (spec.value, spec.value_max or 0.0, ev.value or 0.0, 1e-9))
    scale = top * 1.1  # leave room to the right of the target line
    return TargetLine(
        id=it.id, title=it.title, metric=spec.metric or it.title, target=spec.describe(), unit=spec.unit or "",
        value=ev.value, progress=ev.progress_pct, status=STATUS_LABELS[ev.status], light=ev.light,
        deadline=it.deadline.isoformat() if it.deadline else "—", reason=ev.reason,
        bar_value=max(0.0, (ev.value or 0.0) / scale), bar_target=spec.value / scale,
        bar_target_max=spec.value_max / scale if spec.value_max is not None else None,
    )


def _unit_line(g: Any, now: Snapshot, per_unit: dict[str, int]) -> UnitLine:
    lasts = [now.state(i).ev.last_report for i in g.items]
    known = [d for d in lasts if d is not None]
    return UnitLine(g.name, g.n, g.lead, dict(g.by_status), dict(g.by_light), _pct(g.progress), per_unit.get(g.name, 0),
                    max(known).isoformat() if known else None)


def _changes(now: Snapshot, before: Snapshot) -> list[Change]:
    out = []
    for s in now.states:
        b = before.state(s.item.id).ev
        if b.status != s.ev.status:
            out.append(Change(s.item.id, KIND_LABELS[s.item.kind], s.item.title, STATUS_LABELS[b.status],
                              STATUS_LABELS[s.ev.status], b.light, s.ev.light))
    return out


def _filed(conn: Connection, plan_id: int, start: date, end: date, now: Snapshot) -> tuple[dict[str, int], list[Filed], int]:
    """Reports dated in the quarter: count per unit, the latest few in full, the total."""
    r = track_reports
    in_plan = r.c.item_id.in_(select(track_items.c.id).where(track_items.c.plan_id == plan_id))
    window = (in_plan, r.c.as_of >= start.isoformat(), r.c.as_of <= end.isoformat())
    per_unit = {u: int(n) for u, n in conn.execute(select(r.c.unit, func.count()).where(*window).group_by(r.c.unit))}
    rows = conn.execute(
        select(r).where(*window).order_by(r.c.as_of.desc(), r.c.created_at.desc(), r.c.id.desc()).limit(MAX_FILED)
    ).mappings().all()
    titles = {s.item.id: s.item.title for s in now.states}
    filed = [Filed(row["item_id"], titles.get(row["item_id"], f"#{row['item_id']}"), row["unit"], row["as_of"],
                   _figure(row, now), (row["note"] or "")[:120]) for row in rows]
    return per_unit, filed, sum(per_unit.values())


def _figure(row: Any, now: Snapshot) -> str:
    if row["value"] is not None:
        try:
            spec = now.state(row["item_id"]).item.target
        except KeyError:
            spec = None
        return f"{row['value']:g}{spec.unit if spec and spec.unit else ''}"
    if row["percent"] is not None:
        return f"{row['percent']:g}%"
    return LEVELS.get(row["level"] or "", "—")


# -- rendering -------------------------------------------------------------------------------------
def render(data: ReportData, fmt: str, out: Path) -> None:
    if fmt == "html":
        out.write_text(render_html(data), encoding="utf-8")
    elif fmt == "md":
        out.write_text(render_md(data), encoding="utf-8")
    elif fmt == "xlsx":
        render_xlsx(data, out)
    else:
        raise LuodiError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")


_LIGHT_COLOURS = {"green": "#2e9e4f", "blue": "#2f6fd6", "yellow": "#e0a100", "red": "#d23b3b"}


def render_html(data: ReportData) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("luodi.tracking", "templates"), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = _num
    return env.get_template("quarterly.html.j2").render(
        d=data, colours=_LIGHT_COLOURS, light_labels=LIGHT_LABELS, status_labels=STATUS_LABELS, lights=LIGHTS,
        statuses=STATUSES,
    )


def _num(x: float | None, digits: int = 1) -> str:
    if x is None:
        return "—"
    return f"{x:,.{digits}f}".rstrip("0").rstrip(".") if x != int(x) else f"{int(x):,}"


def render_md(data: ReportData) -> str:
    h, k = data.headline, data.headline["by_kind"]
    lines = [
        f"# {data.plan.title or '计划'} — {data.quarter.label}实施情况报告", "",
        f"截至 {data.as_of}（上季度末 {data.previous_as_of}）· 生成于 {data.generated}", "",
        "## 总体情况", "",
        f"- 跟踪事项 {h['items']} 项（任务 {k['task']}、指标 {k['target']}、节点 {k['milestone']}）",
        f"- 总体进度 {_num(h['progress'])}%（上季度 {_num(h['previous_progress'])}%）",
        f"- 已完成 {h['done']} 项（本季度新增 {h['newly_done']}），指标达成 {h['targets_met']}/{h['targets']}",
        f"- 红灯 {h['red']} · 黄灯 {h['yellow']} · 蓝灯 {h['blue']} · 绿灯 {h['green']}",
        f"- 本季度报送 {h['reports']} 条，来自 {h['units_reporting']} 个单位",
    ]
    lines += _md_table(["指标", "目标", "最新值", "完成度", "灯", "期限"], "## 指标进展", [
        [t.metric, t.target, _num(t.value), f"{_num(t.progress)}%", LIGHT_LABELS[t.light], t.deadline] for t in data.targets])
    lines += _md_table(["单位", "事项", "牵头", "红", "黄", "蓝", "绿", "已完成", "平均进度", "本季度报送"], "## 分单位情况", [
        [u.name, u.n, u.lead, *[u.by_light[x] for x in ("red", "yellow", "blue", "green")], u.by_status["done"],
         f"{_num(u.progress)}%", u.reports] for u in data.units])
    lines += _md_table(["领域", "事项", "红", "黄", "蓝", "绿", "已完成", "平均进度"], "### 分领域", [
        [g["name"], g["n"], *[g["by_light"][x] for x in ("red", "yellow", "blue", "green")], g["by_status"]["done"],
         f"{_num(g['progress'])}%"] for g in data.domains])
    groups = (("红灯事项（已逾期）", data.red), ("黄灯事项（滞后或未按时报送）", data.yellow),
              ("蓝灯事项（临近期限）", data.blue))
    for title, group in groups:
        lines += ["", f"## {title}", ""]
        lines += [f"- **{_md(i.title)}**（{i.kind}，{_md(i.units)}，期限 {i.deadline}）：{_md(i.reason)}" for i in group]
        lines += [] if group else ["- 无"]
    lines += _md_table(["事项", "上季度末", "本季度末"], "## 本季度变化",
                       [[c.title, c.before, c.after] for c in data.changes] or [["—", "—", "—"]])
    lines += ["", f"本季度报送 {data.filed_total} 条" + (f"，最近 {len(data.filed)} 条：" if data.filed else "。"), ""]
    lines += [f"- {f.as_of} {_md(f.unit)}：{_md(f.title)} — {f.figure} {_md(f.note)}" for f in data.filed]
    return "\n".join(lines) + "\n"


def _md_table(header: list[str], title: str, rows: list[list[Any]]) -> list[str]:
    lines = ["", title, "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(_md(str(c)) for c in row) + " |" for row in rows]


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_xlsx(data: ReportData, out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "概览"
    h = data.headline
    rows: list[list[Any]] = [
        [f"{data.plan.title or '计划'} {data.quarter.label}实施情况报告"], ["截至日期", data.as_of.isoformat()],
        ["跟踪事项", h["items"]], ["总体进度%", h["progress"]], ["上季度总体进度%", h["previous_progress"]],
        ["已完成", h["done"]], ["本季度新增完成", h["newly_done"]], ["指标达成", f"{h['targets_met']}/{h['targets']}"],
        *[[LIGHT_LABELS[k], h[k]] for k in ("red", "yellow", "blue", "green")],
        ["本季度报送条数", h["reports"]], ["报送单位数", h["units_reporting"]],
    ]
    for r in rows:
        ws.append(r)
    ws["A1"].font = Font(bold=True, size=14)
    _sheet(wb, "指标进展", ["编号", "指标", "目标", "单位", "最新值", "完成度%", "状态", "灯", "期限", "说明"],
           [[t.id, t.metric, t.target, t.unit, t.value, t.progress, t.status, LIGHT_LABELS[t.light], t.deadline, t.reason]
            for t in data.targets])
    _sheet(wb, "分单位", ["单位", "事项", "牵头", *[LIGHT_LABELS[k] for k in LIGHTS], *[STATUS_LABELS[k] for k in STATUSES],
                       "平均进度%", "本季度报送", "最近报送"],
           [[u.name, u.n, u.lead, *[u.by_light[k] for k in LIGHTS], *[u.by_status[k] for k in STATUSES], u.progress,
             u.reports, u.last_report] for u in data.units])
    _sheet(wb, "分领域", ["领域", "事项", *[LIGHT_LABELS[k] for k in LIGHTS], "已完成", "平均进度%"],
           [[g["name"], g["n"], *[g["by_light"][k] for k in LIGHTS], g["by_status"]["done"], g["progress"]]
            for g in data.domains])
    _sheet(wb, "预警事项", ["灯", "编号", "类型", "事项", "责任单位", "期限", "进度%", "原因"],
           [[LIGHT_LABELS[i.light], i.id, i.kind, i.title, i.units, i.deadline, i.progress, i.reason]
            for i in [*data.red, *data.yellow, *data.blue]])
    _sheet(wb, "本季度变化", ["编号", "类型", "事项", "上季度末", "本季度末"],
           [[c.id, c.kind, c.title, c.before, c.after] for c in data.changes])
    _sheet(wb, "报送记录", ["截至日期", "单位", "编号", "事项", "报送", "进展情况"],
           [[f.as_of, f.unit, f.item_id, f.title, f.figure, f.note] for f in data.filed])
    wb.save(out)


def _sheet(wb: Any, title: str, header: list[str], rows: list[list[Any]]) -> None:
    from openpyxl.styles import Font

    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(r)
    ws.freeze_panes = "A2"


def default_format(out: Path, fmt: str | None) -> str:
    if fmt:
        return fmt.lower()
    suffix = out.suffix.lower().lstrip(".")
    return {"htm": "html", "markdown": "md"}.get(suffix, suffix) if suffix else "html"
