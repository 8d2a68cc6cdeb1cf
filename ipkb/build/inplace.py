"""A rebuild in place: the changed files' rows replaced in the store within one SQLite transaction, and the
KB-wide checks run over only the records that the change can affect.

Which records those are (`Affected`): every record of a file read again, and, elsewhere in the KB,
- the relations from or to an entity that a changed file defines or defined, the relations from an entity
  that a changed relation leaves (a repeated relation has the same ends), and the containment links above
  the targets of new containment links (a new loop must pass through one of them);
- the facts about an entity that a changed file defines, or that a changed fact is about;
- the entities with an id or a Chinese name that a changed file has or had;
- the citations of a source (or `via`) that a changed file defines.
Each of these is checked with all it depends on, so its problems are exactly those a full build finds; the
problems the last build found at any other record still hold. The entities the selected records merely
point at come along for their type and dates only (their Chinese name is left out, so no problem is made at
them). Why the store stays consistent for readers and after a crash: docs/reliability.md.
"""

from __future__ import annotations

import json
import marshal
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipkb.build.kb_checks import KbChecks
from ipkb.build.schema import Schema
from ipkb.build.summary import (
    CitationKey,
    EntityKey,
    FactKey,
    RelationKey,
    Summary,
    entity_key,
    fact_key,
    relation_key,
)
from ipkb.model import Problem

if TYPE_CHECKING:
    from ipkb.build.parts import Part, Source

WAIT_SECONDS = 20.0  # how long the update waits for readers to finish before it gives up (Busy)


class Busy(Exception):
    """Readers kept the store busy for WAIT_SECONDS: the caller builds a new store instead."""


def begin(db: Path) -> sqlite3.Connection:
    """A connection to `db` holding SQLite's write lock (readers go on reading the last build meanwhile).

    The rollback journal is SQLite's default: until COMMIT the file holds the last build's pages, and a
    crash leaves a journal that the next writer plays back (see dbfile.store_lock for why nobody renames
    another store over `db` meanwhile)."""
    from ipkb.build.writer import StoreWriter

    con = sqlite3.connect(db, timeout=WAIT_SECONDS, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=DELETE")
        con.execute(f"PRAGMA cache_size=-{StoreWriter.CACHE_KIB}")
        con.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        con.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise Busy(str(exc)) from exc
        raise
    return con


def commit(con: sqlite3.Connection) -> None:
    try:
        con.execute("COMMIT")
    except sqlite3.OperationalError as exc:  # readers held the store for WAIT_SECONDS
        con.execute("ROLLBACK")
        raise Busy(str(exc)) from exc


def update(
    db: Path,
    schema: Schema,
    keys: dict[str, str],
    kept: set[str],
    write_fresh: Callable[..., dict[str, Part]],
    finished: Callable[[list[Problem]], list[Problem]],
    meta: dict[str, str],
    sources: list[Source],
) -> None:
    """The rebuild in one transaction on `db` itself, under the lock that keeps a new store from being
    renamed over it meanwhile: `write_fresh` reads and writes the changed files, `finished` takes every
    problem (and raises on an error). Raises Busy or IntegrityError when a new store must be built instead,
    Replaced when `db` is no longer the store `keys` came from."""
    from ipkb.build.dbfile import mark, store_lock, write_error
    from ipkb.build.writer import Replaced, StoreWriter

    order = {s.name: i for i, s in enumerate(sources)}
    try:
        with store_lock(db) as locked:
            if not locked:
                raise Busy(f"cannot lock the folder of {db}")
            con = begin(db)
            try:
                if dict(con.execute("SELECT file, key FROM part").fetchall()) != keys:
                    raise Replaced(db)
                gone = sorted(set(keys) - kept)
                affected = Affected(con, schema, gone)
                affected.reuse_pinyin()
                out = StoreWriter.on(con, gone)
                fresh = write_fresh(out, in_place=True)
                found = affected.problems(
                    {name: (part.summary, part.problems) for name, part in fresh.items()},
                    lambda name: order.get(name, len(order)),
                    {name: part.unread for name, part in fresh.items() if part.unread is not None},
                )
                out.finish(finished(found), meta, commit=False)
                mark(con)  # a store made by an ipkb from before the mark becomes a marked one
                commit(con)
            finally:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                con.close()
    except sqlite3.IntegrityError:
        raise
    except (OSError, sqlite3.Error) as exc:  # a full disk, a damaged page (then a full build): as a new store's
        raise write_error(db, exc) from exc


def _temp(con: sqlite3.Connection, name: str, values: Iterable[Any]) -> None:
    con.execute(f"CREATE TEMP TABLE {name} (v TEXT PRIMARY KEY)")
    con.executemany(f"INSERT OR IGNORE INTO {name} VALUES (?)", ((v,) for v in values))


class Affected:
    """What a change can affect, found from the store before and after the changed files' rows are replaced.

    Made on the last build's rows (it notes what the changed files held and the problems found then);
    `problems`, once the new rows are in, checks the affected records and merges the result with the last
    build's problems elsewhere."""

    def __init__(self, con: sqlite3.Connection, schema: Schema, gone: list[str]) -> None:
        self.con, self.schema, self.gone = con, schema, set(gone)
        _temp(con, "gone", gone)
        inside = "file IN (SELECT v FROM gone)"
        self.ids: set[str] = set()
        self.zh: set[str] = set()
        self.urls: set[str] = set()  # a source's address: two sources of one page are reported
        for entity_id, zh, url in con.execute(
            f"SELECT id, zh, json_extract(fields, '$.url') FROM entity WHERE {inside}"
        ):
            self.ids.add(entity_id)
            if zh:
                self.zh.add(zh)
            if url:
                self.urls.add(url)
        self.sources = {r[0] for r in con.execute(f"SELECT DISTINCT source_id FROM relation WHERE {inside}")}
        self.about = {r[0] for r in con.execute(f"SELECT DISTINCT entity_id FROM fact WHERE {inside}")}
        found = Counter(con.execute("SELECT file, line, message, hint, severity FROM problem"))
        self.local: dict[str, list[tuple[Any, ...]]] = {}
        for file, blob in con.execute("SELECT file, problems FROM part"):
            self.local[file] = marshal.loads(blob)
            found.subtract((file, *p) for p in self.local[file])
        self.kb_wide = [Problem(*p) for p, n in found.items() for _ in range(n)]  # what the last checks found

    def reuse_pinyin(self) -> None:
        """Lend the files to read again the pinyin this store derived for their Chinese names."""
        from ipkb.build.derive import reuse_pinyin

        styles = self.schema.roles.pinyin
        derived = self.con.execute(
            "SELECT zh, type, pinyin FROM entity WHERE file IN (SELECT v FROM gone) AND zh IS NOT NULL "
            "AND pinyin IS NOT NULL AND NOT pinyin_given"
        )
        reuse_pinyin({(zh, styles.get(kind)): pinyin for zh, kind, pinyin in derived})

    def problems(
        self, fresh: dict[str, tuple[Summary, list[Problem]]], order: Callable[[str], Any], unread: dict[str, int]
    ) -> list[Problem]:
        """Every problem of the KB as it is now: local ones per file, and the KB-wide ones (`unread`: see
        KbChecks)."""
        con = self.con
        for summary, _ in fresh.values():
            entities, relations, facts, _ = summary
            self.ids.update(e[0] for e in entities)
            self.zh.update(e[2] for e in entities if e[2])
            self.urls.update(e[8] for e in entities if e[8])
            self.sources.update(r[0] for r in relations)
            self.about.update(f[0] for f in facts)
        _temp(con, "fresh", fresh)
        _temp(con, "k_id", self.ids)
        _temp(con, "k_zh", self.zh)
        _temp(con, "k_url", self.urls)
        _temp(con, "k_src", self.sources)
        _temp(con, "k_about", self.about)
        containment = sorted(name for name, t in self.schema.relation_types.items() if t.containment)
        kinds = ", ".join(f"'{name}'" for name in containment)  # names from the schema, checked as identifiers
        targets = {r[2] for s, _ in fresh.values() for r in s[1] if r[1] in containment}
        _temp(con, "k_new_up", targets)
        con.execute(
            f"CREATE TEMP TABLE k_up AS WITH RECURSIVE up(v) AS (SELECT v FROM k_new_up UNION "
            f"SELECT r.target_id FROM relation r JOIN up ON r.source_id = up.v WHERE r.type IN ({kinds})) "
            "SELECT v FROM up"
        )
        outside = "file NOT IN (SELECT v FROM fresh)"
        by_file: dict[str, tuple[list[EntityKey], list[RelationKey], list[FactKey], list[CitationKey]]] = {}

        def of(file: str) -> tuple[list[EntityKey], list[RelationKey], list[FactKey], list[CitationKey]]:
            return by_file.setdefault(file, ([], [], [], []))

        full: set[tuple[str, int]] = set()  # where the problems are recomputed
        con.row_factory = sqlite3.Row
        try:
            relation_ids = (
                "SELECT rowid FROM relation WHERE source_id IN (SELECT v FROM k_id) "
                "UNION SELECT rowid FROM relation WHERE target_id IN (SELECT v FROM k_id) "
                "UNION SELECT rowid FROM relation WHERE source_id IN (SELECT v FROM k_src) "
                f"UNION SELECT rowid FROM relation WHERE source_id IN (SELECT v FROM k_up) AND type IN ({kinds})"
            )
            for row in con.execute(f"SELECT * FROM relation WHERE rowid IN ({relation_ids}) AND {outside}"):
                of(row["file"])[1].append(relation_key(row, self.schema.roles))
                full.add((row["file"], row["line"] or 1))
            about = "(entity_id IN (SELECT v FROM k_id) OR entity_id IN (SELECT v FROM k_about))"
            for row in con.execute(f"SELECT * FROM fact WHERE {about} AND {outside}"):
                of(row["file"])[2].append(fact_key(row))
                full.add((row["file"], row["line"] or 1))
            named = (
                "(id IN (SELECT v FROM k_id) OR zh IN (SELECT v FROM k_zh) "
                "OR json_extract(fields, '$.url') IN (SELECT v FROM k_url))"
            )
            for row in con.execute(f"SELECT * FROM entity WHERE {named} AND {outside}"):
                of(row["file"])[0].append(entity_key(row))
                full.add((row["file"], row["line"] or 1))
            for file, cites in self._citations(fresh):
                of(file)[3].extend(cites)
                full.update((file, c[2]) for c in cites)
            self._pointed_at(fresh, by_file, of)
        finally:
            con.row_factory = None
        for name, (summary, _) in fresh.items():
            by_file[name] = summary
        summaries = [(name, by_file[name]) for name in sorted(by_file, key=order)]
        for _, (entities, relations, facts, cites) in summaries:  # in the order of their lines, as read
            entities.sort(key=lambda e: e[3])
            relations.sort(key=lambda r: r[4])
            facts.sort(key=lambda f: f[1])
            cites.sort(key=lambda c: c[2])

        def every_id() -> list[str]:
            return [r[0] for r in con.execute("SELECT id FROM entity")]

        checked = KbChecks(self.schema, summaries, every_id, unread).run()
        kept = set(self.local) - self.gone - set(fresh)
        out = [Problem(file, *p) for file in kept for p in self.local[file]]
        out += [p for _, found in fresh.values() for p in found]
        out += [p for p in self.kb_wide if p.file in kept and (p.file, p.line) not in full]
        out += [p for p in checked if p.file in fresh or (p.file, p.line) in full]
        return out

    def _citations(self, fresh: dict[str, Any]) -> list[tuple[str, list[CitationKey]]]:
        """The citations elsewhere of a source that a changed file defines or defined, from the summaries of
        the files that hold them (the store keeps no line for a citation, and none at all for a former name's)."""
        con = self.con
        cited = "(c.source_id IN (SELECT v FROM k_id) OR c.via IN (SELECT v FROM k_id))"
        files = {
            r[0]
            for r in con.execute(
                f"SELECT e.file FROM citation c JOIN entity e ON c.owner_kind = 'entity' AND e.id = c.owner "
                f"WHERE {cited} UNION SELECT r.file FROM citation c JOIN relation r ON c.owner_kind = 'relation' "
                f"AND r.rowid = CAST(c.owner AS INTEGER) WHERE {cited} UNION SELECT f.file FROM citation c "
                f"JOIN fact f ON c.owner_kind = 'fact' AND f.rowid = CAST(c.owner AS INTEGER) WHERE {cited}"
            )
        }
        for file, former in con.execute("SELECT file, former_names FROM entity WHERE former_names != '[]'"):
            cites = [c for name in json.loads(former) for c in name.get("sources", [])]
            if any(c.get("source") in self.ids or c.get("via") in self.ids for c in cites):
                files.add(file)
        out = []
        for file in sorted(files - set(fresh)):
            row = con.execute("SELECT summary FROM part WHERE file = ?", (file,)).fetchone()
            cites = [c for c in marshal.loads(row[0])[3] if c[0] in self.ids or c[1] in self.ids]
            out.append((file, cites))
        return out

    def _pointed_at(
        self,
        fresh: dict[str, tuple[Summary, list[Problem]]],
        by_file: dict[str, Any],
        of: Callable[[str], Any],
    ) -> None:
        """The entities the selected records point at and do not hold: their type and dates, no Chinese name
        nor address (those are checked where the records that hold them are)."""
        summaries = [s for s, _ in fresh.values()] + list(by_file.values())
        held = {e[0] for s in summaries for e in s[0]}
        wanted = {ref for s in summaries for r in s[1] for ref in (r[0], r[2])}
        wanted |= {f[0] for s in summaries for f in s[2]}
        wanted |= {ref for s in summaries for c in s[3] for ref in (c[0], c[1]) if ref}
        _temp(self.con, "k_pointed", wanted - held)
        for row in self.con.execute("SELECT * FROM entity WHERE id IN (SELECT v FROM k_pointed)"):
            key = entity_key(row)
            of(row["file"])[0].append((key[0], key[1], None, *key[3:8], None))
