"""`ipkb export -o PATH` leaves what PATH names what it is: a device stays a device, a FIFO is written to, a
symlink stays a link, a file keeps its mode and owner; a folder and the KB folder are refused. Real files,
real devices (mknod, as root), real FIFOs with a reader."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from ipkb.export.writefile import inspect
from tests.conftest import FIXTURES

ROOT = os.geteuid() == 0


@pytest.fixture
def null_device(tmp_path: Path) -> Path:
    """A character device that discards what is written: a node of /dev/null's own kind made with mknod as
    root (so a broken ipkb could never destroy the machine's /dev/null), else /dev/null itself, which a
    user other than root cannot replace."""
    if not ROOT:
        return Path("/dev/null")
    node = tmp_path / "devices" / "null"
    node.parent.mkdir()
    os.mknod(node, stat.S_IFCHR | 0o666, os.stat("/dev/null").st_rdev)
    return node


def test_a_character_device_stays_a_device(run, null_device: Path, tmp_path: Path) -> None:
    before = os.stat(null_device)
    for fmt in ("graphml", "json", "ttl"):  # graphml streams through a scratch file: not beside a device
        result = run("export", "--format", fmt, "-o", str(null_device))
        assert result.exit_code == 0, result.stderr
        after = os.stat(null_device)
        assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    if ROOT:
        assert sorted(p.name for p in null_device.parent.iterdir()) == ["null"]


def test_a_fifo_receives_the_export(run, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run("export", "--format", "json", "-o", str(fifo))
    reader.join(timeout=60)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert {n["id"] for n in json.loads(received[0])["nodes"]} >= {"huzhou", "keqiao"}
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "cache" and p.name != "kb") == ["pipe"]


def test_a_symlink_stays_a_link_and_its_target_is_written(run, tmp_path: Path) -> None:
    target = tmp_path / "real" / "kb.json"
    target.parent.mkdir()
    target.write_text("old export")
    target.chmod(0o640)
    link = tmp_path / "kb.json"
    link.symlink_to(target)
    result = run("export", "--format", "json", "-o", str(link))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert "huzhou" in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in target.parent.iterdir()) == ["kb.json"]  # no temporary file left


def test_a_dangling_symlink_creates_its_target(run, tmp_path: Path) -> None:
    target = tmp_path / "kb.ttl"
    link = tmp_path / "latest.ttl"
    link.symlink_to(target.name)
    result = run("export", "--format", "ttl", "-o", str(link))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and target.is_file() and "huzhou" in target.read_text()


def test_a_symlink_to_a_device_writes_the_device(run, null_device: Path, tmp_path: Path) -> None:
    link = tmp_path / "discard"
    link.symlink_to(null_device)
    result = run("export", "--format", "dot", "-o", str(link))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and stat.S_ISCHR(os.stat(null_device).st_mode)


def test_an_existing_file_keeps_its_mode(run, tmp_path: Path) -> None:
    target = tmp_path / "kb.graphml"
    target.write_text("previous")
    target.chmod(0o640)
    result = run("export", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and "<graphml" in target.read_text()


@pytest.mark.skipif(not ROOT, reason="only root may give a file to another user")
def test_an_existing_file_keeps_its_owner(run, tmp_path: Path) -> None:
    target = tmp_path / "kb-nodes.csv"
    target.write_text("previous")
    os.chown(target, 4321, 4322)
    result = run("export", "--format", "csv", "-o", str(tmp_path / "kb.csv"))
    assert result.exit_code == 0, result.stderr
    info = target.stat()
    assert (info.st_uid, info.st_gid) == (4321, 4322) and "huzhou" in target.read_text()
    assert (tmp_path / "kb-relationships.csv").stat().st_uid == os.geteuid()  # a new file is the user's


def test_a_new_file_follows_the_umask(run, tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        result = run("export", "--format", "json", "-o", str(tmp_path / "new.json"))
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o640


def test_a_folder_is_a_usage_error(run, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    result = run("export", "--format", "json", "-o", str(folder))
    assert result.exit_code == 2 and f"-o {folder} is a folder" in result.stderr
    assert list(folder.iterdir()) == []
    link = tmp_path / "out-link"
    link.symlink_to(folder)
    result = run("export", "--format", "json", "-o", str(link))
    assert result.exit_code == 2 and "is a folder" in result.stderr


@pytest.mark.parametrize("inside", ["kb.graphml", "entities/places.yaml", "entities/new.graphml", "."])
def test_a_path_inside_the_kb_folder_is_refused(run, mini_kb: Path, inside: str) -> None:
    before = {p: p.read_bytes() for p in mini_kb.rglob("*") if p.is_file()}
    result = run("export", "-o", str(mini_kb / inside))
    assert result.exit_code == 2 and "inside the knowledge base folder" in result.stderr
    assert {p: p.read_bytes() for p in mini_kb.rglob("*") if p.is_file()} == before


def test_a_link_into_the_kb_folder_is_refused(run, mini_kb: Path, tmp_path: Path) -> None:
    link = tmp_path / "sneaky.yaml"
    link.symlink_to(mini_kb / "entities" / "places.yaml")
    before = (mini_kb / "entities" / "places.yaml").read_bytes()
    result = run("export", "--format", "json", "-o", str(link))
    assert result.exit_code == 2 and "inside the knowledge base folder" in result.stderr
    assert (mini_kb / "entities" / "places.yaml").read_bytes() == before and link.is_symlink()


def test_a_socket_is_a_message_not_a_traceback(run, tmp_path: Path) -> None:
    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        result = run("export", "--format", "json", "-o", str(path))
    assert result.exit_code == 1 and f"cannot write {path}" in result.stderr
    assert stat.S_ISSOCK(os.stat(path).st_mode)


def test_inspect_says_what_is_written_atomically(tmp_path: Path, null_device: Path) -> None:
    assert inspect(tmp_path / "new").atomic and inspect(tmp_path / "new").info is None
    (tmp_path / "file").write_text("x")
    assert inspect(tmp_path / "file").atomic
    assert not inspect(null_device).atomic


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture KB compiled once for this module's processes (they only read it)."""
    path = tmp_path_factory.mktemp("outfile") / "mini.sqlite"
    subprocess.run(
        [sys.executable, "-m", "ipkb", "--kb", str(FIXTURES / "mini"), "--db", str(path), "build"], check=True
    )
    return path


def export_process(built: Path, *args: str, **popen: Any) -> subprocess.CompletedProcess[bytes]:
    popen.setdefault("stdout", subprocess.PIPE)
    command = [sys.executable, "-m", "ipkb", "--kb", str(FIXTURES / "mini"), "--db", str(built), "export"]
    return subprocess.run([*command, *args], stderr=subprocess.PIPE, timeout=120, **popen)  # type: ignore[no-any-return]


def test_dev_stdout_is_the_descriptor_the_shell_opened(built: Path, tmp_path: Path) -> None:
    piped = export_process(built, "-f", "json", "-o", "/dev/stdout")  # a pipe: no file to reopen
    assert piped.returncode == 0, piped.stderr
    assert {n["id"] for n in json.loads(piped.stdout)["nodes"]} >= {"huzhou"}
    log = tmp_path / "log.txt"
    log.write_text("first line\n")
    with open(log, "ab") as appended:  # `>> log.txt`: the export goes after what was there
        result = export_process(built, "-f", "ttl", "-o", "/dev/stdout", stdout=appended)
    assert result.returncode == 0, result.stderr
    assert log.read_text().startswith("first line\n@prefix")
    extra = tmp_path / "fd.dot"
    with open(extra, "wb") as opened:
        result = export_process(built, "-f", "dot", "-o", f"/dev/fd/{opened.fileno()}", pass_fds=(opened.fileno(),))
    assert result.returncode == 0 and extra.read_text().startswith("digraph")


def test_a_descriptor_that_is_not_open_is_a_message(built: Path) -> None:
    for path in ("/dev/fd/9", "/proc/self/fd/99999999999999999999"):
        result = export_process(built, "-f", "json", "-o", path)
        assert result.returncode == 1 and f"cannot write {path}" in result.stderr.decode()
        assert b"Traceback" not in result.stderr


def test_a_multi_file_format_needs_file_names(built: Path, null_device: Path) -> None:
    for target in ("/dev/stdout", str(null_device)):
        result = export_process(built, "-f", "csv", "-o", target)
        assert result.returncode == 2 and b"csv writes 3 files, not one stream" in result.stderr
    assert not list(null_device.parent.glob("*.csv"))


@pytest.mark.parametrize("output", ["/dev/stdout", "-", "fifo"])
def test_a_reader_that_stops_early_is_no_error_on_any_output(tmp_path: Path, output: str) -> None:
    """`export -o /dev/stdout | head -c 100` said "cannot write /dev/stdout: Broken pipe" and exited 1, where
    `-o - | head` is quiet and exits 0: a reader that has what it wanted is no failure, whatever -o names
    (the bundled KB: its 2 MB of GraphML outrun any pipe's buffer)."""
    import os
    import subprocess
    import sys
    import threading

    from tests.conftest import BUNDLED_KB

    ipkb = str(Path(sys.executable).with_name("ipkb"))
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    subprocess.run([ipkb, "--kb", str(BUNDLED_KB), "stats"], env=env, capture_output=True, check=True)  # built
    target = output
    if output == "fifo":
        target = str(tmp_path / "fifo")
        os.mkfifo(target)
    command = [ipkb, "--kb", str(BUNDLED_KB), "export", "--format", "graphml", "-o", target]

    def read_a_little() -> None:
        with open(target, "rb") as fifo:
            fifo.read(100)

    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        if output == "fifo":
            reader = threading.Thread(target=read_a_little)
            reader.start()
            reader.join(60)
        else:
            process.stdout.read(100)
        process.stdout.close()
        error = process.stderr.read().decode()
        assert process.wait(60) == 0 and error == "", error
