"""The library face: ipkb.open_kb() gives Python the same documents the CLI prints with --json."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import ipkb
from ipkb.errors import EntityNotFound, UsageError
from tests.conftest import REPO, invoke


def cli_json(kb: Path, *args: str) -> object:
    result = invoke(["--kb", str(kb), *args, "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_every_query_equals_the_cli_json(mini_kb: Path) -> None:
    kb = ipkb.open_kb(mini_kb)
    assert kb.show("huzhou") == cli_json(mini_kb, "show", "huzhou")
    assert kb.path("keqiao", "national-center") == cli_json(mini_kb, "path", "keqiao", "national-center")
    assert kb.search("zhou") == cli_json(mini_kb, "search", "zhou")
    assert kb.list_entities(["city"]) == cli_json(mini_kb, "list", "--type", "city")
    assert kb.neighbors("huzhou", depth=2) == cli_json(mini_kb, "neighbors", "huzhou", "--depth", "2")


def test_names_resolve_and_errors_are_typed(mini_kb: Path) -> None:
    kb = ipkb.open_kb(mini_kb)
    assert kb.resolve("湖州") == ["huzhou"]
    with pytest.raises(EntityNotFound) as missing:
        kb.show("huzhuo")
    assert any("huzhou" in s for s in missing.value.suggestions)
    with pytest.raises(UsageError):
        kb.list_entities(["no-such-type"])


def test_a_kb_edit_is_seen_by_the_next_open(mini_kb: Path, tmp_path: Path) -> None:
    db = tmp_path / "kb.sqlite"
    assert ipkb.open_kb(mini_kb, db).search("Wonderland") == []
    places = mini_kb / "entities" / "extra.yaml"
    places.write_text("- {id: wonderland, type: city, name: Wonderland}\n", encoding="utf-8")
    assert [row["id"] for row in ipkb.open_kb(mini_kb, db).search("Wonderland")] == ["wonderland"]


def test_the_readme_example_runs() -> None:
    """The notebook example in the README is real code against the bundled KB."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```python\n(.*?)```", readme, re.S)
    namespace: dict[str, object] = {}
    exec(example, namespace)  # the README's own lines, run as a reader would paste them
    assert namespace["kb"].__class__ is ipkb.KB
