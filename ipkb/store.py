"""The compiled store: a cheap staleness check, and a build that is atomic (temp file + rename).

Queries never import this module's heavy parts: sqlmodel and the validator load only in `build`.
"""

from __future__ import annotations

import json
import marshal
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipkb.errors import InvalidKnowledgeBase, IpkbError
from ipkb.paths import printable_path, scan_kb, yaml_file_stats

if TYPE_CHECKING:  # the query path does not pay for defining the model's dataclasses
    from ipkb.model import Problem

STORE_VERSION = "8"  # bump when the tables or what goes into them change


def stat_signature(kb: Path) -> str:
    """Path, size and mtime of every YAML file: changes when any file is edited, added, removed or renamed."""
    prefix = len(str(kb)) + 1
    rows = [[path[prefix:], st.st_size, st.st_mtime_ns] for path, st in yaml_file_stats(kb)]
    return json.dumps([STORE_VERSION, str(kb), rows])


def fingerprint(kb: Path) -> tuple[str, dict[Path, str]]:
    """The KB's content hash (what `is_fresh` compares) and the SHA-256 of each file's bytes."""
    import hashlib  # here, not at the top: loading OpenSSL costs a query on a fresh store about 3 ms

    def file_digest(path: Path) -> str:
        try:
            return hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:  # the build reports it by name
            return f"unreadable: {exc.strerror}"

    listed, unread = scan_kb(kb)
    files = {path: file_digest(path) for path in (Path(name) for name, _ in listed)}
    digest = hashlib.sha256(STORE_VERSION.encode())
    for path, digest_of_file in files.items():
        digest.update(f"{path.relative_to(kb)}\0{digest_of_file}\0".encode())
    for name, _, message, _, _ in unread:  # an entry reported instead of read: its name and why count too
        digest.update(f"{printable_path(name[len(str(kb)) + 1 :])}\0{message}\0".encode())
    return digest.hexdigest(), files


def content_hash(kb: Path) -> str:
    return fingerprint(kb)[0]


def read_meta(db: Path) -> dict[str, str] | None:
    """The built database's meta table, or None when it is missing, empty or corrupt."""
    if not db.is_file() or db.stat().st_size == 0:
        return None
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return dict(con.execute("SELECT key, value FROM meta").fetchall())
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return None


def is_fresh(kb: Path, db: Path) -> bool:
    meta = read_meta(db)
    if meta is None or meta.get("store_version") != STORE_VERSION:
        return False
    signature = stat_signature(kb)
    if meta.get("stat_signature") == signature:
        return True
    if meta.get("content_hash") != content_hash(kb):
        return False
    _remember_signature(db, signature)  # touched but unchanged: spare the next query the hashing
    return True


def _remember_signature(db: Path, signature: str) -> None:
    """Record the KB's new stat signature in place; one row in one SQLite transaction, so it is atomic.

    Best effort: a read-only or busy database just means the next query hashes the KB again.
    """
    try:
        con = sqlite3.connect(db, timeout=0)
        try:
            with con:
                con.execute("UPDATE meta SET value = ? WHERE key = 'stat_signature'", (signature,))
        finally:
            con.close()
    except sqlite3.Error:
        pass


def ensure_built(kb: Path, db: Path) -> Path:
    """Build the database if it is missing, stale or corrupt; return its path."""
    if not is_fresh(kb, db):
        build(kb, db)
    return db


def build(kb: Path, db: Path) -> list[Problem]:
    """Validate the KB and compile it into `db`. Raises InvalidKnowledgeBase on any error.

    Only files whose bytes changed since the last build are read again (see ipkb.parts). The cyclic
    garbage collector is paused meanwhile: a build allocates millions of small objects and frees almost
    none, so the collector's passes cost time (about a third of a 10k build) and find nothing.
    """
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(kb, db)
    finally:
        if enabled:
            gc.enable()


def _build(kb: Path, db: Path) -> list[Problem]:
    from dataclasses import replace
    from hashlib import sha256

    from ipkb.kb_checks import KbChecks
    from ipkb.model import Problem
    from ipkb.parts import Part, Source, part_key, read_parts
    from ipkb.schema import load_schema, schema_broken
    from ipkb.validate import display_path, sort_problems, unread_problems

    signature = stat_signature(kb)
    digest, file_digests = fingerprint(kb)
    files = list(file_digests)
    problems = unread_problems(scan_kb(kb)[1])
    schema = load_schema(files[0], display_path(files[0]), problems)
    if schema_broken(problems, display_path(files[0])):
        raise InvalidKnowledgeBase(sort_problems(problems))
    schema_digest = sha256(f"{STORE_VERSION}\0{file_digests[files[0]]}".encode()).hexdigest()
    sources = [
        Source(path, name, path.relative_to(kb).parts[0], part_key(schema_digest, name, file_digests[path]))
        for path in files[1:]
        for name in [f"{kb.name}/{path.relative_to(kb).as_posix()}"]
    ]
    previous = _previous_parts(db, kb, schema_digest)
    todo = [s for s in sources if previous.get(s.name, (None,))[0] != s.key]
    fresh = {part.name: part for part in read_parts(todo, schema)}
    parts: list[Part] = []
    for source in sources:
        if source.name in fresh:
            parts.append(fresh[source.name])
        else:
            key, summary, stored = previous[source.name]
            parts.append(Part(source.name, key, summary, [Problem(source.name, *p) for p in stored]))
    for part in parts:
        problems += part.problems
    problems += KbChecks(schema, [(p.name, p.summary) for p in parts]).run()
    if any(p.severity == "error" for p in problems):
        shown = {p.name: display_path(kb.parent / p.name) for p in parts}
        raise InvalidKnowledgeBase(sort_problems([replace(p, file=shown.get(p.file, p.file)) for p in problems]))
    meta = {
        "store_version": STORE_VERSION,
        "stat_signature": signature,
        "content_hash": digest,
        "kb_path": str(kb),
        "schema_digest": schema_digest,
    }
    _write_atomically(db, schema, parts, set(previous), problems, meta)
    return sort_problems(problems)


StoredPart = tuple[str, Any, list[tuple[Any, ...]]]  # key, summary, problems as (line, message, hint, severity)


def _previous_parts(db: Path, kb: Path, schema_digest: str) -> dict[str, StoredPart]:
    """The parts `db` was built from, if it can be updated in place of a full build (else nothing)."""
    meta = read_meta(db)
    if meta is None or (meta.get("store_version"), meta.get("kb_path"), meta.get("schema_digest")) != (
        STORE_VERSION,
        str(kb),
        schema_digest,
    ):
        return {}
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            rows = con.execute("SELECT file, key, summary, problems FROM part").fetchall()
        finally:
            con.close()
        return {file: (key, marshal.loads(summary), marshal.loads(found)) for file, key, summary, found in rows}
    except (sqlite3.DatabaseError, ValueError, EOFError, TypeError):
        return {}


def _write_atomically(
    db: Path, schema: Any, parts: list[Any], previous: set[str], problems: list[Problem], meta: dict[str, str]
) -> None:
    """Write the new store to a temporary file beside `db` and rename it into place.

    With `previous` parts, the temporary file starts as a copy of `db` and only the rows of files added,
    changed or removed are replaced; otherwise it starts empty.
    """
    import shutil
    import tempfile

    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{db.name}.", suffix=".tmp", dir=db.parent)
    except OSError as exc:
        raise IpkbError(
            f"cannot write the database at {db}: {exc.strerror}",
            hint="pass --db PATH or set IPKB_DB to a writable place",
        ) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if previous:
            shutil.copyfile(db, tmp)
        else:
            _create(tmp, schema)
        con = sqlite3.connect(tmp)
        try:
            con.execute("PRAGMA journal_mode=OFF")  # a crash leaves only the temporary file, never `db`
            con.execute("PRAGMA synchronous=OFF")
            removed = previous - {p.name for p in parts}
            changed = previous & {p.name for p in parts if p.rows is not None}
            for name in sorted(removed | changed):
                _delete_rows(con, name)
            _insert_rows(con, [p for p in parts if p.rows is not None])
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
        os.replace(tmp, db)
    finally:
        tmp.unlink(missing_ok=True)


def _create(path: Path, schema: Any) -> None:
    """An empty store: the tables (declared with sqlmodel), the full-text index and the schema's vocabulary."""
    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    from ipkb import tables

    engine = create_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
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


def _delete_rows(con: sqlite3.Connection, file: str) -> None:
    """Remove everything one file put into the store."""
    for sql in (
        "DELETE FROM entity_fts WHERE rowid IN (SELECT rowid FROM entity WHERE file = ?1)",
        "DELETE FROM entity_chars WHERE rowid IN (SELECT rowid FROM entity WHERE file = ?1)",
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


def _insert_rows(con: sqlite3.Connection, parts: list[Any]) -> None:
    """Add the rows of freshly read parts, numbered after the rows already there."""

    def next_rowid(table: str) -> int:
        value: int = con.execute(f"SELECT COALESCE(MAX(rowid), 0) + 1 FROM {table}").fetchone()[0]
        return value

    entity_id, relation_id, fact_id = next_rowid("entity"), next_rowid("relation"), next_rowid("fact")
    from ipkb.text import char_tokens

    entities, names, fts, chars, relations, facts, citations, stored = [], [], [], [], [], [], [], []
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
            owners["relation"].append(str(relation_id))
            relation_id += 1
        for fact in rows.facts:
            facts.append((fact_id, *fact[:-1], file, fact[-1]))
            owners["fact"].append(str(fact_id))
            fact_id += 1
        citations += [(kind, owners[kind][index], *rest) for kind, index, *rest in rows.citations]
        problems = [(p.line, p.message, p.hint, p.severity) for p in part.problems]
        stored.append((file, part.key, marshal.dumps(part.summary, 4), marshal.dumps(problems, 4)))
    con.executemany("INSERT INTO entity VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", entities)
    con.executemany("INSERT INTO name (entity_id, text, folded, kind) VALUES (?, ?, ?, ?)", names)
    con.executemany("INSERT INTO entity_fts (rowid, names, description) VALUES (?, ?, ?)", fts)
    con.executemany("INSERT INTO entity_chars (rowid, names) VALUES (?, ?)", chars)
    con.executemany("INSERT INTO relation VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", relations)
    con.executemany("INSERT INTO fact VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", facts)
    con.executemany(
        "INSERT INTO citation (owner_kind, owner, source_id, quote, via, ordinal) VALUES (?, ?, ?, ?, ?, ?)",
        citations,
    )
    con.executemany("INSERT INTO part VALUES (?, ?, ?, ?)", stored)
