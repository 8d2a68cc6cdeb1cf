"""Hanging indents and lettered notes, the pieces drawn under a table (re-exported by ipkb.render.layout)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment
from rich.text import Text

from ipkb.render.wrap import wrap_whole_words


class Hanging:
    """`prefix` then `body`; the body's wrapped lines are indented under its first character."""

    def __init__(self, prefix: str, body: Text, style: str = "") -> None:
        self.prefix, self.body, self.style = prefix, body, style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        indent = cell_len(self.prefix)
        room = max(options.max_width - indent, 12)
        for number, line in enumerate(wrap_whole_words(self.body, room)):
            yield from Text.assemble((self.prefix if number == 0 else " " * indent, self.style), line).render(console)
            yield Segment.line()


class Notes:
    """Lettered notes (a, b, ... z, aa, ...) collected while a table is filled, printed under it."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def mark(self, note: str | None) -> str:
        """`[b]` for this note (a note met before keeps its letter), or "" when there is none. One word, so a
        table never splits it; letters, so it is never taken for a source's number."""
        if not note:
            return ""
        if note not in self.texts:
            self.texts.append(note)
        return f"[{self.mark_of(self.texts.index(note))}]"

    def lines(self) -> list[RenderableType]:
        return [Hanging(f" [{self.mark_of(i)}] ", Text(t, style="italic")) for i, t in enumerate(self.texts)]

    @staticmethod
    def mark_of(index: int) -> str:
        letters, n = "", index
        while True:
            letters = chr(ord("a") + n % 26) + letters
            n = n // 26 - 1
            if n < 0:
                return letters
