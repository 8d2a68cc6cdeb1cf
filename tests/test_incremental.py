"""Rebuilds re-read only the files that changed, and give exactly the store a full build gives."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from ipkb.build import parts, store
from ipkb.errors import InvalidKnowledgeBase
from tests.conftest import BUNDLED_KB, REPO, invoke


def canonical(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The store's content without rowids, which depend on the build history; citations name their owner."""
    con = sqlite3.connect(db)
    try:

        def rows(sql: str) -> list[tuple[Any, ...]]:
            return sorted(con.execute(sql).fetchall(), key=repr)

        relation = "source_id, type, target_id, qualifiers, confidence, note, file, line"
        fact = "entity_id, metric, value, unit, period, kind, scope, confidence, note, file, line"
        return {
            "entity": rows(
                "SELECT id, type, name, zh, pinyin, description, attributes, fields, confidence, note, "
                "file, line FROM entity"
            ),
            "name": rows("SELECT entity_id, text, folded, kind FROM name"),
            "relation": rows(f"SELECT {relation} FROM relation"),
            "fact": rows(f"SELECT {fact} FROM fact"),
            "citation": rows(
                "SELECT c.owner_kind, CASE c.owner_kind WHEN 'entity' THEN c.owner "
                "WHEN 'relation' THEN (SELECT file || ':' || line FROM relation WHERE rowid = c.owner) "
                "ELSE (SELECT file || ':' || line FROM fact WHERE rowid = c.owner) END, "
                "c.source_id, c.quote, c.via, c.ordinal FROM citation c"
            ),
            "search": rows(
                "SELECT e.id FROM entity_fts JOIN entity e ON e.rowid = entity_fts.rowid "
                'WHERE entity_fts MATCH \'"zhou" OR "ent"\''
            ),
            "syllables": rows(
                "SELECT e.id FROM entity_syllables JOIN entity e ON e.chars_rowid = entity_syllables.rowid "
                'WHERE entity_syllables MATCH \'"ke qiao" OR "shao xing" OR zhou OR qu\''
            ),
            "problem": rows("SELECT file, line, message, hint, severity FROM problem"),
            "part": rows("SELECT file, key FROM part"),
        }
    finally:
        con.close()


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files each build reads (in-process, so the reads can be counted)."""
    monkeypatch.setenv("IPKB_JOBS", "1")
    seen: list[str] = []
    real = parts.read_part

    def spy(source: parts.Source, schema: Any) -> parts.Part:
        seen.append(source.name)
        return real(source, schema)

    monkeypatch.setattr(parts, "read_part", spy)
    return seen


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def full_build(kb: Path, tmp_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    fresh = tmp_path / "full.sqlite"
    fresh.unlink(missing_ok=True)
    store.build(kb, fresh)
    return canonical(fresh)


def test_a_rebuild_reads_only_the_changed_file_and_matches_a_full_build(
    mini_kb: Path, tmp_path: Path, counted: list[str]
) -> None:
    db = tmp_path / "kb.sqlite"
    store.build(kb=mini_kb, db=db)
    assert len(counted) == 5
    counted.clear()
    edit(mini_kb / "entities" / "places.yaml", "name: Huzhou", "name: Huzhou City")
    store.build(mini_kb, db)
    assert counted == ["kb/entities/places.yaml"]
    counted.clear()
    assert canonical(db) == full_build(mini_kb, tmp_path)
    assert invoke(["--kb", str(mini_kb), "--db", str(db), "show", "huzhou"]).stdout.count("Huzhou City") >= 1


@pytest.mark.parametrize("change", ["add a file", "remove a file", "move a record", "touch only"])
def test_files_added_removed_or_reshuffled_give_the_full_build_store(
    change: str, mini_kb: Path, tmp_path: Path, counted: list[str]
) -> None:
    db = tmp_path / "kb.sqlite"
    store.build(mini_kb, db)
    counted.clear()
    relations = mini_kb / "relations" / "centers.yaml"
    if change == "add a file":
        shutil.copyfile(relations, mini_kb / "relations" / "more.yaml")
    elif change == "remove a file":
        relations.unlink()
    elif change == "move a record":
        text = relations.read_text(encoding="utf-8")
        records = text.split("\n- ")
        relations.write_text("\n- ".join(records[:1] + records[2:]), encoding="utf-8")
        (mini_kb / "relations" / "moved.yaml").write_text("- " + records[1].rstrip("\n") + "\n", encoding="utf-8")
    else:
        relations.write_bytes(relations.read_bytes())
    store.build(mini_kb, db)
    expected_reads = {"add a file": 1, "remove a file": 0, "move a record": 2, "touch only": 0}[change]
    assert len(counted) == expected_reads
    assert canonical(db) == full_build(mini_kb, tmp_path)


def test_a_broken_edit_keeps_the_last_good_store_and_the_mend_is_incremental(
    mini_kb: Path, tmp_path: Path, counted: list[str]
) -> None:
    db = tmp_path / "kb.sqlite"
    store.build(mini_kb, db)
    before = canonical(db)
    places = mini_kb / "entities" / "places.yaml"
    good = places.read_text(encoding="utf-8")
    edit(places, "type: city", "type: cty")
    with pytest.raises(InvalidKnowledgeBase) as raised:
        store.build(mini_kb, db)
    assert any(
        "unknown entity type 'cty'" in p.message and p.file.endswith("entities/places.yaml")
        for p in raised.value.problems
    )
    assert canonical(db) == before
    counted.clear()
    places.write_text(good.replace("name: Huzhou", "name: Huzhou City"), encoding="utf-8")
    store.build(mini_kb, db)
    assert counted == ["kb/entities/places.yaml"]
    assert canonical(db) == full_build(mini_kb, tmp_path) != before


def test_an_error_between_files_is_found_when_only_one_file_is_read(mini_kb: Path, tmp_path: Path) -> None:
    """KB-wide checks (here: a relation to an entity that is gone) run on every rebuild, over every file."""
    db = tmp_path / "kb.sqlite"
    store.build(mini_kb, db)
    places = mini_kb / "entities" / "places.yaml"
    text = places.read_text(encoding="utf-8")
    start = text.index("- id: keqiao")
    end = text.find("\n- id:", start + 1)
    places.write_text(text[:start] + (text[end + 1 :] if end != -1 else ""), encoding="utf-8")
    with pytest.raises(InvalidKnowledgeBase) as raised:
        store.build(mini_kb, db)
    assert any("'keqiao' does not exist" in p.message and "relations/" in p.file for p in raised.value.problems)


def test_a_schema_change_rebuilds_everything(mini_kb: Path, tmp_path: Path, counted: list[str]) -> None:
    db = tmp_path / "kb.sqlite"
    store.build(mini_kb, db)
    counted.clear()
    with (mini_kb / "schema.yaml").open("a", encoding="utf-8") as schema:
        schema.write("# a comment is still a change of the schema file\n")
    store.build(mini_kb, db)
    assert len(counted) == 5
    assert canonical(db) == full_build(mini_kb, tmp_path)


def test_a_build_by_changed_code_reads_every_file_again(
    mini_kb: Path, tmp_path: Path, counted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new validation rule (or any change to the code that makes rows and problems) must not leave the
    problems and rows the old code made of unchanged files: the next build reads them all again."""
    db = tmp_path / "kb.sqlite"
    store.build(mini_kb, db)
    counted.clear()
    monkeypatch.setattr(parts, "code_digest", lambda: "the code after an upgrade")
    edit(mini_kb / "entities" / "places.yaml", "Prefecture-level city", "A prefecture-level city")
    store.build(mini_kb, db)
    assert len(counted) == 5
    assert parts.BUILD_MODULES and all((REPO / "ipkb" / name).is_file() for name in parts.BUILD_MODULES)


def test_reading_on_several_cores_gives_the_same_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(BUNDLED_KB, kb)
    monkeypatch.setenv("IPKB_JOBS", "1")
    store.build(kb, tmp_path / "one.sqlite")
    monkeypatch.setenv("IPKB_JOBS", "2")
    store.build(kb, tmp_path / "two.sqlite")
    assert canonical(tmp_path / "one.sqlite") == canonical(tmp_path / "two.sqlite")


def test_answers_do_not_depend_on_the_build_history(mini_kb: Path, tmp_path: Path) -> None:
    """After a file is re-read its rows have new rowids; listings and exports keep the order of the YAML."""
    db = tmp_path / "kb.sqlite"
    store.build(mini_kb, db)
    edit(mini_kb / "relations" / "places.yaml", "sources:", "note: edited\n  sources:")
    store.build(mini_kb, db)
    full = tmp_path / "full.sqlite"
    store.build(mini_kb, full)
    for args in (["show", "huzhou", "--json"], ["export", "--format", "json"], ["neighbors", "huzhou", "--json"]):
        incremental = invoke(["--kb", str(mini_kb), "--db", str(db), *args])
        fresh = invoke(["--kb", str(mini_kb), "--db", str(full), *args])
        assert incremental.exit_code == 0, incremental.stderr
        assert incremental.stdout == fresh.stdout, args


def test_build_full_reads_every_file_again(mini_kb: Path, tmp_path: Path, counted: list[str]) -> None:
    """`ipkb build --full` is how a user makes a rebuild read unchanged files too (a library upgrade)."""
    db = tmp_path / "kb.sqlite"
    assert invoke(["--kb", str(mini_kb), "--db", str(db), "build"]).exit_code == 0
    counted.clear()
    assert invoke(["--kb", str(mini_kb), "--db", str(db), "build"]).exit_code == 0
    assert counted == []
    result = invoke(["--kb", str(mini_kb), "--db", str(db), "build", "--full"])
    assert result.exit_code == 0, result.stderr
    assert len(counted) == 5
