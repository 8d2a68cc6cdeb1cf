"""What a new user saw cut or lost in the bundled KB's views, seen as they see it at 60, 80 and 120 columns."""

from __future__ import annotations

import json
import re
from itertools import pairwise

import pytest
from rich.cells import cell_len

from tests.conftest import BUNDLED_KB, invoke


def ipkb(columns: int, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    result = invoke(["--kb", str(BUNDLED_KB), *args])
    assert result.exit_code == 0, result.stderr + result.stdout
    return result.stdout


LONG_NAMED = [
    (
        "national-center",
        "National Overseas Intellectual Property Dispute Response and Guidance Center",
        "国家海外知识产权纠纷应对指导中心",
    ),
    (
        "national-ip-strong-county-pilot-park",
        "National-level IP-powerful-country construction pilot park",
        "国家级知识产权强国建设试点园区",
    ),
    (
        "changsha-zhuzhou-xiangtan-national-innovation-demonstration-zone",
        "Changsha-Zhuzhou-Xiangtan National Innovation Demonstration Zone",
        "长株潭国家自主创新示范区",
    ),
    (
        "ip-assistance-hotline-12330",
        "12330 IP protection assistance hotline",
        "12330知识产权维权援助与举报投诉公益电话",
    ),
]


@pytest.mark.parametrize("columns", [60, 80, 120])
@pytest.mark.parametrize(("entity", "name", "zh"), LONG_NAMED)
def test_show_never_cuts_an_id_or_a_name(
    monkeypatch: pytest.MonkeyPatch, columns: int, entity: str, name: str, zh: str
) -> None:
    out = ipkb(columns, monkeypatch, "show", entity)
    box = out[: out.index("╯") + 1]
    assert "…" not in box
    lines = [line.strip("│╭╮╰╯─ ") for line in box.splitlines()]
    assert any(line.endswith(entity) for line in lines)  # the id whole on one line, to copy
    assert zh in "".join(lines)  # Chinese breaks between characters, but is all there
    assert name in " ".join(lines)
    for line in box.splitlines():  # only the id may run past the box's edge
        assert len(line) <= columns or line.endswith(entity)


@pytest.mark.parametrize("columns", [80, 120])
def test_show_keeps_names_in_the_border_when_they_fit(monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    lines = ipkb(columns, monkeypatch, "show", "huzhou").splitlines()
    assert lines[0].startswith("╭─ Huzhou  湖州市  Húzhōu Shì ─") and lines[0].endswith("─╮")
    footer = next(line for line in lines if line.startswith("╰"))
    assert footer.endswith("─ city · huzhou ─╯") and len(footer) == columns


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_neighbors_tree_shows_every_relation_between_two_entities(
    monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    out = ipkb(columns, monkeypatch, "neighbors", "huzhou")
    flat = " ".join(out.replace("│", " ").split())
    assert "batch 2 · 2013-07-24" in flat and "also holds · rank 4 · 2014" in flat  # one designation, twice
    assert "cooperates with Huzhou TV" in flat and re.search(r"also contains \[\d+\]", flat)
    # numbered, listed under it; its caveats (a first report) between the label and the number
    assert re.search(r"also subject of( · [^\[]*)? \[\d+\]", flat) and "src-huzhou-2014" in flat
    tree = out[: out.index("Notes")]
    edges = sum(line.lstrip("│ ").startswith(("├── ", "└── ", "also ")) for line in tree.splitlines())
    assert edges == 16  # as many as --json lists


def test_chinese_breaks_between_characters_but_not_inside_a_number() -> None:
    from rich.text import Text

    from ipkb.render.layout import wrap_whole_words

    quote = "建设周期为2019年6月至2022年6月,拨打12330或提交PCT申请"
    for width in range(8, 40):
        lines = [line.plain for line in wrap_whole_words(Text(quote), width)]
        assert "".join(lines) == quote and all(Text(line).cell_len <= width for line in lines)
        for before, after in pairwise(lines):
            assert not (before[-1].isascii() and before[-1].isalnum() and after[0].isascii() and after[0].isalnum())
    run = "中" + "A" * 30  # a run wider than the line is still folded to fit
    assert all(Text(line.plain).cell_len <= 10 for line in wrap_whole_words(Text(run), 10))


def test_coverage_keeps_years_whole_at_60_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    out = ipkb(60, monkeypatch, "coverage")
    assert "2019年6月至2\n" not in out and "2019年6月至\n" in out


@pytest.mark.parametrize("columns", [120, 140])  # narrower: ids break after a hyphen, or records (test_analysis.py)
def test_neighbors_table_is_a_table_with_room_for_the_names(monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    page = json.loads(invoke(["--kb", str(BUNDLED_KB), "neighbors", "huzhou", "--json"]).stdout)
    ids = [row["id"] for row in page["entities"]]
    drawn = ipkb(columns, monkeypatch, "neighbors", "huzhou", "--table").splitlines()
    lines = drawn[: next(i for i, line in enumerate(drawn) if "one hop from huzhou" in line)]  # then sources
    assert lines[0].split()[:3] == ["id", "name", "zh"] or lines[0].split()[:4] == ["id", "type", "name", "zh"]
    starts = [line.split()[0] for line in lines[2:] if line.startswith(" ") and not line.startswith("  ")]
    assert starts == ids  # an entity a line, not a record of a field a line
    tv = next(line for line in lines if line.startswith(" huzhou-tv "))
    assert "Huzhou TV" in tv and "cooperates" in tv
    assert all(cell_len(line) <= columns for line in lines if line.startswith(" "))
    if "from" not in lines[0].split():  # said once, under the table
        assert "entities one hop from huzhou" in " ".join(" ".join(drawn[len(lines) : len(lines) + 2]).split())


def test_a_breakable_column_wraps_chinese_between_characters_not_inside_a_number() -> None:
    from rich.console import Console

    from ipkb.render.layout import Grid

    table = Grid("id", "zh", breakable=(1,))
    table.add_row("ip-assistance-hotline-12330", "12330知识产权维权援助与举报投诉公益电话")
    console = Console(width=50, no_color=True, highlight=False)
    lines = [line.plain for line in table.lines(console, 50)]
    assert lines[2].startswith(" ip-assistance-hotline-12330  12330知识产权")  # a table, not a record
    assert "".join(line[30:] for line in lines[2:]) == "12330知识产权维权援助与举报投诉公益电话"
    assert all(cell_len(line) <= 50 for line in lines)
