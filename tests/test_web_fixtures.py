"""Shared fixtures of the web tests (imported by the other ``test_web_*`` modules).

The store is real: the five bundled sample plans parsed and saved into a SQLite file, with
users of every role.  It is built once per session and copied for each test that writes.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from luodi.document import Document
from luodi.operations import sample_paths, source_key
from luodi.parse import parse_file
from luodi.store import Store
from luodi.tracking import ensure_items
from luodi.web import accounts
from luodi.web.app import create_app

SECRET = "test-secret-" + "x" * 40
PASSWORDS = {"admin": "admin-pass-1", "viewer": "viewer-pass-1", "keji": "keji-pass-1", "gongxin": "gongxin-pass-1"}
# Unit editors: 市科技创新委 and 市工业和信息化局 own tasks and targets of the Shenzhen plans.
EDITOR_UNITS = {"keji": "市科技创新委", "gongxin": "市工业和信息化局"}


def with_records(doc: Document) -> Document:
    """Targets and milestones, when the default pipeline does not extract them yet."""
    if not doc.targets:
        from luodi.extract.targets import extract_targets

        extract_targets(doc)
    if not doc.milestones:
        from luodi.extract.milestones import extract_milestones

        extract_milestones(doc)
    return doc


def build_store(path: Path) -> Path:
    store = Store.open(path)
    try:
        for p in sample_paths():
            store.save(with_records(parse_file(p)), source_key(p))
        accounts.add_user(store, "admin", PASSWORDS["admin"], "admin", actor="test")
        accounts.add_user(store, "viewer", PASSWORDS["viewer"], "viewer", actor="test")
        for name, unit in EDITOR_UNITS.items():
            accounts.add_user(store, name, PASSWORDS[name], "editor", unit, actor="test")
        for plan_id in range(1, 6):  # items in plan order, as `luodi track` would sync them
            ensure_items(store, plan_id, "test")
    finally:
        store.close()
    return path


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("web") / "template.db")


@pytest.fixture
def web_db(template_db: Path, tmp_path: Path) -> Path:
    """A private copy of the sample store (tests may write to it)."""
    db = tmp_path / "luodi.db"
    shutil.copyfile(template_db, db)
    return db


@pytest.fixture
def client(web_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(web_db, secret=SECRET), raise_server_exceptions=False) as c:
        yield c


def login(c: TestClient, name: str) -> str:
    """Sign in through the API; returns the CSRF token for writes."""
    r = c.post("/api/session", json={"name": name, "password": PASSWORDS[name]})
    assert r.status_code == 200, r.text
    token = r.json()["csrf_token"]
    assert token
    return str(token)


# Plan 4 (深圳市…行动方案（2023—2024年）) has two tracked targets: the first is co-owned by
# 市科技创新委 and 市工业和信息化局, the second by 市财政局 and others (not 市科技创新委).
SHENZHEN_2023 = 4


def item_of(c: TestClient, plan: int, kind: str, n: int) -> int:
    """The tracking item of a plan's n-th target or milestone, found the way a reader's click finds it."""
    r = c.get("/tracking/goto", params={"plan": plan, "kind": kind, "n": n}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[1])
