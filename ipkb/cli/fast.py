"""A small dispatcher for the read-only queries that never imports typer or click (0.1 s to import).

`parse(args)` returns a call for a well-formed `ipkb [--kb DIR] [--db FILE] show|path|search|list|neighbors
... [options]` and None for anything else: --help, --version, an unknown or misspelt option, a missing or
extra argument, a bad or out-of-range number, `--`, a value that starts with a dash, shell completion.
`ipkb.cli.main` then hands those to the typer app, which stays the one authority on usage errors and help;
a None here never changes what the user sees, only how long it takes.

SPEC mirrors the typer commands in query_commands.py (and GLOBALS the callback in app.py);
tests/test_fast_cli.py checks it against typer's click command, so the two cannot drift apart.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Literal, NamedTuple

Kind = Literal["flag", "str", "int"]


# NamedTuples, not dataclasses: a dataclass costs about 0.6 ms to define, which every query would pay
class Opt(NamedTuple):
    name: str  # "--max-hops"
    dest: str  # the keyword of the function in queries.py (and of the typer command)
    kind: Kind = "str"
    multiple: bool = False
    min: int | None = None
    max: int | None = None
    choices: tuple[str, ...] = ()  # a str option taking only these values


class Command(NamedTuple):
    function: str  # its name in ipkb.cli.queries
    arguments: tuple[str, ...]  # required positionals, in order: keyword names
    options: tuple[Opt, ...] = ()


AS_OF = Opt("--as-of", "as_of")
JSON = Opt("--json", "as_json", "flag")
VIA = Opt("--via", "via", multiple=True)
TYPES = Opt("--type", "types", multiple=True)

MAX_INT = 2**63 - 1  # SQLite's largest integer: beyond it a number is a usage error, not an OverflowError

GLOBALS = (Opt("--kb", "kb"), Opt("--db", "db"))

SPEC: dict[str, Command] = {
    "show": Command("show", ("entity",), (Opt("--quotes", "quotes", "flag"), AS_OF, JSON)),
    "path": Command(
        "path",
        ("start", "goal"),
        (Opt("--all", "all_paths", "flag"), VIA, Opt("--max-hops", "max_hops", "int", min=1), AS_OF, JSON),
    ),
    "search": Command("search", ("text",), (TYPES, Opt("--limit", "limit", "int", min=1, max=MAX_INT), JSON)),
    "list": Command(
        "list_entities",
        (),
        (
            TYPES,
            Opt("--in", "within"),
            Opt("--designation", "designation"),
            Opt("--columns", "columns", multiple=True),
            Opt("--format", "table_format", choices=("csv", "tsv", "json")),
            AS_OF,
            JSON,
        ),
    ),
    "neighbors": Command(
        "neighbors",
        ("entity",),
        (Opt("--depth", "depth", "int", min=1, max=10), VIA, Opt("--tree", "tree", "flag"), AS_OF, JSON),
    ),
}

COMPLETION_VARIABLE = "_IPKB_COMPLETE"  # click's shell completion for prog name "ipkb": typer's business


class _NotMine(Exception):
    """Something the fast path does not fully understand: typer takes the whole command line."""


def _options(args: list[str], known: tuple[Opt, ...], stop_at_positional: bool) -> tuple[dict[str, Any], list[str]]:
    """Read options as click does (`--opt value`, `--opt=value`, the last of a repeated single option wins,
    repeatable options collect); return them with the positionals met. A group's options end at its first
    positional (the command name), which is returned with everything after it."""
    by_name = {o.name: o for o in known}
    values: dict[str, Any] = {}
    positionals: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if not arg.startswith("-"):
            if stop_at_positional:
                return values, args[i - 1 :]
            positionals.append(arg)
            continue
        name, equals, explicit = arg.partition("=")
        opt = by_name.get(name)
        if opt is None:  # --help, -h, --, --version, a typo: typer's to explain
            raise _NotMine
        if opt.kind == "flag":
            if equals:
                raise _NotMine
            values[opt.dest] = True
            continue
        if equals:
            raw = explicit
        elif i < len(args) and not args[i].startswith("-"):
            raw = args[i]
            i += 1
        else:  # missing, or a value that looks like an option: leave the judgement to click
            raise _NotMine
        value: Any = raw
        if opt.choices and raw not in opt.choices:
            raise _NotMine
        if opt.kind == "int":
            if not (raw.isascii() and raw.isdigit()):
                raise _NotMine
            value = int(raw)
            if (opt.min is not None and value < opt.min) or (opt.max is not None and value > opt.max):
                raise _NotMine
        if opt.multiple:
            values.setdefault(opt.dest, []).append(value)
        else:
            values[opt.dest] = value
    return values, positionals


def parse(args: list[str]) -> Callable[[], None] | None:
    """A call that runs the query `args` ask for, or None when typer should handle them."""
    if COMPLETION_VARIABLE in os.environ:
        return None
    try:
        global_values, rest = _options(args, GLOBALS, stop_at_positional=True)
        if not rest or rest[0] not in SPEC:
            return None
        command = SPEC[rest[0]]
        values, positionals = _options(rest[1:], command.options, stop_at_positional=False)
    except _NotMine:
        return None
    if len(positionals) != len(command.arguments):
        return None
    values.update(zip(command.arguments, positionals, strict=True))

    def call() -> None:
        from ipkb.cli import OPTIONS, queries

        OPTIONS.kb, OPTIONS.db = global_values.get("kb"), global_values.get("db")
        getattr(queries, command.function)(**values)

    return call
