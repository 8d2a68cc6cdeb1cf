"""The "JSON documents" section of docs/cli.md, written from the TypedDicts of ipkb/shapes.py,
ipkb/shapes_diff.py and the answer modules of ipkb/answers/ (docs/gen_cli.py calls it): the contract a
script that reads `--json` relies on.

The comments beside a class or key in those modules are their documentation here, so the contract and its
description stay in one place.
"""

from __future__ import annotations

import re
import types
from pathlib import Path
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, is_typeddict

from ipkb import answers, shapes, shapes_base

MODULES = [shapes_base, *answers.modules()]  # shapes_base: the parts they share, documented where declared
SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}
_CLASS = re.compile(r"^class (\w+)\b.*?(?:#\s*(.*))?$")
_ASSIGNED = re.compile(r"^(\w+) = TypedDict\(.*?(?:#\s*(.*))?$")
_KEY = re.compile(r"^    (\w+): [^#]*?(?:#\s*(.*))?$")


def comments() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """What the source says of each TypedDict (its line's comment, the comment lines above it, or its
    docstring) and of each key (its line's comment)."""
    of_class: dict[str, str] = {}
    of_key: dict[tuple[str, str], str] = {}
    for module in MODULES:
        lines = Path(str(module.__file__)).read_text(encoding="utf-8").splitlines()
        current = ""
        for number, line in enumerate(lines):
            if found := _CLASS.match(line) or _ASSIGNED.match(line):
                current, said = found.group(1), found.group(2) or ""
                above = number
                while above > 0 and lines[above - 1].startswith("# "):
                    above -= 1
                said = " ".join([*(text[2:] for text in lines[above:number]), said]).strip()
                if not said and number + 1 < len(lines) and lines[number + 1].strip().startswith('"""'):
                    said = lines[number + 1].strip().strip('"')
                of_class[current] = said
            elif (key := _KEY.match(line)) and current and key.group(2):
                of_key[(current, key.group(1))] = key.group(2)
    return of_class, of_key


def typed_dicts_in(hint: Any) -> list[Any]:
    """The TypedDicts a type mentions, outermost first."""
    if is_typeddict(hint) or is_typeddict(get_origin(hint)):
        return [hint]
    return [found for arg in get_args(hint) for found in typed_dicts_in(arg)]


def named(hint: Any) -> str:
    """A type as the reader of a JSON document meets it."""
    origin, args = get_origin(hint), get_args(hint)
    if is_typeddict(hint):
        return f"[{hint.__name__}](#{hint.__name__.lower()})"
    if is_typeddict(origin):  # a generic TypedDict with its argument
        return f"[{origin.__name__}](#{origin.__name__.lower()}) of {named(args[0])}"
    if hint is Any:
        return "any"
    if isinstance(hint, TypeVar):
        return hint.__name__
    if hint in SCALARS:
        return SCALARS[hint]
    if origin is Literal:
        return " or ".join(f'`"{arg}"`' if isinstance(arg, str) else f"`{arg}`" for arg in args)
    if origin in (Union, types.UnionType):
        return " or ".join(named(arg) for arg in args)
    if origin is list:
        return f"list of {named(args[0])}"
    if origin is tuple:
        return "array"
    if origin is dict:
        return "object" if args[1] is Any else f"object of {named(args[1])}"
    return str(hint)


def render() -> str:
    from ipkb.cli.queries import COMMANDS

    found = answers.documents()  # the query commands first, in the order of their declarations
    documents = {name: found[name] for name in COMMANDS if name in found} | found
    of_class, of_key = comments()
    out = [
        "## JSON documents",
        "",
        "Every command given `--json` prints one JSON document on stdout, of the type below; on an error it "
        'prints `{"ok": false, "errors": [Message, ...]}` on stderr instead (with the exit code of the error). '
        "A key marked *optional* may be absent; a type that includes null is always there, maybe null. "
        "Written from `ipkb/shapes.py` (and `shapes_diff.py`, and each answer module of `ipkb/answers/`), "
        "which mypy checks the code against and "
        "`tests/test_shapes.py` checks real output against.",
        "",
        "| command | document |",
        "| --- | --- |",
        *(f"| `{name}` | {named(document)} |" for name, document in documents.items()),
        "",
    ]
    seen: set[str] = set()
    order: list[Any] = []
    pending = [found for document in documents.values() for found in typed_dicts_in(document)] + [shapes.Message]
    while pending:
        typed = pending.pop(0)
        plain = get_origin(typed) or typed
        if plain.__name__ in seen:
            continue
        seen.add(plain.__name__)
        order.append(plain)
        for hint in shapes.keys_of(typed).values():
            pending.extend(typed_dicts_in(hint))
    for plain in order:
        out += [f"### {plain.__name__}", ""]
        if said := of_class.get(plain.__name__):
            out += [said, ""]
        out += ["| key | type | |", "| --- | --- | --- |"]
        for key, hint in shapes.keys_of(plain).items():
            notes = [] if key in plain.__required_keys__ else ["*optional*"]
            if said := _said_of(plain, key, of_key):
                notes.append(said)
            out.append(f"| `{key}` | {named(hint)} | {'; '.join(notes)} |")
        out.append("")
    return "\n".join(out)


def _said_of(plain: Any, key: str, of_key: dict[tuple[str, str], str]) -> str:
    """The comment on `key` in the class itself, else in a TypedDict it extends (one whose keys it all has)."""
    if (plain.__name__, key) in of_key:
        return of_key[(plain.__name__, key)]
    for module in MODULES:
        for name, base in vars(module).items():
            if (
                (name, key) in of_key
                and is_typeddict(base)
                and base.__annotations__.keys() <= plain.__annotations__.keys()
            ):
                return of_key[(name, key)]
    return ""
