"""The start page: what the store holds, in a few counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from luodi.store import Store
from luodi.store.schema import plans, records


def overview(store: Store) -> dict[str, Any]:
    with store.engine.connect() as conn:
        n_plans = conn.scalar(select(func.count()).select_from(plans)) or 0
        by_kind: dict[str, int] = dict(conn.execute(select(records.c.kind, func.count()).group_by(records.c.kind)).all())
        regions = conn.execute(
            select(plans.c.region, func.count()).where(plans.c.region.is_not(None))
            .group_by(plans.c.region).order_by(func.count().desc()).limit(12)
        ).all()
        latest = conn.execute(
            select(plans.c.id, plans.c.title, plans.c.region, plans.c.issued)
            .order_by(plans.c.issued.desc().nulls_last(), plans.c.id.desc()).limit(8)
        ).mappings().all()
    return {
        "counts": {"plans": n_plans, **{k: int(v) for k, v in by_kind.items()}},
        "regions": [{"region": r, "count": n} for r, n in regions],
        "latest": [dict(r, url=f"/plans/{r['id']}") for r in latest],
    }
