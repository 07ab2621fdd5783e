"""The query language, parsed into a small tree that each search backend compiles.

* words are ANDed: ``算力 平台``; ``AND`` may be written but need not be;
* ``"quoted phrases"`` (also “…” and 「…」) match as written, spaces between Chinese
  characters ignored; quoted phrases are not expanded with synonyms;
* ``OR`` (or ``|``) between alternatives; ``NOT x`` or ``-x`` excludes; parentheses group
  (full-width ones too);
* an unquoted word is a substring match and expands to its synonym group; an unquoted run
  of more than :data:`WHOLE_RUN` Chinese characters is split into words by jieba
  (人工智能产业发展规划 → 人工智能 产业 发展 规划, all required), and the run as a whole
  is added as an optional phrase so that sections containing it exactly rank first.

Parsing never fails: unbalanced quotes and parentheses are closed, operators with nothing
to apply to are dropped, and characters that make no token (``*``, ``"``) are ignored;
what was dropped is reported in :attr:`ParsedQuery.notes`.  User text never reaches a
backend's query syntax: backends build their syntax from the tokens of these nodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from luodi.search import synonyms as syn
from luodi.search.tokens import CJK, Unit, highlight_pattern, normalize, segment, units

# Unquoted Chinese runs up to this length are matched whole (most words and compounds
# people type: 算力, 数据开放); longer ones are sentences and are split into words.
WHOLE_RUN = 4

_QUOTES = {'"': '"', "“": "”", "”": "”", "「": "」", "『": "』", "＂": "＂"}
_OPEN = "(（"
_CLOSE = ")）"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}])\s+(?=[{CJK}])")

TokKind = Literal["word", "phrase", "or", "and", "not", "(", ")"]


@dataclass(frozen=True)
class Term:
    """Text to find: the term's units, then those of its synonyms (alternatives, ORed)."""

    text: str
    variants: tuple[tuple[Unit, ...], ...]


@dataclass(frozen=True)
class Words:
    """A long run split by jieba: every piece required; ``whole`` as written ranks higher."""

    pieces: tuple[Term, ...]
    whole: Term


@dataclass(frozen=True)
class And:
    parts: tuple[Node, ...]
    excluded: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Or:
    parts: tuple[Node, ...]


Node = Term | Words | And | Or


@dataclass
class ParsedQuery:
    text: str
    node: Node | None  # None: nothing to search for (see notes)
    notes: list[str] = field(default_factory=list)

    def highlighter(self) -> re.Pattern[str] | None:
        """One regex over the normalised view for every positive term (longest first)."""
        pats = sorted({highlight_pattern(list(v)) for t in positive_terms(self.node) for v in t.variants}, key=len)
        return re.compile("|".join(reversed(pats))) if pats else None


def positive_terms(node: Node | None, *, wholes: bool = True) -> list[Term]:
    """Terms that make a document match (not the excluded ones): what snippets highlight.
    ``wholes``: with the whole text of split runs (optional phrases: they rank, not match)."""
    if node is None:
        return []
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Words):
        return [*node.pieces, node.whole] if wholes else list(node.pieces)
    return [t for part in node.parts for t in positive_terms(part, wholes=wholes)]


# -- lexing -------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Tok:
    kind: TokKind
    text: str = ""


def lex(query: str) -> list[_Tok]:
    out: list[_Tok] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c in _OPEN or c in _CLOSE:
            out.append(_Tok("(" if c in _OPEN else ")"))
            i += 1
        elif c in _QUOTES:
            end = query.find(_QUOTES[c], i + 1)
            end = n if end < 0 else end  # unbalanced: the phrase runs to the end
            out.append(_Tok("phrase", query[i + 1 : end]))
            i = end + 1
        elif c in "-－" and i + 1 < n and not query[i + 1].isspace():
            out.append(_Tok("not"))
            i += 1
        else:
            j = i
            while j < n and not (query[j].isspace() or query[j] in _OPEN or query[j] in _CLOSE or query[j] in _QUOTES):
                j += 1
            out.append(_word(query[i:j]))
            i = j
    return out


def _word(text: str) -> _Tok:
    ops: dict[str, TokKind] = {"OR": "or", "|": "or", "||": "or", "AND": "and", "&": "and", "&&": "and", "NOT": "not"}
    return _Tok(ops[text]) if text in ops else _Tok("word", text)


# -- parsing ------------------------------------------------------------------------------
def parse(query: str, synonyms: syn.Synonyms | None = None) -> ParsedQuery:
    """Parse a user's query; never raises."""
    parser = _Parser(lex(query), synonyms if synonyms is not None else syn.load())
    node = parser.parse()
    if node is not None and not _has_positive(node):
        parser.notes.append("nothing to search for: a query needs a word that is not excluded")
        node = None
    elif node is None and not parser.notes:
        parser.notes.append("nothing to search for: the query has no letters, digits or Chinese characters")
    return ParsedQuery(query, node, parser.notes)


def _has_positive(node: Node) -> bool:
    return not isinstance(node, And) or bool(node.parts)


class _Parser:
    def __init__(self, toks: list[_Tok], synonyms: syn.Synonyms) -> None:
        self.toks = toks
        self.i = 0
        self.syn = synonyms
        self.notes: list[str] = []

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse(self) -> Node | None:
        nodes = [self.or_()]
        while self.peek() is not None:  # a stray ")": skip it, AND what follows
            self.i += 1
            nodes.append(self.or_())
        return _and([n for n in nodes if n is not None], [])

    def or_(self) -> Node | None:
        branches = [self.and_()]
        while (t := self.peek()) is not None and t.kind == "or":
            self.i += 1
            branches.append(self.and_())
        present = [b for b in branches if b is not None]
        if len(branches) == 1:
            return present[0] if present else None  # no OR here: exclusions pass up to the AND around
        if len(present) < len(branches):
            self.notes.append("OR needs something on both sides")
        kept = [b for b in present if _has_positive(b)]
        if len(kept) < len(present):
            self.notes.append("an OR alternative with only excluded words was ignored")
        return kept[0] if len(kept) == 1 else (Or(tuple(kept)) if kept else None)

    def and_(self) -> Node | None:
        parts: list[Node] = []
        excluded: list[Node] = []
        while (t := self.peek()) is not None and t.kind not in ("or", ")"):
            self.i += 1
            if t.kind == "and":
                continue
            negations = 0
            while t.kind == "not":  # NOT NOT x is x; NOT AND x is NOT x
                negations += 1
                while (t := self.peek()) is not None and t.kind == "and":
                    self.i += 1
                if t is None or t.kind in ("or", ")"):
                    self.notes.append("NOT needs a word after it")
                    return _and(parts, excluded)
                self.i += 1
            node = self.atom(t)
            if node is None:
                continue
            if negations % 2 == 0:
                parts.append(node)
            elif _has_positive(node):
                excluded.append(node)
            else:
                self.notes.append("an exclusion of excluded words was ignored")
        return _and(parts, excluded)

    def atom(self, t: _Tok) -> Node | None:
        if t.kind == "(":
            node = self.or_()
            if (close := self.peek()) is not None and close.kind == ")":
                self.i += 1
            return node
        if t.kind == "phrase":
            return self.term(_SPACE_BETWEEN_CJK.sub("", t.text), expand=False)
        return self.word(t.text)

    def term(self, text: str, *, expand: bool) -> Term | None:
        names = self.syn.expand(text) if expand else [text]
        variants = tuple(v for v in (tuple(units(normalize(n))) for n in names) if v)
        if not variants:
            if text.strip():
                self.notes.append(f"ignored {text.strip()!r}: nothing to search for in it")
            return None
        return Term(text, variants)

    def word(self, text: str) -> Node | None:
        us = units(normalize(text))
        if len(us) != 1 or not us[0].cjk or len(us[0].text) <= WHOLE_RUN:
            return self.term(text, expand=True)
        pieces = _required_pieces(segment(us[0].text, self.syn.words()))
        if len(pieces) < 2:
            return self.term(text, expand=True)
        terms = [t for t in (self.term(p, expand=True) for p in pieces) if t is not None]
        whole = self.term(text, expand=False)
        assert whole is not None  # a CJK run always has tokens
        return Words(tuple(terms), whole)


def _and(parts: list[Node], excluded: list[Node]) -> Node | None:
    # A group that only excludes, as in `a (-b)`, excludes from the group around it.
    flat: list[Node] = []
    for p in parts:
        if isinstance(p, And) and not p.parts:
            excluded.extend(p.excluded)
        else:
            flat.append(p)
    if not flat and not excluded:
        return None
    if len(flat) == 1 and not excluded:
        return flat[0]
    return And(tuple(flat), tuple(excluded))


def _required_pieces(words: list[str]) -> list[str]:
    """jieba's words of ≥ 2 characters; consecutive single characters (an unknown name,
    HMM off) are joined; a lone single character (的, 级, 大) is dropped, since it is too
    common to narrow anything down and the whole run still ranks exact matches first."""
    out: list[str] = []
    singles = ""
    for w in [*words, ""]:
        if len(w) == 1:
            singles += w
            continue
        if len(singles) > 1:
            out.append(singles)
        singles = ""
        if w:
            out.append(w)
    return out
