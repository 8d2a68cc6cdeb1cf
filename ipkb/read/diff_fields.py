"""How one record changed between two revisions, field by field: which values, list items and citations differ.

A field's place in its file (its line) is not a change, nor is the order of a record's citations."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ipkb.model import Citation, EntityRecord, Fact, FormerName, RelationRecord
    from ipkb.shapes import Citation as CitationView
    from ipkb.shapes import FormerName as FormerNameView
    from ipkb.shapes import NameCitation
    from ipkb.shapes_diff import CitationEdit, CitationsChange, FieldChanges, FieldValue

# an entity's single-valued fields, in the order a record is written
ENTITY_VALUES = ("type", "name", "zh", "pinyin", "description", "since", "until")
CLAIM_VALUES = ("confidence", "note")  # every record's, written last


def cites(citations: tuple[Citation, ...]) -> list[CitationView]:
    return [c.as_dict() for c in citations]


def _key(citation: CitationView) -> tuple[str, str | None, str | None]:
    return citation["source"], citation["quote"], citation.get("via")


def citations_change(before: tuple[Citation, ...], after: tuple[Citation, ...]) -> CitationsChange | None:
    """The citations only one side has, as many times as it has them more; a source that lost one quote and
    gained another is one citation `changed`. None when both sides cite the same (in any order)."""
    was, now = cites(before), cites(after)
    surplus_was = Counter(map(_key, was)) - Counter(map(_key, now))
    surplus_now = Counter(map(_key, now)) - Counter(map(_key, was))
    removed = _take(was, surplus_was)
    added = _take(now, surplus_now)
    if not removed and not added:
        return None
    changed: list[CitationEdit] = []
    for old in list(removed):
        new = next((c for c in added if c["source"] == old["source"]), None)
        if new is not None:
            changed.append({"from": old, "to": new})
            removed.remove(old)
            added.remove(new)
    return {"added": added, "removed": removed, "changed": changed}


def _take(citations: list[CitationView], counts: Counter[tuple[str, str | None, str | None]]) -> list[CitationView]:
    out = []
    for citation in citations:
        if counts[_key(citation)] > 0:
            counts[_key(citation)] -= 1
            out.append(citation)
    return out


def _values(fields: FieldChanges, names: tuple[str, ...], old: Any, new: Any) -> None:
    for name in names:
        was, now = getattr(old, name), getattr(new, name)
        if was != now:
            fields[name] = {"from": was, "to": now}


def _mapping(fields: FieldChanges, prefix: str, old: dict[str, FieldValue], new: dict[str, FieldValue]) -> None:
    for key in [*old, *(k for k in new if k not in old)]:
        if old.get(key) != new.get(key):
            fields[f"{prefix}{key}"] = {"from": old.get(key), "to": new.get(key)}


def _claim(fields: FieldChanges, old: Any, new: Any) -> FieldChanges:
    _values(fields, CLAIM_VALUES, old, new)
    sources = citations_change(old.sources, new.sources)
    if sources is not None:
        fields["sources"] = sources
    return fields


def _former_name(f: FormerName) -> FormerNameView:
    cited: list[NameCitation] = [{"source": c.source, "quote": c.quote, "via": c.via} for c in f.sources]
    return {"name": f.name, "zh": f.zh, "until": f.until, "sources": cited}


def entity_fields(old: EntityRecord, new: EntityRecord) -> FieldChanges:
    """The fields of an entity that differ: values `from` -> `to` (None where absent), aliases and former names
    as items added and removed, attributes and the type's own fields key by key, then confidence, note, sources."""
    fields: FieldChanges = {}
    _values(fields, ENTITY_VALUES, old, new)
    aliases = [a for a in new.aliases if a not in old.aliases], [a for a in old.aliases if a not in new.aliases]
    if any(aliases):
        fields["aliases"] = {"added": aliases[0], "removed": aliases[1]}
    was, now = [_former_name(f) for f in old.former_names], [_former_name(f) for f in new.former_names]
    names = [f for f in now if f not in was], [f for f in was if f not in now]
    if any(names):
        fields["former_names"] = {"added": names[0], "removed": names[1]}
    _mapping(fields, "", old.fields, new.fields)
    _mapping(fields, "attributes.", old.attributes, new.attributes)
    return _claim(fields, old, new)


def relation_fields(old: RelationRecord, new: RelationRecord) -> FieldChanges:
    """The fields of a relation (the same ends, type and qualifiers) that differ: confidence, note, sources."""
    return _claim({}, old, new)


def fact_fields(old: Fact, new: Fact) -> FieldChanges:
    """The fields of a fact (the same entity, metric, period, kind and scope) that differ."""
    fields: FieldChanges = {}
    _values(fields, ("value", "unit", "conflict"), old, new)
    return _claim(fields, old, new)
