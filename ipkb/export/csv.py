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
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from ipkb.export.common import scalar
from ipkb.graph import all_qualifiers

STREAMS = True  # the relationships file reads the qualifiers once more first, for its header
FILES = ("-nodes.csv", "-relationships.csv")
NODE_COLUMNS = ("name", "zh", "pinyin", "description", "confidence", "aliases", "fields", "sources", "facts")
EDGE_COLUMNS = ("key", "label", "confidence", "note", "qualifiers", "sources")


def label(entity_type: str) -> str:
    """A Neo4j label for an entity type: `designation` -> `Designation`."""
    return "".join(part.capitalize() for part in entity_type.split("_"))


def relationship_type(relation_type: str) -> str:
    """A Neo4j relationship type for a relation type: `located_in` -> `LOCATED_IN`."""
    return relation_type.upper()


class _ColumnType:
    """The Neo4j type of a qualifier column (`:int`, `:float`, `:boolean` or text), from its values one at a time."""

    def __init__(self) -> None:
        self.present = False
        self.ints = self.numbers = self.booleans = True

    def add(self, value: Any) -> None:
        if value is None:
            return
        self.present = True
        boolean = isinstance(value, bool)
        self.ints = self.ints and isinstance(value, int) and not boolean
        self.numbers = self.numbers and isinstance(value, int | float) and not boolean
        self.booleans = self.booleans and boolean

    def suffix(self) -> str:
        if self.present and self.ints:
            return ":int"
        if self.present and self.numbers:
            return ":float"
        if self.present and self.booleans:
            return ":boolean"
        return ""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(scalar(value))


def node_rows(graph: Any) -> Iterator[list[str]]:
    """The nodes file: the header, then a row per node."""
    yield ["id:ID", ":LABEL", *NODE_COLUMNS]
    for node, data in graph.nodes(data=True):
        yield [node, f"Entity;{label(data['type'])}", *(_cell(data.get(c)) for c in NODE_COLUMNS)]


def relationship_rows(graph: Any) -> Iterator[list[str]]:
    """The relationships file: the header, then a row per edge (the header names every qualifier first)."""
    columns: dict[str, _ColumnType] = {}
    for qualifiers in all_qualifiers(graph):
        for name, value in qualifiers.items():
            columns.setdefault(name, _ColumnType()).add(value)
    names = sorted(columns)
    yield [":START_ID", ":END_ID", ":TYPE", *EDGE_COLUMNS, *(f"q_{q}{columns[q].suffix()}" for q in names)]
    for u, v, key, data in graph.edges(keys=True, data=True):
        values = {**data, "key": key}
        yield [
            u,
            v,
            relationship_type(data["type"]),
            *(_cell(values.get(c)) for c in EDGE_COLUMNS),
            *(_cell(data["qualifiers"].get(q)) for q in names),
        ]


def write_rows(rows: Iterable[list[str]], stream: BinaryIO) -> None:
    """CSV in Neo4j's dialect, written to `stream` as UTF-8 a block of rows at a time."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL, doublequote=True)
    for row in rows:
        out.writerow(row)
        if buffer.tell() > 1 << 16:
            stream.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
    stream.write(buffer.getvalue().encode("utf-8"))


def write_files(graph: Any, streams: list[BinaryIO]) -> None:
    """Write the nodes file to `streams[0]` and the relationships file to `streams[1]` (see FILES)."""
    write_rows(node_rows(graph), streams[0])
    write_rows(relationship_rows(graph), streams[1])
