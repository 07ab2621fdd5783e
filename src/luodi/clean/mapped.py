"""Text that remembers where every character came from.

Cleaning rewrites a document many times (drop pinyin glosses, join broken lines,
normalise punctuation…).  Every extracted item must still point at the exact words
of the source, so each pass goes through :meth:`MappedText.edit`, which keeps a list
of *runs* mapping ranges of the current text back to ranges of the original.

A run ``(c0, c1, s0, s1)`` says that current characters ``[c0, c1)`` come from
source characters ``[s0, s1)``.  A run is *linear* when both ranges have the same
length (character ``c`` comes from ``s0 + c - c0``); replacement text produces
non-linear runs whose characters all map to the replaced source range as a whole.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

Run = tuple[int, int, int, int]
Edit = tuple[int, int, str]


@dataclass(frozen=True)
class MappedText:
    text: str
    runs: tuple[Run, ...]

    @classmethod
    def identity(cls, text: str) -> MappedText:
        return cls(text, ((0, len(text), 0, len(text)),) if text else ())

    # -- mapping ---------------------------------------------------------------------
    @cached_property
    def _starts(self) -> list[int]:
        return [r[0] for r in self.runs]

    def _run_at(self, index: int) -> Run:
        i = max(bisect_right(self._starts, index) - 1, 0)
        return self.runs[i]

    def source_start(self, index: int) -> int:
        """Source offset of current character ``index``."""
        if not self.runs:
            return 0
        c0, c1, s0, s1 = self._run_at(index)
        if c1 - c0 == s1 - s0:
            return s0 + min(index - c0, s1 - s0)
        return s0

    def source_end(self, index: int) -> int:
        """Source offset just after current character ``index - 1`` (an exclusive end)."""
        if not self.runs or index <= 0:
            return 0
        c0, c1, s0, s1 = self._run_at(index - 1)
        if c1 - c0 == s1 - s0:
            return s0 + (index - c0)
        return s1

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            s = self.source_start(start)
            return s, s
        return self.source_start(start), self.source_end(end)

    # -- editing ---------------------------------------------------------------------
    def edit(self, edits: Iterable[Edit]) -> MappedText:
        """Apply non-overlapping ``(start, end, replacement)`` edits given in current offsets."""
        ordered = sorted(edits)
        if not ordered:
            return self
        pieces: list[str] = []
        runs: list[Run] = []
        pos = 0
        out = 0
        for start, end, repl in ordered:
            if start < pos:
                raise ValueError(f"overlapping edit at {start} (previous ended at {pos})")
            out = self._keep(pos, start, out, pieces, runs)
            if repl:
                s0, s1 = self.source_span(start, end) if end > start else (self.source_start(start),) * 2
                pieces.append(repl)
                runs.append((out, out + len(repl), s0, s1))
                out += len(repl)
            pos = end
        self._keep(pos, len(self.text), out, pieces, runs)
        return MappedText("".join(pieces), tuple(_merge(runs)))

    def _keep(self, start: int, end: int, out: int, pieces: list[str], runs: list[Run]) -> int:
        """Copy current ``[start, end)`` to the output, carrying its runs along."""
        if end <= start:
            return out
        pieces.append(self.text[start:end])
        first = max(bisect_right(self._starts, start) - 1, 0)
        for c0, c1, s0, s1 in self.runs[first:]:
            if c0 >= end:
                break
            if c1 <= start:
                continue
            a, b = max(c0, start), min(c1, end)
            if c1 - c0 == s1 - s0:
                runs.append((out + a - start, out + b - start, s0 + a - c0, s0 + b - c0))
            else:
                runs.append((out + a - start, out + b - start, s0, s1))
        return out + end - start

    def sub(self, pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str]) -> MappedText:
        """Like ``re.sub`` but keeps the mapping; a group-free replacement maps to the whole match."""
        edits: list[Edit] = []
        for m in pattern.finditer(self.text):
            new = repl(m) if callable(repl) else m.expand(repl)
            if new != m.group(0):
                edits.append(_minimal_edit(m.start(), m.group(0), new))
        return self.edit(edits)

    def translate(self, table: dict[int, str]) -> MappedText:
        """One-character-for-one-character substitution: the mapping does not change."""
        new = self.text.translate(table)
        if len(new) != len(self.text):
            raise ValueError("translate() must map single characters to single characters")
        return MappedText(new, self.runs)


def _minimal_edit(start: int, old: str, new: str) -> Edit:
    """Shrink an edit to the part that changes, so kept characters keep exact offsets."""
    head = 0
    while head < len(old) and head < len(new) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < len(old) - head and tail < len(new) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return start + head, start + len(old) - tail, new[head : len(new) - tail]


def _merge(runs: list[Run]) -> list[Run]:
    """Fuse adjacent linear runs that continue each other (keeps the run list short)."""
    merged: list[Run] = []
    for run in runs:
        if merged:
            c0, c1, s0, s1 = merged[-1]
            r0, r1, t0, t1 = run
            prev_linear = c1 - c0 == s1 - s0
            linear = r1 - r0 == t1 - t0
            if prev_linear and linear and r0 == c1 and t0 == s1:
                merged[-1] = (c0, r1, s0, t1)
                continue
        merged.append(run)
    return merged
