"""The answers of ipkb/answers/: each a module with its document, a pure view and an entry from a store.

A view takes rows and returns the document: no database, so its rules are tested here on plain values.
"""

from __future__ import annotations

from ipkb.answers import documents, neighbors
from ipkb.read.query import Edge


def _row(entity_id: str, kind: str, name: str) -> dict[str, object]:
    return {"id": entity_id, "type": kind, "name": name, "zh": None, "former_names": None}


def test_a_view_is_a_pure_function_of_rows_nearest_first_each_with_its_links_and_sources() -> None:
    rows = {
        "keqiao": _row("keqiao", "county", "Keqiao"),
        "shaoxing": _row("shaoxing", "city", "Shaoxing"),
        "zhejiang": _row("zhejiang", "province", "Zhejiang"),
    }
    edges = [
        Edge(1, "keqiao", "located_in", "shaoxing", {}, "stated", None, "relations/a.yaml", 1),
        Edge(2, "shaoxing", "located_in", "zhejiang", {"since": 1983}, "inferred", "why", "relations/a.yaml", 5),
    ]
    cites = {"1": [{"source": "src-a", "quote": "柯桥区"}], "2": []}
    page = neighbors.view(rows, cites, {"keqiao": 0, "shaoxing": 1, "zhejiang": 2}, edges)
    assert [(r["id"], r["depth"]) for r in page] == [("keqiao", 0), ("shaoxing", 1), ("zhejiang", 2)]
    shaoxing = page[1]["relations"]
    assert [(link["direction"], link["other"]) for link in shaoxing] == [("in", "keqiao"), ("out", "zhejiang")]
    assert shaoxing[0]["sources"] == [{"source": "src-a", "quote": "柯桥区"}]
    assert (shaoxing[1]["confidence"], shaoxing[1]["note"], shaoxing[1]["qualifiers"]) == (
        "inferred",
        "why",
        {"since": 1983},
    )


def test_every_query_command_has_one_document_declared() -> None:
    from ipkb.cli.queries import COMMANDS

    assert set(COMMANDS) <= set(documents())
