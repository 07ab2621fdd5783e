"""Deadlines as plans write them: 2024年底 / 年底前 → 12-31, 上半年 → 06-30,
一季度 → 03-31, 6月(底) → the month's last day, 2024年 alone → the year only."""

from __future__ import annotations

import calendar
import re

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_QUARTER = {"一": 3, "1": 3, "二": 6, "2": 6, "三": 9, "3": 9, "四": 12, "4": 12}
_MONTH = re.compile(r"年\s*(\d{1,2})\s*月")
_QUARTER_RE = re.compile(r"(?:第)?([一二三四1-4])\s*季度")


def _last_day(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def parse_deadline(text: str) -> tuple[int | None, str | None]:
    """(year, YYYY-MM-DD or None) of the first dated phrase in ``text``."""
    m = _YEAR.search(text)
    if not m:
        return None, None
    year = int(m.group(1))
    rest = text[m.start() :]
    if re.match(r"\d{4}\s*年\s*(?:年底|底|末|年末)", rest):
        return year, f"{year}-12-31"
    if re.match(r"\d{4}\s*年\s*上半年", rest):
        return year, f"{year}-06-30"
    if re.match(r"\d{4}\s*年\s*下半年", rest):
        return year, f"{year}-12-31"
    quarter = _QUARTER_RE.match(rest, len(m.group(0)))
    if quarter:
        return year, _last_day(year, _QUARTER[quarter.group(1)])
    month = _MONTH.match(rest, len(m.group(0)) - 1)
    if month and 1 <= int(month.group(1)) <= 12:
        return year, _last_day(year, int(month.group(1)))
    return year, None
