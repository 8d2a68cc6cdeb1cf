"""British spellings inside compounds, and a compound written joined, hyphenated or plural, found alike
(a journalist's trial: `search beijing subcentre` found nothing, `list --type centre` was refused)."""

from __future__ import annotations

import json

import pytest

from ipkb.text import american, fold, other_spellings
from tests.conftest import BUNDLED_KB, invoke

FORMS = ["subcenter", "subcentre", "sub-center", "sub-centre", "subcenters", "sub-centers", "sub-centres"]


def found(*words: str) -> list[str]:
    result = invoke(["--kb", str(BUNDLED_KB), "search", *words, "--limit", "1000", "--json"])
    assert result.exit_code == 0, result.stderr
    return sorted(e["id"] for e in json.loads(result.stdout)["entities"])


def test_a_british_word_ending_a_compound_is_folded_as_alone() -> None:
    assert american("subcentre sub-centres a centre") == "subcenter sub-centers a center"
    assert fold("Beijing Subcentre") == fold("Beijing Sub-center")
    assert other_spellings("subcentre") == ["subcenter", "sub-centre", "sub-center"]
    assert other_spellings("co-operation-centre") == ["co-operation-center"]  # its hyphens kept
    assert other_spellings("centred") == [] and other_spellings("concentre") != []


def test_beijing_subcentre_finds_what_beijing_sub_center_finds() -> None:
    """`search beijing subcentre` found nothing, while sub-centre and subcenter did."""
    hits = found("beijing", "subcenter")
    assert "beijing-overseas-dispute-subcenter" in hits
    assert found("beijing", "subcentre") == found("beijing", "sub-centre") == hits == found("beijing", "sub-center")


def test_joined_hyphenated_and_plural_forms_of_a_compound_find_the_same() -> None:
    """`search subcenter` found 44 (the ids, which write -subcenter), `search sub-centers` 31 (names that write
    the plural): the KB writes the compound both joined and hyphenated, and a plural typed found only
    plurals. Each form now finds every entity any of them finds."""
    first = found(FORMS[0])
    assert len(first) > 100 and "national-center" in first and "keqiao-overseas-dispute-subcenter" in first
    assert all(found(form) == first for form in FORMS[1:])


@pytest.mark.parametrize("width", [60, 80, 120])
def test_list_type_takes_a_british_spelling(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """`list --type centre` was refused ("unknown entity type"), though the README says centre finds center."""
    monkeypatch.setenv("COLUMNS", str(width))
    british = invoke(["--kb", str(BUNDLED_KB), "list", "--type", "Centre"])
    american_ = invoke(["--kb", str(BUNDLED_KB), "list", "--type", "center"])
    assert british.exit_code == 0, british.stderr
    assert british.stdout == american_.stdout and british.stdout.splitlines()[-1].endswith(" entities")
    assert max(len(line) for line in british.stdout.splitlines()) <= width
    as_json = invoke(["--kb", str(BUNDLED_KB), "search", "centre", "--type", "centre", "--json"])
    assert (
        json.loads(as_json.stdout)["total"]
        == json.loads(invoke(["--kb", str(BUNDLED_KB), "search", "center", "--type", "center", "--json"]).stdout)[
            "total"
        ]
    )


@pytest.mark.parametrize(
    "command",
    [
        ["neighbors", "national-center", "--via", "{}"],
        ["path", "keqiao-overseas-dispute-subcenter", "national-center", "--via", "{}"],
        ["neighbors", "national-center", "--via", "{}", "--json"],
    ],
)
def test_via_takes_a_british_spelling_as_type_does(run, command: list[str]) -> None:  # type: ignore[no-untyped-def]
    """`--via subcentre_of` was refused (it suggested subcenter_of) while `--type centre` was accepted: a
    relation type is folded as an entity type is (resolve.as_declared), each word between underscores."""
    american_ = run(*[a.format("subcenter_of") for a in command])
    assert american_.exit_code == 0, american_.stderr
    for british in ("subcentre_of", "Subcentre_Of"):
        result = run(*[a.format(british) for a in command])
        assert (result.exit_code, result.stdout, result.stderr) == (0, american_.stdout, american_.stderr), british


def test_export_relation_takes_a_british_spelling(run) -> None:  # type: ignore[no-untyped-def]
    """export's --relation is checked by the same function as --via, so it folds alike."""
    british = run("export", "--format", "json", "--relation", "subcentre_of")
    assert british.exit_code == 0, british.stderr
    assert british.stdout == run("export", "--format", "json", "--relation", "subcenter_of").stdout
    assert "subcenter_of" in british.stdout
