"""Scenario lists (“城市+AI”应用场景清单): table rows → ``doc.scenarios``.

A table is a scenario list when a column is named like 场景名称; the other columns are
found by name (序号, 应用领域/领域/类别, 责任单位/牵头单位 then 配合单位), whatever their order.
A domain cell left empty continues the one above it: merged cells, flattened.
"""

from __future__ import annotations

import re
from typing import Any

from luodi.document import Document, Table
from luodi.extract.unit_clauses import split_units
from luodi.text import to_simplified

_NAME = ("场景名称", "应用场景", "场景")
_SEQ = ("序号", "编号")
_DOMAIN = ("应用领域", "领域", "类别", "场景类别", "场景方向", "应用方向", "所属领域", "行业", "方向", "类型")
_UNITS = ("责任单位", "牵头单位", "主责单位", "负责单位", "责任部门", "牵头部门", "实施单位", "需求单位", "建设单位")
_CO_UNITS = ("配合单位", "配合部门", "协办单位", "参与单位")


def _col(header: list[str], names: tuple[str, ...]) -> int | None:
    simple = [to_simplified(h).replace(" ", "") for h in header]
    for name in names:
        for i, h in enumerate(simple):
            if h == name or h.startswith(name):
                return i
    return None


def _units(row: list[str], *cols: int | None) -> list[str]:
    out: list[str] = []
    for col in cols:
        if col is not None:
            out += [u for u in split_units(re.sub(r"\s+", "、", row[col].strip())) if u not in out]
    return out


def _seq(cell: str) -> int | None:
    cell = cell.strip().rstrip(".．、")
    return int(cell) if cell.isdigit() else None


def scenarios_from_table(table: Table) -> list[dict[str, Any]]:
    name_col = _col(table.header, _NAME)
    if name_col is None:
        return []
    seq_col, domain_col = _col(table.header, _SEQ), _col(table.header, _DOMAIN)
    unit_col, co_col = _col(table.header, _UNITS), _col(table.header, _CO_UNITS)
    rows = []
    domain: str | None = None
    for row in table.rows:
        name = row[name_col].strip()
        if not name:
            continue
        if domain_col is not None:
            numbered = seq_col is None or bool(row[seq_col].strip())  # not a cut-off fragment
            domain = row[domain_col].strip() or (domain if numbered else None)
        rows.append(
            {
                "seq": _seq(row[seq_col]) if seq_col is not None else None,
                "domain": domain,
                "name": name,
                "units": _units(row, unit_col, co_col),
                "table": table.title,
            }
        )
    return rows


def extract_scenarios(doc: Document) -> None:
    for table in doc.tables:
        doc.scenarios.extend(scenarios_from_table(table))
