"""The form of single values: dates and periods as ASCII ISO text, text without control characters, finite
numbers (stdlib only, so the query side may import it)."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

# ASCII digits only: \d would take full-width ２０１９ (and int() would read it as 2019).
DATE_PATTERN = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?", re.ASCII)
# Characters GraphML/GEXF (XML 1.0) cannot hold, and other controls no name or quote needs: C0 (but for tab
# and line feed in multi-line text), DEL, C1, lone surrogates and the non-characters U+FFFE and U+FFFF.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def valid_date(value: Any) -> bool:
    text = str(value)
    if not DATE_PATTERN.fullmatch(text):
        return False
    parts = [int(p) for p in text.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def period_problem(value: Any) -> str | None:
    """Why `value` is not a period ("2023", "2024-01", "2024-01-15" or "START/END"), or None if it is one."""
    ends = str(value).split("/")
    if len(ends) > 2 or not all(valid_date(end) for end in ends):
        return f"period {str(value)!r} is not a date or a period"
    if len(ends) == 2 and _first_day(ends[0]) > _first_day(ends[1]):
        return f"period {str(value)!r} ends before it starts"
    return None


def _first_day(date: str) -> str:
    return date + "-01-01"[len(date) - 4 :]


def control_character(text: str, multiline: bool = False) -> str | None:
    """The first character of `text` that no KB text may hold, described (e.g. "U+0007 at character 4")."""
    if text.isprintable():  # nearly every text, and no control character is printable (a C test, no search)
        return None
    found = (_CONTROL_MULTILINE if multiline else _CONTROL).search(text)
    if found is None:
        return None
    return f"U+{ord(found.group()):04X} at character {found.start() + 1}"


def not_finite(value: Any) -> bool:
    """True for .nan, .inf and -.inf (YAML floats that no figure can be)."""
    return isinstance(value, float) and not math.isfinite(value)


_LEADING_NUMBER = re.compile(r"[+-]?[0-9][0-9,_ ]*(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def number_as_text(value: str) -> str | None:
    """A hint when a fact's text value is a number written as text ("19,886", "3.19", "12679 patents",
    "86.73%"), which would be stored as a string: listed with the words, never compared or summed. A range
    ("5-6") and words ("double excellent") are text. None when the value is fine as text."""
    text = value.strip()
    found = _LEADING_NUMBER.match(text)
    if found is None or re.fullmatch(r"[0-9.]+ ?[-–~] ?[0-9.]+", text):
        return None
    number = found.group().replace(",", "").replace("_", "").replace(" ", "")
    rest = text[found.end() :].strip()
    if rest:
        return f"write the number alone (value: {number}); the unit comes from the metric ({rest!r} is not a value)"
    return f"write the number without quotes or separators: value: {number}"
