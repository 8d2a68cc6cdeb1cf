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
from typing import TYPE_CHECKING

from ipkb.errors import UsageError

if TYPE_CHECKING:
    import sqlite3

    from ipkb.answers.neighbors import NeighborsPage
    from ipkb.answers.path import PathView
    from ipkb.read.query import Store
    from ipkb.shapes import (
        ClaimedTotal,
        Columns,
        ListPage,
        ListRow,
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
        """The entity id `name` names, which `option` needs to be of a role's types (read/resolve.resolve_as)."""
        from ipkb.read.resolve import resolve_as

        return resolve_as(self.store, name, option, role)

    def check_types(self, types: list[str] | None = None, relations: list[str] | None = None) -> list[str] | None:
        """`types` as the schema spells them (`centre`: center); raise UsageError for an entity or relation type
        that the schema does not declare."""
        from ipkb.read.resolve import check_types

        return check_types(self.store, types, relations)

    def check_relations(self, relations: list[str] | None, option: str = "--via") -> list[str] | None:
        """`relations` as the schema spells them (`subcentre_of`: subcenter_of); raise UsageError for a relation
        type that the schema does not declare (given as `option`)."""
        from ipkb.read.resolve import check_relations

        return check_relations(self.store, relations, option)

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
        if not any(character.isalnum() for character in text):  # `(` matched every name with a bracket in it
            raise UsageError(
                f"search needs a letter, a digit or a Chinese character: {text.strip()!r} has none",
                hint="e.g. ipkb search 柯桥",
            )
        types = self.check_types(types)
        rows = [row for row, _ in self.store.search(text.strip(), types, limit)]
        apart = None if rows else in_twos(text.strip())
        if apart is None:
            return rows, None
        found = [row for row, _ in self.store.search(apart, types, limit)]
        return found, apart if found else None

    def count_matches(self, text: str, types: list[str] | None = None, cap: int = SEARCH_COUNT_CAP) -> int:
        """How many entities `search` would find with no limit, counted up to `cap` (cap + 1: more)."""
        return self.store.count_matches(text.strip(), self.check_types(types), cap)

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
        from ipkb.text import has_han

        rows, read_as = self._search(text, types, limit + 1)  # one more tells whether the list is cut
        hits = views.entity_list(rows)
        total = self.count_matches(read_as or text, types) if len(hits) > limit else len(hits)
        listed = {hit["id"] for hit in hits[:limit]}
        weak = not hits or (read_as is not None and len(hits) <= FEW_TO_OFFER)
        offered = [s for s in self.suggested(text) if s["id"] not in listed] if weak else []
        page: SearchPage = {
            "total": total if total <= SEARCH_COUNT_CAP else None,
            "truncated": len(hits) > limit,
            "entities": hits[:limit],
            "read_as": read_as,
            "suggestions": offered,
        }
        if has_han(text):  # what no Chinese search can find: a reader must not take the list for all there is
            page["without_chinese_name"] = self.store.without_chinese_name(self.check_types(types))
        return page

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
        claim, each beside how many the KB lists (`claimed_totals`, as `show` gives them), and the designation
        itself (`designation`); under --as-of, how many more match but have no known start date
        (`without_start_date`) and how many more had not yet begun (`not_yet_begun`)."""
        from ipkb.answers.listing import designation_ref

        rows, without_start, later = self.list_entities_as_of(types, within, designation)
        page: ListPage = {"entities": rows, "claimed_totals": self.claimed_totals(designation) if designation else []}
        if designation is not None:
            page["designation"] = designation_ref(self.store, designation)
        if self.store.as_of is not None:
            page["without_start_date"], page["not_yet_begun"] = without_start, later
        return page

    def claimed_totals(self, entity: str) -> list[ClaimedTotal]:
        """The totals sources claim of an entity's members (a designation's holders, a network's centres),
        each beside how many of them the KB lists: `17 listed of 151 claimed`."""
        from ipkb.read import views

        return [views.claimed_total(c) for c in views.coverage_claims(self.store, self.resolve(entity)[0])]

    def list_entities_as_of(
        self, types: list[str] | None = None, within: str | None = None, designation: str | None = None
    ) -> tuple[list[ListRow], int, int]:
        """list_entities, and under --as-of how many more match but have no known start date, and how many
        more had not yet begun (neither listed): ipkb/answers/listing.py."""
        from ipkb.answers.listing import list_entities_as_of

        return list_entities_as_of(self.store, types, within, designation)

    def with_columns(
        self, rows: list[ListRow], columns: list[str], designation: str | None = None, within: str | None = None
    ) -> list[Columns]:
        """`rows` (from list_entities) with more columns (ipkb/answers/listing.py `with_columns`)."""
        from ipkb.answers.listing import with_columns

        return with_columns(self.store, rows, columns, designation, within)

    def neighbors(self, entity: str, depth: int = 1, via: list[str] | None = None) -> NeighborsPage:
        """Entities within `depth` relations of `entity`, with the relations that reached each; under --as-of
        also how many more were reached but have no known start date (`without_start_date`)."""
        from ipkb.answers.neighbors import neighbors

        return neighbors(self.store, entity, depth, via)
