"""The attributes of an exported graph's nodes and edges: the one place that shapes them, for both graphs.

`ipkb.export.graph.build_graph` (networkx) and `ipkb.export.graph.StreamedGraph` (streamed from SQL) both take each
node's data from `node_data` and each edge's from `edge_data`, so they hold the very same attributes.
The rows come from `ipkb.read.query_export` (the read layer); this module holds no SQL.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ipkb.read.query import Edge, Store
from ipkb.read.query_export import alias_rows, fact_rows

if TYPE_CHECKING:
    from ipkb.shapes import Citation, GraphData


def node_data(store: Store, rows: list[sqlite3.Row]) -> list[GraphData]:
    """The attributes of these entity rows' nodes, with their aliases, citations and facts."""
    ids = [r["id"] for r in rows]
    entity_cites = store.citations("entity", ids)
    facts = facts_of(store, ids)
    aliases = aliases_of(store, ids)
    out = []
    for row in rows:
        attributes: GraphData = {"type": row["type"], "name": row["name"], "label": row["name"]}
        if row["zh"]:
            attributes["zh"] = row["zh"]
            attributes["label"] = f"{row['name']} {row['zh']}"
        for key in ("pinyin", "description"):
            if row[key]:
                attributes[key] = row[key]
        entity_attributes = json.loads(row["attributes"])
        if entity_attributes:
            attributes["attributes"] = entity_attributes
        attributes["confidence"] = row["confidence"]
        if row["note"]:
            attributes["note"] = row["note"]
        if row["id"] in aliases:
            attributes["aliases"] = aliases[row["id"]]
        fields = json.loads(row["fields"])
        if fields:
            attributes["fields"] = fields
        attributes["sources"] = entity_cites[row["id"]]
        attributes["facts"] = facts.get(row["id"], [])
        out.append(attributes)
    return out


def edge_data(edges: list[Edge], citations: list[list[Citation]], labels: dict[str, str]) -> list[GraphData]:
    """The attributes of these relations' edges, given each one's citations and the relation labels."""
    out = []
    for edge, sources in zip(edges, citations, strict=True):
        attributes = {
            "type": edge.type,
            "label": labels[edge.type],
            "qualifiers": edge.qualifiers,
            "sources": sources,
            "confidence": edge.confidence,
        }
        if edge.note:
            attributes["note"] = edge.note
        out.append(attributes)
    return out


CITES = "cites"  # the type (and label) of an entity's edge to a source it cites: a citation, not a KB relation


def cites_data(citations: Iterable[tuple[str, str | None]]) -> list[tuple[str, GraphData]]:
    """(source id, attributes) of one entity's `cites` edges, given its own citations (source, quote) in
    order: one edge a source, in the order first cited, with the quotes of every citation of it."""
    quotes: dict[str, list[str]] = {}
    for source, quote in citations:
        mine = quotes.setdefault(source, [])
        if quote:
            mine.append(quote)
    return [(source, {"type": CITES, "label": CITES, "quotes": said}) for source, said in quotes.items()]


def relation_labels(store: Store) -> dict[str, str]:
    return {name: row["label"] for name, row in store.relation_types().items()}


def citation(source: str, quote: str | None, via: str | None) -> Citation:
    """A citation as `Store.citations` gives it, for the citations read together with their relations."""
    cite: Citation = {"source": source, "quote": quote}
    if via:
        cite["via"] = via
    return cite


def aliases_of(store: Store, ids: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in alias_rows(store, ids):
        out.setdefault(r["entity_id"], []).append(r["text"])
    return out


def facts_of(store: Store, ids: list[str]) -> dict[str, list[GraphData]]:
    rows = store.known(fact_rows(store, ids))
    cites = store.citations("fact", [str(r["rowid"]) for r in rows])
    out: dict[str, list[GraphData]] = {}
    for row in rows:
        fact: GraphData = {"metric": row["metric"], "value": json.loads(row["value"])}
        for key in ("unit", "period"):
            if row[key]:
                fact[key] = row[key]
        if row["bound"]:
            fact["bound"] = row["bound"]
        fact["kind"] = row["kind"]
        scope = json.loads(row["scope"])
        if scope:
            fact["scope"] = scope
        fact["confidence"] = row["confidence"]
        if row["note"]:
            fact["note"] = row["note"]
        fact["sources"] = cites[str(row["rowid"])]
        out.setdefault(row["entity_id"], []).append(fact)
    return out


def note_cited(attributes: GraphData, cited: set[str]) -> None:
    """Add the sources (and `via`s) that a node's or an edge's citations, and its facts', name to `cited`."""
    for citations in (attributes["sources"], *(fact["sources"] for fact in attributes.get("facts", ()))):
        for citation in citations:
            cited.add(citation["source"])
            if citation.get("via"):
                cited.add(citation["via"])


def sources_of(store: Store, ids: set[str]) -> dict[str, GraphData]:
    out: dict[str, GraphData] = {}
    for source_id, row in sorted(store.entities(ids).items()):
        out[source_id] = {"name": row["name"], "type": row["type"], **json.loads(row["fields"])}
    return out
