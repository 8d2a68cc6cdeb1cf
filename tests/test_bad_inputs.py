"""The corpus in tests/bad_inputs: every mistake gives its message at its file:line, exit 1, no traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, invoke

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def broken_kb(case: str, tmp_path: Path) -> Path:
    kb = tmp_path / "kb"
    shutil.copytree(FIXTURES / "mini", kb)
    for path in (CORPUS / case).rglob("*"):
        if path.is_file() and path.name != "expect.txt":
            target = kb / path.relative_to(CORPUS / case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    return kb


def expectations(case: str) -> list[tuple[str, int, str]]:
    out = []
    for line in (CORPUS / case / "expect.txt").read_text(encoding="utf-8").splitlines():
        file, number, words = line.split(":", 2)
        out.append((file, int(number), words.strip()))
    return out


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES)
def test_validate_reports_the_mistake_at_its_line(case: str, tmp_path: Path) -> None:
    kb = broken_kb(case, tmp_path)
    result = invoke(["--kb", str(kb), "validate", "--json"])
    assert result.exit_code == 1, result.stdout
    errors = json.loads(result.stdout)["errors"]
    for file, line, words in expectations(case):
        assert any(
            words in e["message"] + " " + e.get("hint", "")
            and ((e["file"].endswith(file) and e["line"] == line) or f"{file}:{line}" in e.get("hint", ""))
            for e in errors
        ), (file, line, words, errors)


@pytest.mark.parametrize("case", CASES)
def test_queries_refuse_a_broken_kb_with_the_same_messages(case: str, tmp_path: Path) -> None:
    kb = broken_kb(case, tmp_path)
    result = invoke(["--kb", str(kb), "show", "huzhou"])
    assert result.exit_code == 1
    assert result.stdout == ""
    file, line, _ = expectations(case)[0]
    assert f"{file}:{line}" in result.stderr


def test_every_problem_is_reported_in_one_run(tmp_path: Path) -> None:
    kb = broken_kb("unknown-entity-type", tmp_path)
    for case in ("relation-to-missing-entity", "unknown-metric"):
        for path in (CORPUS / case).rglob("*.yaml"):
            target = kb / path.relative_to(CORPUS / case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    errors = json.loads(invoke(["--kb", str(kb), "validate", "--json"]).stdout)["errors"]
    messages = " ".join(e["message"] for e in errors)
    assert "unknown entity type" in messages and "does not exist" in messages and "unknown metric" in messages


@pytest.mark.parametrize("case", ["python-tag", "billion-laughs", "megabyte-string", "deep-nesting", "not-utf8"])
def test_hostile_files_as_a_real_process(case: str, tmp_path: Path) -> None:
    kb = broken_kb(case, tmp_path)
    process = subprocess.run(
        [sys.executable, "-m", "ipkb", "--kb", str(kb), "validate"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert process.returncode == 1
    assert "Traceback" not in process.stderr + process.stdout
    assert not (tmp_path / "PWNED").exists() and not (kb / "PWNED").exists()


def test_a_file_that_cannot_be_read_is_one_error_not_one_per_reference_to_its_ids(tmp_path: Path) -> None:
    """A curator's YAML typo in a file of places made 500 "does not exist" errors elsewhere, each with a
    misleading "did you mean"; the references to ids the file may define are now one message at the typo."""
    kb = broken_kb("syntax-error-hides-its-ids", tmp_path)
    errors = json.loads(invoke(["--kb", str(kb), "validate", "--json"]).stdout)["errors"]
    assert len(errors) == 2 and not any("does not exist" in e["message"] for e in errors)
    db = tmp_path / "kb.sqlite"
    shutil.copyfile(CORPUS / "syntax-error-hides-its-ids" / "entities" / "places.yaml", tmp_path / "broken.yaml")
    shutil.copyfile(FIXTURES / "mini" / "entities" / "places.yaml", kb / "entities" / "places.yaml")
    assert invoke(["--kb", str(kb), "--db", str(db), "build"]).exit_code == 0
    shutil.copyfile(tmp_path / "broken.yaml", kb / "entities" / "places.yaml")  # broken after a good build
    result = invoke(["--kb", str(kb), "--db", str(db), "show", "huzhou"])
    assert result.exit_code == 1 and "does not exist" not in result.stderr
    assert "YAML syntax error" in result.stderr and "were not checked" in result.stderr


def test_validate_writes_each_problem_on_one_line_at_any_width(tmp_path: Path) -> None:
    """Editors and CI read `file:line: severity: message` a line each; wrapping at 60 columns broke that."""
    kb = broken_kb("syntax-error-hides-its-ids", tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "ipkb", "--kb", str(kb), "validate"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "60"},
        check=False,
    )
    messages = [line for line in done.stdout.splitlines() if not line.startswith(("    hint:", "2 errors"))]
    assert len(messages) == 2 and all(": error: " in line for line in messages), done.stdout
    assert any(len(line) > 60 for line in messages)
