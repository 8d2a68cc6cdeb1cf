"""A count meets its noun in one place, ipkb.text (`counted`, and `unit_for` for a fact's unit): a new user's
trial read `1 agencies`, `1 days`, `1 enterprises` beside facts of value 1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ipkb.text import counted, unit_for
from tests.conftest import REPO

FACTS = """
- entity: huzhou
  metric: guidance_services
  value: 1
  period: "2015"
  sources: [{source: src-article, quote: "Huzhou City"}]
- entity: keqiao
  metric: guidance_services
  value: 2
  period: "2015"
  sources: [{source: src-article, quote: "Keqiao District"}]
- entity: keqiao
  metric: rights_protection_costs_reduced
  value: 1
  period: "2015"
  sources: [{source: src-article, quote: "Keqiao District"}]
"""


def test_counted_and_unit_for() -> None:
    assert [counted(n, "entity") for n in (0, 1, 2)] == ["0 entities", "1 entity", "2 entities"]
    assert (counted(1, "day"), counted(2, "day"), counted(2, "person", "people")) == ("1 day", "2 days", "2 people")
    singular = {
        "enterprises": "enterprise",
        "agencies": "agency",
        "days": "day",
        "working days": "working day",
        "sub-centers": "sub-center",
        "provincial-level regions": "provincial-level region",
        "patents per million people": "patent per million people",
    }
    for unit, one in singular.items():
        assert (unit_for(1, unit), unit_for(1.0, unit), unit_for(2, unit), unit_for(0.5, unit)) == (
            one,
            one,
            unit,
            unit,
        )
    for kept in ("yuan", "percent", "people", "rank", "countries and regions", "件", "class", "status"):
        assert unit_for(1, kept) == kept
    assert (unit_for(1, None), unit_for(True, "days"), unit_for("1", "days")) == ("", "days", "days")


@pytest.mark.parametrize(
    "command",
    [["show", "huzhou"], ["show", "keqiao"], ["timeline"], ["facts", "guidance_services"], ["show", "src-article"]],
)
def test_a_fact_of_one_reads_in_the_singular(run, mini_kb: Path, command: list[str]) -> None:
    (mini_kb / "facts" / "ones.yaml").write_text(FACTS)
    result = run(*command)
    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert not re.search(r"(?<![\d.,])1 (services|entities|relations|facts|sources)\b", out), out
    if command != ["show", "keqiao"]:
        assert re.search(r"(?<![\d.,])1 service\b", out), out
    if command[0] != "show" or command[1] == "keqiao":
        assert "2 services" in out
    if command in (["timeline"], ["show", "keqiao"]):
        assert "1 yuan" in out


def test_no_module_but_ipkb_text_spells_a_plural_by_hand() -> None:
    """`entit{'y' if n == 1 else 'ies'}`, `{'' if n == 1 else 's'}` and `error(s)` were how counts met nouns."""
    by_hand = re.compile(r"""else '(s|ies)'\}|\w\(s\)|'y' if""")
    found = [
        f"{path.relative_to(REPO)}:{n}"
        for path in (REPO / "ipkb").rglob("*.py")
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if by_hand.search(line) and path != REPO / "ipkb" / "text.py"
    ]
    assert found == []
