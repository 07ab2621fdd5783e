"""Highlighted document text: every character of the plan escaped, the result a markupsafe ``Markup``.

Records (targets, milestones, entities) point into the *source* text; the page shows the
*clean* text of each section.  :class:`SourceToClean` inverts the offset map that cleaning
keeps (:class:`luodi.clean.mapped.MappedText`), then :func:`weave` cuts the text into
escaped pieces and marks.

Marks come in two layers: *outer* marks (targets, milestones: clause-long, each a link to
its tracking item) and *inner* marks (units, entities: a few characters).  An inner mark
inside an outer one is still styled but not a link, because links cannot nest.
"""

from __future__ import annotations

import html
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from luodi.clean.mapped import Run


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    cls: str  # target | baseline | milestone | unit | lead | entity
    href: str | None = None
    title: str | None = None
    anchor: str | None = None  # element id, for links from elsewhere on the page


class SourceToClean:
    """Source offsets → clean offsets (the inverse of ``MappedText.source_span``)."""

    def __init__(self, runs: Sequence[Run]) -> None:
        self._runs = list(runs)
        self._src_starts = [r[2] for r in self._runs]

    def start(self, pos: int) -> int | None:
        i = bisect_right(self._src_starts, pos) - 1
        if i < 0:
            return self._runs[0][0] if self._runs else None
        c0, c1, s0, s1 = self._runs[i]
        if pos >= s1:  # in a gap (text that cleaning dropped): the next clean character
            return c1
        return c0 + (pos - s0) if c1 - c0 == s1 - s0 else c0

    def end(self, pos: int) -> int | None:
        i = bisect_right(self._src_starts, pos - 1) - 1
        if i < 0:
            return None
        c0, c1, s0, s1 = self._runs[i]
        if pos > s1:
            return c1
        return min(c0 + (pos - s0), c1) if c1 - c0 == s1 - s0 else c1

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        a, b = self.start(start), self.end(end)
        if a is None or b is None or b <= a:
            return None
        return a, b


def non_overlapping(marks: Iterable[Mark]) -> list[Mark]:
    """Marks in text order, each kept only if it overlaps none kept before it (input order = priority)."""
    starts: list[int] = []
    kept: list[Mark] = []
    for m in marks:
        if m.end <= m.start:
            continue
        i = bisect_right(starts, m.start)
        if i > 0 and kept[i - 1].end > m.start:
            continue
        if i < len(kept) and kept[i].start < m.end:
            continue
        starts.insert(i, m.start)
        kept.insert(i, m)
    return kept


class MarkIndex:
    """Marks sorted by start, to hand each section only the marks that fall inside it
    (a plan has hundreds of entity mentions and dozens of sections)."""

    def __init__(self, marks: Iterable[Mark]) -> None:
        self.marks = sorted(marks, key=lambda m: m.start)
        self._starts = [m.start for m in self.marks]

    def within(self, a: int, b: int) -> list[Mark]:
        lo, hi = bisect_left(self._starts, a), bisect_left(self._starts, b)
        return [m for m in self.marks[lo:hi] if m.end <= b]


def weave(text: str, outer: Sequence[Mark], inner: Sequence[Mark], offset: int = 0) -> Markup:
    """``text`` (which starts at clean offset ``offset``) with marks, all of it escaped.

    Built with plain string joins around ``html.escape``: a plan page carries hundreds of
    marks, and ``Markup.format`` costs ten times as much per tag."""
    outer = non_overlapping(_shift(outer, offset, len(text)))
    inner = non_overlapping(_shift(inner, offset, len(text)))
    inner_starts = [m.start for m in inner]
    pieces: list[str] = []
    pos = 0
    for o in outer:
        pieces.append(_flat(text, pos, o.start, _within(inner, inner_starts, pos, o.start), links=True))
        body = _flat(text, o.start, o.end, _within(inner, inner_starts, o.start, o.end), links=False)
        pieces.append(_tag(o, body, link=True))
        pos = o.end
    pieces.append(_flat(text, pos, len(text), _within(inner, inner_starts, pos, len(text)), links=True))
    return Markup("".join(pieces))


def _shift(marks: Sequence[Mark], offset: int, length: int) -> list[Mark]:
    if not offset:
        return [m for m in marks if 0 <= m.start < m.end <= length]
    out = []
    for m in marks:
        a, b = m.start - offset, m.end - offset
        if 0 <= a < b <= length:
            out.append(Mark(a, b, m.cls, m.href, m.title, m.anchor))
    return out


def _within(marks: list[Mark], starts: list[int], a: int, b: int) -> list[Mark]:
    i = bisect_left(starts, a)
    out = []
    while i < len(marks) and marks[i].start < b:
        if marks[i].end <= b:
            out.append(marks[i])
        i += 1
    return out


def _esc(text: str) -> str:
    # html.escape: the same five characters as markupsafe, but a str, without a Markup
    # object per piece (a plan page escapes tens of thousands of pieces).
    return html.escape(text, quote=True)


def _flat(text: str, a: int, b: int, marks: list[Mark], *, links: bool) -> str:
    pieces: list[str] = []
    pos = a
    for m in marks:
        pieces.append(_esc(text[pos : m.start]))
        pieces.append(_tag(m, _esc(text[m.start : m.end]), link=links))
        pos = m.end
    pieces.append(_esc(text[pos:b]))
    return "".join(pieces)


def _tag(m: Mark, body: str, *, link: bool) -> str:
    """One mark around already-escaped ``body``; every attribute value is escaped here."""
    attrs = f' class="hl hl-{_esc(m.cls)}"'
    if m.anchor:
        attrs += f' id="{_esc(m.anchor)}"'
    if m.title:
        attrs += f' title="{_esc(m.title)}"'
    if link and m.href:
        return f'<a{attrs} href="{_esc(m.href)}">{body}</a>'
    return f"<mark{attrs}>{body}</mark>"


def anchors(text: str, points: Sequence[tuple[int, str]], marks: Sequence[Mark] = ()) -> Markup:
    """Source text with empty anchors (``id``) at offsets and non-link marks: the side panel."""
    events: list[tuple[int, int, str]] = [(p, 0, f'<span class="src-anchor" id="{_esc(i)}"></span>') for p, i in points]
    for m in non_overlapping(marks):
        anchor = f' id="{_esc(m.anchor)}"' if m.anchor else ""
        events.append((m.start, 1, f'<mark class="hl hl-{_esc(m.cls)}"{anchor}>'))
        events.append((m.end, -1, "</mark>"))
    # At one offset: close the previous mark, then anchors, then open the next mark.
    events.sort(key=lambda e: (e[0], e[1]))
    pieces: list[str] = []
    pos = 0
    for at, _, tag in events:
        at = min(max(at, pos), len(text))
        pieces.append(_esc(text[pos:at]))
        pieces.append(tag)
        pos = at
    pieces.append(_esc(text[pos:]))
    return Markup("".join(pieces))
