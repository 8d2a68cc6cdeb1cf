"""How wide the output may be: COLUMNS, else the terminal's width, within what the renderer can draw."""

from __future__ import annotations

import os
import sys
from typing import IO, Any

MIN_COLUMNS = 40  # narrower, rich's wrapping of wide characters fails; such a width is taken as unknown
UNKNOWN = 80  # COLUMNS=0, -3, 5, abc, or a terminal narrower than MIN_COLUMNS
PIPED = 80  # no terminal anywhere and no COLUMNS


def columns(stream: IO[Any], interactive: bool) -> int:
    """COLUMNS if it is a usable width; when it is unset, the width of the terminal the output goes to, or,
    when piped (`ipkb coverage | less`), of the terminal the user types in (stderr's, else /dev/tty's); else
    PIPED."""
    raw = os.environ.get("COLUMNS")
    if raw is None:
        width = _terminal_width(stream if interactive else None)
        if width is None:
            return PIPED
        raw = str(width)
    text = raw.strip()
    if text.isascii() and text.isdigit() and MIN_COLUMNS <= int(text) <= 10_000:
        return int(text)
    return UNKNOWN


def _terminal_width(stream: IO[Any] | None) -> int | None:
    """The width of `stream`'s terminal, else of stderr's, else of the controlling terminal; None if none."""
    candidates = [stream] if stream is not None else []
    for candidate in [*candidates, sys.__stderr__]:
        try:
            if candidate is not None and candidate.isatty():
                return os.get_terminal_size(candidate.fileno()).columns
        except (OSError, ValueError):
            continue
    try:
        fd = os.open("/dev/tty", os.O_RDONLY | os.O_NOCTTY)
    except OSError:
        return None
    try:
        return os.get_terminal_size(fd).columns
    except OSError:
        return None
    finally:
        os.close(fd)
