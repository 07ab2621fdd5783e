"""Progress reports: validated, appended (never updated), with their evidence.

A report names its item, the reporting unit (which must own the item: lead or
co-responsible, in any written form of its name), the as-of date it describes, and at
least one of: a value (targets, in the target's unit), a percent 0–100 (tasks and
milestones), a completion level, a note, evidence.  A correction is simply a new report.

Evidence is a link (http/https only) or a file.  Files are checked by their content —
PDF, PNG, JPEG, DOCX, XLSX or plain text; never by their name — and by size
(``LUODI_EVIDENCE_MAX_MB``, default 10), then stored once in ``track_evidence`` under
their SHA-256 (the same file attached twice is stored once); the report keeps
(sha256, name, size, mime).  The name is only a label: no path is ever built from it.

Every filed report is written with its audit line in the same transaction.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, insert, select

from luodi import audit, config
from luodi.errors import LuodiError, NotFound
from luodi.store import Store
from luodi.store.schema import track_evidence, track_reports
from luodi.tracking.items import PlanInfo, canonical_unit, ensure_items, get_item, load_items, match_owner, writer
from luodi.tracking.model import LEVELS, Item, Report, parse_date, parse_level

MAX_URL = 2000
MAX_NOTE = 5000


class ReportRejected(LuodiError):
    """A report failed validation; ``errors`` are (field, message) pairs."""

    status = 422

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors))


@dataclass
class ReportInput:
    """A report as a person gives it: raw text for the fields a sheet or a command line holds."""

    item_id: int
    unit: str
    as_of: date | None = None  # None = today
    value: float | None = None
    percent: float | None = None
    level: str | None = None  # key or Chinese word
    note: str | None = None
    links: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class CleanReport:
    """A validated report, ready to insert."""

    item_id: int
    unit: str  # the owner's canonical name
    as_of: date
    value: float | None
    percent: float | None
    level: str | None
    note: str | None
    evidence: list[dict[str, Any]]

    def row(self, author: str, created_at: str) -> dict[str, Any]:
        return {"item_id": self.item_id, "unit": self.unit, "as_of": self.as_of.isoformat(), "value": self.value,
                "percent": self.percent, "level": self.level, "note": self.note, "evidence": self.evidence,
                "author": author, "created_at": created_at}


# -- validation ---------------------------------------------------------------------------------
def plan_window(plan: PlanInfo, items: Sequence[Item], created: date) -> tuple[date | None, date | None]:
    """The dates a report on this plan may describe: from the plan's start to its period end
    (or its latest item deadline, when later); open-ended when the plan states neither."""
    low = plan.start(created) if (plan.period_start or plan.issued) else None
    ends = [d for d in [date(plan.period_end, 12, 31) if plan.period_end else None,
                        *(i.deadline for i in items)] if d is not None]
    return low, max(ends) if ends else None


def check_values(item: Item, value: float | None, percent: float | None, level: str | None) -> list[tuple[str, str]]:
    """Value/percent/level against the item's kind and each other."""
    errors: list[tuple[str, str]] = []
    if value is not None:
        if not math.isfinite(value):
            errors.append(("value", "完成值不是有限数 value must be a finite number"))
        elif item.kind != "target":
            errors.append(("value", "完成值只用于指标；任务和节点请填完成百分比 (value is for targets; use percent)"))
    if percent is not None:
        if not math.isfinite(percent) or percent < 0 or percent > 100:
            errors.append(("percent", f"完成百分比须在0–100之间 percent must be 0–100, got {percent:g}"))
        elif item.kind == "target":
            unit = item.target.unit if item.target and item.target.unit else "目标单位"
            errors.append(("percent", f"指标请填完成值（单位：{unit}）而不是百分比 (targets take a value)"))
        elif level == "complete" and percent < 100:
            errors.append(("level", f"完成程度为“完成”但百分比为{percent:g} (complete needs 100%)"))
        elif percent >= 100 and level is not None and level != "complete":
            errors.append(("level", f"百分比100但完成程度为“{LEVELS[level]}” (100% is complete)"))
    return errors


def check_date(as_of: date, window: tuple[date | None, date | None], today: date) -> list[tuple[str, str]]:
    low, high = window
    if as_of > today:
        return [("as_of", f"截至日期{as_of}晚于今天 date is in the future")]
    if low is not None and as_of < low:
        return [("as_of", f"截至日期{as_of}早于计划开始{low} date is before the plan")]
    if high is not None and as_of > high:
        return [("as_of", f"截至日期{as_of}晚于计划结束{high} date is after the plan")]
    return []


def resolve_unit(item: Item, plan: PlanInfo, unit: str) -> tuple[str | None, list[tuple[str, str]]]:
    """The canonical owner a reporting unit stands for, or an error when it owns nothing here."""
    if not unit.strip():
        return None, [("unit", "填报单位必填 the reporting unit is required")]
    if not item.owners:  # plan-wide goals name no unit: whoever reports, reports
        return canonical_unit(unit, plan.meta), []
    owner = match_owner(unit, item.owners, plan.meta)
    if owner is None:
        lead = "、".join(item.lead_units) or "—"
        co = "、".join(item.units) or "—"
        return None, [("unit", f"{unit}不是事项{item.id}的责任单位（牵头：{lead}；责任：{co}） unit does not own the item")]
    return owner, []


def check_link(url: str) -> str | None:
    """An error message for a link that is not a plain http(s) URL, else None."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return f"只接受 http/https 链接 only http(s) links: {url[:80]}"
    if len(url) > MAX_URL or re.search(r"\s", url.strip()):
        return f"链接无效 invalid link: {url[:80]}"
    return None


def validate(item: Item, plan: PlanInfo, window: tuple[date | None, date | None], today: date,
             unit: str, as_of: date | None, value: float | None, percent: float | None, level_text: str | None,
             note: str | None, links: Sequence[str]) -> tuple[CleanReport | None, list[tuple[str, str]]]:
    """Everything about one report except evidence files; ``(report, [])`` or ``(None, errors)``."""
    errors: list[tuple[str, str]] = []
    if item.retired:
        errors.append(("item", f"事项{item.id}已在重新提取后撤销 item is retired"))
    owner, unit_errors = resolve_unit(item, plan, unit)
    errors += unit_errors
    level = None
    try:
        level = parse_level(level_text)
    except ValueError as exc:
        errors.append(("level", str(exc)))
    when = as_of or today
    errors += check_date(when, window, today)
    errors += check_values(item, value, percent, level)
    clean_note = (note or "").strip() or None
    if clean_note and len(clean_note) > MAX_NOTE:
        errors.append(("note", f"进展情况过长（{len(clean_note)}字，上限{MAX_NOTE}） note too long"))
    errors += [("evidence", msg) for msg in (check_link(u) for u in links) if msg]
    if value is None and percent is None and level is None and not clean_note and not links:
        errors.append(("value", "没有可报送的内容 nothing to report: give a value, percent, level, note or evidence"))
    if errors or owner is None:
        return None, errors
    evidence: list[dict[str, Any]] = [{"url": u.strip()} for u in links]
    return CleanReport(item.id, owner, when, value, percent, level, clean_note, evidence), []


# -- evidence files -------------------------------------------------------------------------------
@dataclass(frozen=True)
class EvidenceFile:
    sha256: str
    name: str
    mime: str
    data: bytes

    @property
    def ref(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "name": self.name, "size": len(self.data), "mime": self.mime}


def sniff(data: bytes) -> str | None:
    """The MIME type of an allowed evidence file, judged by its bytes; None if not allowed."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data)
    return "text/plain" if _is_text(data) else None


def _office_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "word/document.xml" in names:
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if "xl/workbook.xml" in names:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None  # any other zip (archives, macro-laden packages) is not evidence


def _is_text(data: bytes) -> bool:
    if not data or b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t\f")
        return controls <= len(text) // 100
    return False


def safe_name(name: str) -> str:
    """A display label from a file name: last path part, no control characters, at most 120 chars."""
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(c for c in base if ord(c) >= 32 and c not in '<>:"|?*').strip(" .")
    return (base or "evidence")[:120]


def read_evidence(path: Path, limit: int | None = None) -> EvidenceFile:
    """Read and check one evidence file; LuodiError with a one-line reason when refused."""
    limit = config.evidence_max_bytes() if limit is None else limit
    try:
        if not path.is_file():
            raise LuodiError(f"{path}: 佐证材料文件不存在 no such file")
        with path.open("rb") as fh:
            data = fh.read(limit + 1)  # never read more than the limit, whatever stat says
    except OSError as exc:
        raise LuodiError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise LuodiError(f"{path}: 文件超过{limit / 1e6:g} MB file too large (LUODI_EVIDENCE_MAX_MB)")
    mime = sniff(data)
    if mime is None:
        raise LuodiError(f"{path}: 不支持的文件类型 not an allowed type (pdf, png, jpeg, docx, xlsx, txt)")
    return EvidenceFile(hashlib.sha256(data).hexdigest(), safe_name(path.name), mime, data)


def store_evidence(conn: Connection, files: Sequence[EvidenceFile]) -> None:
    """Insert files not stored yet (content-addressed: a second copy costs nothing)."""
    for f in files:
        if conn.scalar(select(track_evidence.c.sha256).where(track_evidence.c.sha256 == f.sha256)) is None:
            conn.execute(insert(track_evidence).values(sha256=f.sha256, name=f.name, mime=f.mime, size=len(f.data),
                                                       data=f.data, created_at=audit.now()))


def get_evidence(store: Store, sha256: str) -> EvidenceFile:
    with store.engine.connect() as conn:
        row = conn.execute(select(track_evidence).where(track_evidence.c.sha256 == sha256.lower())).mappings().first()
    if row is None:
        raise NotFound("evidence", sha256)
    return EvidenceFile(row["sha256"], row["name"], row["mime"], bytes(row["data"]))


# -- filing and listing ---------------------------------------------------------------------------
def file_report(store: Store, given: ReportInput, actor: str, today: date | None = None) -> Report:
    """Validate and append one report (with its evidence files and audit line) atomically."""
    today = today or date.today()
    files: list[EvidenceFile] = []
    file_errors: list[tuple[str, str]] = []
    for path in given.files:
        try:
            files.append(read_evidence(path))
        except LuodiError as exc:
            file_errors.append(("evidence", str(exc)))
    with store.engine.connect() as conn:
        item, plan = get_item(conn, given.item_id)
    ensure_items(store, plan.id, actor)
    with writer(store).begin() as conn:
        item, plan = get_item(conn, given.item_id)  # again, inside the write lock
        window = plan_window(plan, load_items(conn, plan), today)
        clean, errors = validate(item, plan, window, today, given.unit, given.as_of, given.value, given.percent,
                                 given.level, given.note, given.links)
        if errors or file_errors or clean is None:
            raise ReportRejected(errors + file_errors)
        clean = CleanReport(**{**clean.__dict__, "evidence": clean.evidence + [f.ref for f in files]})
        store_evidence(conn, files)
        return insert_reports(conn, [clean], actor)[0]


def insert_reports(conn: Connection, reports: Sequence[CleanReport], actor: str) -> list[Report]:
    """Append validated reports and their audit lines on ``conn`` (the caller's transaction).

    One batched INSERT … RETURNING (SQLAlchemy's insertmanyvalues), ids in parameter order."""
    if not reports:
        return []
    now = audit.now()
    author = actor.split(":", 1)[-1]
    rows = [clean.row(author, now) for clean in reports]
    ids = conn.execute(insert(track_reports).returning(track_reports.c.id, sort_by_parameter_order=True), rows).scalars()
    out = [report_from_row({"id": int(rid), **row}) for rid, row in zip(ids, rows, strict=True)]
    audit.record_many(conn, actor, [("report.add", f"item:{r.item_id}", None, {"report": r.id, **row})
                                    for r, row in zip(out, rows, strict=True)])
    return out


def report_from_row(r: Any) -> Report:
    return Report(
        id=r["id"], item_id=r["item_id"], unit=r["unit"], as_of=date.fromisoformat(r["as_of"]), value=r["value"],
        percent=r["percent"], level=r["level"], note=r.get("note"), evidence=list(r.get("evidence") or []),
        author=r["author"], created_at=r["created_at"],
    )


def list_reports(store: Store, item_id: int) -> list[Report]:
    """The whole history of an item, oldest first (by as-of date, then filing)."""
    with store.engine.connect() as conn:
        get_item(conn, item_id)  # NotFound for an unknown item
        rows = conn.execute(
            select(track_reports).where(track_reports.c.item_id == item_id)
            .order_by(track_reports.c.as_of, track_reports.c.created_at, track_reports.c.id)
        ).mappings().all()
    return [report_from_row(r) for r in rows]


def parse_as_of(text: str | None) -> date | None:
    """A --as-of option: None stays None (today); anything else must be a date."""
    return parse_date(text) if text else None
