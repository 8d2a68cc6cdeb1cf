"""Read-only questions to the compiled store, with the standard sqlite3 module only."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from ipkb.errors import DamagedStore, IpkbError
from ipkb.read.query_analysis import AnalystReads, Which
from ipkb.read.query_names import NameReads
from ipkb.read.query_search import SearchReads
from ipkb.read.query_time import TimeReads
from ipkb.roles import Roles
from ipkb.timeframe import period_order

if TYPE_CHECKING:
    from ipkb.shapes import Citation, Qualifiers


class Edge(NamedTuple):  # not a dataclass: importing dataclasses costs every query about 10 ms
    rowid: int
    source_id: str
    type: str
    target_id: str
    qualifiers: Qualifiers
    confidence: str
    note: str | None
    file: str
    line: int

    @property
    def order(self) -> tuple[str, int, int]:
        """Where the relation is written: the order answers list relations in, whatever the build history.
        Rowids are not that order: a rebuild that re-reads one changed file gives its rows new rowids."""
        return (self.file, self.line, self.rowid)


class Store(NameReads, SearchReads, AnalystReads, TimeReads):
    """A read-only connection to a built database."""

    def __init__(self, db: str | os.PathLike[str], as_of: str | None = None) -> None:
        """`as_of` (an ISO day) hides relations not yet begun or already ended then, and later figures."""
        self.as_of = as_of
        self.facts_undated: set[int] = set()  # under as_of: the facts `known` left out as nothing dates them
        self.db = os.fspath(db)
        try:
            # A rebuild in place waits up to 20 s for readers (ipkb.build.inplace); meanwhile new ones wait.
            self.con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
        except sqlite3.Error as exc:
            raise IpkbError(f"cannot open the database {db}: {exc}") from exc
        self.con.row_factory = sqlite3.Row
        self._relation_types: dict[str, sqlite3.Row] | None = None
        self._roles: Roles | None = None
        self._reported: dict[int, str | None] = {}

    def close(self) -> None:
        self.con.close()

    def snapshot(self) -> str | None:
        """Read from now on one state of the store: a rebuild in place that commits meanwhile is not seen
        halfway through an answer. Returns the content hash of that state."""
        try:
            self.con.execute("BEGIN")
            found = self.con.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from exc
        return found[0] if found else None

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        try:
            return self.con.execute(sql, tuple(params)).fetchall()
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from exc

    def _damaged(self, exc: sqlite3.DatabaseError) -> Exception:
        """A damaged page met on use becomes DamagedStore (the CLI rebuilds and retries); else `exc` itself."""
        return DamagedStore(self.db, str(exc)) if DamagedStore.means(exc) else exc

    # -- vocabulary -----------------------------------------------------------------------------------
    def relation_types(self) -> dict[str, sqlite3.Row]:
        if self._relation_types is None:
            self._relation_types = {r["name"]: r for r in self.rows("SELECT * FROM relation_type")}
        return self._relation_types

    def entity_type_names(self) -> list[str]:
        return [r["name"] for r in self.rows("SELECT name FROM entity_type ORDER BY name")]

    def roles(self) -> Roles:
        """The schema's roles (ipkb.roles), as the build stored them."""
        if self._roles is None:
            found = self.rows("SELECT value FROM meta WHERE key = 'roles'")
            self._roles = Roles.from_json(found[0]["value"] if found else None)
        return self._roles

    def place_types(self) -> set[str]:
        """The entity types that are places (the schema's roles): taken to exist at any date (see lifespan.py)."""
        return set(self.roles().places)

    def metrics(self) -> dict[str, sqlite3.Row]:
        return {r["name"]: r for r in self.rows("SELECT * FROM metric ORDER BY name")}

    # -- entities --------------------------------------------------------------------------------------
    def entity(self, entity_id: str) -> sqlite3.Row | None:
        found = self.rows("SELECT * FROM entity WHERE id = ?", (entity_id,))
        return found[0] if found else None

    def entities(self, ids: Iterable[str]) -> dict[str, sqlite3.Row]:
        wanted = sorted(set(ids))
        out: dict[str, sqlite3.Row] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            out.update((r["id"], r) for r in self.rows(f"SELECT * FROM entity WHERE id IN ({marks})", chunk))
        return out

    # -- relations, facts, citations ---------------------------------------------------------------------
    @staticmethod
    def edge_of(row: sqlite3.Row) -> Edge:
        return Edge(
            row["rowid"],
            row["source_id"],
            row["type"],
            row["target_id"],
            json.loads(row["qualifiers"]),
            row["confidence"],
            row["note"],
            row["file"],
            row["line"],
        )

    def edges_of(self, entity_id: str, date_unknown: bool = False) -> list[Edge]:
        """An entity's relations both ways that hold on `as_of`; with `date_unknown`, those whose dates
        cannot tell."""
        return (self.date_unknown if date_unknown else self.in_time)(
            [
                self.edge_of(r)
                for r in self.rows(
                    "SELECT * FROM relation WHERE source_id = ? UNION SELECT * FROM relation WHERE target_id = ? "
                    "ORDER BY file, line, rowid",
                    (entity_id, entity_id),
                )
            ]
        )

    def edges_touching(
        self,
        ids: list[str],
        types: list[str] | None = None,
        ends: tuple[str, ...] = ("source_id", "target_id"),
        date_unknown: bool = False,
        any_time: bool = False,
    ) -> list[Edge]:
        """Relations with either end in `ids` (or only the `ends` named), optionally of the given types, that
        hold on `as_of`; with `date_unknown`, those whose dates cannot tell (TimeReads.date_unknown); with
        `any_time`, all of them, held then or not."""
        out: dict[int, Edge] = {}
        type_clause = f" AND type IN ({','.join('?' * len(types))})" if types else ""
        for chunk, marks in _chunked(ids):
            params = [*chunk, *(types or [])]
            for column in ends:
                for row in self.rows(f"SELECT * FROM relation WHERE {column} IN ({marks}){type_clause}", params):
                    out[row["rowid"]] = self.edge_of(row)
        found = sorted(out.values(), key=lambda e: e.order)
        return found if any_time else (self.date_unknown if date_unknown else self.in_time)(found)

    def inferred_hostings(self, ids: list[str], types: list[str]) -> set[tuple[str, str]]:
        """(hosted, host) for each relation of `types` (the schema's hosted_at) to an entity of `ids` that holds
        on `as_of` and that only inferred claims make: its three columns alone, for a list of 27,000."""
        if self.as_of is not None:
            found = [(e.target_id, e.source_id, e.confidence) for e in self.edges_touching(ids, types, ("target_id",))]
        else:
            found = []
            kinds = ",".join("?" * len(types))
            for chunk, marks in _chunked(ids):
                sql = f"SELECT target_id, source_id, confidence FROM relation WHERE target_id IN ({marks})"
                found += [(r[0], r[1], r[2]) for r in self.rows(f"{sql} AND type IN ({kinds})", [*chunk, *types])]
        stated = {(hosted, host) for hosted, host, confidence in found if confidence != "inferred"}
        return {(hosted, host) for hosted, host, confidence in found if confidence == "inferred"} - stated

    def located_within(
        self, place: str, relation_types: tuple[str, ...], hosted: tuple[str, ...] = ()
    ) -> dict[str, bool]:
        """Everything that lies within `place` along `relation_types`, transitively (not `place` itself), each
        with whether a chain of relations none of which is inferred places it there (False: only by inference).
        `hosted`: relations read the other way, from `place` or what lies within it to a thing hosted there
        (the schema's `hosted_at`): that thing lies there too, but only by inference, as does what lies in it.
        One recursive query over the covering index, so a province of 20,000 places costs one statement
        rather than a round trip per level with every relation of each level decoded. Under `as_of` a
        relation counts only on the days it holds, which SQL cannot judge, so the walk goes level by level."""
        return self.located_within_by(place, relation_types, parents=False, hosted=hosted)[0]

    def located_within_by(
        self, place: str, relation_types: tuple[str, ...], parents: bool = True, hosted: tuple[str, ...] = ()
    ) -> tuple[dict[str, bool], dict[str, list[str]]]:
        """located_within, and (with `parents`) the places each lies in directly on the way: the targets of its
        relations that are `place` or within it (a county's city; a center's host), read in the same walk."""
        if not relation_types:
            return {}, {}
        if self.as_of is None:
            sql = self.located_within_sql(len(relation_types), parents, len(hosted))
            rows = self.rows(sql, self._walk_params(place, relation_types, hosted))
            found = {row[0]: bool(row[1]) for row in rows}
            found.pop(place, None)
            return found, {row[0]: sorted(row[2].split(",")) for row in rows if row[0] != place} if parents else {}
        edges: list[Edge] = []
        hosts: list[Edge] = []
        reached, frontier = {place}, [place]
        while frontier:
            level = self.edges_touching(frontier, list(relation_types), ends=("target_id",))
            hosting = self.edges_touching(frontier, list(hosted), ends=("source_id",)) if hosted else []
            edges += level
            hosts += hosting
            stepped = [e.source_id for e in level] + [e.target_id for e in hosting]
            frontier = [i for i in dict.fromkeys(stepped) if i not in reached]
            reached.update(frontier)
        stated, frontier = {place}, [place]
        while frontier:  # again, along the location relations that are not inferred only
            ends = set(frontier)
            frontier = [e.source_id for e in edges if e.target_id in ends and e.confidence != "inferred"]
            frontier = [i for i in dict.fromkeys(frontier) if i not in stated]
            stated.update(frontier)
        direct: dict[str, set[str]] = {}
        for e in edges if parents else ():
            direct.setdefault(e.source_id, set()).add(e.target_id)
        for e in hosts if parents else ():  # a hosted thing lies directly where its host is
            direct.setdefault(e.target_id, set()).add(e.source_id)
        direct.pop(place, None)
        return {i: i in stated for i in reached if i != place}, {i: sorted(p) for i, p in direct.items()}

    def entities_within(
        self, place: str, relation_types: tuple[str, ...], hosted: tuple[str, ...] = ()
    ) -> tuple[list[sqlite3.Row], dict[str, bool], dict[str, list[str]]]:
        """located_within_by, with the entity rows (id, type, name, zh, fields) of what lies within, by type then
        id: in one statement that joins the walk to the entities (under `as_of`, the walk, then the rows)."""
        if self.as_of is not None or not relation_types:
            placed, parents = self.located_within_by(place, relation_types, hosted=hosted)
            found = sorted(self.entities(placed).values(), key=lambda r: (r["type"], r["id"]))
            return found, placed, parents
        walk = self.located_within_sql(len(relation_types), True, len(hosted))
        rows = self.rows(
            f"WITH placed(id, stated, parents) AS ({walk}) "
            "SELECT e.id, e.type, e.name, e.zh, e.fields, placed.stated, placed.parents FROM placed "
            "JOIN entity e ON e.id = placed.id WHERE placed.id != ? ORDER BY e.type, e.id",
            [*self._walk_params(place, relation_types, hosted), place],
        )
        return (
            rows,
            {r["id"]: bool(r["stated"]) for r in rows},
            {r["id"]: sorted(r["parents"].split(",")) for r in rows},
        )

    def _walk_params(self, place: str, relation_types: tuple[str, ...], hosted: tuple[str, ...]) -> list[str]:
        """located_within_sql's parameters; a hosting step compares the schema's planned qualifier (path, value)."""
        if not hosted:
            return [place, *relation_types, *relation_types]
        key, value = self.roles().planned or ("", "")
        planned = [f'$."{key}"', str(value) if key else "\0none"]
        return [place, *relation_types, place, *hosted, *planned, *relation_types, *hosted, *planned]

    @staticmethod
    def located_within_sql(types: int, parents: bool = False, hosted: int = 0) -> str:
        """The recursive walk down from a place (parameters: the place, then the relation types twice), with
        whether each step and those above it are stated rather than inferred, and (`parents`) the ids each
        step leads to, comma-joined (an id has no comma); it reads only the index on (target_id, type,
        source_id, confidence). With `hosted` relation types (parameters: the place, the relation types, the
        place, the hosted types, the planned marker, the relation types, the hosted types, the planned marker) it
        also steps from the place and from each entity reached to what it hosts, unless only planned, never as
        stated, through the index on (source_id, type, target_id) and the hosting's qualifiers."""
        marks = ",".join("?" * types)
        columns, first, step, parent = ("id, stated", "", "", "")
        host_first, host_step = "", ""
        if parents:
            columns, first, step, parent = (
                "id, stated, parent",
                ", target_id",
                ", r.target_id",
                ", group_concat(DISTINCT parent)",
            )
            host_first, host_step = ", source_id", ", r.source_id"
        seed = (
            f"SELECT source_id, confidence != 'inferred'{first} FROM relation WHERE target_id = ? AND type IN ({marks})"
        )
        down = (
            f"SELECT r.source_id, inside.stated AND r.confidence != 'inferred'{step} FROM relation r "
            f"JOIN inside ON r.target_id = inside.id WHERE r.type IN ({marks})"
        )
        if hosted:
            hosts = ",".join("?" * hosted)
            not_planned = "coalesce(json_extract({}qualifiers, ?), '') != ?"
            seed += (
                f" UNION SELECT target_id, 0{host_first} FROM relation WHERE source_id = ? AND type IN ({hosts})"
                f" AND {not_planned.format('')}"
            )
            down += (
                f" UNION SELECT r.target_id, 0{host_step} FROM relation r "
                f"JOIN inside ON r.source_id = inside.id WHERE r.type IN ({hosts}) AND {not_planned.format('r.')}"
            )
        walk = f"WITH RECURSIVE inside({columns}) AS ({seed} UNION {down})"
        return f"{walk} SELECT id, MAX(stated){parent} FROM inside GROUP BY id"

    def all_edges(self) -> list[Edge]:
        return self.in_time([self.edge_of(r) for r in self.rows("SELECT * FROM relation ORDER BY file, line, rowid")])

    def facts_of(self, entity_id: str, which: Which = "known") -> list[sqlite3.Row]:
        """An entity's facts known on `as_of` (or those nothing dates: AnalystReads.known), by metric, then
        period in time order (2021, 2021-08-19, 2022; timeframe.period_order), then KB order."""
        rows = self.rows("SELECT * FROM fact WHERE entity_id = ? ORDER BY file, line, rowid", (entity_id,))
        return sorted(self.known(rows, which), key=lambda f: (f["metric"], period_order(f["period"])))

    def citations(self, owner_kind: str, owners: Iterable[str]) -> dict[str, list[Citation]]:
        wanted = sorted(set(owners))
        out: dict[str, list[Citation]] = {o: [] for o in wanted}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for r in self.rows(
                f"SELECT * FROM citation WHERE owner_kind = ? AND owner IN ({marks}) ORDER BY owner, ordinal",
                (owner_kind, *chunk),
            ):
                cite: Citation = {"source": r["source_id"], "quote": r["quote"]}
                if r["via"]:
                    cite["via"] = r["via"]
                out[r["owner"]].append(cite)
        return out

    def relations_by_rowid(self, rowids: Iterable[int]) -> list[Edge]:
        """Relations by their rowids (what citations name as their owners), in KB order."""
        wanted = sorted(set(rowids))
        rows: list[sqlite3.Row] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows += self.rows(f"SELECT * FROM relation WHERE rowid IN ({','.join('?' * len(chunk))})", chunk)
        return sorted((self.edge_of(r) for r in rows), key=lambda e: e.order)

    def facts_by_rowid(self, rowids: Iterable[int]) -> list[sqlite3.Row]:
        """Facts by their rowids, in KB order."""
        wanted = sorted(set(rowids))
        rows: list[sqlite3.Row] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows += self.rows(f"SELECT * FROM fact WHERE rowid IN ({','.join('?' * len(chunk))})", chunk)
        return sorted(rows, key=lambda f: (f["file"], f["line"], f["rowid"]))

    def cited_by(self, source_id: str) -> list[sqlite3.Row]:
        return self.rows(
            "SELECT * FROM citation WHERE source_id = ? OR via = ? ORDER BY owner_kind, owner", (source_id, source_id)
        )

    # -- whole-table reads for streaming exports ----------------------------------------------------------
    def cursor(self, sql: str, params: Iterable[Any] = ()) -> Iterator[sqlite3.Row]:
        """Like `rows`, but one row at a time: for reading a whole table without holding it in memory."""
        try:
            yield from self.con.execute(sql, tuple(params))
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from exc

    # -- lists (search: query_search.SearchReads) -------------------------------------------------------
    def list_entities(self, types: list[str] | None, holders_of: set[str] | None) -> list[sqlite3.Row]:
        """Every entity (by type, then id), or those of `types`, or those holding a designation (`holders_of`).
        What lies within a place comes with the walk down from it (entities_within)."""
        rows = self.rows("SELECT * FROM entity ORDER BY type, id")
        return [r for r in rows if (not types or r["type"] in types) and (holders_of is None or r["id"] in holders_of)]


def _chunked(ids: list[str], size: int = 400) -> Iterator[tuple[list[str], str]]:
    """`ids` `size` at a time, each batch with its `?` placeholders for an `IN (...)`: SQLite limits a
    statement's parameters."""
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        yield chunk, ",".join("?" * len(chunk))
