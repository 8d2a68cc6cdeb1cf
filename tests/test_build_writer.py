"""The writer's share of a build: rows arrive from the workers as tuples (batch.Batch), and the new store's
indexes are made while the KB-wide checks run (StoreWriter.index_meanwhile); see docs/performance.md."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from ipkb.build import parts
from ipkb.build.parts import Source, read_part
from ipkb.build.schema import Schema, load_schema
from ipkb.build.store import build
from ipkb.build.writer import StoreWriter


def schema_of(kb: Path) -> Schema:
    return load_schema(kb / "schema.yaml", "schema.yaml", [])


def sources(kb: Path) -> list[Source]:
    return [
        Source(path, f"kb/{folder}/{path.name}", folder, "")
        for folder in ("entities", "relations", "facts")
        for path in sorted((kb / folder).glob("*.yaml"))
    ]


def test_a_worker_sends_its_rows_as_a_batch_only(mini_kb: Path) -> None:
    """What crosses to the writer is the tuples it inserts, not the rows keyed by column as well."""
    parts._worker_schema = schema_of(mini_kb)
    try:
        for source in sources(mini_kb):
            part = parts._read_in_worker(source)
            assert part.rows is None and part.batch is not None, source.name
            assert len(part.batch.entities) == len(part.summary[0]), source.name
            assert len(part.batch.relations) == len(part.summary[1]), source.name
    finally:
        parts._worker_schema = None


def test_rows_from_batches_fill_the_store_as_rows_keyed_by_column_did(mini_kb: Path, tmp_path: Path) -> None:
    """Every column the writer's tuples name is the table's, and no column is left out (a NULL would pass)."""
    build(mini_kb, tmp_path / "kb.sqlite")
    con = sqlite3.connect(tmp_path / "kb.sqlite")
    try:
        for table in ("entity", "relation", "fact", "citation", "name"):
            columns = [row[1] for row in con.execute(f"PRAGMA table_info({table})")]
            for column in columns:
                if column in ("note", "quote", "via", "zh", "pinyin", "description", "unit", "period", "bound"):
                    continue  # may be NULL by nature
                nulls = con.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} IS NULL").fetchone()[0]
                assert nulls == 0, (table, column)
        chars = con.execute("SELECT COUNT(*) FROM entity e JOIN entity_chars c ON c.rowid = e.chars_rowid")
        assert chars.fetchone()[0] == con.execute("SELECT COUNT(*) FROM entity").fetchone()[0]
    finally:
        con.close()


def test_tuples_missing_a_column_are_refused(mini_kb: Path, tmp_path: Path) -> None:
    out = StoreWriter.new(tmp_path / "new.sqlite", schema_of(mini_kb))
    try:
        part = read_part(sources(mini_kb)[0], schema_of(mini_kb))
        assert part.rows is not None
        for row in part.rows.entities:
            del row["confidence"]
        with pytest.raises(sqlite3.ProgrammingError, match="confidence"):
            out.add(part)
    finally:
        out.close()


def test_the_indexes_made_meanwhile_are_in_the_store(mini_kb: Path, tmp_path: Path) -> None:
    out = StoreWriter.new(tmp_path / "new.sqlite", schema_of(mini_kb))
    wanted = set(out.deferred)
    assert wanted
    try:
        for source in sources(mini_kb):
            out.add(read_part(source, schema_of(mini_kb)))
        out.index_meanwhile()
        out.finish([], {"made_by": "test"})
        made = {sql for (sql,) in out.con.execute("SELECT sql FROM sqlite_master WHERE type = 'index'") if sql}
        assert made == wanted
    finally:
        out.close()


def test_an_index_that_fails_meanwhile_fails_the_build(mini_kb: Path, tmp_path: Path) -> None:
    out = StoreWriter.new(tmp_path / "new.sqlite", schema_of(mini_kb))
    out.deferred.append("CREATE INDEX broken ON no_such_table (x)")
    try:
        out.index_meanwhile()
        with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
            out.finish([], {"made_by": "test"})
    finally:
        out.close()


def test_a_build_stopped_while_indexing_closes_at_once(mini_kb: Path, tmp_path: Path) -> None:
    """A build the checks find errors in drops its store without waiting for its indexes."""
    out = StoreWriter.new(tmp_path / "new.sqlite", schema_of(mini_kb))
    out.deferred = ["WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT COUNT(*) FROM n"]
    out.index_meanwhile()
    closing = threading.Thread(target=out.close, daemon=True)
    closing.start()
    closing.join(timeout=20)
    assert not closing.is_alive()  # close interrupted the endless statement instead of waiting for it


class _Recording:
    """A connection that notes the rowids of the rows each statement puts into a full-text index."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        self.rowids: dict[str, list[int]] = {"entity_chars": [], "entity_syllables": []}

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> sqlite3.Cursor:
        for table, seen in self.rowids.items():
            if sql.startswith(f"INSERT INTO {table} "):
                seen += [row[0] for row in rows]
        return self.con.executemany(sql, rows)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.con, name)


def written(kb: Path, db: Path, held: int | None = None) -> _Recording:
    out = StoreWriter.new(db, schema_of(kb))
    if held is not None:
        out.SORTED_ROWS = held
    recording = _Recording(out.con)
    out.con = recording  # type: ignore[assignment]
    try:
        for source in sources(kb):
            out.add(read_part(source, schema_of(kb)))
        out.index_meanwhile()
        out.finish([], {"made_by": "test"})
    finally:
        out.con = recording.con
        out.close()
    return recording


def index_terms(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every token of the two indexes whose rowids follow names' lengths: term, row, column, offset."""
    con = sqlite3.connect(db)
    try:
        out = {}
        for table in ("entity_chars", "entity_syllables"):
            con.execute(f"CREATE VIRTUAL TABLE temp.v_{table} USING fts5vocab(main, {table}, instance)")
            out[table] = con.execute(f"SELECT * FROM temp.v_{table} ORDER BY 1, 2, 3, 4").fetchall()
        return out
    finally:
        con.close()


def test_rows_of_the_length_ordered_indexes_go_in_by_rowid(mini_kb: Path, tmp_path: Path) -> None:
    """FTS5 writes a segment whenever a row's rowid is not above the last one's; entity_chars' rowids put the
    shortest names first, so rows in file order made a segment almost a row (3 s of a 100k build)."""
    recording = written(mini_kb, tmp_path / "new.sqlite")
    for table, rowids in recording.rowids.items():
        assert len(rowids) > 5, table
        assert rowids == sorted(rowids), table


def test_rows_held_back_for_the_order_all_reach_the_index(mini_kb: Path, tmp_path: Path) -> None:
    """However many rows are held back before they go in, the index holds the same tokens in the same rows,
    and every entity has its row."""
    one_by_one = written(mini_kb, tmp_path / "one.sqlite", held=1)
    assert one_by_one.rowids["entity_chars"] != sorted(one_by_one.rowids["entity_chars"])  # the test can tell
    written(mini_kb, tmp_path / "all.sqlite")
    written(mini_kb, tmp_path / "some.sqlite", held=5)
    expected = index_terms(tmp_path / "one.sqlite")
    assert expected["entity_chars"] and expected["entity_syllables"]
    assert index_terms(tmp_path / "all.sqlite") == expected
    assert index_terms(tmp_path / "some.sqlite") == expected
    con = sqlite3.connect(tmp_path / "all.sqlite")
    try:
        joined = con.execute("SELECT COUNT(*) FROM entity e JOIN entity_chars c ON c.rowid = e.chars_rowid")
        assert joined.fetchone()[0] == con.execute("SELECT COUNT(*) FROM entity").fetchone()[0]
    finally:
        con.close()


def test_the_trigram_index_writes_larger_segments(mini_kb: Path, tmp_path: Path) -> None:
    """The trigram index holds FTS_HASH_BYTES before it writes a segment: fewer to merge (1 s of a 100k build)."""
    build(mini_kb, tmp_path / "kb.sqlite")
    con = sqlite3.connect(tmp_path / "kb.sqlite")
    try:
        held = con.execute("SELECT v FROM entity_fts_config WHERE k = 'hashsize'").fetchone()
        assert held == (StoreWriter.FTS_HASH_BYTES,)
        assert StoreWriter.FTS_HASH_BYTES > 2**20  # SQLite's default
    finally:
        con.close()
