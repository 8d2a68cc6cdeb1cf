"""The `diff` document (ipkb/read/diff.py builds it): what changed between two revisions of the KB, record by
record and field by field. Beside ipkb/shapes.py, whose parts it uses, and like it imported by other modules only
under TYPE_CHECKING, and without `from __future__ import annotations` for the same reason (test_shapes.py)."""

from typing import Any, Generic, Literal, TypedDict, TypeVar

from ipkb.shapes import Citation, EntityRef, FactValue, FormerName, Qualifiers


class NameChange(TypedDict):
    name: str
    zh: str | None


Renamed = TypedDict("Renamed", {"id": str, "from": NameChange, "to": NameChange})
RelationChange = TypedDict(
    "RelationChange",
    {"from": str, "type": str, "to": str, "qualifiers": Qualifiers, "sources": list[Citation]},
)

T = TypeVar("T")


class AddedRemoved(TypedDict, Generic[T]):
    added: list[T]
    removed: list[T]


FieldValue = str | int | float | bool | None  # one value of a record's field, None where it has none
ValueChange = TypedDict("ValueChange", {"from": FieldValue, "to": FieldValue})  # a single value, e.g. zh or note
CitationEdit = TypedDict("CitationEdit", {"from": Citation, "to": Citation})  # the same source, other words


class CitationsChange(AddedRemoved[Citation]):
    """A record's sources: citations added, removed, and `changed` (one of a source's citations rewritten)."""

    changed: list[CitationEdit]


# How one field of a record changed: a value (name, zh, description, note, attributes.KEY, ...) `from` -> `to`;
# a list (aliases, former_names) by the items added and removed; sources as citations.
FieldChange = ValueChange | AddedRemoved[str] | AddedRemoved[FormerName] | CitationsChange
FieldChanges = dict[str, FieldChange]  # field name -> how it changed, in the order the record's fields are read


class ChangedEntity(EntityRef):  # the entity as it is now, with the fields that changed
    fields: FieldChanges


class ChangedRelation(RelationChange):  # a relation with the same ends, type and qualifiers in both revisions
    fields: FieldChanges


class FactChange(TypedDict):
    entity: str
    metric: str
    period: str | None
    kind: str
    scope: Qualifiers
    value: FactValue
    bound: str | None  # the value is a bound the source gives (more_than, about, ...; ipkb.figures)
    unit: str | None
    sources: list[Citation]


class ChangedFact(FactChange):
    old_value: FactValue
    old_unit: str | None
    fields: FieldChanges


# a record whose citations changed: `what` names it (an entity's id, a relation's or a fact's key), `from` and
# `to` are its citations before and after, and `added`, `removed`, `changed` what differs, as CitationsChange
CitationChange = TypedDict(
    "CitationChange",
    {
        "what": str,
        "kind": Literal["entity", "relation", "fact"],
        "from": list[Citation],
        "to": list[Citation],
        "added": list[Citation],
        "removed": list[Citation],
        "changed": list[CitationEdit],
    },
)


class EntityChanges(AddedRemoved[EntityRef]):
    renamed: list[Renamed]  # the changed entities whose name or Chinese name changed
    changed: list[ChangedEntity]


class RelationChanges(AddedRemoved[RelationChange]):
    changed: list[ChangedRelation]


class FactChanges(AddedRemoved[FactChange]):
    changed: list[ChangedFact]


class Changes(TypedDict):
    entities: EntityChanges
    relations: RelationChanges
    facts: FactChanges
    citations_changed: list[CitationChange]


DiffEnds = TypedDict("DiffEnds", {"from": str, "to": str})  # the two revisions compared


class Diff(DiffEnds, Changes):
    """`diff`: the revisions, then the changes."""


DOCUMENTS: dict[str, Any] = {"diff": Diff}  # beside shapes.DOCUMENTS
