"""The one declaration of each query command, and a dispatcher that runs it without typer or click.

A query command (show, path, search, list, neighbors) is declared once, in ipkb/cli/queries.py: its plain
function carries `@declare(COMMANDS, name, Arg(...), Opt(...), ...)` and its docstring is its help. From
that one declaration app.py builds the typer command (help, completion, usage errors), and `parse` here
reads well-formed command lines without importing typer (about 35 ms of each query's start-up).

`parse(args)` returns a call for a well-formed `ipkb [--kb DIR] [--db FILE] show|path|search|list|neighbors
... [options]` and None for anything else: --help, --version, an unknown or misspelt option, a missing or
extra argument, a bad or out-of-range number, `--`, a value that starts with a dash, shell completion.
`ipkb.cli.main` then hands those to the typer app, which stays the one authority on usage errors and help;
a None here never changes what the user sees, only how long it takes. One usage error is said here, for
any command, and by main's typer path in the same words: a global option after the command
(`misplaced_globals`: `show x --kb DIR`, which click knows only as "No such option"). tests/test_fast_cli.py checks the
typer commands built from the declarations against the declarations and runs command lines both ways.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, Literal, NamedTuple, TypeVar

from ipkb.errors import UsageError

Kind = Literal["flag", "str", "int"]
Function = TypeVar("Function", bound=Callable[..., None])


# NamedTuples, not dataclasses: a dataclass costs about 0.6 ms to define, which every query would pay
class Opt(NamedTuple):
    """An option: how it is spelt and read, its default, and what --help says of it."""

    name: str  # "--max-hops"
    dest: str  # the keyword of the plain function (and of the typer command)
    kind: Kind = "str"
    help: str = ""
    default: Any = None  # flags default to False (see `default_of`)
    multiple: bool = False
    min: int | None = None
    max: int | None = None
    choices: tuple[str, ...] = ()  # a str option taking only these values
    metavar: str | None = None
    show_default: bool = True
    complete: str | None = None  # a function of ipkb/cli/complete.py, for tab completion


class Arg(NamedTuple):
    """A required positional argument, always a string. A `variadic` one (only the last) takes one or more
    words, passed joined by single spaces: `search keqiao qu` means `search "keqiao qu"`."""

    name: str  # the keyword of the plain function
    help: str
    metavar: str | None = None
    complete: str | None = None
    variadic: bool = False


class Command(NamedTuple):
    name: str  # as typed: "list"
    function: Callable[..., None]  # called with every argument and option as a keyword
    arguments: tuple[Arg, ...]  # in order
    options: tuple[Opt, ...]
    help: str  # the function's docstring


def default_of(opt: Opt) -> Any:
    return False if opt.kind == "flag" else opt.default


def declare(registry: dict[str, Command], name: str, *params: Arg | Opt) -> Callable[[Function], Function]:
    """Record `function` as the command `name`, with these arguments and options, in `registry`."""

    def record(function: Function) -> Function:
        arguments = tuple(p for p in params if isinstance(p, Arg))
        options = tuple(p for p in params if isinstance(p, Opt))
        registry[name] = Command(name, function, arguments, options, function.__doc__ or "")
        return function

    return record


MAX_INT = 2**63 - 1  # SQLite's largest integer: beyond it a number is a usage error, not an OverflowError

# the options every query may take (the analysis commands reuse them through app.py)
AS_OF = Opt(
    "--as-of",
    "as_of",
    help="Answer as of DATE: leave out relations not yet begun or already ended, and later figures.",
    metavar="DATE",
    show_default=False,
)
JSON = Opt("--json", "as_json", "flag", help="Print one JSON document on stdout.")
TYPES = Opt(
    "--type",
    "types",
    help="Only this entity type (repeatable): city, county, center, agency, ...; `ipkb stats` lists them all.",
    multiple=True,
    complete="entity_types",
)
VIA = Opt(
    "--via",
    "via",
    help="Only these relation types (repeatable): located_in, subcenter_of, ...; `ipkb stats` lists them all.",
    multiple=True,
    complete="relation_types",
)

# the global options the fast path reads; the typer callback in app.py declares them with their help
GLOBALS = (Opt("--kb", "kb"), Opt("--db", "db"))

GLOBAL_METAVARS = {"--kb": "DIR", "--db": "FILE"}  # a stand-in for a value left off: `show x --kb`

Kwargs = dict[str, Any]  # a command function's keyword arguments: each option's value, of its own type
COMPLETION_VARIABLE = "_IPKB_COMPLETE"  # click's shell completion for prog name "ipkb": typer's business


class _NotMine(Exception):
    """Something the fast path does not fully understand: typer takes the whole command line."""


def _options(args: list[str], known: tuple[Opt, ...], stop_at_positional: bool) -> tuple[Kwargs, list[str]]:
    """Read options as click does (`--opt value`, `--opt=value`, the last of a repeated single option wins,
    repeatable options collect); return them with the positionals met. A group's options end at its first
    positional (the command name), which is returned with everything after it."""
    by_name = {o.name: o for o in known}
    values: Kwargs = {}
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


def misplaced_globals(args: list[str]) -> UsageError | None:
    """`ipkb show huzhou --kb kb`: a global option after the command, which click knows only as "No such
    option: --kb". A usage error that says where it goes, with the command line put right; None if there is
    none (or no command: `--help`, `--version` and the like are typer's). `--` ends the options."""
    names = tuple(o.name for o in GLOBALS)
    start = 0
    while start < len(args) and args[start].partition("=")[0] in names:  # those before the command
        start += 1 if "=" in args[start] else 2
    if start >= len(args) or args[start].startswith("-"):
        return None
    wrong: list[str] = []
    moved: list[str] = []
    kept: list[str] = []
    i = start + 1
    while i < len(args):
        arg = args[i]
        name, equals, _ = arg.partition("=")
        if arg == "--":
            kept += args[i:]
            break
        if name not in names:
            kept.append(arg)
            i += 1
            continue
        wrong.append(name)
        value = args[i + 1] if not equals and i + 1 < len(args) and not args[i + 1].startswith("-") else None
        moved += [arg] if equals else [arg, value or GLOBAL_METAVARS[name]]
        i += 1 if value is None else 2
    if not wrong:
        return None
    import shlex

    said = " and ".join(dict.fromkeys(wrong))
    one = len(set(wrong)) == 1
    return UsageError(
        f"{said} {'is a global option' if one else 'are global options'}: put {'it' if one else 'them'} "
        "before the command",
        hint=shlex.join(["ipkb", *args[:start], *moved, args[start], *kept]),
    )


TYPERS_OWN = ("--help", "-h", "--version", "--install-completion", "--show-completion")


def misplaced_options(args: list[str], commands: Callable[[], Mapping[str, Mapping[str, bool]]]) -> UsageError | None:
    """`ipkb --json show huzhou`, `ipkb --as-of 2021 show huzhou`: a command's option before the command, which
    click reads as the group's and answers "No such option: --as-of". A usage error that says it goes after the
    command, with the command line put right; None if there is none, or if the command does not take that
    option (or takes no value with it): click's own message then names it. `commands()` gives each command's
    options as declared, each with whether it takes a value; it is asked only when an option other than
    --kb/--db comes first."""
    names = tuple(o.name for o in GLOBALS)
    known: Mapping[str, Mapping[str, bool]] = {}
    i, before, kept = 0, [], []
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        name, equals, _ = args[i].partition("=")
        if name in TYPERS_OWN:
            return None
        if name in names:
            kept += args[i : i + (1 if equals else 2)]
            i += 1 if equals else 2
            continue
        known = known or commands()
        given = [args[i]]
        i += 1
        if not equals and i < len(args) and not args[i].startswith("-") and args[i] not in known:
            given.append(args[i])  # its value: the command comes later
            i += 1
        before.append(given)
    if not before or i >= len(args) or args[i] not in known:
        return None
    takes = known[args[i]]
    for given in before:
        name, equals, _ = given[0].partition("=")
        if name not in takes or (len(given) > 1 and not takes[name]) or (equals and not takes[name]):
            return None
    import shlex

    said = " and ".join(given[0] for given in before)
    one = len(before) == 1
    return UsageError(
        f"{said} {'is an option' if one else 'are options'} of the command: put {'it' if one else 'them'} after it",
        hint=shlex.join(["ipkb", *kept, *args[i:], *(word for given in before for word in given)]),
    )


def parse(args: list[str]) -> Callable[[], None] | None:
    """A call that runs the query `args` ask for, or None when typer should handle them."""
    if COMPLETION_VARIABLE in os.environ:
        return None
    misplaced = misplaced_globals(args)
    if misplaced is not None:  # any command's: the same message typer's path gives (app.py), sooner

        def refuse() -> None:
            raise misplaced

        return refuse
    from ipkb.cli.queries import COMMANDS

    try:
        global_values, rest = _options(args, GLOBALS, stop_at_positional=True)
        if not rest or rest[0] not in COMMANDS:
            return None
        command = COMMANDS[rest[0]]
        given, positionals = _options(rest[1:], command.options, stop_at_positional=False)
    except _NotMine:
        return None
    arguments = command.arguments
    if arguments and arguments[-1].variadic and len(positionals) > len(arguments):
        positionals = [*positionals[: len(arguments) - 1], " ".join(positionals[len(arguments) - 1 :])]
    if len(positionals) != len(arguments):
        return None
    values = {o.dest: default_of(o) for o in command.options}
    values.update(given)
    values.update(zip((a.name for a in arguments), positionals, strict=True))

    def call() -> None:
        from ipkb.cli import OPTIONS

        OPTIONS.kb, OPTIONS.db = global_values.get("kb"), global_values.get("db")
        command.function(**values)

    return call
