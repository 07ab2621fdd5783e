from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from luodi.operations import ingest, sample_paths
from luodi.store import Store

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden"


def find_shared() -> Path | None:
    for base in (REPO.parent, REPO.parent.parent):
        if (base / "shared" / "seeds").is_dir():
            return base / "shared"
    return None


SHARED = find_shared()
SAMPLES = REPO / "src" / "luodi" / "data" / "samples"


def seeds_dir() -> Path:
    """The five sample plans: ../shared/seeds beside the repo, else the bundled copies."""
    if SHARED is not None:
        return SHARED / "seeds"
    return SAMPLES


def corpus_dir() -> Path | None:
    return SHARED / "corpus" if SHARED is not None else None


_HALF = str.maketrans({"(": "（", ")": "）", ",": "，", ":": "：", ";": "；"})
# Full-width digits and Latin letters (２０２０, ＡＩ) read as their ASCII forms, as luodi cleans them.
_FULL_ALNUM = str.maketrans(
    {chr(c): chr(c - 0xFEE0) for c in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}
)


def norm(text: str | None) -> str | None:
    """Compare text the way the golden README says: no spaces, one form of bracket and comma,
    ASCII digits and letters."""
    if text is None:
        return None
    return re.sub(r"\s+", "", text).translate(_HALF).translate(_FULL_ALNUM)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "luodi.db"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The five sample plans ingested into a real SQLite file, one per test module
    (a module that needs another store defines its own ``store``)."""
    s = Store.open(tmp_path_factory.mktemp("samples") / "luodi.db")
    ingest(s, sample_paths(), workers=1)
    yield s
    s.close()


@pytest.fixture(scope="module")
def ids(store: Store) -> dict[str, int]:
    """Plan id by sample number: "001" → the Guangzhou plan (traditional script)."""
    return {Path(p.source).name[:3]: p.id for p in store.list_plans()}
