"""What a new reader of `show`, `facts`, `timeline` and `coverage` met in a trial: every day a
post was seen held, ranks read as ranks, schema words instead of field names, an undated target kept in the
timeline, and coverage saying what its numbers bound."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.conftest import BUNDLED_KB, Result, invoke

PEOPLE = """\
- id: src-early
  type: source
  name: Early report
  date: 2024-01-17
  url: http://example.org/early
  kind: press
- id: src-late
  type: source
  name: Late transcript
  date: 2025-03-28
  url: http://example.org/late
  kind: press
- id: a-director
  type: person
  name: Ann Director
  sources: [{source: src-early, quote: "Ann Director"}]
"""

POSTS = """\
- from: a-director
  type: holds_role
  to: national-center
  role: director
  date: '2024-01-16'
  sources:
  - {source: src-early, quote: "Ann Director, head of the center"}
  - {source: src-late, quote: "director Ann Director"}
"""


def _run(kb: Path, *args: str, columns: int = 80) -> Result:
    os.environ["COLUMNS"] = str(columns)
    result = invoke(["--kb", str(kb), *args])
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture
def people_kb(mini_kb: Path) -> Path:
    (mini_kb / "entities" / "people.yaml").write_text(PEOPLE)
    (mini_kb / "relations" / "people.yaml").write_text(POSTS)
    return mini_kb


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_a_post_seen_on_two_days_shows_both_each_with_its_source(people_kb: Path, columns: int) -> None:
    out = _run(people_kb, "show", "a-director", columns=columns).stdout
    numbers = {line.split("]")[0].strip() + "]": line for line in out.splitlines() if line.startswith(" [")}
    early = next(n for n, line in numbers.items() if "Early report" in line)
    late = next(n for n, line in numbers.items() if "Late transcript" in line)
    flat = " ".join(out.split())
    assert f"2024-01-16{early}" in flat and f"2025-03-28{late}" in flat, out
    quotes = " ".join(_run(people_kb, "show", "a-director", "--quotes", columns=columns).stdout.split())
    assert f"2024-01-16{early}" in quotes and f"2025-03-28{late}" in quotes


def test_the_timeline_has_a_sighting_of_a_post_on_each_day_with_its_source(people_kb: Path) -> None:
    """The timeline put both sources of a post on its first sighting; the later source saw it on its own day."""
    events = json.loads(_run(people_kb, "timeline", "a-director", "--json").stdout)
    seen = [(e["date"], e["event"], [c["source"] for c in e["sources"]]) for e in events]
    assert seen == [
        ("2024-01-16", "holds role at (seen)", ["src-early"]),
        ("2025-03-28", "holds role at (seen)", ["src-late"]),
    ]
    as_of = json.loads(_run(people_kb, "timeline", "a-director", "--as-of", "2024-01-16", "--json").stdout)
    assert [e["date"] for e in as_of] == ["2024-01-16"]


CITED = "sources: [{source: src-article, quote: 'ranks fourth in the country'}]"
RANKS = (
    f"- {{entity: huzhou, metric: patent_enforcement_assessment_rank, value: 13, period: '2014', {CITED}}}\n"
    f"- {{entity: huzhou, metric: ip_composite_ranking, value: 3, period: '2014', {CITED}}}\n"
)


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_a_rank_reads_as_a_place_not_as_a_count_of_ranks(mini_kb: Path, columns: int) -> None:
    """`13 rank` in the tables of show and facts: a rank's value column reads `13th`, with no unit after it."""
    (mini_kb / "facts" / "ranks.yaml").write_text(RANKS)
    from ipkb.figures import ordinal

    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 22, 101, 1001)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "22nd", "101st", "1,001st"
    ]  # fmt: skip
    for command in (["show", "huzhou"], ["facts", "--in", "huzhou"], ["facts", "ip_composite_ranking"]):
        out = _run(mini_kb, *command, columns=columns).stdout
        assert "3rd" in out and not re.search(r"\d\s+rank\b", out), out
        if command[-1] != "ip_composite_ranking":
            assert "13th" in out, out


WORDED = """\
- id: a-subcenter
  type: center
  name: A sub-center
  attributes: {center_type: PC, rank_in_zhejiang: 2}
  sources: [{source: src-article, quote: "43 local sub centers"}]
"""
WORDED_LINKS = """\
- from: a-subcenter
  type: subcenter_of
  to: national-center
  subcenter_kind: local
  status: under_construction
  sources: [{source: src-article, quote: "43 local sub centers"}]
"""


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_show_says_keys_and_listed_words_as_words(mini_kb: Path, columns: int) -> None:
    """`subcenter_kind local`, `center_type PC`: show drew the KB's keys and words as they are spelt in YAML."""
    (mini_kb / "entities" / "worded.yaml").write_text(WORDED)
    (mini_kb / "relations" / "worded.yaml").write_text(WORDED_LINKS)
    for args in (["a-subcenter"], ["a-subcenter", "--quotes"], ["national-center"]):
        out = _run(mini_kb, "show", *args, columns=columns).stdout
        flat = re.sub(r" \[\d\]", "", " ".join(out.split()))  # the source column cuts a wrapped row's words
        assert "_" not in out.split("[1] ", 1)[0], out  # none above the footnotes (ids are in them)
        assert "subcenter kind: local" in flat and "under construction" in flat, out
    flat = " ".join(_run(mini_kb, "show", "a-subcenter", columns=columns).stdout.split())
    assert "center type PC" in flat and "rank in zhejiang 2" in flat


UNDATED_SOURCE = """\
- id: src-undated
  type: source
  name: An undated page
  url: http://example.org/undated
  kind: press
"""
TARGETS = """\
- entity: keqiao
  metric: patent_applications
  value: 300
  bound: more_than
  kind: target
  sources: [{source: src-article, quote: "43 local sub centers"}]
- entity: keqiao
  metric: patent_grants
  value: 7
  sources: [{source: src-undated, quote: "seven"}]
"""


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_a_target_without_a_period_stands_at_its_sources_date(mini_kb: Path, columns: int) -> None:
    """A policy's target "more than 300 a year" has no period: the timeline dropped it without a word. It
    stands at its source's date, marked a target stated then; a figure nothing dates is counted as left out."""
    (mini_kb / "entities" / "undated.yaml").write_text(UNDATED_SOURCE)
    (mini_kb / "facts" / "targets.yaml").write_text(TARGETS)
    out = _run(mini_kb, "timeline", "keqiao", columns=columns).stdout
    flat = re.sub(r" \[\d\]", "", " ".join(out.split()))
    assert "2024-09-30 Keqiao" in flat and "more than 300" in flat, out
    assert "(target stated then, no period given)" in flat, out
    assert "1 fact left out: no period, and no dated source" in flat, out
    events = json.loads(_run(mini_kb, "timeline", "keqiao", "--json").stdout)
    stated = [e for e in events if e["kind"] == "fact" and e["type"] == "patent_applications"]
    assert [(e["date"], e["fact_kind"], e["dated_by"]) for e in stated] == [("2024-09-30", "target", "stated")]
    assert not any(e["kind"] == "fact" and e["type"] == "patent_grants" for e in events)
    assert _run(mini_kb, "timeline", "keqiao", "--as-of", "2024-01-01", "--json").stdout.strip() in ("[]", "[\n]")


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_coverage_says_what_its_listed_number_bounds(mini_kb: Path, columns: int) -> None:
    """`listed 0, undated 1` beside a claim of 43: the reader needs "at most 1 listed by 2024". The listed
    column reads `0 to 1` (at least those dated by the period, at most those with the ones it cannot date),
    and the legend above says so, in coverage and in show."""
    undated = "- {id: src-undated, type: source, name: An undated note, title: An undated note, kind: article}\n"
    (mini_kb / "entities" / "worded.yaml").write_text(WORDED + undated)
    # cited by a source with no date: the 2024-09-30 article would date it by 2024 (test_as_of)
    links = WORDED_LINKS.replace("  status: under_construction\n", "").replace(
        '{source: src-article, quote: "43 local sub centers"}', "src-undated"
    )
    (mini_kb / "relations" / "worded.yaml").write_text(links)
    out = _run(mini_kb, "coverage", columns=columns).stdout
    flat = " ".join(out.split())
    assert "2024 subcenter kind: local 43 0 to 1" in flat or "2024 43 0 to 1" in flat, out
    assert "0 to 1: 0 dated by then, at most 1 counting those the KB cannot place before or after it" in flat, out
    assert "undated" not in out.split("──")[0], out  # no column of undated members to add up in one's head
    shown = " ".join(_run(mini_kb, "show", "national-center", columns=columns).stdout.split())
    assert "0 to 1 of 43" in shown and "at most 1 counting those" in shown, shown


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_coverage_says_what_inferred_means_when_a_total_is(columns: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A researcher read `[4] inferred` beside a claimed total and could not tell what it meant: the legend
    says it, when some total in the table is inferred."""
    from tests.conftest import BUNDLED_KB, invoke

    monkeypatch.setenv("COLUMNS", str(columns))
    out = " ".join(invoke(["--kb", str(BUNDLED_KB), "coverage"]).stdout.split())
    assert "`inferred`: a total no source states as such, which the KB works out" in out, out[:600]
    assert "] inferred" in out


def test_a_listed_range_never_runs_past_a_whole_number_claimed() -> None:
    """10 sub-centers claimed for 2020-04, 10 of them dated by then and 13 more the KB cannot date: the 13 cannot
    be among the 10 as well, so the column said `10 to 23 of 10`, more than the whole. It says `10`; a range
    stays a range below the claim (`10 to 22 of 22`), and a claim that is no whole number does not bound it."""
    from ipkb.render.text import listed_by_then, listed_legend

    assert listed_by_then(10, 13, 10) == "10"
    assert listed_by_then(10, 13, 22) == "10 to 22"
    assert listed_by_then(42, 40, 112) == "42 to 82"
    assert listed_by_then(3, 2, "more than 300") == "3 to 5"
    assert listed_legend([(10, 13, 10), (42, 40, 112)]).startswith("members listed by each period; 42 to 82: 42")


def test_coverage_json_never_says_a_negative_number_missing(tmp_path: Path) -> None:
    """`missing` was claimed - listed - undated, so 10 claimed against 10 dated and 13 undated said -13 missing."""
    result = invoke(["--kb", str(BUNDLED_KB), "--db", str(tmp_path / "kb.sqlite"), "coverage", "--json"])
    claims = json.loads(result.stdout)["claimed_totals"]
    assert claims and all(c["missing"] is None or c["missing"] >= 0 for c in claims)


def test_a_post_held_since_a_day_says_when_a_source_last_saw_it_held(tmp_path: Path) -> None:
    """The lawyer's trial: `show cnipa` gave Shen Changyu's post as 'since 2013-12-23' alone; that a source last
    saw him in it in January 2025 was in a note. A memo quoting the current head must see how fresh that is."""
    out = invoke(["--kb", str(BUNDLED_KB), "--db", str(tmp_path / "kb.sqlite"), "show", "cnipa"]).stdout
    flat = " ".join(out.split())
    assert re.search(
        r"Shen Changyu 申长雨 \(person\) · role commissioner · since 2013-12-23 · last seen held 2025-\d\d-\d\d\[\d+\]",
        flat,
    ), flat
    assert "Tian Lipu 田力普 (person) · role commissioner · 2005-06-19 – 2013-12-23 ·" in flat  # an ended post: no


def test_timeline_counts_the_relations_it_cannot_date_and_says_where_they_are() -> None:
    """A new user's trial: `timeline hangzhou-overseas-dispute-subcenter` printed only `no dated events`, and
    `timeline national-center` left out about 20 undated sub-centers without a word."""
    from tests.conftest import BUNDLED_KB, invoke

    for entity in ("hangzhou-overseas-dispute-subcenter", "national-center"):
        shown = invoke(["--kb", str(BUNDLED_KB), "show", entity, "--json"])
        relations = json.loads(shown.stdout)["relations"]
        dated = ("since", "until", "date", "year", "seen")
        undated = [r for r in relations if not any(r["qualifiers"].get(k) is not None for k in dated)]
        out = " ".join(invoke(["--kb", str(BUNDLED_KB), "timeline", entity]).stdout.split())
        assert undated and f"{len(undated)} relation" in out and f"left out: no date (`ipkb show {entity}`" in out
