"""Tracking (items, append-only progress reports, evidence files), users and audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

Written by hand and frozen, like 0001: it does not import schema.py.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "track_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "plan_id", sa.Integer, sa.ForeignKey("plans.id", name="fk_track_items_plan_id_plans", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("ref", sa.Text, nullable=False),
        sa.Column(
            "parent_id", sa.Integer,
            sa.ForeignKey("track_items.id", name="fk_track_items_parent_id_track_items", ondelete="SET NULL"),
        ),
        sa.Column("ord", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("section", sa.Text),
        sa.Column("lead_units", Json, nullable=False),
        sa.Column("units", Json, nullable=False),
        sa.Column("target", Json),
        sa.Column("deadline", sa.Text),
        sa.Column("deadline_reason", sa.Text),
        sa.Column("deadline_override", sa.Text),
        sa.Column("override_reason", sa.Text),
        sa.Column("weight", sa.Float),
        sa.Column("retired", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_track_items"),
        sa.UniqueConstraint("plan_id", "kind", "ref", name="uq_track_items_plan_id_kind_ref"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "track_reports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "item_id", sa.Integer,
            sa.ForeignKey("track_items.id", name="fk_track_reports_item_id_track_items", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("as_of", sa.Text, nullable=False),
        sa.Column("value", sa.Float),
        sa.Column("percent", sa.Float),
        sa.Column("level", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("evidence", Json, nullable=False),
        sa.Column("author", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_track_reports"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_track_reports_item_id_as_of", "track_reports", ["item_id", "as_of"])
    op.create_table(
        "track_evidence",
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("mime", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_track_evidence"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("unit", sa.Text),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("before", Json),
        sa.Column("after", Json),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    for table in ("audit_log", "users", "track_evidence"):
        op.drop_table(table)
    op.drop_index("ix_track_reports_item_id_as_of", table_name="track_reports")
    op.drop_table("track_reports")
    op.drop_table("track_items")
