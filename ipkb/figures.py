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


def figure_text(value: object, bound: str | None, unit: str | None) -> str:
    """A figure with its bound and unit, as a line of an answer prints it: "more than 3,500 consultations"."""
    from ipkb.text import unit_for

    return f"{bounded(format_value(value), bound)} {unit_for(value, unit)}".rstrip()


def format_value(value: object) -> str:
    """A figure as an answer prints it: a whole number with thousands separators (17,249), else as given."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
