"""Entity mentions are derived from the text when a plan is loaded: drop their table.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22

Storing every mention cost a hundred rows per plan and most of the time extraction added
to ingest; they are a pure function of the text and the entity vocabulary, so the store
now recomputes them on read (and vocabulary updates reach every stored plan).
Written by hand and frozen: it does not import schema.py.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.drop_index("ix_entity_mentions_name", table_name="entity_mentions")
    op.drop_table("entity_mentions")


def downgrade() -> None:
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
