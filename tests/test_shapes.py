"""The `--json` documents of real commands on the bundled KB have exactly the keys ipkb/shapes.py declares.

mypy checks that the views build their TypedDicts; this checks what they print: a key the TypedDict does
not declare, a required key missing, or a value of another kind fails, at any depth the shape describes.
"""

from __future__ import annotations

import ast
import json
import re
import shlex
import types
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, is_typeddict

import pytest

from ipkb import answers, shapes, shapes_base, shapes_diff
from ipkb.answers.neighbors import NeighborsPage
from ipkb.answers.path import PathView
from tests.conftest import BUNDLED_KB, invoke
from tests.test_analysis import diff_after_edits

SCALARS: dict[Any, tuple[type, ...]] = {str: (str,), int: (int,), float: (int, float), bool: (bool,)}


def problems(value: object, shape: Any, where: str = "$") -> list[str]:
    """Why `value` does not fit `shape` (a TypedDict, list, dict, union, Literal or scalar type); [] if it does."""
    if shape is Any:
        return []
    origin, args = get_origin(shape), get_args(shape)
    if is_typeddict(origin or shape):
        typed = origin or shape  # AddedRemoved[X] is the generic AddedRemoved with X for T
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, not a {typed.__name__}"]
        out = [f"{where}: {typed.__name__} has no key {k!r}" for k in value if k not in typed.__annotations__]
        out += [f"{where}: {typed.__name__} lacks {k!r}" for k in sorted(typed.__required_keys__ - value.keys())]
        hints = shapes.keys_of(shape)
        for key, item in value.items():
            if key in hints:
                out += problems(item, hints[key], f"{where}.{key}")
        return out
    if origin in (Union, types.UnionType):
        fits = [problems(value, arg, where) for arg in args]
        return [] if any(not p for p in fits) else fits[0]  # none fits: the first alternative's reasons
    if origin is Literal:
        return [] if value in args else [f"{where}: {value!r} is not one of {args}"]
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: {type(value).__name__}, not a list"]
        return [p for i, item in enumerate(value) for p in problems(item, args[0], f"{where}[{i}]")]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, not a dict"]
        return [p for k, item in value.items() for p in problems(item, args[1], f"{where}.{k}")]
    if origin is tuple:
        return [] if isinstance(value, list) else [f"{where}: {type(value).__name__}, not an array"]
    if shape is type(None):
        return [] if value is None else [f"{where}: {value!r}, not null"]
    kinds = SCALARS[shape]
    if isinstance(value, kinds) and not (isinstance(value, bool) and shape is not bool):
        return []
    return [f"{where}: {value!r} is not {shape.__name__}"]


CASES = [
    (["show", "huzhou"], shapes.ShowView),
    (["show", "cnipa"], shapes.ShowView),  # former names, with their citations
    (["show", "national-center", "--as-of", "2020"], shapes.ShowView),
    (["show", "src-huzhou-2014"], shapes.ShowView),  # a source: cited_by, supports
    (["show", "research-designations"], shapes.ShowView),
    (["path", "keqiao", "national-center"], PathView),
    (["path", "keqiao", "national-center", "--all"], PathView),
    (["path", "huzhou", "huzhou"], PathView),
    (["search", "柯桥"], shapes.SearchPage),
    (["search", "keqaio"], shapes.SearchPage),  # nothing found: "did you mean" suggestions
    (["list", "--type", "center", "--in", "zhejiang"], shapes.ListPage),
    (["list", "--designation", "national-ip-demonstration-city"], shapes.ListPage),
    (["neighbors", "national-center", "--depth", "2"], NeighborsPage),
    (["neighbors", "huzhou", "--as-of", "2015"], NeighborsPage),
    (["stats"], shapes.Stats),
    (["coverage"], shapes.CoverageReport),
    (["timeline"], list[shapes.TimelineEvent]),
    (["timeline", "national-center", "--as-of", "2020"], list[shapes.TimelineEvent]),
    (["facts"], list[shapes.MetricOverview]),
    (["facts", "--in", "huzhou"], list[shapes.EntityFact]),
]


@pytest.fixture(scope="module")
def bundled_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One database for every case: the bundled KB is built once."""
    return str(tmp_path_factory.mktemp("db") / "kb.sqlite")


@pytest.mark.parametrize(("args", "shape"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_json_has_the_keys_its_shape_declares(args: list[str], shape: Any, bundled_db: str) -> None:
    result = invoke(["--kb", str(BUNDLED_KB), "--db", bundled_db, *args, "--json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document, "an empty answer checks nothing"
    assert problems(document, shape) == []


def examples() -> list[tuple[str, list[str]]]:
    """Every command's examples from its --help (the `e.g. ipkb ...` lines), as (command, arguments)."""
    from typer.main import get_command

    from ipkb.cli.app import app

    found = []
    for name, command in get_command(app).commands.items():  # type: ignore[attr-defined]
        for line in re.findall(r"^\s*(?:e\.g\.\s+)?ipkb (.+)$", command.help or "", re.M):
            found.append((name, shlex.split(line.split(" | ")[0])))
    return found


# What an example cannot run on here: a KB of the reader's own, git revisions, the source texts beside the checkout
NOT_RUN_HERE = ("./my-kb", "diff", "verify", "export")


@pytest.mark.parametrize(("name", "args"), examples(), ids=[" ".join(a) for _, a in examples()])
def test_every_example_in_the_help_prints_the_document_its_command_declares(
    name: str, args: list[str], bundled_db: str
) -> None:
    """A command's --json document is declared once (a DOCUMENTS that answers.documents() finds), and the
    examples its help gives are run against it: a new command is checked without a case of its own here."""
    documents = answers.documents()
    assert name in documents or name == "export", f"declare {name}'s --json document in its module's DOCUMENTS"
    if any(word in args for word in NOT_RUN_HERE):
        pytest.skip("needs what a reader has and this checkout has not")
    drawn = ("--table", "--quotes", "--format", "-f")  # another output than the document: left out, with its value
    as_json = [w for i, w in enumerate(args) if w not in drawn and (i == 0 or args[i - 1] not in drawn[2:])]
    as_json += ["--json"] * ("--json" not in args)
    result = invoke(["--kb", str(BUNDLED_KB), "--db", bundled_db, *as_json])
    assert result.exit_code == 0, result.stderr
    assert problems(json.loads(result.stdout), documents[name]) == []


@pytest.mark.parametrize(("args", "shape"), [(["validate"], shapes.Validation), (["build"], shapes.Built)])
def test_the_kb_commands_json_has_its_shape(args: list[str], shape: Any, tmp_path: Path) -> None:
    result = invoke(["--kb", str(BUNDLED_KB), "--db", str(tmp_path / "kb.sqlite"), *args, "--json"])
    assert result.exit_code == 0, result.stderr
    assert problems(json.loads(result.stdout), shape) == []


def test_an_error_document_has_its_shape() -> None:
    for args in (["show", "no-such-entity"], ["list", "--type", "no-such-type"]):
        result = invoke(["--kb", str(BUNDLED_KB), *args, "--json"])
        document = json.loads(result.stderr)
        assert result.exit_code != 0 and document.keys() == {"ok", "errors"} and document["ok"] is False
        assert problems(document["errors"], list[shapes.Message]) == []


def test_diff_json_has_its_shape(mini_kb: Path) -> None:
    report = diff_after_edits(mini_kb)
    assert report["entities"]["renamed"] and report["facts"]["changed"] and report["relations"]["added"]
    assert problems(report, shapes_diff.Diff) == []


def test_the_cases_reach_the_optional_parts() -> None:
    """The documents above hold the keys a shape marks optional, so the check reaches their shapes too."""
    with_as_of = invoke(["--kb", str(BUNDLED_KB), "show", "national-center", "--as-of", "2020", "--json"])
    assert shapes.AsOf.__optional_keys__ <= json.loads(with_as_of.stdout).keys()
    source = invoke(["--kb", str(BUNDLED_KB), "show", "src-huzhou-2014", "--json"])
    assert shapes.SourceUse.__optional_keys__ <= json.loads(source.stdout).keys()


def test_the_check_fails_on_a_stray_or_missing_key() -> None:
    ref = {"id": "huzhou", "type": "city", "name": "Huzhou", "zh": None}
    assert problems(ref, shapes.EntityRef) == []
    assert problems({**ref, "extra": 1}, shapes.EntityRef) == ["$: EntityRef has no key 'extra'"]
    assert problems({k: v for k, v in ref.items() if k != "zh"}, shapes.EntityRef) == ["$: EntityRef lacks 'zh'"]
    cite = {"source": "s", "quote": None, "via": None}  # a Citation's via is left out, never null
    assert problems([{"entity": ref, "sources": [cite]}], list[shapes.SupportedEntity]) == [
        "$[0].sources[0].via: None is not str"
    ]


@pytest.mark.parametrize(
    ("name", "allowed"), [("shapes.py", {"typing", "ipkb.shapes_base"}), ("shapes_base.py", {"typing"})]
)
def test_shapes_imports_only_typing(name: str, allowed: set[str]) -> None:
    """Importing the shapes costs a query nothing: they need no module beyond typing (and their shared base)."""
    source = (BUNDLED_KB.parent / "ipkb" / name).read_text(encoding="utf-8")
    imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert {line.split()[1] for line in imports} <= allowed


@pytest.mark.parametrize("module", [shapes_base, *answers.modules()], ids=lambda m: m.__name__)
def test_a_module_of_documents_lets_typeddict_see_which_keys_may_be_absent(module: types.ModuleType) -> None:
    """Under `from __future__ import annotations` a TypedDict takes a `NotRequired` key for a required one, so
    docs/cli.md would stop marking it *optional* and a script would rely on a key that is sometimes absent."""
    tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
    future = [a.name for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "__future__" for a in n.names]
    assert "annotations" not in future
