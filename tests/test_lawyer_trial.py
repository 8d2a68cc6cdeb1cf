"""What a lawyer met in a new-user trial: a Japanese summary of Chinese remarks cited as if it were the outlet's
own words in English or Chinese, figures on a source's page without the scope that tells them apart, a path
hop that hid its source's other quote, and `stats` counting our research notes as "the source itself"."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from ipkb.render.layout import Notes
from ipkb.render.show import fact_details
from ipkb.render.sources import language_note
from ipkb.render.wrap import NO_BREAK
from tests.conftest import BUNDLED_KB, Result, invoke

COLUMNS = [60, 80, 120]


def _bundled(*args: str, columns: int = 200) -> Result:
    before = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(columns)
    try:
        result = invoke(["--kb", str(BUNDLED_KB), *args])
    finally:  # no width left behind for the tests that run after
        if before is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = before
    assert result.exit_code == 0, result.stderr
    return result


def _flat(text: str) -> str:
    return " ".join(text.split())


def _footnote(out: str, source_id: str) -> str:
    """The footnote (its wrapped lines joined by spaces) that names `source_id`."""
    notes = re.split(r"\n(?= \[\d+\] )", out)
    found = [n for n in notes if re.search(rf"\s{re.escape(source_id)}(\s|$)", n) and n.startswith(" [")]
    assert found, out
    return _flat(found[-1].split("\n\n")[0])


@pytest.mark.parametrize("columns", COLUMNS)
@pytest.mark.parametrize(
    "args",
    [
        ("show", "germany-overseas-dispute-subcenter"),
        ("show", "germany-overseas-dispute-subcenter", "--quotes"),
        ("path", "germany-overseas-dispute-subcenter", "cnipa"),
        ("facts", "subcenter_count"),
        ("timeline", "germany-overseas-dispute-subcenter"),
    ],
)
def test_a_footnote_says_a_source_is_in_japanese(args: tuple[str, ...], columns: int) -> None:
    """src-mondaq-1446252 (`language: ja`) is a Japanese summary of Chinese remarks: its footnote read only
    `“Summary of Hu Wenhui's remarks …” … · press`, as if its quotes were the outlet's words in English."""
    out = _bundled(*args, columns=columns).stdout
    assert _footnote(out, "src-mondaq-1446252").endswith("src-mondaq-1446252 · press · in Japanese")
    assert all(cell_len(line) <= columns or "http" in line for line in out.splitlines()), out


@pytest.mark.parametrize("columns", COLUMNS)
@pytest.mark.parametrize("command", ["coverage", "stats"])
def test_a_footnote_by_id_says_a_source_is_in_japanese_too(command: str, columns: int) -> None:
    """coverage and stats list the sources of claimed totals by id, with their words: the Japanese summary says so
    there too, as a machine translation does, before its quotes."""
    out = _bundled(command, columns=columns).stdout
    assert "src-mondaq-1446252 · in Japanese: “" in _flat(out), out
    assert "src-economic-daily-2024 · en (machine translation of a Chinese article): “" in _flat(out)
    assert "src-capitalip-6841: “" in _flat(out)  # a plain Chinese source says nothing more
    wide = [line for line in out.splitlines() if cell_len(line) > columns and " " in line.strip()]
    assert not wide, wide  # an id too long for the line runs past it whole, by design


def test_the_language_note_holds_for_every_language_the_kb_uses() -> None:
    """The forms of `language:` in kb/entities/sources-*.yaml: plain English and Chinese say nothing, their notes
    (a translation, traditional characters) are said as written, any other language always, by name."""
    assert language_note("en") == language_note("zh") == language_note(None) == ""
    assert language_note("en (machine translation of a Chinese article)") == (
        "en (machine translation of a Chinese article)"
    )
    assert language_note("zh (traditional characters)") == "zh (traditional characters)"
    assert language_note("ja") == "in Japanese"
    assert language_note("de") == "in German"
    assert language_note("ja (summary)") == "in Japanese (summary)"
    assert language_note("xx") == "language: xx"  # a code it has no name for is still said
    languages = {
        line.split(":", 1)[1].strip()
        for path in (BUNDLED_KB / "entities").glob("sources-*.yaml")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("language:")
    }
    for language in languages:
        said = language_note(language)
        plain = language in ("en", "zh")
        assert bool(said) != plain, language
        assert "language:" not in said, f"{language}: give its name in LANGUAGES"


@pytest.mark.parametrize("columns", COLUMNS)
def test_a_sources_page_gives_its_figures_scope_and_caveats(columns: int) -> None:
    """`show src-mondaq-1446252` listed `subcenter count 28 sub-centers · 2024` (batch 4, inferred) and `21`, `43`
    and `2 · 2023` with no local or overseas scope, so they read as contradicting each other: each now carries the
    details the entity's own `show` gives it, its note lettered under the page."""
    out = _bundled("show", "src-mondaq-1446252", columns=columns).stdout
    flat = _flat(out)
    for figure in (
        "subcenter count 28 sub-centers · 2024 · batch 4 · subcenter kind: local · inferred · [",
        "subcenter count 21 sub-centers · 2023 · batch 3 · subcenter kind: local · inferred · [",  # batch 3: worked out
        "subcenter count 43 sub-centers · 2023 · subcenter kind: local · [",
        "subcenter count 2 sub-centers · 2023 · subcenter kind: overseas · [",
    ):
        assert figure in flat, out
    assert "Inferred size of batch 4: 71 (Sept 2024, cited) minus 43" in flat  # the note its letter stands for
    own = json.loads(_bundled("show", "national-center", "--json").stdout)["facts"]
    batch4 = next(f for f in own if f["value"] == 28 and f["scope"].get("batch") == 4)
    said = fact_details(batch4, Notes()).replace(NO_BREAK, " ").rsplit(" · [", 1)[0]  # as its own table says it
    assert f"28 sub-centers · 2024 · {said} · [" in flat
    assert all(cell_len(line) <= columns or "http" in line for line in out.splitlines()), out


@pytest.mark.parametrize("columns", COLUMNS)
def test_a_hop_says_its_source_gives_more_quotes_than_the_one_printed(columns: int) -> None:
    """`path germany-overseas-dispute-subcenter cnipa`: the hop "sub-center of" printed only src-mondaq-1446252's
    quote on 21 local sub-centers, hiding its second (the one naming Germany, in Japanese), and `also` listed only
    other sources: a reader took the words printed for all of the evidence."""
    out = _bundled("path", "germany-overseas-dispute-subcenter", "cnipa", columns=columns).stdout
    joined = "".join(out.split())  # the Japanese wraps between any two characters
    assert "設立され”·1morequoteof[1](--json)" in joined, out  # the KB now cites the words naming Germany first
    assert "ドイツとシンガポール" in joined and "総数が43" not in joined
    hop = json.loads(_bundled("path", "germany-overseas-dispute-subcenter", "cnipa", "--json").stdout)["hops"][0]
    assert [c["source"] for c in hop["sources"]] == ["src-mondaq-1446252"] * 2  # what the note counts
    assert all(cell_len(line) <= columns or "http" in line for line in out.splitlines()), out


def test_more_quotes_counts_the_first_sources_other_words_only() -> None:
    from ipkb.render.path import more_quotes

    a, b = {"source": "a", "quote": "one"}, {"source": "b", "quote": "two"}
    assert more_quotes([a]) == 0
    assert more_quotes([a, b]) == 0  # another source is `also [2]`
    assert more_quotes([a, b, {"source": "a", "quote": "three"}]) == 1
    assert more_quotes([a, {"source": "a", "quote": "one"}, {"source": "a"}]) == 0  # the same words, no words
    assert more_quotes([a, {"source": "a", "quote": "one", "via": "research-x"}]) == 1  # read in our notes: said apart


NOTE_SOURCE = """
- id: research-notes
  type: source
  name: Our research notes
  file: research/notes.md
  kind: research-note
"""


@pytest.mark.parametrize("columns", COLUMNS)
def test_stats_says_how_many_claims_rest_only_on_research_notes(
    run, mini_kb: Path, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    """`stats` said "with quote 100%, quoted from the source itself 94%", counting the KB's own research notes as
    "the source": it now says how many relations and facts no source but our notes backs, in text and --json."""
    with (mini_kb / "entities" / "bodies.yaml").open("a") as f:
        f.write(NOTE_SOURCE)
    centers = mini_kb / "relations" / "centers.yaml"
    text = centers.read_text()  # huzhou's designation: from the article to our notes alone
    centers.write_text(
        text.replace('{source: src-article, quote: "ranks fourth', '{source: research-notes, quote: "ranks fourth', 1)
    )
    claims = mini_kb / "facts" / "claims.yaml"
    claims.write_text(claims.read_text().replace("source: src-article", "source: research-notes", 1))
    view = json.loads(run("stats", "--json").stdout)["citations"]
    assert view["relations"]["resting_only_on_research_notes"] == 1
    assert view["relations"]["share_resting_only_on_research_notes"] == round(1 / 7, 4)
    assert view["facts"]["resting_only_on_research_notes"] == 1
    monkeypatch.setenv("COLUMNS", str(columns))
    out = run("stats").stdout
    assert "resting only on our research notes, no published source: 1 relation (14%), 1 fact (50%)" in _flat(out)
    assert all(cell_len(line) <= columns for line in out.splitlines()), out


def test_stats_on_the_bundled_kb_counts_the_claims_on_research_notes_alone() -> None:
    view = json.loads(_bundled("stats", "--json").stdout)["citations"]
    for kind in ("relations", "facts"):
        c = view[kind]
        assert 0 < c["resting_only_on_research_notes"] < c["with_quote_from_source_text"]  # among the "source itself"
    out = _flat(_bundled("stats", columns=80).stdout)
    n = view["relations"]["resting_only_on_research_notes"]
    assert f"resting only on our research notes, no published source: {n} relations" in out
