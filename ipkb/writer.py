"""Writing a store's rows into a new SQLite file (the temporary file that ipkb.dbfile renames into place).

Imported only to build: sqlmodel creates the tables, then rows go in by `executemany` on the raw
connection (the ORM is an order of magnitude slower for bulk loads).
"""

from __future__ import annotations

import json
import marshal
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ipkb.model import Problem


class Replaced(Exception):
    """The store an incremental build started from was replaced meanwhile: the build starts again."""


def fill(
    tmp: Path,
    db: Path,
    schema: Any,
    parts: list[Any],
    previous: dict[str, str],
    problems: list[Problem],
    meta: dict[str, str],
) -> None:
    """Make the temporary store: with `previous` parts (file -> key), a consistent copy of `db` in which
    only the rows of files added, changed or removed are replaced; otherwise a new one.

    Raises Replaced if the copy is not the store `previous` was read from (another process replaced it).
    """
    if previous:
        import shutil

        source = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)
        try:  # a plain copy (5 times faster than SQLite's backup), under a shared lock that keeps writers out
            source.execute("BEGIN")
            source.execute("SELECT COUNT(*) FROM meta").fetchone()
            shutil.copyfile(db, tmp)
        finally:
            source.close()
        check = sqlite3.connect(tmp)
        try:
            if dict(check.execute("SELECT file, key FROM part").fetchall()) != previous:
                raise Replaced(db)
        finally:
            check.close()
    else:
        create(tmp, schema)
    con = sqlite3.connect(tmp)
    try:
        con.execute("PRAGMA journal_mode=OFF")  # a crash leaves only the temporary file, never `db`
        con.execute("PRAGMA synchronous=OFF")
        removed = set(previous) - {p.name for p in parts}
        changed = set(previous) & {p.name for p in parts if p.rows is not None}
        for name in sorted(removed | changed):
            delete_rows(con, name)
        insert_rows(con, [p for p in parts if p.rows is not None])
        con.execute("DELETE FROM problem")
        con.executemany(
            "INSERT INTO problem (file, line, message, hint, severity) VALUES (?, ?, ?, ?, ?)",
            [(p.file, p.line, p.message, p.hint, p.severity) for p in problems],
        )
        con.execute("DELETE FROM meta")
        con.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        con.commit()
    finally:
        con.close()


def create(path: Path, schema: Any) -> None:
    """An empty store: the tables (declared with sqlmodel), the full-text index and the schema's vocabulary."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import DBAPIError
    from sqlmodel import SQLModel

    from ipkb import tables

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
        con.executemany(
            "INSERT INTO entity_type VALUES (?, ?, ?)",
            [(t.name, t.group, t.description) for t in schema.entity_types.values()],
        )
        con.executemany(
            "INSERT INTO relation_type VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    r.name,
                    r.label,
                    r.inverse,
                    r.containment,
                    None if r.domain is None else js(sorted(r.domain)),
                    None if r.range is None else js(sorted(r.range)),
                    js(list(r.qualifiers)),
                    r.undated_holds,
                )
                for r in schema.relation_types.values()
            ],
        )
        con.executemany(
            "INSERT INTO metric VALUES (?, ?, ?, ?, ?)",
            [(m.name, m.unit, m.description, m.counts_relation, m.counts_direction) for m in schema.metrics.values()],
        )
        con.commit()
    finally:
        con.close()


def delete_rows(con: sqlite3.Connection, file: str) -> None:
    """Remove everything one file put into the store."""
    for sql in (
        "DELETE FROM entity_fts WHERE rowid IN (SELECT rowid FROM entity WHERE file = ?1)",
        "DELETE FROM entity_chars WHERE rowid IN (SELECT rowid FROM entity WHERE file = ?1)",
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


def insert_rows(con: sqlite3.Connection, parts: list[Any]) -> None:
    """Add the rows of freshly read parts, numbered after the rows already there."""

    def next_rowid(table: str) -> int:
        value: int = con.execute(f"SELECT COALESCE(MAX(rowid), 0) + 1 FROM {table}").fetchone()[0]
        return value

    entity_id, relation_id, fact_id = next_rowid("entity"), next_rowid("relation"), next_rowid("fact")
    from ipkb.text import char_tokens

    entities, names, fts, chars, relations, facts, citations, stored = [], [], [], [], [], [], [], []
    relation_texts: list[tuple[int, str]] = []
    for part in parts:
        rows = part.rows
        file = part.name
        owners: dict[str, list[str]] = {"entity": [], "relation": [], "fact": []}
        for entity, entity_names in zip(rows.entities, rows.names, strict=True):
            entities.append((entity_id, *entity[:-1], file, entity[-1]))
            names += [(entity[0], text, folded, kind) for text, folded, kind in entity_names]
            distinct = list(dict.fromkeys(text for text, _, _ in entity_names))
            fts.append((entity_id, " | ".join(distinct), entity[5] or ""))
            chars.append((entity_id, char_tokens(distinct)))
            owners["entity"].append(entity[0])
            entity_id += 1
        for relation in rows.relations:
            relations.append((relation_id, *relation[:-1], file, relation[-1]))
            texts = [v for v in json.loads(relation[3]).values() if isinstance(v, str)]
            if texts:
                relation_texts.append((relation_id, " | ".join(texts)))
            owners["relation"].append(str(relation_id))
            relation_id += 1
        for fact in rows.facts:
            facts.append((fact_id, *fact[:-1], file, fact[-1]))
            owners["fact"].append(str(fact_id))
            fact_id += 1
        citations += [(kind, owners[kind][index], *rest) for kind, index, *rest in rows.citations]
        problems = [(p.line, p.message, p.hint, p.severity) for p in part.problems]
        stored.append((file, part.key, marshal.dumps(part.summary, 4), marshal.dumps(problems, 4)))
    con.executemany("INSERT INTO entity VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", entities)
    con.executemany("INSERT INTO name (entity_id, text, folded, kind) VALUES (?, ?, ?, ?)", names)
    con.executemany("INSERT INTO entity_fts (rowid, names, description) VALUES (?, ?, ?)", fts)
    con.executemany("INSERT INTO entity_chars (rowid, names) VALUES (?, ?)", chars)
    con.executemany("INSERT INTO relation VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", relations)
    con.executemany("INSERT INTO relation_fts (rowid, qualifiers) VALUES (?, ?)", relation_texts)
    con.executemany("INSERT INTO fact VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", facts)
    con.executemany(
        "INSERT INTO citation (owner_kind, owner, source_id, quote, via, ordinal) VALUES (?, ?, ?, ?, ?, ?)",
        citations,
    )
    con.executemany("INSERT INTO part VALUES (?, ?, ?, ?)", stored)
