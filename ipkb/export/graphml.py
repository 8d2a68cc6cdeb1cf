"""GraphML for Gephi, yEd and Cytoscape (attributes are scalars or JSON text).

A built graph goes through networkx's writer (its pure-Python one, `write_graphml_xml`, so the bytes do
not depend on whether lxml happens to be installed). The whole KB streams (`STREAMS`): nodes and edges
are written as they are read from the store, with the same bytes networkx would write for them.
"""

from __future__ import annotations

from typing import Any, BinaryIO

import networkx as nx

from ipkb.export.common import flat, flat_edge, flat_node
from ipkb.export.xmlstream import DECLARATION, element, escape_text, indent, leaf, put, spool, start
from ipkb.graph import StreamedGraph

STREAMS = True
HEAD = (
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)
# networkx's GraphML type of a Python value (`attr.type` of its key)
TYPES: dict[type, str] = {str: "string", int: "long", float: "double", bool: "boolean"}


def write(graph: Any, stream: BinaryIO) -> None:
    if isinstance(graph, StreamedGraph):
        write_streamed(graph, stream)
    else:
        nx.write_graphml_xml(flat(graph), stream, encoding="utf-8", prettyprint=True, named_key_ids=True)


def write_streamed(graph: StreamedGraph, stream: BinaryIO) -> None:
    """What `write(graph.to_networkx(), stream)` writes, read and written one node or edge at a time.

    networkx declares one key per (name, type, node or edge), newest first, before the graph; so the
    graph goes to a scratch file first while the keys are collected.
    """
    keys = _Keys()
    with spool(graph.spool_dir) as body:
        for node, data in graph.nodes(data=True):
            children = keys.data(flat_node(data), "node")
            body.write(indent(2) + element("node", [("id", node)], children, 2))
        for source, target, key, data in graph.edges(keys=True, data=True):
            children = keys.data(flat_edge(data), "edge")
            attributes = [("source", source), ("target", target), ("id", key)]
            body.write(indent(2) + element("edge", attributes, children, 2))
        put(stream, DECLARATION + HEAD + "".join(indent(1) + k for k in keys.declarations()) + indent(1))
        graph_attributes = [("edgedefault", "directed")]
        if body.empty:
            put(stream, leaf("graph", graph_attributes))
        else:
            put(stream, start("graph", graph_attributes) + ">")
            body.copy_to(stream)
            put(stream, indent(1) + "</graph>")
        put(stream, indent(0) + "</graphml>" + indent(0))


class _Keys:
    """The keys of a document in the order first met, and the `<data>` elements that use them."""

    def __init__(self) -> None:
        self.keys: dict[tuple[str, str, str], None] = {}  # (name, GraphML type, node or edge)
        self.opening: dict[tuple[str, type, str], str] = {}  # (name, Python type, scope) -> '<data key="name">'

    def data(self, attributes: dict[str, Any], scope: str) -> list[str]:
        """The `<data>` elements of one node or edge (by hand: this is the hot loop), noting new keys."""
        out = []
        for name, value in attributes.items():
            opening = self.opening.get((name, type(value), scope))
            if opening is None:
                opening = self._new(name, value, scope)
            text = str(value)
            out.append(f"{opening}{escape_text(text)}</data>" if text else opening[:-1] + " />")
        return out

    def declarations(self) -> list[str]:
        """The `<key>` elements, newest first as networkx writes them."""
        return [
            leaf("key", [("id", name), ("for", scope), ("attr.name", name), ("attr.type", kind)])
            for name, kind, scope in reversed(self.keys)
        ]

    def _new(self, name: str, value: Any, scope: str) -> str:
        kind = TYPES.get(type(value))
        if kind is None:
            raise nx.NetworkXError(f"GraphML writer does not support {type(value)} as data values.")
        self.keys[name, kind, scope] = None
        opening = self.opening[name, type(value), scope] = start("data", [("key", name)]) + ">"
        return opening
