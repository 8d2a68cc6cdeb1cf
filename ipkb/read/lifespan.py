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
