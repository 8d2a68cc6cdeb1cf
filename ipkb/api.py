"""The library face: `ipkb.open_kb()` gives a notebook or a script the answers the CLI gives.

`show`, `path`, `search_page`, `list_page` and `neighbors` return the document that the matching command
prints with `--json` (its shape, the contract, is in ipkb/shapes.py or its ipkb/answers/ module), built by
the same code: the CLI's query commands are these methods plus rendering. `search` and `list_entities`
return only the entities of that page, a list; `ipkb search --json` prints `search_page`'s {total,
truncated, entities, suggestions}, `ipkb list --json` `list_page`'s {entities, claimed_totals}, `ipkb
neighbors --json` `neighbors`' {entities}. A name no entity has raises
`ipkb.errors.EntityNotFound`: its `suggestions` are for people (`suzhou-jiangsu (Suzhou)`, as the CLI's
hint shows them), its `suggested_ids` the same entities' ids, for a program.
Heavy modules load inside the methods, so importing ipkb costs a query nothing.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, cast

from ipkb.errors import EntityNotFound, UsageError

if TYPE_CHECKING:
    import sqlite3

    from ipkb.answers.neighbors import NeighborsPage
    from ipkb.answers.path import PathView
    from ipkb.read.query import Edge, Store
    from ipkb.shapes import (
        ClaimedTotal,
        Columns,
        ListPage,
        ListRow,
        PlaceRef,
        SearchPage,
        ShowView,
        Suggestion,
    )


def open_kb(
    kb: str | os.PathLike[str] | None = None, db: str | os.PathLike[str] | None = None, as_of: str | None = None
) -> KB:
    """The knowledge base in folder `kb` (default: `$IPKB_KB`, else the bundled one), compiled into `db`
    (default: `$IPKB_DB`, else the user's cache folder) and rebuilt first if any YAML file changed.
    `as_of` (YYYY, YYYY-MM or YYYY-MM-DD) hides what had not begun or had ended by then."""
    from ipkb.build.store import open_built
    from ipkb.paths import resolve_db, resolve_kb

    day = None
    if as_of is not None:
        from ipkb.timeframe import parse_day

        day = parse_day(as_of)
    folder = resolve_kb(kb)
    return KB(open_built(folder, resolve_db(db, folder), as_of=day))


# search counts its matches up to this many: counting 10,000 made `search an` at 1M take 0.49 s, not 0.24
SEARCH_COUNT_CAP = 1_000
# A search found only with its words read apart offers "did you mean" too when it finds this many or fewer.
FEW_TO_OFFER = 5


class KB:
    """A built knowledge base. `store` is the read-only SQLite connection underneath."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def resolve(self, *names: str) -> list[str]:
        """Each name (id, English or Chinese name, alias, pinyin) as an entity id; raises EntityNotFound
        with "did you mean" suggestions, or AmbiguousEntity with the candidates."""
        from ipkb.read.resolve import resolve

        return [resolve(self.store, name) for name in names]

    def resolve_as(self, name: str, option: str, role: str) -> str:
        """The entity id `name` names, which `option` needs to be of a role's types: `a place` (the schema's
        place types) or `a designation` (the range of its designation relation); else a UsageError that says
        what it is and what is expected (`huzhou` is a city, not a designation), with how to list those."""
        from json import loads

        from ipkb.read.resolve import resolve
        from ipkb.text import a_or_an

        roles = self.store.roles()
        if role == "a place":
            wanted: list[str] | None = sorted(roles.places) or None  # a schema without places: any
        else:
            confers = self.store.relation_types().get(roles.designation or "")
            wanted = sorted(loads(confers["range"])) if confers is not None and confers["range"] else None
        try:
            entity_id = resolve(self.store, name, wanted)  # "did you mean" offers only entities of those types
        except EntityNotFound as missing:
            if not missing.suggestions and wanted:
                missing.hint = f"{option} takes {role}; list them: ipkb list " + " ".join(f"--type {t}" for t in wanted)
            raise
        row = self.store.entity(entity_id)
        if wanted is None or row is None or row["type"] in wanted:
            return entity_id
        kinds = f" ({', '.join(wanted[:-1])} or {wanted[-1]})" if len(wanted) > 1 else ""
        listing = " ".join(f"--type {t}" for t in wanted)
        raise UsageError(
            f"{option} {name}: {entity_id} ({row['name']}) is {a_or_an(row['type'])}, not {role}",
            hint=f"{option} takes {role}{kinds}; list them: ipkb list {listing}",
        )

    def check_types(self, types: list[str] | None = None, relations: list[str] | None = None) -> None:
        """Raise UsageError for an entity or relation type that the schema does not declare."""
        from ipkb.read.resolve import check_types

        check_types(self.store, types, relations)

    def show(self, entity: str) -> ShowView:
        """Everything about one entity: names, facts, relations both ways, numbered sources."""
        from ipkb.read import views

        (entity_id,) = self.resolve(entity)
        return views.show(self.store, entity_id)

    def path(
        self,
        start: str,
        goal: str,
        all_paths: bool = False,
        via: list[str] | None = None,
        max_hops: int | None = None,
    ) -> PathView:
        """The shortest chains of cited relations from `start` to `goal` (all of them with `all_paths`)."""
        from ipkb.answers.path import path

        return path(self.store, start, goal, all_paths, via, max_hops)

    def search(self, text: str, types: list[str] | None = None, limit: int = 20) -> list[ListRow]:
        """Entities whose names, aliases or descriptions match `text`, best first: a list, the `entities` of
        `search_page` (which is what `ipkb search --json` prints)."""
        from ipkb.read import views

        return views.entity_list(self._search(text, types, limit)[0])

    def _search(self, text: str, types: list[str] | None, limit: int) -> tuple[list[sqlite3.Row], str | None]:
        """The rows `search` finds, and the text it read instead when nothing matched as written: Chinese
        or pinyin cut into words of two characters or syllables (`text.in_twos`: 海外纠纷 and haiwaijiufen find
        海外知识产权纠纷), else None."""
        from ipkb.text import in_twos

        if not text.strip():
            raise UsageError("search needs some text", hint="e.g. ipkb search 柯桥")
        self.check_types(types)
        rows = [row for row, _ in self.store.search(text.strip(), types, limit)]
        apart = None if rows else in_twos(text.strip())
        if apart is None:
            return rows, None
        found = [row for row, _ in self.store.search(apart, types, limit)]
        return found, apart if found else None

    def count_matches(self, text: str, types: list[str] | None = None, cap: int = SEARCH_COUNT_CAP) -> int:
        """How many entities `search` would find with no limit, counted up to `cap` (cap + 1: more)."""
        return self.store.count_matches(text.strip(), types, cap)

    def suggest(self, text: str) -> list[str]:
        """What `show` offers for a name it cannot find (`did you mean`): `id (name)`, closest first."""
        from ipkb.read.resolve import suggestions

        return suggestions(self.store, text.strip())

    def search_page(self, text: str, types: list[str] | None = None, limit: int = 20) -> SearchPage:
        """`search --json`: the best `limit` matches, with how many match in all (None: more than SEARCH_COUNT_CAP)
        and whether the limit cut the list; when nothing matches as written (none at all, or FEW_TO_OFFER or
        fewer with the words read apart: `read_as`), the names `show` would offer (`suggested`) that the list
        does not hold: 国知局 read as 国知 局 finds one notice, and `show 国知局` offers cnipa (国家知识产权局).
        Not for more: "did you mean" loads pypinyin for Chinese (0.25 s), and 海外纠纷 read apart finds 12."""
        from ipkb.read import views

        rows, read_as = self._search(text, types, limit + 1)  # one more tells whether the list is cut
        hits = views.entity_list(rows)
        total = self.count_matches(read_as or text, types) if len(hits) > limit else len(hits)
        listed = {hit["id"] for hit in hits[:limit]}
        weak = not hits or (read_as is not None and len(hits) <= FEW_TO_OFFER)
        offered = [s for s in self.suggested(text) if s["id"] not in listed] if weak else []
        return {
            "total": total if total <= SEARCH_COUNT_CAP else None,
            "truncated": len(hits) > limit,
            "entities": hits[:limit],
            "read_as": read_as,
            "suggestions": offered,
        }

    def suggested(self, text: str) -> list[Suggestion]:
        """`suggest`'s names for a program: {id, name}, the name that came close (an alias, a Chinese name)."""
        from ipkb.read.resolve import suggested

        return [{"id": entity_id, "name": name} for entity_id, name in suggested(self.store, text.strip())]

    def list_entities(
        self, types: list[str] | None = None, within: str | None = None, designation: str | None = None
    ) -> list[ListRow]:
        """Entities of some types, within a place (transitively), holding a designation."""
        return self.list_entities_as_of(types, within, designation)[0]

    def list_page(
        self, types: list[str] | None = None, within: str | None = None, designation: str | None = None
    ) -> ListPage:
        """`list --json`: list_entities's rows, and with a designation the totals of its holders that sources
        claim, each beside how many the KB lists (`claimed_totals`, as `show` gives them); under --as-of, how
        many more match but have no known start date (`without_start_date`)."""
        rows, without_start = self.list_entities_as_of(types, within, designation)
        page: ListPage = {"entities": rows, "claimed_totals": self.claimed_totals(designation) if designation else []}
        if self.store.as_of is not None:
            page["without_start_date"] = without_start
        return page

    def claimed_totals(self, entity: str) -> list[ClaimedTotal]:
        """The totals sources claim of an entity's members (a designation's holders, a network's centres),
        each beside how many of them the KB lists: `17 listed of 151 claimed`."""
        from ipkb.read import views

        return [views.claimed_total(c) for c in views.coverage_claims(self.store, self.resolve(entity)[0])]

    def list_entities_as_of(
        self, types: list[str] | None = None, within: str | None = None, designation: str | None = None
    ) -> tuple[list[ListRow], int]:
        """list_entities, and under --as-of how many more match but have no known start date (not listed).

        Under --as-of an entity is listed when it is known to exist that day (lifespan.existing_on: its since
        and until, else being a place or an end of a relation dated to hold then); one the KB cannot place on
        that day is not listed but counted."""
        from ipkb.read import views
        from ipkb.read.lifespan import existing_on
        from ipkb.read.traverse import entities_placed_within

        self.check_types(types)
        conferring = self._conferring(designation) if designation else None
        conferred = None if conferring is None else _earliest(conferring)
        placed: dict[str, bool] | None = None
        parents: dict[str, list[str]] = {}
        found: list[sqlite3.Row] = []
        if within:  # the entities' rows come with the walk down from the place
            found, placed, parents = entities_placed_within(self.store, self.resolve_as(within, "--in", "a place"))
            wanted = [r for r in found if not types or r["type"] in types]
            rows = wanted if conferred is None else [r for r in wanted if r["id"] in conferred]
        else:
            rows = self.store.list_entities(types, set(conferred) if conferred is not None else None)
        day, unknown = self.store.as_of, 0
        if day is not None:  # the one rule of existence on a day (lifespan.existing_on), as neighbors and show
            existing = existing_on(self.store, {row["id"]: row for row in rows}, day)
            unknown = sum(1 for row in rows if existing[row["id"]] is None)
            rows = [row for row in rows if existing[row["id"]]]
        # what is listed only by inference, by plan or by an announcement is marked, not listed as plain fact
        marks = {entity_id: ["inferred location"] for entity_id, stated in (placed or {}).items() if not stated}
        for holder, edges in (conferring or {}).items():
            marks.setdefault(holder, []).extend(self._conferring_caveats(edges))
        caveats = {i: " · ".join(m) or None for i, m in marks.items()}
        lies_in = self._places(rows, parents, found) if within else None
        return views.entity_list(rows, caveats, lies_in), unknown

    def _conferring_caveats(self, edges: list[Edge]) -> list[str]:
        """What qualifies a holder's title (`edges`, the earliest first, whose qualifiers fill the row's batch and
        year columns): `announced` if every claim of it is an announcement (inferred, planned alike); if only
        the earliest is, that with its date and when a plain claim has it held (`announced 2013 · held in 2014`),
        so a row's batch and year are never read as confirmed when they come from the announcement."""
        from ipkb.timeframe import relation_start_as_stated

        roles = self.store.roles()
        checks = (
            ("inferred", lambda e: e.confidence == "inferred"),
            ("planned", lambda e: roles.is_planned(e.qualifiers)),
            ("announced", lambda e: roles.is_announced(e.qualifiers)),
        )
        out: list[str] = []
        for word, flagged in checks:
            if all(flagged(e) for e in edges):
                out.append(word)
            elif flagged(edges[0]):
                held = next(e for e in edges if not flagged(e))
                first, then = (relation_start_as_stated(e.qualifiers, roles.start) for e in (edges[0], held))
                out.append(f"{word} {first or 'undated'} · held {f'in {then}' if then else 'later, undated'}")
        return out

    def _places(
        self, rows: list[sqlite3.Row], parents: dict[str, list[str]], inside: list[sqlite3.Row]
    ) -> dict[str, list[PlaceRef]]:
        """Entity id -> the places it lies in directly (`parents`: ids), as entity refs; most are among the rows
        of what lies `inside` the place (a county's city is in the province too), so only the others are read.
        A host that only an inferred relation names is marked `inferred`: a reader sees it beside the places."""
        from ipkb.read import views

        known = {row["id"]: row for row in inside}
        wanted = {p for row in rows for p in parents.get(row["id"], [])}
        known.update(self.store.entities(wanted - known.keys()))
        refs = {p: views.entity_ref(known[p]) for p in wanted if p in known}  # a county's ref serves all in it
        hosted_at = list(self.store.roles().hosted_at)
        hostings = self.store.edges_touching([row["id"] for row in rows], hosted_at) if hosted_at and rows else []
        stated = {(e.target_id, e.source_id) for e in hostings if e.confidence != "inferred"}
        inferred = {(e.target_id, e.source_id) for e in hostings if e.confidence == "inferred"} - stated

        def placed(entity_id: str, place: str) -> PlaceRef:
            ref = cast("PlaceRef", dict(refs[place]))  # an EntityRef, maybe marked below
            if (entity_id, place) in inferred:
                ref["inferred"] = True
            return ref

        return {row["id"]: [placed(row["id"], p) for p in parents.get(row["id"], []) if p in refs] for row in rows}

    def _conferred(self, designation: str) -> dict[str, Edge]:
        """Holder id -> the earliest relation that confers `designation` on it (its qualifiers: batch, year, ...)."""
        return _earliest(self._conferring(designation))

    def _conferring(self, designation: str) -> dict[str, list[Edge]]:
        """Holder id -> every relation that confers `designation` on it, the earliest first."""
        from ipkb.timeframe import relation_since

        designation_id = self.resolve_as(designation, "--designation", "a designation")
        holds = self.store.roles().designation
        if holds is None:  # a schema without a designation role: nothing is conferred
            return {}
        edges = [e for e in self.store.edges_touching([designation_id], [holds]) if e.target_id == designation_id]
        start = self.store.roles().start
        edges.sort(key=lambda e: relation_since(e.qualifiers, start) or "9999")
        out: dict[str, list[Edge]] = {}
        for edge in edges:
            out.setdefault(edge.source_id, []).append(edge)
        return out

    def with_columns(
        self, rows: list[ListRow], columns: list[str], designation: str | None = None, within: str | None = None
    ) -> list[Columns]:
        """`rows` (from list_entities) with more columns: an entity field (`pinyin`, `description`), with
        `within` or `designation` `caveat` (listed only by inference, plan or announcement), with `within`
        (list --in) `in`, where each lies directly, a relation type (`located_in`: the ids it leads to, each once,
        `; `-joined), or, with `designation`, a qualifier of the relation that confers it (`batch`, `year`,
        `since`). A column it cannot show is a usage error that lists the ones it can."""
        from json import loads

        relation_types = self.store.relation_types()
        qualifiers = {q for r in relation_types.values() for q in loads(r["qualifiers"])}
        fields = ("id", "type", "name", "zh", "pinyin", "description")
        own = [*fields, *(["caveat"] if within or designation else []), *(["in"] if within else [])]
        for column in columns:
            if column in own or column in relation_types or (designation and column in qualifiers):
                continue
            if column == "in":
                raise UsageError("column 'in' is where each entity lies within PLACE: it needs --in PLACE")
            if column == "caveat":
                raise UsageError(
                    "column 'caveat' marks entities that --in or --designation lists only by inference, plan or "
                    "announcement: it needs one of them"
                )
            if column in qualifiers:
                raise UsageError(
                    f"column {column!r} comes from the relation that confers a designation: it needs --designation",
                    hint="e.g. --designation X --columns batch",
                )
            from ipkb.suggest import did_you_mean

            close = did_you_mean(column, [*own, *relation_types, *(sorted(qualifiers) if designation else [])])
            listing = f"columns: {', '.join(own)}; a relation type: {', '.join(sorted(relation_types))}" + (
                f"; of the designation: {', '.join(sorted(qualifiers))}" if designation else ""
            )
            raise UsageError(f"unknown column {column!r}", hint=f"{close} {listing}" if close else listing)
        ids = [row["id"] for row in rows]
        entities = self.store.entities(ids)
        edges = self.store.edges_touching(ids, [c for c in columns if c in relation_types] or None) if ids else []
        conferred = self._conferred(designation) if designation else {}
        from ipkb.timeframe import relation_since

        out: list[Columns] = []
        for row in rows:
            extended: Columns = dict(row)
            for column in columns:
                if column in ("caveat", "in"):
                    extended[column] = row.get(column)  # list_entities_as_of set them (a caveat only if any)
                elif column in fields:
                    extended[column] = entities[row["id"]][column]
                elif column in relation_types:
                    extended[column] = "; ".join(  # each once: a city may hold a designation in two years
                        dict.fromkeys(e.target_id for e in edges if e.source_id == row["id"] and e.type == column)
                    )
                else:
                    edge = conferred.get(row["id"])
                    conferring = edge.qualifiers if edge else {}
                    extended[column] = conferring.get(column)
                    since = relation_since(conferring, self.store.roles().start)
                    if column == "year" and extended[column] is None and since:
                        extended[column] = int(since[:4])  # the year of the relation's date
            out.append(extended)
        return out

    def neighbors(self, entity: str, depth: int = 1, via: list[str] | None = None) -> NeighborsPage:
        """Entities within `depth` relations of `entity`, with the relations that reached each; under --as-of
        also how many more were reached but have no known start date (`without_start_date`)."""
        from ipkb.answers.neighbors import neighbors

        return neighbors(self.store, entity, depth, via)


def _earliest(conferring: dict[str, list[Edge]]) -> dict[str, Edge]:
    """Holder id -> the earliest of the relations conferring a designation on it (`KB._conferring`)."""
    return {holder: edges[0] for holder, edges in conferring.items()}
