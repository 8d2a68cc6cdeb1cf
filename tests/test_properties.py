"""Property-based: whatever a curator's file holds, load, validate and build answer with problems, never crash."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipkb.build.store import build
from ipkb.build.validate import validate_folder
from ipkb.errors import InvalidKnowledgeBase
from tests.conftest import FIXTURES

KEYS = [
    "id",
    "type",
    "name",
    "zh",
    "aliases",
    "description",
    "attributes",
    "facts",
    "sources",
    "confidence",
    "from",
    "to",
    "year",
    "batch",
    "status",
    "date",
    "metric",
    "value",
    "period",
    "quote",
    "source",
    "entity",
]
IDS = ["huzhou", "zhejiang", "keqiao", "national-center", "src-article", "new-thing", "Bad Id", ""]
TYPES = ["city", "county", "center", "source", "located_in", "holds_designation", "subcenter_of", "planet"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 3000),
    st.floats(allow_nan=True),
    st.sampled_from(IDS + TYPES + ["2022-02-30", "2014", "planned", "湖州市"]),
    st.text(max_size=12),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)),
    max_leaves=12,
)
records = st.lists(st.dictionaries(st.sampled_from(KEYS), values, max_size=8), max_size=6)
documents = st.one_of(records, values)


def valid_entity(i: int) -> dict[str, Any]:
    return {"id": f"thing-{i}", "type": "county", "name": f"Thing {i}", "sources": [{"source": "src-article"}]}


def check(folder: str, text: str | bytes) -> None:
    """Lay one file over a copy of the mini KB; validate, and build when valid. Only typed outcomes allowed."""
    with tempfile.TemporaryDirectory() as tmp:
        kb = Path(tmp) / "kb"
        shutil.copytree(FIXTURES / "mini", kb)
        target = kb / folder / "generated.yaml"
        target.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
        _, _, problems = validate_folder(kb)
        for problem in problems:
            assert problem.line >= 1 and problem.message
        try:
            build(kb, Path(tmp) / "kb.sqlite")
        except InvalidKnowledgeBase as error:
            assert any(p.severity == "error" for p in error.problems)


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.sampled_from(["entities", "relations", "facts"]), documents)
def test_generated_structures_never_crash(folder: str, document: Any) -> None:
    check(folder, yaml.safe_dump(document, allow_unicode=True))


@FAST
@given(st.integers(1, 5), st.data())
def test_corrupted_valid_files_never_crash(count: int, data: st.DataObject) -> None:
    text = yaml.safe_dump([valid_entity(i) for i in range(count)], allow_unicode=True)
    position = data.draw(st.integers(0, len(text)))
    cut = data.draw(st.integers(0, 8))
    insert = data.draw(
        st.sampled_from(
            [
                "",
                ":",
                "- ",
                "\t",
                '"',
                "[",
                "{",
                "&a ",
                "*a",
                "!!python/name:os.system ",
                "\n  ",
                "\ufeff",
                "#",
                "}",
                "%",
            ]
        )
    )
    check("entities", text[:position] + insert + text[position + cut :])


@FAST
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_crash(blob: bytes) -> None:
    check("relations", blob)
