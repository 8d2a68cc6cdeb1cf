"""GEXF 1.2 for Gephi: networkx's writer, with node colours by type and without the date it stamps.

GEXF reserves an edge's `type` (directed or undirected), so the relation type is the edge attribute
`relation` here; the edge label is the relation's label (`holds`, `located in`).
"""

from __future__ import annotations

from typing import Any, BinaryIO

from networkx.readwrite.gexf import GEXFWriter

from ipkb.export.common import colour, flat, rgb


def write(graph: Any, stream: BinaryIO) -> None:
    scalars = flat(graph)
    for _, data in scalars.nodes(data=True):
        r, g, b = rgb(colour(data["type"]))
        data["viz"] = {"color": {"r": r, "g": g, "b": b, "a": 1.0}}
    for _, _, data in scalars.edges(data=True):
        data["relation"] = data.pop("type")
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:  # networkx stamps today's date and its version: exports would never diff cleanly
        meta.attrib.pop("lastmodifieddate", None)
        creator = meta.find("creator")
        if creator is not None:
            creator.text = "ipkb"
    writer.add_graph(scalars)
    writer.write(stream)
