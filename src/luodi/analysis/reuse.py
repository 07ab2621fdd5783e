"""``compare reuse``: passages of one plan that reuse another plan's text.

A city plan copies its province's plan, a plan copies its predecessor, with a place name or
a year changed — and often clause by clause, recombining the clauses of several sentences
(推动人工智能安防技术的深度应用，推进立体化安防系统建设和应用示范 takes one clause from each
of two sentences of the provincial plan).  Detection therefore works on *clauses* (split at
，。！？； and line ends, the responsibility clause left out) of the simplified text with
spaces and punctuation removed:

1. identical clauses are found by their text;
2. near-identical ones by MinHash + LSH over character n-grams (:mod:`.minhash`), which
   proposes candidate pairs without comparing all pairs; candidates whose estimated Jaccard
   is implausibly low are dropped;
3. each remaining candidate is aligned (difflib ``SequenceMatcher``, after a cheap bound on
   the characters the two share) and kept when the alignment covers enough of both clauses
   (ratio) or nearly all of the shorter one (containment); many candidates are aligned in
   worker processes;
4. per pair of plans, each clause is matched at most once, and runs of matched clauses that
   follow each other on both sides (one unmatched clause may sit between) merge into
   passages, reported side by side with their sections, source spans and scores.

Clauses found in very many plans (boilerplate such as the guiding-ideology formula) carry no
signal about who copied whom and would make the pair count quadratic; they are skipped
beyond ``max_plans`` plans.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import repeat
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import select

from luodi.analysis.corpus import PlanDoc, PlanRef, as_plans, resolve_ids
from luodi.analysis.minhash import I64, U32, LshParams, candidate_pairs, estimated_jaccard, signatures
from luodi.clean.mapped import MappedText
from luodi.extract.unit_clauses import strip_unit_clauses
from luodi.store import Store
from luodi.store.schema import plans as plans_table
from luodi.store.schema import sections as sections_table
from luodi.text import to_simplified


# -- plan texts ----------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanText:
    """What reuse detection needs of a plan: its clean text, offset map and section ranges."""

    ref: PlanRef
    text: str
    mapped: MappedText
    # (section id, start, text_start, text_end) in clean offsets, in document order
    sections: tuple[tuple[str, int, int, int], ...]

    @classmethod
    def of(cls, plan: PlanDoc) -> PlanText:
        secs = tuple((s.id, s.start, s.text_start, s.text_end) for s in plan.doc.sections)
        return cls(plan.ref, plan.doc.text, plan.doc.mapped, secs)


def load_texts(store: Store, ids: Iterable[int] | None = None) -> list[PlanText]:
    """Plan texts straight from the tables (two queries, no Document rebuilt): fast enough
    to read a whole store."""
    wanted = None if ids is None else sorted(set(ids))
    cols = (plans_table.c.id, plans_table.c.title, plans_table.c.region, plans_table.c.level, plans_table.c.issued,
            plans_table.c.period_start, plans_table.c.period_end, plans_table.c.text, plans_table.c.runs)
    q_plans = select(*cols).order_by(plans_table.c.id)
    q_secs = select(sections_table.c.plan_id, sections_table.c.sid, sections_table.c.start,
                    sections_table.c.text_start, sections_table.c.text_end).order_by(
        sections_table.c.plan_id, sections_table.c.ord)
    if wanted is not None:
        q_plans = q_plans.where(plans_table.c.id.in_(wanted))
        q_secs = q_secs.where(sections_table.c.plan_id.in_(wanted))
    secs: dict[int, list[tuple[str, int, int, int]]] = defaultdict(list)
    with store.engine.connect() as conn:
        for sr in conn.execute(q_secs):
            secs[sr.plan_id].append((sr.sid, sr.start, sr.text_start, sr.text_end))
        rows = conn.execute(q_plans).all()
    out = []
    for r in rows:
        period = (r.period_start, r.period_end) if r.period_start is not None and r.period_end is not None else None
        ref = PlanRef(r.id, r.title, r.region, r.level, r.issued, period)
        mapped = MappedText(r.text, tuple((x[0], x[1], x[2], x[3]) for x in r.runs))
        out.append(PlanText(ref, r.text, mapped, tuple(secs.get(r.id, ()))))
    return out


# -- clauses ---------------------------------------------------------------------------------
_CLAUSE = re.compile(r"[^，。！？；,!?;\n]+[，。！？；,!?;]?")
_NOISE = re.compile(r"[\W_]+")  # what normalisation drops: spaces and punctuation


class Clause(NamedTuple):  # a tuple: a store has hundreds of thousands of them
    plan: int  # index into the plan list
    section: str
    start: int  # clean offsets
    end: int
    norm: str  # simplified, no spaces or punctuation


def split_clauses(pt: PlanText, index: int, min_chars: int) -> list[Clause]:
    """The plan's clauses of at least ``min_chars`` normalised characters, in order."""
    # Responsibility clauses (（责任单位：市科技局）) become line breaks: every plan has them,
    # in the same words, and they say nothing about the text being reused.
    simp = strip_unit_clauses(to_simplified(pt.text), fill="\n")
    out = []
    noise = _NOISE.sub
    for sid, start, text_start, text_end in pt.sections:
        # The heading line and the section's own text (children have their own ranges).
        for lo, hi in ((start, text_start), (text_start, text_end)):
            for m in _CLAUSE.finditer(simp, lo, hi):
                a, b = m.span()
                if b - a < min_chars:  # cannot reach min_chars once normalised
                    continue
                norm = noise("", m.group(0)).lower()
                if len(norm) >= min_chars:
                    out.append(Clause(index, sid, a, b, norm))
    return out


# -- results -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Side:
    plan: int
    section: str
    start: int  # clean offsets
    end: int
    span: tuple[int, int]  # source offsets
    text: str  # as the plan writes it

    def to_json(self) -> dict[str, Any]:
        return {"plan": self.plan, "section": self.section, "span": list(self.span), "text": self.text}


@dataclass(frozen=True)
class PassagePair:
    a: Side
    b: Side
    ratio: float  # difflib ratio of the normalised passages: 1.0 = identical
    containment: float  # matched characters / the shorter passage
    clauses: int
    chars: int  # normalised characters matched

    def to_json(self) -> dict[str, Any]:
        return {"a": self.a.to_json(), "b": self.b.to_json(), "ratio": round(self.ratio, 4),
                "containment": round(self.containment, 4), "clauses": self.clauses, "chars": self.chars}


@dataclass
class PlanPairReuse:
    a: PlanRef
    b: PlanRef
    passages: list[PassagePair] = field(default_factory=list)
    chars_a: int = 0  # normalised characters of each plan's clauses
    chars_b: int = 0

    @property
    def reused_chars(self) -> int:
        return sum(p.chars for p in self.passages)

    @property
    def share_a(self) -> float:
        return sum(len_norm(p.a) for p in self.passages) / self.chars_a if self.chars_a else 0.0

    @property
    def share_b(self) -> float:
        return sum(len_norm(p.b) for p in self.passages) / self.chars_b if self.chars_b else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a.to_json(), "b": self.b.to_json(), "passages": len(self.passages),
            "reused_chars": self.reused_chars, "share_a": round(self.share_a, 4), "share_b": round(self.share_b, 4),
            "pairs": [p.to_json() for p in self.passages],
        }

    def to_rows(self) -> list[dict[str, Any]]:
        return [
            {"plan_a": self.a.id, "section_a": p.a.section, "span_a": f"{p.a.span[0]}-{p.a.span[1]}", "text_a": p.a.text,
             "plan_b": self.b.id, "section_b": p.b.section, "span_b": f"{p.b.span[0]}-{p.b.span[1]}", "text_b": p.b.text,
             "ratio": round(p.ratio, 4), "containment": round(p.containment, 4), "chars": p.chars}
            for p in self.passages
        ]


def len_norm(side: Side) -> int:
    return len(normalise(side.text))


@dataclass
class ReuseReport:
    plans: list[PlanRef]
    pairs: list[PlanPairReuse]  # most reused characters first
    clauses: int = 0
    candidates: int = 0  # LSH candidate pairs of distinct clauses
    aligned: int = 0  # candidates that went to alignment

    def to_json(self) -> dict[str, Any]:
        return {"plans": [p.to_json() for p in self.plans], "clauses": self.clauses,
                "candidates": self.candidates, "aligned": self.aligned, "pairs": [p.to_json() for p in self.pairs]}

    def to_rows(self) -> list[dict[str, Any]]:
        return [row for pair in self.pairs for row in pair.to_rows()]


@dataclass(frozen=True)
class ReuseParams:
    min_chars: int = 12  # shorter clauses (加强组织领导) are formulas, not reuse
    min_ratio: float = 0.7  # difflib ratio to accept a near-identical clause
    min_containment: float = 0.9  # …or this share of the shorter clause found in the longer,
    min_contained_chars: int = 15  # …when the shorter has at least this many characters
    min_jaccard: float = 0.25  # estimated n-gram Jaccard below which a candidate isn't aligned
    max_plans: int | None = None  # skip clauses in more plans (default: max(10, 5% of plans))
    workers: int | None = None  # alignment processes for large inputs (default: CPUs, at most 4)
    lsh: LshParams = field(default_factory=LshParams)


# -- detection ---------------------------------------------------------------------------------
def find_reuse(texts: Sequence[PlanText], params: ReuseParams | None = None) -> ReuseReport:
    """Reused passages between every pair of the given plans."""
    params = params or ReuseParams()
    clauses = [c for i, pt in enumerate(texts) for c in split_clauses(pt, i, params.min_chars)]
    uniq, occ = _distinct(clauses)
    max_plans = params.max_plans or max(10, len(texts) // 20)
    plans_of = [{clauses[k].plan for k in ks} for ks in occ]
    live = [len(p) <= max_plans for p in plans_of]
    near, cands, aligned = _near_copies(uniq, plans_of, live, params)
    ok = _not_boilerplate(plans_of, live, near, max_plans)
    matches: list[tuple[int, int, float, float]] = []  # clause k, clause l, ratio, containment
    for u, ks in enumerate(occ):  # 1. identical clauses
        if ok[u] and len(plans_of[u]) > 1:
            matches.extend((k, ll, 1.0, 1.0) for k in ks for ll in ks if clauses[k].plan < clauses[ll].plan)
    for u, v, ratio, cont in near:
        if ok[u] and ok[v]:
            matches.extend(_occurrence_pairs(occ[u], occ[v], clauses, ratio, cont))
    return ReuseReport([t.ref for t in texts], _assemble(texts, clauses, matches), len(clauses), cands, aligned)


def _near_copies(uniq: list[str], plans_of: list[set[int]], live: list[bool], params: ReuseParams
                 ) -> tuple[list[tuple[int, int, float, float]], int, int]:
    """2.–3. Pairs of distinct clauses that are near-copies, with the LSH and alignment counts."""
    if len(uniq) < 2:
        return [], 0, 0
    sig = signatures(uniq, params.lsh)
    found = candidate_pairs(sig, params.lsh)
    todo = _plausible(sig, found, plans_of, live, params)
    return _align_all(uniq, todo, params), len(found), len(todo)


def _not_boilerplate(plans_of: list[set[int]], live: list[bool], near: list[tuple[int, int, float, float]],
                     max_plans: int) -> list[bool]:
    """A clause whose near-copies reach too many plans is boilerplate too (the formula with a
    place name changed in every city)."""
    reach = [set(p) for p in plans_of]
    for u, v, _, _ in near:
        reach[u] |= plans_of[v]
        reach[v] |= plans_of[u]
    return [live[u] and len(reach[u]) <= max_plans for u in range(len(plans_of))]


# -- alignment -----------------------------------------------------------------------------------
_SHARED: list[str] = []  # the distinct clauses, inherited by forked alignment workers
PARALLEL_FROM = 20_000  # pairs to align before worker processes pay for themselves


def _align_all(uniq: list[str], todo: list[tuple[int, int]], params: ReuseParams) -> list[tuple[int, int, float, float]]:
    """Align the candidate pairs (in worker processes when there are many) and keep the accepted."""
    todo.sort(key=lambda p: p[1])  # pairs sharing a right-hand clause together: its index is built once
    workers = _workers(params, len(todo))
    if workers <= 1:
        return _align_chunk(uniq, todo, params)
    global _SHARED
    _SHARED = uniq
    try:
        size = -(-len(todo) // (workers * 4))
        chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return [m for part in pool.map(_align_shared, chunks, repeat(params)) for m in part]
    finally:
        _SHARED = []


def _workers(params: ReuseParams, n: int) -> int:
    if n < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 1  # without fork every worker would need its own copy of all clauses
    return params.workers or min(os.cpu_count() or 1, 4)


def _align_shared(chunk: list[tuple[int, int]], params: ReuseParams) -> list[tuple[int, int, float, float]]:
    return _align_chunk(_SHARED, chunk, params)


def _align_chunk(uniq: list[str], chunk: list[tuple[int, int]], params: ReuseParams
                 ) -> list[tuple[int, int, float, float]]:
    out = []
    sm = SequenceMatcher(None, "", "", autojunk=False)
    current = -1
    for u, v in chunk:
        a, b = uniq[u], uniq[v]
        shorter = min(len(a), len(b))
        if 2 * shorter / (len(a) + len(b)) < params.min_ratio and shorter < params.min_contained_chars:
            continue  # the lengths alone rule it out
        if v != current:
            sm.set_seq2(b)
            current = v
        sm.set_seq1(a)
        # The shared characters bound the alignment from above, for a twentieth of its cost.
        bound = sm.quick_ratio() * (len(a) + len(b)) / 2
        if 2 * bound / (len(a) + len(b)) < params.min_ratio and (
            bound / shorter < params.min_containment or shorter < params.min_contained_chars
        ):
            continue
        matched = sum(block.size for block in sm.get_matching_blocks())
        ratio, cont = 2 * matched / (len(a) + len(b)), matched / shorter
        if _accept(ratio, cont, shorter, params):
            out.append((u, v, ratio, cont))
    return out


def compare_pair(a: PlanText, b: PlanText, params: ReuseParams | None = None) -> PlanPairReuse:
    """Reused passages between two plans, in the order given (``a`` left, ``b`` right)."""
    report = find_reuse([a, b], params)
    for pair in report.pairs:
        if pair.a.id == a.ref.id:
            return pair
        return _swap(pair)
    chars = _plan_chars([a, b], params or ReuseParams())
    return PlanPairReuse(a.ref, b.ref, [], chars[0], chars[1])


def _distinct(clauses: list[Clause]) -> tuple[list[str], list[list[int]]]:
    index: dict[str, int] = {}
    occ: list[list[int]] = []
    for k, s in enumerate(clauses):
        u = index.setdefault(s.norm, len(index))
        if u == len(occ):
            occ.append([])
        occ[u].append(k)
    return list(index), occ


def _plausible(sig: U32, pairs: I64, plans_of: list[set[int]], live: list[bool],
               params: ReuseParams) -> list[tuple[int, int]]:
    """Candidates worth aligning: plausible Jaccard, both clauses live, and not both only ever
    in the same single plan."""
    if len(pairs) == 0:
        return []
    # The plan of a clause found in one plan only, else -1 (vectorised: there are millions of pairs).
    single = np.array([next(iter(p)) if len(p) == 1 else -1 for p in plans_of], dtype=np.int64)
    alive = np.array(live, dtype=bool)
    u, v = pairs[:, 0], pairs[:, 1]
    keep = (estimated_jaccard(sig, pairs) >= params.min_jaccard) & alive[u] & alive[v]
    keep &= (single[u] != single[v]) | (single[u] < 0)
    return [(a, b) for a, b in pairs[keep].tolist()]


def _accept(ratio: float, cont: float, shorter: int, params: ReuseParams) -> bool:
    return ratio >= params.min_ratio or (cont >= params.min_containment and shorter >= params.min_contained_chars)


def _align(a: str, b: str) -> tuple[float, float]:
    sm = SequenceMatcher(None, a, b, autojunk=False)
    matched = sum(block.size for block in sm.get_matching_blocks())
    return 2 * matched / (len(a) + len(b)), matched / min(len(a), len(b))


def _occurrence_pairs(ks: list[int], ls: list[int], clauses: list[Clause], ratio: float, cont: float
                      ) -> Iterable[tuple[int, int, float, float]]:
    for k in ks:
        for ll in ls:
            pk, pl = clauses[k].plan, clauses[ll].plan
            if pk < pl:
                yield k, ll, ratio, cont
            elif pl < pk:
                yield ll, k, ratio, cont


def _assemble(texts: Sequence[PlanText], clauses: list[Clause], matches: list[tuple[int, int, float, float]]
              ) -> list[PlanPairReuse]:
    by_pair: dict[tuple[int, int], list[tuple[int, int, float, float]]] = defaultdict(list)
    for m in matches:
        by_pair[(clauses[m[0]].plan, clauses[m[1]].plan)].append(m)
    chars = [0] * len(texts)
    for s in clauses:
        chars[s.plan] += len(s.norm)
    out = []
    for (pa, pb), ms in by_pair.items():
        chosen = _one_to_one(ms)
        passages = [_passage(texts, clauses, run) for run in _runs(clauses, chosen)]
        out.append(_oriented(PlanPairReuse(texts[pa].ref, texts[pb].ref, passages, chars[pa], chars[pb])))
    out.sort(key=lambda p: (-p.reused_chars, p.a.id, p.b.id))
    return out


def _one_to_one(ms: list[tuple[int, int, float, float]]) -> list[tuple[int, int, float, float]]:
    """Each clause matched once, best matches first."""
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for m in sorted(ms, key=lambda m: (-m[2], -m[3], m[0], m[1])):
        if m[0] not in used_a and m[1] not in used_b:
            used_a.add(m[0])
            used_b.add(m[1])
            out.append(m)
    return sorted(out)


def _runs(clauses: list[Clause], ms: list[tuple[int, int, float, float]]) -> list[list[tuple[int, int, float, float]]]:
    """Matches that follow each other on both sides (at most one unmatched clause between,
    an insertion or a deletion) in the same sections form one passage."""
    runs: list[list[tuple[int, int, float, float]]] = []
    for m in ms:
        if runs:
            last = runs[-1][-1]
            if (0 < m[0] - last[0] <= 2 and 0 < m[1] - last[1] <= 2 and clauses[m[0]].section == clauses[last[0]].section
                    and clauses[m[1]].section == clauses[last[1]].section):
                runs[-1].append(m)
                continue
        runs.append([m])
    return runs


def _passage(texts: Sequence[PlanText], clauses: list[Clause], run: list[tuple[int, int, float, float]]) -> PassagePair:
    first_a, last_a = clauses[run[0][0]], clauses[run[-1][0]]
    first_b, last_b = clauses[run[0][1]], clauses[run[-1][1]]
    a = _side(texts[first_a.plan], first_a.section, first_a.start, last_a.end)
    b = _side(texts[first_b.plan], first_b.section, first_b.start, last_b.end)
    if len(run) == 1:
        ratio, cont = run[0][2], run[0][3]
        matched = round(min(len(first_a.norm), len(first_b.norm)) * cont)
    else:  # score the passage as shown, clauses between the matches included
        na, nb = normalise(a.text), normalise(b.text)
        ratio, cont = _align(na, nb)
        matched = round(min(len(na), len(nb)) * cont)
    return PassagePair(a, b, ratio, cont, len(run), matched)


def normalise(text: str) -> str:
    """What clauses are compared as: simplified, without responsibility clauses, spaces or punctuation."""
    return _NOISE.sub("", strip_unit_clauses(to_simplified(text))).lower()


def _side(pt: PlanText, section: str, start: int, end: int) -> Side:
    return Side(pt.ref.id, section, start, end, pt.mapped.source_span(start, end), pt.text[start:end].strip())


def _oriented(pair: PlanPairReuse) -> PlanPairReuse:
    """Earlier plan on the left (the likely source), when both plans are dated."""
    ya, yb = _date(pair.a), _date(pair.b)
    return _swap(pair) if ya and yb and yb < ya else pair


def _date(ref: PlanRef) -> str | None:
    return ref.issued or (str(ref.period[0]) if ref.period else None)


def _swap(pair: PlanPairReuse) -> PlanPairReuse:
    passages = [PassagePair(p.b, p.a, p.ratio, p.containment, p.clauses, p.chars) for p in pair.passages]
    passages.sort(key=lambda p: p.a.start)
    return PlanPairReuse(pair.b, pair.a, passages, pair.chars_b, pair.chars_a)


def _plan_chars(texts: Sequence[PlanText], params: ReuseParams) -> list[int]:
    return [sum(len(s.norm) for s in split_clauses(pt, i, params.min_chars)) for i, pt in enumerate(texts)]


# -- entry points ------------------------------------------------------------------------------
def _texts(source: Store | Sequence[PlanDoc], keys: Iterable[str | int] | None) -> list[PlanText]:
    if isinstance(source, Store):
        return load_texts(source, resolve_ids(source, keys) if keys is not None else None)
    chosen = as_plans(source, keys)
    return [PlanText.of(p) for p in chosen]


def compare_reuse(
    source: Store | Sequence[PlanDoc], *, plans: Iterable[str | int] | None = None, params: ReuseParams | None = None
) -> ReuseReport:
    """Reuse between every pair of plans of the store (or of the named plans)."""
    return find_reuse(_texts(source, plans), params)


def compare_reuse_pair(
    source: Store | Sequence[PlanDoc], a: str | int, b: str | int, params: ReuseParams | None = None
) -> PlanPairReuse:
    """Reuse between plan ``a`` (left) and plan ``b`` (right)."""
    texts = {t.ref.id: t for t in _texts(source, [a, b])}
    ids = _ids(source, a), _ids(source, b)
    if ids[0] == ids[1]:
        raise ValueError("compare reuse needs two different plans")
    return compare_pair(texts[ids[0]], texts[ids[1]], params)


def _ids(source: Store | Sequence[PlanDoc], key: str | int) -> int:
    if isinstance(source, Store):
        return resolve_ids(source, [key])[0]
    return int(key)
