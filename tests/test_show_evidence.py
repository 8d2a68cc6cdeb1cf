"""What `show` puts in front of a reader: notes, `inferred` and `via` beside the claims, every quote with
--quotes, every claim a source supports, and no identifier cut at 60, 80 or 120 columns."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import Result, invoke

EVIDENCE = """\
- id: research-note
  type: source
  name: Our research note
  file: texts/note.txt
  kind: research-note
- id: src-web
  type: source
  name: A web page
  url: http://example.org/page
  kind: web-page
"""

CLAIMS = """\
- from: huzhou
  type: located_in
  to: zhejiang
  confidence: inferred
  note: No source states the province in so many words.
  sources: [{source: src-web, quote: "Huzhou in Zhejiang", via: research-note}]
"""


@pytest.fixture
def evidence_kb(mini_kb: Path) -> Path:
    (mini_kb / "entities" / "evidence.yaml").write_text(EVIDENCE)
    (mini_kb / "relations" / "evidence.yaml").write_text(CLAIMS)
    return mini_kb


def show(kb: Path, *args: str, columns: int = 80) -> Result:
    import os

    os.environ["COLUMNS"] = str(columns)
    result = invoke(["--kb", str(kb), "show", *args])
    assert result.exit_code == 0, result.stderr
    return result


def test_notes_inferred_and_via_are_on_screen(evidence_kb: Path) -> None:
    out = show(evidence_kb, "huzhou").stdout
    flat = " ".join(out.split())
    assert "inferred · [a]" in flat
    assert "[a] No source states the province in so many words." in flat
    assert "quotes taken from our research notes (research-note), not checked in this source's text" in flat


def test_quotes_prints_every_claim_with_its_words(evidence_kb: Path) -> None:
    out = " ".join(show(evidence_kb, "huzhou", "--quotes").stdout.split())
    assert "“ranks fourth in the country”" in out
    assert "research-note, our note on [2]: “Huzhou in Zhejiang”" in out  # whose words they are, first
    view = json.loads(invoke(["--kb", str(evidence_kb), "show", "huzhou", "--quotes", "--json"]).stdout)
    assert view == json.loads(invoke(["--kb", str(evidence_kb), "show", "huzhou", "--json"]).stdout)


def test_a_source_lists_every_claim_it_supports(evidence_kb: Path) -> None:
    view = json.loads(invoke(["--kb", str(evidence_kb), "show", "src-article", "--json"]).stdout)
    claims = view["supports"]
    assert {(r["from"]["id"], r["to"]["id"]) for r in claims["relations"]} >= {
        ("huzhou", "national-ip-demonstration-city")
    }
    assert view["cited_by"]["relation"] == len(claims["relations"])
    out = " ".join(show(evidence_kb, "src-article").stdout.split())
    assert "Huzhou 湖州市 (city) holds National IP demonstration city" in out
    assert "“ranks fourth in the country”" in out
    note = json.loads(invoke(["--kb", str(evidence_kb), "show", "research-note", "--json"]).stdout)
    assert note["supports"]["relations"][0]["sources"][0]["via"] == "research-note"  # what was read in it


@pytest.mark.parametrize("columns", [60, 80, 120])
@pytest.mark.parametrize("entity", ["huzhou", "national-center", "src-article"])
def test_no_identifier_is_cut_at_any_width(evidence_kb: Path, entity: str, columns: int) -> None:
    out = show(evidence_kb, entity, columns=columns).stdout
    view = json.loads(invoke(["--kb", str(evidence_kb), "show", entity, "--json"]).stdout)
    words = set(re.split(r"[\s()\[\]·,]+", out))
    for identifier in {view["id"]} | {s["id"] for s in view["sources"]}:  # the ids a reader types next
        assert identifier in words, identifier
    assert all(len(line) <= columns for line in out.splitlines()), columns


def test_show_says_how_much_of_a_claimed_roster_the_kb_lists(mini_kb: Path) -> None:
    view = json.loads(invoke(["--kb", str(mini_kb), "show", "national-center", "--json"]).stdout)
    (claim,) = view["claimed_totals"]
    assert (claim["metric"], claim["claimed"], claim["listed"]) == ("subcenter_count", 43, 0)
    assert claim["sources"][0]["quote"]
    out = " ".join(show(mini_kb, "national-center").stdout.split())
    assert "How complete the lists are" in out and "0 of 43" in out


def test_list_of_a_designation_says_k_of_n_claimed(mini_kb: Path) -> None:
    (mini_kb / "facts" / "designees.yaml").write_text(
        "- {entity: national-ip-demonstration-city, metric: designee_count, value: 25, period: '2014',\n"
        "   sources: [{source: src-article, quote: 'national intellectual property demonstration cities'}]}\n"
    )
    out = invoke(["--kb", str(mini_kb), "list", "--designation", "national-ip-demonstration-city"]).stdout
    assert "huzhou" in out and "1 of 25" in " ".join(out.split())
    # a script piping --json keeps the same "1 of 25 claimed", in show's terms, and the rows as they were
    args = ["--kb", str(mini_kb), "list", "--designation", "national-ip-demonstration-city"]
    page = json.loads(invoke([*args, "--json"]).stdout)
    assert [row["id"] for row in page["entities"]] == ["huzhou"]
    (claim,) = page["claimed_totals"]
    assert (claim["metric"], claim["period"], claim["listed"], claim["claimed"], claim["missing"]) == (
        "designee_count",
        "2014",
        1,
        25,
        24,
    )
    assert claim["sources"][0]["source"] == "src-article"
    assert json.loads(invoke([*args, "--format", "json"]).stdout) == page["entities"]  # the rows alone
    assert json.loads(invoke(["--kb", str(mini_kb), "list", "--type", "city", "--json"]).stdout)["claimed_totals"] == []
    both = invoke([*args, "--format", "json", "--json"])
    assert both.exit_code == 2 and "--format json: the rows alone" in both.stderr


def test_relations_of_unknown_date_keep_their_caveats_under_as_of() -> None:
    """`show --as-of` lists the relations it cannot date apart; they keep the qualifiers, `inferred` and
    note letters the plain `show` prints (they were dropped, hiding that a sub-center came later)."""
    from tests.conftest import BUNDLED_KB

    for entity in ("national-center", "guangdong-overseas-dispute-subcenter"):  # notes and kinds; an inferred host
        view = json.loads(show(BUNDLED_KB, entity, "--as-of", "2019", "--json").stdout)
        undated = view["relations_date_unknown"]
        assert any(r["note"] for r in undated)
        out = show(BUNDLED_KB, entity, "--as-of", "2019", columns=120).stdout
        section = " ".join(out.split("Date unknown", 1)[1].split())
        assert section.count("inferred") >= sum(r["confidence"] == "inferred" for r in undated)
        assert re.search(r"\[[a-z]+\]", section) and "subcenter_kind" not in section
    assert any(r["confidence"] == "inferred" for r in undated)  # the host of Guangdong's sub-center
    assert "subcenter kind: local" in " ".join(show(BUNDLED_KB, "national-center", "--as-of", "2019").stdout.split())


def test_list_in_a_place_marks_what_lies_there_only_by_inference(mini_kb: Path) -> None:
    """`list --in` walks containment transitively; an entity placed by an inferred relation (or below one)
    is marked, not listed as plain fact, as `list --designation` marks its holders."""
    (mini_kb / "entities" / "towns.yaml").write_text(
        "- {id: testtown, type: county, name: Testtown, sources: [{source: src-article}]}\n"
        "- {id: testvillage, type: county, name: Testvillage, sources: [{source: src-article}]}\n"
    )
    (mini_kb / "relations" / "towns.yaml").write_text(
        "- {from: testtown, type: located_in, to: huzhou, confidence: inferred, note: from its name,"
        " sources: [{source: src-article}]}\n"
        "- {from: testvillage, type: located_in, to: testtown, sources: [{source: src-article}]}\n"
    )
    rows = {
        r["id"]: r
        for r in json.loads(invoke(["--kb", str(mini_kb), "list", "--in", "zhejiang", "--json"]).stdout)["entities"]
    }
    assert rows["testtown"]["caveat"] == rows["testvillage"]["caveat"] == "inferred location"
    assert "caveat" not in rows["huzhou"]
    shown = invoke(["--kb", str(mini_kb), "list", "--in", "zhejiang"]).stdout
    assert "inferred location" in " ".join(shown.split())


PEOPLE = """\
- id: li-si
  type: person
  name: Li Si
  zh: 李四
  sources: [{source: src-article}]
"""

POSTS = """\
- from: li-si
  type: holds_role
  to: national-center
  role: Deputy Director
  year: 2016
  sources: [{source: src-article}]
- from: li-si
  type: holds_role
  to: national-center
  role: Director
  since: 2011
  until: 2018
  sources: [{source: src-article}]
"""


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_a_post_says_its_period_on_its_line(mini_kb: Path, columns: int) -> None:
    """A post that ended, or one a source only saw held on a date, must not read as held now: its line says
    `2011–2018` or `as of 2016` beside the role, not only in a note."""
    (mini_kb / "entities" / "people.yaml").write_text(PEOPLE)
    (mini_kb / "relations" / "people.yaml").write_text(POSTS)
    out = show(mini_kb, "li-si", columns=columns).stdout
    relations = out[out.index("Relations") :].split("\n\n")[0]
    flat = " ".join(re.sub(r"\[\d+\]", "", relations).split())
    assert "role Director · 2011–2018" in flat, relations
    assert "role Deputy Director · as of 2016" in flat, relations
    assert "2016 ·" not in flat and "since" not in flat and "until" not in flat
    assert max(len(line) for line in out.splitlines()) <= columns


BOUNDED = """\
- entity: huzhou
  metric: patent_grants
  value: 3500
  bound: more_than
  period: "2015"
  sources: [{source: src-article, quote: "Huzhou City"}]
"""


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_a_figure_the_source_gives_as_a_bound_is_never_printed_as_exact(
    mini_kb: Path, columns: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "more than 3,500" printed as "3,500" is a different claim: every answer that prints the figure says the
    bound, at every width, and --json gives it beside the value."""
    (mini_kb / "facts" / "bounded.yaml").write_text(BOUNDED, encoding="utf-8")
    monkeypatch.setenv("COLUMNS", str(columns))
    base = ["--kb", str(mini_kb)]
    for args in (["show", "huzhou"], ["facts", "patent_grants"], ["timeline", "huzhou"]):
        result = invoke([*base, *args])
        assert result.exit_code == 0, result.stderr
        assert re.search(r"more\s+than\s+3,500", result.stdout), (args, result.stdout)
    facts = json.loads(invoke([*base, "show", "huzhou", "--json"]).stdout)["facts"]
    bounded = [f for f in facts if f["metric"] == "patent_grants"]
    assert [(f["value"], f["bound"]) for f in bounded] == [(3500, "more_than")]
    assert all(f["bound"] is None for f in facts if f["metric"] != "patent_grants")
