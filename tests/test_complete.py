"""Tab completion, run as bash runs it: the completion variable set, the words so far, one candidate a line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BUNDLED_KB


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store for the module: each completion is a new process, but the KB is built once."""
    return tmp_path_factory.mktemp("complete") / "kb.sqlite"


def complete(words: str, db: Path) -> list[str]:
    env = {
        **os.environ,
        "_IPKB_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
        "IPKB_KB": str(BUNDLED_KB),
        "IPKB_DB": str(db),
    }
    script = [sys.executable, "-c", "import sys; from ipkb.cli import main; sys.argv[0] = 'ipkb'; main()"]
    result = subprocess.run(script, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result.stdout.split()


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("ipkb show huz", "huzhou"),
        ("ipkb path keqiao nati", "national-center"),
        ("ipkb neighbors --depth 2 zhej", "zhejiang"),
        ("ipkb list --type ci", "city"),
        ("ipkb search 柯桥 --type coun", "county"),
        ("ipkb path keqiao national-center --via loc", "located_in"),
        ("ipkb facts invention_patents_per", "invention_patents_per_10k_people"),
        ("ipkb list --format ", "csv"),
        ("ipkb export --format gr", "graphml"),
        ("ipkb export --type ce", "center"),
    ],
)
def test_completion_offers_what_the_kb_holds(words: str, expected: str, db: Path) -> None:
    offered = complete(words, db)
    assert expected in offered, offered
    typed = words.split()[-1] if not words.endswith(" ") else ""
    assert all(o.startswith(typed) for o in offered), offered


def test_completion_of_an_unknown_kb_offers_nothing_and_never_fails(tmp_path: Path) -> None:
    assert complete(f"ipkb --kb {tmp_path / 'missing'} show huz", tmp_path / "other.sqlite") == []
