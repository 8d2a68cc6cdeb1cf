"""A KB folder with only schema.yaml (a new user's first step): `stats` printed blank lines and
`relations 0 0 (100%) 0 (100%)`, `coverage` a title over nothing; and a folder without entities/ passed silently
though the error for a folder without schema.yaml says a KB holds schema.yaml, entities/ and relations/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, invoke


@pytest.fixture
def empty_kb(tmp_path: Path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    shutil.copy(FIXTURES / "mini" / "schema.yaml", folder)
    return folder


@pytest.mark.parametrize("command", ["stats", "coverage"])
def test_an_empty_kb_says_it_holds_no_entities(empty_kb: Path, command: str) -> None:
    result = invoke(["--kb", str(empty_kb), command])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"the KB holds no entities yet (KB folder: {empty_kb.resolve()})\n"
    assert "has no entities/ folder" in result.stderr and "schema.yaml, entities/ and relations/" in result.stderr


ONE = """
- id: src-a
  type: source
  name: A source
- id: zhejiang
  type: province
  name: Zhejiang
  zh: 浙江省
  sources: [{source: src-a, quote: "浙江省"}]
"""


def test_a_share_of_no_claims_is_no_share(empty_kb: Path) -> None:
    stats = json.loads(invoke(["--kb", str(empty_kb), "stats", "--json"]).stdout)
    for kind in ("relations", "facts"):
        shares = stats["citations"][kind]
        assert shares["total"] == 0 and shares["share_with_source"] is None and shares["share_with_quote"] is None
        assert shares["share_with_quote_from_source_text"] is None
    report = json.loads(invoke(["--kb", str(empty_kb), "coverage", "--json"]).stdout)
    assert report["facts_inferred"] == {"count": 0, "of": 0, "share": None}
    (empty_kb / "entities").mkdir()  # entities, no relations or facts: their rows have no shares
    (empty_kb / "entities" / "one.yaml").write_text(ONE)
    text = invoke(["--kb", str(empty_kb), "stats"])
    assert text.exit_code == 0 and text.stderr == ""
    rows = {
        line.split()[0]: line.split()[1:]
        for line in text.stdout.splitlines()
        if line.split()[:1] in (["relations"], ["facts"])
    }
    assert rows == {"relations": ["0", "–", "–", "–"], "facts": ["0", "–", "–", "–"]}
    assert "\n\n\n" not in text.stdout  # no empty table's blank lines
    coverage = invoke(["--kb", str(empty_kb), "coverage"]).stdout
    assert "claimed totals: none" in coverage and "facts marked inferred: – (no facts)" in coverage


def test_a_kb_with_entities_gets_no_note(mini_kb: Path) -> None:
    result = invoke(["--kb", str(mini_kb), "stats"])
    assert result.exit_code == 0 and result.stderr == ""
