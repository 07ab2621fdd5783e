"""The vocabulary of implementation tracking: item kinds, completion levels, statuses,
traffic lights, and the plain records the rest of the package passes around.

Nothing here touches the database; :mod:`luodi.tracking.items` and
:mod:`luodi.tracking.reports` read and write these records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Kind = Literal["task", "target", "milestone"]
KINDS: tuple[Kind, ...] = ("task", "target", "milestone")
KIND_LABELS: dict[str, str] = {"task": "任务", "target": "指标", "milestone": "节点"}

# Completion levels, in order, with the Chinese words units write in their sheets.
LEVELS: dict[str, str] = {
    "none": "无证据",
    "not_started": "未启动",
    "limited": "有限",
    "substantial": "实质性",
    "complete": "完成",
}

Status = Literal["done", "on_track", "at_risk", "overdue", "not_started"]
STATUSES: tuple[Status, ...] = ("done", "on_track", "at_risk", "overdue", "not_started")
STATUS_LABELS: dict[str, str] = {
    "done": "已完成",
    "on_track": "正常推进",
    "at_risk": "存在风险",
    "overdue": "已逾期",
    "not_started": "未启动",
}

Light = Literal["green", "blue", "yellow", "red"]
LIGHTS: tuple[Light, ...] = ("green", "blue", "yellow", "red")
LIGHT_LABELS: dict[str, str] = {"green": "绿灯", "blue": "蓝灯", "yellow": "黄灯", "red": "红灯"}


def parse_level(text: str | None) -> str | None:
    """A completion level from its key (``limited``) or its Chinese word (有限); None if empty.

    Raises ValueError for anything else, naming the accepted words."""
    if text is None or not text.strip():
        return None
    word = text.strip()
    if word in LEVELS:
        return word
    for key, label in LEVELS.items():
        if word == label:
            return key
    choices = " / ".join(f"{label} {key}" for key, label in LEVELS.items())
    raise ValueError(f"未知完成程度 unknown level {word!r}: use {choices}")


_DATE_FORMS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
)


def parse_date(text: str) -> date:
    """2024-06-30, 2024/6/30, 2024.6.30 or 2024年6月30日 → date; ValueError otherwise."""
    s = text.strip()
    for form in _DATE_FORMS:
        m = form.fullmatch(s)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError as exc:  # 2023-02-29, 2024-13-01: the right shape, not a calendar day
                raise ValueError(f"not a date: {text!r} ({exc})") from exc
    raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD)")


@dataclass(frozen=True)
class TargetSpec:
    """What a target asks for: ``qualifier value[–value_max] unit`` of ``metric`` by ``year``."""

    metric: str | None
    value: float
    value_max: float | None = None
    unit: str | None = None
    qualifier: str | None = None
    year: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric, "value": self.value, "value_max": self.value_max, "unit": self.unit,
            "qualifier": self.qualifier, "year": self.year,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TargetSpec:
        return cls(
            metric=data.get("metric"), value=float(data["value"]),
            value_max=float(data["value_max"]) if data.get("value_max") is not None else None,
            unit=data.get("unit"), qualifier=data.get("qualifier"), year=data.get("year"),
        )

    def describe(self) -> str:
        """目标 as a leader reads it: 突破100亿元, 3–5个, 10家以上."""
        amount = _num(self.value) + (f"–{_num(self.value_max)}" if self.value_max is not None else "")
        q = self.qualifier or ""
        unit = self.unit or ""
        if q in ("以上", "及以上", "以下", "以内", "之内", "左右"):
            return f"{amount}{unit}{q}"
        return f"{q}{amount}{unit}"


def _num(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e15 else str(x)


@dataclass(frozen=True)
class Item:
    """A trackable item as stored in ``track_items``, plus what a status needs from its plan."""

    id: int
    plan_id: int
    kind: str
    ref: str
    title: str
    section: str | None
    lead_units: list[str]
    units: list[str]
    deadline: date | None  # the effective deadline (a user's override wins)
    deadline_reason: str | None
    start: date  # where the expected linear path starts (plan period start, issue date, or creation)
    parent_id: int | None = None
    ord: int = 0
    target: TargetSpec | None = None
    weight: float | None = None
    retired: bool = False
    domain: str | None = None  # the heading the item sits under, for roll-ups by domain

    @property
    def owners(self) -> list[str]:
        """Lead units first, then the co-responsible ones, each once."""
        seen: dict[str, None] = dict.fromkeys(self.lead_units)
        seen.update(dict.fromkeys(self.units))
        return list(seen)


@dataclass(frozen=True)
class Report:
    """One progress report (a row of ``track_reports``)."""

    id: int
    item_id: int
    unit: str
    as_of: date
    value: float | None = None
    percent: float | None = None
    level: str | None = None
    note: str | None = None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    author: str | None = None
    created_at: str = ""

    @property
    def order_key(self) -> tuple[date, str, int]:
        """Later as-of date wins; for the same date the later filing (a correction) wins."""
        return (self.as_of, self.created_at, self.id)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "item_id": self.item_id, "unit": self.unit, "as_of": self.as_of.isoformat(),
            "value": self.value, "percent": self.percent, "level": self.level,
            "level_label": LEVELS.get(self.level) if self.level else None, "note": self.note,
            "evidence": self.evidence, "author": self.author, "created_at": self.created_at,
        }
