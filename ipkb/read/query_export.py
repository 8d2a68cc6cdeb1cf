"""The store's reads for exports and their graph (`ipkb.export.graph`, `ipkb.export.graph_data`, `ipkb.export.*`).

Part of the read layer with `query.py` (`Store`) and `query_analysis.py`: these three modules hold every
read-side SELECT, so the graph and the exporters are pure functions of the rows read here. Functions take a
`Store` and read through its `rows` (a list) or `cursor` (one row at a time, for streaming exports, which
must never hold the whole KB). stdlib only: a query command never imports this module, and an export imports
nothing heavier through it.

Rows are `sqlite3.Row`s; "an entity row" has every column of the `entity` table (id, type, name, zh,
pinyin, description, attributes, confidence, note, fields, former_names, ...), "a relation row" every column
of `relation` (its `rowid` included: what `Store.edge_of` reads), "a fact row" every column of `fact`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ipkb.read.query import Store

# The KB's order of relations: where they are written, then rowid only to break a tie.
RELATION_ORDER = "file, line, rowid"
# where facts are written, rowid only to break a tie
FACT_ORDER = "entity_id, metric, period, file, line, rowid"
# A relation `r` the graph keeps (as build_graph does: both ends are nodes), for the streamed queries
BOTH_ENDS = " AND ".join(f"EXISTS (SELECT 1 FROM entity e WHERE e.id = r.{end})" for end in ("source_id", "target_id"))


def entity_rows(store: Store) -> list[sqlite3.Row]:
    """Every entity row, in id order (a filtered graph's nodes come from these)."""
    return store.rows("SELECT * FROM entity ORDER BY id")


def stream_entity_rows(store: Store) -> Iterator[sqlite3.Row]:
    """Every entity row, in id order, one at a time."""
    return store.cursor("SELECT * FROM entity ORDER BY id")


def stream_entity_ids(store: Store) -> Iterator[sqlite3.Row]:
    """Rows with one column, `id`, of every entity in id order, one at a time."""
    return store.cursor("SELECT id FROM entity ORDER BY id")


def entity_type_rows(store: Store) -> list[sqlite3.Row]:
    """Rows (`id`, `type`) of every entity, in id order."""
    return store.rows("SELECT id, type FROM entity ORDER BY id")


def stream_kept_relations(store: Store) -> Iterator[sqlite3.Row]:
    """Relation rows whose both ends are entities, in no particular order, one at a time."""
    return store.cursor(f"SELECT * FROM relation r WHERE {BOTH_ENDS}")


def stream_kept_relations_cited(store: Store) -> Iterator[sqlite3.Row]:
    """Relation rows whose both ends are entities, by source id then KB order, each once per citation.

    Besides the relation's columns (and `rowid`): `cite_source`, `cite_quote`, `cite_via` of one of its
    citations, in their order (all three None for a relation that cites nothing).
    """
    return store.cursor(
        "SELECT r.*, c.source_id AS cite_source, c.quote AS cite_quote, c.via AS cite_via FROM relation r "
        "LEFT JOIN citation c ON c.owner_kind = 'relation' AND c.owner = CAST(r.rowid AS TEXT) "
        f"WHERE {BOTH_ENDS} ORDER BY r.source_id, {_of('r', RELATION_ORDER)}, c.ordinal"
    )


# A citation `c` of an entity that cites another entity of the KB (what a `cites` edge joins)
# (its owner is an entity: an entity's citations are stored with it)
CITES_ENTITY = (
    "c.owner_kind = 'entity' AND c.source_id <> c.owner AND EXISTS (SELECT 1 FROM entity e WHERE e.id = c.source_id)"
)


def stream_entity_citations(store: Store) -> Iterator[sqlite3.Row]:
    """Rows (`entity_id`, `source_id`, `quote`) of every entity's own citations of another entity of the KB,
    by entity id then in their order, one at a time (the `cites` edges of a streamed graph)."""
    return store.cursor(
        "SELECT c.owner AS entity_id, c.source_id, c.quote FROM citation c "
        f"WHERE {CITES_ENTITY} ORDER BY c.owner, c.ordinal"
    )


def entity_citation_pairs(store: Store) -> list[sqlite3.Row]:
    """Distinct rows (`entity_id`, `source_id`): which entity cites which other entity of the KB."""
    return store.rows(f"SELECT DISTINCT c.owner AS entity_id, c.source_id FROM citation c WHERE {CITES_ENTITY}")


def count_entities(store: Store, leaving_out: Iterable[str] = ()) -> int:
    """Entities, but for those of the types `leaving_out`."""
    (nodes,) = store.rows("SELECT count(*) FROM entity")[0]
    if leaving_out:
        (left,) = store.rows(
            "SELECT count(*) FROM entity WHERE type IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(leaving_out)),),
        )[0]
        nodes -= left
    return int(nodes)


def count_kept_relations(store: Store, leaving_out: Iterable[str] = ()) -> int:
    """Relations whose both ends are entities (what the whole KB's graph has as edges, time aside), but for
    those with an end of the types `leaving_out`."""
    (edges,) = store.rows(f"SELECT count(*) FROM relation r WHERE {BOTH_ENDS}")[0]
    if leaving_out:  # few entities (sources): find their relations by index, not by every relation's ends
        of_types = "(SELECT id FROM entity WHERE type IN (SELECT value FROM json_each(?)))"
        types = json.dumps(sorted(leaving_out))
        (touching,) = store.rows(
            f"SELECT count(*) FROM relation r WHERE (r.source_id IN {of_types} OR r.target_id IN {of_types}) "
            f"AND {BOTH_ENDS}",
            (types, types),
        )[0]
        edges -= touching
    return int(edges)


def stream_source_fields(store: Store, source_types: Iterable[str]) -> Iterator[sqlite3.Row]:
    """Rows (`id`, `fields` as JSON text) of every entity of these types, one at a time."""
    return store.cursor(
        "SELECT id, fields FROM entity WHERE type IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(source_types)),),
    )


def entity_type_descriptions(store: Store) -> dict[str, str | None]:
    """Entity type name -> its description."""
    return {r["name"]: r["description"] for r in store.rows("SELECT name, description FROM entity_type")}


def alias_rows(store: Store, ids: list[str]) -> list[sqlite3.Row]:
    """Rows (`entity_id`, `text`) of these entities' aliases, in the order they were written (per batch)."""
    out: list[sqlite3.Row] = []
    for chunk in chunks(ids):
        marks = ",".join("?" * len(chunk))
        out += store.rows(
            f"SELECT entity_id, text FROM name WHERE kind = 'alias' AND entity_id IN ({marks}) ORDER BY rowid", chunk
        )
    return out


def fact_rows(store: Store, ids: list[str]) -> list[sqlite3.Row]:
    """Fact rows of these entities, by entity (per batch), metric, period, then KB order."""
    rows: list[sqlite3.Row] = []
    for chunk in chunks(ids):
        marks = ",".join("?" * len(chunk))
        rows += store.rows(f"SELECT * FROM fact WHERE entity_id IN ({marks}) ORDER BY {FACT_ORDER}", chunk)
    return rows


BATCH = 500  # entities read (and looked up with IN) at a time


def chunks(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _of(table: str, columns: str) -> str:
    """`a, b` -> `t.a, t.b`."""
    return ", ".join(f"{table}.{column}" for column in columns.split(", "))
