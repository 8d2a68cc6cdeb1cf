"""A count meets its noun in one place, ipkb.text (`counted`, and `unit_for` for a fact's unit): a new user's
trial read `1 agencies`, `1 days`, `1 enterprises` beside facts of value 1."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ipkb.text import counted, unit_for
from tests.conftest import REPO

FACTS = """
- entity: huzhou
  metric: guidance_services
  value: 1
  period: "2015"
  sources: [{source: src-article, quote: "Huzhou City"}]
- entity: keqiao
  metric: guidance_services
  value: 2
  period: "2015"
  sources: [{source: src-article, quote: "Keqiao District"}]
- entity: keqiao
  metric: rights_protection_costs_reduced
  value: 1
  period: "2015"
  sources: [{source: src-article, quote: "Keqiao District"}]
"""


def test_counted_and_unit_for() -> None:
    assert [counted(n, "entity") for n in (0, 1, 2)] == ["0 entities", "1 entity", "2 entities"]
    assert (counted(1, "day"), counted(2, "day"), counted(2, "person", "people")) == ("1 day", "2 days", "2 people")
    singular = {
        "enterprises": "enterprise",
        "agencies": "agency",
        "days": "day",
        "working days": "working day",
        "sub-centers": "sub-center",
        "provincial-level regions": "provincial-level region",
        "patents per million people": "patent per million people",
    }
    for unit, one in singular.items():
        assert (unit_for(1, unit), unit_for(1.0, unit), unit_for(2, unit), unit_for(0.5, unit)) == (
            one,
            one,
            unit,
            unit,
        )
    for kept in ("yuan", "percent", "people", "rank", "countries and regions", "件", "class", "status"):
        assert unit_for(1, kept) == kept
    assert (unit_for(1, None), unit_for(True, "days"), unit_for("1", "days")) == ("", "days", "days")


@pytest.mark.parametrize(
    "command",
    [["show", "huzhou"], ["show", "keqiao"], ["timeline"], ["facts", "guidance_services"], ["show", "src-article"]],
)
def test_a_fact_of_one_reads_in_the_singular(run, mini_kb: Path, command: list[str]) -> None:
    (mini_kb / "facts" / "ones.yaml").write_text(FACTS)
    result = run(*command)
    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert not re.search(r"(?<![\d.,])1 (services|entities|relations|facts|sources)\b", out), out
    if command != ["show", "keqiao"]:
        assert re.search(r"(?<![\d.,])1 service\b", out), out
    if command[0] != "show" or command[1] == "keqiao":
        assert "2 services" in out
    if command in (["timeline"], ["show", "keqiao"]):
        assert "1 yuan" in out


def test_no_module_but_ipkb_text_spells_a_plural_by_hand() -> None:
    """`entit{'y' if n == 1 else 'ies'}`, `{'' if n == 1 else 's'}` and `error(s)` were how counts met nouns."""
    by_hand = re.compile(r"""else '(s|ies)'\}|\w\(s\)|'y' if""")
    found = [
        f"{path.relative_to(REPO)}:{n}"
        for path in (REPO / "ipkb").rglob("*.py")
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if by_hand.search(line) and path != REPO / "ipkb" / "text.py"
    ]
    assert found == []


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
    """`performance evaluation grade double excellent grade`: printed after its metric's words, a unit those
    words end with is dropped (show's claims, timeline, the HTML page); other units stay (a unit that counts,
    `guidance services: 2 services`, reads as one of one). A rank reads `13th`, never `13 rank`."""
    from ipkb.figures import figure_text

    monkeypatch.setenv("COLUMNS", width)
    assert figure_text(13, None, "rank", "patent_enforcement_assessment_rank") == "13th"
    assert figure_text("double excellent", None, "grade", "performance_evaluation_grade") == "double excellent"
    assert figure_text(3, None, "rank", "ip_composite_ranking") == "3rd"
    assert figure_text(3500, "more_than", "consultations", "consultations") == "more than 3,500 consultations"
    assert figure_text(1, None, "enterprises", "foreign_enterprises") == "1 enterprise"
    assert figure_text(1, None, "sub-centers", "subcenter_count") == "1 sub-center"
    cited = "sources: [{source: src-article, quote: 'ranks fourth in the country'}]"
    (mini_kb / "facts" / "ranks.yaml").write_text(
        f"- {{entity: huzhou, metric: patent_enforcement_assessment_rank, value: 13, period: '2014', {cited}}}\n"
        f"- {{entity: huzhou, metric: ip_composite_ranking, value: 3, period: '2014', {cited}}}\n"
    )
    for command in (["show", "huzhou", "--quotes"], ["timeline", "huzhou"]):
        drawn = re.sub(r" \[\d+\]", "", " ".join(run(*command).stdout.split()))  # a row's source column wraps in
        assert "13 rank" not in drawn and "3 rank" not in drawn, drawn
        assert "patent enforcement assessment rank 13th" in drawn or "assessment rank: 13th" in drawn, drawn
        assert "ip composite ranking 3rd" in drawn or "ip composite ranking: 3rd" in drawn, drawn
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
