"""The progress sheet units fill in Excel or WPS, and its import (XLSX or CSV).

``template`` writes one row per item (for one unit: the items it owns, its name filled
in).  The columns describing the item are locked (the sheet is protected without a
password, so nobody overwrites an item by accident); the columns to fill are open, with a
drop-down list for 完成程度, a 0–100 check on 完成百分比 and a date check on 截至日期.  A
second sheet, 填报说明, explains each column.  The same columns as CSV are written in
UTF-8 with a BOM, which Excel and WPS open without garbling.

``import`` reads exactly that sheet back (columns found by their header, so a reordered
sheet still reads), plus CSV in UTF-8 (with or without BOM) or GB18030, as Excel saves it
on a Chinese system.  Rows where nothing was filled in are skipped.  Every row is
validated first — unknown items, units that do not own the item, non-numbers, percent
> 100, dates outside the plan or in the future, duplicate rows — and each problem is
reported as (sheet, row, column, message).  Then, in ONE transaction, either every row
is stored or, when anything is wrong, nothing (``partial=True`` stores the valid rows).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import Connection, Text, select, type_coerce

from luodi.errors import LuodiError
from luodi.store import Store
from luodi.store.schema import track_items, track_reports
from luodi.tracking.items import PlanInfo, ensure_items, load_items, match_owner, plan_info, writer
from luodi.tracking.model import KIND_LABELS, LEVELS, LIGHT_LABELS, STATUS_LABELS, Item, parse_date
from luodi.tracking.reports import CleanReport, Report, insert_reports, plan_window, validate
from luodi.tracking.rollup import Snapshot

SHEET = "进展填报"
HELP_SHEET = "填报说明"
KEYWORDS = "luodi-progress-template"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    fill: bool  # filled in by the unit (unlocked)
    help: str


COLUMNS: tuple[Column, ...] = (
    Column("id", "事项编号", 9, False, "系统编号，请勿修改 item id (do not edit)"),
    Column("kind", "类型", 7, False, "任务 / 指标 / 节点"),
    Column("title", "事项", 46, False, "任务名称，或指标及其目标值，或节点内容"),
    Column("lead_units", "牵头单位", 24, False, "牵头单位"),
    Column("units", "责任单位", 30, False, "责任（配合）单位"),
    Column("deadline", "完成时限", 12, False, "完成时限（可由管理员调整）"),
    Column("status", "状态", 14, False, "生成模板时的状态与灯色"),
    Column("unit", "填报单位", 22, True, "本单位名称：须为该事项的牵头或责任单位"),
    Column("as_of", "截至日期", 12, True, "进展所对应的日期，如 2024-06-30；不得晚于今天或超出计划期"),
    Column("value", "完成值", 12, True, "仅指标填写：当前达到的数值，单位与目标相同（如目标为亿元，填亿元数）"),
    Column("percent", "完成百分比", 12, True, "仅任务、节点填写：0–100 的数字"),
    Column("level", "完成程度", 10, True, "下拉选择：无证据 / 未启动 / 有限 / 实质性 / 完成"),
    Column("note", "进展情况", 48, True, "简要文字说明"),
    Column("evidence", "佐证材料链接", 36, True,
           "http(s) 链接，多个用分号或换行分隔；文件请用 luodi track report --evidence 上传"),
)
_BY_HEADER = {c.header: c.key for c in COLUMNS}
# English headers, so a CSV written by a script reads too.
_ALIASES = {"id": "id", "item": "id", "kind": "kind", "unit": "unit", "as_of": "as_of", "date": "as_of", "value": "value",
            "percent": "percent", "level": "level", "note": "note", "evidence": "evidence"}
_FILLED = ("as_of", "value", "percent", "level", "note", "evidence")
_FIELD_COLUMN = {"item": "事项编号", "unit": "填报单位", "as_of": "截至日期", "value": "完成值", "percent": "完成百分比",
                 "level": "完成程度", "note": "进展情况", "evidence": "佐证材料链接"}


# -- template ---------------------------------------------------------------------------------------
def template_rows(snap: Snapshot, unit: str | None) -> list[dict[str, Any]]:
    """One row per item (the unit's items only, with its canonical name filled in, when given)."""
    rows = []
    meta = snap.plan.meta
    for s in snap.states:
        it = s.item
        owner = match_owner(unit, it.owners, meta) if unit else None
        if unit and owner is None:
            continue
        rows.append({
            "id": it.id, "kind": KIND_LABELS[it.kind], "title": it.title, "lead_units": "、".join(it.lead_units),
            "units": "、".join(it.units), "deadline": it.deadline.isoformat() if it.deadline else "",
            "status": f"{LIGHT_LABELS[s.ev.light]}·{STATUS_LABELS[s.ev.status]}", "unit": owner or "",
        })
    return rows


def write_template(snap: Snapshot, out: Path, unit: str | None = None) -> int:
    """Write the sheet (``.xlsx``) or its CSV (``.csv``); returns the number of item rows."""
    rows = template_rows(snap, unit)
    if out.suffix.lower() == ".csv":
        _write_csv(rows, out)
    else:
        _write_xlsx(snap.plan, rows, out, snap.as_of)
    return len(rows)


def _write_csv(rows: Sequence[dict[str, Any]], out: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([c.header for c in COLUMNS])
    for r in rows:
        w.writerow([r.get(c.key, "") for c in COLUMNS])
    out.write_bytes(buf.getvalue().encode("utf-8-sig"))  # BOM: Excel/WPS then read UTF-8, not the ANSI code page


def _write_xlsx(plan: PlanInfo, rows: Sequence[dict[str, Any]], out: Path, as_of: date) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    locked_fill = PatternFill("solid", fgColor="EDEDED")
    open_fill = PatternFill("solid", fgColor="FFF7D6")
    for j, col in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=j, value=col.header)
        cell.font = Font(bold=True)
        cell.fill = open_fill if col.fill else locked_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.comment = Comment(col.help, "luodi")
        ws.column_dimensions[get_column_letter(j)].width = col.width
    for i, r in enumerate(rows, start=2):
        for j, col in enumerate(COLUMNS, start=1):
            cell = ws.cell(row=i, column=j, value=r.get(col.key) or None)
            cell.alignment = Alignment(vertical="top", wrap_text=col.key in ("title", "note", "units"))
            if col.fill:
                cell.protection = Protection(locked=False)
            if col.key == "as_of":
                cell.number_format = "yyyy-mm-dd"
    _validations(ws, len(rows), plan)
    ws.freeze_panes = "D2"
    ws.protection.sheet = True  # no password: it prevents accidents, it is not access control
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    _help_sheet(wb, plan, as_of)
    wb.properties.title = f"{plan.title or ''} 进展填报"
    wb.properties.keywords = f"{KEYWORDS} plan={plan.id}"
    wb.save(out)


def _validations(ws: Any, n: int, plan: PlanInfo) -> None:
    if n == 0:
        return
    letter = {c.key: get_column_letter(j) for j, c in enumerate(COLUMNS, start=1)}
    last = n + 1
    levels = DataValidation(type="list", formula1='"' + ",".join(LEVELS.values()) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="完成程度", error="请从下拉列表选择")
    percent = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True,
                             showErrorMessage=True, errorTitle="完成百分比", error="请填写 0–100 的数字")
    start = plan.start(date.today())
    as_of = DataValidation(type="date", operator="greaterThanOrEqual",
                           formula1=f"DATE({start.year},{start.month},{start.day})", allow_blank=True,
                           showErrorMessage=True, errorTitle="截至日期", error=f"请填写 {start} 之后的日期，如 2024-06-30")
    value = DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15", allow_blank=True,
                           showErrorMessage=True, errorTitle="完成值", error="请填写数字（单位与目标相同）")
    for dv, key in ((levels, "level"), (percent, "percent"), (as_of, "as_of"), (value, "value")):
        dv.add(f"{letter[key]}2:{letter[key]}{last}")
        ws.add_data_validation(dv)


def _help_sheet(wb: Workbook, plan: PlanInfo, as_of: date) -> None:
    ws = wb.create_sheet(HELP_SHEET)
    lines = [
        ("计划", plan.title or ""), ("计划编号", str(plan.id)), ("模板生成日期", as_of.isoformat()), ("", ""),
        ("填写方法", "在“进展填报”表中，只填写黄色表头的列（灰色列已锁定）。未填写的行不会导入。"),
        ("更正", "报送只追加不修改：如需更正，再报一次（同一截至日期，以后报的为准），历史记录全部保留。"),
        ("导入", "luodi track import 本文件.xlsx --dry-run 先检查，无误后去掉 --dry-run 导入。"),
        ("", ""),
    ]
    ws.append(["项目 item", "说明 instructions"])
    for key, text in lines:
        ws.append([key, text])
    for col in COLUMNS:
        ws.append([col.header, ("【填写】" if col.fill else "【只读】") + col.help])
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 100
    for row in ws.iter_rows(min_row=1, max_row=1):
        for cell in row:
            cell.font = Font(bold=True)


# -- reading ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.row}" + (f" {self.column}" if self.column else "")
        return f"{where}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass
class Cell:
    value: Any
    percent_format: bool = False  # Excel shows it as a percent: 0.6 means 60


@dataclass
class SheetRows:
    sheet: str
    header_row: int
    columns: dict[str, str]  # key → header as written
    rows: list[tuple[int, dict[str, Cell]]]
    plan_id: int | None = None  # the plan a luodi template was written for


def read_sheet(path: Path) -> SheetRows:
    """The rows of a progress sheet (XLSX) or CSV, keyed by column."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    raise LuodiError(f"{path}: 只支持 .xlsx 和 .csv only .xlsx and .csv can be imported")


def _header_key(text: Any) -> str | None:
    if text is None:
        return None
    s = re.sub(r"[（(].*?[)）]", "", str(text)).strip()  # 完成百分比(0-100) → 完成百分比
    return _BY_HEADER.get(s) or _ALIASES.get(s.lower())


def _grid(path: Path, rows: Iterator[list[Cell]], sheet: str) -> SheetRows:
    buffered: list[list[Cell]] = []
    for i, row in enumerate(rows, start=1):
        buffered.append(row)
        keys = [_header_key(c.value) for c in row]
        if "id" in keys:
            columns = {k: str(row[j].value).strip() for j, k in enumerate(keys) if k}
            index = {k: j for j, k in enumerate(keys) if k}
            data = [(i + n, {k: r[j] for k, j in index.items() if j < len(r)})
                    for n, r in enumerate(rows, start=1)]
            return SheetRows(sheet, i, columns, data)
        if i >= 10:
            break
    raise LuodiError(f"{path}: 找不到表头“事项编号” no header row with 事项编号 in {sheet}")


def _read_xlsx(path: Path) -> SheetRows:
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise LuodiError(f"{path}: 不是有效的 xlsx 文件 not a readable xlsx file ({type(exc).__name__})") from exc
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        rows = ([Cell(c.value, "%" in str(getattr(c, "number_format", "") or "")) for c in r] for r in ws.iter_rows())
        found = _grid(path, rows, ws.title)
        m = re.search(rf"{KEYWORDS} plan=(\d+)", wb.properties.keywords or "")
        found.plan_id = int(m.group(1)) if m else None
        return found
    finally:
        wb.close()


def _read_csv(path: Path) -> SheetRows:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise LuodiError(f"{path}: CSV 不是 UTF-8 或 GB18030 编码 undecodable CSV")
    rows = ([Cell(v) for v in r] for r in csv.reader(io.StringIO(text)))
    return _grid(path, rows, path.name)


# -- parsing cells ----------------------------------------------------------------------------------
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def _text(cell: Cell | None) -> str:
    if cell is None or cell.value is None:
        return ""
    return str(cell.value).strip()


def parse_number(cell: Cell | None, percent: bool = False) -> float | None:
    """A number from a cell: 1200, "1,200", "1 200", "60%" (percent columns); ValueError otherwise."""
    if cell is None or cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
        return None
    v = cell.value
    if isinstance(v, bool):
        raise ValueError(f"不是数字 not a number: {v!r}")
    if isinstance(v, int | float):
        return float(v) * 100 if percent and cell.percent_format else float(v)
    s = str(v).strip().replace(",", "").replace("，", "").replace(" ", "").replace("\u3000", "")
    if percent and s.endswith(("%", "％")):
        s = s[:-1]
    if not _NUMBER.fullmatch(s):
        raise ValueError(f"不是数字 not a number: {str(v)[:40]!r}")
    return float(s)


def parse_cell_date(cell: Cell | None) -> date | None:
    if cell is None or cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
        return None
    v = cell.value
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, int | float) and not isinstance(v, bool):
        converted = from_excel(v)  # a date typed into a cell without a date format
        return converted.date() if isinstance(converted, datetime) else None
    return parse_date(str(v))


def split_links(text: str) -> list[str]:
    return [u for u in re.split(r"[\s;；,，、]+", text) if u]


# -- import -----------------------------------------------------------------------------------------
@dataclass
class ImportResult:
    path: str
    rows: int = 0  # data rows read
    empty: int = 0  # rows with nothing filled in (skipped)
    valid: int = 0
    imported: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "rows": self.rows, "empty": self.empty, "valid": self.valid,
                "imported": self.imported, "dry_run": self.dry_run, "errors": [e.to_json() for e in self.errors],
                "reports": [r.id for r in self.reports]}


@dataclass
class _Parsed:
    row: int
    item_id: int
    kind: str
    unit: str
    as_of: date | None
    value: float | None
    percent: float | None
    level: str | None
    note: str | None
    links: list[str]


def import_file(store: Store, path: Path, actor: str, *, dry_run: bool = False, partial: bool = False,
                today: date | None = None) -> ImportResult:
    """Validate every row, then store all of them in one transaction — or none (see module doc)."""
    today = today or date.today()
    sheet = read_sheet(path)
    result = ImportResult(str(path), dry_run=dry_run)
    missing = [h for k, h in (("id", "事项编号"), ("unit", "填报单位"), ("as_of", "截至日期")) if k not in sheet.columns]
    if missing:
        result.errors = [RowError(sheet.sheet, sheet.header_row, h, "缺少此列 missing column") for h in missing]
        return result
    parsed = _parse_rows(sheet, result)
    _sync_plans(store, parsed, actor)
    if dry_run:
        with store.engine.connect() as conn:
            clean = _validate_rows(conn, sheet, parsed, today, result)
        result.valid = len(clean)
        return result
    with writer(store).begin() as conn:  # validate and apply under one write lock: what passed is what lands
        clean = _validate_rows(conn, sheet, parsed, today, result)
        result.valid = len(clean)
        if clean and (partial or not result.errors):
            result.reports = insert_reports(conn, clean, actor)
            result.imported = len(result.reports)
    return result


def _parse_rows(sheet: SheetRows, result: ImportResult) -> list[_Parsed]:
    out = []
    for row_no, cells in sheet.rows:
        if not any(_text(cells.get(k)) for k in _FILLED):
            if any(_text(c) for c in cells.values()):  # an item row nobody filled in
                result.rows += 1
                result.empty += 1
            continue
        result.rows += 1
        parsed, errors = _parse_row(sheet, row_no, cells)
        result.errors += errors
        if parsed is not None:
            out.append(parsed)
    return out


def _parse_row(sheet: SheetRows, row_no: int, cells: dict[str, Cell]) -> tuple[_Parsed | None, list[RowError]]:
    """The typed fields of one row, or the error of each field that is not what it should be."""
    errors: dict[str, str] = {}

    def field(key: str, parse: Callable[[], Any]) -> Any:
        try:
            return parse()
        except ValueError as exc:
            errors[key] = str(exc)
            return None

    item_id = field("id", lambda: _parse_id(cells.get("id")))
    as_of = field("as_of", lambda: _required_date(cells.get("as_of")))
    value = field("value", lambda: parse_number(cells.get("value")))
    percent = field("percent", lambda: parse_number(cells.get("percent"), percent=True))
    if errors:
        column = {k: sheet.columns.get(k, _FIELD_COLUMN.get(k, k)) for k in errors}
        return None, [RowError(sheet.sheet, row_no, column[k], m) for k, m in errors.items()]
    return _Parsed(row_no, item_id, _text(cells.get("kind")), _text(cells.get("unit")), as_of, value, percent,
                   _text(cells.get("level")) or None, _text(cells.get("note")) or None,
                   split_links(_text(cells.get("evidence")))), []


def _parse_id(cell: Cell | None) -> int:
    text = _text(cell)
    if not text:
        raise ValueError("事项编号必填 the item id is required")
    try:
        number = float(text)
    except ValueError:
        number = -1.0
    if number <= 0 or number != int(number):
        raise ValueError(f"事项编号无效 invalid item id: {text[:20]!r}")
    return int(number)


def _required_date(cell: Cell | None) -> date:
    try:
        found = parse_cell_date(cell)
    except ValueError as exc:
        raise ValueError(f"日期无效 invalid date: {exc}") from exc
    if found is None:
        raise ValueError("截至日期必填 the as-of date is required")
    return found


def _sync_plans(store: Store, parsed: Sequence[_Parsed], actor: str) -> None:
    """Bring the items of every plan the rows touch up to date before validating against them."""
    ids = {p.item_id for p in parsed}
    if not ids:
        return
    with store.engine.connect() as conn:
        plan_ids = set(conn.scalars(select(track_items.c.plan_id).where(track_items.c.id.in_(ids)).distinct()))
    for plan_id in sorted(plan_ids):
        ensure_items(store, plan_id, actor)


def _validate_rows(conn: Connection, sheet: SheetRows, parsed: Sequence[_Parsed], today: date,
                   result: ImportResult) -> list[CleanReport]:
    plan_of = _plans_of(conn, {p.item_id for p in parsed})
    contexts: dict[int, tuple[PlanInfo, dict[int, Item], tuple[date | None, date | None]]] = {}
    seen: dict[tuple[int, str, date], int] = {}
    candidates: list[tuple[int, CleanReport]] = []
    for p in parsed:
        if p.item_id not in plan_of:
            result.errors.append(RowError(sheet.sheet, p.row, "事项编号", f"未知事项 unknown item {p.item_id}"))
            continue
        plan, items, window = _context(conn, plan_of[p.item_id], contexts, today)
        mismatch = _mismatch(sheet, p, items[p.item_id], plan)
        if mismatch:
            result.errors.append(mismatch)
            continue
        report, errors = validate(items[p.item_id], plan, window, today, p.unit, p.as_of, p.value, p.percent, p.level,
                                  p.note, p.links)
        result.errors += [RowError(sheet.sheet, p.row, _FIELD_COLUMN.get(f, f), m) for f, m in errors]
        if report is None:
            continue
        key = (report.item_id, report.unit, report.as_of)
        if key in seen:
            message = f"与第{seen[key]}行重复（同一事项、单位、日期） duplicate row"
            result.errors.append(RowError(sheet.sheet, p.row, "事项编号", message))
            continue
        seen[key] = p.row
        candidates.append((p.row, report))
    stored = _stored(conn, [r for _, r in candidates])
    clean = []
    for row, report in candidates:
        same = stored.get(_signature(report))
        if same is not None:
            result.errors.append(RowError(sheet.sheet, row, "事项编号", f"与已有报送#{same}完全相同 already imported"))
        else:
            clean.append(report)
    result.errors.sort(key=lambda e: e.row)
    return clean


_CHUNK = 900  # ids per IN (…): under SQLite's historical limit of 999 bound parameters


def _mismatch(sheet: SheetRows, p: _Parsed, item: Item, plan: PlanInfo) -> RowError | None:
    """A row that names an item of another plan, or of another kind: a sheet from another store."""
    if sheet.plan_id is not None and plan.id != sheet.plan_id:
        return RowError(sheet.sheet, p.row, "事项编号", f"事项{item.id}不属于本模板的计划{sheet.plan_id}"
                        " (item of another plan: a template from another store?)")
    if p.kind and p.kind not in (item.kind, KIND_LABELS[item.kind]):
        return RowError(sheet.sheet, p.row, "类型", f"类型“{p.kind}”与事项{item.id}（{KIND_LABELS[item.kind]}）不符"
                        " (kind does not match the item)")
    return None


def _plans_of(conn: Connection, ids: set[int]) -> dict[int, int]:
    """item id → plan id for the items that exist."""
    ordered = sorted(ids)
    found: dict[int, int] = {}
    for k in range(0, len(ordered), _CHUNK):
        q = select(track_items.c.id, track_items.c.plan_id).where(track_items.c.id.in_(ordered[k : k + _CHUNK]))
        found.update((int(i), int(p)) for i, p in conn.execute(q))
    return found


def _context(conn: Connection, plan_id: int, contexts: dict[int, Any],
             today: date) -> tuple[PlanInfo, dict[int, Item], tuple[date | None, date | None]]:
    """A plan, all its items (retired ones too: rows naming them get a clear error) and its date window."""
    if plan_id not in contexts:
        plan = plan_info(conn, plan_id)
        items = load_items(conn, plan, include_retired=True)
        contexts[plan_id] = (plan, {i.id: i for i in items}, plan_window(plan, [i for i in items if not i.retired], today))
    found: tuple[PlanInfo, dict[int, Item], tuple[date | None, date | None]] = contexts[plan_id]
    return found


def _signature(r: Any) -> tuple[Any, ...]:
    evidence = r.evidence if isinstance(r.evidence, list) else orjson.loads(r.evidence or "[]")
    as_of = r.as_of if isinstance(r.as_of, str) else r.as_of.isoformat()
    return (r.item_id, r.unit, as_of, r.value, r.percent, r.level, r.note, orjson.dumps(evidence))


def _stored(conn: Connection, reports: Sequence[CleanReport]) -> dict[tuple[Any, ...], int]:
    """Signatures of stored reports identical to any of ``reports`` (a sheet imported twice), → their ids."""
    if not reports:
        return {}
    t = track_reports
    ids = sorted({r.item_id for r in reports})
    dates = sorted({r.as_of.isoformat() for r in reports})
    found: dict[tuple[Any, ...], int] = {}
    cols = (t.c.id, t.c.item_id, t.c.unit, t.c.as_of, t.c.value, t.c.percent, t.c.level, t.c.note,
            type_coerce(t.c.evidence, Text).label("evidence"))
    for k in range(0, len(ids), _CHUNK):
        for d in range(0, len(dates), _CHUNK):
            q = select(*cols).where(t.c.item_id.in_(ids[k : k + _CHUNK]), t.c.as_of.in_(dates[d : d + _CHUNK]))
            found.update((_signature(row), int(row.id)) for row in conn.execute(q))
    return found


__all__ = ["COLUMNS", "ImportResult", "RowError", "import_file", "read_sheet", "write_template"]
