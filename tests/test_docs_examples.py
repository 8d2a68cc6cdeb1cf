"""The command examples in docs/analysis.md print what ipkb prints (a new user's trial: the page showed
`timeline cnipa` printing `role Director (Commissioner)`, which it had long since stopped printing).

Each `$ ipkb ...` line of a sh block is run against the bundled KB at the width the example was drawn for
and compared line by line; a ` ...` line in the example stands for lines left out. `diff` is left out: its
example shows an imagined edit, not a revision of this repository."""

from __future__ import annotations

import re
import shlex

import pytest

from tests.conftest import BUNDLED_KB, REPO, invoke

PAGE = REPO / "docs" / "analysis.md"
WIDTHS = {"show": 80, "facts": 110, "coverage": 104}  # the terminal each was drawn on; the rest at 100


def examples() -> list[tuple[str, list[str]]]:
    out = []
    for block in re.findall(r"```sh\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S):
        for part in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, shown = part.partition("\n")
            command = command.split("  #")[0].strip()
            if not command.startswith("ipkb diff"):
                out.append((command, shown.splitlines()))
    return out


def matches(shown: list[str], real: list[str]) -> bool:
    """Whether `real` reads as `shown`, where each ` ...` of `shown` may stand for any number of lines."""
    pattern = "".join(".*?" if line.strip() == "..." else re.escape(line.rstrip() + "\n") for line in shown)
    return re.fullmatch(pattern, "".join(line.rstrip() + "\n" for line in real), re.S) is not None


@pytest.mark.parametrize(("command", "shown"), examples(), ids=[c for c, _ in examples()])
def test_analysis_examples_print_what_ipkb_prints(
    command: str, shown: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ipkb, *pipe = (part.strip() for part in command.split("|"))
    args = shlex.split(ipkb)[1:]
    monkeypatch.setenv("COLUMNS", str(WIDTHS.get(args[0], 100)))
    result = invoke(["--kb", str(BUNDLED_KB), *args])
    assert result.exit_code == 0, result.stderr
    real = result.stdout.splitlines()
    for step in pipe:  # head -N, tail -N
        tool, count = step.split()
        real = real[: int(count[1:])] if tool == "head" else real[-int(count[1:]) :]
    assert matches(shown, real), "refresh the example in docs/analysis.md to this output:\n" + "\n".join(real)
