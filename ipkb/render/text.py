"""Citations, sightings and counts as short strings, the same in every table (qualifiers: ipkb/qualifiers.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from ipkb.qualifiers import seen_on
from ipkb.text import counted

if TYPE_CHECKING:
    from ipkb.shapes import Citation, EntityRef, NameCitation, Qualifiers, Relation


def sightings(q: Qualifiers, cites: Iterable[Citation], dates: Mapping[str, str], numbers: dict[str, int]) -> str:
    """Every day a post dated only by a sighting (`seen_on`) was seen held, each with its sources' numbers
    (timeframe.sightings): `2024-01-16[1] and 2025-03-28[2]`; "" when its sources saw it on that day alone."""
    from ipkb.timeframe import sightings as days_seen

    first = seen_on(q)
    days = {} if first is None else days_seen(first, ((c["source"], dates.get(c["source"])) for c in cites))
    if len(days) < 2:
        return ""
    said = [
        day + "".join(f"[{n}]" for n in sorted(numbers[s] for s in sources if s in numbers))
        for day, sources in days.items()
    ]
    return ", ".join(said[:-1]) + " and " + said[-1]


def reported(rel: Relation, dates: Mapping[str, str], numbers: dict[str, int]) -> str:
    """The day a relation that nothing else dates was first reported, with the numbers of its sources of that day
    (`2024-11-22[1]`): by then it had begun."""
    day = rel.get("reported", "")
    return day + "".join(
        f"[{n}]"
        for n in sorted(
            {numbers[c["source"]] for c in rel["sources"] if dates.get(c["source"]) == day and c["source"] in numbers}
        )
    )


def last_seen(q: Qualifiers, cites: Iterable[Citation], dates: Mapping[str, str], numbers: dict[str, int]) -> str:
    """For a post held since a day and not known to have ended, the latest day a source dated after that saw it
    (`2025-01-22[3]`): how fresh "holds" is, which a reader quoting a current office holder must see; ""
    when no source is later than the start."""
    since = q.get("since")
    if "role" not in q or since is None or q.get("until") is not None:
        return ""
    seen = [(dates[c["source"]], c["source"]) for c in cites if dates.get(c["source"], "") > str(since)]
    if not seen:
        return ""
    day = max(seen)[0]
    return day + "".join(f"[{numbers[s]}]" for d, s in sorted(seen) if d == day and s in numbers)


def listed_by_then(listed: int, undated: int, claimed: object = None) -> str:
    """How many members of a claimed total the KB lists by the claim's period: `42` when it can date them
    all, else `42 to 82`, at least those dated by then and at most those with the ones it cannot date (no date,
    or one too coarse to tell: 2024 against 2024-03-14), which may have come before the period or after; never
    more than a whole number claimed, which those dated already fill (10 dated of 10 claimed is `10`, however
    many it cannot date)."""
    most = listed + undated
    if isinstance(claimed, int) and not isinstance(claimed, bool):
        most = max(listed, min(most, claimed))
    return f"{listed} to {most}" if most > listed else str(listed)


def listed_legend(counts: Iterable[tuple[int, int, object]]) -> str:
    """What a table of claimed totals' `listed` column means, with its first range (listed, undated, claimed)
    as the example: `members listed by each period; 42 to 82: 42 dated by then, at most 82 with ...`."""
    said = "members listed by each period"
    example = next((c for c in counts if listed_by_then(*c) != str(c[0])), None)
    if example is None:
        return said
    shown = listed_by_then(*example)
    return (
        f"{said}; {shown}: {example[0]} dated by then, at most {shown.split()[-1]} counting those the KB cannot"
        " place before or after it (no date, or only a year or month that takes in the period's end), and never more"
        " than claimed"
    )


def marks(sources: Iterable[Citation | NameCitation], numbers: dict[str, int]) -> str:
    found = sorted({numbers[c["source"]] for c in sources if c["source"] in numbers})
    return "".join(f"[{n}]" for n in found)


def our_note_on(via: str, where: str) -> str:
    """`research-x, our note on [3]: `: says a quote is our research note's record of a source (its `via`),
    not the source's own words, as show's and path's quotes say it."""
    return f"{via}, our note on {where}: "


def entities_and_sources(entities: int, sources: int) -> str:
    """`613 entities + 468 sources`: what the KB is about apart from the sources it cites, of `entities` in all
    (the head of stats and the tail of validate say it alike)."""
    return f"{counted(entities - sources, 'entity')} + {counted(sources, 'source')}"


def as_of_text(day: str, figures: bool = False, described: bool = False) -> str:
    """The line under an answer given `--as-of DAY`, so that a reader knows it is not today's; `described`:
    the answer shows an entity's description, which is written as of today (it may tell of later years)."""
    hidden = "relations not yet begun or already ended are hidden"
    text = f"as of {day}: {hidden}" + (
        ", and so are figures for later periods or stated later, and targets not yet set or past their period"
        if figures
        else ""
    )
    return text + ("; the description is today's" if described else "")


def then_and_now(entity: EntityRef) -> tuple[str, str | None, str]:
    """The name, Chinese name and a remark to print for an entity another answer names: the names it had then
    (on --as-of's day, or when the relation naming it held) and ", now NAME"; else its names and no remark."""
    if "name_then" in entity:
        return entity["name_then"], entity.get("zh_then"), f", now {entity['name']}"
    return entity["name"], entity["zh"], ""
