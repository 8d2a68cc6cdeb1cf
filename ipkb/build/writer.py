"""Writing a store's rows into a new SQLite file (the temporary file that ipkb.build.dbfile renames into place).

Imported only to build: sqlmodel creates the tables, then rows go in by `executemany` on the raw
connection (the ORM is an order of magnitude slower for bulk loads).
"""

from __future__ import annotations

import json
import marshal
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ipkb.model import Problem


Values = tuple[Any, ...]


@dataclass
class Batch:
    """A part's rows as the writer inserts them: tuples of `columns`, and the texts of the full-text indexes,
    one per entity (or relation). What only the writer knows (rowids; a relation's or fact's citations' owner,
    here its index in the file) it adds. Made where the file is read, so a worker does this work, not the one
    process that writes every file in turn; and tuples cost less to send than rows keyed by column."""

    columns: dict[str, tuple[str, ...]]
    entities: list[Values]
    names: list[Values]
    fts: list[tuple[str, str]]  # names (each text once, ' | ' between), description
    chars: list[tuple[int, str]]  # tokens in the names spelt one character per token, that spelling
    syllables: list[str | None]  # the pinyin names, or None
    relations: list[Values]
    relation_texts: list[str | None]
    facts: list[Values]
    entity_citations: list[Values]
    relation_citations: list[Values]
    fact_citations: list[Values]

    @classmethod
    def of(cls, rows: Any, file: str) -> Batch:
        """The batch of a part's Rows (ipkb.build.parts) read from `file`."""
        from ipkb.text import char_tokens

        def values(table: str, dicts: list[dict[str, Any]]) -> list[Values]:
            """The rows' values in the order of their keys (the same in every row to_rows makes), and `file`."""
            names = tuple(dicts[0]) if dicts else ()
            columns[table] = (*names, "file")
            if not dicts:
                return []
            get = itemgetter(*names)
            return [(*get(row), file) for row in dicts] if len(names) > 1 else [(get(row), file) for row in dicts]

        columns: dict[str, tuple[str, ...]] = {"name": ("entity_id", "text", "folded", "kind")}
        entities = values("entity", rows.entities)
        names, fts, chars, syllables = [], [], [], []
        for entity, entity_names in zip(rows.entities, rows.names, strict=True):
            entity_id = entity["id"]
            names += [(entity_id, n["text"], n["folded"], n["kind"]) for n in entity_names]
            distinct = list(dict.fromkeys(n["text"] for n in entity_names))
            fts.append((" | ".join(distinct), entity["description"] or ""))
            spelt = char_tokens(distinct)
            chars.append((spelt.count(" ") + 1, spelt))
            pinyin = [n["text"] for n in entity_names if n["kind"] == "pinyin"]
            syllables.append(" | ".join(pinyin) if pinyin else None)
        relations = values("relation", rows.relations)
        facts = values("fact", rows.facts)
        cited: dict[str, list[Values]] = {"entity": [], "relation": [], "fact": []}
        citation_columns = ("owner_kind", "owner", "source_id", "quote", "via", "ordinal")
        columns["citation"] = citation_columns
        ids = [entity["id"] for entity in rows.entities]
        get = itemgetter(*citation_columns)
        for citation in rows.citations:
            kind, owner, *rest = get(citation)
            cited[kind].append((kind, ids[owner] if kind == "entity" else owner, *rest))
        return cls(
            columns,
            entities,
            names,
            fts,
            chars,
            syllables,
            relations,
            list(rows.relation_texts),
            facts,
            cited["entity"],
            cited["relation"],
            cited["fact"],
        )


class Replaced(Exception):
    """What the build started from changed under it (the old store was replaced, or a file vanished): the
    build starts again."""


class StoreWriter:
    """Writes one build into a store part by part, as the parts are read, so the build never holds more than
    a few files' rows (see docs/performance.md, "The build at 100k").

    Three ways to start (see the constructors): a new store, a copy of the last one, or the last one itself
    within the caller's transaction (ipkb.build.inplace).
    """

    CACHE_KIB = 16 * 1024  # SQLite's page cache while building: index builds and FTS merges spill less

    def __init__(self, con: sqlite3.Connection, gone: Iterable[str] = (), deferred: Iterable[str] = ()) -> None:
        self.con = con
        self.deferred = list(deferred)
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
        con.executemany("INSERT INTO entity_chars (rowid, names) VALUES (?, ?)", chars)
        con.executemany("INSERT INTO entity_syllables (rowid, pinyin) VALUES (?, ?)", syllables)
        insert_rows("relation", batch.columns["relation"] + ("rowid",), relations)
        con.executemany("INSERT INTO relation_fts (rowid, qualifiers) VALUES (?, ?)", relation_texts)
        insert_rows("fact", batch.columns["fact"] + ("rowid",), facts)
        insert_rows("citation", batch.columns["citation"], citations)
        insert(
            con,
            "part",
            [{"file": part.name, "key": part.key, "digest": part.digest, "summary": summary, "problems": found}],
        )

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

    def finish(self, problems: list[Problem], meta: dict[str, str], commit: bool = True) -> None:
        """Make the deferred indexes, record the build's problems and meta, and commit (unless the caller
        commits)."""
        con = self.con
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
        self.con.close()


def _connect_temporary(tmp: Path) -> sqlite3.Connection:
    """A connection for building the store in `tmp`: no journal, no syncing (a crash leaves only `tmp`)."""
    con = sqlite3.connect(tmp)
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
        insert(con, "metric", [{f: getattr(m, f) for f in fields} for m in schema.metrics.values()])
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
