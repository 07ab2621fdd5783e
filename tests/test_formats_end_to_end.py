"""The same plan in every format gives the same outline and metadata: the readers hand
over one text layer and everything downstream is shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import norm
from formats import make_docx, make_html, make_pdf, seed_text, write_encoded
from luodi.parse import parse_file

SEED = "002"  # the Guangdong plan: notice, 一、/（一）/1． levels, 第一步, baselines and targets


def outline(path: Path) -> list[tuple[str | None, str | None, int]]:
    doc = parse_file(path).to_json()
    return [(norm(s["label"]), norm(s["heading"]), s["level"]) for s in doc["sections"] if s["kind"] in ("heading", "article")]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str | None, str | None, int]]]:
    path = tmp_path_factory.mktemp("ref") / "plan.txt"
    path.write_text(seed_text(SEED), "utf-8")
    return path, outline(path)


@pytest.mark.parametrize("fmt", ["gb18030", "utf-16", "docx", "pdf", "html"])
def test_every_format_gives_the_text_files_outline(fmt: str, tmp_path: Path, reference: tuple[Path, list]) -> None:
    text = seed_text(SEED)
    if fmt in ("gb18030", "utf-16"):
        path = write_encoded(text, tmp_path / "plan.txt", fmt)
    elif fmt == "docx":
        path = make_docx(text, tmp_path / "plan.docx")
    elif fmt == "pdf":
        path = make_pdf(text, tmp_path / "plan.pdf")
    else:
        path = make_html(text, tmp_path / "plan.html")
    got = outline(path)
    assert len(reference[1]) == 65  # the golden outline of seed 002 has 65 entries
    assert got == reference[1]
    doc = parse_file(path).to_json()
    assert doc["title"] == "广东省新一代人工智能发展规划"
    assert (doc["issued"], doc["region"]) == ("2018-07-23", "广东省")
    assert len([t for t in doc["targets"] if t["kind"] == "target"]) == 22


def _units(doc: dict) -> list[tuple[str, str]]:
    return sorted((s["heading"] or "", u) for s in doc["sections"] for u in s["lead_units"] + s["units"])


@pytest.mark.parametrize("seed", ["000", "001", "003", "004"])
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_every_sample_keeps_its_units_and_targets_in_docx_and_pdf(seed: str, fmt: str, tmp_path: Path) -> None:
    """A PDF wraps lines anywhere — inside a unit parenthesis, a pinyin gloss or after a
    comma — and the cleaner must still give back the text file's extraction."""
    text = seed_text(seed)
    ref = tmp_path / "plan.txt"
    ref.write_text(text, "utf-8")
    path = make_docx(text, tmp_path / "plan.docx") if fmt == "docx" else make_pdf(text, tmp_path / "plan.pdf")
    want, got = parse_file(ref).to_json(), parse_file(path).to_json()
    assert outline(path) == outline(ref)
    assert _units(got) == _units(want) and _units(want)
    assert [(t["metric"], t["value"], t["year"]) for t in got["targets"]] == [
        (t["metric"], t["value"], t["year"]) for t in want["targets"]
    ]
    assert (got["title"], got["issued"], got["region"]) == (want["title"], want["issued"], want["region"])
