"""Lines of the clean text with their offsets: what the layout, front-matter and table
components walk over."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    text: str  # as written (display)
    simp: str  # simplified view, same length (matching)


def split_lines(text: str, simplified: str | None = None) -> list[Line]:
    """Every line of ``text`` (blank ones too), with its simplified twin when given."""
    simplified = text if simplified is None else simplified
    out: list[Line] = []
    pos = 0
    for raw in text.split("\n"):
        end = pos + len(raw)
        out.append(Line(pos, end, raw, simplified[pos:end]))
        pos = end + 1
    return out
