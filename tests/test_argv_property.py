"""Whatever a user types, ipkb answers with exit 0, 1 or 2 and never a traceback: hypothesis builds command
lines from every command's arguments and options, with random text, undecodable bytes, huge and negative
numbers, Unicode digits and option-like values, and runs them through the real entry point (fast path and
typer). Paths ipkb could write (--db, -o) stay inside a temporary folder; the KB is the read-only fixture."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES, invoke

MINI = FIXTURES / "mini"
SCRATCH = Path(tempfile.mkdtemp(prefix="ipkb-argv-"))

FLAG = None
# command -> (how many positionals it takes at most, its options: name -> FLAG or a kind of value)
COMMANDS: dict[str, tuple[int, dict[str, str | None]]] = {
    "show": (1, {"--as-of": "date", "--json": FLAG}),
    "path": (2, {"--all": FLAG, "--via": "word", "--max-hops": "int", "--as-of": "date", "--json": FLAG}),
    "search": (1, {"--type": "word", "--limit": "int", "--json": FLAG}),
    "list": (0, {"--type": "word", "--in": "word", "--designation": "word", "--as-of": "date", "--json": FLAG}),
    "neighbors": (
        1,
        {"--depth": "int", "--via": "word", "--tree": FLAG, "--table": FLAG, "--as-of": "date", "--json": FLAG},
    ),
    "coverage": (0, {"--json": FLAG}),
    "facts": (1, {"--type": "word", "--in": "word", "--period": "date", "--as-of": "date", "--json": FLAG}),
    "timeline": (1, {"--as-of": "date", "--json": FLAG}),
    "stats": (0, {"--json": FLAG}),
    "validate": (0, {"--texts": "word", "--json": FLAG}),
    "verify": (0, {"--texts": "word", "--json": FLAG}),
    "diff": (2, {"--json": FLAG}),
    "build": (0, {"--json": FLAG}),
    "export": (
        0,
        {
            "--format": "word",
            "--root": "word",
            "--depth": "int",
            "--type": "word",
            "--relation": "word",
            "--as-of": "date",
            "-o": "output",
        },
    ),
}

KNOWN = ["huzhou", "keqiao", "zhejiang", "湖州", "city", "located_in", "json", "ttl", "csv", "-", "--", "-h"]
# argv is C strings: anything but NUL; bytes that are not UTF-8 arrive surrogate-escaped
text = st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=12)
undecodable = st.binary(min_size=1, max_size=8).map(lambda b: os.fsdecode(b"x" + b.replace(b"\0", b"") + b"\xff"))
numbers = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80), st.sampled_from([0, 2**63 - 1, 2**63, 2**64])
).map(str)
unicode_digits = st.sampled_from(["２０１９", "٢٠١٩", "２", "۱۲", "2019-0１", "১০"])
words = st.one_of(text, st.sampled_from(KNOWN), undecodable, numbers, unicode_digits)
VALUES = {
    "word": words,
    "int": st.one_of(numbers, words),
    "date": st.one_of(st.sampled_from(["2019", "2019-06", "2019-02-30", "1", "99999-01-01"]), unicode_digits, words),
    "output": st.text(alphabet="abcxyz.-", min_size=1, max_size=8).map(lambda name: str(SCRATCH / name)),
}


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(sorted(COMMANDS)))
    most, options = COMMANDS[command]
    args = [command, *draw(st.lists(words, max_size=most + 1))]
    for name in draw(st.lists(st.sampled_from(sorted(options)), max_size=4)):
        kind = options[name]
        args += [name] if kind is None else [name, draw(VALUES[kind])]
    if command == "export" and "-o" not in args:
        args += ["-o", str(SCRATCH / "out")]
    return draw(st.permutations(args[1:]).map(lambda rest: [command, *rest])) if draw(st.booleans()) else args


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=command_lines(), typer_only=st.booleans())
def test_any_command_line_exits_0_1_or_2_without_a_traceback(args: list[str], typer_only: bool) -> None:
    os.environ.pop("IPKB_NO_FAST", None)
    if typer_only:
        os.environ["IPKB_NO_FAST"] = "1"
    try:
        result = invoke(["--kb", str(MINI), "--db", str(SCRATCH / "mini.sqlite"), *args])
    finally:
        os.environ.pop("IPKB_NO_FAST", None)
    event(f"{args[0]} exit {result.exit_code}")  # --hypothesis-show-statistics: what the examples reached
    assert result.exit_code in (0, 1, 2), (args, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout, (args, result.stderr)
    assert "internal error" not in result.stderr, (args, result.stderr)  # the last resort is never reached
    if result.exit_code == 0 and "-h" not in args and "--help" not in args:
        assert result.stdout.strip() or result.stderr.strip(), args  # never an empty answer with exit 0


def test_the_property_covers_every_command() -> None:
    from ipkb.cli.app import app

    assert {command.name or command.callback.__name__ for command in app.registered_commands} == set(COMMANDS)  # type: ignore[union-attr]
