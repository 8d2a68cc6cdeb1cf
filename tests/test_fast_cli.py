"""The fast path (ipkb/cli/fast.py) runs the read-only queries without typer. It must accept exactly what the
typer app accepts, mean the same by it, and leave everything else to typer: checked here against typer's own
click command, and by running a table of command lines both ways on the bundled KB."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest
import typer
from typer.core import TyperArgument, TyperGroup, TyperOption

from ipkb.cli import fast, queries
from ipkb.cli.app import app
from tests.conftest import BUNDLED_KB, Result, invoke

# typer's click command; click's classes are reached through typer's subclasses and the names of the
# parameter-type classes, since typer 0.17 imports click while later versions vendor a copy of it
GROUP = typer.main.get_command(app)
assert isinstance(GROUP, TyperGroup)
INT_TYPES = ("IntParamType", "IntRange", "AtLeast")


def _type(parameter: TyperOption | TyperArgument) -> str:
    return type(parameter.type).__name__


def _kind(option: TyperOption) -> str:
    if option.is_flag:
        return "flag"
    return "int" if _type(option) in INT_TYPES else "str"


def _described(opt: fast.Opt) -> tuple[object, ...]:
    return (opt.name, opt.dest, opt.kind, opt.multiple, opt.min, opt.max, opt.choices)


def _click_described(option: TyperOption) -> tuple[object, ...]:
    """What the fast path must know of an option; asserts it has nothing more the fast path would miss."""
    assert len(option.opts) == 1 and not option.secondary_opts, option.opts  # one spelling, no --no-x twin
    assert option.nargs == 1 and not option.envvar and option.callback is None and not option.is_eager
    assert _type(option) in (*INT_TYPES, "BoolParamType" if option.is_flag else "StringParamType", "TyperChoice"), (
        option
    )
    assert not getattr(option.type, "clamp", False)
    assert not getattr(option.type, "min_open", False) and not getattr(option.type, "max_open", False)
    return (
        option.opts[0],
        option.name,
        _kind(option),
        option.multiple,
        getattr(option.type, "min", None),
        getattr(option.type, "max", None),
        tuple(getattr(option.type, "choices", ())),
    )


@pytest.mark.parametrize("name", sorted(queries.COMMANDS))
def test_the_typer_command_is_the_declared_one(name: str) -> None:
    """typer's command, built from the declaration in queries.py, takes exactly what the fast path parses."""
    command = GROUP.commands[name]
    spec = queries.COMMANDS[name]
    assert command.allow_interspersed_args and not command.ignore_unknown_options and not command.allow_extra_args
    arguments = [p for p in command.params if isinstance(p, TyperArgument)]
    options = [p for p in command.params if isinstance(p, TyperOption)]
    assert len(arguments) + len(options) == len(command.params)
    assert all(a.required and _type(a) == "StringParamType" and a.callback is None for a in arguments)
    # a variadic argument (the last only) takes one or more words: click's nargs=-1
    assert [a.nargs for a in arguments] == [-1 if a.variadic else 1 for a in spec.arguments]
    assert not any(a.variadic for a in spec.arguments[:-1])
    assert tuple(a.name for a in arguments) == tuple(a.name for a in spec.arguments)
    assert sorted(_click_described(o) for o in options) == sorted(_described(o) for o in spec.options)  # type: ignore[type-var]
    declared = {o.dest: fast.default_of(o) for o in spec.options}
    for option in options:
        assert option.default == declared[option.name or ""] or (
            option.default is None and not declared[option.name or ""]
        ), option.name
    # the plain function takes every argument and option as a keyword
    assert list(inspect.signature(spec.function).parameters) == [p.name for p in command.params]


def test_fast_globals_match_the_typer_callback() -> None:
    options = [p for p in GROUP.params if isinstance(p, TyperOption)]
    assert len(options) == len(GROUP.params)
    ours = {o.name for o in fast.GLOBALS}
    # the rest (--version, --install-completion, --show-completion) print something and exit: typer's
    leftover = [o for o in options if o.opts[0] not in ours]
    assert leftover and all(o.is_flag and (o.is_eager or o.callback is not None) for o in leftover)
    assert sorted(_click_described(o) for o in options if o.opts[0] in ours) == sorted(  # type: ignore[type-var]
        _described(o) for o in fast.GLOBALS
    )
    assert GROUP.context_settings.get("help_option_names") == ["-h", "--help"]  # both fall back to typer


@pytest.fixture(scope="module")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("fast") / "bundled.sqlite"
    result = invoke(["--db", str(db), "build"])
    assert result.exit_code == 0, result.stderr
    return db


# (arguments, whether the fast path takes them)
TABLE: list[tuple[list[str], bool]] = [
    (["show", "huzhou"], True),
    (["show", "huzhou", "--json"], True),
    (["show", "--json", "湖州市"], True),
    (["show", "Huzhou City", "--as-of", "2015-01-01"], True),
    (["show", "huzhou", "--as-of=2015-01-01", "--json"], True),
    (["show", "huzhou", "--as-of", "not-a-date"], True),  # the core's usage error, exit 2
    (["show", "huzhou", "--as-of", "not-a-date", "--json"], True),
    (["show", "nowhere-at-all"], True),  # lookup error, exit 1
    (["show", "nowhere-at-all", "--json"], True),
    (["show", ""], True),
    (["show", "huzhou", "--json", "--json"], True),
    (["--kb", str(BUNDLED_KB), "show", "keqiao"], True),
    (["--kb=" + str(BUNDLED_KB), "show", "keqiao", "--json"], True),
    (["--kb", "/no/such/folder", "show", "x"], True),
    (["path", "keqiao", "national-center"], True),
    (["path", "keqiao", "national-center", "--json"], True),
    (["path", "--all", "keqiao", "national-center"], True),
    (["path", "keqiao", "zhejiang", "--via", "located_in", "--via=holds_designation"], True),
    (["path", "keqiao", "national-center", "--via", "located_in"], True),  # no such path, exit 1
    (["path", "keqiao", "national-center", "--max-hops", "1"], True),
    (["path", "keqiao", "national-center", "--max-hops=2", "--max-hops", "9", "--json"], True),
    (["path", "huzhou", "nowhere"], True),
    (["path", "huzhou", "zhejiang", "--via", "no_such_relation"], True),
    (["show", "huzhou", "--quotes"], True),
    (["list", "--type", "city", "--columns", "id,name,located_in", "--format", "csv"], True),
    (["list", "--designation", "national-ip-demonstration-city", "--columns=id", "--columns", "year"], True),
    (["list", "--type", "city", "--format", "json"], True),
    (["list", "--columns", "nonsense"], True),  # the core's usage error, exit 2
    (["list", "--format", "xls"], False),  # click's choice error
    (["search", "湖州"], True),
    (["search", "柯桥", "--type", "county", "--type=city"], True),
    (["search", "keqiao", "--limit", "1", "--json"], True),
    (["search", "示范", "--limit=2", "--limit", "3"], True),
    (["search", "   "], True),
    (["search", "x", "--type", "planet"], True),
    (["search", "keqiao", "qu"], True),  # several words are one text
    (["search", "keqiao", "--limit", "1", "qu", "--json"], True),
    (["search", "zhejiang", "protection", "center", "--type", "center"], True),
    (["list", "--type", "city"], True),
    (["list", "--in", "zhejiang", "--json"], True),
    (["list", "--in", "mars"], True),
    (["list", "--designation", "national-ip-demonstration-city", "--as-of", "2013-06-01"], True),
    (["list"], True),
    (["neighbors", "huzhou"], True),
    (["show", "Zhizheng", "District"], True),  # an entity's words need no quotes, as search's
    (["neighbors", "huzhou", "--depth", "2", "--tree"], True),
    (["neighbors", "huzhou", "--depth=10", "--via", "located_in", "--json"], True),
    # a global option after the command: the same usage error both ways, without typer here
    (["show", "huzhou", "--kb", str(BUNDLED_KB)], True),
    (["show", "huzhou", "--db=x.sqlite", "--json"], True),
    (["validate", "--kb", str(BUNDLED_KB)], True),
    (["search", "--", "--kb"], False),  # after `--` it is the text looked for
    # everything below is typer's
    ([], False),
    (["--help"], False),
    (["-h"], False),
    (["--version"], False),
    (["show", "--help"], False),
    (["show", "huzhou", "-h"], False),
    (["show"], False),
    (["show", "huzhou", "--jsn"], False),
    (["show", "huzhou", "--json=1"], False),
    (["show", "huzhou", "--as-of"], False),
    (["show", "--", "huzhou"], False),
    (["show", "-", "x"], False),
    (["--json", "show", "huzhou"], False),
    (["--kb"], False),
    (["--kb", "--json", "show", "huzhou"], False),
    (["path", "keqiao"], False),
    (["path", "keqiao", "national-center", "--max-hops", "0"], False),
    (["path", "keqiao", "national-center", "--max-hops", "two"], False),
    (["search", "x", "--limit", "0"], False),
    (["search", "x", "--limit", "-1"], False),
    (["search", "x", "--limit", "+5"], False),
    (["search", "x", "--limit=abc"], False),
    (["search", "-x"], False),
    (["list", "huzhou"], False),
    (["list", "--in", "--json"], False),
    (["neighbors", "huzhou", "--depth", "11"], False),
    (["neighbors", "huzhou", "--tree=yes"], False),
    (["stats"], False),
    (["sho", "huzhou"], False),
]


@pytest.mark.parametrize(("args", "is_fast"), TABLE, ids=[" ".join(a) or "(none)" for a, _ in TABLE])
def test_fast_path_and_typer_answer_alike(
    args: list[str], is_fast: bool, built_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (fast.parse(args) is not None) == is_fast
    monkeypatch.setenv("IPKB_DB", str(built_db))
    quick = invoke(args)
    monkeypatch.setenv("IPKB_NO_FAST", "1")
    slow = invoke(args)
    assert (quick.exit_code, quick.stdout, quick.stderr) == (slow.exit_code, slow.stdout, slow.stderr)
    assert isinstance(quick, Result) and "Traceback" not in quick.stderr


def test_shell_completion_is_left_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fast.COMPLETION_VARIABLE, "complete_bash")
    assert fast.parse(["show", "huzhou"]) is None


def test_a_commands_option_before_the_command_says_where_it_goes() -> None:
    """`ipkb --json show huzhou` met click's "No such option: --json (Possible options: --version)", which
    points at the wrong option: the usage error says --json goes after the command, and shows the line so."""
    shown = invoke(["--json", "show", "huzhou"])
    assert shown.exit_code == 2 and shown.stdout == ""
    assert json.loads(shown.stderr)["errors"] == [
        {"message": "--json is an option of the command: put it after it", "hint": "ipkb show huzhou --json"}
    ]
    both = invoke(["--quotes", "--kb", "kb", "--as-of=2020", "show", "huzhou"])
    assert both.exit_code == 2
    assert both.stderr == (
        "error: --quotes and --as-of=2020 are options of the command: put them after it\n"
        "  ipkb --kb kb show huzhou --quotes --as-of=2020\n"
    )
    assert invoke(["--full", "diff", "HEAD"]).stderr.splitlines()[-1] == "  ipkb diff HEAD --full"  # typer's too
    assert invoke(["--version"]).exit_code == 0 and "No such option" in invoke(["--nosuch"]).stderr


def test_an_option_with_a_value_before_the_command_says_where_it_goes() -> None:
    """`ipkb --as-of 2021 show huzhou` (a new user's trial) met only "No such option: --as-of": an option that
    takes a value, put before the command, is told to go after it as --json is, value and all; the options are
    read from the commands as declared, so every command's are (timeline's --as-of, list's --type)."""
    shown = invoke(["--as-of", "2021", "show", "huzhou"])
    assert shown.exit_code == 2 and shown.stdout == ""
    assert shown.stderr == (
        "error: --as-of is an option of the command: put it after it\n  ipkb show huzhou --as-of 2021\n"
    )
    listed = invoke(["--type", "center", "--kb", "kb", "--json", "list", "--in", "zhejiang"])
    assert json.loads(listed.stderr)["errors"] == [
        {
            "message": "--type and --json are options of the command: put them after it",
            "hint": "ipkb --kb kb list --in zhejiang --type center --json",
        }
    ]
    assert invoke(["--as-of", "2021", "timeline", "x"]).stderr.splitlines()[-1] == "  ipkb timeline x --as-of 2021"
    # not the command's option, or a flag given a value: click's own message names it
    assert "No such option: --depth" in invoke(["--depth", "2", "show", "huzhou"]).stderr
    assert "No such option: --quotes" in invoke(["--quotes", "yes", "show", "huzhou"]).stderr


@pytest.mark.parametrize("fast_path", [True, False])
def test_a_global_option_after_the_command_says_where_it_goes(fast_path: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """`ipkb show huzhou --kb kb` met click's bare "No such option: --kb" (a new user's trial): the usage
    error says --kb and --db go before the command, and how the command line reads with them there."""
    if not fast_path:
        monkeypatch.setenv("IPKB_NO_FAST", "1")
    shown = invoke(["show", "huzhou", "--kb", "kb"])
    assert shown.exit_code == 2 and shown.stdout == ""
    assert shown.stderr == ("error: --kb is a global option: put it before the command\n  ipkb --kb kb show huzhou\n")
    both = invoke(["--kb", "kb", "list", "--type", "city", "--db=my kb.sqlite", "--json"])
    assert both.exit_code == 2
    assert json.loads(both.stderr)["errors"] == [
        {
            "message": "--db is a global option: put it before the command",
            "hint": "ipkb --kb kb '--db=my kb.sqlite' list --type city --json",
        }
    ]
    left_off = invoke(["stats", "--db"])  # not a query: typer's command, and the value left off
    assert (left_off.exit_code, left_off.stderr.splitlines()[-1]) == (2, "  ipkb --db FILE stats")
