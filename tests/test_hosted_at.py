"""The schema's `hosted_at` role: a place that hosts a thing is where that thing lies, by inference.

A county that hosts a protection center (`hosts`) with no `located_in` from the center: `list --in`, `export
--in` and `facts --in` find the center within the county's city and province, marked "inferred location"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import invoke

ROLE = "  hosted_at: [hosts]\n"


def _hosting_kb(kb: Path, role: bool = True) -> Path:
    """The mini KB with a county (in Huzhou) that hosts a center since 2018, linked by `hosts` only."""
    schema = kb / "schema.yaml"
    text = schema.read_text()
    if role:
        text = text.replace("roles:\n", "roles:\n" + ROLE, 1)
    schema.write_text(text)
    (kb / "entities" / "hosting.yaml").write_text(
        "- {id: deqing, type: county, name: Deqing, sources: [{source: src-article}]}\n"
        "- {id: deqing-center, type: center, name: Deqing protection center, since: '2018-03-01',"
        " sources: [{source: src-article}]}\n"
    )
    (kb / "relations" / "hosting.yaml").write_text(
        "- {from: deqing, type: located_in, to: huzhou, sources: [{source: src-article}]}\n"
        "- {from: deqing, type: hosts, to: deqing-center, since: '2018-03-01', sources: [{source: src-article}]}\n"
    )
    (kb / "facts" / "hosting.yaml").write_text(
        "- {entity: deqing-center, metric: patent_grants, value: 7, period: '2023', sources: [{source: src-article}]}\n"
    )
    return kb


def _list(kb: Path, *args: str) -> dict[str, dict[str, object]]:
    out = invoke(["--kb", str(kb), "list", "--type", "center", *args, "--json"])
    assert out.exit_code == 0, out.stderr
    return {str(r["id"]): r for r in json.loads(out.stdout)["entities"]}


def test_list_in_finds_what_a_place_within_hosts_marked_as_inferred(mini_kb: Path) -> None:
    kb = _hosting_kb(mini_kb)
    for place in ("huzhou", "zhejiang", "deqing"):
        rows = _list(kb, "--in", place)
        assert rows["deqing-center"]["caveat"] == "inferred location", place
        assert [p["id"] for p in rows["deqing-center"]["in"]] == ["deqing"], place  # type: ignore[attr-defined]
    shown = invoke(["--kb", str(kb), "list", "--type", "center", "--in", "huzhou"]).stdout
    assert "deqing-center" in shown and "inferred location" in " ".join(shown.split())
    assert "deqing-center" not in _list(kb, "--in", "shaoxing")  # hosted elsewhere: not in Shaoxing


def test_without_the_role_hosts_places_nothing(mini_kb: Path) -> None:
    kb = _hosting_kb(mini_kb, role=False)
    assert "deqing-center" not in _list(kb, "--in", "huzhou")


def test_a_stated_location_wins_over_hosting(mini_kb: Path) -> None:
    kb = _hosting_kb(mini_kb)
    with (kb / "relations" / "hosting.yaml").open("a") as out:
        out.write("- {from: deqing-center, type: located_in, to: deqing, sources: [{source: src-article}]}\n")
    assert "caveat" not in _list(kb, "--in", "huzhou")["deqing-center"]


def test_as_of_walks_hosting_level_by_level_only_while_it_holds(mini_kb: Path) -> None:
    kb = _hosting_kb(mini_kb)
    rows = _list(kb, "--in", "huzhou", "--as-of", "2020")
    assert rows["deqing-center"]["caveat"] == "inferred location"
    assert [p["id"] for p in rows["deqing-center"]["in"]] == ["deqing"]  # type: ignore[attr-defined]
    assert "deqing-center" not in _list(kb, "--in", "huzhou", "--as-of", "2017")  # not hosted yet


def test_export_and_facts_in_walk_the_same_way(mini_kb: Path) -> None:
    kb = _hosting_kb(mini_kb)
    out = invoke(["--kb", str(kb), "export", "--format", "json", "--in", "huzhou"])
    assert out.exit_code == 0, out.stderr
    assert "deqing-center" in out.stdout
    out = invoke(["--kb", str(kb), "facts", "patent_grants", "--in", "huzhou", "--json"])
    assert out.exit_code == 0, out.stderr
    assert "deqing-center" in out.stdout


def test_a_hosted_at_role_naming_no_relation_is_a_schema_error(mini_kb: Path) -> None:
    schema = mini_kb / "schema.yaml"
    schema.write_text(schema.read_text().replace("roles:\n", "roles:\n  hosted_at: [hostz]\n", 1))
    out = invoke(["--kb", str(mini_kb), "validate"])
    assert out.exit_code == 1
    assert "roles: hosted_at names unknown relation type 'hostz'" in out.stdout + out.stderr


def test_a_hosting_only_planned_places_nothing(mini_kb: Path) -> None:
    """Keqiao plans to host the overseas sub-center: until it does, the sub-center does not lie in Keqiao."""
    kb = _hosting_kb(mini_kb)
    relations = kb / "relations" / "hosting.yaml"
    relations.write_text(relations.read_text().replace("since: '2018-03-01'", "status: planned"))
    assert "deqing-center" not in _list(kb, "--in", "huzhou")


def test_a_host_only_inferred_is_marked_beside_the_stated_places(
    mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lawyer's trial: Guangdong's sub-center read `Guangdong; Guangdong IP Protection Center` under
    `located in`, the host beside the province with nothing saying that only an inference names it. A stated
    location keeps the row free of caveats; the inferred host is marked in the column and in --json."""
    kb = _hosting_kb(mini_kb)
    entities = kb / "entities" / "hosting.yaml"
    entities.write_text(
        entities.read_text()
        + "- {id: deqing-branch, type: center, name: Deqing branch, sources: [{source: src-article}]}\n"
    )
    relations = kb / "relations" / "hosting.yaml"
    relations.write_text(
        relations.read_text()
        + "- {from: deqing-branch, type: located_in, to: deqing, sources: [{source: src-article}]}\n"
        + "- {from: deqing-center, type: hosts, to: deqing-branch, confidence: inferred, note: read from its address,"
        " sources: [{source: src-article}]}\n"
    )
    rows = _list(kb, "--in", "huzhou")
    places = {p["id"]: p.get("inferred", False) for p in rows["deqing-branch"]["in"]}  # type: ignore[attr-defined]
    assert places == {"deqing": False, "deqing-center": True} and rows["deqing-branch"].get("caveat") is None
    assert [p.get("inferred", False) for p in rows["deqing-center"]["in"]] == [False]  # type: ignore[attr-defined]
    monkeypatch.setenv("COLUMNS", "160")
    shown = " ".join(invoke(["--kb", str(kb), "list", "--type", "center", "--in", "huzhou"]).stdout.split())
    assert "Deqing; Deqing protection center (inferred)" in shown
