"""A claim's qualifiers as every answer says them: a relation's (its period, batch, document, status ...) and a
figure's scope, in one line. `show`, `path`, `neighbors`, `diff`, the analysts' tables and the HTML export's
page all print `qualifiers_text`, so a date or a batch reads the same wherever a reader meets it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ipkb.shapes_base import Qualifiers

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+")  # snake_case: a key, or a listed word


BASIS_WORDS = {  # a figure's `basis` (kb/schema.yaml) as a reader reads it
    "cumulative": "cumulative to period end",  # a running total from an unstated start (截至…累计)
    "in_period": "within the period only",  # done in the period alone, not a running total
}


def qualifiers_text(q: Qualifiers, sightings: str | None = None) -> str:
    """A claim's qualifiers in a line: a post's `role` first, then its period, then the rest.

    The period is what a reader needs to tell a past claim from a present one: `since` and `until` read as
    `2005-06-19 – 2013-12-23` (`2011–2018` for years); a post dated only by the day or year a source saw it
    held (a `date` or `year` with no `since` or `until`) reads `as of 2024`, not a bare year that looks
    like its start, or, when its sources saw it on more days (`sightings`), `seen held 2024-01-16[1] and
    2025-03-28[2]`."""
    parts = [f"role {q['role']}"] if "role" in q else []
    since, until = q.get("since"), q.get("until")
    seen = seen_on(q)
    dated = {"since", "until"} if since is not None and until is not None else set()
    if dated:
        years = len(str(since)) == len(str(until)) == 4
        parts.append(f"{since}–{until}" if years else f"{since} – {until}")
    elif seen is not None:
        parts.append(f"seen held {sightings}" if sightings else f"as of {seen}")
        dated = {"date", "year"}
    if "year" in q and any(str(q.get(k, "")).startswith(str(q["year"])) for k in ("date", *dated)):
        dated.add("year")  # 2022 · 2022-08 (or 2022-07 – 2025-06 · 2022) says the year twice: the date holds it
    for key, value in q.items():
        if key in dated or key == "role":
            continue
        if key == "rank" and "rank_of" in q:
            parts.append(f"rank {value} of {q['rank_of']}")
        elif key == "rank_of":
            continue
        elif key in ("year", "date", "status"):
            parts.append(as_words(value))
        elif key == "basis":  # what a figure counts over (schema.yaml): `basis cumulative` said nothing of when from
            parts.append(BASIS_WORDS.get(str(value), f"basis {as_words(value)}"))
        else:
            label = as_words(key)
            parts.append(f"{label}{': ' if ' ' in label else ' '}{as_words(value)}")
    return " · ".join(parts)


def as_words(word: object) -> str:
    """A key or an enumerated value of the KB as a reader reads it: `subcenter_kind` as `subcenter kind`,
    `under_construction` as `under construction`; any other value (a document number, a date) as written."""
    text = str(word)
    return text.replace("_", " ") if _IDENTIFIER.fullmatch(text) else text


def seen_on(q: Qualifiers) -> str | None:
    """The day or year a source saw a post held, when that is all that dates it (no `since` or `until`)."""
    seen = q.get("date") or q.get("year")
    if "role" not in q or seen is None or q.get("since") is not None or q.get("until") is not None:
        return None
    return str(seen)


def caveats_text(said: str, confidence: str | None, kind: str = "actual") -> str:
    """A claim's qualifiers as said (`said`), then what a reader must not take for a stated, actual figure or
    relation: a figure's kind when it is not `actual` (`target`), and `inferred` for a claim its sources imply but
    do not state, joined as every answer joins them (`batch 4 · target · inferred`); "" when there is none."""
    parts = (said, kind if kind != "actual" else "", "inferred" if confidence == "inferred" else "")
    return " · ".join(p for p in parts if p)


def relation_details(q: Qualifiers, confidence: str | None) -> str:
    """What qualifies a relation, in a line, as `show`, `path` and `neighbors` say it: its qualifiers, then
    `inferred` (`batch 1 · 2020-04-08 · inferred`); "" when nothing does."""
    return caveats_text(qualifiers_text(q), confidence)


def fact_details(scope: Qualifiers, kind: str, confidence: str | None) -> str:
    """What qualifies a figure, in a line, as `show` says it: its scope (`batch 4 · subcenter kind: local`, what
    tells two figures of one year apart), `target` for a target, `inferred`; "" when nothing does."""
    return caveats_text(qualifiers_text(scope), confidence, kind)
