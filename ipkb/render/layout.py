"""The layout pieces every renderer draws with: the console, `Grid` (aligned one-line cells that wrap between
words, never inside one), `Hanging` (a hanging indent) and `Notes` (lettered notes under a table).

Tables are `Grid`s, not rich's `Table`: a Table measures, pads and renders every cell as a renderable of its
own, about 0.1 ms a cell (0.026 s for `show huzhou`, 0.8 s for a list of 2,240 entities, against 0.005 s
and 0.12-0.17 s with Grid), while these views only need one-line cells in aligned columns, wrapped within
their column when the terminal is narrow.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Literal

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment
from rich.text import Span, Text

from ipkb.render.terminal import columns

Justify = Literal["left", "right"]


def console(stderr: bool = False) -> Console:
    """A console on stdout (or stderr): styles only on a terminal that is not TERM=dumb, colour only without
    NO_COLOR; as wide as ipkb.render.terminal.columns says."""
    stream = sys.stderr if stderr else sys.stdout
    interactive = stream.isatty()
    dumb = os.environ.get("TERM") in ("dumb", "unknown")
    return Console(
        file=stream,
        width=columns(stream, interactive),
        force_terminal=False if dumb else None,  # a dumb terminal gets plain text: no colour, no bold
        no_color=bool(os.environ.get("NO_COLOR")) or not interactive,
        highlight=False,
    )


class Grid:
    """Rows of cells under a header, in aligned columns, drawn line by line; looks like a rich Table with
    box.SIMPLE_HEAD. Columns left entirely empty take no room. When the lines are wider than the console,
    the `flexible` columns (all, by default) narrow, the widest first, down to their longest word, and their cells wrap
    between words within the column. A word (an id, a metric, a Chinese name) is never cut: when even that
    does not fit, each row is drawn as a record instead, one `header  value` line per cell."""

    GAP = "  "
    INDENT = " "

    def __init__(
        self,
        *headers: str,
        title: str | None = None,
        justify: Sequence[Justify] = (),
        styles: Sequence[str] = (),
        flexible: Sequence[int] | None = None,
        show_header: bool = True,
    ) -> None:
        self.headers = headers
        self.title = title
        self.justify: list[Justify] = [justify[i] if i < len(justify) else "left" for i in range(len(headers))]
        self.styles = [*styles, *[""] * (len(headers) - len(styles))]
        self.flexible = range(len(headers)) if flexible is None else flexible
        self.show_header = show_header
        self.rows: list[list[tuple[Text, int]]] = []  # each cell with its width in cells

    def add_row(self, *cells: str | Text) -> None:
        assert len(cells) == len(self.headers), cells
        row = [c if isinstance(c, Text) else Text(c, style=style) for c, style in zip(cells, self.styles, strict=True)]
        row = [Text(" ").join(c.split("\n")) if "\n" in c.plain else c for c in row]  # one line a cell
        self.rows.append([(c, c.cell_len) for c in row])

    def _widths(self, available: int) -> list[int] | None:
        """Each column's width, or None when the columns cannot fit without cutting a word."""
        widths = [0] * len(self.headers)
        for row in self.rows:
            for i, (_, width) in enumerate(row):
                if width > widths[i]:
                    widths[i] = width
        if self.show_header:  # a header over an empty column takes no room either
            widths = [max(w, cell_len(h)) if w else 0 for w, h in zip(widths, self.headers, strict=True)]
        shown = [w for w in widths if w]
        excess = len(self.INDENT) + sum(shown) + len(self.GAP) * (len(shown) - 1) - available
        if excess <= 0 or not self.flexible:
            return widths
        # narrow the widest flexible column a cell at a time, never below its longest word
        floors = {
            i: max((cell_len(w) for row in self.rows for w in row[i][0].plain.split()), default=0)
            for i in self.flexible
        }
        if self.show_header:
            floors = {i: max([floor, *(cell_len(w) for w in self.headers[i].split())]) for i, floor in floors.items()}
        while excess > 0:
            narrowable = [i for i in self.flexible if widths[i] > floors[i]]
            if not narrowable:
                return None
            widest = max(narrowable, key=lambda i: widths[i])
            widths[widest] -= 1
            excess -= 1
        return widths

    def _line(self, cells: list[tuple[Text, int]], widths: list[int]) -> tuple[Text, int]:
        """One line of cells padded to their columns, and how wide it is at most. Built as one string and its
        spans: Text.append per cell costs several times more on long lists."""
        shown = [i for i, w in enumerate(widths) if w]
        pieces, spans, offset, used = [self.INDENT], [], len(self.INDENT), len(self.INDENT)
        for n, i in enumerate(shown):
            cell, width = cells[i]
            pad = max(widths[i] - width, 0)
            used += width + pad + (len(self.GAP) if n < len(shown) - 1 else 0)
            if self.justify[i] == "right":
                pieces.append(" " * pad)
                offset += pad
            text = cell.plain
            if cell.style:
                spans.append(Span(offset, offset + len(text), cell.style))
            spans += [span.move(offset) for span in cell.spans]
            pieces.append(text)
            offset += len(text)
            if n < len(shown) - 1:
                tail = (" " * pad if self.justify[i] == "left" else "") + self.GAP
                pieces.append(tail)
                offset += len(tail)
        plain = "".join(pieces).rstrip()
        return Text(plain, spans=[span for span in spans if span.start < len(plain)]), used

    def _row(self, console: Console, cells: list[tuple[Text, int]], widths: list[int]) -> list[tuple[Text, int]]:
        """One row as lines: a cell wider than its column wraps within it."""
        parts = [
            [(cell, width)]
            if width <= w or not w
            else [(line, line.cell_len) for line in cell.wrap(console, w, overflow="fold")]
            for (cell, width), w in zip(cells, widths, strict=True)
        ]
        empty = (Text(), 0)
        return [self._line([p[k] if k < len(p) else empty for p in parts], widths) for k in range(max(map(len, parts)))]

    def lines(self, console: Console, width: int) -> list[tuple[Text, int]]:
        """The lines to print, each with its width at most."""
        widths = self._widths(width)
        out = [(Text.assemble((self.title, "italic")), cell_len(self.title))] if self.title else []
        if widths is None:
            return out + self._records(console, width)
        if self.show_header:
            out += self._row(console, [(Text(h, style="bold"), cell_len(h)) for h in self.headers], widths)
            shown = [w for w in widths if w]
            rule = sum(shown) + len(self.GAP) * (len(shown) - 1)
            line = "─" if console.encoding.lower().startswith("utf") else "-"  # ascii, latin-1: no box line
            out.append((Text(self.INDENT + line * rule), len(self.INDENT) + rule))
        for row in self.rows:
            out += self._row(console, row, widths)
        return out

    def _records(self, console: Console, width: int) -> list[tuple[Text, int]]:
        """Each row as a record: `header  value` lines (values wrap between words; a word longer than the
        line stays whole on a line of its own), a blank line between rows. Headerless grids indent the cells after
        the first under it."""
        label = max((cell_len(h) for h in self.headers), default=0) if self.show_header else 2
        room = max(width - len(self.INDENT) - label - len(self.GAP), 1)
        out: list[tuple[Text, int]] = []
        for n, row in enumerate(self.rows):
            if n:
                out.append((Text(), 0))
            for i, (cell, cell_width) in enumerate(row):
                if not cell_width:
                    continue
                first = not self.show_header and i == 0
                head = "" if first else (self.headers[i] if self.show_header else "")
                fit = max(room, *(cell_len(word) for word in cell.plain.split()))  # wrap between words only
                pieces = [cell] if first or cell_width <= room else cell.wrap(console, fit, overflow="fold")
                for k, piece in enumerate(pieces):
                    prefix = self.INDENT if first else self.INDENT + (head if k == 0 else "").ljust(label) + self.GAP
                    piece.rstrip()
                    line = Text.assemble((prefix, "bold" if k == 0 and head else ""), piece)
                    out.append((line, line.cell_len))
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        for line, used in self.lines(console, width):
            if used <= width:
                yield from line.render(console)
                yield Segment.line()
            else:
                yield line  # only a word wider than the console makes a line this wide: rich folds it, losing nothing


class Hanging:
    """`prefix` then `body`; the body's wrapped lines are indented under its first character."""

    def __init__(self, prefix: str, body: Text, style: str = "") -> None:
        self.prefix, self.body, self.style = prefix, body, style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        indent = cell_len(self.prefix)
        room = max(options.max_width - indent, 12)
        for number, line in enumerate(self.body.wrap(console, room, overflow="fold")):
            line.rstrip()
            yield Text.assemble((self.prefix if number == 0 else " " * indent, self.style), line)


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
