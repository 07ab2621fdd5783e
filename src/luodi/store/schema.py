"""The store's tables, as SQLAlchemy Core metadata (SQLite today, PostgreSQL later).

Size matters (goal: the store ≤ 3× the raw text), so a document's text is stored once:
the clean text as ``plans.text``, the source text zlib-compressed in ``plans.raw_z``
(NULL when it equals the clean text), the clean→source offset map as a compact JSON list
of ``[c0, c1, s0, s1]`` runs.  Sections and tables keep offsets into the clean text, never
copies of it.  The extraction lists (targets, milestones…) are free-form dicts, kept as
JSON rows in ``records``.

The many small child rows (sections, records) are clustered on their primary key (SQLite
WITHOUT ROWID): stored once instead of as a table plus a same-sized key index, and each
plan's rows sit together for reading it back.  ``plan_tables`` rows can be large, which
WITHOUT ROWID handles badly, and are few, so that table keeps its rowid.

Changing anything here needs a new migration in ``migrations/versions`` and a bump of
:data:`SCHEMA_REVISION` (a test compares both against the migrations).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB


def _head_revision() -> str:
    """The newest migration, read from the file names (``0002_tracking.py`` → "0002").

    Revisions are numbered in sequence, so the highest number is Alembic's head; reading
    file names keeps opening an up-to-date store at one SELECT without importing Alembic,
    and a feature adds its migration without editing a shared constant."""
    versions = Path(__file__).with_name("migrations") / "versions"
    return max(p.name.split("_", 1)[0] for p in versions.glob("[0-9][0-9][0-9][0-9]_*.py"))


# Alembic head this code expects (a test checks it against Alembic's own view).
SCHEMA_REVISION = _head_revision()

# The extraction lists of a Document, by record kind (``records.kind``) → attribute name.
RECORD_KINDS: dict[str, str] = {
    "target": "targets",
    "milestone": "milestones",
    "support": "supports",
    "scenario": "scenarios",
}

# JSONB on PostgreSQL (indexable, compact); plain JSON text elsewhere.
Json = JSON().with_variant(JSONB(), "postgresql")

# Deterministic constraint names, so later migrations can address them on every backend.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

plans = Table(
    "plans",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False, unique=True),  # one current version per file/URL
    Column("content_hash", Text, nullable=False, unique=True),
    Column("format", Text, nullable=False),
    Column("encoding", Text),
    Column("size", Integer, nullable=False),
    Column("title_hint", Text),
    Column("title", Text),
    Column("notice_title", Text),
    Column("doc_number", Text),
    Column("issuers", Json, nullable=False),
    Column("issued", Text),
    Column("published", Text),
    Column("region", Text),
    Column("province", Text),
    Column("level", Text),
    Column("period_start", Integer),
    Column("period_end", Integer),
    Column("script", Text, nullable=False),
    Column("doc_type", Text),
    Column("url", Text),
    Column("index_no", Text),
    Column("fields", Json, nullable=False),
    Column("body_start", Integer, nullable=False),
    Column("warnings", Json, nullable=False),
    Column("n_sections", Integer, nullable=False),
    Column("ingested_at", Text, nullable=False),  # ISO 8601, UTC
    # The bulky columns go last: SQLite stores a row as one record, so listing metadata
    # never has to walk the overflow pages of the text that follows it.
    Column("text", Text, nullable=False),  # clean text: every offset below refers to it
    Column("raw_z", LargeBinary),  # zlib(raw.text UTF-8); NULL when raw.text == text
    Column("runs", Json, nullable=False),  # MappedText.runs as [[c0, c1, s0, s1], …]
    # AUTOINCREMENT: never reuse the id of a deleted plan, so an id someone noted down
    # can't silently start pointing at another document.
    sqlite_autoincrement=True,
)

sections = Table(
    "sections",
    metadata,
    Column("plan_id", Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
    Column("ord", Integer, nullable=False),
    Column("sid", Text, nullable=False),
    Column("parent", Text),
    Column("label", Text),
    Column("heading", Text),
    Column("level", Integer, nullable=False),
    Column("kind", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("text_start", Integer, nullable=False),
    Column("text_end", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("lead_units", Json, nullable=False),
    Column("units", Json, nullable=False),
    PrimaryKeyConstraint("plan_id", "ord"),
    # No (plan_id, sid) index: the primary key already clusters a plan's sections, and a
    # plan has at most a few hundred, so finding one by sid is a short range scan.
    sqlite_with_rowid=False,
)

plan_tables = Table(
    "plan_tables",
    metadata,
    Column("plan_id", Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
    Column("ord", Integer, nullable=False),
    Column("title", Text),
    Column("header", Json, nullable=False),
    Column("rows", Json, nullable=False),
    Column("section", Text),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("truncated", Boolean, nullable=False),
    PrimaryKeyConstraint("plan_id", "ord"),
)

records = Table(
    "records",
    metadata,
    Column("plan_id", Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
    Column("kind", Text, nullable=False),  # one of RECORD_KINDS
    Column("ord", Integer, nullable=False),
    Column("data", Json, nullable=False),
    PrimaryKeyConstraint("plan_id", "kind", "ord"),
    sqlite_with_rowid=False,
)

# Entity mentions are not stored (migration 0004 dropped their table): they are derived
# from the text on load, see luodi.extract.components.DERIVED_ON_READ.

# Children of a plan, in the order they are written.  Rewritten whenever the plan is
# re-extracted; tracking rows below are not children: they outlive re-extraction.
CHILD_TABLES = (sections, plan_tables, records)

# -- tracking (issue 4) -------------------------------------------------------------------
# A trackable item is a task (a section with units), a target or a milestone of a plan.
# Items are materialised from the plan and re-synced after re-extraction by their stable
# ``ref`` (a section id, or a content key of a target/milestone), so reports stay attached.
track_items = Table(
    "track_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("plan_id", Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
    Column("kind", Text, nullable=False),  # task | target | milestone
    Column("ref", Text, nullable=False),  # stable key within the plan
    Column("parent_id", Integer, ForeignKey("track_items.id", ondelete="SET NULL")),
    Column("ord", Integer, nullable=False),  # document order
    Column("title", Text, nullable=False),
    Column("section", Text),  # section id the item comes from
    Column("lead_units", Json, nullable=False),
    Column("units", Json, nullable=False),
    Column("target", Json),  # targets: value, value_max, unit, qualifier, year, metric
    Column("deadline", Text),  # derived YYYY-MM-DD
    Column("deadline_reason", Text),
    Column("deadline_override", Text),  # set by a user; wins over the derived one
    Column("override_reason", Text),
    Column("weight", Float),  # roll-up weight; NULL = equal weights
    Column("retired", Boolean, nullable=False, default=False),  # gone from the re-extracted plan
    Column("created_at", Text, nullable=False),
    UniqueConstraint("plan_id", "kind", "ref"),
    sqlite_autoincrement=True,
)

# Progress reports are append-only: a correction is a new report; nothing is updated.
track_reports = Table(
    "track_reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_id", Integer, ForeignKey("track_items.id", ondelete="CASCADE"), nullable=False),
    Column("unit", Text, nullable=False),  # reporting unit
    Column("as_of", Text, nullable=False),  # YYYY-MM-DD the report describes
    Column("value", Float),  # achieved value, in the target's unit
    Column("percent", Float),  # 0–100 for tasks
    Column("level", Text),  # none | not_started | limited | substantial | complete
    Column("note", Text),
    Column("evidence", Json, nullable=False),  # [{"url": …} | {"sha256", "name", "size", "mime"}]
    Column("author", Text),
    Column("created_at", Text, nullable=False),  # when it was filed (UTC ISO 8601)
    Index("ix_track_reports_item_id_as_of", "item_id", "as_of"),
    sqlite_autoincrement=True,
)

# Evidence files, content-addressed (the same file attached twice is stored once).
track_evidence = Table(
    "track_evidence",
    metadata,
    Column("sha256", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("mime", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", Text, nullable=False),
)

# -- users and audit (issue 5) ------------------------------------------------------------
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", Text, nullable=False),  # admin | editor | viewer
    Column("unit", Text),  # the unit an editor reports for
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", Text, nullable=False),
)

# Every write, by whom, with the row before and after.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Text, nullable=False),
    Column("actor", Text, nullable=False),  # user name, or "cli:<os user>"
    Column("action", Text, nullable=False),  # e.g. report.add, item.deadline, user.add
    Column("target", Text, nullable=False),  # e.g. item:12, user:alice
    Column("before", Json),
    Column("after", Json),
    sqlite_autoincrement=True,
)
