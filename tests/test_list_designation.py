"""`list --designation` says which designation its words named, and cites its claimed totals as `show` and
`coverage` do (a journalist's trial: `list --designation demonstration-city` never said what it had
resolved to, and its "How complete the lists are" table named sources by raw ids)."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import BUNDLED_KB, invoke

ASKED = ["--kb", str(BUNDLED_KB), "list", "--designation", "demonstration-city"]
REF = {
    "id": "national-ip-demonstration-city",
    "type": "designation",
    "name": "National IP demonstration city",
    "zh": "国家知识产权示范城市",
}


@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_list_is_titled_by_the_designation_and_cites_its_totals(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    shown = invoke(ASKED)
    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    # a URL is one word, which no width breaks (show's footnotes overflow alike)
    assert all(len(line) <= width or re.fullmatch(r" +\(https?://\S+\)", line) for line in lines)
    head = " ".join(" ".join(lines[:3]).split())
    assert head.startswith(
        "Holders of National IP demonstration city 国家知识产权示范城市 (national-ip-demonstration-city)"
    )
    table = shown.stdout[shown.stdout.index("How complete the lists are") :]
    rows = [line for line in table.splitlines() if line.startswith(" designee count")]
    assert rows and all(re.search(r"\[\d+\]$", row) for row in rows), rows  # numbered marks, not source ids
    assert not any("src-" in row for row in rows)
    footnotes = " ".join(" ".join(table.splitlines()).split())
    assert "[1] “SIPO names 2012 national IP demonstration cities" in footnotes
    assert "“On April 27, 2012, SIPO announced" in footnotes  # the words quoted, as coverage gives them


def test_list_json_names_the_designation_and_the_rows_alone_do_not() -> None:
    page = json.loads(invoke([*ASKED, "--json"]).stdout)
    assert page["designation"] == REF
    assert "designation" not in json.loads(invoke(["--kb", str(BUNDLED_KB), "list", "--type", "city", "--json"]).stdout)
    csv = invoke([*ASKED, "--format", "csv"]).stdout
    assert csv.startswith("id,type,name,zh") and "Holders of" not in csv
    assert isinstance(json.loads(invoke([*ASKED, "--format", "json"]).stdout), list)


def test_the_library_face_names_it_too() -> None:
    import ipkb

    assert ipkb.open_kb(BUNDLED_KB).list_page(designation="demonstration-city")["designation"] == REF


def test_a_list_narrowed_to_a_place_says_its_completeness_is_the_whole_rosters() -> None:
    """A new user's trial: `list --designation national-ip-demonstration-city --in zhejiang` printed the
    national `16 of 23` under the five Zhejiang holders, as if Zhejiang had 23 to find."""
    from tests.conftest import BUNDLED_KB, invoke

    narrowed = invoke(
        ["--kb", str(BUNDLED_KB), "list", "--designation", "national-ip-demonstration-city", "--in", "zhejiang"]
    )
    assert "How complete the lists are (everywhere, not only in zhejiang)" in " ".join(narrowed.stdout.split())
    whole = invoke(["--kb", str(BUNDLED_KB), "list", "--designation", "national-ip-demonstration-city"])
    assert "How complete the lists are: " in whole.stdout and "not only in" not in whole.stdout
