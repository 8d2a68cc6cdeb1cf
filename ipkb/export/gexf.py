"""GEXF 1.2 for Gephi: networkx's writer, with node colours by type and without the date it stamps.

GEXF reserves an edge's `type` (directed or undirected), so the relation type is the edge attribute
`relation` here; the edge label is the relation's label (`holds`, `located in`).

The whole KB streams (`STREAMS`): nodes and edges are written as they are read from the store, with the
bytes networkx's writer gives for the same graph (attribute ids in the order first met, edge ids 0, 1, ...).
"""

from __future__ import annotations

import math
from itertools import count
from typing import Any, BinaryIO

from networkx.readwrite.gexf import GEXFWriter

from ipkb.export.common import colour, flat, flat_edge, flat_node, rgb
from ipkb.export.xmlstream import DECLARATION, element, escape_attribute, indent, leaf, put, spool, start
from ipkb.graph import StreamedGraph

STREAMS = True
NS = "http://www.gexf.net/1.2draft"
NS_VIZ = "http://www.gexf.net/1.2draft/viz"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
# networkx's GEXF type of a Python value
TYPES: dict[type, str] = {str: "string", int: "long", float: "double", bool: "boolean"}


def viz(entity_type: str) -> dict[str, Any]:
    """A node's `viz` data: the colour of its type."""
    r, g, b = rgb(colour(entity_type))
    return {"color": {"r": r, "g": g, "b": b, "a": 1.0}}


def relation_attributes(data: dict[str, Any]) -> None:
    """Rename a flat edge's `type` to `relation` (last), in place: GEXF reserves `type`."""
    data["relation"] = data.pop("type")


def write(graph: Any, stream: BinaryIO) -> None:
    if isinstance(graph, StreamedGraph):
        write_streamed(graph, stream)
        return
    scalars = flat(graph)
    for _, data in scalars.nodes(data=True):
        data["viz"] = viz(data["type"])
    for _, _, data in scalars.edges(data=True):
        relation_attributes(data)
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:  # networkx stamps today's date and its version: exports would never diff cleanly
        meta.attrib.pop("lastmodifieddate", None)
        creator = meta.find("creator")
        if creator is not None:
            creator.text = "ipkb"
    writer.add_graph(scalars)
    writer.write(stream)


def write_streamed(graph: StreamedGraph, stream: BinaryIO) -> None:
    """What `write(graph.to_networkx(), stream)` writes, read and written one node or edge at a time.

    As networkx does: a node's `label` is an XML attribute, not a GEXF attribute; an edge's key is the
    attribute `networkx_key` and its id a counter; attributes are declared, edge class first, before
    the nodes, so the nodes and edges go to a scratch file while the declarations are collected.
    """
    attributes = _Attributes()
    with spool(graph.spool_dir) as body:
        any_node = any_edge = False
        for node, data in graph.nodes(data=True):
            if not any_node:
                body.write(indent(2) + "<nodes>")
                any_node = True
            values = flat_node(data)
            label = str(values.pop("label"))
            color = viz(data["type"])["color"]
            children = [leaf("viz:color", [(k, str(color[k])) for k in ("r", "g", "b", "a")])]
            children += attributes.attvalues(values, "node")
            body.write(indent(3) + element("node", [("id", node), ("label", label)], children, 3))
        body.write(indent(2) + ("</nodes>" if any_node else "<nodes />"))
        edge_ids = count()
        for source, target, key, data in graph.edges(keys=True, data=True):
            if not any_edge:
                body.write(indent(2) + "<edges>")
                any_edge = True
            values = flat_edge(data)
            relation_attributes(values)
            values["networkx_key"] = key
            label = str(values.pop("label"))
            edge = [("source", source), ("target", target), ("id", str(next(edge_ids))), ("label", label)]
            body.write(indent(3) + element("edge", edge, attributes.attvalues(values, "edge"), 3))
        body.write(indent(2) + ("</edges>" if any_edge else "<edges />"))
        root = [
            *([("xmlns:viz", NS_VIZ)] if any_node else []),  # ElementTree declares a namespace only once used
            ("xmlns", NS),
            ("xmlns:xsi", NS_XSI),
            ("xsi:schemaLocation", f"{NS} {NS}/gexf.xsd"),
            ("version", "1.2"),
        ]
        head = [
            DECLARATION + start("gexf", root) + ">",
            indent(1) + "<meta>" + indent(2) + "<creator>ipkb</creator>" + indent(1) + "</meta>",
            indent(1) + start("graph", [("defaultedgetype", "directed"), ("mode", "static"), ("name", "")]) + ">",
            *(indent(2) + declared for declared in attributes.declarations()),
        ]
        put(stream, "".join(head))
        body.copy_to(stream)
        put(stream, indent(1) + "</graph>" + indent(0) + "</gexf>" + indent(0))


class _Attributes:
    """GEXF attribute ids by class (node, edge) and title, numbered in the order first met across both."""

    def __init__(self) -> None:
        self.ids = count()
        self.declared: dict[str, dict[str, tuple[str, str]]] = {}  # class -> title -> (id, type), classes as met

    def attvalues(self, data: dict[str, Any], of: str) -> list[str]:
        """The `<attvalues>` element of one node or edge (none without attributes), declaring new ones."""
        if not data:
            return []
        declared = self.declared.setdefault(of, {})
        values = []
        for title, value in data.items():
            kind = TYPES.get(type(value))
            if kind is None:
                raise TypeError(f"attribute value type is not allowed: {type(value)}")
            if title not in declared:
                declared[title] = (str(next(self.ids)), kind)
            values.append(f'<attvalue for="{declared[title][0]}" value="{escape_attribute(_text(value))}" />')
        return [element("attvalues", [], values, 4)]

    def declarations(self) -> list[str]:
        """The `<attributes>` elements, the newest class first (networkx inserts each at the top)."""
        out = []
        for of, declared in reversed(self.declared.items()):
            children = [leaf("attribute", [("id", i), ("title", t), ("type", k)]) for t, (i, k) in declared.items()]
            out.append(element("attributes", [("mode", "static"), ("class", of)], children, 2))
        return out


def _text(value: Any) -> str:
    """networkx's text of an attribute value: booleans in lower case, infinities and NaN as GEXF spells them."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and not math.isfinite(value):
        return {"inf": "INF", "-inf": "-INF", "nan": "NaN"}[str(value)]
    return str(value)
