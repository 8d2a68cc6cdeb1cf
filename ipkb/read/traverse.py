"""Walks over the relations in the store: shortest paths, neighbourhoods, containment.

Searches run level by level with batched SQL, from both ends for paths, so a path query reads only the
part of the graph it needs instead of loading the whole graph into memory.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import NamedTuple

from ipkb.errors import NoPath
from ipkb.read.lifespan import existing_on
from ipkb.read.query import Edge, Store
from ipkb.roles import Roles
from ipkb.text import counted

MAX_PATHS = 100  # the most shortest paths weighed against each other (and --all lists): the first the search finds


class Step(NamedTuple):
    """One hop of a path: `edge` walked from `start` to `end` (forward when start is the edge's source)."""

    start: str
    edge: Edge
    end: str

    @property
    def forward(self) -> bool:
        return self.edge.source_id == self.start


def _expand(store: Store, frontier: list[str], via: list[str] | None) -> list[tuple[str, Edge, str]]:
    out = []
    frontier_set = set(frontier)
    for edge in store.edges_touching(frontier, via):
        if edge.source_id in frontier_set:
            out.append((edge.source_id, edge, edge.target_id))
        if edge.target_id in frontier_set and edge.target_id != edge.source_id:
            out.append((edge.target_id, edge, edge.source_id))
    return out


def shortest_paths(
    store: Store,
    start: str,
    goal: str,
    via: list[str] | None = None,
    max_hops: int | None = None,
    all_paths: bool = False,
    not_placed: set[str] | None = None,
) -> list[list[Step]]:
    """The shortest paths between two entities, relations walked in either direction: with `all_paths` every one
    (up to MAX_PATHS), else the one resting least on planned, announced and inferred hops (`caveats`). Under
    --as-of, only through entities that existed that day (lifespan.existing_on, the rule of `neighbors`); those
    reached that the KB cannot place on the day go into `not_placed`, so the answer can say it passed them."""
    if start == goal:
        return [[]]
    # parents[side][node] = [(previous node, edge)]; side 0 grows from start, side 1 from goal
    parents: list[dict[str, list[tuple[str, Edge]]]] = [{start: []}, {goal: []}]
    distance: list[dict[str, int]] = [{start: 0}, {goal: 0}]
    frontiers = [[start], [goal]]
    depth = [0, 0]
    while frontiers[0] and frontiers[1]:
        if max_hops is not None and depth[0] + depth[1] >= max_hops:
            break
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        seen = parents[side]
        layer: dict[str, list[tuple[str, Edge]]] = {}
        for node, edge, other in _expand(store, frontiers[side], via):
            if other not in seen:
                layer.setdefault(other, []).append((node, edge))
        if store.as_of and layer:  # walk only through what existed that day, as neighbors does
            existing = existing_on(store, store.entities(n for n in layer if n not in (start, goal)), store.as_of)
            if not_placed is not None:
                not_placed.update(n for n, known in existing.items() if known is None)
            layer = {n: links for n, links in layer.items() if n in (start, goal) or existing.get(n)}
        seen.update(layer)
        frontiers[side] = sorted(layer)
        depth[side] += 1
        distance[side].update((node, depth[side]) for node in layer)
        meeting = sorted(set(layer) & set(parents[1 - side]))
        if meeting:
            nearest = min(distance[1 - side][m] for m in meeting)
            middles = [m for m in meeting if distance[1 - side][m] == nearest]
            found = list(islice(_joined(parents, middles, start, goal), MAX_PATHS))
            roles = store.roles()
            found.sort(key=lambda p: caveats(roles, p))  # stable: equally sure paths keep the order found
            return found if all_paths else found[:1]
    limit = f" within {counted(max_hops, 'hop')}" if max_hops is not None else ""
    only = f" using only {', '.join(via)}" if via else ""
    day = f" as of {store.as_of}" if store.as_of else ""  # relations not begun then, entities not there, are hidden
    unplaced = f"; {counted(len(not_placed), 'entity')} reached have no date to place on that day" if not_placed else ""
    raise NoPath(
        f"no path between {start} and {goal}{limit}{only}{day}{unplaced}",
        hint=("try a later --as-of (or none), " if day else "try ")
        + "more --max-hops, fewer --via restrictions, or `ipkb neighbors` on each end",
    )


def caveats(roles: Roles, path: Sequence[Step]) -> tuple[int, int, int]:
    """How many hops of `path` are only planned, only announced, inferred: of equally short paths, `path`
    prefers the fewest planned, then announced, then inferred hops, so a chain rests on what holds."""
    planned = sum(roles.is_planned(s.edge.qualifiers) for s in path)
    announced = sum(roles.is_announced(s.edge.qualifiers) for s in path)
    inferred = sum(s.edge.confidence == "inferred" for s in path)
    return planned, announced, inferred


def _joined(
    parents: list[dict[str, list[tuple[str, Edge]]]], middles: list[str], start: str, goal: str
) -> Iterator[list[Step]]:
    """Every path start -> goal through one of `middles`, where the two searches met, in the order found."""
    for middle in middles:
        for head in _walk(parents[0], middle, start):
            for tail in _walk(parents[1], middle, goal):
                yield head + [Step(s.end, s.edge, s.start) for s in reversed(tail)]


def _walk(parents: dict[str, list[tuple[str, Edge]]], node: str, root: str) -> Iterator[list[Step]]:
    """Paths root -> node through the parent links, as steps in walking order."""
    if node == root:
        yield []
        return
    for previous, edge in parents[node]:
        for head in _walk(parents, previous, root):
            yield [*head, Step(previous, edge, node)]


def neighborhood(
    store: Store, center: str, depth: int, via: list[str] | None = None
) -> tuple[dict[str, int], list[Edge], int]:
    """Entities within `depth` hops (with their distance), the relations among them, and under `as_of` how
    many more were reached but cannot be placed on that day. Under `as_of` an entity not known to exist
    then (lifespan.existing_on, as `list --as-of` asks it) is left out, and not walked through; the centre
    is always kept."""
    distance = {center: 0}
    frontier = [center]
    passed: set[str] = set()  # reached, but not known to exist on as_of
    unknown = 0
    for level in range(1, depth + 1):
        found = []
        for _, _, other in _expand(store, frontier, via):
            if other not in distance and other not in passed:
                found.append(other)
        found = sorted(set(found))
        if store.as_of is not None:  # reached only by a link whose dates cannot place it then: counted, not walked
            links = store.edges_touching(frontier, via, date_unknown=True)
            beyond = {e.target_id if e.source_id in frontier else e.source_id for e in links}
            beyond -= {*distance, *passed, *found}
            passed.update(beyond)
            unknown += len(beyond)
        if store.as_of is not None and found:
            existing = existing_on(store, store.entities(found), store.as_of)
            passed.update(i for i in found if not existing.get(i))
            unknown += sum(1 for i in found if i in existing and existing[i] is None)
            found = [i for i in found if existing.get(i)]
        distance.update((other, level) for other in found)
        frontier = found
        if not frontier:
            break
    edges = [
        e for e in store.edges_touching(sorted(distance), via) if e.source_id in distance and e.target_id in distance
    ]
    return distance, edges, unknown


def contained_in(store: Store, place: str, relation_types: tuple[str, ...] | None = None) -> set[str]:
    """Everything located within `place`, transitively (along the schema's location relation by default, and
    its hosted_at relations from a place to what it hosts)."""
    return set(placed_within(store, place, relation_types))


def placed_within(store: Store, place: str, relation_types: tuple[str, ...] | None = None) -> dict[str, bool]:
    """contained_in, each with whether it lies there by stated relations (False: only by an inferred one)."""
    if relation_types is None:
        roles = store.roles()
        return store.located_within(place, (roles.location,) if roles.location else (), roles.hosted_at)
    return store.located_within(place, relation_types)


def entities_placed_within(store: Store, place: str) -> tuple[list[sqlite3.Row], dict[str, bool], dict[str, list[str]]]:
    """What lies within `place` along the location relation, or is hosted there (the schema's hosted_at), for
    `list --in`: the entities' rows (by type, then id); whether each lies there by stated relations (False:
    only by an inferred one or a hosted_at link); and the places each lies in directly on the way, `place` or
    within it (a county's city, a center's host)."""
    roles = store.roles()
    return store.entities_within(place, (roles.location,) if roles.location else (), roles.hosted_at)
