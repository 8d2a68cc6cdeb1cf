"""`neighbors`: the entities within N relations of one, each with the relations that reached it and what
they rest on (qualifiers, confidence, note, sources). No `from __future__ import annotations`, as in
shapes.py: `__required_keys__` must see `NotRequired` at run time."""

from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from ipkb.read.views import entity_ref
from ipkb.shapes_base import Citation, Direction, EntityRef, Qualifiers

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Mapping

    from ipkb.read.query import Edge, Store


class NeighborLink(TypedDict):  # a relation joining a neighbour to another entity of the neighbourhood (`other`, by id)
    type: str
    direction: Direction
    other: str
    qualifiers: Qualifiers
    confidence: str
    note: str | None
    sources: list[Citation]
    reported: NotRequired[str]  # an undated relation: the date of its first dated source; it had begun by then


class NeighborRow(EntityRef):  # `neighbors`: an entity reached, its distance, and its links
    depth: int
    relations: list[NeighborLink]


class NeighborsPage(TypedDict):  # `neighbors --json`: the entity asked for (depth 0), then those reached, nearest first
    entities: list[NeighborRow]
    without_start_date: NotRequired[int]  # under --as-of only: how many more were reached, with no start date


DOCUMENTS: dict[str, Any] = {"neighbors": NeighborsPage}


def neighbors(store: "Store", entity: str, depth: int = 1, via: list[str] | None = None) -> NeighborsPage:
    """The entities within `depth` relations of `entity` (through relations of the `via` types only, if
    given), and under --as-of how many more were reached but have no known start date (not listed, as
    `list --as-of` leaves them out: lifespan.existing_on)."""
    from ipkb.read.resolve import check_relations, resolve
    from ipkb.read.traverse import neighborhood

    via = check_relations(store, via)
    distance, edges, unknown = neighborhood(store, resolve(store, entity), depth, via)
    rows = store.entities(distance)
    cites = store.citations("relation", [str(e.rowid) for e in edges])
    store.learn_reported(edges)  # what an undated link's first report was, said beside it as `show` says it
    reported = {e.rowid: day for e in edges if (day := store.reported(e))}
    page: NeighborsPage = {"entities": view(rows, cites, distance, edges, store.as_of, reported)}
    if store.as_of is not None:
        page["without_start_date"] = unknown
    return page


def view(
    rows: "Mapping[str, sqlite3.Row]",
    cites: "Mapping[str, list[Citation]]",
    distance: dict[str, int],
    edges: "list[Edge]",
    as_of: str | None = None,
    reported: "Mapping[int, str] | None" = None,
) -> list[NeighborRow]:
    """The entities reached, nearest first, each with the relations that join it to the others, with the
    qualifiers, confidence, note and citations a reader needs to weigh each link (and the day
    an undated one was first reported: `reported`, edge rowid -> day)."""
    ordered = sorted(distance, key=lambda i: (distance[i], rows[i]["type"], rows[i]["name"], i))
    out: list[NeighborRow] = []
    for entity_id in ordered:
        links = [_link(e, entity_id, cites, reported) for e in edges if entity_id in (e.source_id, e.target_id)]
        out.append({**entity_ref(rows[entity_id], as_of), "depth": distance[entity_id], "relations": links})
    return out


def _link(
    edge: "Edge", seen_from: str, cites: "Mapping[str, list[Citation]]", reported: "Mapping[int, str] | None"
) -> NeighborLink:
    link: NeighborLink = {
        "type": edge.type,
        "direction": "out" if edge.source_id == seen_from else "in",
        "other": edge.target_id if edge.source_id == seen_from else edge.source_id,
        "qualifiers": edge.qualifiers,
        "confidence": edge.confidence,
        "note": edge.note,
        "sources": cites[str(edge.rowid)],
    }
    if reported and edge.rowid in reported:
        link["reported"] = reported[edge.rowid]
    return link
