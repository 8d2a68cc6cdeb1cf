"""`path` prints one quote per hop, the one that names the hop's ends, and footnotes exactly the sources of the
quotes it prints (a new user's trial: a hop showed a quote that did not name its city, and the footer listed a
source no printed hop cited)."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest

from ipkb.answers.path import naming_first
from tests.conftest import invoke

if TYPE_CHECKING:
    from ipkb.shapes import Citation

OTHER_SOURCE = """
- id: src-other
  type: source
  name: Another article
  title: Another article
  date: 2024-10-01
  kind: article
"""

# huzhou's designation cited first by a quote naming only the designation (as the public notice's first line does),
# then by the row of its list that names Huzhou; keqiao's place in Shaoxing by two sources
RELATIONS = """
- from: huzhou
  type: holds_designation
  to: national-ip-demonstration-city
  year: 2014
  sources:
    - {source: src-article, quote: "拟确定福建省厦门市等18个城市为第二批国家知识产权示范城市"}
    - {source: src-other, quote: "no name here"}
    - {source: src-article, quote: "13 浙江省湖州市"}
- from: keqiao
  type: located_in
  to: shaoxing
  sources: [{source: src-article, quote: "Keqiao District, Shaoxing"}, {source: src-other, quote: "in Shaoxing"}]
"""


def _kb(mini_kb: Path) -> Path:
    """The mini KB with RELATIONS in place of its own huzhou designation and keqiao placement, and src-other."""
    with (mini_kb / "entities" / "bodies.yaml").open("a") as f:
        f.write(OTHER_SOURCE)
    places, centers = mini_kb / "relations" / "places.yaml", mini_kb / "relations" / "centers.yaml"
    keqiao = places.read_text().split("- from: keqiao\n")
    assert len(keqiao) == 2 and keqiao[1].count("- from:") == 0
    places.write_text(keqiao[0])
    designation = centers.read_text().split("- from: keqiao\n", 1)
    assert designation[0].startswith("- from: huzhou\n  type: holds_designation")
    centers.write_text(RELATIONS + "- from: keqiao\n" + designation[1])
    return mini_kb


def _footnotes(out: str) -> dict[str, str]:
    """[n] -> the source id its footnote names."""
    return {m[1]: m[2] for m in re.finditer(r"^ \[(\d+)\] .*?  (src-[\w-]+)", out, re.M | re.S)}


def test_a_hop_prints_the_quote_that_names_its_end(mini_kb: Path) -> None:
    kb = _kb(mini_kb)
    result = invoke(["--kb", str(kb), "path", "national-ip-demonstration-city", "huzhou"])
    assert result.exit_code == 0, result.stderr
    assert "13 浙江省湖州市" in result.stdout
    assert "拟确定" not in result.stdout
    # the JSON lists every quote, the one printed first
    view = json.loads(invoke(["--kb", str(kb), "path", "national-ip-demonstration-city", "huzhou", "--json"]).stdout)
    quotes = [c["quote"] for c in view["hops"][0]["sources"]]
    assert quotes[0] == "13 浙江省湖州市"
    assert sorted(quotes) == sorted(
        ["拟确定福建省厦门市等18个城市为第二批国家知识产权示范城市", "no name here", "13 浙江省湖州市"]
    )


def test_the_quote_printed_names_both_ends_else_the_subject_else_the_object_else_is_the_first() -> None:
    city = {"id": "c", "name": "Huzhou", "zh": "湖州市", "former_names": "[]"}
    title = {"id": "d", "name": "Demonstration city", "zh": "示范城市", "former_names": "[]"}
    aliases = {"c": ["Lake City"]}

    def first(*quotes: str) -> str | None:
        cites: list[Citation] = [{"source": "s", "quote": q} for q in quotes]
        chosen = naming_first(cites, cast("sqlite3.Row", city), cast("sqlite3.Row", title), aliases)
        assert sorted(str(c["quote"]) for c in chosen) == sorted(quotes)  # reordered, none lost
        return chosen[0]["quote"]

    assert first("nothing", "other") == "nothing"
    assert first("示范城市", "nothing", "湖州") == "湖州"  # the subject (a trailing 市 folded away)
    assert first("nothing", "the demonstration-city list") == "the demonstration-city list"
    assert first("LAKE CITY is one", "huzhou, a demonstration city") == "huzhou, a demonstration city"
    assert first("湖州市", "Lake City") == "湖州市"  # ties keep the order written


def test_the_footnotes_are_the_sources_of_the_printed_quotes_numbered_as_printed(mini_kb: Path) -> None:
    kb = _kb(mini_kb)
    for args in (
        ["path", "huzhou", "keqiao"],
        ["path", "huzhou", "keqiao", "--all"],
        ["path", "national-ip-demonstration-city", "huzhou"],
    ):
        result = invoke(["--kb", str(kb), *args])
        assert result.exit_code == 0, result.stderr
        printed = re.findall(r"^ {6}\[(\d+)\]", result.stdout, re.M)
        also = re.findall(r"also ((?:\[\d+\])+)$", result.stdout, re.M)
        marks = set(printed) | {n for a in also for n in re.findall(r"\d+", a)}
        notes = _footnotes(result.stdout)
        assert marks == set(notes), (args, result.stdout)
        assert sorted(notes, key=int) == [str(n) for n in range(1, len(notes) + 1)]  # no gaps
        assert sorted(set(printed), key=int) == [str(n) for n in range(1, len(set(printed)) + 1)]  # printed first
        view = json.loads(invoke(["--kb", str(kb), *args, "--json"]).stdout)
        numbers = {s["id"]: str(n) for n, s in enumerate(view["sources"], start=1)}
        assert all(numbers[source] == n for n, source in notes.items())  # the JSON's numbering too
        assert set(numbers.values()) == set(notes)  # every source the hops cite is listed, as --json lists it


def test_a_hop_says_which_other_sources_back_it_and_lists_them(mini_kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One quote a hop, the best, and beside it the numbers of the hop's other sources, each in the footnotes
    (a new user's trial: `path keqiao shaoxing` showed one source of two, the other only in --json)."""
    kb = _kb(mini_kb)
    for columns in ("60", "80", "120"):
        monkeypatch.setenv("COLUMNS", columns)
        result = invoke(["--kb", str(kb), "path", "keqiao", "shaoxing"])
        assert result.exit_code == 0, result.stderr
        assert re.search(r"^ {6}\[1\] “Keqiao District, Shaoxing” · also \[2\]$", result.stdout, re.M), result.stdout
        assert _footnotes(result.stdout) == {"1": "src-article", "2": "src-other"}, result.stdout
        assert "in Shaoxing" not in result.stdout  # the other quote stays in --json


# CNIPA under its former name: the quote that names the founder by it is the one printed (a new user's trial:
# `path cnipa national-center` printed only a quote naming the centre, never CNIPA, while the relation's other
# source said SIPO set it up)
FORMER = """
- id: cnipa
  type: agency
  name: China National Intellectual Property Administration
  zh: 国家知识产权局
  sources: [{source: src-article, quote: "国家知识产权局"}]
  former_names:
    - {name: State Intellectual Property Office, until: "2018", sources: [{source: src-article, quote: "SIPO"}]}
    - name: Patent Office of the People's Republic of China
      zh: 中华人民共和国专利局
      until: "1998"
      sources: [{source: src-article, quote: "中国专利局"}]
"""
FOUNDED = """
- from: national-center
  type: established_by
  to: cnipa
  date: 2019-07-10
  sources:
    - {source: src-other, quote: "7月10日,指导中心成立"}
    - {source: src-article, quote: "the State Intellectual Property Office has set up"}
"""


def test_a_quote_naming_an_end_by_its_former_name_names_it(mini_kb: Path) -> None:
    kb = _kb(mini_kb)
    with (kb / "entities" / "bodies.yaml").open("a") as f:
        f.write(FORMER)
    with (kb / "relations" / "centers.yaml").open("a") as f:
        f.write(FOUNDED)
    result = invoke(["--kb", str(kb), "path", "cnipa", "national-center"])
    assert result.exit_code == 0, result.stderr
    assert re.search(r"^ {6}\[1\] “the State Intellectual Property Office has set up”", result.stdout, re.M), (
        result.stdout
    )
    row = {"id": "c", "name": "China National IP Administration", "zh": "国家知识产权局", "former_names": ""}
    row["former_names"] = json.dumps(
        [{"name": "Patent Office of the PRC", "zh": "中华人民共和国专利局", "until": "1998"}]
    )
    other = {"id": "d", "name": "Centre", "zh": None, "former_names": "[]"}
    cites: list[Citation] = [{"source": "s", "quote": "nothing"}, {"source": "t", "quote": "中华人民共和国专利局 said"}]
    chosen = naming_first(cites, cast("sqlite3.Row", row), cast("sqlite3.Row", other), {})
    assert chosen[0]["quote"] == "中华人民共和国专利局 said"  # a former Chinese name counts too


def test_a_hops_other_sources_wrap_as_one_unit() -> None:
    """`· also [4]` never splits across lines (a trial at 80 columns left `also` at a line's end, `[4]` below)."""
    from rich.text import Text

    from ipkb.render.wrap import NO_BREAK, wrap_whole_words

    text = Text(f"“has set up” ·{NO_BREAK}also{NO_BREAK}[4][5]")
    for width in range(12, 40):
        lines = [line.plain for line in wrap_whole_words(text, width)]
        assert lines[-1].endswith("· also [4][5]") and NO_BREAK not in "".join(lines), (width, lines)
