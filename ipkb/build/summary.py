"""What the KB-wide checks (ipkb.build.kb_checks) need of one file: its summary, as plain tuples.

The store keeps each file's summary, so a rebuild need not read unchanged files again; the summaries of
entities, relations and facts are made from their rows, so rows read back from the store (a rebuild in
place, ipkb.build.inplace) are summarized by the same functions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ipkb.build.record_checks import FileRecords
from ipkb.model import EntityRecord, Fact, FormerName, RelationRecord
from ipkb.roles import Roles

if TYPE_CHECKING:
    from ipkb.build.parts import Rows

# What the KB-wide checks need of a file, as plain tuples (cheap to keep in the store and to load again, so a
# rebuild need not re-read unchanged files). Lines are within the file the summary belongs to.
Text = str | None
# id, type, zh, line, has a note, since, until, date (a source's publication date), url (a source's address)
EntityKey = tuple[str, str, Text, int, bool, Text, Text, Text, Text]
# from, type, to, qualifiers (canonical JSON), line, its date (since, date or year), status is planned
RelationKey = tuple[str, str, str, str, int, Text, bool]
# entity, line, metric, period, scope (canonical JSON), kind, unit, value (canonical text), conflict
FactKey = tuple[str, int, str, Text, str, str, Text, str, bool]
# source, via, line, when the claim it backs begins (an actual fact's period, a relation's date; else None)
CitationKey = tuple[str, Text, int, Text]
Summary = tuple[list[EntityKey], list[RelationKey], list[FactKey], list[CitationKey]]


def entity_key(row: Mapping[str, Any]) -> EntityKey:
    """An entity's summary from its row (ipkb.build.parts.to_rows, or the store's `entity` table)."""
    fields = row["fields"]
    dated = json.loads(fields) if fields != "{}" and any(k in fields for k in _READ) else {}
    return (
        row["id"],
        row["type"],
        row["zh"],
        row["line"] or 1,
        bool(row["note"]),
        dated.get("since"),
        dated.get("until"),
        dated.get("date"),
        dated.get("url"),
    )


_READ = ('"since"', '"until"', '"date"', '"url"')  # the fields an entity's summary holds


def relation_key(row: Mapping[str, Any], roles: Roles) -> RelationKey:
    """A relation's summary from its row; its qualifiers' JSON (keys sorted) is their canonical text."""
    qualifiers = row["qualifiers"]
    values = json.loads(qualifiers) if qualifiers != "{}" else {}
    start = roles.start_of(values)
    return (
        row["source_id"],
        row["type"],
        row["target_id"],
        qualifiers,
        row["line"] or 1,
        None if start is None else str(start),
        roles.is_planned(values),
    )


def fact_key(row: Mapping[str, Any]) -> FactKey:
    """A fact's summary from its row; 17 and 17.0 are one value."""
    value = json.loads(row["value"])
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = str(int(value)) if float(value).is_integer() else repr(float(value))
    else:
        text = str(value)
    if row["bound"]:  # "more than 600" and "600" are different claims
        text = f"{row['bound']} {text}"
    return (
        row["entity_id"],
        row["line"] or 1,
        row["metric"],
        row["period"],
        row["scope"],
        row["kind"],
        row["unit"],
        text,
        bool(row["conflict"]),
    )


def summarize(records: FileRecords, rows: Rows, roles: Roles) -> Summary:
    """A file's summary: its entities, relations and facts from the rows it puts in the store (so that a
    rebuild in place summarizes stored rows the same way), its citations from its records (the citations of
    former names are not rows)."""

    def dated(r: RelationRecord) -> str | None:
        start = roles.start_of(r.qualifiers)
        return None if start is None else str(start)

    # One object for equal strings (one(text, text)): a file's summary repeats ids, types and qualifiers, and the
    # build holds every file's summary (15 % of its peak memory at 100k).
    shared: dict[str, str] = {}
    one = shared.setdefault

    def relation(row: Mapping[str, Any]) -> RelationKey:
        source_id, type_name, target_id, qualifiers, *rest = relation_key(row, roles)
        ends = (one(source_id, source_id), one(type_name, type_name), one(target_id, target_id))
        return (*ends, one(qualifiers, qualifiers), *rest)  # type: ignore[return-value]

    claims: list[tuple[EntityRecord | FormerName | RelationRecord | Fact, str | None]]
    claims = [(e, None) for e in records.entities]
    claims += [(former, None) for e in records.entities for former in e.former_names]
    claims += [(r, None if roles.is_planned(r.qualifiers) else dated(r)) for r in records.relations]
    claims += [(f, f.period if f.kind == "actual" else None) for f in records.facts]
    return (
        [entity_key(row) for row in rows.entities],
        [relation(row) for row in rows.relations],
        [fact_key(row) for row in rows.facts],
        [
            (one(c.source, c.source), c.via, c.position.line if c.position else 1, claim)
            for owner, claim in claims
            for c in owner.sources
        ],
    )
