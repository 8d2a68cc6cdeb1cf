"""Entities over time: former names (lookups, show, timeline) and lifespans under --as-of (docs/analysis.md)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import BUNDLED_KB, invoke

RENAMED = """\
- id: demo-office
  type: agency
  name: Demonstration Bureau
  zh: 示范局
  since: "2010"
  former_names:
    - name: Demonstration Office
      zh: 示范办公室
      until: 2018-03
      sources: [{source: src-article, quote: "national intellectual property"}]
  sources: [{source: src-article, quote: "national intellectual property"}]
- id: late-center
  type: center
  name: Late Center
  since: 2030-05-01
  sources: [{source: src-article, quote: "43 local sub centers"}]
"""

RUNS = """\
- from: demo-office
  type: hosts
  to: late-center
  date: 2015-06
  sources: [{source: src-article, quote: "will build"}]
- from: demo-office
  type: hosts
  to: national-center
  date: 2019-01
  sources: [{source: src-article, quote: "will build"}]
"""


def renamed_kb(mini_kb: Path) -> Path:
    (mini_kb / "entities" / "renamed.yaml").write_text(RENAMED, encoding="utf-8")
    (mini_kb / "relations" / "renamed.yaml").write_text(RUNS, encoding="utf-8")
    return mini_kb


def test_a_former_name_finds_the_entity_and_show_lists_it(run, mini_kb: Path) -> None:
    renamed_kb(mini_kb)
    view = json.loads(run("show", "Demonstration Office", "--json").stdout)
    assert view["id"] == "demo-office"
    assert [(f["name"], f["zh"], f["until"]) for f in view["former_names"]] == [
        ("Demonstration Office", "示范办公室", "2018-03")
    ]
    assert view["former_names"][0]["sources"][0]["source"] == "src-article"
    shown = run("show", "demo-office").stdout
    assert "formerly: Demonstration Office 示范办公室 (until 2018-03)" in shown


def test_timeline_and_show_as_of_use_the_name_of_the_day(run, mini_kb: Path) -> None:
    renamed_kb(mini_kb)
    events = json.loads(run("timeline", "demo-office", "--json").stdout)
    names = {e["date"]: e["subject"]["name"] for e in events if e["subject"]["id"] == "demo-office"}
    assert names["2015-06"] == "Demonstration Office"
    assert names["2019-01"] == "Demonstration Bureau"
    assert "Demonstration Office" in run("timeline", "demo-office").stdout
    then = json.loads(run("show", "demo-office", "--as-of", "2016", "--json").stdout)
    assert (then["name_as_of"], then["zh_as_of"], then["name"]) == (
        "Demonstration Office",
        "示范办公室",
        "Demonstration Bureau",
    )
    assert run("show", "demo-office", "--as-of", "2016").stdout.lstrip().startswith("╭─ Demonstration Office")
    assert json.loads(run("show", "demo-office", "--as-of", "2020", "--json").stdout)["name_as_of"] == (
        "Demonstration Bureau"
    )


def test_an_answer_names_the_other_entities_as_they_were_named_then(run, mini_kb: Path) -> None:
    """A relation of 2015 names the office by its 2015 name, with today's beside it, in show and path, and so does
    any answer --as-of 2016 (neighbors too); one of 2019, after the renaming, names it by today's. JSON keeps
    `name` and adds `name_then`."""
    renamed_kb(mini_kb)
    view = json.loads(run("show", "late-center", "--as-of", "2016", "--json").stdout)
    [office] = [r["other"] for r in view["relations"] if r["other"]["id"] == "demo-office"]
    assert (office["name"], office["name_then"], office["zh_then"]) == (
        "Demonstration Bureau",
        "Demonstration Office",
        "示范办公室",
    )
    then = "Demonstration Office 示范办公室 (agency, now Demonstration Bureau)"
    assert then in run("show", "late-center", "--as-of", "2016").stdout
    assert then in run("show", "late-center").stdout  # the relation is of 2015-06: no --as-of needed
    on_path = run("path", "late-center", "demo-office").stdout
    assert "Demonstration Office (demo-office, now Demonstration Bureau)" in on_path
    near = run("neighbors", "late-center", "--as-of", "2016").stdout
    assert "Demonstration Office (agency · demo-office, now" in near
    later = json.loads(run("show", "national-center", "--json").stdout)  # hosted since 2019-01, after 2018-03
    assert not any("name_then" in r["other"] for r in later["relations"])
    assert "Demonstration Bureau 示范局 (agency)" in run("show", "national-center").stdout


def test_list_as_of_shows_what_is_known_to_exist_and_counts_the_undated_apart(run, mini_kb: Path) -> None:
    renamed_kb(mini_kb)

    def listed(*args: str) -> set[str]:
        result = run("list", "--type", "agency", "--type", "center", *args, "--json")
        assert result.exit_code == 0, result.stderr
        return {e["id"] for e in json.loads(result.stdout)["entities"]}

    assert listed("--as-of", "2009") == set()  # the office dates from 2010: a year counts once it is over
    assert listed("--as-of", "2010") == {"demo-office"}
    # national-center has no `since`, but the office hosts it from 2019-01 (lifespan.existing_on)
    assert listed("--as-of", "2030-06") == {"demo-office", "late-center", "national-center"}
    assert {"national-center", "keqiao-overseas-dispute-subcenter"} <= listed()  # without --as-of: all
    table = run("list", "--type", "center", "--as-of", "2018")
    # late-center begins in 2030, national-center is hosted only from 2019-01: not yet begun; keqiao's is undated
    said = "3 more not shown: 2 not yet begun on 2018-12-31, 1 without a known start date"
    assert said in table.stderr
    assert "national-center" not in table.stdout
    assert json.loads(run("list", "--type", "center", "--as-of", "2018", "--json").stdout)["entities"] == []
    places = {
        e["id"] for e in json.loads(run("list", "--in", "zhejiang", "--as-of", "2019", "--json").stdout)["entities"]
    }
    assert "huzhou" in places  # a place needs no start date


def test_show_as_of_before_the_start_says_it_did_not_exist_yet(run, mini_kb: Path) -> None:
    renamed_kb(mini_kb)
    out = run("show", "late-center", "--as-of", "2025").stdout
    assert "not yet in existence on 2025-12-31: it dates from 2030-05-01" in out
    assert "not yet in existence" not in run("show", "late-center", "--as-of", "2031").stdout
    assert json.loads(run("show", "late-center", "--as-of", "2025", "--json").stdout)["exists_as_of"] is False
    # cited by a source with no date: nothing dates it (a dated source would, see test_as_of_reported)
    note = "- {id: src-undated, type: source, name: An undated note, title: An undated note, kind: article}\n"
    (mini_kb / "entities" / "undated-source.yaml").write_text(note, encoding="utf-8")
    undated = '- {from: huzhou, type: hosts, to: late-center, sources: [{source: src-undated, quote: "will build"}]}\n'
    (mini_kb / "relations" / "undated.yaml").write_text(undated, encoding="utf-8")
    before = json.loads(run("show", "late-center", "--as-of", "2025", "--json").stdout)
    assert before["relations_date_unknown"] == []  # nothing held while it did not exist
    after = json.loads(run("show", "late-center", "--as-of", "2031", "--json").stdout)
    assert [r["other"]["id"] for r in after["relations_date_unknown"]] == ["huzhou"]


def test_a_former_name_needs_a_date_and_a_citation(run, mini_kb: Path) -> None:
    bad = RENAMED.replace("      until: 2018-03\n", "").replace(
        '      sources: [{source: src-article, quote: "national intellectual property"}]\n', ""
    )
    (mini_kb / "entities" / "renamed.yaml").write_text(bad, encoding="utf-8")
    result = run("validate", "--json")
    assert result.exit_code == 1
    messages = [e["message"] for e in json.loads(result.stdout)["errors"]]
    assert any("needs 'until'" in m for m in messages), messages
    assert any("a former name cites no source" in m for m in messages), messages
    (mini_kb / "entities" / "renamed.yaml").write_text(RENAMED.replace("until: 2018-03", "until: March"))
    errors = json.loads(run("validate", "--json").stdout)["errors"]
    assert any("until must be a date" in e["message"] and e["line"] == 9 for e in errors), errors
    (mini_kb / "entities" / "renamed.yaml").write_text(
        RENAMED.replace("source: src-article, quote", "source: nope, quote", 1)
    )
    errors = json.loads(run("validate", "--json").stdout)["errors"]
    assert any("nope" in e["message"] for e in errors), errors


def test_bundled_kb_names_sipo_before_2018_and_finds_it() -> None:
    def ipkb(*args: str) -> str:
        result = invoke(["--kb", str(BUNDLED_KB), *args, "--json"])
        assert result.exit_code == 0, result.stderr
        return result.stdout

    assert json.loads(ipkb("show", "sipo"))["id"] == "cnipa"
    assert json.loads(ipkb("show", "State Intellectual Property Office"))["id"] == "cnipa"
    events = json.loads(ipkb("timeline"))
    early = [e for e in events if e["date"] < "2018" for r in ("subject", "object") if e[r] and e[r]["id"] == "cnipa"]
    assert early, "the KB has CNIPA events before 2018"
    for event in early:
        names = {event[r]["name"] for r in ("subject", "object") if event[r] and event[r]["id"] == "cnipa"}
        assert names == {"State Intellectual Property Office"}, event
    before = {e["id"] for e in json.loads(ipkb("list", "--type", "center", "--as-of", "2019-06"))["entities"]}
    after = {e["id"] for e in json.loads(ipkb("list", "--type", "center", "--as-of", "2019-07-10"))["entities"]}
    assert "national-center" not in before and "national-center" in after  # founded 2019-07-10


def test_verify_checks_a_former_names_quote_like_any_other(run, mini_kb: Path) -> None:
    """A former name is a claim: its quote is looked up in the source's text, and a misquote is reported."""
    texts = Path(__file__).parent / "fixtures"
    renamed_kb(mini_kb)
    before = json.loads(run("verify", "--texts", str(texts), "--json").stdout)
    path = mini_kb / "entities" / "renamed.yaml"
    text = path.read_text(encoding="utf-8")
    # the former name's citation comes first in the file: only it is changed
    path.write_text(text.replace('"national intellectual property"', '"a name nobody wrote"', 1), encoding="utf-8")
    result = run("verify", "--texts", str(texts))
    assert result.exit_code == 1
    assert "renamed.yaml:" in result.stdout and "demo-office formerly Demonstration Office" in result.stdout
    assert before["checked"] == json.loads(run("verify", "--texts", str(texts), "--json").stdout)["checked"]


def test_list_as_of_json_carries_the_count_the_text_gives_of_entities_without_a_start_date(run, mini_kb: Path) -> None:
    """The trial: `list --as-of` said on stderr "2 more without a known start date (not shown)", but --json
    said nothing of them, so a script took the list for all there was. --json now carries the same count
    (`without_start_date`, only under --as-of); --format csv/tsv/json stay the rows alone."""
    renamed_kb(mini_kb)
    args = ("list", "--type", "center", "--as-of", "2018")
    assert "2 not yet begun on 2018-12-31, 1 without a known start date" in run(*args).stderr
    page = json.loads(run(*args, "--json").stdout)
    assert (page["without_start_date"], page["not_yet_begun"]) == (1, 2)
    assert not {"without_start_date", "not_yet_begun"} & set(
        json.loads(run("list", "--type", "center", "--json").stdout)
    )
    rows = run(*args, "--format", "csv")
    assert rows.exit_code == 0 and rows.stdout.splitlines() == ["id,type,name,zh"]
    from ipkb import open_kb

    assert open_kb(mini_kb, as_of="2018").list_page(["center"])["without_start_date"] == 1


def test_list_neighbors_and_show_as_of_agree_on_whether_an_entity_existed(run, mini_kb: Path) -> None:
    """The trial: `neighbors --as-of` showed every entity a holding relation reached, `list --as-of` only those
    whose own `since` placed them, so they disagreed both ways: a centre with no `since` that an office hosts
    from 2019-01 was in the office's neighbours in 2020 but counted as "without a known start date" by list,
    and a centre founded in 2030 was a neighbour in 2016 by an undated-holds relation (its city). Both, and
    show, now ask one rule (lifespan.existing_on): its own dates, else a place, else an end of a relation its
    own dates say held that day."""
    renamed_kb(mini_kb)
    (mini_kb / "relations" / "late.yaml").write_text(
        "- {from: late-center, type: located_in, to: huzhou, sources: [src-article]}\n", encoding="utf-8"
    )

    def listed(day: str) -> set[str]:
        return {
            e["id"] for e in json.loads(run("list", "--type", "center", "--as-of", day, "--json").stdout)["entities"]
        }

    def near(entity: str, day: str) -> set[str]:
        return {r["id"] for r in json.loads(run("neighbors", entity, "--as-of", day, "--json").stdout)["entities"]}

    for day in ("2016", "2018", "2020", "2031"):
        for entity in ("demo-office", "huzhou"):
            centers = {i for i in near(entity, day) if i in {"national-center", "late-center"}}
            assert centers <= listed(day), (entity, day)
        shown = json.loads(run("show", "national-center", "--as-of", day, "--json").stdout)["exists_as_of"]
        assert bool(shown) == ("national-center" in listed(day)), day
    assert "national-center" in listed("2020") and "national-center" in near("demo-office", "2020")
    assert "late-center" not in near("huzhou", "2016")  # founded 2030: its city says nothing of 2016
    assert "late-center" in near("huzhou", "2031")
    hidden = run("neighbors", "huzhou", "--as-of", "2016")
    assert "without a known start date" not in hidden.stderr  # late-center is known not to exist then


def test_path_as_of_walks_only_through_entities_that_existed_that_day(run, mini_kb: Path) -> None:
    """`neighbors --as-of 2016` leaves out a centre founded in 2030; `path --as-of 2016` walked through it, a
    chain through something that was not there. Now path asks the same rule (lifespan.existing_on)."""
    renamed_kb(mini_kb)
    (mini_kb / "relations" / "late.yaml").write_text(
        "- {from: late-center, type: located_in, to: huzhou, sources: [src-article]}\n", encoding="utf-8"
    )

    def through(day: str) -> set[str] | None:
        result = run("path", "demo-office", "huzhou", "--as-of", day, "--json")
        if result.exit_code == 1:
            return None
        return {hop["to"]["id"] for hop in json.loads(result.stdout)["hops"]}

    assert "late-center" in (through("2031") or set())
    then = through("2016")
    assert then is None or "late-center" not in then


def test_show_as_of_does_not_say_a_place_contained_what_was_not_there(run, mini_kb: Path) -> None:
    """The trial: `show zhejiang --as-of 2019` listed, among what Zhejiang held that day, a sub-center first
    set up in 2020, because `located_in` holds undated; `list --in zhejiang --as-of 2019` left it out. Now an
    undated-holds relation counts only if its other end existed that day (lifespan.existing_on): one known
    not to is left out, one the KB cannot place goes under the relations of unknown date."""
    renamed_kb(mini_kb)
    (mini_kb / "entities" / "quiet.yaml").write_text(
        "- id: quiet-center\n  type: center\n  name: Quiet Center\n"
        '  sources: [{source: src-article, quote: "43 local sub centers"}]\n',
        encoding="utf-8",
    )
    (mini_kb / "relations" / "late.yaml").write_text(
        "- {from: late-center, type: located_in, to: huzhou, sources: [src-article]}\n"
        "- {from: quiet-center, type: located_in, to: huzhou, sources: [src-article]}\n",
        encoding="utf-8",
    )
    then = json.loads(run("show", "huzhou", "--as-of", "2016", "--json").stdout)
    held = {r["other"]["id"] for r in then["relations"]}
    unknown = {r["other"]["id"] for r in then["relations_date_unknown"]}
    assert not {"late-center", "quiet-center"} & held
    assert "quiet-center" in unknown and "late-center" not in unknown
    later = json.loads(run("show", "huzhou", "--as-of", "2031", "--json").stdout)
    assert "late-center" in {r["other"]["id"] for r in later["relations"]}
    today = json.loads(run("show", "huzhou", "--json").stdout)
    assert {"late-center", "quiet-center"} <= {r["other"]["id"] for r in today["relations"]}


def test_neighbors_as_of_json_carries_the_count_of_neighbours_without_a_start_date(tmp_path: Path) -> None:
    """`neighbors --as-of` said on stderr how many it reached but could not place on the day, and its --json,
    a bare list, had no room to say it: a script took the neighbourhood for all there was. --json is now a
    page, {"entities", "without_start_date"}, the count under --as-of only, as `list`'s."""
    db = str(tmp_path / "kb.sqlite")
    args = ["--kb", str(BUNDLED_KB), "--db", db, "neighbors", "keqiao", "--as-of", "2019"]
    note = re.search(r"(\d+) more without a known start date \(not shown\)", invoke(args).stderr)
    page = json.loads(invoke([*args, "--json"]).stdout)
    assert note is not None and page["without_start_date"] == int(note.group(1)) > 0
    assert page["entities"][0]["id"] == "keqiao"
    assert "without_start_date" not in json.loads(invoke([*args[:-2], "--json"]).stdout)
    from ipkb import open_kb

    assert open_kb(BUNDLED_KB, db, as_of="2019").neighbors("keqiao") == page


def test_show_as_of_says_the_name_of_the_day_and_the_later_name_not_it_as_former(run, mini_kb: Path) -> None:
    """A new user's trial: `show cnipa --as-of 2015` said `named so on 2015-12-31` (read as a rename date) and,
    under that very name, `formerly: State Intellectual Property Office (until 2018)`."""
    renamed_kb(mini_kb)
    then = " ".join(run("show", "demo-office", "--as-of", "2016").stdout.split())
    assert "its name on 2016-12-31" in then and "named so" not in then
    assert "formerly: Demonstration Office" not in then  # the name shown is not its own former name
    assert "later: Demonstration Bureau 示范局 (from 2018-03; its name now) [1]" in then
    now = " ".join(run("show", "demo-office").stdout.split())
    assert "formerly: Demonstration Office 示范办公室 (until 2018-03)" in now and "later:" not in now
    assert "later:" not in " ".join(run("show", "demo-office", "--as-of", "2020").stdout.split())


def test_path_as_of_says_how_many_it_could_not_walk_through(tmp_path: Path) -> None:
    """The lawyer's trial: `path keqiao national-center --as-of 2021` took a longer route than without --as-of,
    silently: the planned sub-center on the short one has no date to place in 2021. The answer now says how
    many entities it reached but could not place on the day (stderr; --json `not_placed`, with `as_of`)."""
    db = str(tmp_path / "kb.sqlite")
    args = ["--kb", str(BUNDLED_KB), "--db", db, "path", "keqiao", "national-center", "--as-of", "2021"]
    note = re.search(
        r"(\d+) more reached without a date to place on 2021-12-31, not walked through", invoke(args).stderr
    )
    view = json.loads(invoke([*args, "--json"]).stdout)
    assert note is not None and view["not_placed"] == int(note.group(1)) > 0 and view["as_of"] == "2021-12-31"
    plain = json.loads(invoke([*args[:-2], "--json"]).stdout)
    assert "as_of" not in plain and "not_placed" not in plain and plain["length"] < view["length"]
