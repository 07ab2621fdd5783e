"""MinHash signatures and LSH banding over many short texts at once, in numpy.

Reuse detection compares every sentence of every plan with every other: all-pairs is out of
the question for a store of a thousand plans (10¹⁰ pairs).  MinHash turns each sentence's set
of character n-grams into a short signature whose agreement rate estimates the Jaccard
similarity of the sets; LSH banding then only pairs sentences that agree on a whole band of
the signature, which near-duplicates do with high probability and unrelated sentences almost
never.  Everything is vectorised over all texts at once (one pass per hash function), which is
what makes a whole store fit in seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]

_BASE = np.uint64(0x100000001B3)  # FNV prime: the polynomial base of the n-gram hash
_MASK32 = np.uint64(0xFFFFFFFF)


@dataclass(frozen=True)
class LshParams:
    shingle: int = 4  # characters per n-gram
    bands: int = 32
    rows: int = 4  # bands × rows hash functions; threshold ≈ (1/bands)^(1/rows) ≈ 0.42
    max_bucket: int = 200  # a band bucket bigger than this is boilerplate: it pairs nothing
    seed: int = 20240601

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows


def _mix(x: U64) -> U64:
    """splitmix64 finaliser: spreads the polynomial hash over all 64 bits."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def shingle_hashes(texts: Sequence[str], n: int) -> tuple[U64, I64]:
    """64-bit hashes of every character n-gram of every text, text after text, and the index
    where each text's n-grams start.  Every text must have at least ``n`` characters."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    if len(texts) == 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    if lengths.min() < n:
        raise ValueError(f"every text needs at least {n} characters")
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    m = len(codes) - n + 1
    h = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):  # polynomial hash, wrapping modulo 2⁶⁴
            h = h * _BASE + codes[k : k + m]
        h = _mix(h)
    # Keep the n-grams that lie inside one text (not across the joins).
    ends = np.cumsum(lengths)
    owner = np.repeat(np.arange(len(texts)), lengths)[:m]
    keep = np.arange(m) + n <= ends[owner]
    counts = lengths - n + 1
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    return h[keep], starts


def signatures(texts: Sequence[str], params: LshParams, block: int = 1024) -> U32:
    """``(len(texts), num_perm)`` MinHash signatures."""
    hashes, starts = shingle_hashes(texts, params.shingle)
    x = (hashes >> np.uint64(32)).astype(np.uint32)
    rng = np.random.default_rng(params.seed)
    # Hash functions (a·x + b) mod 2³² with a odd: bijections of the 32-bit hashes, a cheap
    # family that is close enough to min-wise for estimating Jaccard (checked in the tests).
    a = rng.integers(0, 2**32, size=params.num_perm, dtype=np.uint32) | np.uint32(1)
    b = rng.integers(0, 2**32, size=params.num_perm, dtype=np.uint32)
    sig = np.empty((len(texts), params.num_perm), dtype=np.uint32)
    ends = np.append(starts[1:], len(x))
    # Block by block of texts so each block's hashes stay in cache across all functions
    # (three times faster than one pass over everything per function).
    buf = np.empty(0, dtype=np.uint32)
    for lo in range(0, len(texts), block):
        hi = min(lo + block, len(texts))
        xs = x[starts[lo] : ends[hi - 1]]
        local = starts[lo:hi] - starts[lo]
        if len(buf) < len(xs):
            buf = np.empty(len(xs), dtype=np.uint32)
        h = buf[: len(xs)]
        for k in range(params.num_perm):
            np.multiply(xs, a[k], out=h)  # in place: no allocation per function
            np.add(h, b[k], out=h)
            sig[lo:hi, k] = np.minimum.reduceat(h, local)
    return sig


def candidate_pairs(sig: U32, params: LshParams) -> I64:
    """``(m, 2)`` index pairs (i < j) that agree on at least one whole band."""
    n = len(sig)
    found: list[I64] = []
    for band in range(params.bands):
        cols = sig[:, band * params.rows : (band + 1) * params.rows].astype(np.uint64)
        key = np.zeros(n, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for c in range(cols.shape[1]):
                key = _mix(key * _BASE + cols[:, c])
        found.extend(_bucket_pairs(key, params.max_bucket))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    flat = np.unique(np.concatenate(found))
    return np.stack([flat // n, flat % n], axis=1) if n else np.zeros((0, 2), dtype=np.int64)


def _bucket_pairs(key: U64, max_bucket: int) -> list[I64]:
    """Pairs of positions with equal keys, encoded as ``i * n + j`` (i < j).

    Keys are sorted, so each bucket is a run; pairs are generated run by run, by distance d
    within the run, touching only the runs longer than d — the work is the number of pairs."""
    n = len(key)
    order = np.argsort(key)
    skey = key[order]
    starts = np.flatnonzero(np.concatenate(([True], skey[1:] != skey[:-1])))
    lengths = np.diff(np.append(starts, n))
    keep = (lengths >= 2) & (lengths <= max_bucket)  # oversized buckets are boilerplate
    starts, lengths = starts[keep], lengths[keep]
    out: list[I64] = []
    d = 1
    while len(starts):
        counts = lengths - d  # pairs at distance d in each run
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        first = np.repeat(starts, counts) + offsets
        i, j = order[first], order[first + d]
        out.append(np.minimum(i, j).astype(np.int64) * n + np.maximum(i, j))
        d += 1
        longer = lengths > d
        starts, lengths = starts[longer], lengths[longer]
    return out


def estimated_jaccard(sig: U32, pairs: I64, chunk: int = 200_000) -> npt.NDArray[np.float64]:
    """Share of agreeing signature positions for each pair (an estimate of their Jaccard)."""
    out = np.empty(len(pairs), dtype=np.float64)
    for s in range(0, len(pairs), chunk):
        p = pairs[s : s + chunk]
        out[s : s + chunk] = (sig[p[:, 0]] == sig[p[:, 1]]).mean(axis=1)
    return out
