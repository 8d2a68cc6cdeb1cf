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

import heapq
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from ipkb.errors import UsageError
from ipkb.export.graph_data import (
    CITES,
    citation,
    cites_data,
    edge_data,
    facts_of,
    node_data,
    note_cited,
    relation_labels,
    sources_of,
)
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
) -> tuple[set[str] | None, list[Edge], dict[str, int]]:
    """The entity ids and relations an export keeps (ids None = every entity), and, with `within`, how many
    relations of each type join what lies in the place to what does not (what the export leaves out of it).

    `root`/`depth`: the neighbourhood of `root`, walked along `relations` when given. `types`: only
    entities of these types (and so only relations between two of them). `relations`: only relations of
    these types, and only the entities they touch. `within`: only that place and what lies within it,
    transitively (as `ipkb list --in`). Every kept relation has both ends kept.

    `cites` (an entity's edge to a source it cites, `build_graph(cites=True)`) is a relation type here
    too: `relations=["cites"]` keeps the entities that cite a source and the sources they cite. A walk
    from `root` never follows citations (a source cited by many entities would put them all one hop apart),
    so `cites` with `root` is a usage error.
    """
    type_set = set(types or ())
    relation_set = set(relations or ())
    if root is not None and CITES in relation_set:
        raise UsageError(
            f"--root walks relations, not citations: it cannot take --relation {CITES}",
            hint=f"drop --root (narrow --relation {CITES} with --type T --type source)",
        )
    ids: set[str] | None = None
    inside: set[str] = set()
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
    wanted = [e for e in store.all_edges() if not relation_set or e.type in relation_set]
    edges = [e for e in wanted if ids is None or (e.source_id in ids and e.target_id in ids)]
    crossing = Counter(e.type for e in wanted if (e.source_id in inside) != (e.target_id in inside))
    if relation_set:
        touched = {e.source_id for e in edges} | {e.target_id for e in edges}
        if CITES in relation_set:
            for pair in read.entity_citation_pairs(store):
                if ids is None or (pair["entity_id"] in ids and pair["source_id"] in ids):
                    touched.update((pair["entity_id"], pair["source_id"]))
        if root is not None:
            touched.add(root)
        ids = touched if ids is None else ids & touched
    return ids, edges, dict(crossing.most_common())


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
    cites: bool = True,
    sources: bool = True,
) -> nx.MultiDiGraph[str]:
    """Every entity a node and every relation an edge; restricted to `ids` (both ends) when given.

    `cites`: also an edge of type `cites` from each entity to each source node it cites (after the
    relations, `cites_data`). `sources=False` leaves out the entities of source types (what the drawn
    formats do unless asked for them), and so every edge to or from them.
    """
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    hidden = frozenset() if sources else store.roles().sources
    rows = [r for r in read.entity_rows(store) if (ids is None or r["id"] in ids) and r["type"] not in hidden]
    cited: set[str] = set()
    for row, attributes in zip(rows, node_data(store, rows), strict=True):
        note_cited(attributes, cited)
        graph.add_node(row["id"], **attributes)
    if edges is None:
        edges = store.all_edges()
    edges = [e for e in edges if e.source_id in graph and e.target_id in graph]
    cited_by = store.citations("relation", [str(e.rowid) for e in edges])
    shaped = edge_data(edges, [cited_by[str(e.rowid)] for e in edges], relation_labels(store))
    for edge, key, attributes in zip(edges, edge_keys(edges), shaped, strict=True):
        note_cited(attributes, cited)
        graph.add_edge(edge.source_id, edge.target_id, key=key, **attributes)
    if cites:
        for node in list(graph):
            mine = graph.nodes[node]["sources"]
            pairs = [(c["source"], c["quote"]) for c in mine if c["source"] in graph and c["source"] != node]
            for target, attributes in cites_data(pairs):
                graph.add_edge(node, target, key=cites_key(node, target), **attributes)
    graph.graph["sources"] = sources_of(store, cited)
    from ipkb.export.vocabulary import schema

    graph.graph["schema"] = schema(store)  # for RDF's vocabulary, which a streamed graph reads from its store
    graph.graph["roles"] = store.roles()  # type colours and source types (ipkb.export.style.roles_of)
    return graph


def cites_key(entity: str, source: str) -> str:
    """The key of a `cites` edge (one a pair): `entity>cites>source`, like a relation's."""
    return f"{entity}>{CITES}>{source}"


def export_graph(
    store: Store,
    root: str | None = None,
    depth: int = 2,
    types: Iterable[str] | None = None,
    relations: Iterable[str] | None = None,
    within: str | None = None,
    sources: bool = True,
) -> nx.MultiDiGraph[str] | StreamedGraph:
    """The graph an `ipkb export` writes: the whole KB streamed, or `select` then `build_graph`.

    Without filters this reads nothing yet: `ipkb.export.export_to` streams it to the formats that can
    be written as they are read and builds the networkx graph (`StreamedGraph.to_networkx`) for the others.
    `cites` edges are kept unless `relations` leaves them out; `sources=False` leaves out source entities.
    """
    types, relations = list(types or ()), list(relations or ())
    if root is None and not types and not relations and within is None:
        return StreamedGraph(store, sources)
    ids, edges, crossing = select(store, root, depth, types, relations, within)
    graph = build_graph(store, ids, edges, cites=not relations or CITES in relations, sources=sources)
    graph.graph["crossing"] = crossing  # what --in cuts: a reader would take it for the whole of a place
    kinds = store.roles().sources
    if set(types) & kinds and set(types) - kinds:  # `--type center --type source`: the sources the centers cite,
        # not every source of the KB, most of them then points with no edge (a trial's 339 of 646 nodes)
        graph.remove_nodes_from(
            [n for n, data in graph.nodes(data=True) if data.get("type") in kinds and not graph.degree(n) and n != root]
        )
    return graph


class StreamedGraph:
    """The whole KB, read from the store in batches whenever `nodes` or `edges` is iterated.

    `nodes(data=True)` and `edges(keys=True, data=True)` yield exactly what the same calls on
    `build_graph(store)` yield, in the same order (networkx's: nodes in id order; edges by source node,
    then by target in the order each target first appears in the KB, then in KB order), while holding
    only one batch of entities, and the relations leaving them, at a time. `graph` holds graph-level
    settings (`base_iri`); `sources()` gives what `graph["sources"]` holds in a built graph.
    """

    def __init__(self, store: Store, sources: bool = True) -> None:
        self.store = store
        self.with_sources = sources  # False: no entities of source types, nor edges to or from them
        self.graph: GraphData = {}
        self.spool_dir: Path | None = None  # where writers that need a scratch file put it (None: TMPDIR)
        self._cited: set[str] = set()
        self._read: set[str] = set()  # "nodes" and "edges" once a pass over them has finished

    def nodes(self, data: bool = True) -> Iterator[tuple[str, GraphData]]:
        """(entity id, attributes) of every entity, in id order."""
        hidden = frozenset() if self.with_sources else self.store.roles().sources
        for rows in _batches(r for r in read.stream_entity_rows(self.store) if r["type"] not in hidden):
            for row, attributes in zip(rows, node_data(self.store, rows), strict=True):
                note_cited(attributes, self._cited)
                yield row["id"], attributes
        self._read.add("nodes")

    def edges(self, keys: bool = True, data: bool = True) -> Iterator[tuple[str, str, str, GraphData]]:
        """(source, target, key, attributes) of every relation that holds, in networkx's order.

        One query reads the relations by source, each with its citations, and another each entity's own
        citations (its `cites` edges, after its relations, as `build_graph` adds them); a source's relations
        are shaped together, since keys (`edge_keys`) number a source's repeats.
        """
        labels = relation_labels(self.store)
        hidden: set[str] = set()
        if not self.with_sources:
            hidden = {r["id"] for r in read.stream_source_fields(self.store, self.store.roles().sources)}
        relations = groupby(read.stream_kept_relations_cited(self.store), key=itemgetter("source_id"))
        cited = groupby(read.stream_entity_citations(self.store), key=itemgetter("entity_id"))
        for node, relation_rows, cite_rows in _by_node(relations, cited if self.with_sources else iter(())):
            items: list[tuple[str, str, GraphData]] = []
            if relation_rows and node not in hidden:
                edges, cites = _relations_with_citations(relation_rows)
                edges = [e for e in self.store.in_time(edges) if e.target_id not in hidden]
                shaped = edge_data(edges, [cites[e.rowid] for e in edges], labels)
                for edge, key, attributes in zip(edges, edge_keys(edges), shaped, strict=True):
                    note_cited(attributes, self._cited)
                    items.append((edge.target_id, key, attributes))
            pairs = ((row["source_id"], row["quote"]) for row in cite_rows)
            items += [(target, cites_key(node, target), attributes) for target, attributes in cites_data(pairs)]
            for target, key, attributes in _adjacency(items):
                yield node, target, key, attributes
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
        graph = build_graph(self.store, sources=self.with_sources)
        graph.graph.update(self.graph)
        return graph


Item = tuple[str, str, "GraphData"]  # (target, key, attributes) of one edge of a node


def _adjacency(items: list[Item]) -> list[Item]:
    """One node's edges (relations in KB order, then its `cites`) in a MultiDiGraph's order.

    networkx keeps a node's successors in the order each was first added, and a pair's edges in the
    order added: so targets in the order they first appear, each with its edges in the order added.
    """
    if len({target for target, _, _ in items}) == len(items):  # the usual case: one edge a target
        return items
    by_target: dict[str, list[Item]] = {}
    for item in items:
        by_target.setdefault(item[0], []).append(item)
    return [item for same_target in by_target.values() for item in same_target]


def _by_node(
    relations: Iterator[tuple[str, Iterator[sqlite3.Row]]], cited: Iterator[tuple[str, Iterator[sqlite3.Row]]]
) -> Iterator[tuple[str, list[sqlite3.Row], list[sqlite3.Row]]]:
    """(node, its relation rows, its citation rows) from two streams grouped by node in id order: one node
    at a time, so memory holds only that node's rows."""
    tagged = heapq.merge(
        ((node, 0, list(rows)) for node, rows in relations),
        ((node, 1, list(rows)) for node, rows in cited),
        key=itemgetter(0, 1),
    )
    for node, parts in groupby(tagged, key=itemgetter(0)):
        found: list[list[sqlite3.Row]] = [[], []]
        for _, which, rows in parts:
            found[which] = rows
        yield node, found[0], found[1]


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
        yield data.get("qualifiers", {})  # a `cites` edge has none


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
