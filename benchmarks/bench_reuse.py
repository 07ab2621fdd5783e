"""Reuse benchmark: text-reuse detection across a store of N synthetic plans.

The plans are built from the sample plans' own words: most clauses are new sentences drawn
from a word-level Markov chain over the samples (so they read like policy text without
repeating it), some are copied — verbatim or with a few characters changed — from a "parent"
plan (a province's plan, a predecessor), and a few formulas appear in many plans.  The plans
are ingested into a fresh store (not timed), then ``compare_reuse`` runs over the whole store
(timed: loading the texts, MinHash + LSH, alignment, passages).  Prints the time, the plan
pairs and passages found, and the recall of the planted parent → child links.

Goal on a 2-core machine: 1,000 plans in < 60 s.

    python benchmarks/bench_reuse.py [--plans 1000] [--workers 2] [--keep DIR [--reuse-store]]
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import resource
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import jieba

from luodi.analysis import ReuseParams, compare_reuse
from luodi.operations import ingest, sample_paths
from luodi.parse import parse_file
from luodi.store import Store
from luodi.text import to_simplified

CITIES = ["杭州", "南京", "武汉", "西安", "苏州", "合肥", "长沙", "郑州", "济南", "青岛", "厦门", "宁波", "无锡", "福州",
          "昆明", "南昌", "贵阳", "南宁", "太原", "石家庄", "沈阳", "大连", "长春", "哈尔滨", "天津", "重庆", "佛山", "东莞"]
FORMULAS = [  # appear in many plans: boilerplate, not reuse
    "以习近平新时代中国特色社会主义思想为指导，",
    "全面贯彻党的二十大精神，",
    "各有关单位要高度重视，认真组织实施。",
]
_CLAUSE = re.compile(r"[^，。；\n]{8,}[，。；]")
_NUMERALS = "一二三四五六七八九十"


def sample_clauses() -> list[str]:
    out = []
    for path in sample_paths():
        doc = parse_file(path)
        for sec in doc.sections:
            out.extend(m.group(0) for m in _CLAUSE.finditer(to_simplified(doc.section_text(sec))))
    return [c for c in out if "单位" not in c]


class Chain:
    """A word-bigram Markov chain over the sample clauses: new clauses in the samples' idiom.

    Five plans are a small vocabulary: followed strictly, the chain would replay long
    stretches of the samples and every plan would "reuse" every other.  A third of the steps
    jump to any word instead, so new clauses share words and short phrases with each other,
    as real plans do, but rarely whole clauses."""

    JUMP = 0.35

    def __init__(self, clauses: list[str], rng: random.Random) -> None:
        self.rng = rng
        self.next: dict[str, list[str]] = defaultdict(list)
        self.starts: list[str] = []
        self.words: list[str] = []
        for c in clauses:
            words = [w for w in jieba.lcut(c[:-1]) if w.strip()]
            if len(words) < 3:
                continue
            self.starts.append(words[0])
            self.words.extend(words)
            for a, b in itertools.pairwise(words):
                self.next[a].append(b)

    def clause(self) -> str:
        word = self.rng.choice(self.starts)
        words = [word]
        target = self.rng.randint(6, 14)
        while len(words) < target:
            follow = self.next.get(word)
            word = self.rng.choice(follow) if follow and self.rng.random() > self.JUMP else self.rng.choice(self.words)
            words.append(word)
        return "".join(words) + self.rng.choice("，，，。；")


def edit(clause: str, rng: random.Random, pool: str) -> str:
    """A light edit: one to three characters changed (a place, a number, a word)."""
    chars = list(clause)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(max(1, len(chars) - 1))
        chars[i] = rng.choice(pool)
    return "".join(chars)


def build_plans(n: int, seed: int = 7) -> tuple[list[str], dict[int, int]]:
    """Texts of ``n`` plans and the planted links child → parent (indices)."""
    rng = random.Random(seed)
    clauses = sample_clauses()
    chain = Chain(clauses, rng)
    pool = "".join(sorted(set("".join(clauses))))
    bodies: list[list[list[str]]] = []  # plan → sections → clauses
    parents: dict[int, int] = {}
    for i in range(n):
        parent = rng.randrange(i) if i and rng.random() < 0.6 else None
        sections = []
        for _ in range(rng.randint(25, 40)):
            sec = []
            for _ in range(rng.randint(10, 22)):
                if parent is not None and rng.random() < 0.15:
                    source = rng.choice(rng.choice(bodies[parent]))
                    sec.append(source if rng.random() < 0.5 else edit(source, rng, pool))
                elif rng.random() < 0.01:
                    sec.append(rng.choice(FORMULAS))
                else:
                    sec.append(chain.clause())
            sections.append(sec)
        bodies.append(sections)
        if parent is not None:
            parents[i] = parent
    texts = [render(i, body, rng) for i, body in enumerate(bodies)]
    return texts, parents


def render(i: int, body: list[list[str]], rng: random.Random) -> str:
    city = CITIES[i % len(CITIES)]
    year = 2017 + i % 8
    lines = [f"{city}市人工智能产业发展行动计划（{year}—{year + 2}年）（第{i}号）", "",
             f"为加快{city}市人工智能产业发展，制定本行动计划。"]
    for k, sec in enumerate(body):
        if k % 5 == 0:
            lines.append(f"{_NUMERALS[(k // 5) % 10]}、重点任务{k // 5 + 1}")
        text = "".join(sec).rstrip("，；") + "。"
        lines.append(f"（{_NUMERALS[k % 10]}）任务{k + 1}。{text}（责任单位：市工业和信息化局）")
    lines.append(f"\n{city}市人民政府\n{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日")
    return "\n".join(lines) + "\n"


def build_store(work: Path, texts: list[str], workers: int) -> None:
    corpus, db = work / "corpus", work / "bench.db"
    shutil.rmtree(corpus, ignore_errors=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    corpus.mkdir(parents=True)
    for i, text in enumerate(texts):
        (corpus / f"plan_{i:05d}.txt").write_text(text, encoding="utf-8")
    with Store.open(db) as store:
        ingest(store, sorted(corpus.glob("*.txt")), workers=workers)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the alignment workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="parser processes for building the store")
    parser.add_argument("--keep", type=Path, help="build the corpus and store here and keep them")
    parser.add_argument("--reuse-store", action="store_true", help="with --keep: time the store built before")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="luodi-reuse-"))
    db = work / "bench.db"
    start = time.perf_counter()
    texts, parents = build_plans(args.plans)
    if not (args.keep and args.reuse_store and db.exists()):
        build_store(work, texts, args.workers)
    store = Store.open(db)
    plan_of = {Path(p.source).name: p.id for p in store.list_plans()}
    print(f"{len(plan_of)} plans ({sum(len(t) for t in texts) / 1e6:.1f} M characters, "
          f"{len(parents)} planted parent links) ready in {time.perf_counter() - start:.1f} s")

    cpu = cpu_seconds()
    start = time.perf_counter()
    report = compare_reuse(store, params=ReuseParams(workers=args.workers))
    elapsed = time.perf_counter() - start
    cpu = cpu_seconds() - cpu
    store.close()

    found = {(p.a.id, p.b.id) for p in report.pairs} | {(p.b.id, p.a.id) for p in report.pairs}
    planted = [(plan_of[f"plan_{c:05d}.txt"], plan_of[f"plan_{p:05d}.txt"]) for c, p in parents.items()]
    recall = sum(link in found for link in planted) / len(planted) if planted else 1.0
    passages = sum(len(p.passages) for p in report.pairs)
    print(f"reuse across {len(report.plans)} plans: {elapsed:.1f} s wall, {cpu:.1f} s CPU "
          f"({report.clauses:,} clauses, {report.candidates:,} LSH candidates, {report.aligned:,} aligned)")
    print(f"found {len(report.pairs):,} plan pairs, {passages:,} passages; "
          f"planted parent links recovered: {recall:.1%}; peak RSS {peak_rss_mb():.0f} MB")
    print("goal: < 60 s for 1,000 plans on 2 cores —", "met" if elapsed < 60 * len(report.plans) / 1000 else "NOT met")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
