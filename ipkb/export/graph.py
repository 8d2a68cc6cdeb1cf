"""The KB (or a filtered part of it) as a graph for exporters: a networkx graph, or the whole KB streamed.

Nodes are entity ids in id order and edges keep the KB's order (by file and line, never by SQLite rowid,
which an incremental rebuild changes), so every exporter writes the same KB byte for byte the same.
Attribute values are Python values (lists and dicts for citations, facts and qualifiers);
`ipkb.export.common.flat_node` and `flat_edge` turn them into the scalars and JSON text GraphML and GEXF hold.
`graph.graph["sources"]` describes every source that an exported entity, relation or fact cites, and
`graph.graph["schema"]` the KB's vocabulary (`ipkb.export.vocabulary.schema`).

Two shapes, one set of attributes: `build_graph` fills a networkx `MultiDiGraph` (filtered exports, and
the formats that need the whole graph at once), while `StreamedGraph` reads the whole KB from SQL in
batches and yields the very same nodes and edges in the very same order, for the exporters that write as
they read (`STREAMS = True` in their module). Both get their attributes from `ipkb.export.graph_data`,
and read the store only through `ipkb.read.query_export` (the read layer).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from ipkb.export.graph_data import citation, edge_data, facts_of, node_data, note_cited, relation_labels, sources_of
from ipkb.read import query_export as read
from ipkb.read.query import Edge, Store
from ipkb.read.query_export import BATCH

if TYPE_CHECKING:
    from ipkb.shapes import Citation, GraphData, Qualifiers


def select(
    store: Store,
    root: str | None = None,
    depth: int = 2,
    types: Iterable[str] | None = None,
    relations: Iterable[str] | None = None,
    within: str | None = None,
) -> tuple[set[str] | None, list[Edge]]:
    """The entity ids and relations an export keeps (ids None = every entity).

    `root`/`depth`: the neighbourhood of `root`, walked along `relations` when given. `types`: only
    entities of these types (and so only relations between two of them). `relations`: only relations of
    these types, and only the entities they touch. `within`: only that place and what lies within it,
    transitively (as `ipkb list --in`). Every kept relation has both ends kept.
    """
    type_set = set(types or ())
    relation_set = set(relations or ())
    ids: set[str] | None = None
    if root is not None:
        from ipkb.read.traverse import neighborhood

        ids = set(neighborhood(store, root, depth, sorted(relation_set) or None)[0])
    if within is not None:
        from ipkb.read.traverse import contained_in

        inside = contained_in(store, within) | {within}
        ids = inside if ids is None else ids & inside
    if type_set:
        typed = {r["id"] for r in read.entity_type_rows(store) if r["type"] in type_set}
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
    seen: dict[str, int] = {}
    keys = []
    for edge in edges:
        base = f"{edge.source_id}>{edge.type}>{edge.target_id}"
        n = seen[base] = seen.get(base, 0) + 1
        keys.append(base if n == 1 else f"{base}#{n}")
    return keys


def build_graph(
    store: Store,
    ids: set[str] | None = None,
    edges: list[Edge] | None = None,
) -> nx.MultiDiGraph[str]:
    """Every entity a node and every relation an edge; restricted to `ids` (both ends) when given."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    rows = [r for r in read.entity_rows(store) if ids is None or r["id"] in ids]
    cited: set[str] = set()
    for row, attributes in zip(rows, node_data(store, rows), strict=True):
        note_cited(attributes, cited)
        graph.add_node(row["id"], **attributes)
    if edges is None:
        edges = store.all_edges()
    edges = [e for e in edges if e.source_id in graph and e.target_id in graph]
    cites = store.citations("relation", [str(e.rowid) for e in edges])
    shaped = edge_data(edges, [cites[str(e.rowid)] for e in edges], relation_labels(store))
    for edge, key, attributes in zip(edges, edge_keys(edges), shaped, strict=True):
        note_cited(attributes, cited)
        graph.add_edge(edge.source_id, edge.target_id, key=key, **attributes)
    graph.graph["sources"] = sources_of(store, cited)
    from ipkb.export.vocabulary import schema

    graph.graph["schema"] = schema(store)  # for RDF's vocabulary, which a streamed graph reads from its store
    graph.graph["roles"] = store.roles()  # type colours and source types (ipkb.export.style.roles_of)
    return graph


def export_graph(
    store: Store,
    root: str | None = None,
    depth: int = 2,
    types: Iterable[str] | None = None,
    relations: Iterable[str] | None = None,
    within: str | None = None,
) -> nx.MultiDiGraph[str] | StreamedGraph:
    """The graph an `ipkb export` writes: the whole KB streamed, or `select` then `build_graph`.

    Without filters this reads nothing yet: `ipkb.export.export_to` streams it to the formats that can
    be written as they are read and builds the networkx graph (`StreamedGraph.to_networkx`) for the others.
    """
    if root is None and not types and not relations and within is None:
        return StreamedGraph(store)
    ids, edges = select(store, root, depth, types, relations, within)
    return build_graph(store, ids, edges)


class StreamedGraph:
    """The whole KB, read from the store in batches whenever `nodes` or `edges` is iterated.

    `nodes(data=True)` and `edges(keys=True, data=True)` yield exactly what the same calls on
    `build_graph(store)` yield, in the same order (networkx's: nodes in id order; edges by source node,
    then by target in the order each target first appears in the KB, then in KB order), while holding
    only one batch of entities, and the relations leaving them, at a time. `graph` holds graph-level
    settings (`base_iri`); `sources()` gives what `graph["sources"]` holds in a built graph.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.graph: GraphData = {}
        self.spool_dir: Path | None = None  # where writers that need a scratch file put it (None: TMPDIR)
        self._cited: set[str] = set()
        self._read: set[str] = set()  # "nodes" and "edges" once a pass over them has finished

    def nodes(self, data: bool = True) -> Iterator[tuple[str, GraphData]]:
        """(entity id, attributes) of every entity, in id order."""
        for rows in _batches(read.stream_entity_rows(self.store)):
            for row, attributes in zip(rows, node_data(self.store, rows), strict=True):
                note_cited(attributes, self._cited)
                yield row["id"], attributes
        self._read.add("nodes")

    def edges(self, keys: bool = True, data: bool = True) -> Iterator[tuple[str, str, str, GraphData]]:
        """(source, target, key, attributes) of every relation that holds, in networkx's order.

        One query reads the relations by source, each with its citations; a source's relations are
        shaped together, since keys (`edge_keys`) number a source's repeats.
        """
        labels = relation_labels(self.store)
        rows = read.stream_kept_relations_cited(self.store)
        for _, group in groupby(rows, key=itemgetter("source_id")):
            edges, cites = _relations_with_citations(group)
            edges, edge_ids = _adjacency(self.store.in_time(edges))
            shaped = edge_data(edges, [cites[e.rowid] for e in edges], labels)
            for edge, key, attributes in zip(edges, edge_ids, shaped, strict=True):
                note_cited(attributes, self._cited)
                yield edge.source_id, edge.target_id, key, attributes
        self._read.add("edges")

    def qualifiers(self) -> Iterator[Qualifiers]:
        """The qualifiers of every edge `edges` yields, in no particular order: one cheap pass, no citations."""
        for rows in _batches(read.stream_kept_relations(self.store)):
            for edge in self.store.in_time([Store.edge_of(row) for row in rows]):
                yield edge.qualifiers

    def facts(self) -> Iterator[tuple[str, GraphData]]:
        """(entity id, fact) of every fact, entity by entity: what the nodes' `facts` attributes hold."""
        for rows in _batches(read.stream_entity_ids(self.store)):
            ids = [r["id"] for r in rows]
            facts = facts_of(self.store, ids)
            for entity_id in ids:
                for fact in facts.get(entity_id, []):
                    yield entity_id, fact

    def sources(self) -> dict[str, GraphData]:
        """Every source an entity, relation or fact cites, as in `build_graph(store).graph["sources"]`."""
        for name, items in (("nodes", self.nodes), ("edges", self.edges)):
            if name not in self._read:
                for _ in items():
                    pass
        return sources_of(self.store, self._cited)

    def to_networkx(self) -> nx.MultiDiGraph[str]:
        """The same graph built in memory, for the formats that need all of it at once."""
        graph = build_graph(self.store)
        graph.graph.update(self.graph)
        return graph


def _adjacency(edges: list[Edge]) -> tuple[list[Edge], list[str]]:
    """One source's relations (in KB order) in a MultiDiGraph's order, and their keys.

    networkx keeps a node's successors in the order each was first added, and a pair's edges in the
    order added: so targets in the order they first appear, each with its relations in KB order.
    """
    keys = edge_keys(edges)
    if len({edge.target_id for edge in edges}) == len(edges):  # the usual case: one relation a target
        return edges, keys
    by_target: dict[str, list[tuple[Edge, str]]] = {}
    for edge, key in zip(edges, keys, strict=True):
        by_target.setdefault(edge.target_id, []).append((edge, key))
    pairs = [pair for same_target in by_target.values() for pair in same_target]
    return [edge for edge, _ in pairs], [key for _, key in pairs]


def _relations_with_citations(rows: Iterable[sqlite3.Row]) -> tuple[list[Edge], dict[int, list[Citation]]]:
    """Relations from rows of a relation joined to its citations (in order), and each one's citations."""
    edges: list[Edge] = []
    cites: dict[int, list[Citation]] = {}
    for row in rows:
        rowid = row["rowid"]
        mine = cites.get(rowid)
        if mine is None:
            edges.append(Store.edge_of(row))
            mine = cites[rowid] = []
        source = row["cite_source"]
        if source is not None:
            mine.append(citation(source, row["cite_quote"], row["cite_via"]))
    return edges, cites


def cited_sources(graph: nx.MultiDiGraph[str] | StreamedGraph) -> dict[str, GraphData]:
    """`graph.graph["sources"]` of a built graph, `sources()` of a streamed one."""
    if isinstance(graph, StreamedGraph):
        return graph.sources()
    sources: dict[str, GraphData] = graph.graph.get("sources", {})
    return sources


def all_qualifiers(graph: nx.MultiDiGraph[str] | StreamedGraph) -> Iterator[Qualifiers]:
    """The `qualifiers` of every edge (in no particular order for a streamed graph)."""
    if isinstance(graph, StreamedGraph):
        yield from graph.qualifiers()
        return
    for _, _, data in graph.edges(data=True):
        yield data["qualifiers"]


def all_facts(graph: nx.MultiDiGraph[str] | StreamedGraph) -> Iterator[tuple[str, GraphData]]:
    """(entity id, fact) of every node's facts, in node order."""
    if isinstance(graph, StreamedGraph):
        yield from graph.facts()
        return
    for node, data in graph.nodes(data=True):
        for fact in data.get("facts", []):
            yield node, fact


def _batches(rows: Iterator[sqlite3.Row]) -> Iterator[list[sqlite3.Row]]:
    batch: list[sqlite3.Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
