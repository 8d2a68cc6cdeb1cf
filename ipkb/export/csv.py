"""CSV for `neo4j-admin database import full`: a nodes file and a relationships file.

`-o NAME` (or `-o NAME.csv`) writes `NAME-nodes.csv` and `NAME-relationships.csv`. Headers follow
Neo4j's import format: `id:ID`, `:LABEL` (`Entity;<Type>`), `:START_ID`, `:END_ID`, `:TYPE` (the relation
type in upper case), typed columns (`:int`, `:float`) for numeric qualifiers. Fields are quoted with `"`
when needed and a quote inside is doubled (Neo4j's default `--quote`); lists and dicts are JSON text.
Descriptions and quotes may span lines: import with `--multiline-fields=true`.
"""

from __future__ import annotations

import csv
import io
from typing import Any, BinaryIO

from ipkb.export.common import scalar

FILES = ("-nodes.csv", "-relationships.csv")
NODE_COLUMNS = ("name", "zh", "pinyin", "description", "confidence", "aliases", "fields", "sources", "facts")
EDGE_COLUMNS = ("key", "label", "confidence", "note", "qualifiers", "sources")


def label(entity_type: str) -> str:
    """A Neo4j label for an entity type: `designation` -> `Designation`."""
    return "".join(part.capitalize() for part in entity_type.split("_"))


def relationship_type(relation_type: str) -> str:
    """A Neo4j relationship type for a relation type: `located_in` -> `LOCATED_IN`."""
    return relation_type.upper()


def _column_type(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return ":int"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return ":float"
    if present and all(isinstance(v, bool) for v in present):
        return ":boolean"
    return ""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(scalar(value))


def _writer(buffer: io.StringIO) -> Any:
    return csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL, doublequote=True)


def nodes_text(graph: Any) -> str:
    buffer = io.StringIO()
    out = _writer(buffer)
    out.writerow(["id:ID", ":LABEL", *NODE_COLUMNS])
    for node, data in graph.nodes(data=True):
        out.writerow([node, f"Entity;{label(data['type'])}", *(_cell(data.get(c)) for c in NODE_COLUMNS)])
    return buffer.getvalue()


def relationships_text(graph: Any) -> str:
    edges = list(graph.edges(keys=True, data=True))
    names = sorted({q for _, _, _, data in edges for q in data["qualifiers"]})
    types = {q: _column_type([data["qualifiers"].get(q) for _, _, _, data in edges]) for q in names}
    buffer = io.StringIO()
    out = _writer(buffer)
    out.writerow([":START_ID", ":END_ID", ":TYPE", *EDGE_COLUMNS, *(f"q_{q}{types[q]}" for q in names)])
    for u, v, key, data in edges:
        values = {**data, "key": key}
        out.writerow(
            [
                u,
                v,
                relationship_type(data["type"]),
                *(_cell(values.get(c)) for c in EDGE_COLUMNS),
                *(_cell(data["qualifiers"].get(q)) for q in names),
            ]
        )
    return buffer.getvalue()


def write_files(graph: Any, streams: list[BinaryIO]) -> None:
    """Write the nodes file to `streams[0]` and the relationships file to `streams[1]` (see FILES)."""
    streams[0].write(nodes_text(graph).encode("utf-8"))
    streams[1].write(relationships_text(graph).encode("utf-8"))
