"""How wide the output may be: COLUMNS, else the terminal's width, within what the renderer can draw."""

from __future__ import annotations

import os
from typing import IO, Any

MIN_COLUMNS = 40  # narrower, rich's wrapping of wide characters fails; such a width is taken as unknown
UNKNOWN = 80  # COLUMNS=0, -3, 5, abc, or a terminal narrower than MIN_COLUMNS
PIPED = 120  # no terminal and no COLUMNS


def columns(stream: IO[Any], interactive: bool) -> int:
    """COLUMNS if it is a usable width; when it is unset, the terminal's own width, or PIPED off a terminal."""
    raw = os.environ.get("COLUMNS")
    if raw is None and interactive:
        try:
            raw = str(os.get_terminal_size(stream.fileno()).columns)
        except (OSError, ValueError):
            raw = ""
    if raw is None:
        return PIPED
    text = raw.strip()
    if text.isascii() and text.isdigit() and MIN_COLUMNS <= int(text) <= 10_000:
        return int(text)
    return UNKNOWN
