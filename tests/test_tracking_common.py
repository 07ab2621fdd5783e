"""Builders shared by the tracking tests: hand-built plans, the scripted sample plan, the CLI.

Nothing is mocked: every test stores into a real SQLite file under tmp_path.  This module
holds no tests itself (pytest collects it and finds none).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

import luodi.cli.track  # noqa: F401  (registers `track` and `report` on the app)
from conftest import SAMPLES
from luodi.clean.mapped import MappedText
from luodi.cli import app
from luodi.document import Document, Metadata, Period, RawDocument, Section
from luodi.parse import parse_file
from luodi.store import Store

ACTOR = "cli:tester"
SAMPLE = "000_781214c245beb116.txt"  # 深圳市新一代人工智能发展行动计划（2019－2023年）
runner = CliRunner()


@dataclass
class Sec:
    id: str
    heading: str
    parent: str | None = None
    kind: str = "heading"
    lead: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    text: str = "推进相关工作。"


def build_doc(secs: list[Sec], *, targets: list[dict[str, Any]] | None = None,
              milestones: list[dict[str, Any]] | None = None, period: tuple[int, int] | None = (2023, 2024),
              issued: str | None = "2023-03-01", region: str = "深圳市", title: str = "测试行动计划",
              salt: str = "") -> Document:
    """A Document whose sections' offsets really point into its text."""
    text = ""
    sections = []
    for s in secs:
        start = len(text)
        text += s.heading + "\n"
        text_start = len(text)
        text += s.text + "\n"
        sections.append(Section(
            id=s.id, parent=s.parent, label=None, heading=s.heading, level=s.id.count(".") + 1, start=start,
            text_start=text_start, text_end=len(text), end=len(text), kind=s.kind, lead_units=list(s.lead),
            units=list(s.units)))
    text += salt
    raw = RawDocument(source=f"hand://{title}{salt}", format="text", text=text,
                      content_hash=hashlib.sha256(text.encode()).hexdigest(), size=len(text.encode()))
    meta = Metadata(title=title, issued=issued, region=region, province="广东省", level="city",
                    period=Period(*period) if period else None)
    return Document(raw=raw, mapped=MappedText.identity(text), meta=meta, sections=sections,
                    targets=list(targets or []), milestones=list(milestones or []))


def target(metric: str, value: float, *, unit: str = "家", qualifier: str | None = None, year: int | None = 2024,
           section: str = "preamble", value_max: float | None = None) -> dict[str, Any]:
    return {"kind": "target", "year": year, "metric": metric, "value": value, "value_max": value_max, "unit": unit,
            "qualifier": qualifier, "binding": None, "quote": f"{metric}{value}{unit}", "section": section, "span": [0, 1]}


def milestone(action: str, *, year: int | None = 2023, deadline: str | None = None, section: str = "preamble",
              quote: str | None = None) -> dict[str, Any]:
    return {"year": year, "deadline": deadline, "action": action, "quote": quote or action, "section": section,
            "span": [0, 1]}


# The sample plan's goals, as its preamble states them (到2020年… / 到2023年…).
SAMPLE_TARGETS = [
    target("人工智能核心产业规模", 100, unit="亿元", qualifier="突破", year=2020),
    target("创新载体", 10, qualifier="以上", year=2020),
    target("国际顶级人工智能团队", 3, unit="个", year=2020, value_max=5),
    target("人工智能核心产业规模", 300, unit="亿元", qualifier="突破", year=2023),
    target("相关产业规模", 6000, unit="亿元", qualifier="达到", year=2023),
]
SAMPLE_MILESTONES = [
    milestone("我市人工智能产业规模、技术创新能力和应用示范处于国内领先水平", year=2020),
    milestone("我市人工智能基础理论取得突破", year=2023),
]


def sample_plan(store: Store) -> int:
    """The Shenzhen 2019–2023 sample plan, parsed for real, with its goals set by hand (so the
    figures do not depend on the state of target extraction)."""
    doc = parse_file(SAMPLES / SAMPLE)
    doc.targets = [dict(t) for t in SAMPLE_TARGETS]
    doc.milestones = [dict(m) for m in SAMPLE_MILESTONES]
    return store.save(doc).plan_id


def cli(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr
