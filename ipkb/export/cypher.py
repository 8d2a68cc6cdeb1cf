"""A Cypher script for `cypher-shell -f`: idempotent MERGE statements, safe to run again.

The graph is the one `ipkb.export.neo4j` describes, the same as the csv export's. Entities are
`(:Entity:<Type> {id})` and facts `(:Fact {id})`, each under a uniqueness constraint; relations are merged
on their stable `key` between their two ends, citations on their number `n`, and `SET x = {...}` replaces
the properties, so running the script twice (or after a KB change) leaves one node per entity and fact and
one relationship per relation and citation.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any, BinaryIO

from ipkb.export.neo4j import CONSTRAINTS, Node, Relationship, nodes, relationships

if TYPE_CHECKING:
    from ipkb.shapes import GraphData

HELP = "a Cypher script"  # its words in `ipkb export --help` (a module with HELP is a format)
STREAMS = True  # one statement a node, then one a relationship, each written as read
_ESCAPES = str.maketrans({"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"})


def string(text: str) -> str:
    """A Cypher string literal: single quotes, with `\\`, `'` and control characters escaped."""
    return "'" + text.translate(_ESCAPES) + "'"


def literal(value: Any) -> str:
    """A Cypher literal for a property value: numbers, booleans, `date('...')`, lists of strings, strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, date):
        return f"date('{value.isoformat()}')"
    if isinstance(value, list):
        return "[" + ", ".join(string(str(v)) for v in value) + "]"
    return string(str(value))


def properties(values: GraphData) -> str:
    return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in values.items() if v is not None) + "}"


def node_statement(node: Node) -> str:
    primary, *others = node.labels
    extra = "".join(f" SET n:{other}" for other in others)
    return f"MERGE (n:{primary} {{id: {string(node.id)}}}){extra} SET n = {properties(node.properties)};"


def relationship_statement(rel: Relationship) -> str:
    match = f"MATCH (a:{rel.start_label} {{id: {string(rel.start)}}}), (b:{rel.end_label} {{id: {string(rel.end)}}}) "
    if not rel.merge_on:
        return match + f"MERGE (a)-[r:{rel.type}]->(b);"
    on = properties({k: rel.properties[k] for k in rel.merge_on})
    return match + f"MERGE (a)-[r:{rel.type} {on}]->(b) SET r = {properties(rel.properties)};"


def statements(graph: Any) -> Iterator[str]:
    yield from CONSTRAINTS
    for node in nodes(graph):
        yield node_statement(node)
    for rel in relationships(graph):
        yield relationship_statement(rel)


def write(graph: Any, stream: BinaryIO) -> None:
    for statement in statements(graph):
        stream.write((statement + "\n").encode("utf-8"))
