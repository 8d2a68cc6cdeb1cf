"""The schema's roles: which relation, qualifier, status and entity types the code relies on, by role.

kb/schema.yaml names them (`roles:`, and `colour`, `zh`, `pinyin` of each entity type); `ipkb.build.schema`
reads them into a `Roles`, the build keeps it in the store's meta table as JSON, and a query reads it
back with `Store.roles()`, so no Python module outside schema.py names a relation or entity type. Light on
purpose (no dataclasses, no YAML): every query may load it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple


class Roles(NamedTuple):
    location: str | None = None  # the relation that places an entity within a place (`list --in`)
    hosted_at: tuple[str, ...] = ()  # relations from a place to what it hosts: that too lies there, by inference
    designation: str | None = None  # the relation from a holder to the designation it holds
    office: str | None = None  # the relation from a person to the body or place where they hold a post
    start: tuple[str, ...] = ()  # the qualifiers that date a relation's start, the first given wins
    end: tuple[str, ...] = ()  # the qualifiers that date its end
    seen: tuple[str, ...] = ()  # on the office relation without since or until: the day or year a source saw it
    planned: tuple[str, str] | None = None  # (qualifier, value) that marks a relation as only planned
    announced: tuple[str, str] | None = None  # (qualifier, value) that marks one only announced, pending a decision
    places: frozenset[str] = frozenset()  # entity types that are places: they exist at any date
    sources: frozenset[str] = frozenset()  # entity types whose entities are the sources that records cite
    colours: Mapping[str, str] = {}  # entity type -> `#rrggbb` in drawn exports
    pinyin: Mapping[str, str] = {}  # entity type -> how its Chinese names are romanised: place | person
    zh: Mapping[str, str] = {}  # entity type -> its Chinese label (RDF exports)

    def is_planned(self, qualifiers: Mapping[str, Any]) -> bool:
        return self.planned is not None and qualifiers.get(self.planned[0]) == self.planned[1]

    def is_announced(self, qualifiers: Mapping[str, Any]) -> bool:
        """Only announced (a public notice before the final decision): taken as holding, but said so."""
        return self.announced is not None and qualifiers.get(self.announced[0]) == self.announced[1]

    def dating(self, relation_type: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """The qualifiers that date a relation of this type: (start, end, seen). A post (the office relation)
        dated only by a day or year a source saw it held has no known start: that day is `seen`."""
        if relation_type == self.office and self.seen:
            return tuple(k for k in self.start if k not in self.seen), self.end, self.seen
        return self.start, self.end, ()

    def start_of(self, qualifiers: Mapping[str, Any]) -> Any:
        """The first start qualifier a relation gives, or None."""
        if not qualifiers:  # most relations have none
            return None
        return next((qualifiers[k] for k in self.start if qualifiers.get(k) is not None), None)

    def to_json(self) -> str:
        return json.dumps({k: sorted(v) if isinstance(v, frozenset) else v for k, v in self._asdict().items()})

    @classmethod
    def from_json(cls, text: str | None) -> Roles:
        """The roles a build stored (none when `text` is None: a store built without them)."""
        if not text:
            return cls()
        data = json.loads(text)
        planned, announced = data.get("planned"), data.get("announced")
        return cls(
            location=data.get("location"),
            hosted_at=tuple(data.get("hosted_at") or ()),
            designation=data.get("designation"),
            office=data.get("office"),
            start=tuple(data.get("start") or ()),
            end=tuple(data.get("end") or ()),
            seen=tuple(data.get("seen") or ()),
            planned=(str(planned[0]), str(planned[1])) if planned else None,
            announced=(str(announced[0]), str(announced[1])) if announced else None,
            places=frozenset(data.get("places") or ()),
            sources=frozenset(data.get("sources") or ()),
            colours=dict(data.get("colours") or {}),
            pinyin=dict(data.get("pinyin") or {}),
            zh=dict(data.get("zh") or {}),
        )
