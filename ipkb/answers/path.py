"""`path`: the shortest chains of cited relations between two entities, each hop with the quote that names
its ends first, and the sources those quotes cite. No `from __future__ import annotations` (shapes.py says why)."""

import sqlite3
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from ipkb.read.lifespan import former_names
from ipkb.read.views import _cited_ids, entity_ref, named_then, source_list
from ipkb.shapes_base import Citation, Direction, Ends, EntityRef, Relation, Source
from ipkb.text import fold

if TYPE_CHECKING:
    from ipkb.read.query import Store
    from ipkb.read.traverse import Step


class Hop(Ends, Relation):  # a path's step (`out` along the relation, `in` against it), the quote naming its ends first
    direction: Direction
    planned: bool  # the schema's planned status: not yet in place
    announced: bool  # the schema's announced status: a public notice before the final decision, not yet confirmed


class OnePath(TypedDict):
    length: int
    hops: list[Hop]


PathView = TypedDict(
    "PathView",
    {
        "from": EntityRef,
        "to": EntityRef,
        "length": int,
        "hops": NotRequired[list[Hop]],  # one path
        "paths": NotRequired[list[OnePath]],  # --all: every shortest path
        "sources": list[Source],  # the hops' sources, those of the quotes printed first: what `[1]` stands for
        "as_of": NotRequired[str],  # under --as-of: the day; the path walks only through what existed then
        "not_placed": NotRequired[
            int
        ],  # under --as-of: entities reached that the KB cannot place on the day, not walked
    },
)

DOCUMENTS: dict[str, Any] = {"path": PathView}


def path(
    store: "Store",
    start: str,
    goal: str,
    all_paths: bool = False,
    via: list[str] | None = None,
    max_hops: int | None = None,
) -> PathView:
    """The shortest chains of cited relations from `start` to `goal` (all of them, up to 100, with
    `all_paths`), through relations of the `via` types only if given, of at most `max_hops`."""
    from ipkb.read.resolve import check_relations, resolve
    from ipkb.read.traverse import shortest_paths

    via = check_relations(store, via)
    a, b = resolve(store, start), resolve(store, goal)
    not_placed: set[str] = set()
    found = view(store, a, b, shortest_paths(store, a, b, via, max_hops, all_paths, not_placed), all_paths)
    if store.as_of is not None:
        found["as_of"], found["not_placed"] = store.as_of, len(not_placed)
    return found


AliasMap = Mapping[str, Sequence[str]]


def _names_in(quote: str | None, row: sqlite3.Row, aliases: Sequence[str]) -> bool:
    """Whether a quote names the entity: its name, Chinese name, an alias or a former name (English or Chinese:
    a 2016 article calls CNIPA the State Intellectual Property Office), folded, appears in it."""
    folded = fold(quote or "")
    formerly = [n for former in former_names(row) for n in (former["name"], former.get("zh"))]
    names = (row["name"], row["zh"], *aliases, *formerly)
    return any(len(f) > 1 and f in folded for f in (fold(n) for n in names if n))


def naming_first(sources: list[Citation], subject: sqlite3.Row, obj: sqlite3.Row, aliases: AliasMap) -> list[Citation]:
    """A relation's citations with the one `path` prints first: one naming both ends, else one naming its subject
    (the `from` of the record: the city that holds a designation many hold, the district a city contains), else
    one naming its object, else as written. The rest keep their order."""

    def rank(cite: Citation) -> tuple[bool, bool, bool]:
        of_subject = _names_in(cite.get("quote"), subject, aliases.get(subject["id"], ()))
        of_object = _names_in(cite.get("quote"), obj, aliases.get(obj["id"], ()))
        return of_subject and of_object, of_subject, of_object

    if not sources:
        return sources
    best = max(range(len(sources)), key=lambda i: rank(sources[i]))  # the first of the best
    return [sources[best], *sources[:best], *sources[best + 1 :]]


def hop(store: "Store", step: "Step", names: dict[str, sqlite3.Row], sources: list[Citation], aliases: AliasMap) -> Hop:
    rtype, roles = store.relation_types()[step.edge.type], store.roles()
    sources = naming_first(sources, names[step.edge.source_id], names[step.edge.target_id], aliases)
    shaped: Hop = {
        "from": entity_ref(names[step.start], named_then(store, step.edge.qualifiers)),
        "type": step.edge.type,
        "label": rtype["label"] if step.forward else rtype["inverse"],
        "direction": "out" if step.forward else "in",
        "to": entity_ref(names[step.end], named_then(store, step.edge.qualifiers)),
        "qualifiers": step.edge.qualifiers,
        "confidence": step.edge.confidence,
        "planned": roles.is_planned(step.edge.qualifiers),  # the schema's planned status: not yet in place
        "announced": roles.is_announced(step.edge.qualifiers),  # only announced: holds, pending the final decision
        "note": step.edge.note,
        "sources": sources,
    }
    if day := store.reported(step.edge):
        shaped["reported"] = day
    return shaped


def view(store: "Store", start: str, goal: str, paths: "list[list[Step]]", all_paths: bool) -> PathView:
    """The document of the paths found: the first alone, or all of them with `all_paths`."""
    paths = paths if all_paths else paths[:1]
    ids = {start, goal} | {s.start for p in paths for s in p} | {s.end for p in paths for s in p}
    names = store.entities(ids)
    cites = store.citations("relation", [str(s.edge.rowid) for p in paths for s in p])
    store.learn_reported(s.edge for p in paths for s in p)  # each hop's first report, read at once
    aliases = store.aliases_of(ids)
    shaped = [[hop(store, s, names, cites[str(s.edge.rowid)], aliases) for s in p] for p in paths]
    # the source each hop's first citation (the one `path` prints) cites comes first, so [1] to [n] are those
    cited = _cited_ids(
        [*(hop["sources"][:1] for p in shaped for hop in p), *(hop["sources"] for p in shaped for hop in p)]
    )
    view: PathView = {
        "from": entity_ref(names[start], store.as_of),
        "to": entity_ref(names[goal], store.as_of),
        "length": len(paths[0]),
        "sources": source_list(store, cited),
    }
    if all_paths:
        view["paths"] = [{"length": len(p), "hops": p} for p in shaped]
    else:
        view["hops"] = shaped[0]
    return view
