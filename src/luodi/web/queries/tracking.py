"""Tracking pages: dashboards per plan and per unit, an item with its history, filing a
report, the quarterly report.  Everything is computed by :mod:`luodi.tracking`; this
module only picks what a page shows and decides who may file.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Text, func, or_, select, type_coerce

from luodi.document import Document, Metadata
from luodi.errors import LuodiError
from luodi.store import Store
from luodi.store.schema import plans, track_items
from luodi.tracking import ReportInput, ensure_items, file_report, list_reports, snapshot
from luodi.tracking.items import PlanInfo, get_item, item_from_row, match_owner, plan_info, unit_key
from luodi.tracking.model import KIND_LABELS, LEVELS, LIGHT_LABELS, LIGHTS, STATUS_LABELS, Item, Report
from luodi.tracking.quarterly import Quarter, build_report
from luodi.tracking.reports import get_evidence, safe_name
from luodi.tracking.rollup import Snapshot
from luodi.web.auth import User
from luodi.web.errors import Forbidden, Invalid, NotFoundError
from luodi.web.queries import Paging

LIGHT_COLOURS = {"green": "#188038", "blue": "#1a73e8", "yellow": "#f2a600", "red": "#d93025"}


def actor(user: User) -> str:
    """Audit actor of a web user: the user name (the CLI writes ``cli:<os user>``)."""
    return user.name


def vocabulary() -> dict[str, Any]:
    return {"light_labels": LIGHT_LABELS, "status_labels": STATUS_LABELS, "kind_labels": KIND_LABELS,
            "levels": LEVELS, "lights": LIGHTS, "light_colours": LIGHT_COLOURS}


# -- who may file --------------------------------------------------------------------------
def reporting_unit(user: User | None, item: Item, plan: PlanInfo) -> str | None:
    """The owner ``user`` files for on ``item``, or None when they may not file for it.

    Admins may file for any owner (the form lets them choose; None here means "choose").
    A unit editor only for an item whose lead or co-responsible units include their unit,
    matched in any written form (市科技创新委 ≡ 深圳市科技创新委员会)."""
    if user is None or user.disabled or user.role != "editor" or not user.unit:
        return None
    return match_owner(user.unit, item.owners, plan.meta)


def can_file(user: User | None, item: Item, plan: PlanInfo) -> bool:
    if user is None or user.disabled or item.retired:
        return False
    return user.is_admin or reporting_unit(user, item, plan) is not None


# -- the tracking start page ------------------------------------------------------------------
def tracking_index(store: Store, paging: Paging, as_of: date, who: str) -> dict[str, Any]:
    """Plans with their traffic-light counts (a snapshot per plan on the page)."""
    with store.engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(plans)) or 0
        ids = list(conn.scalars(
            select(plans.c.id).order_by(plans.c.issued.desc().nulls_last(), plans.c.id.desc())
            .limit(paging.per_page).offset(paging.offset)
        ))
    rows = []
    for plan_id in ids:
        snap = snapshot(store, plan_id, as_of, who)
        rows.append({"plan": snap.plan.to_json(), "overall": snap.overall.to_json(), "url": f"/tracking/plans/{plan_id}"})
    return {"as_of": as_of.isoformat(), "plans": rows, **paging.describe(total), **vocabulary()}


# -- a plan's dashboard ------------------------------------------------------------------------
def _owned_by(state_owners: list[str], unit: str | None, plan: PlanInfo) -> bool:
    return unit is None or match_owner(unit, state_owners, plan.meta) is not None


def plan_dashboard(store: Store, plan_id: int, as_of: date, who: str, unit: str | None = None) -> dict[str, Any]:
    _plan_exists(store, plan_id)
    snap = snapshot(store, plan_id, as_of, who)
    data = snap.to_json(items=True)
    if unit:  # one unit's view of the plan: only the items it owns
        keep = {s.item.id for s in snap.states if _owned_by(s.item.owners, unit, snap.plan)}
        data["items"] = [i for i in data["items"] if i["id"] in keep]
        data["late"] = [i for i in data["late"] if i["id"] in keep]
        data["overall"] = _counts([i for i in data["items"]])
    data["red"] = [i for i in data["late"] if i["light"] == "red"]
    data["yellow"] = [i for i in data["late"] if i["light"] == "yellow"]
    data["blue"] = [i for i in data["late"] if i["light"] == "blue"]
    data["unit"] = unit
    data["charts"] = _plan_charts(snap, data)
    return {**data, **vocabulary()}


def _counts(items: list[dict[str, Any]]) -> dict[str, Any]:
    lights = Counter(i["light"] for i in items)
    statuses = Counter(i["status"] for i in items)
    progress = [i["progress"] or 0.0 for i in items if i.get("parent_id") is None]
    return {"name": "unit", "n": len(items), "lead": 0, "by_light": {k: lights.get(k, 0) for k in LIGHTS},
            "by_status": {k: statuses.get(k, 0) for k in STATUS_LABELS},
            "progress": round(sum(progress) / len(progress), 1) if progress else None, "items": [i["id"] for i in items]}


def _plan_charts(snap: Snapshot, data: dict[str, Any]) -> dict[str, Any]:
    """ECharts specs: lights per unit (stacked bars) and progress per domain."""
    units = data["units"][:15]
    light_chart = {
        "type": "bar", "horizontal": True, "categories": [u["name"] for u in units], "unit": "",
        "series": [{"name": LIGHT_LABELS[k], "stack": "n", "color": LIGHT_COLOURS[k], "data": [u["by_light"][k] for u in units]}
                   for k in ("red", "yellow", "blue", "green")],
    }
    domains = data["domains"][:15]
    progress_chart = {
        "type": "bar", "horizontal": True, "categories": [d["name"] for d in domains], "unit": "%", "max": 100,
        "series": [{"name": "平均进度 progress", "color": "#b3261e", "data": [d["progress"] or 0 for d in domains]}],
    }
    return {"units": light_chart, "domains": progress_chart}


def _plan_exists(store: Store, plan_id: int) -> None:
    with store.engine.connect() as conn:
        if conn.scalar(select(plans.c.id).where(plans.c.id == plan_id)) is None:
            raise NotFoundError(f"plan not found: {plan_id}")


# -- a unit's dashboard across plans -----------------------------------------------------------
def unit_dashboard(store: Store, unit: str, as_of: date, who: str) -> dict[str, Any]:
    """Every plan in which ``unit`` owns items, with its lights and its late items there."""
    rows: list[dict[str, Any]] = []
    late: list[dict[str, Any]] = []
    for plan_id in _plans_mentioning(store, unit):
        snap = snapshot(store, plan_id, as_of, who)
        mine = [s for s in snap.states if _owned_by(s.item.owners, unit, snap.plan)]
        if not mine:
            continue
        items = [s.to_json() for s in mine]
        rows.append({"plan": snap.plan.to_json(), "overall": _counts(items), "url": f"/tracking/plans/{plan_id}?unit={unit}"})
        mine_ids = {s.item.id for s in mine}
        late += [dict(s.to_json(), plan_id=plan_id) for s in snap.late() if s.item.id in mine_ids]
    order = {"red": 0, "yellow": 1, "blue": 2}
    late.sort(key=lambda i: (order.get(i["light"], 3), i["deadline"] or "9999"))
    chart = {
        "type": "bar", "horizontal": True, "categories": [r["plan"]["title"] or f"#{r['plan']['id']}" for r in rows],
        "unit": "", "series": [{"name": LIGHT_LABELS[k], "stack": "n", "color": LIGHT_COLOURS[k],
                                "data": [r["overall"]["by_light"][k] for r in rows]} for k in ("red", "yellow", "blue", "green")],
    }
    by_light = {k: sum(r["overall"]["by_light"][k] for r in rows) for k in LIGHTS}
    return {"unit": unit, "as_of": as_of.isoformat(), "plans": rows, "late": late, "chart": chart,
            "by_light": by_light, **vocabulary()}


def _plans_mentioning(store: Store, unit: str) -> list[int]:
    """Plans whose items name the unit's core (without 市/省 and region): a cheap pre-filter
    before the exact match, so a unit dashboard does not snapshot every plan."""
    core = unit_key(unit, Metadata())
    core = core.removeprefix("市").removeprefix("省")
    for suffix in ("委员会", "局", "委", "厅", "办公室", "办"):
        if core.endswith(suffix) and len(core) > len(suffix) + 1:
            core = core[: -len(suffix)]
            break
    pattern = f"%{core}%"
    with store.engine.connect() as conn:
        ids = conn.scalars(
            select(track_items.c.plan_id).distinct().where(
                or_(type_coerce(track_items.c.lead_units, Text).like(pattern),
                    type_coerce(track_items.c.units, Text).like(pattern))
            ).order_by(track_items.c.plan_id)
        )
        return list(ids)


def known_units(store: Store) -> list[str]:
    """Units named by tracked items (for the unit picker), most items first."""
    counts: Counter[str] = Counter()
    with store.engine.connect() as conn:
        rows = conn.execute(select(track_items.c.lead_units, track_items.c.units).where(track_items.c.retired.is_(False)))
        for lead, co in rows:
            counts.update(set([*lead, *co]))
    return [u for u, _ in counts.most_common(200)]


# -- one item ----------------------------------------------------------------------------------
def item_page(store: Store, item_id: int, as_of: date, user: User) -> dict[str, Any]:
    with store.engine.connect() as conn:
        item, plan = _get_item(conn, item_id)
    snap = snapshot(store, plan.id, as_of, actor(user))
    state = snap.state(item_id).to_json() if item_id in {s.item.id for s in snap.states} else None
    reports = [_report_json(r) for r in reversed(list_reports(store, item_id))]
    doc = store.load_document(plan.id)
    quote, anchor = source_of(doc, item, store)
    mine = reporting_unit(user, item, plan)
    return {
        "item": _item_json(item), "plan": plan.to_json(), "state": state, "reports": reports, "quote": quote,
        "plan_url": f"/plans/{plan.id}{anchor}", "can_file": can_file(user, item, plan),
        "report_unit": mine, "owners": item.owners, "default_as_of": default_as_of(plan, item).isoformat(),
        "as_of": as_of.isoformat(), **vocabulary(),
    }


def _get_item(conn: Any, item_id: int) -> tuple[Item, PlanInfo]:
    try:
        return get_item(conn, item_id)
    except LuodiError as exc:
        raise NotFoundError(f"item not found: {item_id}") from exc


def _item_json(item: Item) -> dict[str, Any]:
    return {
        "id": item.id, "plan_id": item.plan_id, "kind": item.kind, "kind_label": KIND_LABELS.get(item.kind, item.kind),
        "ref": item.ref, "title": item.title, "section": item.section, "lead_units": item.lead_units,
        "units": item.units, "deadline": item.deadline.isoformat() if item.deadline else None,
        "deadline_reason": item.deadline_reason, "target": item.target.to_json() if item.target else None,
        "target_text": item.target.describe() if item.target else None, "retired": item.retired,
    }


def _report_json(r: Report) -> dict[str, Any]:
    data = r.to_json()
    data["evidence"] = [dict(e, href=f"/api/tracking/evidence/{e['sha256']}" if e.get("sha256") else e.get("url"))
                        for e in r.evidence]
    return data


def default_as_of(plan: PlanInfo, item: Item) -> date:
    """Today, or the plan's last day when the plan has ended (a report may not describe later days)."""
    today = date.today()
    ends = [d for d in (date(plan.period_end, 12, 31) if plan.period_end else None, item.deadline) if d]
    return min(today, max(ends)) if ends else today


# -- items and the records of the plan text ---------------------------------------------------
def _record_key(kind: str, rec: dict[str, Any]) -> tuple[Any, ...] | None:
    """What identifies a record's item: only targets with a value and milestones with an action are items."""
    if kind == "target":
        if rec.get("kind", "target") != "target" or not isinstance(rec.get("value"), int | float):
            return None
        return (rec.get("section"), rec.get("metric"), rec.get("year"), float(rec["value"]))
    action = str(rec.get("action") or "").strip()
    return (rec.get("section"), action) if action else None


def _item_key(item: Item) -> tuple[Any, ...]:
    if item.kind == "target" and item.target is not None:
        return (item.section, item.target.metric, item.target.year, float(item.target.value))
    return (item.section, item.title.strip())


def _records(doc: Document, kind: str) -> list[dict[str, Any]]:
    return doc.targets if kind == "target" else doc.milestones


def item_for_record(store: Store, plan_id: int, kind: str, n: int | None, section: str | None, who: str) -> int:
    """The tracking item of the plan's ``n``-th target or milestone, or of task section ``section``.

    Records and items are matched by what both keep (section, metric, year, value; or
    section and action); the k-th record with a key is the k-th item with it, in order."""
    _plan_exists(store, plan_id)
    ensure_items(store, plan_id, who)
    with store.engine.connect() as conn:
        if kind == "task":
            found = conn.scalar(select(track_items.c.id).where(
                track_items.c.plan_id == plan_id, track_items.c.kind == "task", track_items.c.ref == (section or "")))
            if found is None:
                raise NotFoundError(f"no tracked task for section {section} of plan {plan_id}")
            return int(found)
        plan = plan_info(conn, plan_id)
        rows = conn.execute(select(track_items).where(track_items.c.plan_id == plan_id, track_items.c.kind == kind)
                            .order_by(track_items.c.ord, track_items.c.id)).mappings().all()
    items = [item_from_row(r, plan) for r in rows]
    records = _records(store.load_document(plan_id), kind)
    if n is None or not 0 <= n < len(records):
        raise NotFoundError(f"plan {plan_id} has no {kind} {n}")
    key = _record_key(kind, records[n])
    if key is None:
        raise NotFoundError(f"{kind} {n} of plan {plan_id} is not tracked (a baseline, or no value)")
    rank = sum(1 for r in records[:n] if _record_key(kind, r) == key)
    matching = [i for i in items if _item_key(i) == key]
    if rank >= len(matching):
        raise NotFoundError(f"no tracked item for {kind} {n} of plan {plan_id}")
    return matching[rank].id


def source_of(doc: Document, item: Item, store: Store) -> tuple[str | None, str]:
    """The item's words in the plan, and the anchor of the plan page that shows them."""
    if item.kind == "task":
        sec = next((s for s in doc.sections if s.id == item.section), None)
        return (doc.section_text(sec) if sec else None), f"#sec-{item.section}"
    records = _records(doc, item.kind)
    key = _item_key(item)
    same = [i for i, r in enumerate(records) if _record_key(item.kind, r) == key]
    if not same:
        return None, f"#sec-{item.section}" if item.section else ""
    n = same[min(_rank_of(store, item, key), len(same) - 1)]
    return str(records[n].get("quote") or ""), f"#{item.kind}-{n}-text"


def _rank_of(store: Store, item: Item, key: tuple[Any, ...]) -> int:
    """How many items with the same key come before this one (duplicates: the same target twice)."""
    with store.engine.connect() as conn:
        plan = plan_info(conn, item.plan_id)
        rows = conn.execute(select(track_items).where(
            track_items.c.plan_id == item.plan_id, track_items.c.kind == item.kind, track_items.c.section == item.section)
            .order_by(track_items.c.ord, track_items.c.id)).mappings().all()
    same = [r["id"] for r in rows if _item_key(item_from_row(r, plan)) == key]
    return same.index(item.id) if item.id in same else 0


# -- filing a report ---------------------------------------------------------------------------
@dataclass
class ReportForm:
    unit: str | None = None
    as_of: date | None = None
    value: float | None = None
    percent: float | None = None
    level: str | None = None
    note: str | None = None
    links: list[str] = field(default_factory=list)
    files: list[tuple[str, bytes]] = field(default_factory=list)  # (file name, content)


def file_web_report(store: Store, item_id: int, user: User, form: ReportForm) -> Report:
    """File a report as ``user``: 403 unless they may file for this item, 422 when invalid."""
    with store.engine.connect() as conn:
        item, plan = _get_item(conn, item_id)
    if not can_file(user, item, plan):
        who = f"{user.name}（{user.unit or user.role}）"
        raise Forbidden(f"{who}不是事项{item_id}的责任单位，不能填报 / may not report on this item")
    unit = reporting_unit(user, item, plan) if not user.is_admin else (form.unit or "").strip()
    if not unit:
        raise Invalid("choose the reporting unit / 请选择填报单位")
    with tempfile.TemporaryDirectory(prefix="luodi-evidence-") as tmp:
        # The tracking library reads evidence from files; the upload's name is only a label
        # (safe_name drops any path), and each file gets its own directory so names can repeat.
        paths = []
        for i, (name, data) in enumerate(form.files):
            folder = Path(tmp) / str(i)
            folder.mkdir()
            path = folder / safe_name(name)
            path.write_bytes(data)
            paths.append(path)
        given = ReportInput(item_id=item_id, unit=unit, as_of=form.as_of, value=form.value, percent=form.percent,
                            level=form.level, note=form.note, links=form.links, files=paths)
        return file_report(store, given, actor(user))


# -- the quarterly report and evidence ---------------------------------------------------------
def quarter_of(text: str | None, today: date | None = None) -> Quarter:
    """The quarter asked for (2024Q2, 2024年第二季度), else the current one; 422 if invalid or not begun."""
    today = today or date.today()
    if not text:
        return Quarter(today.year, (today.month - 1) // 3 + 1)
    try:
        quarter = Quarter.parse(text)
    except LuodiError as exc:
        raise Invalid(str(exc)) from exc
    if quarter.start > today:
        raise Invalid(f"{quarter} has not started yet / 该季度尚未开始")
    if quarter.year < 1900:
        raise Invalid(f"no such quarter: {text}")
    return quarter


def quarterly(store: Store, plan_id: int, quarter: Quarter, who: str) -> Any:
    _plan_exists(store, plan_id)
    return build_report(store, plan_id, quarter, who)


def evidence(store: Store, sha256: str) -> Any:
    try:
        return get_evidence(store, sha256)
    except LuodiError as exc:
        raise NotFoundError(f"evidence not found: {sha256}") from exc
