"""Tables as CSV and XLSX downloads.

CSV is UTF-8 with a BOM so that Excel opens Chinese text correctly; cells that start like
a formula (= + - @) are prefixed with a quote, because plan texts are untrusted and a
spreadsheet would otherwise run them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any, Literal
from urllib.parse import quote

from starlette.responses import Response

Format = Literal["json", "csv", "xlsx"]
Column = tuple[str, str]  # (key in the row dict, header label)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = "、".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(rows: Iterable[dict[str, Any]], columns: Sequence[Column]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([label for _, label in columns])
    for row in rows:
        writer.writerow([cell(row.get(key)) for key, _ in columns])
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(rows: Iterable[dict[str, Any]], columns: Sequence[Column], sheet: str = "luodi") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)  # streams rows: no cell objects kept for a large export
    ws = book.create_sheet(sheet[:31])
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for _, label in columns:
        c = WriteOnlyCell(ws, value=label)
        c.font = bold
        header.append(c)
    ws.append(header)
    for row in rows:
        # Numbers stay numbers; everything else is text (cell() has already defused formulas).
        ws.append([_xlsx_value(cell(row.get(key))) for key, _ in columns])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return value


def download(rows: Iterable[dict[str, Any]], columns: Sequence[Column], fmt: Format, filename: str) -> Response:
    """A CSV or XLSX attachment named ``filename.csv`` / ``.xlsx`` (the name may be Chinese)."""
    if fmt == "xlsx":
        body, mime = to_xlsx(rows, columns), XLSX_MIME
    else:
        body, mime = to_csv(rows, columns), "text/csv; charset=utf-8"
    name = f"{filename}.{fmt}"
    ascii_name = name.encode("ascii", "replace").decode("ascii").replace("?", "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type=mime, headers={"Content-Disposition": disposition})
