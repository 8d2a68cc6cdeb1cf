"""Node-link JSON (networkx's `node_link_graph(..., edges="edges")` reads it back; d3 and Cytoscape.js too).

Nodes carry names, aliases, facts and citations; edges carry their relation type, label, qualifiers and
citations; `graph.sources` describes every cited source.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from ipkb.shapes import GraphData


HELP = "node-link"  # its words in `ipkb export --help` (a module with HELP is a format)


def document(graph: Any) -> GraphData:
    """The node-link document of `graph`."""
    return {
        "directed": True,
        "multigraph": True,
        "graph": {"sources": graph.graph.get("sources", {})},
        "nodes": [{"id": node, **data} for node, data in graph.nodes(data=True)],
        "edges": [
            {"source": u, "target": v, "key": key, **data} for u, v, key, data in graph.edges(keys=True, data=True)
        ],
    }


def write(graph: Any, stream: BinaryIO) -> None:
    text = json.dumps(document(graph), ensure_ascii=False, indent=2, sort_keys=True)
    stream.write((text + "\n").encode("utf-8"))
