"""Snippets: a window of the original text around the matches, with the matches marked.

Matches are found in the normalised view (simplified, half-width, lower-case), which has
the same length as the original text, so their offsets mark the original — a simplified
query highlights 數據開放 in a traditional plan, and the snippet keeps its script.
"""

from __future__ import annotations

import html
import re

from luodi.search.tokens import fold

Span = tuple[int, int]

WIDTH = 120  # characters of text in a snippet
_LEAD = 20  # context shown before the first match of the window
_MAX_MATCHES = 200  # windows considered: enough for any section, bounded for huge ones
_BREAK = "。；！？\n"
_FLAT = str.maketrans("\n\r\t", "   ")


def marks(view: str, pattern: re.Pattern[str] | None) -> list[Span]:
    """Match spans of ``pattern`` in a simplified view; touching ones joined (人工智能产业, not
    人工智能|产业: one highlight reads better)."""
    if pattern is None:
        return []
    spans: list[Span] = []
    for m in pattern.finditer(fold(view)):
        if m.end() == m.start():
            continue
        if spans and spans[-1][1] == m.start():
            spans[-1] = (spans[-1][0], m.end())
        else:
            spans.append(m.span())
        if len(spans) >= _MAX_MATCHES:
            break
    return spans


def snippet(text: str, view: str, pattern: re.Pattern[str] | None, width: int = WIDTH) -> tuple[str, list[Span]]:
    """(snippet, match spans within it) for ``text``; ``view`` is its simplified view."""
    found = marks(view, pattern)
    if len(text) <= width:
        return text.translate(_FLAT), found
    start = _window_start(text, fold(view), found, width)
    end = min(len(text), start + width)
    pre = "…" if start > 0 else ""
    post = "…" if end < len(text) else ""
    shift = len(pre) - start
    inside = [(s + shift, e + shift) for s, e in found if s >= start and e <= end]
    return pre + text[start:end].translate(_FLAT) + post, inside


def _window_start(text: str, view: str, found: list[Span], width: int) -> int:
    """Where to start the window: before the run of matches that shows the most distinct terms."""
    if not found:
        return 0
    best, best_score = 0, -1
    for i, (s, _) in enumerate(found):
        inside = {view[a:b] for a, b in found[i:] if b <= s + width - _LEAD}
        if len(inside) > best_score:
            best, best_score = i, len(inside)
    s = found[best][0]
    start = max(0, s - _LEAD)
    # Start at the sentence the match is in when that sentence begins close before it.
    cut = max(text.rfind(c, start, s) for c in _BREAK)
    return cut + 1 if cut >= 0 else start


def to_html(text: str, spans: list[Span]) -> str:
    """``text`` HTML-escaped, with each span wrapped in ``<mark>``."""
    out, pos = [], 0
    for s, e in spans:
        out += [html.escape(text[pos:s]), "<mark>", html.escape(text[s:e]), "</mark>"]
        pos = e
    out.append(html.escape(text[pos:]))
    return "".join(out)
