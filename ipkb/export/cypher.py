"""A Cypher script for `cypher-shell -f`: idempotent MERGE statements, safe to run again.

Every entity is `(:Entity:<Type> {id})` under a uniqueness constraint; every relation is merged on its
stable `key` between its two ends, and `SET x = {...}` replaces the properties, so running the script twice
(or after a KB change) leaves one node per entity and one relationship per relation.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, BinaryIO

from ipkb.export.common import to_json
from ipkb.export.csv import label, relationship_type

STREAMS = True  # one statement a node, then one a relation, each written as read
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def string(text: str) -> str:
    """A Cypher string literal: single quotes, with `\\`, `'` and control characters escaped."""
    return "'" + "".join(_ESCAPES.get(ch, ch) for ch in text) + "'"


def literal(value: Any) -> str:
    """A Cypher literal for a property value; lists and dicts become JSON text (properties are flat)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, list | dict):
        return string(to_json(value))
    return string(str(value))


def properties(values: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in values.items() if v is not None) + "}"


def statements(graph: Any) -> Iterator[str]:
    yield "CREATE CONSTRAINT ipkb_entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;"
    for node, data in graph.nodes(data=True):
        values = {"id": node, **{k: v for k, v in data.items() if k != "type"}, "type": data["type"]}
        yield f"MERGE (n:Entity {{id: {string(node)}}}) SET n:{label(data['type'])} SET n = {properties(values)};"
    for u, v, key, data in graph.edges(keys=True, data=True):
        values = {"key": key, **data, **{f"q_{q}": value for q, value in sorted(data["qualifiers"].items())}}
        yield (
            f"MATCH (a:Entity {{id: {string(u)}}}), (b:Entity {{id: {string(v)}}}) "
            f"MERGE (a)-[r:{relationship_type(data['type'])} {{key: {string(key)}}}]->(b) SET r = {properties(values)};"
        )


def write(graph: Any, stream: BinaryIO) -> None:
    for statement in statements(graph):
        stream.write((statement + "\n").encode("utf-8"))
