"""An entity's lifespan and former names over time: what it was called on a day, whether it existed then."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ipkb.timeframe import holds_on, period_end, period_start

if TYPE_CHECKING:
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


def exists_on(fields: Attributes, day: str) -> bool | None:
    """Whether an entity existed on `day`, by its `since` and `until` (the rules of a relation's, see
    timeframe.holds_on): None when it has no `since`, so that the KB cannot tell."""
    return holds_on(fields, day, ("since",), ("until",))  # an entity's own fields, not a relation's qualifiers
