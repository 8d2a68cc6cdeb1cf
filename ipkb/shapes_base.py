"""The parts of the --json documents that answers share (ipkb/shapes.py re-exports them): small, so an answer
module of ipkb/answers/, whose own TypedDicts build on them at run time, costs a query little to import
(shapes.py as a whole is for mypy, imported under TYPE_CHECKING only). No `from __future__ import
annotations`: `__required_keys__` must see `NotRequired` at run time."""

from typing import Any, Literal, NotRequired, TypedDict

Qualifiers = dict[str, Any]  # a relation's qualifiers or a fact's scope: whichever the schema declares

Direction = Literal["out", "in"]


class Citation(TypedDict):  # one source behind a claim, with its words; `via`: the research note the quote was read in
    source: str
    quote: str | None
    via: NotRequired[str]


class EntityRef(TypedDict):
    id: str
    type: str
    name: str
    zh: str | None
    name_then: NotRequired[str]  # its name then (--as-of's day, or the time of the relation naming it), if another
    zh_then: NotRequired[str | None]  # with name_then: the Chinese name it had then


class Source(TypedDict):  # a cited source with its bibliographic fields (those it has)
    id: str
    name: str
    title: NotRequired[str]
    publisher: NotRequired[str]
    author: NotRequired[str]
    date: NotRequired[str]
    language: NotRequired[str]
    url: NotRequired[str]
    file: NotRequired[str]
    kind: NotRequired[str]


# A relation's type, its wording (`label`: read from the end it is seen from), caveats and citations.
class Relation(TypedDict):
    type: str
    label: str
    qualifiers: Qualifiers
    confidence: str
    note: str | None
    sources: list[Citation]
    reported: NotRequired[str]  # an undated relation: the date of its first dated source; it had begun by then


Ends = TypedDict("Ends", {"from": EntityRef, "to": EntityRef})
