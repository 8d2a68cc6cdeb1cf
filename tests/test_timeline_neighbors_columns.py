"""What a lawyer's trial of `timeline`, `neighbors`, `list --columns` and the figures' wording found: a
figure's event that dropped its scope, figures for a period ordered before the dated ones within it, a
neighbour count that counted the root, a requested column silently left out, and `(seen)` in the middle of
a sentence."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.conftest import Result, invoke

SCOPED = """\
- entity: national-center
  metric: subcenter_count
  value: 22
  period: "2021-04"
  confidence: inferred
  scope: {subcenter_kind: local}
  sources: [{source: src-article, quote: "43 local sub centers"}]
- entity: national-center
  metric: subcenter_count
  value: 12
  period: "2021-04-21"
  scope: {batch: 2, subcenter_kind: local}
  sources: [{source: src-article, quote: "43 local sub centers"}]
- entity: national-center
  metric: subcenter_count
  value: 4
  period: "2024-12"
  scope: {subcenter_kind: industry}
  sources: [{source: src-article, quote: "43 local sub centers"}]
- entity: national-center
  metric: subcenter_count
  value: 28
  period: "2025"
  sources: [{source: src-article, quote: "43 local sub centers"}]
- entity: national-center
  metric: subcenter_count
  value: 7
  period: "2025-05"
  sources: [{source: src-article, quote: "43 local sub centers"}]
"""


def _run(kb: Path, *args: str, columns: int = 80) -> Result:
    os.environ["COLUMNS"] = str(columns)
    result = invoke(["--kb", str(kb), *args])
    assert result.exit_code == 0, result.stderr
    return result


def _flat(out: str) -> str:
    """The table's text with wrapped lines joined and the source column's marks dropped."""
    return re.sub(r" \[\d+\]", "", " ".join(out.split("\n [1]")[0].split()))


@pytest.fixture
def scoped_kb(mini_kb: Path) -> Path:
    (mini_kb / "facts" / "scoped.yaml").write_text(SCOPED)
    return mini_kb


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_a_figure_in_the_timeline_says_its_scope(scoped_kb: Path, columns: int) -> None:
    """`12 sub-centers` beside `22 sub-centers` in one month read as a contradiction: the 12 are batch 2."""
    flat = _flat(_run(scoped_kb, "timeline", "national-center", columns=columns).stdout)
    assert "12 sub-centers · batch 2 · subcenter kind: local" in flat, flat
    assert "22 sub-centers · subcenter kind: local · inferred" in flat, flat
    assert "4 sub-centers · subcenter kind: industry" in flat, flat
    events = json.loads(_run(scoped_kb, "timeline", "national-center", "--json").stdout)
    twelve = next(e for e in events if e.get("value") == 12)
    assert twelve["qualifiers"] == {"batch": 2, "subcenter_kind": "local"}


def test_a_figure_for_a_period_stands_at_its_end(scoped_kb: Path) -> None:
    """A count for 2025 holds at the end of 2025: after one of 2025-05, and one of 2021-04 after 2021-04-21;
    the date column keeps the period as written."""
    events = json.loads(_run(scoped_kb, "timeline", "national-center", "--json").stdout)
    figures = [(e["date"], e["value"]) for e in events if e["kind"] == "fact"]
    assert figures.index(("2021-04-21", 12)) < figures.index(("2021-04", 22))
    assert figures.index(("2024", 43)) < figures.index(("2024-12", 4))
    assert figures.index(("2025-05", 7)) < figures.index(("2025", 28))
    out = _run(scoped_kb, "timeline", "national-center", columns=120).stdout
    dates = [line.split()[0] for line in out.splitlines() if re.match(r" 20\d\d", line)]
    assert dates.index("2025-05") < dates.index("2025"), out


def test_a_figures_basis_says_what_it_means() -> None:
    """`basis in period` and `basis cumulative` were the schema's words, not a reader's."""
    from ipkb.qualifiers import qualifiers_text

    assert qualifiers_text({"basis": "cumulative"}) == "cumulative to period end"
    assert qualifiers_text({"basis": "in_period"}) == "within the period only"
    assert qualifiers_text({"subcenter_kind": "local", "basis": "in_period"}) == (
        "subcenter kind: local · within the period only"
    )


@pytest.mark.parametrize("command", [["facts", "--in", "cnipa"], ["show", "cnipa"], ["timeline", "cnipa"]])
def test_the_bundled_kbs_running_totals_say_cumulative(command: list[str]) -> None:
    from tests.conftest import BUNDLED_KB

    out = _run(BUNDLED_KB, *command, columns=200).stdout
    assert "basis in period" not in out and "basis cumulative" not in out, out
    assert "cumulative to period end" in " ".join(out.split()), out


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_the_neighbour_count_leaves_out_the_entity_asked_about(mini_kb: Path, columns: int) -> None:
    """`3 entities · ... each one hop from keqiao` counted keqiao itself, the first row, as a neighbour."""
    page = json.loads(_run(mini_kb, "neighbors", "keqiao", "--json").stdout)
    neighbours = len(page["entities"]) - 1
    flat = " ".join(_run(mini_kb, "neighbors", "keqiao", "--table", columns=columns).stdout.split())
    assert f"{neighbours} entities one hop from keqiao" in flat, flat
    assert f"{neighbours + 1} entities" not in flat, flat


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_a_column_asked_for_is_shown_even_when_empty(mini_kb: Path, columns: int) -> None:
    """`list --columns id,run_by`, where no row is run by anything, printed the ids alone: no column, no word."""
    out = _run(mini_kb, "list", "--type", "city", "--columns", "id,run_by", columns=columns).stdout
    assert out.splitlines()[0].split() == ["id", "run_by"], out
    rows = json.loads(_run(mini_kb, "list", "--type", "city", "--columns", "id,run_by", "--json").stdout)["entities"]
    assert rows and all(row["run_by"] == "" for row in rows)
    csv = _run(mini_kb, "list", "--type", "city", "--columns", "id,run_by", "--format", "csv").stdout
    assert csv.splitlines()[0] == "id,run_by"


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_seen_in_the_timeline_stands_before_the_sentence(mini_kb: Path, columns: int) -> None:
    """`Ann Director holds role at (seen) National ...` read as if `(seen)` named the body."""
    from tests.test_display_words import PEOPLE, POSTS

    (mini_kb / "entities" / "people.yaml").write_text(PEOPLE)
    (mini_kb / "relations" / "people.yaml").write_text(POSTS)
    flat = _flat(_run(mini_kb, "timeline", "a-director", columns=columns).stdout)
    assert "2024-01-16 (seen) Ann Director holds role at National" in flat, flat
    assert "at (seen)" not in flat, flat


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_the_neighbors_tree_numbers_its_sources_and_lists_them(mini_kb: Path, columns: int) -> None:
    """The tree cited bare source ids; it numbers them and lists each under it, as `show` does."""
    out = _run(mini_kb, "neighbors", "keqiao", columns=columns).stdout
    tree, _, listed = out.partition("\n [1] ")
    assert "[1]" in tree and "src-article" not in tree, out
    assert "src-article" in listed and "A test article" in " ".join(listed.split()), out
