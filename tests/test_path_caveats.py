"""`path` between equally short chains: the one resting least on planned, announced, inferred hops, and says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# Five two-hop chains from Keqiao to the national center, through the center named in each. The search finds
# them in the order of those ids, the least sure first: the mini KB's own sub-center (both hops planned), then
# one hop only announced, one inferred, and two stated ones.
CENTERS = "".join(
    f"- id: {c}\n  type: center\n  name: {c}\n  sources: [{{source: src-article}}]\n"
    for c in ("kq-announced", "kq-inferred", "kq-stated-a", "kq-stated-b")
)
CHAINS = """
- from: keqiao
  type: hosts
  to: kq-announced
  status: announced
  sources: [{source: src-article}]
- from: keqiao
  type: hosts
  to: kq-inferred
  confidence: inferred
  sources: [{source: src-article}]
"""
CHAINS += "".join(
    f"- from: keqiao\n  type: hosts\n  to: {c}\n  sources: [{{source: src-article}}]\n"
    for c in ("kq-stated-a", "kq-stated-b")
)
CHAINS += "".join(
    f"- from: {c}\n  type: subcenter_of\n  to: national-center\n  sources: [{{source: src-article}}]\n"
    for c in ("kq-announced", "kq-inferred", "kq-stated-a", "kq-stated-b")
)


@pytest.fixture
def chains_kb(mini_kb: Path) -> Path:
    (mini_kb / "entities" / "chains.yaml").write_text(CENTERS, encoding="utf-8")
    (mini_kb / "relations" / "chains.yaml").write_text(CHAINS, encoding="utf-8")
    return mini_kb


def _middles(paths: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [p["hops"][0]["to"]["id"] for p in paths]


def test_path_prefers_the_chain_that_rests_on_stated_relations(run, chains_kb: Path) -> None:
    """Of equally short chains, the one a reader can rely on, not the first the search met (the planned one)."""
    view = json.loads(run("path", "keqiao", "national-center", "--json").stdout)
    assert view["length"] == 2 and _middles([view]) == ["kq-stated-a"]
    back = json.loads(run("path", "national-center", "keqiao", "--json").stdout)
    assert back["hops"][0]["to"]["id"] == "kq-stated-a"


def test_path_all_lists_planned_then_announced_then_inferred_last(run, chains_kb: Path) -> None:
    """--all orders by caveats, fewest planned hops first, then announced, then inferred; equally sure paths (the
    two stated chains) keep the order found."""
    view = json.loads(run("path", "keqiao", "national-center", "--all", "--json").stdout)
    assert _middles(view["paths"]) == [
        "kq-stated-a",
        "kq-stated-b",
        "kq-inferred",
        "kq-announced",
        "keqiao-overseas-dispute-subcenter",
    ]


def test_path_flags_a_hop_only_announced_as_it_flags_a_planned_one(run, chains_kb: Path) -> None:
    """A chain that rests on a public notice (公示) says so, in --json per hop and under the text's hops."""
    view = json.loads(run("path", "national-center", "keqiao", "--all", "--json").stdout)
    flags = {p["hops"][0]["to"]["id"]: [(h["planned"], h["announced"]) for h in p["hops"]] for p in view["paths"]}
    assert flags["kq-announced"] == [(False, False), (False, True)]
    assert flags["kq-stated-a"] == [(False, False), (False, False)]
    assert flags["keqiao-overseas-dispute-subcenter"] == [(True, False), (True, False)]
    out = run("path", "keqiao", "kq-announced").stdout
    assert "─hosts · announced · first reported 2024-09-30[1]→" in out and "careful: 1 hop only announced" in out
    every = run("path", "keqiao", "national-center", "--all").stdout
    assert "careful: 2 hops only planned, 1 hop only announced, 1 hop inferred" in every
    assert "careful" not in run("path", "keqiao", "kq-stated-a").stdout
