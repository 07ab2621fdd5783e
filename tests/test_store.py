"""The plan store, on real SQLite files (no mocks): schema, round trip, idempotence, atomicity."""

from __future__ import annotations

import hashlib
import json
import random
import re
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from luodi.clean.mapped import MappedText
from luodi.document import Document, Metadata, Period, RawDocument, Section, Table
from luodi.errors import NotFound, StoreError
from luodi.extract.entities import extract_entities
from luodi.store import Store, codec, migrate, repository
from luodi.store.schema import SCHEMA_REVISION, metadata, plans

CHILD_TABLES = ("sections", "plan_tables", "records")
HEADINGS = [("一、", "总体要求"), ("二、", "重点任务"), ("三、", "保障措施")]
BODY = "到2025年，全市新能源汽车产量达到10万辆，建成充电桩5000个。"


# -- building documents by hand (independent of the parser) -----------------------------
def make_doc(source: str = "/plans/a.txt", body: str = BODY, *, content_hash: str | None = None) -> Document:
    """A small plan whose raw text has CRLF line ends that cleaning removed (so runs are non-trivial)."""
    lines = ["关于印发《测试市新能源汽车产业发展规划》的通知", "测发改〔2024〕12号"]
    for label, heading in HEADINGS:
        lines += [label + heading, body]
    raw = "\r\n".join(lines) + "\r\n"
    mapped = MappedText.identity(raw).sub(re.compile("\r"), "")
    text = mapped.text
    starts = [text.index(label + heading) for label, heading in HEADINGS] + [len(text)]
    sections = [
        Section(
            id=f"s{i + 1}",
            parent=None,
            label=label,
            heading=heading,
            level=1,
            start=starts[i],
            text_start=text.index("\n", starts[i]) + 1,
            text_end=starts[i + 1],
            end=starts[i + 1],
            kind="heading",
            lead_units=["市发展改革委"] if i == 1 else [],
            units=["市工业和信息化局", "市财政局"],
            # As the pipeline fills them: 市 becomes the plan's city.
            lead_units_canonical=["测试市发展和改革委员会"] if i == 1 else [],
            units_canonical=["测试市工业和信息化局", "测试市财政局"],
        )
        for i, (label, heading) in enumerate(HEADINGS)
    ]
    doc = Document(
        raw=RawDocument(
            source=source,
            format="text",
            text=raw,
            content_hash=content_hash or hashlib.sha256(raw.encode("utf-8")).hexdigest(),
            encoding="utf-8",
            size=len(raw.encode("utf-8")),
            title_hint="测试规划",
        ),
        mapped=mapped,
        meta=Metadata(
            title="测试市新能源汽车产业发展规划",
            notice_title=lines[0],
            doc_number="测发改〔2024〕12号",
            issuers=["测试市发展和改革委员会", "测试市工业和信息化局"],
            issued="2024-03-01",
            published="2024-03-05",
            region="测试市",
            province="广东省",
            level="city",
            period=Period(2024, 2025),
            doc_type="plan",
            url="https://example.gov.cn/a.html",
            index_no="000-2024-001",
            fields={"发文机关": "测试市发展和改革委员会"},
        ),
        body_start=starts[0],
        sections=sections,
        tables=[
            Table(
                title="重点项目表",
                header=["项目", "投资（亿元）"],
                rows=[["甲", "1.5"], ["乙", "2"]],
                start=starts[1],
                end=starts[2],
                section="s2",
                truncated=True,
            )
        ],
        targets=[{"metric": "新能源汽车产量", "value": 10, "unit": "万辆", "year": 2025}],
        milestones=[{"year": 2025, "text": "建成充电桩5000个"}],
        supports=[{"kind": "subsidy", "amount": None}],
        scenarios=[{"name": "车路协同"}],
        warnings=["no signature date"],
    )
    # Entity mentions as the pipeline makes them: the store derives them again on load.
    extract_entities(doc)
    return doc


def expected_json(doc: Document, plan_id: int, got: dict[str, object]) -> dict[str, object]:
    return {**doc.to_json(), "id": plan_id, "ingested_at": got["ingested_at"]}


# -- inspecting the file from outside the store ------------------------------------------
def counts(db: Path) -> dict[str, int]:
    with closing(sqlite3.connect(db)) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("plans", *CHILD_TABLES)}


def dump(db: Path) -> str:
    """Every row of the database: equal dumps mean nothing at all was written."""
    with closing(sqlite3.connect(db)) as conn:
        return "\n".join(conn.iterdump())


def orphans(db: Path) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return sum(
            conn.execute(f"SELECT count(*) FROM {t} WHERE plan_id NOT IN (SELECT id FROM plans)").fetchone()[0]
            for t in CHILD_TABLES
        )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "dir" / "luodi.db"


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    s = Store.open(db)
    yield s
    s.close()


# -- schema --------------------------------------------------------------------------------
def test_new_store_is_created_at_head_in_wal_mode(store: Store, db: Path) -> None:
    assert db.is_file()  # parent directories were created
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(SCHEMA_REVISION,)]
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_schema_revision_constant_is_the_migrations_head() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrate.MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == SCHEMA_REVISION


def test_migrations_build_exactly_the_declared_schema(store: Store) -> None:
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_reopening_is_idempotent_and_skips_alembic(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Store.open(db).close()

    def no_upgrade(*_args: object, **_kw: object) -> None:
        raise AssertionError("migrations ran on a store already at head")

    monkeypatch.setattr(migrate, "upgrade", no_upgrade)
    with Store.open(db) as again:
        assert again.list_plans() == []
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(SCHEMA_REVISION,)]


def test_default_location_comes_from_luodi_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUODI_DB", str(tmp_path / "env.db"))
    with Store.open() as s:
        s.save(make_doc())
    assert counts(tmp_path / "env.db")["plans"] == 1


def test_opening_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("这不是数据库" * 200, encoding="utf-8")
    with pytest.raises(StoreError, match="cannot open store"):
        Store.open(bogus)


# -- round trip -----------------------------------------------------------------------------
def test_saved_plan_reads_back_as_the_document_json(store: Store) -> None:
    doc = make_doc()
    result = store.save(doc, "/plans/a.txt")
    assert (result.status, result.replaced_id, result.duplicate_of) == ("added", None, None)

    got = store.get_plan(result.plan_id)
    assert got == expected_json(doc, result.plan_id, got)
    # The spans really went through the stored offset map: CRLF made raw and clean offsets differ.
    assert got["sections"][2]["span"] != [doc.sections[2].start, doc.sections[2].end]


def test_list_plans_summarises_metadata(store: Store) -> None:
    plan_id = store.save(make_doc(), "/plans/a.txt").plan_id
    [summary] = store.list_plans()
    assert summary.id == plan_id
    assert summary.title == "测试市新能源汽车产业发展规划"
    assert summary.issuers == ["测试市发展和改革委员会", "测试市工业和信息化局"]
    assert (summary.region, summary.issued, summary.doc_number) == ("测试市", "2024-03-01", "测发改〔2024〕12号")
    assert (summary.n_sections, summary.source, summary.doc_type) == (3, "/plans/a.txt", "plan")
    assert summary.period == Period(2024, 2025)


def test_load_document_rebuilds_raw_text_and_offset_map(store: Store) -> None:
    doc = make_doc()
    plan_id = store.save(doc).plan_id
    back = store.load_document(plan_id)
    assert back.raw == doc.raw
    assert back.mapped == doc.mapped
    assert (back.meta, back.body_start, back.warnings) == (doc.meta, doc.body_start, doc.warnings)
    assert (back.sections, back.tables) == (doc.sections, doc.tables)
    assert (back.targets, back.entities) == (doc.targets, doc.entities)


def test_unedited_raw_text_is_stored_once(store: Store, db: Path) -> None:
    raw = "一、总体要求\n发展新能源汽车。\n"
    doc = Document(RawDocument("/plans/b.txt", "text", raw, "b" * 64), MappedText.identity(raw))
    plan_id = store.save(doc).plan_id
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT raw_z FROM plans").fetchone() == (None,)
    assert store.load_document(plan_id).raw.text == raw


# -- idempotence and replacement ----------------------------------------------------------
def test_same_content_again_is_unchanged_and_writes_nothing(store: Store, db: Path) -> None:
    first = store.save(make_doc(), "/plans/a.txt")
    before = dump(db)

    again = store.save(make_doc(), "/plans/a.txt")
    assert (again.status, again.plan_id, again.duplicate_of) == ("unchanged", first.plan_id, None)

    copy = store.save(make_doc("/elsewhere/copy.txt"), "/elsewhere/copy.txt")
    assert (copy.status, copy.plan_id, copy.duplicate_of) == ("unchanged", first.plan_id, first.plan_id)
    assert dump(db) == before


def test_changed_file_replaces_its_old_version_in_place(store: Store, db: Path) -> None:
    old = make_doc()
    first = store.save(old, "/plans/a.txt")
    new = make_doc(body="到2030年，产量达到30万辆。")
    new.sections = new.sections[:1]
    new.tables, new.entities = [], []

    result = store.save(new, "/plans/a.txt")
    assert (result.status, result.plan_id, result.replaced_id) == ("replaced", first.plan_id, first.plan_id)
    assert counts(db) == {"plans": 1, "sections": 1, "plan_tables": 0, "records": 4}
    assert orphans(db) == 0
    assert store.plan_id_for_hash(old.raw.content_hash) is None
    got = store.get_plan("/plans/a.txt")
    assert got == expected_json(new, first.plan_id, got)


def test_force_rewrites_the_same_content_for_re_extraction(store: Store, db: Path) -> None:
    first = store.save(make_doc(), "/plans/a.txt")
    doc = store.load_document(first.plan_id)
    doc.milestones.append({"year": 2030, "text": "全面建成"})

    result = store.save(doc, force=True)
    assert (result.status, result.plan_id) == ("replaced", first.plan_id)
    assert len(store.get_plan(first.plan_id)["milestones"]) == 2
    assert counts(db)["plans"] == 1


# -- failures leave nothing half-written ----------------------------------------------------
def _bad_section_value(doc: Document) -> None:
    doc.sections[1].heading = object()  # type: ignore[assignment]  # the driver can't bind it


def _record_not_json(doc: Document) -> None:
    doc.scenarios.append({"aliases": {"甲", "乙"}})  # a set: the JSON encoder fails on the records batch


def _missing_required_column(doc: Document) -> None:
    doc.raw.format = None  # type: ignore[assignment]  # NOT NULL violation on the plan row


@pytest.mark.parametrize("breaker", [_bad_section_value, _record_not_json, _missing_required_column])
@pytest.mark.parametrize("replacing", [False, True], ids=["adding", "replacing"])
def test_failed_save_leaves_the_store_exactly_as_before(
    store: Store, db: Path, breaker: Callable[[Document], None], replacing: bool
) -> None:
    store.save(make_doc("/plans/other.txt", body="其他规划。"), "/plans/other.txt")
    if replacing:
        store.save(make_doc(), "/plans/a.txt")
    before = dump(db)

    bad = make_doc(body="修订后的规划正文。")
    breaker(bad)
    with pytest.raises(StoreError) as info:
        store.save(bad, "/plans/a.txt")

    assert dump(db) == before
    assert orphans(db) == 0
    message = str(info.value)
    assert message.startswith("/plans/a.txt: not saved: ") and "\n" not in message and "[SQL" not in message


def test_losing_a_race_to_another_writer_ends_as_unchanged(
    store: Store, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = store.save(make_doc(), "/plans/a.txt")
    before = dump(db)
    real_lookup = repository._lookup
    calls = []

    def stale_once(*args: object) -> tuple[object, object]:
        # The first lookup misses the row, as if another writer committed it just after.
        calls.append(args)
        return (None, None) if len(calls) == 1 else real_lookup(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(repository, "_lookup", stale_once)
    result = store.save(make_doc(), "/plans/a.txt")
    assert (result.status, result.plan_id, len(calls)) == ("unchanged", first.plan_id, 2)
    assert dump(db) == before


# -- finding plans -------------------------------------------------------------------------
def test_get_plan_by_id_hash_prefix_or_source(store: Store) -> None:
    doc = make_doc()
    plan_id = store.save(doc, "/plans/a.txt").plan_id
    store.save(make_doc("/plans/b.txt", body="另一份。"), "/plans/b.txt")
    for key in (plan_id, str(plan_id), doc.raw.content_hash[:6], doc.raw.content_hash.upper()[:10], "/plans/a.txt"):
        assert store.get_plan(key)["id"] == plan_id, key


def test_ambiguous_hash_prefix_is_refused(store: Store) -> None:
    store.save(make_doc("/plans/a.txt", content_hash="abcdef01" + "0" * 56))
    second = store.save(make_doc("/plans/b.txt", body="另一份。", content_hash="abcdef02" + "0" * 56))
    with pytest.raises(StoreError, match="ambiguous plan key abcdef"):
        store.get_plan("abcdef")
    assert store.get_plan("abcdef02")["id"] == second.plan_id


@pytest.mark.parametrize("key", ["nope", "abc", "999", "/plans/missing.txt"])
def test_unknown_key_is_not_found(store: Store, key: str) -> None:
    store.save(make_doc(content_hash="abc" + "1" * 61))
    with pytest.raises(NotFound) as info:
        store.get_plan(key)
    assert str(info.value) == f"plan not found: {key}"
    with pytest.raises(NotFound):
        store.load_document(key)


def test_delete_plan_removes_its_rows(store: Store, db: Path) -> None:
    keep = store.save(make_doc("/plans/keep.txt", body="保留。")).plan_id
    gone = store.save(make_doc()).plan_id
    assert store.delete_plan("/plans/a.txt") == gone
    assert [p.id for p in store.list_plans()] == [keep]
    assert counts(db) == {"plans": 1, "sections": 3, "plan_tables": 1, "records": 4}
    assert orphans(db) == 0
    with pytest.raises(NotFound):
        store.delete_plan(gone)


# -- size and concurrency -------------------------------------------------------------------
def _long_doc(i: int, rng: random.Random) -> Document:
    """~20,000 characters of Chinese in short CRLF lines, cleaned to LF (≈ one run per line)."""
    pool = "发展产业新能源汽车制造数字经济创新平台建设推进重点项目政策资金保障市区县年度目标工作任务"
    lines = ["".join(rng.choice(pool) for _ in range(rng.randint(20, 60))) + "。" for _ in range(500)]
    raw = "\r\n".join(lines)
    mapped = MappedText.identity(raw).sub(re.compile("\r"), "")
    text = mapped.text
    step = len(text) // 40
    bounds = [(k * step, (k + 1) * step) for k in range(40)]
    sections = [Section(f"s{k}", None, f"{k}.", None, 1, a, a, b, b) for k, (a, b) in enumerate(bounds)]
    raw_doc = RawDocument(f"/plans/{i}.txt", "text", raw, hashlib.sha256(raw.encode()).hexdigest())
    return Document(raw_doc, mapped, sections=sections, targets=[{"value": k} for k in range(20)])


def test_store_stays_under_three_times_the_raw_text(store: Store, db: Path) -> None:
    rng = random.Random(7)
    docs = [_long_doc(i, rng) for i in range(20)]
    for doc in docs:
        store.save(doc)
    store.close()  # checkpoints the WAL into the main file
    raw_bytes = sum(len(d.raw.text.encode("utf-8")) for d in docs)
    on_disk = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    assert on_disk <= 3 * raw_bytes, on_disk / raw_bytes
    with closing(sqlite3.connect(db)) as conn:
        compressed = conn.execute("SELECT sum(length(raw_z)) FROM plans").fetchone()[0]
    assert compressed < raw_bytes / 2


def _save_batch(db: str, sources: list[str]) -> list[str]:
    """Worker process: its own Store, saving one small plan per source."""
    with Store.open(db) as s:
        return [s.save(make_doc(src, body=f"{src}的正文。"), src).status for src in sources]


def test_concurrent_writers_queue_instead_of_failing(db: Path) -> None:
    Store.open(db).close()
    sources = [f"/plans/{i}.txt" for i in range(40)]
    # Two processes save the same 40 plans at the same time: each is stored exactly once.
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_save_batch, [str(db)] * 2, [sources, sources[::-1]]))
    statuses = results[0] + results[1]
    assert statuses.count("added") == 40 and statuses.count("unchanged") == 40
    assert counts(db)["plans"] == 40 and orphans(db) == 0


def test_migrating_an_old_store_drops_stored_entities_and_derives_them_on_load(tmp_path: Path) -> None:
    from sqlalchemy import insert as sa_insert
    from sqlalchemy import inspect as sa_inspect
    from sqlalchemy import text as sa_text

    from luodi.store.engine import make_engine

    db_file = tmp_path / "old.db"
    engine = make_engine(db_file)
    doc = make_doc(body="支持华为在测试市建设智能算力中心。")
    assert [e["name"] for e in doc.entities][:1] == ["华为"]
    with engine.begin() as conn:
        migrate.upgrade(conn, "0002")  # a store written when entity mentions were JSON records
        row = codec.plan_row(doc, "/plans/a.txt", "2026-01-01T00:00:00+00:00")
        plan_id = conn.execute(sa_insert(plans).values(row)).inserted_primary_key[0]
        conn.execute(
            sa_text("INSERT INTO records (plan_id, kind, ord, data) VALUES (:p, 'entity', 0, :d)"),
            {"p": plan_id, "d": json.dumps({"name": "旧", "type": "x", "span": [0, 1]}, ensure_ascii=False)},
        )
    with engine.connect() as conn:
        assert not sa_inspect(conn).has_table("entity_mentions")
    engine.dispose()
    with Store.open(db_file) as store:  # opening migrates to head (0003 moved them, 0004 dropped the table)
        # (only the plan row was written here, so the mentions have no sections to point at)
        derived = store.load_document(plan_id).entities
        assert [(e["name"], e["span"], e["quote"]) for e in derived] == [(e["name"], e["span"], e["quote"]) for e in doc.entities]
    with closing(sqlite3.connect(db_file)) as conn:
        assert conn.execute("SELECT count(*) FROM records WHERE kind = 'entity'").fetchone()[0] == 0
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "entity_mentions" not in tables
