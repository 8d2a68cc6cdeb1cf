"""Claims' values, qualifiers and citations as short strings, the same in every table."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ipkb.shapes import Citation, FactValue, NameCitation, Qualifiers


def qualifiers_text(q: Qualifiers) -> str:
    parts = []
    for key, value in q.items():
        if key == "rank" and "rank_of" in q:
            parts.append(f"rank {value} of {q['rank_of']}")
        elif key == "rank_of":
            continue
        elif key in ("year", "date", "status"):
            parts.append(str(value))
        else:
            parts.append(f"{key} {value}")
    return " · ".join(parts)


def marks(sources: Iterable[Citation | NameCitation], numbers: dict[str, int]) -> str:
    found = sorted({numbers[c["source"]] for c in sources if c["source"] in numbers})
    return "".join(f"[{n}]" for n in found)


def our_note_on(via: str, where: str) -> str:
    """`research-x, our note on [3]: `: says a quote is our research note's record of a source (its `via`),
    not the source's own words, as show's and path's quotes say it."""
    return f"{via}, our note on {where}: "


def format_value(value: FactValue) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
