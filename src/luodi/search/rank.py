"""bm25 as FTS5 computes it, in Python, for the few hundred candidates of a very common query.

FTS5's own ``bm25()`` cannot be used there: its first call counts every match of every
phrase (for the idf), which for 人工智能 is most of the index — the very cost that ranking
candidates avoids.  Here the idf comes from counts the service has anyway (or caches), and
the formula, constants and column weights are FTS5's (``fts5_aux.c``), so candidates are
ordered as full ranking would order them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from luodi.search.query import Node, positive_terms
from luodi.search.tokens import Unit, highlight_pattern

K1, B = 1.2, 0.75


def phrases(node: Node) -> list[tuple[Unit, ...]]:
    """The phrases of the query that occur in matching documents (bm25 sums over them)."""
    return list(dict.fromkeys(v for t in positive_terms(node) for v in t.variants))


@cache
def _pattern(units: tuple[Unit, ...]) -> re.Pattern[str]:
    return re.compile(highlight_pattern(list(units)))


@dataclass(frozen=True)
class Scorer:
    patterns: list[re.Pattern[str]]
    idf: list[float]
    avgdl: float
    weights: tuple[float, float]  # heading, body

    @classmethod
    def build(
        cls, phrases: Sequence[tuple[Unit, ...]], dfs: Sequence[int], n_docs: int, n_tokens: int,
        weights: tuple[float, float],
    ) -> Scorer:
        idf = [math.log((n_docs - df + 0.5) / (df + 0.5)) for df in dfs]
        idf = [x if x > 0 else 1e-6 for x in idf]  # as FTS5: a word in most documents still counts a little
        return cls([_pattern(p) for p in phrases], idf, n_tokens / max(n_docs, 1), weights)

    def score(self, head: str, body: str, ntok: int) -> float:
        """bm25 of a document from its normalised heading and body and its length in tokens."""
        norm = K1 * (1 - B + B * ntok / self.avgdl)
        total = 0.0
        for p, idf in zip(self.patterns, self.idf, strict=True):
            w = self.weights[0] * len(p.findall(head)) + self.weights[1] * len(p.findall(body))
            total += idf * w * (K1 + 1) / (w + norm)
        return total
