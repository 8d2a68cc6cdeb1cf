"""CSV for `neo4j-admin database import full`: a nodes file, a relationships file and the constraints.

`-o NAME` (or `-o NAME.csv`) writes `NAME-nodes.csv`, `NAME-relationships.csv` and
`NAME-constraints.cypher` (the uniqueness constraints to run once imported). The graph is the one
`ipkb.export.neo4j` describes, the same as the cypher export's. Headers follow Neo4j's import format:
`id:ID`, `:LABEL` (`Entity;City`, `Fact`), `:START_ID`, `:END_ID`, `:TYPE`, and typed columns
(`value:float`, `aliases:string[]`, `published:date`, `q_year:int` ...). Fields are quoted with `"` when
needed and a quote inside is doubled (Neo4j's default `--quote`); arrays are separated by `;` (its
default `--array-delimiter`). Descriptions and quotes may span lines: import with `--multiline-fields=true`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, BinaryIO

from ipkb.export.graph import all_qualifiers
from ipkb.export.neo4j import CONSTRAINTS, nodes, relationships, whole_day

HELP = "Neo4j import: NAME-nodes.csv, NAME-relationships.csv, NAME-constraints.cypher"  # in `export --help`; FILES
STREAMS = True  # the relationships file reads the qualifiers once more first, for its header
FILES = ("-nodes.csv", "-relationships.csv", "-constraints.cypher")
# Node properties, with their Neo4j types: entities, sources' fields, then facts'
NODE_COLUMNS = (
    ("type", ""),
    ("name", ""),
    ("zh", ""),
    ("pinyin", ""),
    ("description", ""),
    ("confidence", ""),
    ("note", ""),
    ("aliases", ":string[]"),
    ("attributes", ""),
    ("title", ""),
    ("publisher", ""),
    ("author", ""),
    ("date", ""),
    ("published", ":date"),
    ("language", ""),
    ("url", ""),
    ("file", ""),
    ("kind", ""),
    ("fields", ""),
    ("entity", ""),
    ("metric", ""),
    ("value", ":float"),
    ("value_text", ""),
    ("bound", ""),
    ("unit", ""),
    ("period", ""),
    ("scope", ""),
)
EDGE_COLUMNS = (
    ("key", ""),
    ("label", ""),
    ("confidence", ""),
    ("note", ""),
    ("sources", ""),
    ("cites", ":string[]"),
    ("n", ":int"),
    ("quote", ""),
    ("via", ""),
)


class _ColumnType:
    """The Neo4j type of a qualifier column (`:int`, `:float`, `:boolean` or text), from its values one at a time."""

    def __init__(self) -> None:
        self.present = False
        self.ints = self.numbers = self.booleans = True
        self.days = False  # some value is a whole day: the qualifier also gets a `<name>:date` column

    def add(self, value: Any) -> None:
        if value is None:
            return
        self.present = True
        boolean = isinstance(value, bool)
        self.ints = self.ints and isinstance(value, int) and not boolean
        self.numbers = self.numbers and isinstance(value, int | float) and not boolean
        self.booleans = self.booleans and boolean
        self.days = self.days or whole_day(value) is not None

    def suffix(self) -> str:
        if self.present and self.ints:
            return ":int"
        if self.present and self.numbers:
            return ":float"
        if self.present and self.booleans:
            return ":boolean"
        return ""


def cell(value: Any) -> str:
    """A value as Neo4j's importer reads it: arrays joined by `;`, dates ISO, booleans in lower case."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def node_rows(graph: Any) -> Iterator[list[str]]:
    """The nodes file: the header, then a row per entity and per fact."""
    yield ["id:ID", ":LABEL", *(name + kind for name, kind in NODE_COLUMNS)]
    for node in nodes(graph):
        values = node.properties
        yield [node.id, ";".join(node.labels), *(cell(values.get(name)) for name, _ in NODE_COLUMNS)]


def relationship_rows(graph: Any) -> Iterator[list[str]]:
    """The relationships file: the header (which names every qualifier, so first a pass over them), then rows."""
    columns: dict[str, _ColumnType] = {}
    for qualifiers in all_qualifiers(graph):
        for name, value in qualifiers.items():
            columns.setdefault(name, _ColumnType()).add(value)
    names = sorted(columns)
    days = [name for name in names if columns[name].days]
    header = [f"q_{q}{columns[q].suffix()}" for q in names] + [f"{q}:date" for q in days]
    keys = [f"q_{q}" for q in names] + days
    yield [":START_ID", ":END_ID", ":TYPE", *(name + kind for name, kind in EDGE_COLUMNS), *header]
    for rel in relationships(graph):
        values = rel.properties
        yield [
            rel.start,
            rel.end,
            rel.type,
            *(cell(values.get(name)) for name, _ in EDGE_COLUMNS),
            *(cell(values.get(key)) for key in keys),
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
    """Write the nodes, relationships and constraints files to `streams` (in the order of FILES)."""
    write_rows(node_rows(graph), streams[0])
    write_rows(relationship_rows(graph), streams[1])
    streams[2].write(("\n".join(CONSTRAINTS) + "\n").encode("utf-8"))
