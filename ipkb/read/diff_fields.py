"""How one record changed between two revisions, field by field: which values, list items and citations differ.

A field's place in its file (its line) is not a change, nor is the order of a record's citations."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ipkb.model import Citation, EntityRecord, Fact, FormerName, RelationRecord
    from ipkb.shapes import Citation as CitationView
    from ipkb.shapes import FormerName as FormerNameView
    from ipkb.shapes import NameCitation
    from ipkb.shapes_diff import CitationEdit, CitationsChange, FieldChanges, FieldValue


def cites(citations: tuple[Citation, ...]) -> list[CitationView]:
    return [c.as_dict() for c in citations]


def _key(citation: CitationView) -> tuple[str, str | None, str | None]:
    return citation["source"], citation["quote"], citation.get("via")


def citations_change(before: tuple[Citation, ...], after: tuple[Citation, ...]) -> CitationsChange | None:
    """The citations only one side has, as many times as it has them more; a source that lost one quote and
    gained another is one citation `changed` (of several gained, the likest). None when both sides cite the
    same (in any order)."""
    was, now = cites(before), cites(after)
    surplus_was = Counter(map(_key, was)) - Counter(map(_key, now))
    surplus_now = Counter(map(_key, now)) - Counter(map(_key, was))
    removed = _take(was, surplus_was)
    added = _take(now, surplus_now)
    if not removed and not added:
        return None
    changed: list[CitationEdit] = []
    for old in list(removed):
        same_source = [c for c in added if c["source"] == old["source"]]
        if same_source:
            new = max(same_source, key=lambda c: _likeness(old["quote"], c["quote"]))  # the first of the likest
            changed.append({"from": old, "to": new})
            removed.remove(old)
            added.remove(new)
    return {"added": added, "removed": removed, "changed": changed}


def _likeness(a: str | None, b: str | None) -> float:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a or "", b or "", autojunk=False).ratio()


def _take(citations: list[CitationView], counts: Counter[tuple[str, str | None, str | None]]) -> list[CitationView]:
    out = []
    for citation in citations:
        if counts[_key(citation)] > 0:
            counts[_key(citation)] -= 1
            out.append(citation)
    return out


def _field_names(record: Any, skip: tuple[str, ...]) -> list[str]:
    """A record's fields in the order its class declares them, but for those that name it (its key) or place it
    (position); a field added to the record later is compared without a change here."""
    return [f.name for f in dataclasses.fields(record) if f.name not in (*skip, "position")]


def _mapping(fields: FieldChanges, prefix: str, old: dict[str, FieldValue], new: dict[str, FieldValue]) -> None:
    for key in [*old, *(k for k in new if k not in old)]:
        if old.get(key) != new.get(key):
            fields[f"{prefix}{key}"] = {"from": old.get(key), "to": new.get(key)}


def _former_name(f: FormerName) -> FormerNameView:
    cited: list[NameCitation] = [{"source": c.source, "quote": c.quote, "via": c.via} for c in f.sources]
    return {"name": f.name, "zh": f.zh, "until": f.until, "sources": cited}


def _compare(old: Any, new: Any, skip: tuple[str, ...]) -> FieldChanges:
    """The fields of `old` and `new` (one record in two revisions) that differ: a value `from` -> `to` (None
    where absent); aliases and former names as the items added and removed; attributes and an entity type's own
    fields key by key (`attributes.KEY`, `KEY`); sources, last, as citations (citations_change)."""
    fields: FieldChanges = {}
    for name in _field_names(old, skip):
        was, now = getattr(old, name), getattr(new, name)
        if name == "sources" or was == now:
            continue
        if name == "aliases":
            fields[name] = {"added": [a for a in now if a not in was], "removed": [a for a in was if a not in now]}
        elif name == "former_names":
            before, after = [_former_name(f) for f in was], [_former_name(f) for f in now]
            added, removed = [f for f in after if f not in before], [f for f in before if f not in after]
            if added or removed:
                fields[name] = {"added": added, "removed": removed}
        elif name in ("attributes", "fields"):
            _mapping(fields, "attributes." if name == "attributes" else "", was, now)
        else:
            fields[name] = {"from": was, "to": now}
    sources = citations_change(old.sources, new.sources)
    if sources is not None:
        fields["sources"] = sources
    return fields


def entity_fields(old: EntityRecord, new: EntityRecord) -> FieldChanges:
    """The fields of an entity (the same id) that differ."""
    return _compare(old, new, ("id",))


def relation_fields(old: RelationRecord, new: RelationRecord) -> FieldChanges:
    """The fields of a relation (the same ends, type and qualifiers) that differ: confidence, note, sources."""
    return _compare(old, new, ("source_id", "type", "target_id", "qualifiers"))


def fact_fields(old: Fact, new: Fact) -> FieldChanges:
    """The fields of a fact (the same entity, metric, period, kind and scope) that differ."""
    return _compare(old, new, ("entity", "metric", "period", "kind", "scope"))
