"""Script helpers: a simplified-Chinese view of any text, for matching and search.

Display keeps the document's own script; matching goes through :func:`to_simplified`,
OpenCC's ``t2s`` table applied character for character, so offsets in the simplified view
are offsets in the original (``tw2sp`` would not: it rewrites phrases).
"""

from __future__ import annotations

import re
from functools import cache

import opencc


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


# The CJK blocks whose characters OpenCC may simplify: Extension A, the URO, compatibility.
_BLOCKS = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


@cache
def _table() -> dict[int, int]:
    """OpenCC's t2s, character by character: every traditional character and its simplified
    form, read once by converting each character on a line of its own (so no phrase rule
    sees two characters together)."""
    chars = [chr(cp) for lo, hi in _BLOCKS for cp in range(lo, hi)]
    converted = _t2s().convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # never seen; fall back to asking per character
        converted = [_t2s().convert(c) for c in chars]
    return {ord(a): ord(b) for a, b in zip(chars, converted, strict=True) if len(b) == 1 and a != b}


@cache
def _traditional() -> re.Pattern[str]:
    """Any character the table changes: most texts have none, and a search is cheaper than
    translating every character."""
    return re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_table())) + "]")


def to_simplified(text: str) -> str:
    """Simplified view of ``text``, character for character, so offsets in the view are
    offsets in the text.

    Characters, not phrases: OpenCC's phrase table would read 智能问答覆盖政务 as 问答 + 答覆
    (答复) and write 问答复盖, so a search for 覆盖 missed the plan; and a query is converted
    the same way as the documents it is matched against.  str.translate does it at C speed."""
    if not _traditional().search(text):
        return text
    return text.translate(_table())
