"""The docs stay true: generated pages are current, and the YAML examples are valid records."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from ipkb.build.load import Mapping, read_yaml
from ipkb.build.schema import load_schema
from ipkb.build.validate import RawRecords, validate
from ipkb.model import Problem
from tests.conftest import BUNDLED_KB, REPO

sys.path.insert(0, str(REPO / "docs"))

import gen_cli
import gen_errors


@pytest.mark.parametrize("module", [gen_cli, gen_errors], ids=["cli.md", "errors.md"])
def test_generated_pages_are_current(module) -> None:  # type: ignore[no-untyped-def]
    assert module.TARGET.read_text(encoding="utf-8") == module.render(), f"run python docs/{module.__name__}.py"


def yaml_blocks(page: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", (REPO / "docs" / page).read_text(encoding="utf-8"), re.S)


def test_data_model_examples_are_valid_records(tmp_path: Path) -> None:
    problems: list[Problem] = []
    schema = load_schema(BUNDLED_KB / "schema.yaml", "schema.yaml", problems)
    raw = RawRecords([], [], [])
    blocks = yaml_blocks("data-model.md")
    assert len(blocks) >= 5
    for index, block in enumerate(blocks):
        path = tmp_path / f"block{index}.yaml"
        path.write_text(block, encoding="utf-8")
        document = read_yaml(path, path.name, problems)
        if not isinstance(document, list):
            continue  # the schema excerpt, or a fragment such as a `sources:` list
        for record in document:
            assert isinstance(record, Mapping)
            if "sources" in record and len(record) == 1:
                continue
            bucket = raw.relations if "from" in record else raw.facts if "entity" in record else raw.entities
            bucket.append((path.name, record))
    _, found = validate(schema, raw, problems)
    # References to entities outside the examples are expected; nothing else may be wrong.
    wrong = [p for p in found if p.severity == "error" and "does not exist" not in p.message]
    assert wrong == []


def test_ci_runs_the_readme_test_command() -> None:
    """CI must run what the README tells a new user to run, so a green CI means the README works."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(.*?)```", readme, re.S)[0].strip().splitlines()
    assert len(commands) == 2 and all(line.startswith("python3 -m venv .venv && ") for line in commands)
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci_lines[-1] == commands[1]
