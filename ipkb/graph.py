"""A networkx graph of the KB (or of a neighbourhood) built from the store, for exporters."""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from ipkb.query import Store


def build_graph(store: Store, ids: set[str] | None = None) -> nx.MultiDiGraph:
    """Every entity a node and every relation an edge; restricted to `ids` (both ends) when given."""
    graph = nx.MultiDiGraph()
    rows = store.rows("SELECT * FROM entity ORDER BY id")
    for row in rows:
        if ids is not None and row["id"] not in ids:
            continue
        attributes: dict[str, Any] = {"type": row["type"], "name": row["name"], "label": row["name"]}
        if row["zh"]:
            attributes["zh"] = row["zh"]
            attributes["label"] = f"{row['name']} {row['zh']}"
        for key in ("pinyin", "description"):
            if row[key]:
                attributes[key] = row[key]
        attributes["confidence"] = row["confidence"]
        graph.add_node(row["id"], **attributes)
    edges = [e for e in store.all_edges() if ids is None or (e.source_id in ids and e.target_id in ids)]
    cites = store.citations("relation", [str(e.rowid) for e in edges])
    labels = {name: row["label"] for name, row in store.relation_types().items()}
    for edge in edges:
        graph.add_edge(
            edge.source_id,
            edge.target_id,
            key=str(edge.rowid),
            type=edge.type,
            label=labels[edge.type],
            qualifiers=json.dumps(edge.qualifiers, ensure_ascii=False, sort_keys=True),
            sources=json.dumps(cites[str(edge.rowid)], ensure_ascii=False),
            confidence=edge.confidence,
            **{f"q_{k}": v for k, v in edge.qualifiers.items()},
        )
    return graph
