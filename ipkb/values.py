"""The form of single values: dates as ASCII ISO text (stdlib only, so the query side may import it)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

DATE_PATTERN = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def valid_date(value: Any) -> bool:
    text = str(value)
    if not DATE_PATTERN.match(text):
        return False
    parts = [int(p) for p in text.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True
