"""Which files of the KB folder are read: an entry that cannot be read is reported by name, and never costs
its neighbours their records (real links, FIFOs and byte file names in a tmp folder, through the CLI)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Result, invoke

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX links, FIFOs and byte names")


def validate(kb: Path) -> tuple[Result, dict[str, list[dict[str, str]]]]:
    result = invoke(["--kb", str(kb), "validate", "--json"])
    return result, json.loads(result.stdout)


def counts(kb: Path) -> str:
    """The closing line of `validate`: how many entities, relations and facts were read."""
    return invoke(["--kb", str(kb), "validate"]).stdout.strip().splitlines()[-1].split(" in ")[1]


def problem(report: dict[str, list[dict[str, str]]], kind: str, file: str, words: str) -> bool:
    return any(p["file"].endswith(file) and words in p["message"] for p in report[kind])


def run_process(kb: Path, *args: str, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    """A real ipkb process with a deadline, so a build that blocks on a FIFO fails instead of hanging."""
    extra = ["--db", str(db)] if db else []
    return subprocess.run(
        [sys.executable, "-m", "ipkb", "--kb", str(kb), *extra, *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=kb.parent,
    )


def test_a_self_referencing_link_is_an_error_and_the_files_after_it_are_still_read(mini_kb: Path) -> None:
    full = counts(mini_kb)
    os.symlink("aaa-loop.yaml", mini_kb / "relations" / "aaa-loop.yaml")  # sorts before every real file
    result, report = validate(mini_kb)
    assert result.exit_code == 1
    assert problem(report, "errors", "relations/aaa-loop.yaml", "symbolic link that loops")
    assert counts(mini_kb) == full  # no relation lost


def test_a_link_to_nothing_is_an_error_naming_the_link(mini_kb: Path) -> None:
    os.symlink("gone.yaml", mini_kb / "entities" / "aaa-moved.yaml")
    result, report = validate(mini_kb)
    assert result.exit_code == 1
    assert problem(report, "errors", "entities/aaa-moved.yaml", "a link to nothing")
    assert not any("gone.yaml" in p["file"] for p in report["errors"])


def test_an_editors_lock_link_is_only_a_warning(mini_kb: Path) -> None:
    os.symlink("someone@host.4242:1700000000", mini_kb / "entities" / ".#places.yaml")
    result, report = validate(mini_kb)
    assert result.exit_code == 0, report
    assert problem(report, "warnings", "entities/.#places.yaml", "a link to nothing")


def test_a_folder_link_that_loops_is_reported_and_its_siblings_read(mini_kb: Path) -> None:
    full = counts(mini_kb)
    os.symlink("aaa", mini_kb / "relations" / "aaa")
    result, report = validate(mini_kb)
    assert result.exit_code == 0
    assert problem(report, "warnings", "relations/aaa", "symbolic link that loops")
    assert counts(mini_kb) == full


def test_a_fifo_never_blocks_and_is_an_error(mini_kb: Path, tmp_path: Path) -> None:
    os.mkfifo(mini_kb / "relations" / "aaa-pipe.yaml")
    for args in (["validate"], ["show", "huzhou"]):
        process = run_process(mini_kb, *args, db=tmp_path / "fifo.sqlite")
        assert process.returncode == 1, process.stdout
        assert "kb/relations/aaa-pipe.yaml:1:" in process.stdout + process.stderr
        assert "FIFO" in process.stdout + process.stderr
        assert "Traceback" not in process.stderr


def test_a_file_name_that_is_not_utf8_is_named_with_its_bytes_escaped(mini_kb: Path, tmp_path: Path) -> None:
    folder = os.fsencode(mini_kb / "relations")
    shutil.copyfile(mini_kb / "relations" / "places.yaml", folder + b"/b\xffd.yaml")
    process = run_process(mini_kb, "validate", "--json")
    assert process.returncode == 1 and "Traceback" not in process.stderr
    report = json.loads(process.stdout)
    assert problem(report, "errors", "relations/b\\xffd.yaml", "file name is not UTF-8")
    shown = run_process(mini_kb, "show", "huzhou", db=tmp_path / "bytes.sqlite")
    assert shown.returncode == 1
    assert "kb/relations/b\\xffd.yaml:1: not read: the file name is not UTF-8" in shown.stderr


def test_yml_files_are_ignored_with_a_warning_naming_them(mini_kb: Path, tmp_path: Path) -> None:
    (mini_kb / "facts" / "claims.yaml").rename(mini_kb / "facts" / "claims.yml")
    result, report = validate(mini_kb)
    assert result.exit_code == 0
    assert problem(report, "warnings", "facts/claims.yml", "ipkb reads only files named *.yaml")
    assert any("claims.yaml" in p.get("hint", "") for p in report["warnings"])
    built = json.loads(invoke(["--kb", str(mini_kb), "--db", str(tmp_path / "yml.sqlite"), "build", "--json"]).stdout)
    assert any(p["file"].endswith("facts/claims.yml") for p in built["warnings"])


def test_a_broken_entry_added_after_a_build_makes_queries_refuse_until_it_is_mended(
    mini_kb: Path, tmp_path: Path
) -> None:
    db = tmp_path / "kb.sqlite"
    args = ["--kb", str(mini_kb), "--db", str(db), "show", "huzhou", "--json"]
    assert invoke(args).exit_code == 0
    link = mini_kb / "relations" / "more.yaml"
    os.symlink("more.yaml", link)
    refused = invoke(args)
    assert refused.exit_code == 1
    assert any(e["file"].endswith("relations/more.yaml") for e in json.loads(refused.stderr)["errors"])
    link.unlink()
    assert invoke(args).exit_code == 0


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads every file")
def test_a_folder_that_cannot_be_listed_is_an_error(mini_kb: Path) -> None:
    locked = mini_kb / "relations" / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        result, report = validate(mini_kb)
    finally:
        locked.chmod(0o755)
    assert result.exit_code == 1
    assert problem(report, "errors", "relations/locked", "cannot list the folder")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads every file")
def test_a_file_that_cannot_be_opened_is_an_error_and_the_build_does_not_crash(mini_kb: Path, tmp_path: Path) -> None:
    secret = mini_kb / "relations" / "aaa-secret.yaml"
    shutil.copyfile(mini_kb / "relations" / "places.yaml", secret)
    secret.chmod(0)
    try:
        result = invoke(["--kb", str(mini_kb), "--db", str(tmp_path / "s.sqlite"), "show", "huzhou"])
    finally:
        secret.chmod(0o644)
    assert result.exit_code == 1
    assert "relations/aaa-secret.yaml:1: cannot read file" in result.stderr
