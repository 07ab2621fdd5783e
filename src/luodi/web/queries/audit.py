"""The audit log, newest first, for admins."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select

from luodi.store import Store
from luodi.store.schema import audit_log
from luodi.web.queries import Paging, like_pattern


@dataclass(frozen=True)
class AuditFilters:
    actor: str | None = None
    action: str | None = None
    target: str | None = None

    def active(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


def _conditions(f: AuditFilters) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if f.actor:
        conds.append(audit_log.c.actor == f.actor)
    if f.action:
        conds.append(audit_log.c.action.like(like_pattern(f.action) .removeprefix("%"), escape="\\"))
    if f.target:
        conds.append(audit_log.c.target == f.target)
    return conds


def audit_page(store: Store, f: AuditFilters, paging: Paging) -> dict[str, Any]:
    conds = _conditions(f)
    with store.engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(audit_log).where(*conds)) or 0
        rows = conn.execute(
            select(audit_log).where(*conds).order_by(audit_log.c.id.desc()).limit(paging.per_page).offset(paging.offset)
        ).mappings().all()
    return {"entries": [dict(r) for r in rows], **paging.describe(total), "filters": f.active()}
