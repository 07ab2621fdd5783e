"""Tracking (signed-in users only): dashboards per plan and per unit, items with their history
and the report form, the quarterly report, evidence files.  Unit editors file only for
items their unit owns; anything else is a 403, never a silent success."""

from __future__ import annotations

import math
import tempfile
from datetime import date
from pathlib import Path as FsPath
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from pydantic import BeforeValidator
from starlette.responses import HTMLResponse, RedirectResponse, Response

from luodi.config import evidence_max_bytes
from luodi.tracking import ReportRejected
from luodi.tracking.model import parse_date
from luodi.tracking.quarterly import render_html, render_md, render_xlsx
from luodi.web import export, schemas
from luodi.web.auth import User
from luodi.web.deps import CsrfChecked, SignedIn, StoreDep
from luodi.web.errors import Invalid, PayloadTooLarge, WebError
from luodi.web.queries import Paging
from luodi.web.queries import tracking as q
from luodi.web.routers import FormatQ, OptText20, OptText50, OptText100, PagingDep, blank_to_none, json_response
from luodi.web.settings import MAX_FILES
from luodi.web.templating import render

router = APIRouter()

PlanId = Annotated[int, Path(ge=1, le=2**62)]
ItemId = Annotated[int, Path(ge=1, le=2**62)]
AsOf = Annotated[Annotated[date | None, BeforeValidator(blank_to_none)], Query(description="date YYYY-MM-DD (default today)")]
Unit = Annotated[OptText100, Query(description="a responsible unit, in any written form")]
ITEM_COLUMNS: list[export.Column] = [
    ("id", "事项编号 id"), ("kind_label", "类型 kind"), ("title", "事项 item"), ("domain", "领域 domain"),
    ("lead_units", "牵头单位 lead"), ("units", "责任单位 units"), ("deadline", "截止 deadline"),
    ("light_label", "灯 light"), ("status_label", "状态 status"), ("progress", "进度% progress"),
    ("expected", "应达% expected"), ("reason", "原因 reason"), ("last_report", "最近报送 last report"),
]
UNIT_COLUMNS: list[export.Column] = [
    ("name", "单位 unit"), ("n", "事项数 items"), ("lead", "牵头 lead"), ("progress", "进度% progress"),
    ("red", "红 red"), ("yellow", "黄 yellow"), ("blue", "蓝 blue"), ("green", "绿 green"),
]


def _day(as_of: date | None) -> date:
    return as_of or date.today()


# -- start page ------------------------------------------------------------------------------------
@router.get("/tracking", include_in_schema=False)
def tracking_html(request: Request, store: StoreDep, user: SignedIn, paging: PagingDep, as_of: AsOf = None) -> Response:
    data = q.tracking_index(store, Paging(paging.page, min(paging.per_page, 20)), _day(as_of), q.actor(user))
    return render(request, "tracking/index.html", {**data, "units": q.known_units(store)[:40]})


@router.get("/api/tracking", tags=["tracking"], response_model=None,
            responses=schemas.json_responses(schemas.TrackingIndex, auth=True))
def api_tracking(store: StoreDep, user: SignedIn, paging: PagingDep, as_of: AsOf = None, format: FormatQ = "json") -> Response:
    """Plans with their traffic-light counts (signed-in users)."""
    data = q.tracking_index(store, paging, _day(as_of), q.actor(user))
    if format != "json":
        return export.download(_plan_rows(data["plans"]), PLAN_ROW_COLUMNS, format, "tracking")
    return json_response(_strip(data))


PLAN_ROW_COLUMNS: list[export.Column] = [
    ("id", "规划编号 plan"), ("title", "规划 plan"), ("region", "地区 region"), ("n", "事项数 items"),
    ("red", "红 red"), ("yellow", "黄 yellow"), ("blue", "蓝 blue"), ("green", "绿 green"), ("progress", "进度% progress"),
]


def _plan_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": r["plan"]["id"], "title": r["plan"]["title"], "region": r["plan"]["region"], "n": r["overall"]["n"],
             "progress": r["overall"]["progress"], **r["overall"]["by_light"]} for r in rows]


def _strip(data: dict[str, Any]) -> dict[str, Any]:
    """Drop the label vocabularies the templates use from a JSON answer."""
    return {k: v for k, v in data.items() if k not in q.vocabulary()}


# -- a plan's dashboard ----------------------------------------------------------------------------
@router.get("/tracking/plans/{plan_id}", include_in_schema=False)
def plan_dashboard_html(request: Request, store: StoreDep, user: SignedIn, plan_id: PlanId, as_of: AsOf = None,
                        unit: Unit = None) -> Response:
    return render(request, "tracking/plan.html", q.plan_dashboard(store, plan_id, _day(as_of), q.actor(user), unit))


TableQ = Annotated[Literal["items", "units"], Query(description="which table a csv/xlsx download holds")]


@router.get("/api/tracking/plans/{plan_id}", tags=["tracking"], response_model=None,
            responses=schemas.json_responses(schemas.PlanDashboard, tables=True, auth=True))
def api_plan_dashboard(store: StoreDep, user: SignedIn, plan_id: PlanId, as_of: AsOf = None, unit: Unit = None,
                       format: FormatQ = "json", table: TableQ = "items") -> Response:
    """A plan's snapshot: counts per light and status, units, domains, red/yellow/blue lists with reasons, items."""
    data = q.plan_dashboard(store, plan_id, _day(as_of), q.actor(user), unit)
    if format == "json":
        return json_response(_strip(data))
    if table == "units":
        rows = [dict(u, **u["by_light"]) for u in data["units"]]
        return export.download(rows, UNIT_COLUMNS, format, f"plan{plan_id}-units")
    return export.download(data["items"], ITEM_COLUMNS, format, f"plan{plan_id}-items")


# -- a unit's dashboard ----------------------------------------------------------------------------
@router.get("/tracking/units", include_in_schema=False)
def unit_dashboard_html(request: Request, store: StoreDep, user: SignedIn, unit: Unit = None, as_of: AsOf = None) -> Response:
    unit = unit or user.unit
    if not unit:
        return render(request, "tracking/units.html", {"unit": None, "units": q.known_units(store), **q.vocabulary()})
    data = q.unit_dashboard(store, unit, _day(as_of), q.actor(user))
    return render(request, "tracking/units.html", {**data, "units": q.known_units(store)})


@router.get("/api/tracking/units", tags=["tracking"], response_model=None,
            responses=schemas.json_responses(schemas.UnitDashboard, auth=True))
def api_unit_dashboard(store: StoreDep, user: SignedIn, unit: Annotated[str, Query(min_length=1, max_length=100)],
                       as_of: AsOf = None, format: FormatQ = "json",
                       table: Annotated[Literal["plans", "late"], Query(description="which table a download holds")] = "plans",
                       ) -> Response:
    """One unit across plans: its items' lights per plan and its late items (red, yellow, blue)."""
    data = q.unit_dashboard(store, unit, _day(as_of), q.actor(user))
    if format == "json":
        return json_response(_strip(data))
    if table == "late":
        return export.download(data["late"], [("plan_id", "规划编号 plan"), *ITEM_COLUMNS], format, "unit-late")
    return export.download(_plan_rows(data["plans"]), PLAN_ROW_COLUMNS, format, "unit-plans")


# -- items -----------------------------------------------------------------------------------------
@router.get("/tracking/goto", include_in_schema=False)
def goto(store: StoreDep, user: SignedIn, plan: Annotated[int, Query(ge=1, le=2**62)],
         kind: Annotated[Literal["task", "target", "milestone"], Query()],
         n: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
         section: Annotated[OptText50, Query()] = None) -> Response:
    """From a highlight in a plan's text to its tracking item (``n``: the record's index in the plan)."""
    item_id = q.item_for_record(store, plan, kind, n, section, q.actor(user))
    return RedirectResponse(f"/tracking/items/{item_id}", status_code=303)


@router.get("/tracking/items/{item_id}", include_in_schema=False)
def item_html(request: Request, store: StoreDep, user: SignedIn, item_id: ItemId, as_of: AsOf = None) -> Response:
    data = q.item_page(store, item_id, _day(as_of), user)
    return render(request, "tracking/item.html", {**data, "errors": [], "filed": request.query_params.get("filed")})


@router.get("/api/tracking/items/{item_id}", tags=["tracking"], response_model=None,
            responses=schemas.json_responses(schemas.ItemPage, auth=True))
def api_item(store: StoreDep, user: SignedIn, item_id: ItemId, as_of: AsOf = None) -> Response:
    """An item: its status and reason, the plan's words for it, its report history, whether you may file."""
    return json_response(_strip(q.item_page(store, item_id, _day(as_of), user)))


def _number(text: str, name: str) -> float | None:
    text = text.strip().replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        value = float(text.removesuffix("%"))
    except ValueError as exc:
        raise Invalid(f"{name}: not a number: {text[:40]}", [{"field": name, "message": "not a number"}]) from exc
    if not math.isfinite(value):
        raise Invalid(f"{name}: not a finite number", [{"field": name, "message": "not a finite number"}])
    return value


def _report_form(unit: str, as_of: str, value: str, percent: str, level: str, note: str, links: str,
                 files: list[UploadFile]) -> q.ReportForm:
    try:
        day = parse_date(as_of) if as_of.strip() else None
    except ValueError as exc:
        raise Invalid(str(exc), [{"field": "as_of", "message": str(exc)}]) from exc
    uploads = [f for f in files if f.filename]
    if len(uploads) > MAX_FILES:
        raise Invalid(f"at most {MAX_FILES} files / 最多上传{MAX_FILES}个文件")
    limit = evidence_max_bytes()
    contents = []
    for f in uploads:
        data = f.file.read(limit + 1)  # never more than the limit into memory
        if len(data) > limit:
            raise PayloadTooLarge(f"{f.filename}: larger than {limit / 1e6:g} MB / 文件过大")
        contents.append((f.filename or "evidence", data))
    return q.ReportForm(
        unit=unit.strip() or None, as_of=day, value=_number(value, "value"), percent=_number(percent, "percent"),
        level=level.strip() or None, note=note.strip() or None,
        links=[x.strip() for x in links.splitlines() if x.strip()], files=contents,
    )


FormText = Annotated[str, Form(max_length=200)]


def _file(store: StoreDep, user: User, item_id: int, unit: str, as_of: str, value: str, percent: str, level: str,
          note: str, links: str, files: list[UploadFile]) -> dict[str, Any]:
    form = _report_form(unit, as_of, value, percent, level, note, links, files)
    try:
        return q.file_web_report(store, item_id, user, form).to_json()
    except ReportRejected as exc:
        raise Invalid(str(exc), [{"field": f, "message": m} for f, m in exc.errors]) from exc


@router.post("/tracking/items/{item_id}/reports", include_in_schema=False, dependencies=[CsrfChecked])
def file_report_html(
    request: Request, store: StoreDep, user: SignedIn, item_id: ItemId,
    unit: FormText = "", as_of: FormText = "", value: FormText = "", percent: FormText = "", level: FormText = "",
    note: Annotated[str, Form(max_length=5000)] = "", links: Annotated[str, Form(max_length=20_000)] = "",
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006  (FastAPI copies defaults per request)
) -> Response:
    try:
        report = _file(store, user, item_id, unit, as_of, value, percent, level, note, links, files)
    except WebError as exc:
        data = q.item_page(store, item_id, date.today(), user)
        errors = exc.detail if isinstance(exc.detail, list) else [{"field": "", "message": exc.message}]
        return render(request, "tracking/item.html", {**data, "errors": errors, "filed": None}, status=exc.status)
    return RedirectResponse(f"/tracking/items/{item_id}?filed={report['id']}", status_code=303)


@router.post("/api/tracking/items/{item_id}/reports", tags=["tracking"], response_model=None, status_code=201,
             dependencies=[CsrfChecked],
             responses={201: {"model": schemas.ReportOut}, **schemas.json_responses(schemas.ReportOut, auth=True)})
def api_file_report(
    store: StoreDep, user: SignedIn, item_id: ItemId,
    unit: FormText = "", as_of: FormText = "", value: FormText = "", percent: FormText = "", level: FormText = "",
    note: Annotated[str, Form(max_length=5000)] = "", links: Annotated[str, Form(max_length=20_000)] = "",
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006
) -> Response:
    """File a progress report (multipart form; send ``X-CSRF-Token``).  Unit editors file only for items
    their unit owns (403 otherwise); admins name the unit.  ``links``: one URL per line; ``files``:
    PDF, PNG, JPEG, DOCX, XLSX or text, each at most LUODI_EVIDENCE_MAX_MB."""
    return json_response(_file(store, user, item_id, unit, as_of, value, percent, level, note, links, files), status=201)


# -- quarterly report and evidence -----------------------------------------------------------------
QuarterQ = Annotated[OptText20, Query(description="e.g. 2024Q2 (default: this quarter)")]


@router.get("/tracking/plans/{plan_id}/quarterly", include_in_schema=False)
def quarterly_html(request: Request, store: StoreDep, user: SignedIn, plan_id: PlanId, quarter: QuarterQ = None) -> Response:
    qt = q.quarter_of(quarter)
    data = q.quarterly(store, plan_id, qt, q.actor(user))
    ctx = {"plan": data.plan.to_json(), "quarter": str(qt), "label": qt.label, "recent": _recent_quarters(qt)}
    return render(request, "tracking/quarterly.html", ctx)


def _recent_quarters(current: Any) -> list[str]:
    today = date.today()
    out, qt = [], q.quarter_of(None, today)
    for _ in range(8):
        out.append(str(qt))
        qt = qt.previous()
    return out if str(current) in out else [str(current), *out]


@router.get("/api/tracking/plans/{plan_id}/quarterly", tags=["tracking"], response_model=None,
            responses=schemas.json_responses(schemas.Quarterly, auth=True))
def api_quarterly(store: StoreDep, user: SignedIn, plan_id: PlanId, quarter: QuarterQ = None,
                  format: Annotated[Literal["json", "html", "md", "xlsx"], Query()] = "json") -> Response:
    """The quarterly report of the tracking issue: as JSON, or to view/download as HTML, Markdown or XLSX."""
    qt = q.quarter_of(quarter)
    data = q.quarterly(store, plan_id, qt, q.actor(user))
    name = f"plan{plan_id}-{qt}"
    if format == "html":
        # Shown inside the quarterly page's frame: same-origin framing only.
        return HTMLResponse(render_html(data), headers={"Content-Security-Policy": _REPORT_CSP, "X-Frame-Options": "SAMEORIGIN"})
    if format == "md":
        return _attachment(render_md(data).encode("utf-8"), "text/markdown; charset=utf-8", f"{name}.md")
    if format == "xlsx":
        return _attachment(_xlsx_bytes(data), export.XLSX_MIME, f"{name}.xlsx")
    return json_response(data.to_json())


# The report is a self-contained page with inline CSS and SVG, and no script at all.
_REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"


def _xlsx_bytes(data: Any) -> bytes:
    """The tracking library writes the workbook to a file: write it to a private temp dir, read it back."""
    with tempfile.TemporaryDirectory(prefix="luodi-report-") as tmp:
        out = FsPath(tmp) / "report.xlsx"
        render_xlsx(data, out)
        return out.read_bytes()


def _attachment(body: bytes, mime: str, name: str) -> Response:
    return Response(body, media_type=mime, headers={"Content-Disposition": f"attachment; filename=\"{quote(name)}\""})


@router.get("/api/tracking/evidence/{sha256}", tags=["tracking"], response_model=None,
            responses={200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                       **{k: v for k, v in schemas.json_responses(schemas.ErrorEnvelope, auth=True).items() if k != 200}})
def api_evidence(store: StoreDep, user: SignedIn, sha256: Annotated[str, Path(pattern=r"^[0-9a-fA-F]{64}$")]) -> Response:
    """An evidence file, always as a download (never rendered by the browser)."""
    f = q.evidence(store, sha256)
    disposition = f"attachment; filename=\"evidence\"; filename*=UTF-8''{quote(f.name)}"
    return Response(f.data, media_type=f.mime, headers={"Content-Disposition": disposition})
