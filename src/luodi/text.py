"""Script helpers: a simplified-Chinese view of any text, for matching and search.

Display keeps the document's own script; matching goes through :func:`to_simplified`.
OpenCC's ``t2s`` maps character for character, so offsets in the simplified view are
offsets in the original (``tw2sp`` would not: it rewrites phrases).
"""

from __future__ import annotations

from functools import cache

import opencc


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Simplified view of ``text``; same length (falls back per character if OpenCC ever differs).

    A character that is simplified already keeps its form even where OpenCC's phrase table
    reads it as part of a traditional word: in 智能问答覆盖政务 it finds 答覆 (答复) and would
    turn 覆盖 into 复盖, so a search for 覆盖 missed the plan.  Characters are converted
    only when they are traditional on their own (產 → 产) — as the query is."""
    if not text:
        return text
    out: str = _t2s().convert(text)
    if len(out) != len(text):
        out = "".join(c if len(s := _t2s().convert(c)) != 1 else s for c in text)
    if out == text:
        return out
    return "".join(b if a == b or _char(a) != a else a for a, b in zip(text, out, strict=True))


@cache
def _char(c: str) -> str:
    converted: str = _t2s().convert(c)
    return converted if len(converted) == 1 else c
