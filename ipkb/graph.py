"""A networkx graph of the KB (or of a filtered part of it) built from the store, for exporters.

Nodes are entity ids in id order and edges keep the store's order, so every exporter can write the same
KB byte for byte the same. Attribute values are Python values (lists and dicts for citations, facts and
qualifiers); `ipkb.export.common.flat` turns them into the scalars and JSON text that GraphML and GEXF
hold. `graph.graph["sources"]` describes every source that an exported entity, relation or fact cites.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

import networkx as nx

from ipkb.query import Edge, Store


def select(
    store: Store,
    root: str | None = None,
    depth: int = 2,
    types: Iterable[str] | None = None,
    relations: Iterable[str] | None = None,
) -> tuple[set[str] | None, list[Edge]]:
    """The entity ids and relations an export keeps (ids None = every entity).

    `root`/`depth`: the neighbourhood of `root`, walked along `relations` when given. `types`: only
    entities of these types (and so only relations between two of them). `relations`: only relations of
    these types, and only the entities they touch. Every kept relation has both ends kept.
    """
    type_set = set(types or ())
    relation_set = set(relations or ())
    ids: set[str] | None = None
    if root is not None:
        from ipkb.traverse import neighborhood

        ids = set(neighborhood(store, root, depth, sorted(relation_set) or None)[0])
    if type_set:
        typed = {r["id"] for r in store.rows("SELECT id, type FROM entity ORDER BY id") if r["type"] in type_set}
        ids = typed if ids is None else ids & typed
    edges = [
        e
        for e in store.all_edges()
        if (not relation_set or e.type in relation_set) and (ids is None or (e.source_id in ids and e.target_id in ids))
    ]
    if relation_set:
        touched = {e.source_id for e in edges} | {e.target_id for e in edges}
        if root is not None:
            touched.add(root)
        ids = touched if ids is None else ids & touched
    return ids, edges


def edge_keys(edges: list[Edge]) -> list[str]:
    """Stable, readable relation ids: `source>type>target`, with `#2`, `#3` ... for repeats."""
    seen: Counter[str] = Counter()
    keys = []
    for edge in edges:
        base = f"{edge.source_id}>{edge.type}>{edge.target_id}"
        seen[base] += 1
        keys.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
    return keys


def build_graph(
    store: Store,
    ids: set[str] | None = None,
    edges: list[Edge] | None = None,
) -> nx.MultiDiGraph[str]:
    """Every entity a node and every relation an edge; restricted to `ids` (both ends) when given."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    rows = [r for r in store.rows("SELECT * FROM entity ORDER BY id") if ids is None or r["id"] in ids]
    kept = [r["id"] for r in rows]
    entity_cites = store.citations("entity", kept)
    facts = _facts(store, kept)
    aliases: dict[str, list[str]] = {}
    for r in store.rows("SELECT entity_id, text FROM name WHERE kind = 'alias' ORDER BY rowid"):
        aliases.setdefault(r["entity_id"], []).append(r["text"])
    cited: set[str] = set()
    for row in rows:
        attributes: dict[str, Any] = {"type": row["type"], "name": row["name"], "label": row["name"]}
        if row["zh"]:
            attributes["zh"] = row["zh"]
            attributes["label"] = f"{row['name']} {row['zh']}"
        for key in ("pinyin", "description"):
            if row[key]:
                attributes[key] = row[key]
        attributes["confidence"] = row["confidence"]
        if row["id"] in aliases:
            attributes["aliases"] = aliases[row["id"]]
        fields = json.loads(row["fields"])
        if fields:
            attributes["fields"] = fields
        attributes["sources"] = entity_cites[row["id"]]
        attributes["facts"] = facts.get(row["id"], [])
        cited.update(_cited(attributes["sources"]))
        for fact in attributes["facts"]:
            cited.update(_cited(fact["sources"]))
        graph.add_node(row["id"], **attributes)
    if edges is None:
        edges = store.all_edges()
    edges = [e for e in edges if e.source_id in graph and e.target_id in graph]
    cites = store.citations("relation", [str(e.rowid) for e in edges])
    labels = {name: row["label"] for name, row in store.relation_types().items()}
    for edge, key in zip(edges, edge_keys(edges), strict=True):
        sources = cites[str(edge.rowid)]
        cited.update(_cited(sources))
        attributes = {
            "type": edge.type,
            "label": labels[edge.type],
            "qualifiers": edge.qualifiers,
            "sources": sources,
            "confidence": edge.confidence,
        }
        if edge.note:
            attributes["note"] = edge.note
        graph.add_edge(edge.source_id, edge.target_id, key=key, **attributes)
    graph.graph["sources"] = _sources(store, cited)
    return graph


def export_graph(
    store: Store,
    root: str | None = None,
    depth: int = 2,
    types: Iterable[str] | None = None,
    relations: Iterable[str] | None = None,
) -> nx.MultiDiGraph[str]:
    """The graph an `ipkb export` writes: `select`, then `build_graph`."""
    ids, edges = select(store, root, depth, types, relations)
    return build_graph(store, ids, edges)


def _cited(citations: list[dict[str, Any]]) -> set[str]:
    return {c["source"] for c in citations} | {c["via"] for c in citations if c.get("via")}


def _facts(store: Store, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    wanted = set(ids)
    rows = [
        r
        for r in store.known(store.rows("SELECT * FROM fact ORDER BY entity_id, metric, period, rowid"))
        if r["entity_id"] in wanted
    ]
    cites = store.citations("fact", [str(r["rowid"]) for r in rows])
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        fact: dict[str, Any] = {"metric": row["metric"], "value": json.loads(row["value"])}
        for key in ("unit", "period"):
            if row[key]:
                fact[key] = row[key]
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


def _sources(store: Store, ids: set[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for source_id, row in sorted(store.entities(ids).items()):
        out[source_id] = {"name": row["name"], "type": row["type"], **json.loads(row["fields"])}
    return out
