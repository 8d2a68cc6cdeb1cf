"""Findings of a new-user trial (cli-fix): each test fails without its fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DESIGNATION = "national-ip-demonstration-city"
CLAIM = """\
- {entity: national-ip-demonstration-city, metric: designee_count, value: 25, period: "2014",
   sources: [{source: src-article, quote: "national intellectual property demonstration cities"}]}
"""
LATER_HOLDER = """\
- {from: shaoxing, type: holds_designation, to: national-ip-demonstration-city, date: 2014-07-24,
   sources: [src-article]}
"""


@pytest.mark.parametrize("width", ["60", "80", "120"])
def test_claimed_totals_under_as_of_count_only_the_holders_shown_then(
    run, mini_kb: Path, monkeypatch: pytest.MonkeyPatch, width: str
) -> None:
    """`list --designation D --as-of DAY` listed none of a batch named after DAY, yet its claimed total said
    "18 of 18": "k of N" counted every holder ever. Under --as-of it counts only the holders shown then (one
    the dates cannot place that day apart, as undated), in the table and in --json, in `list` and `show`."""
    monkeypatch.setenv("COLUMNS", width)
    (mini_kb / "facts" / "designees.yaml").write_text(CLAIM)
    (mini_kb / "relations" / "later.yaml").write_text(LATER_HOLDER)
    # huzhou holds it from "2014" (any day of it), shaoxing from 2014-07-24
    for day, shown, undated in (("2014-07-01", [], 1), ("2015", ["huzhou", "shaoxing"], 0), (None, None, 0)):
        as_of = ["--as-of", day] if day else []
        page = json.loads(run("list", "--designation", DESIGNATION, *as_of, "--json").stdout)
        listed = len(shown) if shown is not None else 2
        if shown is not None:
            assert [e["id"] for e in page["entities"]] == shown, day
        (claim,) = page["claimed_totals"]
        assert (claim["listed"], claim["undated"], claim["missing"]) == (listed, undated, 25 - listed - undated), day
        assert json.loads(run("show", DESIGNATION, *as_of, "--json").stdout)["claimed_totals"] == [claim], day
        table = " ".join(run("list", "--designation", DESIGNATION, *as_of).stdout.split())
        assert f"2014 {listed} " in table and "of 25" in table, (day, table)  # 0 (+1 undated) of 25, wrapped at 60


def test_timeline_as_of_shows_no_event_after_that_day(run, mini_kb: Path) -> None:
    """`timeline --as-of 2010` listed a post's end on 2013-12-23 ("holds role at (ended)"): a relation that
    held in 2010 brought both its events. An end is dated by its end; under --as-of nothing after the day."""
    (mini_kb / "relations" / "ended.yaml").write_text(
        "- {from: shaoxing, type: holds_designation, to: national-ip-demonstration-city, since: 2005-06-19,\n"
        "   until: 2013-12-23, sources: [src-article]}\n"
    )
    for day, ends in (("2010", False), ("2013-12-22", False), ("2013-12-23", True)):
        result = run("timeline", "--as-of", day, "--json")
        assert result.exit_code == 0, result.stderr
        events = json.loads(result.stdout)
        assert all(e["date"] <= day for e in events), [e["date"] for e in events]
        shaoxing = [e["event"] for e in events if e["subject"]["id"] == "shaoxing"]
        assert shaoxing == ["holds", *(["holds (ended)"] if ends else [])], (day, shaoxing)
        drawn = run("timeline", "--as-of", day).stdout.splitlines()  # the relation's own `until` stays a qualifier
        assert any(line.startswith(" 2013-12-23 ") for line in drawn) is ends, (day, drawn)


LATE_SUBCENTERS = """\
- {id: late-subcenter, type: center, name: Late sub-center, zh: 晚分中心, since: 2022-05-01, sources: [src-article]}
- {id: gone-subcenter, type: center, name: Gone sub-center, zh: 旧分中心, since: 2015-01-01, until: 2018-12-31,
   sources: [src-article]}
- {id: lifeless-subcenter, type: center, name: Lifeless sub-center, zh: 无期分中心, sources: [src-article]}
"""


@pytest.mark.parametrize("width", ["60", "80", "120"])
def test_show_as_of_says_a_whole_sentence_and_leaves_out_what_did_not_exist_yet(
    run, mini_kb: Path, monkeypatch: pytest.MonkeyPatch, width: str
) -> None:
    """`show national-center --as-of 2019` ended its banner mid-sentence ("..., and figures for later
    periods") and listed under "Date unknown" undated relations of entities that its own dates say did not
    exist that day. Those are left out; an entity of unknown lifespan is still listed there."""
    monkeypatch.setenv("COLUMNS", width)
    (mini_kb / "entities" / "late.yaml").write_text(LATE_SUBCENTERS)
    (mini_kb / "relations" / "late.yaml").write_text(
        "".join(
            f"- {{from: {name}-subcenter, type: subcenter_of, to: national-center, sources: [src-article]}}\n"
            for name in ("late", "gone", "lifeless")
        )
    )
    for day, expected in (("2019", {"lifeless"}), ("2023", {"lifeless", "late"})):
        view = json.loads(run("show", "national-center", "--as-of", day, "--json").stdout)
        undated = {r["other"]["id"] for r in view["relations_date_unknown"]}
        assert undated == {f"{name}-subcenter" for name in expected} | {"keqiao-overseas-dispute-subcenter"}, day
        drawn = " ".join(run("show", "national-center", "--as-of", day).stdout.split())
        assert "Lifeless sub-center" in drawn and ("Late sub-center" in drawn) is (day == "2023"), drawn
        assert "Gone sub-center" not in drawn
        assert "are hidden, and so are figures for later periods" in drawn, drawn


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["list", "--designation", "huzhou"], ["huzhou (Huzhou) is a city, not a designation", "--type designation"]),
        (["list", "--in", "national-center"], ["is a center, not a place", "--type city"]),
        (["facts", "--period", "14"], ["--period '14' is not a date or a period", "2021/2025"]),
    ],
)
@pytest.mark.parametrize("as_json", [False, True])
def test_a_wrong_question_is_a_usage_error_not_an_empty_answer(
    run, args: list[str], words: list[str], as_json: bool
) -> None:
    """`list --designation huzhou` (a city), `list --in cnipa` (an agency) and `facts --period 14` answered
    "no entities" / "no facts" and exit 0: a question that cannot have an answer is a usage error (exit 2)
    that says what the entity is, what is expected, and how to list what is."""
    result = run(*args, *(["--json"] if as_json else []))
    assert result.exit_code == 2 and result.stdout == "", (result.exit_code, result.stdout, result.stderr)
    said = " ".join(result.stderr.split())
    assert all(w in said for w in words), said
    if as_json:
        assert json.loads(result.stderr)["ok"] is False


def test_a_right_question_still_answers(run) -> None:
    assert "huzhou" in run("list", "--designation", "national-ip-demonstration-city").stdout
    assert "keqiao" in run("list", "--in", "zhejiang").stdout
    assert run("facts", "--period", "2014").exit_code == 0 and run("facts", "--period", "2014/2015").exit_code == 0


@pytest.mark.parametrize("output", ["/dev/stdout", "-", "fifo"])
def test_a_reader_that_stops_early_is_no_error_on_any_output(tmp_path: Path, output: str) -> None:
    """`export -o /dev/stdout | head -c 100` said "cannot write /dev/stdout: Broken pipe" and exited 1, where
    `-o - | head` is quiet and exits 0: a reader that has what it wanted is no failure, whatever -o names
    (the bundled KB: its 2 MB of GraphML outrun any pipe's buffer)."""
    import os
    import subprocess
    import sys
    import threading

    from tests.conftest import BUNDLED_KB

    ipkb = str(Path(sys.executable).with_name("ipkb"))
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    subprocess.run([ipkb, "--kb", str(BUNDLED_KB), "stats"], env=env, capture_output=True, check=True)  # built
    target = output
    if output == "fifo":
        target = str(tmp_path / "fifo")
        os.mkfifo(target)
    command = [ipkb, "--kb", str(BUNDLED_KB), "export", "--format", "graphml", "-o", target]

    def read_a_little() -> None:
        with open(target, "rb") as fifo:
            fifo.read(100)

    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        if output == "fifo":
            reader = threading.Thread(target=read_a_little)
            reader.start()
            reader.join(60)
        else:
            process.stdout.read(100)
        process.stdout.close()
        error = process.stderr.read().decode()
        assert process.wait(60) == 0 and error == "", error


def test_a_share_is_never_rounded_to_all_or_none() -> None:
    """`stats` showed "236 (100%)" for 236 of 237 facts quoted from the source itself: 100% is for all, 0% for
    none; near either end one decimal, past that >99.9% or <0.1%. The JSON share (to 4 places) likewise."""
    from ipkb.figures import percent, share

    cases = [(236, 237, "99.6%"), (1, 237, "0.4%"), (3, 4, "75%"), (237, 237, "100%"), (0, 237, "0%")]
    cases += [(19_999, 20_000, ">99.9%"), (1, 20_000, "<0.1%"), (199, 200, "99.5%")]
    for part, whole, text in cases:
        assert percent(part, whole) == text, (part, whole)
        fraction = share(part, whole)
        assert fraction is not None and (fraction == 1.0) is (part == whole) and (fraction == 0.0) is (part == 0)
    assert share(0, 0) is None


@pytest.mark.parametrize("width", ["60", "80", "120"])
def test_stats_says_99_6_percent_not_100(run, mini_kb: Path, monkeypatch: pytest.MonkeyPatch, width: str) -> None:
    monkeypatch.setenv("COLUMNS", width)
    metric = "invention_patents_per_10k_people"
    # the mini KB's 2 facts are quoted; 250 more are, and one is not: 252 of 253
    quoted = "sources: [{source: src-article, quote: '8.09 invention patents per 10,000 people'}]"
    (mini_kb / "facts" / "many.yaml").write_text(
        "".join(
            f"- {{entity: huzhou, metric: {metric}, value: 1, period: '{1700 + n}', {quoted}}}\n" for n in range(250)
        )
        + f"- {{entity: huzhou, metric: {metric}, value: 1, period: '1699', sources: [src-article]}}\n"
    )
    view = json.loads(run("stats", "--json").stdout)["citations"]["facts"]
    assert (view["total"], view["with_quote"], view["share_with_quote"]) == (253, 252, 0.996)
    drawn = " ".join(run("stats").stdout.split())
    assert "facts 253 253 (100%) 252 (99.6%)" in drawn, drawn


@pytest.mark.parametrize("width", ["60", "80", "120"])
def test_a_unit_the_metric_already_names_is_not_said_twice(
    run, mini_kb: Path, monkeypatch: pytest.MonkeyPatch, width: str
) -> None:
    """`patent enforcement assessment rank 13 rank`: printed after its metric's words, a unit those words end
    with is dropped (show's claims, timeline, the HTML page); other units stay (`ip composite ranking 3
    rank`: ranking is not rank; a unit that counts, `guidance services: 2 services`, reads as one of one)."""
    from ipkb.figures import figure_text

    monkeypatch.setenv("COLUMNS", width)
    assert figure_text(13, None, "rank", "patent_enforcement_assessment_rank") == "13"
    assert figure_text("double excellent", None, "grade", "performance_evaluation_grade") == "double excellent"
    assert figure_text(3, None, "rank", "ip_composite_ranking") == "3 rank"
    assert figure_text(3500, "more_than", "consultations", "consultations") == "more than 3,500 consultations"
    assert figure_text(1, None, "enterprises", "foreign_enterprises") == "1 enterprise"
    assert figure_text(1, None, "sub-centers", "subcenter_count") == "1 sub-center"
    cited = "sources: [{source: src-article, quote: 'ranks fourth in the country'}]"
    (mini_kb / "facts" / "ranks.yaml").write_text(
        f"- {{entity: huzhou, metric: patent_enforcement_assessment_rank, value: 13, period: '2014', {cited}}}\n"
        f"- {{entity: huzhou, metric: ip_composite_ranking, value: 3, period: '2014', {cited}}}\n"
    )
    for command in (["show", "huzhou", "--quotes"], ["timeline", "huzhou"]):
        drawn = " ".join(run(*command).stdout.split())
        assert "rank 13 rank" not in drawn and "rank: 13 rank" not in drawn, drawn
        assert "patent enforcement assessment rank 13" in drawn or "assessment rank: 13" in drawn, drawn
        assert "ip composite ranking 3 rank" in drawn or "ip composite ranking: 3 rank" in drawn, drawn
    fact = next(f for f in json.loads(run("show", "huzhou", "--json").stdout)["facts"] if f["metric"].endswith("_rank"))
    assert fact["unit"] == "rank"  # --json keeps the KB's unit


def test_an_article_fits_its_word() -> None:
    """`batch must be a integer, not 'two'`: the one message that names a qualifier's kind says `an integer`."""
    from ipkb.text import a_or_an

    words = ["integer", "agency", "event", "organization", "city", "date", "year", "number", "text", "unit", "zone"]
    assert [a_or_an(w) for w in words] == [
        "an integer",
        "an agency",
        "an event",
        "an organization",
        "a city",
        "a date",
        "a year",
        "a number",
        "a text",
        "a unit",
        "a zone",
    ]
