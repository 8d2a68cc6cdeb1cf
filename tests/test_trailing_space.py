"""No printed line ends in a space: rich kept the space where it wrapped a line (`... includes ⏎2019-12-31` in a
neighbours tree), and a tree's guides and a wrapped count line padded theirs."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from ipkb.render.layout import print_to
from tests.conftest import invoke

COMMANDS = [
    ["show", "huzhou"],
    ["show", "cnipa"],
    ["show", "national-center"],
    ["show", "src-huzhou-2014"],
    ["path", "tian-lipu", "huzhou"],
    ["path", "huzhou", "keqiao", "--all"],
    ["neighbors", "huzhou"],
    ["neighbors", "cnipa"],
    ["neighbors", "cnipa", "--table"],
    ["neighbors", "keqiao", "--depth", "2"],
    ["timeline"],
    ["timeline", "huzhou"],
    ["facts"],
    ["facts", "patent_grants"],
    ["coverage"],
    ["stats"],
]


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_no_line_of_the_bundled_kb_answers_ends_in_a_space(monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    ended = []
    for command in COMMANDS:
        result = invoke(command)
        assert result.exit_code == 0, (command, result.stderr)
        ended += [(command, line) for line in result.stdout.splitlines() if line != line.rstrip()]
    assert ended == []


@pytest.mark.parametrize("colour", [False, True])
def test_a_wrapped_text_and_a_tree_on_a_terminal_end_their_lines_without_a_space(colour: bool) -> None:
    stream = io.StringIO()
    console = Console(file=stream, width=30, force_terminal=colour, color_system="standard" if colour else None)
    tree = Tree("root")
    tree.add(Text("a label long enough to wrap at a space somewhere ", style="yellow")).add("leaf")
    print_to(console, Text("words that wrap at thirty columns on this console includes 2019-12-31"))
    print_to(console, tree)
    printed = stream.getvalue()
    assert "2019-12-31" in printed and "leaf" in printed
    plain = Text.from_ansi(printed).plain if colour else printed
    assert [line for line in plain.splitlines() if line != line.rstrip()] == []
