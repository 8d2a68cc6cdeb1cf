"""Sizes the drawn formats can take: an export too large to open (html) or to render (mermaid, svg, png)
is refused before any of it is built, with advice on exporting a part instead.

A format module declares `MAX_NODES` and/or `MAX_EDGES`; `check` counts the graph (for the whole KB,
from the store, without building it) and raises `ExportError` when a count is over its limit.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from ipkb.errors import ExportError

ADVICE = "export a part: --in PLACE, --root ENTITY --depth N, --type TYPE or --relation REL (see docs/exports.md)"


def size(graph: Any) -> tuple[int, int]:
    """(entities, relations) that exporting `graph` writes."""
    from ipkb.export.graph import StreamedGraph
    from ipkb.read.query_export import count_entities, count_kept_relations

    if isinstance(graph, StreamedGraph):
        store = graph.store
        left_out = () if graph.with_sources else store.roles().sources  # the drawn formats leave sources out
        nodes = count_entities(store, left_out)
        if store.as_of is not None:  # some relations may not hold on that day: count those that do
            return nodes, sum(1 for _ in graph.qualifiers())
        return nodes, count_kept_relations(store, left_out)
    return int(graph.number_of_nodes()), int(graph.number_of_edges())


def check(fmt: str, exporter: ModuleType, graph: Any) -> None:
    """Refuse (exit 1, with advice) an export larger than `exporter` can draw."""
    max_nodes: int | None = getattr(exporter, "MAX_NODES", None)
    max_edges: int | None = getattr(exporter, "MAX_EDGES", None)
    if max_nodes is None and max_edges is None:
        return
    nodes, edges = size(graph)
    over = []
    if max_nodes is not None and nodes > max_nodes:
        over.append(f"{nodes} entities (at most {max_nodes})")
    if max_edges is not None and edges > max_edges:
        over.append(f"{edges} relations (at most {max_edges})")
    if over:
        why: str = getattr(exporter, "LIMIT_WHY", "")
        raise ExportError(f"too large for {fmt}: {' and '.join(over)}{'; ' + why if why else ''}", hint=ADVICE)
