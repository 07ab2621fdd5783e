"""Scenario lists (“城市+AI”应用场景清单): table rows → ``doc.scenarios``.

A table is a scenario list when a column is named like 场景名称; the other columns are
found by name (序号, 应用领域/领域/类别, 责任单位/牵头单位), whatever their order.
"""

from __future__ import annotations

import re
from typing import Any

from luodi.document import Document, Table
from luodi.text import to_simplified

_NAME = ("场景名称", "应用场景", "场景")
_SEQ = ("序号", "编号")
_DOMAIN = ("应用领域", "领域", "类别", "场景类别", "行业", "方向")
_UNITS = ("责任单位", "牵头单位", "主责单位", "负责单位", "责任部门", "实施单位")


def _col(header: list[str], names: tuple[str, ...]) -> int | None:
    simple = [to_simplified(h).replace(" ", "") for h in header]
    for name in names:
        for i, h in enumerate(simple):
            if h == name or h.startswith(name):
                return i
    return None


def _units(cell: str) -> list[str]:
    return [u for u in re.split(r"[\s、，,；;]+", cell.strip()) if u]


def _seq(cell: str) -> int | None:
    cell = cell.strip().rstrip(".．、")
    return int(cell) if cell.isdigit() else None


def scenarios_from_table(table: Table) -> list[dict[str, Any]]:
    name_col = _col(table.header, _NAME)
    if name_col is None:
        return []
    seq_col, domain_col, unit_col = _col(table.header, _SEQ), _col(table.header, _DOMAIN), _col(table.header, _UNITS)
    rows = []
    for row in table.rows:
        name = row[name_col].strip()
        if not name:
            continue
        rows.append(
            {
                "seq": _seq(row[seq_col]) if seq_col is not None else None,
                "domain": (row[domain_col].strip() or None) if domain_col is not None else None,
                "name": name,
                "units": _units(row[unit_col]) if unit_col is not None else [],
                "table": table.title,
            }
        )
    return rows


def extract_scenarios(doc: Document) -> None:
    for table in doc.tables:
        doc.scenarios.extend(scenarios_from_table(table))
