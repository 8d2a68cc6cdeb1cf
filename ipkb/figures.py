"""How a figure may be stated besides exactly: the bounds a fact's `bound` key takes, and their words.

A source often gives a figure as a bound ("more than 600 services", "2.1万余起", "nearly 2,000 experts"). The
fact keeps the number as its value, so figures sort and compare, and the bound beside it, so no answer
prints the number as if it were exact. The build checks the key against BOUNDS; every answer prints
`bounded(value, bound)`.
"""

from __future__ import annotations

BOUNDS = {  # the key as written in YAML -> the words an answer prints before the number
    "more_than": "more than",
    "at_least": "at least",
    "about": "about",
    "nearly": "nearly",
    "at_most": "at most",
    "less_than": "less than",
}


def bounded(text: str, bound: str | None) -> str:
    """A figure's text with its bound's words before it: "more than 3,500"."""
    return f"{BOUNDS.get(bound, bound)} {text}" if bound else text


ORDINALS = ("rank",)  # units that name a place in an order: its value reads 13th, not 13 rank


def figure_parts(value: object, bound: str | None, unit: str | None) -> tuple[str, str]:
    """A figure's value and unit as a table's two columns print them: `more than 3,500` and `consultations`,
    `1` and `sub-center`; a place in an order as an ordinal with no unit after it (`13th`, not `13 rank`).
    --json keeps the KB's value and unit."""
    from ipkb.text import unit_for

    if unit in ORDINALS and isinstance(value, int) and not isinstance(value, bool):
        return bounded(ordinal(value), bound), ""
    return bounded(format_value(value), bound), unit_for(value, unit)


def ordinal(n: int) -> str:
    """`1st`, `2nd`, `3rd`, `4th`, `11th`, `13th`, `22nd`, `1,001st`."""
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return format_value(n) + suffix


def figure_text(value: object, bound: str | None, unit: str | None, metric: str | None = None) -> str:
    """A figure with its bound and unit, as a line of an answer prints it: "more than 3,500 consultations".
    Printed after its `metric`'s words, a unit those words already end with is not said again: "performance
    evaluation grade: double excellent", not "... grade double excellent grade". Only a unit that names what
    the value is (grade), not one that counts (`guidance services: 2 services`, `1 service`: a plural that
    unit_for makes singular for one), so that a figure of one and of two read alike. A rank reads `13th`
    (`figure_parts`)."""
    from ipkb.text import unit_for

    shown, said = figure_parts(value, bound, unit)
    if metric and said and unit_for(1, unit) == unit:
        words, unit_words = metric.replace("_", " ").lower().split(), said.lower().split()
        if words[-len(unit_words) :] == unit_words:
            said = ""
    return f"{shown} {said}".rstrip()


def format_value(value: object) -> str:
    """A figure as an answer prints it: a whole number with thousands separators (17,249), else as given."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def share(part: int, whole: int) -> float | None:
    """`part` of `whole` as a fraction to 4 places (None of nothing: a share of no claims is not 100%), never
    rounded to 1 or 0 unless it is all or none: 19,999 of 20,000 is 0.9999, not 1.0."""
    if not whole:
        return None
    fraction = round(part / whole, 4)
    return min(max(fraction, 0.0001 if part else 0.0), 0.9999 if part < whole else 1.0)


def percent(part: int, whole: int) -> str:
    """`part` of `whole` as people read it: whole percents (`75%`), but 100% only for all and 0% only for
    none; near either end one decimal (`99.6%`, `0.4%`), and past that `>99.9%` or `<0.1%`."""
    if part == whole or part == 0:
        return "100%" if part else "0%"
    exact = 100 * part / whole
    text = f"{exact:.0f}%"
    if text in ("0%", "100%"):
        text = f"{exact:.1f}%"
    return {"0.0%": "<0.1%", "100.0%": ">99.9%"}.get(text, text)
