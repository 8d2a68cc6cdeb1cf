from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ipkb.cli import main

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BUNDLED_KB = REPO / "kb"
SHARED = REPO.parent / "shared"


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own cache folder; nothing from the user's environment leaks in."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    for name in ("IPKB_KB", "IPKB_DB", "IPKB_DEBUG", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return cache


@pytest.fixture
def mini_kb(tmp_path: Path) -> Path:
    """A writable copy of the small fixture KB."""
    target = tmp_path / "kb"
    shutil.copytree(FIXTURES / "mini", target)
    return target


def invoke(args: list[str]) -> Result:
    """Run the real entry point (ipkb.cli.main) under typer's CliRunner, capturing both streams."""
    runner = CliRunner()
    with runner.isolation() as streams:
        try:
            main(args)
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        sys.stdout.flush()
        sys.stderr.flush()
        stdout, stderr = streams[0].getvalue().decode(), streams[1].getvalue().decode()
    return Result(code, stdout, stderr)


@pytest.fixture
def run(mini_kb: Path):  # type: ignore[no-untyped-def]
    """`run("show", "huzhou")` runs ipkb against the mini KB."""

    def _run(*args: str, kb: Path | None = None) -> Result:
        return invoke(["--kb", str(kb or mini_kb), *args])

    return _run
