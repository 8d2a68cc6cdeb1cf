"""The compiled store: rebuilt exactly when the YAML changes, never corrupt, never inside the KB folder."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ipkb.build.store import build, ensure_built, is_fresh, stat_signature
from ipkb.paths import default_db, yaml_files
from ipkb.read.query import Store


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def test_built_database_is_plain_sqlite_with_trigram_search(mini_kb: Path, tmp_path: Path) -> None:
    db = tmp_path / "kb.sqlite"
    build(mini_kb, db)
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM entity").fetchone()[0] == 12
    hits = con.execute("SELECT rowid FROM entity_fts WHERE entity_fts MATCH '海外知识'").fetchall()
    assert len(hits) == 1


def test_the_store_version_changes_with_the_declared_tables() -> None:
    """A changed table or column (name, type, key, index) changes STORE_VERSION, or this test fails."""
    from sqlmodel import SQLModel

    from ipkb.build import store, tables

    assert tables.digest() == store.TABLES_DIGEST, f"copy TABLES_DIGEST = {tables.digest()!r} into ipkb/build/store.py"
    assert f"{store.STORE_EPOCH}.{tables.digest()}" == store.STORE_VERSION
    entity = SQLModel.metadata.tables["entity"]
    column = entity.columns["note"]
    before = tables.digest()
    try:  # what a forgotten bump looks like: a column renamed, then its type changed
        column.name = "remark"
        assert tables.digest() != before
        column.name = "note"
        column.nullable = False
        assert tables.digest() != before
    finally:
        column.name, column.nullable = "note", True
    assert tables.digest() == before


def test_rows_are_built_by_the_declared_column_names(mini_kb: Path) -> None:
    """Each row a part makes has exactly its table's columns, less those only the writer knows."""
    from ipkb.build.parts import Source, read_part
    from ipkb.build.schema import load_schema
    from ipkb.build.tables import columns

    problems: list = []
    schema = load_schema(mini_kb / "schema.yaml", "schema.yaml", problems)
    made = {"entity": [], "relation": [], "fact": [], "citation": [], "name": []}
    for folder in ("entities", "relations", "facts"):
        for path in sorted((mini_kb / folder).glob("*.yaml")):
            rows = read_part(Source(path, path.name, folder, ""), schema).rows
            assert rows is not None
            made["entity"] += rows.entities
            made["relation"] += rows.relations
            made["fact"] += rows.facts
            made["citation"] += rows.citations
            made["name"] += [name for names in rows.names for name in names]
    writer_adds = {"entity": {"rowid", "file", "chars_rowid"}, "relation": {"rowid", "file"}, "fact": {"rowid", "file"}}
    writer_adds |= {"citation": {"rowid"}, "name": {"rowid", "entity_id"}}
    for table, rows in made.items():
        assert rows, table
        assert all(set(row) == set(columns(table)) - writer_adds[table] for row in rows), table


# A plain text column added as docs/architecture.md says ("A store column"): an attribute of EntityRecord and its
# name in ENTITY_TEXTS (model.py), and its column (tables.py). Done here in a fresh interpreter, before the build
# modules are imported, so that no other file is edited and no other test sees the column.
NEW_COLUMN = """
import dataclasses, sqlite3, sys
from pathlib import Path
import ipkb.model as model

@dataclasses.dataclass(frozen=True)
class WithWebsite(model.EntityRecord):
    website: str | None = None

model.EntityRecord, model.ENTITY_TEXTS = WithWebsite, (*model.ENTITY_TEXTS, "website")
from sqlalchemy import Column, String
from ipkb.build import tables
tables.EntityRow.__table__.append_column(Column("website", String, nullable=True))
from ipkb.build.store import build
from ipkb.build.validate import validate_folder

kb, db, lake = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[1]) / "entities" / "lake.yaml"
record = "- id: lake-town\\n  type: county\\n  name: Lake Town\\n  sources: [{source: src-article}]\\n"
lake.write_text(record + "  website: https://lake.example\\n", encoding="utf-8")
build(kb, db)
print(sqlite3.connect(db).execute("SELECT website FROM entity WHERE id = 'lake-town'").fetchone()[0])
lake.write_text(record + "  website: [x]\\n", encoding="utf-8")
for problem in validate_folder(kb, kb)[2]:
    print(f"{problem.file}:{problem.line}: {problem.message}")
"""


def test_a_plain_text_column_needs_only_its_attribute_and_its_column(mini_kb: Path, tmp_path: Path) -> None:
    """The key is read and checked as text at its line, and its value stored in the column of its name."""
    db = tmp_path / "kb.sqlite"
    done = subprocess.run(
        [sys.executable, "-c", NEW_COLUMN, str(mini_kb), str(db)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    stored, *problems = done.stdout.splitlines()
    assert stored == "https://lake.example"
    assert problems == ["entities/lake.yaml:5: 'website' must be text, not Sequence"], problems


def test_the_files_seen_are_every_yaml_file_in_the_record_folders_in_path_order(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    for name in ("entities/b.yaml", "entities/a/z.yaml", "entities/a-b.yaml", "relations/r.yaml", "facts/f.yaml"):
        (kb / name).parent.mkdir(parents=True, exist_ok=True)
        (kb / name).write_text("[]\n")
    (kb / "schema.yaml").write_text("{}\n")
    (kb / "entities" / "notes.txt").write_text("not a record file\n")
    (kb / "relations" / "loop").symlink_to(kb / "relations")  # a link back up must not loop forever
    files = yaml_files(kb)
    assert files[0] == kb / "schema.yaml"
    assert [p.relative_to(kb).as_posix() for p in files[1:]] == [
        "entities/a/z.yaml",
        "entities/a-b.yaml",
        "entities/b.yaml",
        "relations/r.yaml",
        "facts/f.yaml",
    ]
    before = stat_signature(kb)
    (kb / "entities" / "a" / "z.yaml").write_text("[] # edited\n")
    assert stat_signature(kb) != before


def test_the_planner_reads_relations_by_entity_not_by_type(mini_kb: Path, tmp_path: Path) -> None:
    """A walk over one relation type must use the index on its entity column, whatever the KB's size."""
    db = tmp_path / "kb.sqlite"
    build(mini_kb, db)
    con = sqlite3.connect(db)
    for column in ("source_id", "target_id"):
        plan = con.execute(
            f"EXPLAIN QUERY PLAN SELECT * FROM relation WHERE {column} IN (?, ?) AND type IN (?)", ("a", "b", "c")
        ).fetchall()
        assert f"ix_relation_{column}" in plan[0][-1], plan
    for parents in (False, True):  # saying where each lies directly reads the same index
        plan = con.execute(
            "EXPLAIN QUERY PLAN " + Store.located_within_sql(1, parents), ("x", "located_in", "located_in")
        ).fetchall()
        assert all("COVERING INDEX ix_relation_target_id" in step[-1] for step in plan if "SEARCH" in step[-1]), plan
        # with the schema's hosted_at, the steps from a place to what it hosts search an index too (and read the
        # hosting's row for whether it is only planned)
        planned = ('$."status"', "planned")
        params = ("x", "located_in", "x", "hosts", *planned, "located_in", "hosts", *planned)
        plan = con.execute("EXPLAIN QUERY PLAN " + Store.located_within_sql(1, parents, 1), params).fetchall()
        searches = [step[-1] for step in plan if "SEARCH" in step[-1]]
        assert sum("INDEX ix_relation_source_id_type_target_id" in s for s in searches) == 2, plan
        assert not any("SCAN relation" in s[-1] for s in plan), plan


def test_every_kind_of_edit_is_seen_by_the_next_command(run, mini_kb: Path) -> None:
    assert run("show", "huzhou").exit_code == 0
    places = mini_kb / "entities" / "places.yaml"
    places.write_text(places.read_text().replace("name: Huzhou\n", "name: Huzhou Renamed\n"))
    assert json.loads(run("show", "huzhou", "--json").stdout)["name"] == "Huzhou Renamed"
    extra = mini_kb / "entities" / "extra.yaml"
    extra.write_text("- id: deqing\n  type: county\n  name: Deqing County\n  sources: [{source: src-article}]\n")
    assert run("show", "deqing").exit_code == 0
    extra.rename(mini_kb / "entities" / "renamed.yaml")
    assert run("show", "deqing").exit_code == 0
    (mini_kb / "entities" / "renamed.yaml").unlink()
    assert run("show", "deqing").exit_code == 1


def test_no_rebuild_when_nothing_changed(mini_kb: Path, tmp_path: Path) -> None:
    db = tmp_path / "kb.sqlite"
    ensure_built(mini_kb, db)
    first = db.stat().st_mtime_ns
    time.sleep(0.01)
    ensure_built(mini_kb, db)
    assert db.stat().st_mtime_ns == first
    os.utime(mini_kb / "entities" / "places.yaml")  # touched, same content: still fresh
    assert is_fresh(mini_kb, db)


def test_a_touched_file_is_hashed_once_not_on_every_query(
    mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "kb.sqlite"
    ensure_built(mini_kb, db)
    os.utime(mini_kb / "entities" / "places.yaml", ns=(1, 1))
    assert is_fresh(mini_kb, db)  # hashes the KB once and finds it unchanged

    def no_hashing(kb: Path, known: object = None) -> str:
        raise AssertionError("the KB was hashed again")

    monkeypatch.setattr("ipkb.build.store.fingerprint", no_hashing)
    assert is_fresh(mini_kb, db)
    (mini_kb / "entities" / "places.yaml").write_text("[]\n")  # a real edit is still seen
    monkeypatch.undo()
    assert not is_fresh(mini_kb, db)


def test_a_rebuild_reads_only_the_files_whose_size_or_mtime_changed(
    mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One edited file in a large KB: the staleness check and the rebuild read that file (and the schema),
    not every file again; its new content is what the store then answers with."""
    db = tmp_path / "kb.sqlite"
    hour_ago = time.time_ns() - 3600 * 10**9
    files = sorted(mini_kb.rglob("*.yaml"))
    for path in files:
        os.utime(path, ns=(hour_ago, hour_ago))  # written well before the build: their stat can be trusted
    ensure_built(mini_kb, db)
    edited = mini_kb / "entities" / "places.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Huzhou", "Huzhou Prefecture", 1), encoding="utf-8")
    read: list[Path] = []
    real_read_bytes = Path.read_bytes

    def recording(path: Path) -> bytes:
        read.append(path)
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", recording)
    assert not is_fresh(mini_kb, db)
    ensure_built(mini_kb, db)
    assert set(read) == {edited, mini_kb / "schema.yaml"}, sorted(map(str, read))
    monkeypatch.undo()
    assert "Huzhou Prefecture" in {row["name"] for row in Store(db).rows("SELECT name FROM entity")}
    (mini_kb / "relations" / "places.yaml").touch()  # a new mtime, the same bytes: read once, then trusted
    assert is_fresh(mini_kb, db)


@pytest.mark.parametrize("damage", ["zero-bytes", "truncated", "garbage"])
def test_a_damaged_cache_is_rebuilt(run, mini_kb: Path, damage: str) -> None:
    assert run("build").exit_code == 0
    db = Path(default_db(mini_kb.resolve()))
    data = db.read_bytes()
    db.write_bytes({"zero-bytes": b"", "truncated": data[: len(data) // 3], "garbage": b"x" * 5000}[damage])
    result = run("show", "huzhou", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["id"] == "huzhou"


def test_a_build_killed_part_way_leaves_the_previous_database(mini_kb: Path, tmp_path: Path) -> None:
    db = tmp_path / "kb.sqlite"
    build(mini_kb, db)
    before = db.read_bytes()
    places = mini_kb / "entities" / "places.yaml"
    places.write_text(
        places.read_text()
        + "".join(
            f"- id: place-{i}\n  type: county\n  name: Place {i}\n  sources: [{{source: src-article}}]\n"
            for i in range(20000)
        )
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from pathlib import Path; from ipkb.build.store import build; "
            f"build(Path({str(mini_kb)!r}), Path({str(db)!r}))",
        ]
    )
    time.sleep(1.0)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert db.read_bytes() == before
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_eight_processes_on_a_stale_cache_all_answer(mini_kb: Path, tmp_path: Path) -> None:
    env = {**os.environ, "IPKB_KB": str(mini_kb), "IPKB_DB": str(tmp_path / "shared.sqlite")}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "ipkb", "show", "keqiao", "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert all(p.returncode == 0 for p in processes), [o[1] for o in outputs]
    assert all(json.loads(out)["id"] == "keqiao" for out, _ in outputs)
    con = sqlite3.connect(tmp_path / "shared.sqlite")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_read_only_kb_works_and_is_never_written(run, mini_kb: Path) -> None:
    before = snapshot(mini_kb)
    for path in [mini_kb, *mini_kb.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        for args in (["build"], ["show", "huzhou"], ["validate"], ["stats"], ["search", "柯桥"]):
            assert run(*args).exit_code == 0, args
    finally:
        for path in [mini_kb, *mini_kb.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    assert snapshot(mini_kb) == before


def test_an_unwritable_database_place_is_a_clear_error(run, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run("--db", str(blocker / "kb.sqlite"), "show", "huzhou")
    assert result.exit_code == 1 and "cannot write the database" in result.stderr


def test_the_writer_inserts_the_declared_columns_without_importing_sqlmodel(mini_kb: Path, tmp_path: Path) -> None:
    """The writer reads the columns from the store (a rebuild must not pay sqlmodel's import); they are the
    declared ones, in the declared order."""
    from ipkb.build.tables import columns
    from ipkb.build.writer import insert_sql

    db = tmp_path / "db.sqlite"
    build(mini_kb, db)
    con = sqlite3.connect(db)
    try:
        for table in ("entity", "name", "relation", "fact", "citation", "part", "problem", "meta"):
            listed = insert_sql(con, table).split("(", 1)[1].split(")", 1)[0].split(", ")
            assert listed == list(columns(table)), table
    finally:
        con.close()
    code = (
        "import sys; from pathlib import Path; from ipkb.build.store import build; "
        f"build(Path({str(mini_kb)!r}), Path({str(db)!r})); print('sqlmodel' in sys.modules)"
    )
    (mini_kb / "entities" / "places.yaml").write_text(
        (mini_kb / "entities" / "places.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"  # a rebuild: the store is updated, sqlmodel never imported


def test_a_files_summary_keeps_one_object_for_equal_strings(mini_kb: Path) -> None:
    """The build holds every file's summary until the KB-wide checks have run; equal ids, types and
    qualifiers in one file share one string (15 % less peak memory for a 100k build)."""
    from ipkb.build.parts import Source, read_part
    from ipkb.build.schema import load_schema

    path = mini_kb / "relations" / "places.yaml"
    part = read_part(Source(path, path.name, "relations", ""), load_schema(mini_kb / "schema.yaml", "", []))
    relations = part.summary[1]
    same_type = [r for r in relations if r[1] == relations[0][1]]
    assert len(same_type) > 1 and all(r[1] is same_type[0][1] for r in same_type)
