"""An entity's lifespan and former names over time: what it was called on a day, whether it existed then."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ipkb.timeframe import holds_on, period_end, period_start

if TYPE_CHECKING:
    import sqlite3

    from ipkb.read.query import Store
    from ipkb.shapes import Attributes, FormerName


def former_names(row: Any) -> list[FormerName]:
    """The stored `former_names` of an entity row (all its columns), oldest first ([] when it has none)."""
    text = row["former_names"]
    value: list[FormerName] = json.loads(text) if text else []
    return value


def name_on(row: Any, date: Any) -> tuple[str, str | None]:
    """(English, Chinese) name of an entity on `date` (a day, month or year): the first former name whose
    `until` begins after `date` is over, else its present name. Where the renaming may fall within `date`
    (until 2018, asked of 2018-05) the present name is given: the old one is used only when certainly right."""
    end = period_end(date)
    if end is not None:
        for former in former_names(row):
            start = period_start(former["until"])
            if start is not None and end < start:
                return former["name"], former.get("zh")
    return row["name"], row["zh"]


# The fields of an entity that date its lifespan: its own, not a relation's qualifiers (the schema's roles)
SINCE, UNTIL = ("since",), ("until",)


def exists_on(fields: Attributes, day: str) -> bool | None:
    """Whether an entity existed on `day`, by its `since` and `until` (the rules of a relation's, see
    timeframe.holds_on): None when it has no `since`, so that the KB cannot tell."""
    return holds_on(fields, day, SINCE, UNTIL)


def existing_on(store: Store, rows: Mapping[str, sqlite3.Row], day: str) -> dict[str, bool | None]:
    """Whether each entity (id -> its row) existed on `day`: the one rule of `list`, `neighbors`, `show`
    and claimed totals under --as-of. Its own `since` and `until` decide when they can (exists_on);
    else a place exists (a city stays a city), and so does an end of a relation that its own dates, a post's
    sighting or the date of a source reporting it say held that day (a body that ran a campaign that year
    existed then; a sub-center a 2024-11-22 report names existed from then on), not one of a
    type that holds undated (a centre's city says nothing of when the centre began); else None: the KB cannot
    tell, and the entity is left out, counted apart where the answer can say so."""
    places = store.place_types()
    out: dict[str, bool | None] = {}
    for entity_id, row in rows.items():
        known = exists_on(json.loads(row["fields"]), day)
        out[entity_id] = True if known is None and row["type"] in places else known
    unknown = sorted(entity_id for entity_id, known in out.items() if known is None)
    if unknown:
        edges = store.edges_touching(unknown)
        store.learn_reported(edges)
        for edge in edges:
            if store.holds(edge, day, undated=False):
                for end in (edge.source_id, edge.target_id):
                    if end in out and out[end] is None:
                        out[end] = True
    return out


def begun_later(
    store: Store, rows: Mapping[str, sqlite3.Row], existing: Mapping[str, bool | None], day: str
) -> set[str]:
    """Of the entities (id -> its row) that existing_on did not place on `day`, those whose first known date is
    after it: not yet begun, rather than without a start date. Their own `since` is later; or, with no dates
    of their own, a relation that dates them begins later and none had begun by `day` (ended since or not).
    A relation begins later by Store.not_begun, the rule by which neighbors hides a relation not yet begun;
    one whose dates cannot tell (Store.date_unknown, counted by neighbors as without a start date) places
    them neither way, nor does one of a type that holds undated (a centre's city says nothing of when it
    began). `list --as-of` counts the two apart."""
    later = {i for i, known in existing.items() if known is False and i in rows and _starts_after(rows[i], day)}
    unknown = sorted(i for i, known in existing.items() if known is None)
    waiting = set(unknown)
    edges = store.edges_touching(unknown, any_time=True) if unknown else []
    dating = [e for e in edges if not store.held_undated_type(e)]
    begins = {e.rowid for e in store.not_begun(dating)}
    begun = {end for e in dating if store.holds(e, day, ended=False) for end in (e.source_id, e.target_id)}
    later.update(end for e in dating if e.rowid in begins for end in (e.source_id, e.target_id) if end in waiting)
    return later - begun


def _starts_after(row: sqlite3.Row, day: str) -> bool:
    """Whether an entity's own `since` is after `day` (not an `until` before it: that one has ended)."""
    return holds_on(json.loads(row["fields"]), day, SINCE, ()) is False
