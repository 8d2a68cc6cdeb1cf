"""The analysts' questions: time (--as-of, timeline), figures (facts), coverage and change (diff)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.conftest import BUNDLED_KB, invoke

DATED = """\
- {from: huzhou, type: holds_designation, to: national-ip-demonstration-city, year: 2012, until: 2016-06,
   sources: [src-article]}
- {from: shaoxing, type: holds_designation, to: national-ip-demonstration-city, date: 2024-01-26, batch: 2,
   sources: [src-article]}
"""
TARGETS = """\
- {entity: keqiao, metric: invention_patents_per_10k_people, value: 17, period: "2025", kind: target,
   sources: [src-article]}
- {entity: china, metric: invention_patents_per_10k_people, value: 3.19, period: "2014",
   sources: [{source: src-article, quote: "in 2014"}]}
"""


@pytest.fixture
def dated_kb(mini_kb: Path) -> Path:
    (mini_kb / "relations" / "dated.yaml").write_text(DATED)
    (mini_kb / "facts" / "targets.yaml").write_text(TARGETS)
    return mini_kb


def holders(run, *args: str) -> set[str]:  # type: ignore[no-untyped-def]
    result = run("list", "--designation", "national-ip-demonstration-city", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return {e["id"] for e in json.loads(result.stdout)["entities"]}


def _fits(line: str, width: int) -> bool:
    """A line fits the console, or is a footnote's URL alone, which runs past the edge whole to be copied."""
    return cell_len(line) <= width or re.fullmatch(r"\s*\(https?://\S+\)", line) is not None


def test_as_of_leaves_out_relations_not_begun_or_ended(run, dated_kb: Path) -> None:
    assert holders(run) == {"huzhou", "shaoxing"}
    assert holders(run, "--as-of", "2013") == {"huzhou"}
    assert holders(run, "--as-of", "2020-01-01") == {"huzhou"}  # the 2014 rank relation is undated: it stays
    assert holders(run, "--as-of", "2024-02") == {"huzhou", "shaoxing"}


def test_as_of_on_show_path_and_neighbors(run, dated_kb: Path) -> None:
    view = json.loads(run("show", "shaoxing", "--as-of", "2023", "--json").stdout)
    assert "national-ip-demonstration-city" not in {r["other"]["id"] for r in view["relations"]}
    keqiao = json.loads(run("show", "keqiao", "--as-of", "2020", "--json").stdout)
    assert keqiao["facts"] == []  # the 2025 target is not yet set in 2020
    near = json.loads(run("neighbors", "shaoxing", "--as-of", "2023", "--json").stdout)["entities"]
    assert "national-ip-demonstration-city" not in {n["id"] for n in near}
    assert run("path", "shaoxing", "national-ip-demonstration-city", "--max-hops", "1").exit_code == 0
    assert (
        run("path", "shaoxing", "national-ip-demonstration-city", "--max-hops", "1", "--as-of", "2023").exit_code == 1
    )


def test_as_of_rejects_a_non_date(run) -> None:
    result = run("show", "huzhou", "--as-of", "last year")
    assert result.exit_code == 2 and "is not a date" in result.stderr


def test_timeline_orders_dated_events_with_citations(run, dated_kb: Path) -> None:
    events = json.loads(run("timeline", "--json").stdout)
    dates = [e["date"] for e in events]
    assert dates == sorted(dates, key=lambda d: d[:4])
    assert ("2012", "holds", "huzhou") in {(e["date"], e["event"], e["subject"]["id"]) for e in events}
    assert any(e["event"] == "holds (ended)" and e["date"] == "2016-06" for e in events)
    assert all(e["sources"] for e in events)
    own = json.loads(run("timeline", "shaoxing", "--json").stdout)
    assert {e["subject"]["id"] for e in own} == {"shaoxing"}
    assert "2024-01-26" in run("timeline", "shaoxing").stdout


def test_facts_compares_a_metric_and_tells_targets_from_actuals(run, dated_kb: Path) -> None:
    rows = json.loads(run("facts", "invention_patents_per_10k_people", "--json").stdout)
    seen = {(r["entity"]["id"], r["value"], r["period"], r["kind"]) for r in rows}
    assert seen == {
        ("huzhou", 8.09, "2014", "actual"),
        ("china", 3.19, "2014", "actual"),
        ("keqiao", 17, "2025", "target"),
    }
    in_zhejiang = json.loads(run("facts", "invention_patents_per_10k_people", "--in", "zhejiang", "--json").stdout)
    assert {r["entity"]["id"] for r in in_zhejiang} == {"huzhou", "keqiao"}
    by_period = json.loads(run("facts", "invention_patents_per_10k_people", "--period", "2014", "--json").stdout)
    assert {r["entity"]["id"] for r in by_period} == {"huzhou", "china"}
    cities = json.loads(run("facts", "invention_patents_per_10k_people", "--type", "city", "--json").stdout)
    assert [r["entity"]["id"] for r in cities] == ["huzhou"]


def test_facts_alone_lists_metrics_and_unknown_metric_suggests(run, dated_kb: Path) -> None:
    overview = {m["metric"]: m for m in json.loads(run("facts", "--json").stdout)}
    assert overview["invention_patents_per_10k_people"]["facts"] == 3
    assert overview["subcenter_count"]["entities"] == 1
    wrong = run("facts", "invention_patents_per_10k")
    assert wrong.exit_code == 2 and "did you mean: invention_patents_per_10k_people" in wrong.stderr


def test_facts_takes_a_metric_as_shown_and_lists_every_figure_of_a_place(run, dated_kb: Path) -> None:
    as_id = run("facts", "invention_patents_per_10k_people", "--json").stdout
    assert run("facts", "Invention patents per 10k people", "--json").stdout == as_id  # the table's title
    everything = json.loads(run("facts", "--in", "zhejiang", "--json").stdout)
    assert {r["entity"]["id"] for r in everything} == {"huzhou", "keqiao"}
    metrics = {r["metric"] for p in ("2014", "2024") for r in json.loads(run("facts", "--period", p, "--json").stdout)}
    assert {"invention_patents_per_10k_people", "subcenter_count"} <= metrics
    table = run("facts", "--in", "huzhou").stdout
    assert "metric" in table.splitlines()[0] and "invention patents per 10k people" in table


def test_coverage_report(run, dated_kb: Path) -> None:
    report = json.loads(run("coverage", "--json").stdout)
    assert "taizhou-jiangsu" in report["entities_without_chinese_name"]
    assert "huzhou" not in report["entities_without_chinese_name"]
    assert any(w.startswith("kb/relations/dated.yaml:1") for w in report["relations_without_quote"])
    assert report["facts_inferred"] == {"count": 0, "of": 4, "share": 0.0}
    assert report["sources_never_cited"] == []
    assert "claimed_totals" in report and "entities without a Chinese name" in run("coverage").stdout


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def diff_after_edits(mini_kb: Path, *, empty_first: bool = False) -> dict:
    """`diff HEAD --json` after committing the mini KB and then editing it: Shaoxing renamed, one fact's
    value changed, dated relations added."""
    repo = mini_kb.parent
    git(repo, "init", "-q")
    if empty_first:
        git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one", "--allow-empty")
    git(repo, "add", "kb")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "two")
    places = mini_kb / "entities" / "places.yaml"
    places.write_text(
        places.read_text().replace("value: 8.09", "value: 8.1").replace("name: Shaoxing\n", "name: Shaoxing City\n")
    )
    (mini_kb / "relations" / "dated.yaml").write_text(DATED)
    report: dict = json.loads(invoke(["--kb", str(mini_kb), "diff", "HEAD", "--json"]).stdout)
    return report


def test_diff_compares_revisions_as_facts(mini_kb: Path) -> None:
    report = diff_after_edits(mini_kb, empty_first=True)
    repo = mini_kb.parent
    assert report["entities"]["renamed"] == [
        {
            "id": "shaoxing",
            "from": {"name": "Shaoxing", "zh": "绍兴市"},
            "to": {"name": "Shaoxing City", "zh": "绍兴市"},
        }
    ]
    assert [(f["entity"], f["old_value"], f["value"]) for f in report["facts"]["changed"]] == [("huzhou", 8.09, 8.1)]
    assert {(r["from"], r["to"]) for r in report["relations"]["added"]} == {
        ("huzhou", "national-ip-demonstration-city"),
        ("shaoxing", "national-ip-demonstration-city"),
    }
    git(repo, "add", "kb")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "three")
    between = json.loads(invoke(["--kb", str(mini_kb), "diff", "HEAD~1", "HEAD", "--json"]).stdout)
    assert between["facts"]["changed"] == report["facts"]["changed"]
    same = invoke(["--kb", str(mini_kb), "diff", "HEAD"])
    assert same.exit_code == 0 and "no changes" in same.stdout
    unknown = invoke(["--kb", str(mini_kb), "diff", "no-such-rev"])
    assert unknown.exit_code == 1 and "name a revision git knows" in unknown.stderr


def test_export_as_of_leaves_out_later_relations(run, dated_kb: Path) -> None:
    import networkx as nx

    now = nx.parse_graphml(run("export", "-o", "-").stdout)
    before = nx.parse_graphml(run("export", "-o", "-", "--as-of", "2023").stdout)
    assert now.has_edge("shaoxing", "national-ip-demonstration-city")
    assert not before.has_edge("shaoxing", "national-ip-demonstration-city")


def test_as_of_never_shows_an_undated_relation_as_true(run, dated_kb: Path) -> None:
    """The sub-center link carries no date: on any day it is listed apart as 'date unknown', not as holding;
    an undated location (located_in declares `undated: holds`) still holds."""
    view = json.loads(run("show", "national-center", "--as-of", "2019", "--json").stdout)
    assert "keqiao-overseas-dispute-subcenter" not in {r["other"]["id"] for r in view["relations"]}
    assert "keqiao-overseas-dispute-subcenter" in {r["other"]["id"] for r in view["relations_date_unknown"]}
    assert view["as_of"] == "2019-12-31"
    assert "Date unknown" in run("show", "national-center", "--as-of", "2019").stdout
    assert "relations_date_unknown" not in json.loads(run("show", "national-center", "--json").stdout)
    inside = {
        e["id"] for e in json.loads(run("list", "--in", "zhejiang", "--as-of", "2019", "--json").stdout)["entities"]
    }
    assert {"huzhou", "keqiao"} <= inside


def test_a_start_given_as_a_year_is_not_known_to_have_passed_within_that_year(run, dated_kb: Path) -> None:
    """Huzhou's designation is dated 2012 (a year): on 2012-06-30 the KB cannot tell; by 2012's end it can."""
    mid = json.loads(run("show", "huzhou", "--as-of", "2012-06", "--json").stdout)
    assert "national-ip-demonstration-city" in {r["other"]["id"] for r in mid["relations_date_unknown"]}
    assert "national-ip-demonstration-city" not in {r["other"]["id"] for r in mid["relations"]}
    end = json.loads(run("show", "huzhou", "--as-of", "2012", "--json").stdout)
    assert "national-ip-demonstration-city" in {r["other"]["id"] for r in end["relations"]}


def test_facts_table_shows_each_figure_note(run, mini_kb: Path) -> None:
    (mini_kb / "facts" / "noted.yaml").write_text(
        "- {entity: huzhou, metric: invention_patents_per_10k_people, value: 9, period: '2015', note: More than nine,\n"
        "   sources: [{source: src-article, quote: national intellectual property}]}\n"
    )
    out = run("facts", "invention_patents_per_10k_people").stdout
    assert "[a]" in out and "[a] More than nine" in " ".join(out.split())


def test_a_designation_year_column_falls_back_to_the_year_of_its_date(run, dated_kb: Path) -> None:
    csv_text = run("list", "--designation", "national-ip-demonstration-city", "--columns", "id,year", "--format", "csv")
    assert "shaoxing,2024" in csv_text.stdout.splitlines()  # shaoxing's relation has only `date: 2024-01-26`


@pytest.mark.parametrize("width", [60, 80, 120])
def test_claimed_totals_are_a_table_at_80_columns(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    """An entity id of 65 characters once turned the claimed totals into records below 150 columns: the
    entity and metric now head their group of rows, so 80 columns hold the table (60 get records, headed)."""
    monkeypatch.setenv("COLUMNS", str(width))
    longest = "national-ip-powerful-country-demonstration-park-creation-target"
    for command in ("coverage", "stats"):
        result = invoke(["--kb", str(BUNDLED_KB), command])
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        header = ["period", "scope", "claimed", "listed", "by", "then", "source"]
        assert any(line.split() == header for line in lines) == (width >= 80), (command, width)
        assert not any(line.startswith(" entity  ") for line in lines)  # no record's `entity` label either
        assert all(cell_len(line) <= width for line in lines if longest not in line), (command, width)
        heading = " ".join(result.stdout.split())
        assert f"({longest}) · designee count" in heading and "(national-center) · subcenter count" in heading


@pytest.mark.parametrize(
    ("args", "width", "header"),
    [
        (["facts", "designee_count"], 80, ["entity", "value", "unit", "period", "kind", "source"]),
        (["neighbors", "huzhou", "--table"], 100, ["id", "name", "zh", "relation", "details", "sources"]),
    ],
)
def test_long_ids_wrap_in_their_column_instead_of_records(
    monkeypatch: pytest.MonkeyPatch, args: list[str], width: int, header: list[str]
) -> None:
    """An id too long for its column (national-ip-strong-county-project-demonstration) once turned `facts
    METRIC` at 80 columns and `neighbors --table` at 60 (then without its details) into records; it breaks
    after a hyphen now."""
    monkeypatch.setenv("COLUMNS", str(width))
    result = invoke(["--kb", str(BUNDLED_KB), *args])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert header in [line.split() for line in lines], result.stdout[:2000]
    assert not [line for line in lines if line.split()[:1] == [header[1]]]  # no record's `value` or `name` line
    assert all(_fits(line, width) for line in lines)


def test_timeline_numbers_its_sources_and_lists_them_as_show_does(
    run, dated_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source column of ids (src-...) told a reader little and, 30-odd characters wide, pushed the timeline
    into records at 80 columns: it holds numbers now, and the sources are listed under the table as show lists them."""
    monkeypatch.setenv("COLUMNS", "80")
    lines = run("timeline").stdout.splitlines()
    assert lines[0].split() == ["date", "event", "source"]
    table = lines[: next(n for n, line in enumerate(lines) if line.startswith(" [1] "))]
    assert all(line.rstrip().endswith("[1]") for line in table[2:] if line.startswith(" 20"))
    assert "src-article" not in "\n".join(table)
    assert " [1] “A test article”, 2024-09-30 (texts/article.txt)  src-article · article" in lines
    bundled = invoke(["--kb", str(BUNDLED_KB), "timeline"]).stdout.splitlines()
    assert bundled[0].split() == ["date", "event", "source"]  # a table at 80 columns, not records
    assert all(_fits(line, 80) for line in bundled)


@pytest.mark.parametrize("width", [80, 100, 140])
def test_facts_keeps_metric_names_whole(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    """Every figure of Huzhou: the metric column, the widest, was the first to narrow, so names broke over two
    to four lines up to 140 columns. It narrows last now, each entity heads its own rows instead of an entity
    column, and the sources are numbers: from 100 columns every name is on one line, and at 80 the table
    still breaks them only between words."""
    monkeypatch.setenv("COLUMNS", str(width))
    shown = invoke(["--kb", str(BUNDLED_KB), "facts", "--in", "huzhou"]).stdout
    lines = shown.splitlines()
    assert lines[0].split() == ["metric", "value", "unit", "period", "kind", "source"]
    assert " Huzhou (huzhou)" in lines and all(_fits(line, width) for line in lines)
    metrics = {
        f["metric"] for f in json.loads(invoke(["--kb", str(BUNDLED_KB), "facts", "--in", "huzhou", "--json"]).stdout)
    }
    words = set(shown.split())
    assert all(word in words for metric in metrics for word in metric.split("_"))  # never cut inside a word
    if width >= 100:
        assert all(any(metric.replace("_", " ") in line for line in lines) for metric in metrics)


NOTED = """\
- {entity: huzhou, metric: invention_patents_per_10k_people, value: 3500, period: "2013",
   note: "More than 3,500, the article says.", sources: [{source: src-article, quote: "more than 3,500"}]}
"""


def test_timeline_keeps_each_rows_note_and_inferred_mark(run, dated_kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`timeline huzhou` printed `ip consultations: 3,500` where the source says "more than 3,500": each
    row's note was dropped. A row now carries its note's letter, as `show` does, the notes listed under the
    table; --json carries the note."""
    (dated_kb / "facts" / "noted.yaml").write_text(NOTED)
    monkeypatch.setenv("COLUMNS", "80")
    events = json.loads(run("timeline", "huzhou", "--json").stdout)
    assert "More than 3,500, the article says." in {e["note"] for e in events}
    lines = run("timeline", "huzhou").stdout.splitlines()
    row = next(n for n, line in enumerate(lines) if "3,500" in line)
    assert "[a]" in " ".join(lines[row : row + 3])
    assert " [a] More than 3,500, the article says." in lines
    bundled = invoke(["--kb", str(BUNDLED_KB), "timeline", "huzhou"]).stdout
    flat = " ".join(bundled.split())
    assert "Nearly 4,000 trained." in flat and "cannot tell whether 4th is among all 25" in flat


NOTED_CLAIM = """\
- id: src-page
  type: source
  name: A page
  kind: article
- id: src-notes
  type: source
  name: Our notes
  kind: research-note
"""


@pytest.mark.parametrize("command", ["coverage", "stats"])
def test_claimed_totals_say_which_quotes_are_our_notes(
    command: str, run, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The quotes under the claimed totals did not say which were our research notes' record of a source
    (`via`) rather than its own words: such a quote now reads `research-x, our note on [n]: “...”`, as path's do."""
    (mini_kb / "entities" / "noted.yaml").write_text(NOTED_CLAIM)
    claims = mini_kb / "facts" / "claims.yaml"
    own = '{source: src-article, quote: "43 local sub centers in 27 provinces"}'
    claims.write_text(claims.read_text().replace(own, own + ', {source: src-page, quote: "43 in all", via: src-notes}'))
    monkeypatch.setenv("COLUMNS", "400")
    result = run(command)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    footnote = next(line for line in lines if "] src-page: " in line)
    number = footnote.split("]")[0].strip() + "]"
    assert f"src-notes, our note on {number}: \u201c43 in all\u201d" in footnote
    assert "our note" not in next(line for line in lines if "] src-article: " in line)


LATER = """\
- {id: early-subcenter, type: center, name: Early sub-center, zh: 早分中心, sources: [src-article]}
- {id: later-subcenter, type: center, name: Later sub-center, zh: 晚分中心, sources: [src-article]}
- {id: batch-subcenter, type: center, name: Batch sub-center, zh: 批分中心, sources: [src-article]}
"""
LATER_RELATIONS = """\
- {from: early-subcenter, type: subcenter_of, to: national-center, date: 2024-02-01, sources: [src-article]}
- {from: later-subcenter, type: subcenter_of, to: national-center, year: 2024, sources: [src-article]}
- {from: batch-subcenter, type: subcenter_of, to: national-center, batch: 3, year: 2024, sources: [src-article]}
"""
LATER_CLAIMS = """\
- {entity: national-center, metric: subcenter_count, value: 43, period: "2024-03-14", sources: [src-article]}
- {entity: national-center, metric: subcenter_count, value: 9, period: "2024-03-14", scope: {batch: 3},
   sources: [src-article]}
"""


def test_coverage_does_not_list_members_whose_year_may_fall_after_the_claim(run, mini_kb: Path) -> None:
    """`coverage` counted a batch-4 sub-center dated only "2024" as listed under a claim of 2024-03-14 (43,
    the figure before batch 4). A member whose date is coarser than the claim's and may fall after it is
    counted apart, as undated; one dated within the period, or placed by the claim's own scope (its batch),
    is listed."""
    (mini_kb / "entities" / "later.yaml").write_text(LATER)
    (mini_kb / "relations" / "later.yaml").write_text(LATER_RELATIONS)
    (mini_kb / "facts" / "claims.yaml").write_text(LATER_CLAIMS)
    result = run("coverage", "--json")
    assert result.exit_code == 0, result.stderr
    claims = {(c["period"], tuple(c["scope"])): c for c in json.loads(result.stdout)["claimed_totals"]}
    all_of_them, batch = claims[("2024-03-14", ())], claims[("2024-03-14", ("batch",))]
    assert all_of_them["members"] == ["early-subcenter"]
    assert set(all_of_them["undated_members"]) == {"later-subcenter", "batch-subcenter"}
    assert batch["members"] == ["batch-subcenter"] and batch["undated"] == 0
    drawn = " ".join(run("coverage").stdout.split())
    assert "only a year or month that takes in the period's end" in drawn and "2024-03-14 43 1 to 3" in drawn, drawn


PERIODS = ["2024-05", "2024", "2023-07/2024-06", "2024-01-16", "2025", "2024-01", "2023-07"]  # as the file lists them


def test_coverage_lists_claims_in_time_order_not_text_order(
    run, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`coverage` sorted a roster's claims by their periods as text, which is time order only while each
    period is one date: a range (2023-07/2024-06) came after its first month and every day of it. They go by
    the day each period begins and, of two that begin the same day, the longer first (a range before its
    first month, a year before its months and days), in the JSON, in `show`, and in the table as drawn at
    60, 80 and 120 columns."""
    (mini_kb / "facts" / "periods.yaml").write_text(
        "".join(
            f"- {{entity: national-ip-demonstration-city, metric: designee_count, value: {n + 20}, period: '{p}',\n"
            "   sources: [{source: src-article, quote: 'national intellectual property demonstration cities'}]}\n"
            for n, p in enumerate(PERIODS)
        )
    )
    timed = ["2023-07/2024-06", "2023-07", "2024", "2024-01", "2024-01-16", "2024-05", "2025"]
    report = json.loads(run("coverage", "--json").stdout)
    claims = [c for c in report["claimed_totals"] if c["entity"]["id"] == "national-ip-demonstration-city"]
    assert [c["period"] for c in claims] == timed, [c["period"] for c in claims]
    shown = json.loads(run("show", "national-ip-demonstration-city", "--json").stdout)["claimed_totals"]
    assert [c["period"] for c in shown] == timed
    for width in ("60", "80", "120"):
        monkeypatch.setenv("COLUMNS", width)
        rows = (
            run("coverage").stdout.split("(national-ip-demonstration-city)", 1)[1].split("[1] src-article")[0].split()
        )
        assert [word for word in rows if word[:1] == "2" and len(word) >= 4] == timed, (width, rows)


GRANT_PERIODS = ["2022", "2021-08-19", "2015", "2014-05", "2021", "2014/2016"]  # written out of order on purpose


def test_facts_and_show_list_periods_in_time_order_not_text_order(run, mini_kb: Path) -> None:
    """The trial: periods were sorted as text, so `2014-05` came before `2014/2016` ("-" sorts before "/"),
    though the span began first. `facts METRIC` and `show`'s facts now list periods by time
    (timeframe.period_order: by the day each begins, the longer first: 2021 before 2021-08-19 before 2022)."""
    (mini_kb / "facts" / "grants.yaml").write_text(
        "".join(
            f'- {{entity: huzhou, metric: patent_grants, value: {n}, period: "{p}",\n'
            '   sources: [{source: src-article, quote: "patents"}]}\n'
            for n, p in enumerate(GRANT_PERIODS, start=1)
        )
    )
    in_time = ["2014/2016", "2014-05", "2015", "2021", "2021-08-19", "2022"]
    compared = json.loads(run("facts", "patent_grants", "--json").stdout)
    assert [f["period"] for f in compared if f["entity"]["id"] == "huzhou"] == in_time
    shown = json.loads(run("show", "huzhou", "--json").stdout)["facts"]
    assert [f["period"] for f in shown if f["metric"] == "patent_grants"] == in_time
    table = run("facts", "patent_grants").stdout
    assert [table.index(p) for p in in_time] == sorted(table.index(p) for p in in_time)


COUNTED_BY_TYPE = """\
- {id: county-programme, type: program, name: A county programme, sources: [src-article],
   facts: [{metric: county_count, value: 124, sources: [src-article]}]}
- {id: county-programme-pilot, type: designation, name: Pilot county of the programme, sources: [src-article]}
"""
COUNTED_BY_TYPE_LINKS = """\
- {from: keqiao, type: part_of, to: county-programme, sources: [src-article]}
- {from: county-programme-pilot, type: part_of, to: county-programme, sources: [src-article]}
"""


def test_a_claimed_total_counts_only_members_of_the_types_its_metric_names(run, mini_kb: Path) -> None:
    """124 counties claimed for the strong-county project were set beside three 'members': one county and the
    project's two sub-programmes (designations), also `part_of` it. A metric may name the types it counts
    (`counts: {..., types: [county]}`): only Keqiao is counted; an unknown type there is a schema error."""
    schema = mini_kb / "schema.yaml"
    text = schema.read_text()
    metric = (
        "  county_count:\n    unit: counties\n    description: Counties a programme claims.\n"
        "    counts: {relation: part_of, direction: in, types: [county]}\n"
    )
    schema.write_text(text.replace("  member_count:\n", metric + "  member_count:\n"))
    (mini_kb / "entities" / "counted.yaml").write_text(COUNTED_BY_TYPE)
    (mini_kb / "relations" / "counted.yaml").write_text(COUNTED_BY_TYPE_LINKS)
    (claim,) = [c for c in json.loads(run("coverage", "--json").stdout)["claimed_totals"] if c["claimed"] == 124]
    assert claim["claimed"] == 124 and claim["members"] + claim["undated_members"] == ["keqiao"], claim

    schema.write_text(text.replace("  member_count:\n", metric.replace("[county]", "[countee]") + "  member_count:\n"))
    result = run("validate")
    assert result.exit_code == 1 and "unknown entity type or group 'countee' in counts" in result.stdout + result.stderr


DATED_IN_2024 = """\
- {from: shaoxing, type: holds_designation, to: national-ip-demonstration-city, date: 2024-03-14,
   sources: [src-article]}
"""
YEAR_2024 = """\
- {from: taizhou-zhejiang, type: holds_designation, to: national-ip-demonstration-city, year: 2024,
   sources: [src-article]}
"""


@pytest.mark.parametrize("width", [60, 80, 120])
def test_timeline_says_its_order_when_a_year_or_month_holds_other_dates(
    run, mini_kb: Path, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    """`timeline national-center` read as mis-ordered: 2020-04-08 before 2020-04, a 2024 relation before
    2024-03-14, a 2024 figure between 2024-09 and 2024-12. The rule (a figure at its period's end, a relation
    at its start) was only in docs/analysis.md; a dim line under the table now says it, the half that
    applies, when a row dated by a year or month shares the table with dates within it, and nothing else."""
    monkeypatch.setenv("COLUMNS", str(width))

    def drawn() -> tuple[str, list[str]]:
        result = run("timeline")
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        assert max(len(line) for line in lines) <= width
        return " ".join(result.stdout.split()), lines

    text, _ = drawn()  # 2014 and 2024 alone: nothing to explain
    assert "order:" not in text
    (mini_kb / "relations" / "dated.yaml").write_text(DATED_IN_2024)
    text, lines = drawn()
    assert "order: a year or month places a figure at its end, when its count holds" in text, text
    assert text.index("2024-03-14") < text.index("2024 National Overseas") < text.index("order:")
    assert not any(line.startswith(" [1]") for line in lines[: lines.index(next(x for x in lines if "order:" in x))])
    (mini_kb / "relations" / "year.yaml").write_text(YEAR_2024)
    text, _ = drawn()
    both = (
        "order: a year or month places a figure at its end (when its count holds), a relation or attribute at its start"
    )
    assert both in text, text
    assert text.index("2024 Taizhou") < text.index("2024-03-14")
    (mini_kb / "facts" / "claims.yaml").unlink()
    text, _ = drawn()
    assert "order: a year or month places a relation or attribute at its start" in text, text


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize(
    ("args", "caveat", "entity"),
    [
        (["neighbors", "huzhou", "--table"], "announced", "national-ip-demonstration-city"),
        (["neighbors", "ip-protection-center-network", "--via", "part_of", "--table"], "inferred", "beijing"),
    ],
)
def test_neighbors_table_keeps_each_links_caveat_and_sources_at_any_width(
    monkeypatch: pytest.MonkeyPatch, args: list[str], caveat: str, entity: str, width: int
) -> None:
    """A new user's trial: at 80 columns `neighbors huzhou --table` left out its details column, and with it
    that Huzhou was only on a public notice (announced); at 120 the center network's members lost `inferred`.
    What a link rests on stays: in the table when it fits with the names readable, else in records."""
    monkeypatch.setenv("COLUMNS", str(width))
    result = invoke(["--kb", str(BUNDLED_KB), *args])
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert caveat in text and "[1]" in text and entity in text
    count = next(line for line in text.splitlines() if " hop" in line and "entit" in line)
    assert "details" not in count and "sources" not in count, count
    assert all(_fits(line, width) for line in text.splitlines())
