"""The store's reads of names, to resolve a user's words to an entity and to suggest one: part of `query.Store`,
as a mixin only to keep query.py to one screenful of concerns."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterable
from typing import Any

from ipkb.text import fold

# Names ipkb derives (pinyin; an alias in traditional characters, simplified): searched, never offered or preferred
DERIVED_NAMES = ("pinyin", "simplified")


class NameReads:
    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        raise NotImplementedError  # query.Store's

    def ids_by_folded_name(self, folded: str) -> list[tuple[str, str, str]]:
        """(entity id, kind, text as written) of every name that folds to `folded`."""
        return [
            (r["entity_id"], r["kind"], r["text"])
            for r in self.rows(
                "SELECT DISTINCT entity_id, kind, text FROM name WHERE folded = ? ORDER BY entity_id", (folded,)
            )
        ]

    def names_starting(self, typed: str, limit: int, stated: bool = False) -> list[tuple[str, str]]:
        """(id, name) of the entities with a name whose folded form starts with `typed`'s: any kind of name, by
        id (what completion offers); with `stated`, only the names the KB states (not a derived pinyin), the
        shortest first (what "did you mean" offers)."""
        folded = fold(unicodedata.normalize("NFKC", typed))
        derived = ", ".join(f"'{kind}'" for kind in DERIVED_NAMES)
        kinds, order = (f"AND n.kind NOT IN ({derived}) ", "MIN(length(n.text)), e.id") if stated else ("", "e.id")
        sql = (
            "SELECT e.id, e.name FROM name n JOIN entity e ON e.id = n.entity_id "
            f"WHERE n.folded >= ? AND n.folded < ? {kinds}GROUP BY e.id ORDER BY {order} LIMIT ?"
        )
        return [(r["id"], r["name"]) for r in self.rows(sql, (folded, folded + "\U0010ffff", limit))]

    def names_inside(self, folded: str) -> list[tuple[str, str]]:
        """(entity id, name folded) of the Chinese names and aliases (two characters or more) that `folded`, a
        folded text, holds: 国家海外知识产权纠纷应对指导中心北京分中心 holds the national center's and Beijing's.
        A scan of every name: asked only on the way to "did you mean"."""
        sql = (
            "SELECT DISTINCT entity_id, folded FROM name "
            "WHERE kind IN ('zh', 'alias') AND length(folded) > 1 AND instr(?, folded)"
        )
        return [(r[0], r[1]) for r in self.rows(sql, (folded,))]

    def zh_names_around(self, before: str, after: str, limit: int = 50) -> list[tuple[str, str]]:
        """(entity id, name folded) of the Chinese names and aliases that begin with `before` and end with `after`,
        with something between (all folded); at most `limit`."""
        sql = "SELECT DISTINCT entity_id, folded FROM name WHERE kind IN ('zh', 'alias') AND length(folded) > ?"
        params: list[object] = [len(before) + len(after)]
        if before:
            sql, params = sql + " AND substr(folded, 1, ?) = ?", [*params, len(before), before]
        if after:
            sql, params = sql + " AND substr(folded, -?) = ?", [*params, len(after), after]
        return [(r[0], r[1]) for r in self.rows(sql + " LIMIT ?", [*params, limit])]

    def all_names(self) -> list[tuple[str, str, str, str]]:
        """Every name: (entity id, name, name folded, entity type)."""
        sql = "SELECT n.entity_id, n.text, n.folded, e.type FROM name n JOIN entity e ON e.id = n.entity_id"
        return [(r[0], r[1], r[2], r[3]) for r in self.rows(sql)]
