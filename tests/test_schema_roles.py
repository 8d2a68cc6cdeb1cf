"""The schema's roles are data: no Python module but ipkb/build/schema.py names a relation or entity type of
kb/schema.yaml, and the roles it declares are the ones the code acts on."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from ipkb.build.schema import load_schema, parse_schema
from ipkb.model import Problem
from tests.conftest import REPO

PACKAGE = REPO / "ipkb"
# (module, name) -> why the literal must stay. Field names of records and JSON shapes that happen to be
# spelt like a type (a citation's `source`, a timeline row's `event`) are not type names: the scan skips
# dict keys, subscripts and .get() keys; what is left and still not a type is listed here.
ALLOWED = {
    ("ipkb/cli/queries.py", "designation"): "the `list --designation` option's keyword, not the entity type",
    ("ipkb/export/graphml.py", "source"): "GraphML's own `source` attribute of an edge",
    ("ipkb/export/gexf.py", "source"): "GEXF's own `source` attribute of an edge",
    ("ipkb/export/jsonl.py", "source"): 'the record kind `{"record": "source"}` of the JSON Lines contract',
    ("ipkb/render/analysis.py", "source"): "a column heading (the citation), not the entity type",
    ("ipkb/render/analysis.py", "event"): "a column heading and a timeline row's key, not the entity type",
    ("ipkb/build/derive.py", "person"): "the schema's `pinyin: person` style word, not the entity type",
    ("ipkb/build/fields.py", "source"): "a citation's `source:` key as curators write it, not the entity type",
    ("ipkb/render/show.py", "source"): "a column heading (the citation), not the entity type",
    ("ipkb/render/text.py", "source"): "the noun of a count (`468 sources`), not the entity type",
    ("ipkb/text.py", "center"): "English spelling: British `centre` is folded to `center`, not the entity type",
    ("ipkb/text.py", "program"): "English spelling: British `programme` folds to `program`, not the entity type",
    ("ipkb/text.py", "organization"): "English spelling: `organisation` folds to it, not the entity type",
}


def schema_names() -> set[str]:
    problems: list[Problem] = []
    schema = load_schema(REPO / "kb" / "schema.yaml", "schema.yaml", problems)
    return set(schema.entity_types) | set(schema.relation_types)


def _keys(tree: ast.AST) -> set[int]:
    """ids of the string constants used as keys: dict keys, subscripts, the first argument of get/pop."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            out |= {id(k) for k in node.keys if k is not None}
        elif isinstance(node, ast.Subscript):
            out.add(id(node.slice))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            if node.func.attr in ("get", "pop", "setdefault"):
                out.add(id(node.args[0]))
        elif isinstance(node, ast.keyword) and node.arg is not None:
            pass
    return out


def named_types(path: Path, names: set[str]) -> Iterator[tuple[int, str]]:
    """(line, name) of each string literal that is a type or relation name, or quotes one in SQL ('x')."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    keys = _keys(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if node.value in names and id(node) not in keys:
            yield node.lineno, node.value
        for name in names:
            if f"'{name}'" in node.value:
                yield node.lineno, name


def test_no_module_but_schema_py_names_a_type_or_relation() -> None:
    names = schema_names()
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        shown = path.relative_to(REPO).as_posix()
        if shown == "ipkb/build/schema.py":
            continue
        found += [
            f"{shown}:{line}: {name!r}" for line, name in named_types(path, names) if (shown, name) not in ALLOWED
        ]
    assert not found, "use the schema's roles (ipkb.roles) instead:\n" + "\n".join(found)


def test_the_scan_finds_a_named_relation(tmp_path: Path) -> None:
    """The check above can fail: a module naming a relation, or quoting a type in SQL, is caught."""
    module = tmp_path / "m.py"
    module.write_text(
        "HOLDS = \"holds_designation\"\nSQL = \"SELECT name FROM entity_type WHERE grp = 'x' OR name = 'city'\"\n"
        'row = {"source": 1}\nrow["source"]\nrow.get("event")\n'
    )
    assert list(named_types(module, schema_names())) == [(1, "holds_designation"), (2, "city")]


def test_every_allowance_is_still_needed() -> None:
    names = schema_names()
    for shown, name in ALLOWED:
        assert (name, True) in {(n, True) for _, n in named_types(REPO / shown, names)}, (shown, name)


def test_the_bundled_schema_declares_every_role() -> None:
    problems: list[Problem] = []
    roles = load_schema(REPO / "kb" / "schema.yaml", "schema.yaml", problems).roles
    assert not problems
    assert None not in (roles.location, roles.designation, roles.office, roles.planned)
    assert roles.start and roles.end and roles.places and roles.sources
    schema = load_schema(REPO / "kb" / "schema.yaml", "schema.yaml", problems)
    assert set(roles.colours) == set(schema.entity_types) == set(roles.zh)


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        ({"location": "lies_in"}, "roles: location names unknown relation type 'lies_in'"),
        ({"start": ["from"]}, "roles: start names unknown qualifier 'from'"),
        ({"planned": {"status": "dreamt"}}, "roles: planned status: dreamt is not a word of that qualifier"),
        ({"places": ["region"]}, "unknown entity type or group 'region' in domain/range"),
        ({"where": "located_in"}, "unknown key 'where' in roles"),
    ],
)
def test_a_role_must_name_what_the_schema_declares(roles: dict[str, object], message: str) -> None:
    data = {
        "entity_types": {"city": {"group": "place"}},
        "qualifiers": {"since": "date", "status": ["planned"]},
        "relation_types": {"located_in": {"label": "located in"}},
        "roles": roles,
    }
    problems: list[Problem] = []
    parse_schema(data, "schema.yaml", problems)
    assert [p.message for p in problems] == [message]
