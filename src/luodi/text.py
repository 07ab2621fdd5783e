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
    """Simplified view of ``text``; same length (falls back per character if OpenCC ever differs)."""
    if not text:
        return text
    out: str = _t2s().convert(text)
    if len(out) != len(text):
        out = "".join(c if len(s := _t2s().convert(c)) != 1 else s for c in text)
    return out
