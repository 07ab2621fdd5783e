"""Trackable items in the store: synced from a stored plan, read back for the status engine.

:func:`ensure_items` is what every command (and the web) calls first: it syncs a plan's
items when the plan was never synced or has been re-extracted since (a ``track.sync``
line in the audit log remembers which version of the plan the items come from).  A sync
is an idempotent upsert on (plan_id, kind, ref): new items are added, changed ones
updated, vanished ones retired — never deleted, so their reports survive.  A user's
deadline override and weight are never touched by a sync.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, Text, insert, select, type_coerce, update
from sqlalchemy.exc import SQLAlchemyError

from luodi import audit
from luodi.document import Metadata, Period
from luodi.errors import LuodiError, NotFound, StoreError
from luodi.extract.units import canonical_units
from luodi.store import Store
from luodi.store.engine import WRITE
from luodi.store.schema import audit_log, plans, sections, track_items
from luodi.text import to_simplified
from luodi.tracking.derive import SectionInfo, derive_items, domains, plan_start
from luodi.tracking.model import Item, TargetSpec, parse_date

SYNC_ACTION = "track.sync"
_SYNCED_FIELDS = ("title", "section", "lead_units", "units", "target", "deadline", "deadline_reason", "ord")


@dataclass(frozen=True)
class PlanInfo:
    """What tracking needs of a plan: naming, dates, and the metadata unit names depend on."""

    id: int
    title: str | None
    region: str | None
    province: str | None
    level: str | None
    period_start: int | None
    period_end: int | None
    issued: str | None
    ingested_at: str
    content_hash: str

    @property
    def meta(self) -> Metadata:
        period = Period(self.period_start, self.period_end) if self.period_start and self.period_end else None
        return Metadata(title=self.title, region=self.region, province=self.province, level=self.level,
                        period=period, issued=self.issued)

    @cached_property
    def _fixed_start(self) -> date | None:
        found = plan_start(self.meta, date.min)
        return None if found == date.min else found

    def start(self, created: date) -> date:
        """Start of the expected path: the plan's (period or issue date), else the item's creation."""
        return self._fixed_start or created

    def to_json(self) -> dict[str, Any]:
        period = {"start": self.period_start, "end": self.period_end} if self.period_start and self.period_end else None
        return {"id": self.id, "title": self.title, "region": self.region, "period": period, "issued": self.issued}


@dataclass(frozen=True)
class SyncResult:
    plan_id: int
    added: int
    updated: int
    retired: int
    unchanged: int


def writer(store: Store) -> Engine:
    """The store's engine in write mode: BEGIN IMMEDIATE on SQLite, so concurrent writers queue."""
    return store.engine.execution_options(**{WRITE: True})


# -- plans -----------------------------------------------------------------------------------------
_PLAN_COLUMNS = (plans.c.id, plans.c.title, plans.c.region, plans.c.province, plans.c.level, plans.c.period_start,
                 plans.c.period_end, plans.c.issued, plans.c.ingested_at, plans.c.content_hash)


def plan_info(conn: Connection, plan_id: int) -> PlanInfo:
    row = conn.execute(select(*_PLAN_COLUMNS).where(plans.c.id == plan_id)).mappings().first()
    if row is None:
        raise NotFound("plan", str(plan_id))
    return PlanInfo(**dict(row))


def resolve_plan(store: Store, key: str | int) -> int:
    """Plan id from an id, a content-hash prefix or a source (as ``luodi show`` takes them)."""
    text = str(key).strip()
    if text.isascii() and text.isdigit() and len(text) <= 18:
        with store.engine.connect() as conn:
            if conn.scalar(select(plans.c.id).where(plans.c.id == int(text))) is not None:
                return int(text)
    return int(store.get_plan(text)["id"])  # hash prefixes and sources: the store's own rules


# -- sync ------------------------------------------------------------------------------------------
def ensure_items(store: Store, plan_key: str | int, actor: str) -> int:
    """The plan's id, after syncing its items if the plan changed since the last sync."""
    plan_id = resolve_plan(store, plan_key)
    with store.engine.connect() as conn:
        fresh = _is_synced(conn, plan_info(conn, plan_id))
    if not fresh:
        sync_items(store, plan_id, actor)
    return plan_id


def _is_synced(conn: Connection, plan: PlanInfo) -> bool:
    last = conn.execute(
        select(audit_log.c.after)
        .where(audit_log.c.action == SYNC_ACTION, audit_log.c.target == f"plan:{plan.id}")
        .order_by(audit_log.c.id.desc())
        .limit(1)
    ).scalar()
    if not isinstance(last, dict):
        return False
    return last.get("content_hash") == plan.content_hash and last.get("ingested_at") == plan.ingested_at


def sync_items(store: Store, plan_key: str | int, actor: str) -> SyncResult:
    """Upsert the plan's items from its stored document, in one transaction (see module doc)."""
    plan_id = resolve_plan(store, plan_key)
    doc = store.load_document(plan_id)
    derived = derive_items(doc)
    try:
        with writer(store).begin() as conn:
            plan = plan_info(conn, plan_id)
            result = _upsert(conn, plan_id, derived)
            audit.record(conn, actor, SYNC_ACTION, f"plan:{plan_id}", None, {
                "content_hash": plan.content_hash, "ingested_at": plan.ingested_at, "added": result.added,
                "updated": result.updated, "retired": result.retired,
            })
    except SQLAlchemyError as exc:
        raise StoreError(f"plan {plan_id}: items not synced: {exc}") from exc
    return result


def _upsert(conn: Connection, plan_id: int, derived: Sequence[Any]) -> SyncResult:
    existing = {(r["kind"], r["ref"]): r for r in conn.execute(
        select(track_items).where(track_items.c.plan_id == plan_id)).mappings()}
    now = audit.now()
    updated = unchanged = 0
    ids: dict[tuple[str, str], int] = {}
    new_rows: list[dict[str, Any]] = []
    for d in derived:
        values = {"title": d.title, "section": d.section, "lead_units": d.lead_units, "units": d.units,
                  "target": d.target, "deadline": d.deadline, "deadline_reason": d.deadline_reason, "ord": d.ord}
        old = existing.get((d.kind, d.ref))
        if old is None:
            new_rows.append({"plan_id": plan_id, "kind": d.kind, "ref": d.ref, "retired": False, "created_at": now,
                             "parent_id": None, "weight": None, "deadline_override": None, "override_reason": None,
                             **values})
            continue
        ids[(d.kind, d.ref)] = old["id"]
        if old["retired"] or any(old[k] != values[k] for k in _SYNCED_FIELDS):
            conn.execute(update(track_items).where(track_items.c.id == old["id"]).values(retired=False, **values))
            updated += 1
        else:
            unchanged += 1
    if new_rows:  # one batched INSERT … RETURNING, ids in parameter order
        returned = conn.execute(insert(track_items).returning(track_items.c.id, sort_by_parameter_order=True), new_rows)
        for row, new_id in zip(new_rows, returned.scalars(), strict=True):
            ids[(row["kind"], row["ref"])] = int(new_id)
    _link_parents(conn, derived, ids, existing)
    gone = [r["id"] for key, r in existing.items() if key not in ids and not r["retired"]]
    if gone:
        conn.execute(update(track_items).where(track_items.c.id.in_(gone)).values(retired=True))
    return SyncResult(plan_id, len(new_rows), updated, len(gone), unchanged)


def _link_parents(conn: Connection, derived: Sequence[Any], ids: dict[tuple[str, str], int],
                  existing: dict[tuple[str, str], Any]) -> None:
    for d in derived:
        parent = ids.get(("task", d.parent_ref)) if d.parent_ref else None
        old = existing.get((d.kind, d.ref))
        if (old["parent_id"] if old is not None else None) != parent:  # new rows start with no parent
            conn.execute(update(track_items).where(track_items.c.id == ids[(d.kind, d.ref)]).values(parent_id=parent))


# -- reading ---------------------------------------------------------------------------------------
def load_items(conn: Connection, plan: PlanInfo, include_retired: bool = False) -> list[Item]:
    """The plan's items in document order, with start dates and domains."""
    t = track_items
    # JSON columns as text, decoded by orjson: several times faster than the driver's json.loads.
    columns = [c for c in t.c if c.name not in _JSON_COLUMNS] + [type_coerce(t.c[n], Text).label(n) for n in _JSON_COLUMNS]
    query = select(*columns).where(t.c.plan_id == plan.id)
    if not include_retired:
        query = query.where(t.c.retired.is_(False))
    rows = conn.execute(query.order_by(t.c.ord, t.c.id)).mappings().all()
    doms = _domains(conn, plan.id)
    return [item_from_row(r, plan, doms) for r in rows]


_JSON_COLUMNS = ("lead_units", "units", "target")


def _json(value: Any) -> Any:
    """A JSON column read as text (SQLite) or already decoded (PostgreSQL's JSONB)."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def get_item(conn: Connection, item_id: int) -> tuple[Item, PlanInfo]:
    row = conn.execute(select(track_items).where(track_items.c.id == item_id)).mappings().first()
    if row is None:
        raise NotFound("item", str(item_id))
    plan = plan_info(conn, row["plan_id"])
    return item_from_row(row, plan, _domains(conn, plan.id)), plan


def _domains(conn: Connection, plan_id: int) -> dict[str, str]:
    secs = conn.execute(
        select(sections.c.sid, sections.c.parent, sections.c.label, sections.c.heading, sections.c.kind,
               sections.c.lead_units, sections.c.units).where(sections.c.plan_id == plan_id)
    ).all()
    infos = [SectionInfo(s.sid, s.parent, s.label, s.heading, s.kind) for s in secs]
    tasks = {s.sid for s in secs if s.kind in ("heading", "article", "task") and (s.lead_units or s.units)}
    return domains(infos, tasks)


def item_from_row(r: Any, plan: PlanInfo, doms: dict[str, str] | None = None) -> Item:
    created = datetime.fromisoformat(r["created_at"]).date()
    deadline = r["deadline_override"] or r["deadline"]
    reason = r["deadline_reason"]
    if r["deadline_override"]:
        reason = f"人工调整 set by hand：{r['override_reason'] or '—'}（原 derived: {r['deadline'] or '无'}）"
    spec = _json(r["target"])  # JSON null for tasks
    return Item(
        id=r["id"], plan_id=r["plan_id"], kind=r["kind"], ref=r["ref"], title=r["title"], section=r["section"],
        lead_units=list(_json(r["lead_units"])), units=list(_json(r["units"])),
        deadline=date.fromisoformat(deadline) if deadline else None, deadline_reason=reason,
        start=plan.start(created), parent_id=r["parent_id"], ord=r["ord"],
        target=TargetSpec.from_json(spec) if spec else None, weight=r["weight"],
        retired=bool(r["retired"]),
        domain=(doms or {}).get(r["section"] or "", None),
    )


# -- units -----------------------------------------------------------------------------------------
def unit_key(name: str, meta: Metadata) -> str:
    """A unit name without the plan's own place prefix (深圳市工业和信息化局, 市工业和信息化局 → 工业和信息化局)."""
    s = to_simplified(name).replace(" ", "").replace("\u3000", "")
    for prefix in (meta.region, meta.province, "中共" + (meta.region or ""), "市", "省"):
        if prefix and s.startswith(prefix) and len(s) > len(prefix):
            return s[len(prefix):]
    return s


def match_owner(name: str, owners: Sequence[str], meta: Metadata) -> str | None:
    """The owner ``name`` denotes, in any written form (市发改委, 深圳市发展和改革委员会…); None if not one."""
    if not name.strip():
        return None
    keys = {unit_key(o, meta): o for o in owners}
    # As written, its canonical form, and the canonical form of its body under the plan's
    # own prefix (深圳市发改委 / 发改委 → 市发改委 → 深圳市发展和改革委员会).
    candidates = [name, *canonical_units([name], meta), *canonical_units(["市" + unit_key(name, meta)], meta)]
    for cand in candidates:
        found = keys.get(unit_key(cand, meta))
        if found is not None:
            return found
    return None


def canonical_unit(name: str, meta: Metadata) -> str:
    """A reporting unit's canonical name when the registry knows it (for items without owners)."""
    return (canonical_units([name.strip()], meta) or [name.strip()])[0]


# -- editing ---------------------------------------------------------------------------------------
def edit_item(store: Store, item_id: int, actor: str, *, deadline: str | None = None, reason: str | None = None,
              clear_deadline: bool = False, weight: float | None = None) -> Item:
    """Override an item's deadline (with a reason) or set its roll-up weight; audited."""
    changes: dict[str, Any] = {}
    if clear_deadline:
        changes.update(deadline_override=None, override_reason=None)
    elif deadline is not None:
        if not reason or not reason.strip():
            raise LuodiError("a deadline override needs a reason (--reason)")
        changes.update(deadline_override=parse_date(deadline).isoformat(), override_reason=reason.strip())
    if weight is not None:
        if not weight >= 0:
            raise LuodiError("weight must be ≥ 0")
        changes["weight"] = float(weight)
    if not changes:
        raise LuodiError("nothing to change: give --deadline with --reason, --clear-deadline or --weight")
    with writer(store).begin() as conn:
        before = conn.execute(select(track_items).where(track_items.c.id == item_id)).mappings().first()
        if before is None:
            raise NotFound("item", str(item_id))
        conn.execute(update(track_items).where(track_items.c.id == item_id).values(**changes))
        audit.record(conn, actor, "item.edit", f"item:{item_id}", {k: before[k] for k in changes}, changes)
        item, _ = get_item(conn, item_id)
    return item
