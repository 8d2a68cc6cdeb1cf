"""Dates and periods as ISO text: when a relation holds, and what the KB knew on a given day (stdlib only)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ipkb.errors import UsageError

if TYPE_CHECKING:
    from ipkb.shapes import Qualifiers

_MONTH_ENDS = {"02": "29", "04": "30", "06": "30", "09": "30", "11": "30"}


def period_start(period: Any) -> str | None:
    """The first day a period or date covers: "2014" -> "2014-01-01", "2021/2025" -> "2021-01-01"."""
    if period is None:
        return None
    first = str(period).split("/")[0].strip()
    if len(first) not in (4, 7, 10):
        return None
    return first + "-01-01"[len(first) - 4 :]


def period_end(period: Any) -> str | None:
    """The last day a period or date covers: "2024" -> "2024-12-31", "2024-04" -> "2024-04-30"."""
    if period is None:
        return None
    last = str(period).split("/")[-1].strip()
    if len(last) == 4:
        return last + "-12-31"
    if len(last) == 7:
        return f"{last}-{_MONTH_ENDS.get(last[5:], '31')}"
    return last if len(last) == 10 else None


_LATER_FIRST = str.maketrans("0123456789", "9876543210")  # an ISO day turned so that text order runs backwards


def period_order(period: Any) -> tuple[str, str]:
    """A sort key that puts periods in time order, not text order: by the day each begins; of two that begin
    the same day, the longer first (a year before its months and days: 2024, 2024-01, 2024-01-16, 2024-05;
    2021-04/2025-12 before 2021-04). No period, or one that cannot be read, last."""
    start, end = period_start(period), period_end(period)
    if start is None or end is None:
        return ("~", str(period or ""))  # "~" sorts after every digit
    return (start, end.translate(_LATER_FIRST))


def figure_order(period: Any) -> tuple[str, str]:
    """Where a figure stands in time order: at the end of its period, the day by which its count holds (a count
    for 2024 after one of 2024-03-14, one for 2025 after one of 2025-05); of two that end the same day, the
    longer first (2024 before 2024-12). No period, or one that cannot be read, last."""
    start, end = period_start(period), period_end(period)
    if start is None or end is None:
        return ("~", str(period or ""))
    return (end, start)


def _first(qualifiers: Qualifiers, keys: Sequence[str]) -> Any:
    return next((qualifiers[k] for k in keys if qualifiers.get(k) is not None), None)


def relation_since(qualifiers: Qualifiers, start: Sequence[str]) -> str | None:
    """When a relation began, as far as its `start` qualifiers say (the schema's roles: since, date or year)."""
    return period_start(_first(qualifiers, start))


def relation_until(qualifiers: Qualifiers, end: Sequence[str]) -> str | None:
    """The last day a relation held, as far as its `end` qualifiers say (the schema's roles: until)."""
    return period_end(_first(qualifiers, end))


def relation_start_as_stated(qualifiers: Qualifiers, start: Sequence[str]) -> str | None:
    """A relation's start as its record states it (`2014`, `2013-07-24`), for a reader, not for comparing."""
    found = _first(qualifiers, start)
    return None if found is None else str(found)


def relation_since_last(qualifiers: Qualifiers, start: Sequence[str]) -> str | None:
    """The last day a relation's start date covers: "2024" -> "2024-12-31" (it began on some day of 2024)."""
    return period_end(_first(qualifiers, start))


def sightings(first: str, cited: Iterable[tuple[str, str | None]]) -> dict[str, list[str]]:
    """The days a post dated only by a sighting (`first`, its `seen` date) was seen held, each with the sources
    (id, date) that saw it: `first` with those dated by then, undated or dated in its month (reports of it),
    else with the first dated after it; a source dated later than that saw it held on its own date."""
    cited = list(cited)
    later = sorted((day, source) for source, day in cited if day and day > first and not day.startswith(first[:7]))
    days = {first: [source for source, _ in cited if source not in {s for _, s in later}]}
    if not days[first] and later:
        days[first].append(later.pop(0)[1])
    for day, source in later:
        days.setdefault(day, []).append(source)
    return days


def holds_on(
    qualifiers: Qualifiers,
    day: str,
    start: Sequence[str],
    end: Sequence[str],
    undated_holds: bool = False,
    seen: Sequence[str] = (),
    reported: str | None = None,
) -> bool | None:
    """Whether a relation held on `day`: False if it had not begun or had already ended, True if it had
    begun (by its first `start` qualifier: since, date or year in the schema's roles) and not ended (by its
    `end`: until), None (not known) if it carries no start date, unless its type declares `undated: holds`
    (a city's province), when it holds until its end. A start given as a year or month is known to have
    passed only once that year or month is over. A relation with no start but a `seen` date (a post a
    source saw held that day or year) holds within that day or year, and is not known to at any other. One
    with neither that a dated source `reported` (the earliest such source's date) had begun by then: it holds
    from the end of that day, month or year until its end, as one that began then would."""
    until = relation_until(qualifiers, end)
    if until is not None and day > until:
        return False
    began = _first(qualifiers, start)
    since, since_end = period_start(began), period_end(began)
    if since is None:
        at = _first(qualifiers, seen)
        if at is not None and (period_start(at) or "") <= day <= (period_end(at) or ""):
            return True
        if undated_holds or (reported is not None and day >= (period_end(reported) or "~")):
            return True
        return None
    if day < since:
        return False
    # began within a year or month that `day` falls in (year: 2013, asked of 2013-02): not known yet
    return True if since_end is None or day >= since_end else None


def known_on(period: Any, day: str) -> bool:
    """A date or period has begun by `day` (one that cannot be read always has)."""
    start = period_start(period)
    return start is None or start <= day


def figure_on(period: Any, target: bool, stated: str | None, day: str) -> bool | None:
    """Whether a figure is shown as of `day`; None when nothing dates it (the KB cannot tell; counted apart).
    `stated`: the day its sources first state it (their earliest date; the timeline's rule). An actual figure
    counts once its period is over, when its count holds (28 sub-centers approved in 2024 were not so on
    2024-01-01), or from the day a source stated it within its period (a count so far); without a period,
    once it was stated. A target is in force from when it was set (stated) until its period ends, whether
    its period has begun or not; one stated only after its period ended (a goal reported later) cannot be
    placed before that end."""
    end = period_end(period) if target else None
    if end is not None and day > end:
        return False
    if not target and period_start(period) is not None:
        first, over = period_start(stated) or "~", period_end(period) or ""
        return day >= over or (period_start(period) or "") <= first <= day
    if stated is None or (end is not None and (period_start(stated) or "") > end):
        return None
    return known_on(stated, day)


# ASCII digits only: \d (and str.isdigit, int()) also take full-width ２０１９ and other scripts' digits,
# which would then compare as text against the KB's ASCII dates and answer as of no day at all.
# Compiled on first use (re caches them): every query imports this module, few parse a date.
_DAY = r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?"


def _is_date(text: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD in ASCII digits, a day the calendar has."""
    import datetime as dt

    match = re.fullmatch(_DAY, text, re.ASCII)
    try:
        if match is None:
            return False
        year, month, day = (int(part) if part else 1 for part in match.groups())
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def parse_day(text: str) -> str:
    """--as-of DATE -> ISO day; YYYY and YYYY-MM mean their last day."""
    if not _is_date(text):
        raise UsageError(f"--as-of {text!r} is not a date", hint="write YYYY-MM-DD, YYYY-MM or YYYY in ASCII digits")
    end = period_end(text)
    assert end is not None
    return end


def check_period_prefix(text: str) -> str:
    """`facts --period P`: a date or a period as the KB writes them (2014, 2021-06, 2021/2025), ASCII only,
    by the rule `validate` holds the KB's periods to; it matches the periods that begin with it (2014:
    2014-05 and 2014/2016 too). `14` or `201` is no period: it would match nothing, or not what was meant."""
    ends = text.split("/")
    if len(ends) > 2 or not all(_is_date(end) for end in ends):
        raise UsageError(
            f"--period {text!r} is not a date or a period",
            hint="write it in ASCII digits as the KB does: YYYY, YYYY-MM, YYYY-MM-DD or START/END, "
            "e.g. 2014, 2021-06 or 2021/2025",
        )
    if len(ends) == 2 and (period_start(ends[0]) or "") > (period_start(ends[1]) or ""):
        raise UsageError(f"--period {text!r} ends before it starts", hint="write the earlier date first")
    return text
