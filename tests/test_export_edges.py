"""What an exported edge says in the graph formats an analyst opens in Gephi (GEXF, GraphML): its caveat
in the label, as the drawn formats say it, and, in GEXF, a `kind` that keeps parallel edges apart."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from tests.test_exports import export

GEXF = "{http://gexf.net/1.3}"


@pytest.fixture
def parallel_kb(mini_kb: Path) -> Path:
    """The mini KB with Huzhou holding the demonstration city twice (two batches), an inferred link, and one
    only announced."""
    (mini_kb / "relations" / "more.yaml").write_text(
        "- from: huzhou\n  type: holds_designation\n  to: national-ip-demonstration-city\n  year: 2019\n"
        "  sources: [{source: src-article}]\n"
        "- from: keqiao\n  type: located_in\n  to: zhejiang\n  confidence: inferred\n"
        "  sources: [{source: src-article}]\n"
        "- from: shaoxing\n  type: holds_designation\n  to: national-ip-demonstration-city\n  year: 2013\n"
        "  status: announced\n  sources: [{source: src-article}]\n",
        encoding="utf-8",
    )
    return mini_kb


CAVEATED = {
    ("keqiao-overseas-dispute-subcenter", "national-center"): "sub-center of (planned)",
    ("keqiao", "keqiao-overseas-dispute-subcenter"): "hosts (planned)",
    ("keqiao", "zhejiang"): "located in (inferred)",
    ("shaoxing", "national-ip-demonstration-city"): "holds (announced)",
    ("keqiao", "shaoxing"): "located in",
}


def test_gexf_and_graphml_edge_labels_say_the_caveat_as_the_drawn_formats_do(
    run, parallel_kb: Path, tmp_path: Path
) -> None:
    """A planned sub-center was labelled plain "sub-center of" in Gephi while DOT, PNG, HTML and Mermaid
    said "sub-center of (planned)": every format labels an edge with its caveat."""
    gexf = nx.read_gexf(export(run, "gexf", tmp_path / "kb.gexf"))
    graphml = nx.read_graphml(export(run, "graphml", tmp_path / "kb.graphml"), force_multigraph=True)
    mermaid = export(run, "mermaid", tmp_path / "kb.mmd").read_text(encoding="utf-8")
    for graph in (gexf, graphml):
        labels = {(u, v): d["label"] for u, v, d in graph.edges(data=True)}
        assert {pair: labels[pair] for pair in CAVEATED} == CAVEATED
        for label in CAVEATED.values():
            assert f'"{label}"' in mermaid


def test_gexf_parallel_edges_have_distinct_kinds_and_all_survive(run, parallel_kb: Path, tmp_path: Path) -> None:
    """Two relations of one type between one pair (a designation held in two batches) had no `kind`, so
    Gephi merged them and lost one's year and sources. GEXF 1.3 wants source, target and kind unique
    together: every edge's kind is its relation type, the second of a pair `#2`."""
    target = export(run, "gexf", tmp_path / "kb.gexf")
    root = ET.parse(target).getroot()
    assert root.tag == f"{GEXF}gexf" and root.get("version") == "1.3"
    edges = root.iter(f"{GEXF}edge")
    triples = Counter((e.get("source"), e.get("target"), e.get("kind")) for e in edges)
    assert triples and max(triples.values()) == 1 and None not in {kind for *_, kind in triples}
    pair = ("huzhou", "national-ip-demonstration-city")
    assert {kind for *ends, kind in triples if tuple(ends) == pair} == {"holds_designation", "holds_designation#2"}
    assert triples["huzhou", "src-article", "cites"] == 1
    graph = nx.read_gexf(target)  # networkx keeps both, with their own years
    years = sorted(d["q_year"] for u, v, d in graph.edges(data=True) if (u, v) == pair)
    assert years == [2014, 2019]
