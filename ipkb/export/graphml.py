"""GraphML for Gephi, yEd and Cytoscape (attributes are scalars or JSON text).

One writer serves the built graph and the streamed whole KB alike: nodes and edges are written as they
are read, so the two give the same bytes. GraphML declares its keys before the graph, so the body goes
to a scratch file while the keys are collected (`ipkb.export.xmlstream.Spool`).

Every key has its own id: `n_<name>` for a node attribute, `e_<name>` for an edge attribute, and
`<that>_<type>` for a second type of the same attribute (a qualifier that is a number on one relation
and text on another): GraphML requires unique key ids, and some readers (yEd, older igraph) merge or
reject duplicates.

An edge's `label` is the relation's label with its caveat, as every drawn format prints it
(`sub-center of (planned)`, ipkb.export.style.link_label).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, BinaryIO

from ipkb.export.common import flat_edge, flat_node
from ipkb.export.style import link_label, roles_of
from ipkb.export.xmlstream import DECLARATION, element, escape_text, indent, leaf, put, spool, start

if TYPE_CHECKING:
    from ipkb.shapes import GraphData

HELP = "Gephi, yEd, Cytoscape"  # its words in `ipkb export --help` (a module with HELP is a format)
STREAMS = True
HEAD = (
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)
# The GraphML type of a Python value (`attr.type` of its key)
TYPES: dict[type, str] = {str: "string", int: "long", float: "double", bool: "boolean"}
SCOPES = {"node": "n", "edge": "e"}


def write(graph: Any, stream: BinaryIO) -> None:
    """`graph`: a networkx MultiDiGraph or an `ipkb.export.graph.StreamedGraph`, written one node or edge at a time."""
    keys = _Keys()
    roles = roles_of(graph)
    with spool(getattr(graph, "spool_dir", None)) as body:
        for node, data in graph.nodes(data=True):
            children = keys.data(flat_node(data), "node")
            body.write(indent(2) + element("node", [("id", node)], children, 2))
        for source, target, key, data in graph.edges(keys=True, data=True):
            values = flat_edge(data)
            values["label"] = link_label(data, roles)  # with its caveat, as every format says it
            children = keys.data(values, "edge")
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
        self.keys: dict[str, tuple[str, str, str]] = {}  # id -> (name, GraphML type, node or edge)
        self.opening: dict[tuple[str, type, str], str] = {}  # (name, Python type, scope) -> '<data key="id">'

    def data(self, attributes: GraphData, scope: str) -> list[str]:
        """The `<data>` elements of one node or edge (by hand: this is the hot loop), noting new keys."""
        out = []
        for name, value in attributes.items():
            opening = self.opening.get((name, type(value), scope))
            if opening is None:
                opening = self._new(name, value, scope)
            text = _text(value)
            out.append(f"{opening}{escape_text(text)}</data>" if text else opening[:-1] + " />")
        return out

    def declarations(self) -> list[str]:
        """The `<key>` elements, in the order first met."""
        return [
            leaf("key", [("id", key_id), ("for", scope), ("attr.name", name), ("attr.type", kind)])
            for key_id, (name, kind, scope) in self.keys.items()
        ]

    def _new(self, name: str, value: Any, scope: str) -> str:
        kind = TYPES.get(type(value))
        if kind is None:
            raise TypeError(f"GraphML cannot hold a {type(value).__name__} ({name})")
        key_id = f"{SCOPES[scope]}_{name}"
        if key_id in self.keys:
            key_id = f"{key_id}_{kind}"
        self.keys[key_id] = (name, kind, scope)
        opening = self.opening[name, type(value), scope] = start("data", [("key", key_id)]) + ">"
        return opening


def _text(value: Any) -> str:
    """GraphML's text of a value: booleans as `true`/`false` (xsd:boolean), the rest as Python prints it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
