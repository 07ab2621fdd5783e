"""How text becomes index tokens, and how a query term becomes a phrase of the same tokens.

Why overlapping character bigrams (and not jieba words, and not trigrams)
--------------------------------------------------------------------------
Chinese has no spaces, so a tokenizer must choose units.  FTS5's ``trigram`` cannot
match the one- and two-character words people type most (算力, 场景).  Indexing jieba
words fails whenever the document and the query are segmented differently: jieba cuts
用户算力平台 and 算力 in whatever way its dictionary prefers, and a query for a word that
jieba did not produce in that sentence silently finds nothing.  Bigrams have neither
failure:

* every run of CJK characters c1…cn (of the **simplified** view, so one index serves both
  scripts) is indexed as the overlapping bigrams c1c2, c2c3, …, c(n-1)cn followed by the
  last character cn on its own;
* a query term of m ≥ 2 characters becomes the FTS5 *phrase* of its m-1 bigrams, which
  matches exactly where the term occurs as a substring — no segmentation can disagree;
* a one-character term becomes the prefix query ``"算" *``: every character of the text
  starts a token (a bigram, or the run's final character), so the prefix finds every
  occurrence; the table's 1-character prefix index makes that as cheap as a term lookup;
* other letters and digits (AI, 5G, 2025) are whole lower-cased words, as in English.

The trailing single character is what lets a run end inside a phrase: 城市+AI is indexed
``城市 市 ai``, and the query 城市AI (``城市 市 ai``) lines up with it position by position.

The costs: one token per character (a jieba index would have about one per 1.6
characters); substring semantics (和平 also matches 和平台), though bm25 ranks by real
occurrences just as for words; and a four-character word is a three-token phrase, whose
positions FTS5 must check — counting the 80,000 sections containing 人工智能 among
100,000 takes about 20 ms (:mod:`luodi.search.service` explains how ranking avoids
scoring them all).  jieba is still used, on the *query* side, to split long unquoted runs
into words (see :mod:`luodi.search.query`).

All functions here work on the normalised view (:func:`normalize`), which has the same
length as the original text, so a match position in it is a position in the original.
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from luodi.text import to_simplified

if TYPE_CHECKING:
    import jieba

# CJK ideographs: unified, extension A, compatibility, extensions B+; 〇 as in 二〇二三.
CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Letters and digits of other scripts: one token per run ("_" separates, as in FTS5).
WORD = rf"[^\W_{CJK}]"
UNIT_RE = re.compile(rf"(?P<cjk>[{CJK}]+)|(?P<word>{WORD}+)")

# Full-width letters and digits (Ａ１) to ASCII: one character for one.  Full-width
# punctuation (，（）) is left alone: it separates tokens either way, and it is in nearly
# every Chinese sentence, so folding it would cost a translate() per text.
_WIDTH = {c: c - 0xFEE0 for r in ((0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B)) for c in range(*r)}
_WIDE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_UPPER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def normalize(text: str) -> str:
    """The matching view of ``text``: simplified script, half-width, lower-case; same length."""
    return fold(to_simplified(text))


def fold(simplified: str) -> str:
    """The half-width, lower-case part of :func:`normalize`, for text already simplified."""
    out = simplified.lower()  # C speed; CJK is unchanged
    if len(out) != len(simplified):  # İ → i̇: the one kind of letter lower() lengthens
        out = simplified.translate(_UPPER)
    # Full-width letters are rare in cleaned text: translate() only when there is one.
    return out.translate(_WIDTH) if _WIDE.search(out) else out


@dataclass(frozen=True)
class Unit:
    """A run of CJK characters or a word of other letters/digits, in the normalised view."""

    text: str
    cjk: bool


def units(norm: str) -> list[Unit]:
    return [Unit(m.group(), m.lastgroup == "cjk") for m in UNIT_RE.finditer(norm)]


def index_tokens(norm: str) -> str:
    """The space-separated tokens FTS5 indexes for a normalised text (see the module docstring)."""
    out: list[str] = []
    for m in UNIT_RE.finditer(norm):
        run = m.group()
        if m.lastgroup == "cjk":
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
        out.append(run[-1] if m.lastgroup == "cjk" else run)
    return " ".join(out)


@dataclass(frozen=True)
class Phrase:
    """A query term as index tokens; ``prefix``: the last token is a prefix (a lone final character)."""

    tokens: tuple[str, ...]
    prefix: bool


def phrase(term_units: list[Unit]) -> Phrase | None:
    """The phrase that matches where ``term_units`` occur in a text, or None for no tokens."""
    tokens: list[str] = []
    prefix = False
    for i, u in enumerate(term_units):
        last = i == len(term_units) - 1
        if not u.cjk:
            tokens.append(u.text)
        elif len(u.text) == 1:
            tokens.append(u.text)
            prefix = last  # the text may go on after it: 算 is the start of a bigram there
        else:
            tokens.extend(u.text[j : j + 2] for j in range(len(u.text) - 1))
            if not last:  # a run that ends inside the phrase ends in the text too
                tokens.append(u.text[-1])
    return Phrase(tuple(tokens), prefix) if tokens else None


def highlight_pattern(term_units: list[Unit]) -> str:
    """A regex over the normalised view that finds what :func:`phrase` matches, for highlighting."""
    parts = []
    for u in term_units:
        p = re.escape(u.text)
        # A word must not run on into letters or digits (ai is not inside aigc).  For ASCII
        # words [0-9a-z] says that: compiling the exact WORD class costs milliseconds a query.
        w = "[0-9a-z]" if u.text.isascii() else WORD
        parts.append(p if u.cjk else rf"(?<!{w}){p}(?!{w})")
    return r"[\W_]*".join(parts)


# -- jieba (query side only) --------------------------------------------------------------
_JIEBA_LOCK = threading.Lock()


@cache
def _jieba() -> jieba.Tokenizer:
    """A private jieba tokenizer (the global one may carry other modules' words), built once.

    jieba writes its prefix-dictionary cache (a second faster start) to a temp dir and logs
    to stderr, even a traceback when it cannot write the cache: give it a directory of its
    own and silence it — without the cache it only starts slower.
    """
    import jieba

    jieba.setLogLevel(logging.CRITICAL)
    tok = jieba.Tokenizer()
    cache_dir = Path(tempfile.gettempdir()) / "luodi-jieba"
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tok.tmp_dir = str(cache_dir)
    except OSError:
        pass  # jieba falls back to the system temp dir
    tok.initialize()
    return tok


def segment(run: str, keep: frozenset[str] = frozenset()) -> list[str]:
    """jieba's words of a CJK run, with the words of ``keep`` (synonyms) never cut apart."""
    with _JIEBA_LOCK:  # jieba's add_word/cut share mutable state
        tok = _jieba()
        for word in keep:
            if word not in tok.FREQ or not tok.FREQ[word]:
                tok.add_word(word)
        return [w for w in tok.cut(run, HMM=False) if w]
