"""Synonym groups: a query word expands to an OR of every name in its group.

``luodi/data/synonyms.tsv`` ships the groups luodi maintains (one group per line,
tab-separated, ``#`` starts a comment); ``LUODI_SYNONYMS=file.tsv`` adds a user's groups in
the same format.  Names are compared in the normalised view (simplified, half-width,
lower-case, separators ignored), so 智算中心, 智算中心 in traditional script and a user's
“AI 芯片” all find their group.  A name in several groups expands to all of them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

from luodi.errors import LuodiError
from luodi.search.tokens import normalize, units

ENV = "LUODI_SYNONYMS"

Key = tuple[str, ...]  # the units of a name: 城市+AI → ("城市", "ai")


def key(text: str) -> Key:
    return tuple(u.text for u in units(normalize(text)))


class Synonyms:
    """Groups of names, looked up by :func:`key`."""

    def __init__(self, groups: Iterable[Iterable[str]]) -> None:
        self._of: dict[Key, list[str]] = {}
        for group in groups:
            names = [n.strip() for n in group if key(n)]
            for name in names:
                found = self._of.setdefault(key(name), [])
                found.extend(n for n in names if n not in found)

    def expand(self, text: str) -> list[str]:
        """Every name equivalent to ``text``, ``text`` first; just ``[text]`` when it has no group."""
        names = self._of.get(key(text), [])
        return [text, *(n for n in names if key(n) != key(text))]

    def words(self) -> frozenset[str]:
        """Names that are a single CJK run: jieba must keep them whole when it splits a query."""
        return frozenset(k[0] for k in self._of if len(k) == 1 and not k[0].isascii())

    def __len__(self) -> int:
        return len(self._of)


def parse_tsv(text: str, source: str) -> list[list[str]]:
    groups = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        names = [x.strip() for x in line.split("\t") if x.strip()]
        if len(names) < 2:
            raise LuodiError(f"{source}:{n}: a synonym group needs at least two tab-separated names")
        groups.append(names)
    return groups


def load() -> Synonyms:
    """The bundled groups plus the user's (``LUODI_SYNONYMS``); re-read when that file changes."""
    user = os.environ.get(ENV)
    stamp = None
    if user:
        try:
            stamp = Path(user).stat().st_mtime_ns
        except OSError as exc:
            raise LuodiError(f"{ENV}={user}: cannot read synonyms file: {exc.strerror}") from exc
    return _load(user, stamp)


@cache
def _load(user: str | None, _stamp: int | None) -> Synonyms:
    bundled = resources.files("luodi").joinpath("data/synonyms.tsv").read_text(encoding="utf-8")
    groups = parse_tsv(bundled, "synonyms.tsv")
    if user:
        groups += parse_tsv(Path(user).read_text(encoding="utf-8-sig"), user)
    return Synonyms(groups)
