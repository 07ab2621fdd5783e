"""Entity mentions in a narrow table of their own (they were JSON records of kind "entity").

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

Written by hand and frozen: it does not import schema.py.  Existing entity records are
moved over; their ``quote`` is dropped (it is the source text at the span).
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "entity_mentions",
        sa.Column(
            "plan_id", sa.Integer,
            sa.ForeignKey("plans.id", name="fk_entity_mentions_plan_id_plans", ondelete="CASCADE"), nullable=False,
        ),
        sa.Column("ord", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("section", sa.Text),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text),
        sa.PrimaryKeyConstraint("plan_id", "ord", name="pk_entity_mentions"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_entity_mentions_name", "entity_mentions", ["name"])
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT plan_id, ord, data FROM records WHERE kind = 'entity'")).all()
    moved = []
    for plan_id, ord_, data in rows:
        item = json.loads(data) if isinstance(data, str) else data
        start, end = item["span"]
        text = item.get("text")
        moved.append(
            {
                "plan_id": plan_id, "ord": ord_, "name": item["name"], "type": item["type"], "section": item.get("section"),
                "start": start, "end": end, "text": text if text != item.get("quote") else None,
            }
        )
    if moved:
        conn.execute(
            sa.text(
                'INSERT INTO entity_mentions (plan_id, ord, name, type, section, start, "end", text) '
                "VALUES (:plan_id, :ord, :name, :type, :section, :start, :end, :text)"
            ),
            moved,
        )
    conn.execute(sa.text("DELETE FROM records WHERE kind = 'entity'"))


def downgrade() -> None:
    op.drop_index("ix_entity_mentions_name", table_name="entity_mentions")
    op.drop_table("entity_mentions")
