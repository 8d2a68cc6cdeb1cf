"""Dates and periods as ISO text: when a relation holds, and what the KB knew on a given day (stdlib only)."""

from __future__ import annotations

from typing import Any

from ipkb.errors import UsageError

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


def relation_since(qualifiers: dict[str, Any]) -> str | None:
    """When a relation began, as far as its qualifiers say (since, date or year)."""
    for key in ("since", "date", "year"):
        if qualifiers.get(key) is not None:
            return period_start(qualifiers[key])
    return None


def holds_on(qualifiers: dict[str, Any], day: str, undated_holds: bool = False) -> bool | None:
    """Whether a relation held on `day`: False if it had not begun or had already ended, True if it had
    begun (by its since, date or year) and not ended, None (not known) if it carries no start date, unless
    its type declares `undated: holds` (a city's province), when it holds until its `until`. A start given
    as a year or month is known to have passed only once that year or month is over."""
    until = period_end(qualifiers.get("until"))
    if until is not None and day > until:
        return False
    start = next((qualifiers[k] for k in ("since", "date", "year") if qualifiers.get(k) is not None), None)
    since, since_end = period_start(start), period_end(start)
    if since is None:
        return True if undated_holds else None
    if day < since:
        return False
    # began within a year or month that `day` falls in (year: 2013, asked of 2013-02): not known yet
    return True if since_end is None or day >= since_end else None


def known_on(period: Any, day: str) -> bool:
    """A figure is known on `day` when its period has begun by then (undated figures always are)."""
    start = period_start(period)
    return start is None or start <= day


def parse_day(text: str) -> str:
    """--as-of DATE -> ISO day; YYYY and YYYY-MM mean their last day."""
    from ipkb.values import valid_date

    if not valid_date(text):
        raise UsageError(f"--as-of {text!r} is not a date", hint="write YYYY-MM-DD, YYYY-MM or YYYY")
    end = period_end(text)
    assert end is not None
    return end
