"""One query helper per page: each builds the plain dict a page renders as HTML and its
``/api`` twin returns as JSON, so the two can never show different data."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any

MAX_PER_PAGE = 200


@dataclass(frozen=True)
class Paging:
    page: int = 1
    per_page: int = 50

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def describe(self, total: int) -> dict[str, Any]:
        return {"total": total, "page": self.page, "per_page": self.per_page, "pages": max(1, ceil(total / self.per_page))}


def like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` literally anywhere (escape char: backslash)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
