"""Indicator tables (指标 | 单位 | 2020年 | 2025年 | 属性): a baseline per past column, a target
per later one, binding from the 属性 column.  Columns named 基期值/目标值 without a year take
their years from the plan's period."""

from __future__ import annotations

import re
from typing import Any

from luodi.document import Document
from luodi.extract.numbers import parse_range
from luodi.extract.targets import Scan, item_span
from luodi.text import to_simplified

_YEAR_COL = re.compile(r"((?:19|20)\d{2})\s*年?")
_UNIT_PAREN = re.compile(r"[（(]([^（）()]{1,8})[）)]\s*$")
_CELL_QUAL = re.compile(r"^(≥|>|≤|<|＞|≧|不低于|不少于|超过|约)?\s*[\[〔【]?(.+?)[\]〕】]?\s*(以上|左右|以下)?$")


def indicator_table_targets(scan: Scan, doc: Document) -> list[dict[str, Any]]:
    """Indicator tables (指标 | 2020年 | 2025年 | 属性): a baseline per past year column, a
    target per later one.  A table that does not say 指标/目标 (a project list with
    2023年投资 columns) is not an indicator table."""
    out: list[dict[str, Any]] = []
    for table in doc.tables:
        header = [to_simplified(h) for h in table.header]
        years: dict[int, int | None] = {i: int(m.group(1)) for i, h in enumerate(header) if (m := _YEAR_COL.match(h))}
        if not years:
            years = _value_columns(header, doc)
        metric_col = next((i for i, h in enumerate(header) if re.search(r"指标|名称|项目|内容", h)), None)
        says = any("指标" in h for h in header) or re.search(r"指标|目标", to_simplified(table.title or ""))
        if not years or metric_col is None or not says:
            continue
        unit_col = next((i for i, h in enumerate(header) if h == "单位" or h.startswith("单位")), None)
        attr_col = next((i for i, h in enumerate(header) if re.search(r"属性|性质|类型", h)), None)
        for row_start, cells in _table_rows(doc.text, table.start, table.end)[1:]:
            out += _row_targets(scan, doc, header, years, (metric_col, unit_col, attr_col), row_start, cells)
    return out


_BASE_COL = re.compile(r"^(?:基期|基准|现状|基数|起始)")
_GOAL_COL = re.compile(r"^(?:目标|预期)")


def _value_columns(header: list[str], doc: Document) -> dict[int, int | None]:
    """指标名称 | 基期值 | 目标值: columns that name no year; the plan's period dates them
    (the target its last year, the base the year before its first), else no year."""
    period = doc.meta.period
    out: dict[int, int | None] = {}
    for i, h in enumerate(header):
        if _BASE_COL.match(h):
            out[i] = period.start - 1 if period else None
        elif _GOAL_COL.match(h):
            out[i] = period.end if period else None
    return out if any(_GOAL_COL.match(header[i]) for i in out) else {}


def _table_rows(text: str, start: int, end: int) -> list[tuple[int, list[str]]]:
    rows = []
    pos = start
    for line in text[start:end].split("\n"):
        rows.append((pos, line.split("\t")))
        pos += len(line) + 1
    return rows


def _row_targets(
    scan: Scan,
    doc: Document,
    header: list[str],
    years: dict[int, int | None],
    cols: tuple[int, int | None, int | None],
    row_start: int,
    cells: list[str],
) -> list[dict[str, Any]]:
    metric_col, unit_col, attr_col = cols
    if metric_col >= len(cells) or not cells[metric_col].strip():
        return []
    metric = cells[metric_col].strip()
    unit = cells[unit_col].strip() if unit_col is not None and unit_col < len(cells) else ""
    m = _UNIT_PAREN.search(metric)
    if m:
        metric, unit = metric[: m.start()].strip(), unit or m.group(1)
    attr = to_simplified(cells[attr_col]) if attr_col is not None and attr_col < len(cells) else ""
    binding = "binding" if "约束" in attr else "indicative" if "预期" in attr else None
    row_end = row_start + len("\t".join(cells))
    span, quote = item_span(doc, row_start, row_end)
    sec = scan.section_at(row_start)
    out = []
    for col, year in years.items():
        if col >= len(cells):
            continue
        cm = _CELL_QUAL.match(cells[col].strip())
        value = parse_range(cm.group(2)) if cm else None
        if cm is None or value is None:
            continue  # —, 待定, …
        past = bool(re.search(r"基期|基准|现状|实际|完成|基数", header[col])) or (
            "目标" not in header[col] and scan.ref_year is not None and year is not None and year < scan.ref_year
        )
        out.append({
            "kind": "baseline" if past else "target",
            "year": year,
            "metric": metric,
            "value": value[0],
            "value_max": value[1],
            "unit": unit,
            "qualifier": cm.group(1) or cm.group(3),
            "binding": None if past else binding,
            "quote": quote,
            "section": sec.id if sec else None,
            "span": span,
        })
    return out


# -- the component ------------------------------------------------------------------------
