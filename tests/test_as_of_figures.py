"""--as-of and figures (and what it leaves out, said whatever the output): a figure with no period counts
from the day its sources first state it, a target from the day it was set until its period ends."""

from __future__ import annotations

import json

import pytest

NOTE = "2 more without a known start date (not shown)"


@pytest.mark.parametrize("output", [[], ["--format", "csv"], ["--format", "tsv"], ["--format", "json"]])
def test_list_as_of_says_what_it_left_out_whatever_the_format(run, output: list[str]) -> None:
    """`list --type center --as-of 2019 --format csv` dropped the centres with no start date silently, while
    the table said "N more without a known start date (not shown)" on stderr. Every format says it there,
    and stdout keeps the rows alone."""
    result = run("list", "--type", "center", "--as-of", "2019", *output)
    assert result.exit_code == 0, result.stderr
    assert NOTE in result.stderr
    assert "without a known start date" not in result.stdout
    if output == ["--format", "json"]:
        assert json.loads(result.stdout) == []
    page = run("list", "--type", "center", "--as-of", "2019", "--json")
    assert json.loads(page.stdout)["without_start_date"] == 2 and "without" not in page.stderr


SOURCES = """\
- {id: src-2017, type: source, name: A 2017 plan, date: 2017-05-01}
- {id: src-2022, type: source, name: A 2022 article, date: 2022-11-01}
- {id: src-undated, type: source, name: A copy with no date}
"""
# no period: 101 cases "in recent years" (2022), 7 cases (nothing dates it); targets for 2025 (set in 2022) and
# for 2020 (set in 2017); an actual figure for 2025, which counts from its period as before
FIGURES = """\
- {entity: keqiao, metric: ip_cases_investigated, value: 101, sources: [{source: src-2022, quote: "101 cases"}]}
- {entity: keqiao, metric: patent_grants, value: 7, sources: [{source: src-undated, quote: "7 patents"}]}
- {entity: keqiao, metric: high_value_invention_patents_per_10k_people, value: 17, period: "2025", kind: target,
   sources: [{source: src-2022, quote: "17 by 2025"}]}
- {entity: huzhou, metric: invention_patents_per_10k_people, value: 12, period: "2020", kind: target,
   sources: [{source: src-2017, quote: "12 by 2020"}]}
- {entity: keqiao, metric: trademark_registrations, value: 5000, period: "2025",
   sources: [{source: src-2022, quote: "5000 marks"}]}
"""


@pytest.fixture
def figures(mini_kb):  # type: ignore[no-untyped-def]
    (mini_kb / "entities" / "dated-sources.yaml").write_text(SOURCES)
    (mini_kb / "facts" / "figures.yaml").write_text(FIGURES)
    return mini_kb


def _values(view: dict[str, object]) -> list[object]:
    return [f["value"] for f in view["facts"]]  # type: ignore[attr-defined]


def test_a_figure_with_no_period_counts_from_when_its_sources_state_it(run, figures) -> None:
    """`facts ip_cases_investigated --as-of 2010` showed Zhifu's 101 cases "in recent years" from a 2022
    article; `show keqiao --as-of 2010` and `export --as-of 2019` had such figures too. A figure with no period
    counts from its earliest dated source (the timeline's `stated`); one nothing dates is not shown under
    --as-of, but counted and said, as relations of unknown date are."""
    early = run("facts", "ip_cases_investigated", "--as-of", "2010")
    assert early.exit_code == 0, early.stderr
    assert "101" not in early.stdout and "without a date" not in early.stderr
    later = run("facts", "ip_cases_investigated", "--as-of", "2023", "--json")
    assert [r["value"] for r in json.loads(later.stdout)] == [101]
    every = run("facts", "--in", "keqiao", "--as-of", "2023", "--json")
    assert 7 not in [r["value"] for r in json.loads(every.stdout)]
    assert "1 figure without a date, not shown" in every.stderr
    assert "without a date" not in run("facts", "--in", "keqiao", "--json").stderr  # nothing left out today

    view = json.loads(run("show", "keqiao", "--as-of", "2010", "--json").stdout)
    assert _values(view) == [] and view["facts_without_date"] == 1
    assert _values(json.loads(run("show", "keqiao", "--as-of", "2023", "--json").stdout)) == [17, 101]
    drawn = " ".join(run("show", "keqiao", "--as-of", "2010").stdout.split())
    assert "1 figure without a date, not shown" in drawn and "101" not in drawn
    assert "without a date" not in run("show", "keqiao").stdout  # not --as-of: every figure, nothing said

    exported = run("export", "-f", "jsonl", "--as-of", "2019")
    facts = [r for r in map(json.loads, exported.stdout.splitlines()) if r["record"] == "fact"]
    assert {f["value"] for f in facts} == {8.09, 12}  # Huzhou's 2014 figure and its target set in 2017
    assert "1 figure without a date, not exported" in exported.stderr


def test_a_target_is_in_force_from_when_it_was_set_until_its_period_ends(run, figures) -> None:
    """`show keqiao --as-of 2023` dropped the 2025 target set in 2022, and `facts ... --as-of 2018` a 2020 target
    set in 2017: a target counted from its period's start. It is in force from when it was set (its earliest
    dated source) until its period ends, shown as a target; an actual figure still counts from its period."""
    in_force = json.loads(run("show", "keqiao", "--as-of", "2023", "--json").stdout)["facts"]
    assert [(f["value"], f["kind"]) for f in in_force if f["period"] == "2025"] == [(17, "target")]  # not 5000
    assert 17 not in _values(json.loads(run("show", "keqiao", "--as-of", "2021", "--json").stdout))  # not yet set
    assert 17 not in _values(json.loads(run("show", "keqiao", "--as-of", "2026", "--json").stdout))  # past 2025
    assert 5000 in _values(json.loads(run("show", "keqiao", "--as-of", "2026", "--json").stdout))  # an actual stays
    rows = json.loads(run("facts", "invention patents per 10k people", "--as-of", "2018", "--json").stdout)
    assert [(r["entity"]["id"], r["value"], r["kind"]) for r in rows] == [
        ("huzhou", 8.09, "actual"),
        ("huzhou", 12, "target"),
    ]
    drawn = " ".join(run("facts", "invention_patents_per_10k_people", "--as-of", "2018").stdout.split())
    assert "12 patents per 10,000 people 2020 target" in drawn, drawn


COUNTS = """\
- {id: src-2024-09, type: source, name: A September 2024 report, date: 2024-09-20}
"""
COUNT_FIGURES = """\
- {entity: keqiao, metric: ip_cases_investigated, value: 28, period: "2024",
   sources: [{source: src-2024-09, quote: "28 cases"}]}
- {entity: keqiao, metric: patent_grants, value: 9, period: "2024", sources: [{source: src-undated, quote: "9"}]}
"""


def test_an_actual_figure_counts_once_its_period_is_over_or_a_source_states_it(run, figures) -> None:
    """`show national-center --as-of 2024-01-01` showed the 28 sub-centers of 2024's batch 4, approved later
    that year: an actual figure counted from its period's first day. A count for a period holds once the period
    is over, or from the day a source stated it within the period (a count so far); before, it is not shown."""
    (figures / "entities" / "counts.yaml").write_text(COUNTS)
    (figures / "facts" / "counts.yaml").write_text(COUNT_FIGURES)

    def shown(day: str) -> set[object]:
        view = json.loads(run("show", "keqiao", "--as-of", day, "--json").stdout)
        return {f["value"] for f in view["facts"]} & {28, 9, 5000}

    assert shown("2024-01-01") == set()
    assert shown("2024-09-20") == {28}  # stated within 2024 that day
    assert shown("2024-12-30") == {28}
    assert shown("2024-12-31") == {28, 9}  # the year is over: 9 holds, though no source dates it
    assert shown("2025-06") == {28, 9}  # 5000 for 2025, stated in 2022, before its period: from the end of 2025
    assert shown("2025") == {28, 9, 5000}
