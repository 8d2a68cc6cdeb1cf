"""Writing a store's rows into a new SQLite file (the temporary file that ipkb.build.dbfile renames into place).

Imported only to build: sqlmodel creates the tables, then rows go in by `executemany` on the raw
connection (the ORM is an order of magnitude slower for bulk loads).
"""

from __future__ import annotations

import json
import marshal
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ipkb.build.batch import Batch
    from ipkb.model import Problem


class Replaced(Exception):
    """What the build started from changed under it (the old store was replaced, or a file vanished): the
    build starts again."""


class StoreWriter:
    """Writes one build into a store part by part, as the parts are read, so the build never holds more than
    a few files' rows (see docs/performance.md, "Builds").

    Three ways to start (see the constructors): a new store, a copy of the last one, or the last one itself
    within the caller's transaction (ipkb.build.inplace).
    """

    CACHE_KIB = 16 * 1024  # SQLite's page cache while building: index builds and FTS merges spill less
    # entity_chars and entity_syllables rows held back to go in sorted by rowid: FTS5 writes out what it holds
    # whenever a rowid is not above the last one, and chars_rowid (names' length first) jumps about, so rows
    # in file order made a segment almost per row (3 of the main process's 15 s at 100k, 1.3 with this)
    SORTED_ROWS = 8192
    # What the trigram index holds in memory before it writes a segment (SQLite's default is 1 MB): fewer, larger
    # segments to merge, 1 s less at 100k. Stored in the index (its `hashsize`), so a rebuild in place uses it
    # too. Not for the smaller indexes: 0.2 s less for about as much memory.
    FTS_HASH_BYTES = 8 * 2**20
    INDEX_CACHE_KIB = 4 * 1024  # and while the indexes are made beside the KB-wide checks (as fast at 100k)

    def __init__(self, con: sqlite3.Connection, gone: Iterable[str] = (), deferred: Iterable[str] = ()) -> None:
        self.con = con
        self.deferred = list(deferred)
        self._indexing: threading.Thread | None = None
        self._indexing_failed: list[BaseException] = []
        self._stopping = False
        self._by_length: tuple[list[tuple[int, str]], list[tuple[int, str]]] = ([], [])  # chars, syllables
        for name in gone:  # removed, or read again
            delete_rows(con, name)
        self.entity_id, self.relation_id, self.fact_id = (self._next_rowid(t) for t in ("entity", "relation", "fact"))

    @classmethod
    def new(cls, tmp: Path, schema: Any) -> StoreWriter:
        """An empty store in `tmp`; its indexes are made after the bulk insert (one sort per index instead of
        a B-tree update per row)."""
        create(tmp, schema)
        con = _connect_temporary(tmp)
        deferred = []
        indexes = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        for name, sql in indexes.fetchall():
            con.execute(f'DROP INDEX "{name}"')
            deferred.append(sql)
        return cls(con, deferred=deferred)

    @classmethod
    def copied(cls, tmp: Path, db: Path, previous: dict[str, str], kept: set[str]) -> StoreWriter:
        """A consistent copy of `db` in `tmp`, without the rows of every file not in `kept`. Raises Replaced if
        the copy is not the store `previous` (file -> part key) was read from (another process replaced it)."""
        _copy_store(db, tmp, previous)
        return cls(_connect_temporary(tmp), gone=sorted(set(previous) - kept))

    @classmethod
    def on(cls, con: sqlite3.Connection, gone: Iterable[str]) -> StoreWriter:
        """The store `con` is open on, within the caller's transaction, without the rows of `gone`."""
        return cls(con, gone=gone)

    def stored_parts(self, files: Iterable[str]) -> dict[str, tuple[str, Any, list[Problem]]]:
        """Key, summary and problems of each of `files` as the store holds them."""
        from ipkb.model import Problem

        wanted = set(files)
        out = {}
        for file, key, summary, found in self.con.execute("SELECT file, key, summary, problems FROM part"):
            if file in wanted:
                out[file] = (key, marshal.loads(summary), [Problem(file, *p) for p in marshal.loads(found)])
        return out

    def _next_rowid(self, table: str) -> int:
        value: int = self.con.execute(f"SELECT COALESCE(MAX(rowid), 0) + 1 FROM {table}").fetchone()[0]
        return value

    def add(self, part: Any) -> None:
        """Insert a freshly read part's rows, numbered after the rows already there. The rows come as its
        Batch, made where the file was read (in a worker), so that this process, which writes every file in
        turn, only numbers them."""
        from ipkb.build.batch import Batch

        batch: Batch = part.batch if part.batch is not None else Batch.of(part.rows, part.name)
        con, first, insert_rows = self.con, self.entity_id, self._insert_rows
        entities, fts, chars, syllables = [], [], [], []
        rowid = first
        for row, (names, description), (tokens, spelt), pinyin in zip(
            batch.entities, batch.fts, batch.chars, batch.syllables, strict=True
        ):
            chars_rowid = tokens << 32 | rowid  # short names first: see tables.py
            entities.append((*row, rowid, chars_rowid))
            fts.append((rowid, names, description))
            chars.append((chars_rowid, spelt))
            if pinyin is not None:
                syllables.append((chars_rowid, pinyin))
            rowid += 1
        self.entity_id = rowid
        relations, relation_texts = [], []
        rowid = first_relation = self.relation_id
        for row, texts in zip(batch.relations, batch.relation_texts, strict=True):
            relations.append((*row, rowid))
            if texts is not None:
                relation_texts.append((rowid, texts))
            rowid += 1
        self.relation_id = rowid
        first_fact = self.fact_id
        facts = [(*row, first_fact + i) for i, row in enumerate(batch.facts)]
        self.fact_id += len(facts)
        # a relation's or a fact's citations name it by its rowid, as text
        citations = batch.entity_citations + [
            (kind, str(first_relation + owner), *rest) for kind, owner, *rest in batch.relation_citations
        ]
        citations += [(kind, str(first_fact + owner), *rest) for kind, owner, *rest in batch.fact_citations]
        problems = [(p.line, p.message, p.hint, p.severity) for p in part.problems]
        summary, found = marshal.dumps(part.summary, 4), marshal.dumps(problems, 4)
        insert_rows("entity", batch.columns["entity"] + ("rowid", "chars_rowid"), entities)
        insert_rows("name", batch.columns["name"], batch.names)
        con.executemany("INSERT INTO entity_fts (rowid, names, description) VALUES (?, ?, ?)", fts)
        held_chars, held_syllables = self._by_length
        held_chars += chars
        held_syllables += syllables
        if len(held_chars) >= self.SORTED_ROWS:
            self._write_by_length()
        insert_rows("relation", batch.columns["relation"] + ("rowid",), relations)
        con.executemany("INSERT INTO relation_fts (rowid, qualifiers) VALUES (?, ?)", relation_texts)
        insert_rows("fact", batch.columns["fact"] + ("rowid",), facts)
        insert_rows("citation", batch.columns["citation"], citations)
        insert(
            con,
            "part",
            [{"file": part.name, "key": part.key, "digest": part.digest, "summary": summary, "problems": found}],
        )

    def _write_by_length(self) -> None:
        """Insert the entity_chars and entity_syllables rows held back, in rowid order (see SORTED_ROWS)."""
        chars, syllables = self._by_length
        chars.sort()
        syllables.sort()
        self.con.executemany("INSERT INTO entity_chars (rowid, names) VALUES (?, ?)", chars)
        self.con.executemany("INSERT INTO entity_syllables (rowid, pinyin) VALUES (?, ?)", syllables)
        self._by_length = ([], [])

    def _insert_rows(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        """Insert `rows`, tuples of `columns`; the first time, `columns` are checked against the table's (every
        column but an unnamed rowid): a column missing or unknown is an error, not a NULL."""
        if not rows:
            return
        sql = _TUPLE_INSERTS.get((table, columns))
        if sql is None:
            declared = {row[1] for row in self.con.execute(f"PRAGMA table_info({table})")}
            if set(columns) != declared - ({"rowid"} - set(columns)) or len(set(columns)) != len(columns):
                raise sqlite3.ProgrammingError(f"rows for {table} have columns {columns}, the table {sorted(declared)}")
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            _TUPLE_INSERTS[(table, columns)] = sql
        self.con.executemany(sql, rows)

    def index_meanwhile(self) -> None:
        """Start making the deferred indexes in a thread, once every row is in: SQLite lets go of the GIL while
        it sorts, so the KB-wide checks (Python) run on the other core meanwhile. `finish` waits for it;
        `close` stops it (the build failed). Only for a store in the build's own file (new or copied): it commits
        the rows, so that FTS5 writes out what it holds in memory instead of keeping it through the checks."""
        if self._indexing is not None:
            return
        self._write_by_length()
        self.con.commit()
        _give_back_freed_memory()
        if not self.deferred:
            return
        deferred, self.deferred = self.deferred, []

        def make() -> None:
            try:  # a smaller cache to sort in: the checks' memory and the sorts' now add up (peak 384 -> 365 MB)
                self.con.execute(f"PRAGMA cache_size=-{self.INDEX_CACHE_KIB}")
                for sql in deferred:
                    if self._stopping:
                        return
                    self.con.execute(sql)
            except BaseException as exc:  # raised again by `finish`, in the build's thread
                self._indexing_failed.append(exc)

        self._indexing = threading.Thread(target=make, name="ipkb-indexes", daemon=True)
        self._indexing.start()

    def _indexed(self) -> None:
        """Wait for the indexes `index_meanwhile` makes; raise what stopped them."""
        if self._indexing is not None:
            self._indexing.join()
            self._indexing = None
        if self._indexing_failed:
            raise self._indexing_failed.pop()

    def finish(self, problems: list[Problem], meta: dict[str, str], commit: bool = True) -> None:
        """Make the deferred indexes (or wait for them), record the build's problems and meta, and commit
        (unless the caller commits)."""
        con = self.con
        self._indexed()
        self._write_by_length()
        for sql in self.deferred:
            con.execute(sql)
        con.execute("DELETE FROM problem")
        fields = ("file", "line", "message", "hint", "severity")
        insert(con, "problem", [{f: getattr(p, f) for f in fields} for p in problems], rowid=False)
        con.execute("DELETE FROM meta")
        insert(con, "meta", [{"key": key, "value": value} for key, value in sorted(meta.items())])
        if commit:
            con.commit()

    def close(self) -> None:
        if self._indexing is not None:  # the build stopped before `finish`: the store is dropped
            self._stopping = True
            while self._indexing.is_alive():  # an interrupt between two statements stops neither: again
                self.con.interrupt()
                self._indexing.join(0.05)
        self.con.close()


def _give_back_freed_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc's malloc_trim): what SQLite freed (the trigram
    index's FTS_HASH_BYTES among it) lies between live blocks, where Python's own arenas never reuse it, so it
    would add to the build's peak, which comes with the KB-wide checks (100k: 390 MB without, 382 MB with)."""
    import ctypes
    from contextlib import suppress

    with suppress(OSError, AttributeError):  # not glibc: nothing to hand back this way
        ctypes.CDLL(None).malloc_trim(0)


def _connect_temporary(tmp: Path) -> sqlite3.Connection:
    """A connection for building the store in `tmp`: no journal, no syncing (a crash leaves only `tmp`); its
    indexes may be made in another thread (StoreWriter.index_meanwhile), one thread using it at a time."""
    con = sqlite3.connect(tmp, check_same_thread=False)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute(f"PRAGMA cache_size=-{StoreWriter.CACHE_KIB}")
    return con


def _copy_store(db: Path, tmp: Path, previous: dict[str, str]) -> None:
    from ipkb.build.dbfile import copy_store

    source = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)
    try:  # a plain copy (5 times faster than SQLite's backup), under a shared lock that keeps writers out
        source.execute("BEGIN")
        source.execute("SELECT COUNT(*) FROM meta").fetchone()
        copy_store(db, tmp)
    finally:
        source.close()
    check = sqlite3.connect(tmp)
    try:
        if dict(check.execute("SELECT file, key FROM part").fetchall()) != previous:
            raise Replaced(db)
    finally:
        check.close()


def create(path: Path, schema: Any) -> None:
    """An empty store: the tables (declared with sqlmodel), the full-text index and the schema's vocabulary."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import DBAPIError
    from sqlmodel import SQLModel

    from ipkb.build import tables

    engine = create_engine(f"sqlite:///{path}")
    try:
        SQLModel.metadata.create_all(engine)
    except DBAPIError as exc:  # the sqlite3 error underneath (a full disk, say) is what the caller handles
        raise exc.orig from exc  # type: ignore[misc]
    finally:
        engine.dispose()

    def js(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    con = sqlite3.connect(path)
    try:
        for ddl, fallback in tables.FTS_TABLES:
            try:
                con.execute(ddl)
            except sqlite3.OperationalError:  # SQLite < 3.43 has no contentless_delete
                con.execute(fallback)
        con.execute(f"INSERT INTO entity_fts(entity_fts, rank) VALUES ('hashsize', {StoreWriter.FTS_HASH_BYTES})")
        insert(
            con,
            "entity_type",
            [{"name": t.name, "grp": t.group, "description": t.description} for t in schema.entity_types.values()],
        )
        insert(
            con,
            "relation_type",
            [
                {
                    "name": r.name,
                    "label": r.label,
                    "inverse": r.inverse,
                    "containment": r.containment,
                    "domain": None if r.domain is None else js(sorted(r.domain)),
                    "range": None if r.range is None else js(sorted(r.range)),
                    "qualifiers": js(list(r.qualifiers)),
                    "undated_holds": r.undated_holds,
                }
                for r in schema.relation_types.values()
            ],
        )
        fields = ("name", "unit", "description", "counts_relation", "counts_direction")
        insert(
            con,
            "metric",
            [
                {
                    **{f: getattr(m, f) for f in fields},
                    "counts_types": None if m.counts_types is None else js(sorted(m.counts_types)),
                }
                for m in schema.metrics.values()
            ],
        )
        con.commit()
    finally:
        con.close()


def delete_rows(con: sqlite3.Connection, file: str) -> None:
    """Remove everything one file put into the store."""
    for sql in (
        "DELETE FROM entity_fts WHERE rowid IN (SELECT rowid FROM entity WHERE file = ?1)",
        "DELETE FROM entity_chars WHERE rowid IN (SELECT chars_rowid FROM entity WHERE file = ?1)",
        "DELETE FROM entity_syllables WHERE rowid IN (SELECT chars_rowid FROM entity WHERE file = ?1)",
        "DELETE FROM relation_fts WHERE rowid IN (SELECT rowid FROM relation WHERE file = ?1)",
        "DELETE FROM name WHERE entity_id IN (SELECT id FROM entity WHERE file = ?1)",
        "DELETE FROM citation WHERE owner_kind = 'entity' AND owner IN (SELECT id FROM entity WHERE file = ?1)",
        "DELETE FROM citation WHERE owner_kind = 'relation' "
        "AND owner IN (SELECT CAST(rowid AS TEXT) FROM relation WHERE file = ?1)",
        "DELETE FROM citation WHERE owner_kind = 'fact' "
        "AND owner IN (SELECT CAST(rowid AS TEXT) FROM fact WHERE file = ?1)",
        "DELETE FROM entity WHERE file = ?1",
        "DELETE FROM relation WHERE file = ?1",
        "DELETE FROM fact WHERE file = ?1",
        "DELETE FROM part WHERE file = ?1",
    ):
        con.execute(sql, (file,))


_INSERTS: dict[tuple[str, bool], str] = {}
_TUPLE_INSERTS: dict[tuple[str, tuple[str, ...]], str] = {}


def insert_sql(con: sqlite3.Connection, table: str, rowid: bool = True) -> str:
    """`INSERT INTO table (columns) VALUES (:columns)`; without `rowid`, SQLite numbers the rows. A row
    lacking a column is an error (sqlite3.ProgrammingError).

    The columns are read from the store, whose tables `create` made from ipkb.build.tables' one declaration:
    asking the declaration itself would import sqlmodel (half a second) into every rebuild."""
    key = (table, rowid)
    if key not in _INSERTS:
        names = [row[1] for row in con.execute(f"PRAGMA table_info({table})") if rowid or row[1] != "rowid"]
        _INSERTS[key] = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(':' + c for c in names)})"
    return _INSERTS[key]


def insert(con: sqlite3.Connection, table: str, rows: Iterable[Mapping[str, Any]], rowid: bool = True) -> None:
    con.executemany(insert_sql(con, table, rowid), rows)
