"""The library face: `ipkb.open_kb()` gives a notebook or a script the answers the CLI gives.

Each method returns the document that the matching command prints with `--json` (the contract in
docs/cli.md), built by the same code: the CLI's query commands are these methods plus rendering. Heavy
modules load inside the methods, so importing ipkb costs a query nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipkb.errors import UsageError

if TYPE_CHECKING:
    from ipkb.query import Store


def open_kb(kb: str | Path | None = None, db: str | Path | None = None, as_of: str | None = None) -> KB:
    """The knowledge base in folder `kb` (default: `$IPKB_KB`, else the bundled one), compiled into `db`
    (default: `$IPKB_DB`, else the user's cache folder) and rebuilt first if any YAML file changed.
    `as_of` (YYYY, YYYY-MM or YYYY-MM-DD) hides what had not begun or had ended by then."""
    from ipkb.paths import resolve_db, resolve_kb
    from ipkb.query import Store
    from ipkb.store import ensure_built

    day = None
    if as_of is not None:
        from ipkb.timeframe import parse_day

        day = parse_day(as_of)
    folder = resolve_kb(kb)
    return KB(Store(ensure_built(folder, resolve_db(db, folder)), as_of=day))


class KB:
    """A built knowledge base. `store` is the read-only SQLite connection underneath."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def resolve(self, *names: str) -> list[str]:
        """Each name (id, English or Chinese name, alias, pinyin) as an entity id; raises EntityNotFound
        with "did you mean" suggestions, or AmbiguousEntity with the candidates."""
        from ipkb.resolve import resolve

        return [resolve(self.store, name) for name in names]

    def check_types(self, types: list[str] | None = None, relations: list[str] | None = None) -> None:
        """Raise UsageError for an entity or relation type that the schema does not declare."""
        known = self.store.entity_type_names()
        for name in types or []:
            if name not in known:
                raise UsageError(f"unknown entity type {name!r}", hint="types: " + ", ".join(known))
        relation_types = self.store.relation_types()
        for name in relations or []:
            if name not in relation_types:
                raise UsageError(f"unknown relation type {name!r}", hint="types: " + ", ".join(sorted(relation_types)))

    def show(self, entity: str) -> dict[str, Any]:
        """Everything about one entity: names, facts, relations both ways, numbered sources."""
        from ipkb import views

        (entity_id,) = self.resolve(entity)
        return views.show(self.store, entity_id)

    def path(
        self,
        start: str,
        goal: str,
        all_paths: bool = False,
        via: list[str] | None = None,
        max_hops: int | None = None,
    ) -> dict[str, Any]:
        """The shortest chains of cited relations from `start` to `goal` (all of them with `all_paths`)."""
        from ipkb import views
        from ipkb.traverse import shortest_paths

        self.check_types(None, via)
        a, b = self.resolve(start, goal)
        return views.path(self.store, a, b, shortest_paths(self.store, a, b, via, max_hops, all_paths), all_paths)

    def search(self, text: str, types: list[str] | None = None, limit: int = 20) -> list[dict[str, Any]]:
        """Entities whose names, aliases or descriptions match `text`, best first."""
        from ipkb import views

        if not text.strip():
            raise UsageError("search needs some text", hint="e.g. ipkb search 柯桥")
        self.check_types(types)
        return views.entity_list([row for row, _ in self.store.search(text.strip(), types, limit)])

    def list_entities(
        self, types: list[str] | None = None, within: str | None = None, designation: str | None = None
    ) -> list[dict[str, Any]]:
        """Entities of some types, within a place (transitively), holding a designation."""
        from ipkb import views
        from ipkb.traverse import contained_in

        self.check_types(types)
        inside = contained_in(self.store, self.resolve(within)[0]) if within else None
        holders = None
        if designation:
            (designation_id,) = self.resolve(designation)
            holders = {
                e.source_id
                for e in self.store.edges_touching([designation_id], ["holds_designation"])
                if e.target_id == designation_id
            }
        return views.entity_list(self.store.list_entities(types, inside, holders))

    def neighbors(self, entity: str, depth: int = 1, via: list[str] | None = None) -> list[dict[str, Any]]:
        """Entities within `depth` relations of `entity`, with the relation that reached each."""
        from ipkb import views
        from ipkb.traverse import neighborhood

        self.check_types(None, via)
        (entity_id,) = self.resolve(entity)
        distance, edges = neighborhood(self.store, entity_id, depth, via)
        return views.neighbors(self.store, distance, edges)
