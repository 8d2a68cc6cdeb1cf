"""The property graph that both Neo4j routes write (`csv` for `neo4j-admin import`, `cypher` for a script).

Nodes:
- `(:Entity:<Type> {id, type, name, zh, pinyin, description, confidence, note, aliases: string[],
  attributes})`; a source (`:Entity:Source`) also has its fields as properties (`title`, `url`, `date` as
  written ... and `published: date` when its date is a whole day).
- `(:Fact {id: "<entity>/fact/<n>", entity, metric, value, value_text, bound, unit, period, kind,
  scope, confidence, note})`: `value` when the figure is a number (an integer as the KB writes it, `1706`,
  else a float; the csv's typed column makes every one a float), `value_text` when it is not ("about one
  third"); `bound` (more_than, about, ...) when the source gives the figure as a bound.

Relationships:
- one per relation, `:<TYPE>` (`LOCATED_IN`), or `:<TYPE>_PLANNED` / `:<TYPE>_ANNOUNCED` for one that the
  schema's `planned` / `announced` role marks (`SUBCENTER_OF_PLANNED`): as Turtle asserts no plain triple
  for these, a plain `MATCH (a)-[:SUBCENTER_OF]->(b)` finds only what holds (see `relationship_type`);
  with `key`, `label`, `confidence`, `note`, each qualifier as
  `q_<name>` (as written), a qualifier that is a whole day also as `<name>: date` (`since`, `until`),
  `sources` (the citations as JSON text) and `cites: string[]` (the ids of the sources they cite);
- `(:Entity)-[:HAS_FACT]->(:Fact)`;
- `(:Entity or :Fact)-[:CITES {n, quote, via}]->(:Source)`, one per citation (n counts from 1): these are
  the graph's `cites` edges (one an entity and source, with the quotes), kept one a citation as before.

`properties` and `relationships` give each the same names and values for both routes; the csv module
turns them into typed columns, the cypher module into literals.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from ipkb.export.common import to_json
from ipkb.export.graph_data import CITES
from ipkb.export.style import roles_of
from ipkb.roles import Roles

if TYPE_CHECKING:
    from ipkb.shapes import Citation, GraphData

NO_ROLES = Roles()
PLANNED, ANNOUNCED = "_PLANNED", "_ANNOUNCED"  # the suffixes of a planned and of an announced relation's type
WHOLE_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SOURCE_FIELDS = ("title", "publisher", "author", "date", "language", "url", "file", "kind")
ENTITY = ("id", "type", "name", "zh", "pinyin", "description", "confidence", "note", "aliases", "attributes")
FACT = (
    *("id", "entity", "metric", "value", "value_text", "bound"),
    *("unit", "period", "kind", "scope", "confidence", "note"),
)


def label(entity_type: str) -> str:
    """A Neo4j label for an entity type: `designation` -> `Designation`."""
    return "".join(part.capitalize() for part in entity_type.split("_"))


def relationship_type(relation_type: str, qualifiers: Mapping[str, Any] | None = None, roles: Roles = NO_ROLES) -> str:
    """A Neo4j relationship type for a relation type: `located_in` -> `LOCATED_IN`; with the relation's
    `qualifiers`, `SUBCENTER_OF_PLANNED` for one only planned and `HOLDS_DESIGNATION_ANNOUNCED` for one only
    announced (the schema's roles), so a query that names the type is not answered with a plan as a fact,
    as Turtle asserts no plain triple for them (docs/exports.md)."""
    name = relation_type.upper()
    if qualifiers is not None and roles.is_planned(qualifiers):
        return name + PLANNED
    if qualifiers is not None and roles.is_announced(qualifiers):
        return name + ANNOUNCED
    return name


def whole_day(value: Any) -> date | None:
    """`value` as a date if it is an ISO date of a whole day (`2016-05-01`), else None."""
    if isinstance(value, str) and WHOLE_DAY.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    labels: tuple[str, ...]
    properties: GraphData


@dataclass(frozen=True, slots=True)
class Relationship:
    start: str
    end: str
    type: str
    merge_on: tuple[str, ...]  # the properties that identify it between its two ends (for MERGE)
    properties: GraphData
    start_label: str = "Entity"
    end_label: str = "Entity"


CONSTRAINTS = (
    "CREATE CONSTRAINT ipkb_entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;",
    "CREATE CONSTRAINT ipkb_fact_id IF NOT EXISTS FOR (n:Fact) REQUIRE n.id IS UNIQUE;",
)


def fact_id(entity: str, n: int) -> str:
    return f"{entity}/fact/{n}"


def entity_node(node: str, data: GraphData) -> Node:
    values: GraphData = {"id": node, "type": data["type"], "name": data["name"]}
    for key in ("zh", "pinyin", "description", "confidence", "note"):
        if data.get(key):
            values[key] = data[key]
    if data.get("aliases"):
        values["aliases"] = list(data["aliases"])
    if data.get("attributes"):
        values["attributes"] = to_json(data["attributes"])
    fields = data.get("fields") or {}
    for key in SOURCE_FIELDS:
        if key in fields:
            values[key] = fields[key] if isinstance(fields[key], str) else to_json(fields[key])
    published = whole_day(fields.get("date"))
    if published is not None:
        values["published"] = published
    others = {k: v for k, v in fields.items() if k not in SOURCE_FIELDS}
    if others:
        values["fields"] = to_json(others)
    return Node(node, ("Entity", label(data["type"])), values)


def fact_node(entity: str, n: int, fact: GraphData) -> Node:
    values: GraphData = {"id": fact_id(entity, n), "entity": entity, "metric": fact["metric"]}
    value = fact["value"]
    if isinstance(value, int | float) and not isinstance(value, bool):
        values["value"] = value  # 1706 stays an integer (Cypher); the csv's `value:float` column reads it as 1706.0
    else:
        values["value_text"] = str(value)
    for key in ("bound", "unit", "period", "kind", "confidence", "note"):  # bound: "more than" the value
        if fact.get(key):
            values[key] = fact[key]
    if fact.get("scope"):
        values["scope"] = to_json(fact["scope"])
    return Node(values["id"], ("Fact",), values)


def nodes(graph: Any) -> Iterator[Node]:
    """Every entity, each followed by its facts; then, in a filtered export, the cited sources it left out."""
    from ipkb.export.graph import StreamedGraph

    seen: set[str] = set()
    streamed = isinstance(graph, StreamedGraph)
    for node, data in graph.nodes(data=True):
        if not streamed:
            seen.add(node)
        yield entity_node(node, data)
        for n, fact in enumerate(data.get("facts", []), start=1):
            yield fact_node(node, n, fact)
    if not streamed:
        for source_id, source in graph.graph.get("sources", {}).items():
            if source_id not in seen:
                fields = {k: v for k, v in source.items() if k not in ("name", "type")}
                yield entity_node(source_id, {"type": source["type"], "name": source["name"], "fields": fields})


def _cites(owner: str, citations: list[Citation], owner_label: str = "Entity") -> Iterator[Relationship]:
    for n, cite in enumerate(citations, start=1):
        values: GraphData = {"n": n}
        if cite.get("quote"):
            values["quote"] = cite["quote"]
        if cite.get("via"):
            values["via"] = cite["via"]
        yield Relationship(owner, cite["source"], "CITES", ("n",), values, start_label=owner_label)


def relation(u: str, v: str, key: str, data: GraphData, roles: Roles = NO_ROLES) -> Relationship:
    values: GraphData = {"key": key, "label": data["label"], "confidence": data["confidence"]}
    if data.get("note"):
        values["note"] = data["note"]
    for name, value in sorted(data["qualifiers"].items()):
        values[f"q_{name}"] = to_json(value) if isinstance(value, list | dict) else value
        day = whole_day(value)
        if day is not None:
            values[name] = day
    values["sources"] = to_json(data["sources"])
    cited = list(dict.fromkeys(c["source"] for c in data["sources"]))
    if cited:
        values["cites"] = cited
    return Relationship(u, v, relationship_type(data["type"], data["qualifiers"], roles), ("key",), values)


def relationships(graph: Any) -> Iterator[Relationship]:
    """Every relation, then every HAS_FACT and CITES (a second pass over the nodes, which also gives the
    graph's `cites` edges, one a citation, so these are not written twice)."""
    roles = roles_of(graph)
    for u, v, key, data in graph.edges(keys=True, data=True):
        if data["type"] != CITES:
            yield relation(u, v, key, data, roles)
    for node, data in graph.nodes(data=True):
        yield from _cites(node, data.get("sources", []))
        for n, fact in enumerate(data.get("facts", []), start=1):
            yield Relationship(node, fact_id(node, n), "HAS_FACT", (), {}, end_label="Fact")
            yield from _cites(fact_id(node, n), fact["sources"], "Fact")
