"""A rebuild in place finds exactly the problems a full build finds, keeps readers on one state of the store,
and leaves a usable store after a crash."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ipkb.build import inplace, store
from ipkb.errors import InvalidKnowledgeBase
from ipkb.model import Problem
from tests.conftest import invoke
from tests.test_incremental import canonical, edit

# Records that draw every kind of KB-wide warning: a Chinese name shared across types, a repeated relation,
# a relation dated outside an entity's lifespan, a source dated before the claim it backs, two sources of one
# address (the other in COPY, another file).
EXTRA_ENTITIES = """\
- id: keqiao-bureau
  type: center
  name: Keqiao Bureau
  zh: 柯桥区
  sources: [{source: src-article}]
- id: old-body
  type: center
  name: Old Body
  since: "2000"
  until: "2005"
  sources: [{source: src-article}]
- id: src-early
  type: source
  name: Early source
  date: 2001-05-01
  kind: article
  url: https://example.org/early
"""
COPY = """\
- id: src-early-copy
  type: source
  name: The early source again
  kind: article
  url: https://example.org/early
"""
EXTRA_RELATIONS = """\
- from: keqiao
  type: located_in
  to: shaoxing
  sources: [{source: src-article}]
- from: old-body
  type: part_of
  to: china
  since: "2010"
  sources: [{source: src-early, quote: "part of China"}]
"""


@pytest.fixture
def warned_kb(mini_kb: Path) -> Path:
    (mini_kb / "entities" / "extra.yaml").write_text(EXTRA_ENTITIES, encoding="utf-8")
    (mini_kb / "relations" / "extra.yaml").write_text(EXTRA_RELATIONS, encoding="utf-8")
    (mini_kb / "entities" / "copy.yaml").write_text(COPY, encoding="utf-8")
    return mini_kb


def problems_of(kb: Path, db: Path) -> list[Problem]:
    try:
        return store.build(kb, db)
    except InvalidKnowledgeBase as raised:
        return list(raised.problems)


def full(kb: Path, tmp_path: Path) -> tuple[list[Problem], dict[str, object]]:
    fresh = tmp_path / "full.sqlite"
    fresh.unlink(missing_ok=True)
    found = problems_of(kb, fresh)
    return found, (canonical(fresh) if fresh.exists() else {})


EDITS = [  # (file, old, new), each applied to the KB as the last left it
    ("entities/places.yaml", "zh: 柯桥区", "zh: 柯桥"),  # the shared Chinese name goes: a warning elsewhere too
    ("entities/places.yaml", "zh: 柯桥", "zh: 柯桥区"),  # and comes back
    ("entities/extra.yaml", 'until: "2005"', 'until: "2020"'),  # the relation now lies within the lifespan
    ("entities/extra.yaml", "date: 2001-05-01", "date: 2016-01-01"),  # the source is no longer too early
    ("entities/extra.yaml", "date: 2016-01-01", "date: 2001-05-01"),
    ("entities/copy.yaml", "example.org/early", "example.org/later"),  # the warning in extra.yaml goes
    ("entities/copy.yaml", "example.org/later", "example.org/early"),  # and comes back
    (
        "relations/extra.yaml",
        "- from: keqiao\n  type: located_in\n  to: shaoxing\n",
        "- from: keqiao\n  type: part_of\n  to: shaoxing\n",
    ),
    ("entities/places.yaml", "- id: shaoxing\n", "- id: shaoxing-city\n"),  # relations elsewhere now dangle
    ("entities/places.yaml", "- id: shaoxing-city\n", "- id: shaoxing\n"),
    ("relations/extra.yaml", "  to: china\n  since", "  to: keqiao\n  since"),
    (
        "relations/places.yaml",
        "- from: zhejiang\n  type: located_in\n  to: china",
        "- from: zhejiang\n  type: located_in\n  to: keqiao",
    ),
]


def test_each_edit_gives_the_problems_and_store_of_a_full_build(warned_kb: Path, tmp_path: Path) -> None:
    db = tmp_path / "kb.sqlite"
    first = store.build(warned_kb, db)
    kinds = {"same Chinese name", "repeats", "lifespan", "before the claim", "same address"}
    assert {k for k in kinds for p in first if k in p.message} == kinds  # the fixture draws every warning
    for file, old, new in EDITS:
        edit(warned_kb / file, old, new)
        inode = db.stat().st_ino
        found = problems_of(warned_kb, db)
        expected, expected_store = full(warned_kb, tmp_path)
        assert sorted(found, key=repr) == sorted(expected, key=repr), (file, old, new)
        if not any(p.severity == "error" for p in expected):
            assert canonical(db) == expected_store, (file, old, new)
            assert db.stat().st_ino == inode  # updated in place, not replaced
    assert any("cycle" in p.message for p in found)


def test_a_duplicate_id_falls_back_to_a_new_store_that_says_where(warned_kb: Path, tmp_path: Path) -> None:
    db = tmp_path / "kb.sqlite"
    store.build(warned_kb, db)
    before = canonical(db)
    edit(warned_kb / "entities" / "extra.yaml", "- id: old-body", "- id: huzhou")
    found = problems_of(warned_kb, db)
    duplicates = [p for p in found if "duplicate id 'huzhou'" in p.message]
    assert len(duplicates) == 2  # said at both places
    for duplicate in duplicates:
        other = duplicate.message.split(" at ")[1].rstrip(")").rsplit(":", 1)[0]
        assert Path(other).exists() and Path(duplicate.file).exists()  # both as the user can open them
    assert canonical(db) == before


def test_a_reader_keeps_one_state_while_a_rebuild_waits_then_builds_a_new_store(
    warned_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader in the middle of an answer holds the store; a rebuild waits for it, then makes a new store
    rather than keep the user waiting; the reader's answer is all of the old state."""
    db = tmp_path / "kb.sqlite"
    store.build(warned_kb, db)
    reader = store.open_built(warned_kb, db)
    name = reader.con.execute("SELECT name FROM entity WHERE id = 'huzhou'").fetchone()[0]
    monkeypatch.setattr(inplace, "WAIT_SECONDS", 0.2)
    edit(warned_kb / "entities" / "places.yaml", "name: Huzhou", "name: Huzhou Prefecture")
    inode = db.stat().st_ino
    store.build(warned_kb, db)
    assert db.stat().st_ino != inode  # the reader kept it busy: a new store was renamed into place
    assert reader.con.execute("SELECT name FROM entity WHERE id = 'huzhou'").fetchone()[0] == name == "Huzhou"
    reader.close()
    assert (
        store.open_built(warned_kb, db).con.execute("SELECT name FROM entity WHERE id = 'huzhou'").fetchone()[0]
        == "Huzhou Prefecture"
    )


CRASH = """\
import os, sys
from pathlib import Path
from ipkb.build import inplace, store
def crash(con):
    os._exit(9)  # killed after every row is written, before COMMIT
inplace.commit = crash
store.build(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def test_a_crash_before_commit_leaves_the_last_build_answering(warned_kb: Path, tmp_path: Path) -> None:
    db = tmp_path / "kb.sqlite"
    store.build(warned_kb, db)
    before = canonical(db)
    edit(warned_kb / "entities" / "places.yaml", "name: Huzhou", "name: Huzhou Prefecture")
    script = tmp_path / "crash.py"
    script.write_text(textwrap.dedent(CRASH), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run([sys.executable, str(script), str(warned_kb), str(db)], env=env, check=False)
    assert done.returncode == 9
    assert db.with_name(db.name + "-journal").exists()  # the crash left SQLite's journal
    result = invoke(["--kb", str(warned_kb), "--db", str(db), "show", "huzhou", "--json"])
    assert result.exit_code == 0, result.stderr
    assert '"Huzhou Prefecture"' in result.stdout
    assert not db.with_name(db.name + "-journal").exists()
    edit(warned_kb / "entities" / "places.yaml", "name: Huzhou Prefecture", "name: Huzhou")
    store.build(warned_kb, db)
    assert canonical(db) == before


def test_a_rebuild_keeps_the_pinyin_of_unchanged_chinese_names_without_loading_pypinyin(
    warned_kb: Path, tmp_path: Path
) -> None:
    """pypinyin costs 0.45 s to load and read 1,000 names; an edit that keeps the names needs none of it."""
    db = tmp_path / "kb.sqlite"
    store.build(warned_kb, db)
    edit(warned_kb / "entities" / "places.yaml", "name: Huzhou", "name: Huzhou Prefecture")
    probe = "import sys; from pathlib import Path; from ipkb.build import store; "
    probe += f"store.build(Path({str(warned_kb)!r}), Path({str(db)!r})); print('pypinyin' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
    expected = canonical(db)
    edit(warned_kb / "entities" / "places.yaml", "zh: 湖州市", "zh: 湖州")  # a changed name is read afresh
    store.build(warned_kb, db)
    _, full_store = full(warned_kb, tmp_path)
    assert canonical(db) == full_store != expected
