"""Concurrent use of one cache: many queries while files change, KBs sharing a database, dying builds.

Real processes throughout. Every test here stops by itself within its stated budget.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import invoke

TOWN = "- id: chaos-town\n  type: county\n  name: {name}\n  sources: [{{source: src-article}}]\n"
NAMES = ("Chaos Town Alpha", "Chaos Town Bravo", "Chaos Town Gamma")


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ipkb", *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def check_answer(process: subprocess.Popen[str], allowed: set[str]) -> str:
    """A query during edits answers from a whole build of some saved state, or fails cleanly (exit 1)."""
    out, err = process.communicate(timeout=120)
    assert "Traceback" not in err, err
    assert process.returncode in (0, 1), (process.returncode, err)
    document = json.loads(out if process.returncode == 0 else err)  # errors are on stderr, answers on stdout
    if process.returncode == 0:
        assert document["name"] in allowed, document["name"]
        return str(document["name"])
    assert document["ok"] is False and document["errors"], document
    return "error: " + document["errors"][0]["message"]


class Editor(threading.Thread):
    """Edits one YAML file in place, replaces it (write + rename), deletes and recreates it, in a loop."""

    def __init__(self, path: Path, seed: int = 0) -> None:
        super().__init__(daemon=True)
        self.path, self.random = path, random.Random(seed)
        self.rounds = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            name = self.random.choice(NAMES)
            action = self.rounds % 3
            if action == 0:
                self.path.write_text(TOWN.format(name=name))  # in place: readers may see it half-written
            elif action == 1:
                tmp = self.path.with_suffix(".tmp")
                tmp.write_text(TOWN.format(name=name))
                os.replace(tmp, self.path)
            else:
                self.path.unlink()
                time.sleep(0.01)
                self.path.write_text(TOWN.format(name=name))
            self.rounds += 1
            time.sleep(self.random.uniform(0, 0.05))
        self.path.write_text(TOWN.format(name=NAMES[0]))  # the last save


@pytest.mark.slow
def test_sixteen_queries_while_a_file_is_edited_replaced_and_deleted(mini_kb: Path, tmp_path: Path) -> None:
    town = mini_kb / "entities" / "town.yaml"
    town.write_text(TOWN.format(name=NAMES[0]))
    env = {"IPKB_KB": str(mini_kb), "IPKB_DB": str(tmp_path / "kb.sqlite")}
    editor = Editor(town)
    editor.start()
    try:
        batch = [start(["show", "chaos-town", "--json"], env) for _ in range(16)]
        answers = [check_answer(p, set(NAMES)) for p in batch]
    finally:
        editor.stop.set()
        editor.join()
    assert editor.rounds >= 3 and len(answers) == 16
    final = start(["show", "chaos-town", "--json"], env)
    assert check_answer(final, set(NAMES)) == NAMES[0]  # never an answer older than the last save
    assert sqlite3.connect(tmp_path / "kb.sqlite").execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def two_kbs(tmp_path: Path, mini_kb: Path) -> tuple[Path, Path]:
    """Two KB folders with the same folder name and files, but for one name: only `kb_path` tells them apart."""
    import shutil

    kbs = []
    for label in ("One", "Two"):
        kb = tmp_path / label.lower() / "kb"
        shutil.copytree(mini_kb, kb)
        (kb / "entities" / "town.yaml").write_text(TOWN.format(name=f"Chaos Town {label}"))
        kbs.append(kb)
    return kbs[0], kbs[1]


def test_two_kbs_sharing_one_db_never_answer_for_each_other(mini_kb: Path, tmp_path: Path) -> None:
    one, two = two_kbs(tmp_path, mini_kb)
    db = tmp_path / "shared.sqlite"
    for _ in range(3):
        for kb, name in ((one, "Chaos Town One"), (two, "Chaos Town Two")):
            result = invoke(["--kb", str(kb), "--db", str(db), "show", "chaos-town", "--json"])
            assert result.exit_code == 0 and json.loads(result.stdout)["name"] == name
    # Identical files in two folders: the answer still names the folder it came from.
    (two / "entities" / "town.yaml").write_text((one / "entities" / "town.yaml").read_text())
    for kb in (one, two, one):
        result = invoke(["--kb", str(kb), "--db", str(db), "stats", "--json"])
        assert result.exit_code == 0
        assert dict(sqlite3.connect(db).execute("SELECT key, value FROM meta").fetchall())["kb_path"] == str(kb)


@pytest.mark.slow
def test_two_kbs_sharing_one_db_concurrently(mini_kb: Path, tmp_path: Path) -> None:
    one, two = two_kbs(tmp_path, mini_kb)
    db = str(tmp_path / "shared.sqlite")
    runs = [(kb, name) for kb, name in ((one, "Chaos Town One"), (two, "Chaos Town Two")) for _ in range(4)]
    random.Random(1).shuffle(runs)
    processes = [
        (start(["show", "chaos-town", "--json"], {"IPKB_KB": str(kb), "IPKB_DB": db}), name) for kb, name in runs
    ]
    for process, name in processes:
        out, err = process.communicate(timeout=120)
        assert "Traceback" not in err, err
        if process.returncode == 0:
            assert json.loads(out)["name"] == name  # never the other KB's answer
        else:  # five rebuilds in a row were all replaced by the other KB's: said plainly
            assert process.returncode == 1 and "kept being replaced" in err, err


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_build_workers_die_with_their_parent(mini_kb: Path, tmp_path: Path, sig: signal.Signals) -> None:
    """A killed parallel build leaves no worker behind holding the caller's pipes open."""
    for n in range(8):
        (mini_kb / "entities" / f"bulk-{n}.yaml").write_text(
            "".join(
                f"- id: bulk-{n}-{i}\n  type: county\n  name: Bulk {n} {i}\n  sources: [{{source: src-article}}]\n"
                for i in range(4000)
            )
        )
    env = {"IPKB_KB": str(mini_kb), "IPKB_DB": str(tmp_path / "kb.sqlite"), "IPKB_JOBS": "2"}
    parent = start(["build"], env)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and len(workers) < 2 and parent.poll() is None:
        workers = children_of(parent.pid)
        time.sleep(0.05)
    assert len(workers) >= 2, "the build never started its workers"
    parent.send_signal(sig)
    try:
        parent.communicate(timeout=30)  # returns only once every holder of the pipes is gone
        assert parent.returncode == -sig
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(w) for w in workers):
            time.sleep(0.05)
        assert not [w for w in workers if alive(w)]
    finally:  # a failing run must not leave orphans behind either
        for worker in workers:
            if alive(worker):
                os.kill(worker, signal.SIGKILL)
        parent.communicate()


@pytest.mark.slow
def test_chaos_queries_and_edits_for_a_bounded_time(mini_kb: Path, tmp_path: Path) -> None:
    """Random queries of every kind against random edits (good, broken, deleted, touched) for 10 s.

    Bounded: new queries stop after 10 s, each query is given 40 s at most, and the test fails if the
    whole took 60 s or more.
    """
    began = time.monotonic()
    town = mini_kb / "entities" / "town.yaml"
    town.write_text(TOWN.format(name=NAMES[0]))
    env = {"IPKB_KB": str(mini_kb), "IPKB_DB": str(tmp_path / "kb.sqlite")}
    stop = threading.Event()
    rng = random.Random(13)

    def edit() -> None:
        while not stop.is_set():
            choice = rng.random()
            if choice < 0.5:
                town.write_text(TOWN.format(name=rng.choice(NAMES)))
            elif choice < 0.65:
                town.write_text("- id: chaos-town\n  type: [broken\n")  # a YAML error, mended next round
            elif choice < 0.8:
                town.unlink(missing_ok=True)
            else:
                os.utime(mini_kb / "entities" / "places.yaml")
            time.sleep(rng.uniform(0, 0.1))

    editor = threading.Thread(target=edit, daemon=True)
    editor.start()
    queries = [
        ["show", "chaos-town", "--json"],
        ["search", "Chaos", "--json"],
        ["list", "--type", "county", "--json"],
        ["path", "keqiao", "national-center", "--json"],
        ["show", "huzhou", "--json"],
    ]
    seen = 0
    while time.monotonic() - began < 10:
        batch = [(q, start(q, env)) for q in (rng.choice(queries) for _ in range(6))]
        for args, process in batch:
            out, err = process.communicate(timeout=40)
            assert "Traceback" not in err and process.returncode in (0, 1), (args, process.returncode, err)
            document = json.loads(out if process.returncode == 0 else err)
            if process.returncode == 0 and args[0] == "show" and args[1] == "chaos-town":
                assert document["name"] in NAMES
            seen += 1
    stop.set()
    editor.join()
    town.write_text(TOWN.format(name=NAMES[2]))
    final = start(["show", "chaos-town", "--json"], env)
    assert check_answer(final, set(NAMES)) == NAMES[2]
    assert seen >= 6
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert time.monotonic() - began < 60


def test_a_database_replaced_during_the_freshness_check_is_not_the_one_answering(
    mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deterministic form of the race: another KB's build lands between the check and the answer."""
    import ipkb.build.store

    one, two = two_kbs(tmp_path, mini_kb)
    db = tmp_path / "shared.sqlite"
    ipkb.build.store.build(one.resolve(), db)
    original = ipkb.build.store._fresh

    def replaced_meanwhile(kb: Path, target: Path, meta: dict[str, str]) -> bool:
        ipkb.build.store.build(two.resolve(), target)  # another process, sharing the file, finishes a build now
        return original(kb, target, meta)

    monkeypatch.setattr(ipkb.build.store, "_fresh", replaced_meanwhile)
    result = invoke(["--kb", str(one), "--db", str(db), "show", "chaos-town", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["name"] == "Chaos Town One"


def test_a_remembered_signature_goes_only_into_the_build_it_was_checked_against(mini_kb: Path, tmp_path: Path) -> None:
    """A touched-but-unchanged check must not stamp its signature on a build that replaced the file."""
    from ipkb.build.store import _remember_signature, build, read_meta, stat_signature

    db = tmp_path / "kb.sqlite"
    town = mini_kb / "entities" / "town.yaml"
    town.write_text(TOWN.format(name=NAMES[0]))
    build(mini_kb, db)
    checked = read_meta(db)
    town.write_text(TOWN.format(name=NAMES[1]))
    build(mini_kb, db)  # another build replaced the file after `checked` was read
    town.write_text(TOWN.format(name=NAMES[0]))
    _remember_signature(db, checked or {}, stat_signature(mini_kb), time.time_ns())
    assert (read_meta(db) or {})["stat_signature"] != stat_signature(mini_kb)
    result = invoke(["--kb", str(mini_kb), "--db", str(db), "show", "chaos-town", "--json"])
    assert json.loads(result.stdout)["name"] == NAMES[0]


def test_an_incremental_build_whose_old_store_was_replaced_meanwhile_starts_again(
    mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows to keep were chosen from one store; if another lands before the copy, build again."""
    import ipkb.build.store

    one, two = two_kbs(tmp_path, mini_kb)
    db = tmp_path / "shared.sqlite"
    ipkb.build.store.build(one.resolve(), db)
    (one / "entities" / "places.yaml").write_text((one / "entities" / "places.yaml").read_text() + "\n")
    original, calls = ipkb.build.store._previous_parts, []

    def replaced_after_reading(target: Path, kb: Path, schema_digest: str) -> object:
        parts = original(target, kb, schema_digest)
        if not calls:
            calls.append(kb)
            ipkb.build.store.build(two.resolve(), target)  # another process lands its build now
        return parts

    monkeypatch.setattr(ipkb.build.store, "_previous_parts", replaced_after_reading)
    result = invoke(["--kb", str(one), "--db", str(db), "show", "chaos-town", "--json"])
    assert calls and result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["name"] == "Chaos Town One"
    names = sqlite3.connect(db).execute("SELECT name FROM entity WHERE id = 'chaos-town'").fetchall()
    assert names == [("Chaos Town One",)]
