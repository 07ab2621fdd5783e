"""Canonical names of responsible units, per region.

Plans abbreviate (市发改委, 市发展改革委, 发展改革委 after 市科技创新委、) and the same body
is 深圳市发展和改革委员会 in full.  The registry maps short forms to a canonical body
name; the region prefix comes from the unit itself or the plan's region.  Users extend
the registry with a file of the same two columns (``LUODI_UNITS=path``).
"""

from __future__ import annotations

import csv
import os
import re
from functools import cache
from importlib import resources
from pathlib import Path

from luodi.document import Metadata
from luodi.text import to_simplified

_PREFIX = re.compile(r"^(中共)?(市|省|区|县|自治区)")


def _read(text: str, table: dict[str, str]) -> None:
    for row in csv.reader((line for line in text.splitlines() if line and not line.startswith("#")), delimiter="\t"):
        if len(row) < 2:
            continue
        canonical = row[0].strip()
        table.setdefault(canonical, canonical)
        for alias in row[1].split("|"):
            if alias.strip():
                table[alias.strip()] = canonical


@cache
def registry(extra: str | None = None) -> dict[str, str]:
    table: dict[str, str] = {}
    _read(resources.files("luodi").joinpath("data/units.tsv").read_text("utf-8"), table)
    if extra:
        _read(Path(extra).read_text("utf-8"), table)
    return table


def canonical_units(units: list[str], meta: Metadata) -> list[str]:
    """Canonical names; a unit without a 市/省 prefix inherits the first unit's prefix
    (市科技创新委、发展改革委 → both 市), and 市 becomes the plan's city name."""
    table = registry(os.environ.get("LUODI_UNITS"))
    out: list[str] = []
    inherited = ""
    for k, unit in enumerate(units):
        simple = to_simplified(unit)
        m = _PREFIX.match(simple)
        prefix = m.group(0) if m else ""
        if k == 0:
            inherited = prefix
        body = simple[len(prefix) :]
        if prefix and body not in table and simple in table:
            prefix, body = "", simple  # 市场监管局: 市场 is a word, not the 市 prefix
        if not prefix and body in table:
            prefix = inherited
        canonical = table.get(body)
        if canonical is None:
            out.append(simple)
            continue
        out.append(_place(prefix, meta) + canonical)
    return out


def _place(prefix: str, meta: Metadata) -> str:
    """市 → the plan's city (深圳市), 省 → its province; otherwise the prefix as written."""
    region = meta.region or ""
    party = "中共" if prefix.startswith("中共") else ""
    bare = prefix.removeprefix("中共")
    if bare == "市" and meta.level == "city" and region.endswith("市"):
        return party + region
    if bare == "市" and meta.level == "province" and region.endswith("市"):
        return party + region
    if bare == "省" and meta.province:
        return party + meta.province
    return prefix
