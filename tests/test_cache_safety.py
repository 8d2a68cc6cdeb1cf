"""The compiled cache never destroys a user's file and never answers from stale or damaged data.

Real files, real SQLite, the real CLI (CliRunner, and subprocesses where a process must really die or
race). docs/reliability.md ("The compiled cache") lists which test holds which guarantee.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ipkb.build.dbfile import APPLICATION_ID, TEMP_MARK
from ipkb.build.store import build, is_fresh, stat_signature
from ipkb.paths import default_db
from tests.conftest import invoke


def ipkb(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipkb", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def huzhou_name(run, *args: str) -> str:  # type: ignore[no-untyped-def]
    result = run(*args, "show", "huzhou", "--json")
    assert result.exit_code == 0, result.stderr
    return str(json.loads(result.stdout)["name"])


def rename_huzhou(kb: Path, name: str) -> None:
    places = kb / "entities" / "places.yaml"
    text = places.read_text()
    start = text.index("  name: Huzhou") + len("  name: ")
    end = text.index("\n", start)
    places.write_text(text[:start] + name + text[end:])


def refused(result, path: Path) -> bool:  # type: ignore[no-untyped-def]
    return result.exit_code == 2 and str(path) in result.stderr and "Traceback" not in result.stderr


# -- 1. ipkb replaces only files it created -----------------------------------------------------------------
@pytest.mark.parametrize("how", ["option", "env"])
def test_a_users_text_file_given_as_db_is_refused_and_kept(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes, not a cache\n")
    if how == "env":
        monkeypatch.setenv("IPKB_DB", str(notes))
        result = run("show", "huzhou")
    else:
        result = run("--db", str(notes), "show", "huzhou")
    assert refused(result, notes), result.stderr
    assert "not a database ipkb created" in result.stderr
    assert notes.read_text() == "my notes, not a cache\n"


@pytest.mark.parametrize("meta_table", [False, True])
def test_another_programs_sqlite_database_keeps_its_tables(run, tmp_path: Path, meta_table: bool) -> None:
    other = tmp_path / "app.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE users (name TEXT)")
    con.execute("INSERT INTO users VALUES ('alice')")
    if meta_table:  # a table named meta is common; it is not what makes a store ipkb's
        con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        con.execute("INSERT INTO meta VALUES ('store_version', '6')")
    con.commit()
    con.close()
    before = other.read_bytes()
    result = run("--db", str(other), "build")
    assert refused(result, other), result.stderr
    assert other.read_bytes() == before
    assert sqlite3.connect(other).execute("SELECT name FROM users").fetchall() == [("alice",)]


def test_a_symlink_to_a_users_file_is_refused_and_both_are_kept(run, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("precious\n")
    link = tmp_path / "cache.sqlite"
    link.symlink_to(notes)
    result = run("--db", str(link), "show", "huzhou")
    assert refused(result, notes), result.stderr
    assert link.is_symlink() and notes.read_text() == "precious\n"


def test_a_symlink_to_an_ipkb_database_writes_the_target_and_keeps_the_link(run, mini_kb: Path, tmp_path: Path) -> None:
    target = tmp_path / "real" / "kb.sqlite"
    target.parent.mkdir()
    assert run("--db", str(target), "build").exit_code == 0
    link = tmp_path / "link.sqlite"
    link.symlink_to(target)
    rename_huzhou(mini_kb, "Huzhou Via Link")
    assert huzhou_name(run, "--db", str(link)) == "Huzhou Via Link"
    assert link.is_symlink() and link.resolve() == target
    assert sqlite3.connect(target).execute("SELECT name FROM entity WHERE id = 'huzhou'").fetchone()[0] == (
        "Huzhou Via Link"
    )
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("inside", ["entities/places.yaml", "cache.sqlite", "link-into-kb"])
def test_a_db_inside_the_kb_folder_is_refused(run, mini_kb: Path, tmp_path: Path, inside: str) -> None:
    before = {p: p.read_bytes() for p in mini_kb.rglob("*") if p.is_file()}
    if inside == "link-into-kb":  # a link outside the KB that points into it
        db = tmp_path / "outside.sqlite"
        db.symlink_to(mini_kb / "entities" / "places.yaml")
    else:
        db = mini_kb / inside
    result = run("--db", str(db), "show", "huzhou")
    assert result.exit_code == 2 and "inside the knowledge base folder" in result.stderr, result.stderr
    assert {p: p.read_bytes() for p in mini_kb.rglob("*") if p.is_file()} == before


def test_a_cache_folder_inside_the_kb_is_refused(run, mini_kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(mini_kb / "facts"))
    result = run("show", "huzhou")
    assert result.exit_code == 2 and "inside the knowledge base folder" in result.stderr
    assert not (mini_kb / "facts" / "ipkb").exists()


def test_a_folder_or_a_fifo_as_db_is_a_usage_error(run, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "keep.txt").write_text("x")
    result = run("--db", str(folder), "show", "huzhou")
    assert refused(result, folder) and "is a folder" in result.stderr, result.stderr
    assert (folder / "keep.txt").read_text() == "x"
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert refused(run("--db", str(fifo), "build"), fifo)


def test_a_subprocess_refuses_a_users_file_without_a_traceback(mini_kb: Path, tmp_path: Path) -> None:
    notes = tmp_path / "todo.txt"
    notes.write_text("buy milk\n")
    result = ipkb("show", "huzhou", "--json", env={"IPKB_KB": str(mini_kb), "IPKB_DB": str(notes)})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stdout == "" and json.loads(result.stderr)["ok"] is False and str(notes) in result.stderr
    assert notes.read_text() == "buy milk\n"


def test_a_database_ipkb_builds_is_marked_as_ipkb_s(mini_kb: Path, tmp_path: Path) -> None:
    db = tmp_path / "kb.sqlite"
    build(mini_kb, db)
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    assert meta["made_by"] == "ipkb" and meta["kb_path"] == str(mini_kb)


def strip_mark(db: Path, extra_table: bool = False) -> None:
    """Make `db` look like a store built before databases were marked (and maybe shared with a program)."""
    con = sqlite3.connect(db)
    con.execute("PRAGMA application_id = 0")
    if extra_table:
        con.execute("CREATE TABLE notes (text TEXT)")
    con.commit()
    con.close()


def test_an_old_unmarked_store_in_the_default_cache_is_replaced(run, mini_kb: Path) -> None:
    assert run("build").exit_code == 0
    db = Path(default_db(mini_kb.resolve()))
    strip_mark(db, extra_table=True)
    rename_huzhou(mini_kb, "Huzhou Upgraded")
    assert huzhou_name(run) == "Huzhou Upgraded"
    assert sqlite3.connect(db).execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_a_new_store_is_on_disk_before_it_is_renamed_into_place(
    mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store is written unsynced for speed; it must reach the disk before the rename makes it the store (a
    power cut could leave a damaged one), and the rename too. The first edit at 1M paid 10-20 s for it."""
    import ipkb.build.dbfile as dbfile

    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: events.append(os.readlink(f"/proc/self/fd/{fd}")) or real_fsync(fd))
    monkeypatch.setattr(dbfile.os, "replace", lambda a, b: events.append(f"rename {a}") or real_replace(a, b))
    db = tmp_path / "kb.sqlite"
    build(mini_kb, db)
    renamed = next(i for i, e in enumerate(events) if e.startswith("rename "))
    temp = events[renamed].removeprefix("rename ")
    assert temp in events[:renamed]  # the file itself, before
    assert str(tmp_path) in events[renamed + 1 :]  # its folder, after


def test_the_cache_folder_loses_stores_whose_kb_folder_is_gone_and_nothing_else(
    run, mini_kb: Path, tmp_path: Path, isolated_cache: Path
) -> None:
    """A store of a deleted KB folder is removed when another KB is built into the cache; the stores of live
    KB folders, recent stores, links, other programs' files and any other store folder stay."""
    import shutil

    def store_of(name: str) -> Path:
        kb = tmp_path / name
        shutil.copytree(mini_kb, kb)
        assert run("build", kb=kb).exit_code == 0
        return Path(default_db(kb.resolve()))

    gone, recent, alive = store_of("gone"), store_of("recent"), store_of("alive")
    shutil.rmtree(tmp_path / "gone")
    shutil.rmtree(tmp_path / "recent")
    month_ago = time.time() - 30 * 24 * 3600
    for path in (gone, alive):
        os.utime(path, (month_ago, month_ago))
    folder = gone.parent
    (folder / "notes.sqlite").write_text("a user's file, not a store")
    (folder / "link.sqlite").symlink_to(gone.with_name("elsewhere.sqlite"))
    shutil.copyfile(gone, tmp_path / "kept.sqlite")  # a store outside the cache folder: never looked at
    os.utime(tmp_path / "kept.sqlite", (month_ago, month_ago))

    assert run("--db", str(tmp_path / "own.sqlite"), "build").exit_code == 0  # not into the cache: no pruning
    assert gone.exists()
    assert run("build").exit_code == 0  # the mini KB, into the cache folder
    assert not gone.exists()
    assert recent.exists() and alive.exists() and (folder / "notes.sqlite").exists()
    assert (folder / "link.sqlite").is_symlink() and (tmp_path / "kept.sqlite").exists()
    assert huzhou_name(run, "--kb", str(tmp_path / "alive")) == "Huzhou"


def test_an_old_store_elsewhere_is_replaced_only_if_it_holds_nothing_but_ipkb_s_tables(
    run, mini_kb: Path, tmp_path: Path
) -> None:
    clean, shared = tmp_path / "clean.sqlite", tmp_path / "shared.sqlite"
    for db in (clean, shared):
        build(mini_kb, db)
    strip_mark(clean)
    strip_mark(shared, extra_table=True)
    rename_huzhou(mini_kb, "Huzhou Again")
    assert huzhou_name(run, "--db", str(clean)) == "Huzhou Again"
    before = shared.read_bytes()
    assert refused(run("--db", str(shared), "show", "huzhou"), shared)
    assert shared.read_bytes() == before


def test_an_empty_file_is_used_and_garbage_elsewhere_is_refused(run, tmp_path: Path) -> None:
    empty = tmp_path / "made-by-mktemp"
    empty.write_bytes(b"")
    assert huzhou_name(run, "--db", str(empty)) == "Huzhou"
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"x" * 5000)
    assert refused(run("--db", str(garbage), "show", "huzhou"), garbage)
    assert garbage.read_bytes() == b"x" * 5000


# -- 2. an answer is never older than the YAML ---------------------------------------------------------------
def test_an_edit_while_a_file_is_being_parsed_is_never_taken_as_built(
    run, mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 #4: save B, a build starts, save A during it, save B again (same size, same mtime)."""
    import ipkb.build.parts

    db = tmp_path / "kb.sqlite"
    places = mini_kb / "entities" / "places.yaml"
    rename_huzhou(mini_kb, "Huzhou BBBB")
    stamp = places.stat().st_mtime_ns - 10 * 10**9  # old enough that the stat signature would be trusted
    os.utime(places, ns=(stamp, stamp))
    original = ipkb.build.parts.read_part

    def edited_during_the_build(source, schema):  # type: ignore[no-untyped-def]
        if source.path != places:
            return original(source, schema)
        rename_huzhou(mini_kb, "Huzhou AAAA")
        try:
            return original(source, schema)
        finally:
            rename_huzhou(mini_kb, "Huzhou BBBB")
            os.utime(places, ns=(stamp, stamp))  # as if it were never touched

    monkeypatch.setattr(ipkb.build.parts, "read_part", edited_during_the_build)
    assert run("--db", str(db), "build").exit_code == 0
    monkeypatch.undo()
    assert not is_fresh(mini_kb, db)  # what was parsed (A) is not what is on disk (B)
    for _ in range(3):
        assert huzhou_name(run, "--db", str(db)) == "Huzhou BBBB"


def test_an_edit_within_the_same_timestamp_tick_is_seen(run, mini_kb: Path, tmp_path: Path) -> None:
    """Two saves of the same size inside one mtime tick leave size and mtime equal: such files are hashed."""
    db = tmp_path / "kb.sqlite"
    places = mini_kb / "entities" / "places.yaml"
    rename_huzhou(mini_kb, "Huzhou BBBB")
    assert huzhou_name(run, "--db", str(db)) == "Huzhou BBBB"
    stamp = places.stat().st_mtime_ns
    rename_huzhou(mini_kb, "Huzhou AAAA")
    os.utime(places, ns=(stamp, stamp))
    assert huzhou_name(run, "--db", str(db)) == "Huzhou AAAA"


def test_a_signature_is_trusted_only_once_the_files_are_older_than_the_check(
    mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files written moments ago are hashed (their mtime tick may hide a second save); old ones are not."""
    import ipkb.build.store

    db = tmp_path / "kb.sqlite"
    places = mini_kb / "entities" / "places.yaml"
    places.write_text(places.read_text())  # written just now
    build(mini_kb, db)
    hashed: list[Path] = []
    real = ipkb.build.store.fingerprint
    monkeypatch.setattr(ipkb.build.store, "fingerprint", lambda kb, known=None: hashed.append(kb) or real(kb, known))
    assert is_fresh(mini_kb, db) and len(hashed) == 1  # racy: hashed, and not remembered
    assert is_fresh(mini_kb, db) and len(hashed) == 2
    os.utime(places, ns=(10**18, 10**18))  # as if written long ago (2001)
    assert is_fresh(mini_kb, db) and len(hashed) == 3  # the signature changed: hashed, then remembered
    assert is_fresh(mini_kb, db) and len(hashed) == 3
    meta = dict(sqlite3.connect(db).execute("SELECT key, value FROM meta").fetchall())
    assert meta["stat_signature"] == stat_signature(mini_kb)


def test_a_file_that_vanishes_mid_build_restarts_the_build(
    run, mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editor that saves by delete-and-rename makes a file listed a moment ago vanish: build again."""
    import ipkb.build.parts

    extra = mini_kb / "entities" / "extra.yaml"
    body = "- id: deqing\n  type: county\n  name: Deqing County\n  sources: [{source: src-article}]\n"
    extra.write_text(body)
    original, calls = ipkb.build.parts.read_part, []

    def vanishing(source, schema):  # type: ignore[no-untyped-def]
        if source.path == extra and not calls:
            calls.append(source)
            extra.unlink()  # gone between the hashing and the parsing ...
            try:
                return original(source, schema)
            finally:
                extra.write_text(body)  # ... and back under the same name
        return original(source, schema)

    monkeypatch.setattr(ipkb.build.parts, "read_part", vanishing)
    result = run("--db", str(tmp_path / "kb.sqlite"), "show", "deqing", "--json")
    assert calls and result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["name"] == "Deqing County"


@pytest.mark.slow
def test_a_real_race_of_saves_during_builds_ends_with_the_last_save(mini_kb: Path, tmp_path: Path) -> None:
    """Save B, start a query that builds, save A and B again while it runs: the next query says B.

    A large file parsed before places.yaml keeps each full build busy for a while; the saves land at
    different moments of it.
    """
    (mini_kb / "entities" / "bulk.yaml").write_text(
        "".join(
            f"- id: bulk-{i}\n  type: county\n  name: Bulk {i}\n  sources: [{{source: src-article}}]\n"
            for i in range(6000)
        )
    )
    db = tmp_path / "kb.sqlite"
    env = {"IPKB_KB": str(mini_kb), "IPKB_DB": str(db)}
    for delay in (0.3, 0.7, 1.1, 1.5, 1.9, 2.3):
        db.unlink(missing_ok=True)  # a full build each time: the file that will race is parsed last
        rename_huzhou(mini_kb, "Huzhou BBBB")
        query = subprocess.Popen(
            [sys.executable, "-m", "ipkb", "show", "huzhou", "--json"],
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        rename_huzhou(mini_kb, "Huzhou AAAA")
        time.sleep(0.3)  # long enough that the build may parse A
        rename_huzhou(mini_kb, "Huzhou BBBB")
        out, err = query.communicate(timeout=120)
        assert query.returncode == 0 and "Traceback" not in err, err
        assert json.loads(out)["name"] in ("Huzhou AAAA", "Huzhou BBBB")
        result = ipkb("show", "huzhou", "--json", env=env)
        assert json.loads(result.stdout)["name"] == "Huzhou BBBB", delay


# -- 3. a damaged page, a full disk, a killed build ---------------------------------------------------------
def damage_page_of(db: Path, table: str) -> None:
    """Overwrite the root page of `table` (in the middle of the file) with garbage; the header stays intact."""
    con = sqlite3.connect(db)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    pages = con.execute("PRAGMA page_count").fetchone()[0]
    con.close()
    assert 1 < root < pages
    with open(db, "r+b") as stream:
        stream.seek((root - 1) * page_size)
        stream.write(bytes(range(256)) * (page_size // 256))


@pytest.mark.parametrize("table", ["entity", "relation", "name", "entity_fts_data"])
def test_a_damaged_page_in_the_middle_is_found_on_use_and_rebuilt(run, mini_kb: Path, table: str) -> None:
    assert run("build").exit_code == 0
    db = Path(default_db(mini_kb.resolve()))
    damage_page_of(db, table)
    assert is_fresh(mini_kb.resolve(), db)  # the cheap check does not see it: no per-query integrity check
    result = run("show", "huzhou", "--json") if table != "entity_fts_data" else run("search", "Huzhou", "--json")
    assert result.exit_code == 0, result.stderr
    assert "huzhou" in result.stdout
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_damaged_page_met_by_a_typer_command_is_rebuilt_too(run, mini_kb: Path) -> None:
    """`stats` runs through typer, not the fast path: the same retry applies."""
    assert run("build").exit_code == 0
    db = Path(default_db(mini_kb.resolve()))
    damage_page_of(db, "entity")
    result = run("stats", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) and "Traceback" not in result.stderr
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_damaged_page_found_by_a_subprocess_query_after_an_edit(mini_kb: Path, tmp_path: Path) -> None:
    db = tmp_path / "kb.sqlite"
    env = {"IPKB_KB": str(mini_kb), "IPKB_DB": str(db)}
    assert ipkb("build", env=env).returncode == 0
    damage_page_of(db, "relation")
    rename_huzhou(mini_kb, "Huzhou Mended")  # the incremental build copies the damaged store: then in full
    result = ipkb("show", "huzhou", "--json", env=env)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert json.loads(result.stdout)["name"] == "Huzhou Mended"
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_store_damaged_again_after_the_rebuild_is_a_clear_error(
    run, mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Retry once, not forever: damage that survives a rebuild is reported, without a traceback."""
    import ipkb.build.store

    db = tmp_path / "kb.sqlite"
    assert run("--db", str(db), "build").exit_code == 0
    damage_page_of(db, "entity")
    original = ipkb.build.store.build

    def build_and_damage(kb: Path, target: Path, full: bool = False) -> object:
        problems = original(kb, target, full)
        damage_page_of(target, "entity")
        return problems

    monkeypatch.setattr(ipkb.build.store, "build", build_and_damage)
    result = run("--db", str(db), "show", "huzhou")
    assert result.exit_code == 1 and "is damaged" in result.stderr and "Traceback" not in result.stderr


def test_a_full_disk_is_a_clear_message_and_keeps_the_previous_database(
    run, mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection: the disk fills up while the rows are written."""
    import ipkb.build.writer

    db = tmp_path / "kb.sqlite"
    assert run("--db", str(db), "build").exit_code == 0
    before = db.read_bytes()

    def disk_full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(ipkb.build.writer.StoreWriter, "add", disk_full)
    rename_huzhou(mini_kb, "Huzhou Edited")
    result = run("--db", str(db), "show", "huzhou")
    assert result.exit_code == 1 and "no space left" in result.stderr and "previous database is kept" in result.stderr
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    monkeypatch.undo()
    assert huzhou_name(run, "--db", str(db)) == "Huzhou Edited"  # space again: the edit is built


def test_a_really_full_disk_keeps_the_previous_database(mini_kb: Path, tmp_path: Path) -> None:
    """A 1 MB tmpfs in a private mount namespace (unshare), filled up before the rebuild."""
    mount = tmp_path / "small"
    mount.mkdir()
    script = f"""
set -e
mount -t tmpfs -o size=1m tmpfs {mount}
export IPKB_KB={mini_kb} IPKB_DB={mount}/kb.sqlite
{sys.executable} -m ipkb show huzhou --json > /dev/null
cp {mount}/kb.sqlite {tmp_path}/before.sqlite
dd if=/dev/zero of={mount}/filler bs=4k 2>/dev/null || true
sed -i 's/name: Huzhou$/name: Huzhou Edited/' {mini_kb}/entities/places.yaml
set +e
{sys.executable} -m ipkb show huzhou > {tmp_path}/out 2> {tmp_path}/err
echo $? > {tmp_path}/code
cmp {mount}/kb.sqlite {tmp_path}/before.sqlite && echo same > {tmp_path}/same
ls -a {mount} > {tmp_path}/listing
"""
    try:
        done = subprocess.run(
            ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script],
            capture_output=True,
            text=True,
            timeout=120,
        )
    except FileNotFoundError:
        pytest.skip("no unshare here")
    if not (tmp_path / "code").exists():
        pytest.skip(f"cannot mount a private tmpfs here: {done.stderr.strip()[:200]}")
    err = (tmp_path / "err").read_text()
    assert (tmp_path / "code").read_text().strip() == "1", err
    assert "no space left" in err and "previous database is kept" in err and "Traceback" not in err
    assert (tmp_path / "same").exists()
    assert sorted((tmp_path / "listing").read_text().split()) == [".", "..", "filler", "kb.sqlite"]


def test_the_temporary_file_of_a_killed_build_is_removed_by_the_next_build(mini_kb: Path, tmp_path: Path) -> None:
    db = tmp_path / "kb.sqlite"
    script = (
        "import sys, time; from pathlib import Path; import ipkb.build.writer\n"
        "ipkb.build.writer.StoreWriter.add = lambda *a: (print('writing', flush=True), time.sleep(600))\n"
        "from ipkb.build.store import build\n"
        f"build(Path({str(mini_kb)!r}), Path({str(db)!r}))\n"
    )
    builder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert builder.stdout is not None and builder.stdout.readline() == "writing\n"
    builder.send_signal(signal.SIGKILL)
    builder.wait()
    builder.stdout.close()
    left = [p for p in tmp_path.iterdir() if TEMP_MARK in p.name]
    assert len(left) == 1 and f".{builder.pid}." in left[0].name
    # Someone else's files beside the database, and a build still running, are left alone.
    others = [tmp_path / ".kb.sqlite.abc123.tmp", tmp_path / f".other.sqlite{TEMP_MARK}{os.uname().nodename}.1.x.tmp"]
    running = tmp_path / f".kb.sqlite{TEMP_MARK}{os.uname().nodename}.{os.getpid()}.beef.tmp"
    for path in [*others, running]:
        path.write_text("")
    result = invoke(["--kb", str(mini_kb), "--db", str(db), "show", "huzhou"])
    assert result.exit_code == 0, result.stderr
    assert not left[0].exists()
    assert all(p.exists() for p in [*others, running])


@pytest.mark.parametrize("kernel", ["copies", "copies part, then refuses", "refuses", "is missing"])
def test_a_rebuild_copies_the_store_exactly_whatever_the_kernel_allows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel: str
) -> None:
    """The store a rebuild starts from is copied with copy_file_range (a reflink on btrfs or XFS); where the
    kernel refuses it, or has no such call, a plain copy takes over from where it stopped."""
    import errno

    from ipkb.build.dbfile import copy_store

    source, target = tmp_path / "kb.sqlite", tmp_path / "copy.sqlite"
    source.write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    real = os.copy_file_range
    calls: list[int] = []

    def kernel_call(src: int, dst: int, count: int) -> int:
        calls.append(count)
        if kernel == "refuses" or (kernel == "copies part, then refuses" and len(calls) > 1):
            raise OSError(errno.EXDEV, "cross-device")
        return real(src, dst, min(count, 1024 * 1024) if kernel.startswith("copies part") else count)

    if kernel == "is missing":
        monkeypatch.delattr(os, "copy_file_range")
    else:
        monkeypatch.setattr(os, "copy_file_range", kernel_call)
    copy_store(source, target)
    assert target.read_bytes() == source.read_bytes()
    assert kernel == "is missing" or calls


def test_a_full_disk_while_copying_the_store_is_not_hidden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from ipkb.build.dbfile import copy_store

    source = tmp_path / "kb.sqlite"
    source.write_bytes(b"x" * 4096)

    def full(src: int, dst: int, count: int) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "copy_file_range", full)
    with pytest.raises(OSError) as caught:
        copy_store(source, tmp_path / "copy.sqlite")
    assert caught.value.errno == errno.ENOSPC
