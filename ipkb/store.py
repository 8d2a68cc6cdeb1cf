"""The compiled store: a cheap staleness check, and a build that is atomic (temp file + rename).

Queries never import this module's heavy parts: sqlmodel and the validator load only in `build`.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from ipkb.errors import InvalidKnowledgeBase, IpkbError
from ipkb.model import KnowledgeBase, Problem
from ipkb.paths import yaml_files

STORE_VERSION = "3"  # bump when the tables or what goes into them change


def stat_signature(kb: Path) -> str:
    """Path, size and mtime of every YAML file: changes when any file is edited, added, removed or renamed."""
    rows = []
    for path in yaml_files(kb):
        st = path.stat()
        rows.append([str(path.relative_to(kb)), st.st_size, st.st_mtime_ns])
    return json.dumps([STORE_VERSION, str(kb), rows])


def content_hash(kb: Path) -> str:
    digest = hashlib.sha256(STORE_VERSION.encode())
    for path in yaml_files(kb):
        digest.update(str(path.relative_to(kb)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


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
    if meta.get("stat_signature") == stat_signature(kb):
        return True
    return meta.get("content_hash") == content_hash(kb)  # touched but unchanged


def ensure_built(kb: Path, db: Path) -> Path:
    """Build the database if it is missing, stale or corrupt; return its path."""
    if not is_fresh(kb, db):
        build(kb, db)
    return db


def build(kb: Path, db: Path) -> list[Problem]:
    """Validate the KB and compile it into `db`. Raises InvalidKnowledgeBase on any error.

    The cyclic garbage collector is paused meanwhile: a build allocates millions of small objects and
    frees almost none, so the collector's passes cost time (about a third of a 10k build) and find nothing.
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
    import tempfile

    from ipkb.validate import validate_folder

    signature = stat_signature(kb)
    digest = content_hash(kb)
    schema, knowledge, problems = validate_folder(kb)
    if any(p.severity == "error" for p in problems):
        raise InvalidKnowledgeBase(problems)
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
        _write(
            tmp,
            schema,
            knowledge,
            problems,
            {"store_version": STORE_VERSION, "stat_signature": signature, "content_hash": digest, "kb_path": str(kb)},
        )
        os.replace(tmp, db)
    finally:
        tmp.unlink(missing_ok=True)
    return problems


def _write(path: Path, schema: Any, knowledge: KnowledgeBase, problems: list[Problem], meta: dict[str, str]) -> None:
    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    from ipkb import tables
    from ipkb.derive import name_rows, pinyin_of

    kb_parent = Path(meta["kb_path"]).parent

    stored_paths: dict[str, str] = {}
    cwd = Path.cwd()

    def where(position: Any) -> tuple[str, int]:
        """A record's file relative to the KB's parent (kb/entities/x.yaml), wherever the build ran."""
        if position is None:
            return "", 0
        if position.file not in stored_paths:
            try:
                stored_paths[position.file] = str((cwd / position.file).relative_to(kb_parent))
            except ValueError:
                stored_paths[position.file] = position.file
        return stored_paths[position.file], position.line

    engine = create_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()

    def js(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        try:
            con.execute(tables.FTS_DDL)
        except sqlite3.OperationalError:  # SQLite < 3.43 has no contentless_delete
            con.execute(tables.FTS_DDL_FALLBACK)
        con.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        con.executemany(
            "INSERT INTO entity_type VALUES (?, ?, ?)",
            [(t.name, t.group, t.description) for t in schema.entity_types.values()],
        )
        con.executemany(
            "INSERT INTO relation_type VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    r.name,
                    r.label,
                    r.inverse,
                    r.containment,
                    None if r.domain is None else js(sorted(r.domain)),
                    None if r.range is None else js(sorted(r.range)),
                    js(list(r.qualifiers)),
                )
                for r in schema.relation_types.values()
            ],
        )
        con.executemany(
            "INSERT INTO metric VALUES (?, ?, ?, ?, ?)",
            [(m.name, m.unit, m.description, m.counts_relation, m.counts_direction) for m in schema.metrics.values()],
        )
        entity_rows, names, fts, citations = [], [], [], []
        for rowid, e in enumerate(sorted(knowledge.entities.values(), key=lambda e: e.id), start=1):
            pinyin = e.pinyin or (pinyin_of(e.zh, e.type) if e.zh else None)
            entity_rows.append(
                (
                    rowid,
                    e.id,
                    e.type,
                    e.name,
                    e.zh,
                    pinyin,
                    e.description,
                    js(e.attributes),
                    js(e.fields),
                    e.confidence,
                    e.note,
                    *where(e.position),
                )
            )
            rows = name_rows(e, pinyin)
            names += [(e.id, text, folded, kind) for text, folded, kind in rows]
            fts.append((rowid, " | ".join(dict.fromkeys(text for text, _, _ in rows)), e.description or ""))
            citations += [("entity", e.id, c.source, c.quote, c.via, i) for i, c in enumerate(e.sources)]
        con.executemany("INSERT INTO entity VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", entity_rows)
        con.executemany("INSERT INTO name (entity_id, text, folded, kind) VALUES (?, ?, ?, ?)", names)
        con.executemany("INSERT INTO entity_fts (rowid, names, description) VALUES (?, ?, ?)", fts)
        relation_rows = []
        for rowid, r in enumerate(knowledge.relations, start=1):
            relation_rows.append(
                (rowid, r.source_id, r.type, r.target_id, js(r.qualifiers), r.confidence, r.note, *where(r.position))
            )
            citations += [("relation", str(rowid), c.source, c.quote, c.via, i) for i, c in enumerate(r.sources)]
        con.executemany("INSERT INTO relation VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", relation_rows)
        fact_rows = []
        for rowid, f in enumerate(knowledge.facts, start=1):
            fact_rows.append(
                (
                    rowid,
                    f.entity,
                    f.metric,
                    js(f.value),
                    f.unit,
                    f.period,
                    f.kind,
                    js(f.scope),
                    f.confidence,
                    f.note,
                    *where(f.position),
                )
            )
            citations += [("fact", str(rowid), c.source, c.quote, c.via, i) for i, c in enumerate(f.sources)]
        con.executemany("INSERT INTO fact VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", fact_rows)
        con.executemany(
            "INSERT INTO citation (owner_kind, owner, source_id, quote, via, ordinal) VALUES (?, ?, ?, ?, ?, ?)",
            citations,
        )
        con.executemany(
            "INSERT INTO problem (file, line, message, hint, severity) VALUES (?, ?, ?, ?, ?)",
            [(p.file, p.line, p.message, p.hint, p.severity) for p in problems],
        )
        con.commit()
    finally:
        con.close()
