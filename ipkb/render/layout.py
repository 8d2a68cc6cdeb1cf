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
from collections.abc import Iterator, Sequence
from operator import itemgetter
from typing import Literal

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.text import Span, Text

from ipkb.render.cell import EMPTY, Cell, plain_cell, spans_within
from ipkb.render.notes import Hanging as Hanging  # re-exported: every renderer takes its pieces from here
from ipkb.render.notes import Notes as Notes
from ipkb.render.terminal import columns
from ipkb.render.wrap import _UNBROKEN, NO_BREAK, hyphen_pieces, unbroken_width, width_of, wrap_whole_words
from ipkb.text import has_han

Justify = Literal["left", "right"]


class _Console(Console):
    """rich's Console, but a reader that stops reading (`ipkb show x | head -2`) is no failure: rich's own
    answer is exit 1; this raises the BrokenPipeError that `ipkb.cli.main` turns into a silent exit 0."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def console(stderr: bool = False) -> Console:
    """A console on stdout (or stderr): styles only on a terminal that is not TERM=dumb, colour only without
    NO_COLOR; as wide as ipkb.render.terminal.columns says."""
    stream = sys.stderr if stderr else sys.stdout
    interactive = stream.isatty()
    dumb = os.environ.get("TERM") in ("dumb", "unknown")
    return _Console(
        file=stream,
        width=columns(stream, interactive),
        force_terminal=False if dumb else None,  # a dumb terminal gets plain text: no colour, no bold
        no_color=bool(os.environ.get("NO_COLOR")) or not interactive,
        highlight=False,
    )


class Trimmed:
    """A renderable drawn without the spaces rich leaves at the end of a line it wrapped (`... includes ⏎`) or
    pads (a tree's guides): no printed line ends in a space. Its lines are split, never cropped."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in Segment.split_lines(console.render(self.renderable, options)):
            while line and not line[-1].control and not line[-1].text.rstrip():
                line.pop()
            if line and not line[-1].control:
                line[-1] = Segment(line[-1].text.rstrip(), line[-1].style)
            yield from line
            yield Segment.line()


def print_to(console: Console, renderable: RenderableType) -> None:
    """console.print(renderable), never cropped: a word wider than the console (an id, a URL) runs past its
    edge whole, where a terminal wraps it without a line break, so it can be copied; and never a line that
    ends in a space (`Trimmed`). Where the console draws no styles (a pipe, a file, TERM=dumb) a Grid's lines
    go straight to the stream as they are laid out: the same characters, without rich turning each line into
    segments and holding the whole answer first. A list of 20,000 entities prints in a fraction of the time,
    and its first lines reach `head` or `less` at once."""
    if console.color_system is not None:
        console.print(Trimmed(renderable), crop=False)
    elif isinstance(renderable, Group):
        from itertools import groupby

        for nested, items in groupby(renderable.renderables, key=lambda item: isinstance(item, (Grid, Group))):
            if nested:
                for item in items:
                    print_to(console, item)
            else:  # the texts between tables in one call: each console.print costs about 0.3 ms
                console.print(Trimmed(Group(*items)), crop=False)
    elif isinstance(renderable, Grid):
        write = console.file.write
        for line in renderable.plain_lines(console, console.width):
            write(line)
    else:
        console.print(Trimmed(renderable), crop=False)


class Grid:
    """Rows of cells under a header, in aligned columns, drawn line by line; looks like a rich Table with
    box.SIMPLE_HEAD. Columns left entirely empty take no room, but for those `kept` (a column asked for by
    name). When the lines are wider than the console,
    the `flexible` columns (all, by default) narrow, the widest first, down to their longest word, and their cells wrap
    between words within the column. A word (an id, a metric, a Chinese name) is never cut, but for an id in
    a `hyphenated` column, which breaks after a hyphen once no other column can narrow: when even that does
    not fit, each row is drawn as a record instead, one `header  value` line per cell; and a word wider
    than the console itself (a long URL) runs past its edge whole, on a line of its own. Columns named `last`
    (a metric's name, which reads badly in pieces) narrow only once no other can; in `breakable` ones Chinese
    breaks between characters (not inside 2022), BREAKABLE cells wide at least. A section heading (`add_section`)
    runs across the whole width above the rows it heads, in a table and in records alike. `record_headers`
    labels the cells in records where the table's header would not: a column with no header gets a name, and
    a column of separator words (the `of` in `16 of 23`) is left out (None)."""

    GAP = "  "
    INDENT = " "
    BREAKABLE = 12  # six Chinese characters

    def __init__(
        self,
        *headers: str,
        title: str | None = None,
        justify: Sequence[Justify] = (),
        styles: Sequence[str] = (),
        flexible: Sequence[int] | None = None,
        show_header: bool = True,
        last: Sequence[int] = (),
        breakable: Sequence[int] = (),
        hyphenated: Sequence[int] = (),
        record_headers: Sequence[str | None] = (),
        kept: Sequence[int] = (),
        records: bool = False,
    ) -> None:
        self.headers = headers
        self.records = records  # drawn as records whatever the width (the caller found the table too cramped)
        self.kept = set(kept)  # columns shown under their header even when every cell is empty (asked for by name)
        self.record_headers: Sequence[str | None] = record_headers or headers  # each cell's label in records
        self.title = title
        self.justify: list[Justify] = [justify[i] if i < len(justify) else "left" for i in range(len(headers))]
        self.styles = [*styles, *[""] * (len(headers) - len(styles))]
        self._styled = any(self.styles)
        self._spanned = False  # whether a cell has a style (a row of plain strings has none)
        self._measured: dict[tuple[int, int], list[int] | None] = {}  # (available, rows) -> widths
        self.flexible = range(len(headers)) if flexible is None else flexible
        self.last = set(last)  # flexible columns that narrow only once the others can narrow no more
        self.breakable = set(breakable)  # columns whose Chinese may break between characters, BREAKABLE wide at least
        self.hyphenated = set(hyphenated)  # columns of ids, which break after a hyphen rather than become records
        self.show_header = show_header
        self.rows: list[list[Cell]] = []
        self.sections: dict[int, Cell] = {}  # row index -> the heading drawn above it
        self._planned: list[int] | None = None  # the widths _plan was made for
        self._plan: list[tuple[int, int, bool, bool]] = []  # each shown column: index, width, right, last

    def add_section(self, heading: str | Text) -> None:
        """A heading across the whole width above the rows added after it: what a group of rows has in common
        (an entity and a metric), said once instead of in a column of its own; it wraps between words."""
        self.sections[len(self.rows)] = Cell.of(heading)

    def add_row(self, *cells: str | Text) -> None:
        assert len(cells) == len(self.headers), cells
        plain = [c for c in cells if type(c) is str and c.isprintable()]
        if not self._styled and len(plain) == len(cells):  # most rows: what Cell.of makes of plain text
            self.rows.append([plain_cell(c) for c in plain])
            return
        self.rows.append([Cell.of(c, style) for c, style in zip(cells, self.styles, strict=True)])
        self._spanned = self._spanned or any(cell.spans for cell in self.rows[-1])

    def widths(self, available: int) -> list[int] | None:
        """Each column's width in `available` cells (0: an empty column, not shown), or None when the columns
        cannot fit without cutting a word and the rows are drawn as records."""
        if self.records:
            return None
        key = (available, len(self.rows))
        if key not in self._measured:
            self._measured[key] = self._widths(available)
        return self._measured[key]

    def _widths(self, available: int) -> list[int] | None:
        width = itemgetter(2)  # Cell.width, read in C
        widths = [max(map(width, map(itemgetter(i), self.rows)), default=0) for i in range(len(self.headers))]
        if self.show_header:  # a header over an empty column takes no room either
            widths = [
                max(w, cell_len(h)) if w or i in self.kept else 0
                for i, (w, h) in enumerate(zip(widths, self.headers, strict=True))
            ]
        shown = [w for w in widths if w]
        excess = len(self.INDENT) + sum(shown) + len(self.GAP) * (len(shown) - 1) - available
        if excess <= 0 or not self.flexible:
            return widths
        # narrow the widest flexible column a cell at a time, never below its longest word; then, if that is not
        # enough, the id columns (`hyphenated`) on their own, down to their longest piece between hyphens
        excess = self._narrow(widths, excess, {i: self._longest_word(i) for i in self.flexible})
        if excess > 0 and self.hyphenated:
            excess = self._narrow(widths, excess, {i: self._longest_word(i, True) for i in self.hyphenated})
        return widths if excess <= 0 else None

    def _narrow(self, widths: list[int], excess: int, floors: dict[int, int]) -> int:
        """Narrow `widths` (in place) by up to `excess` cells, the widest of the columns in `floors` first, none
        below its floor (nor below its header's longest word); return how much is still too wide."""
        if self.show_header:
            floors = {i: max([f, *(cell_len(w) for w in self.headers[i].split())]) for i, f in floors.items()}
        while excess > 0:
            narrowable = [i for i in floors if widths[i] > floors[i] and i not in self.last]
            narrowable = narrowable or [i for i in floors if widths[i] > floors[i]]
            if not narrowable:
                return excess
            widest = max(narrowable, key=lambda i: widths[i])
            widths[widest] -= 1
            excess -= 1
        return excess

    def _longest_word(self, column: int, hyphens: bool = False) -> int:
        """The width of the longest word in a column (with `hyphens`, of the longest piece of an id in it)."""
        text = " ".join(cell.plain for cell in map(itemgetter(column), self.rows))
        if text.isascii() and not hyphens:  # printable ASCII (cells hold no control codes): as wide as long
            return max(map(len, text.split()), default=0)
        return max((self._floor(word, column, hyphens) for word in set(text.split())), default=0)

    def _floor(self, word: str, column: int, hyphens: bool = False) -> int:
        """How narrow a word can be wrapped: not at all, but for Chinese in a `breakable` column and, with
        `hyphens`, an id in a `hyphenated` one."""
        if hyphens and column in self.hyphenated and "-" in word:
            return max(width_of(piece) for piece in hyphen_pieces(word))
        width = width_of(word)
        if column not in self.breakable or width <= self.BREAKABLE or not has_han(word):
            return width
        if width == 2 * len(word):  # Chinese alone: it breaks between any two characters
            return self.BREAKABLE
        return max(self.BREAKABLE, *(width_of(unit) for unit in _UNBROKEN.findall(word)))

    def _line(self, cells: list[Cell], widths: list[int]) -> Cell:
        """One line of cells padded to their columns; its width is how wide it is at most (before the
        trailing blanks are dropped)."""
        if widths is not self._planned:  # which columns are shown, and how, once a table (a long list draws
            # 50,000 lines)
            shown = [i for i, w in enumerate(widths) if w]
            self._plan = [(i, widths[i], self.justify[i] == "right", i == shown[-1]) for i in shown]
            self._planned = widths
        pieces, spans, offset, used = [self.INDENT], [], len(self.INDENT), len(self.INDENT)
        gap = self.GAP
        for i, width, right, last in self._plan:
            cell = cells[i]
            pad = width - cell.width if width > cell.width else 0
            used += cell.width + pad
            if right and pad:
                pieces.append(" " * pad)
                offset += pad
            if cell.spans:
                spans += [span.move(offset) for span in cell.spans]
            pieces.append(cell.plain)
            offset += len(cell.plain)
            if not last:
                tail = gap if right else " " * pad + gap
                pieces.append(tail)
                offset += len(tail)
                used += len(gap)
        plain = "".join(pieces).rstrip()
        if NO_BREAK in plain:  # a cell that fits is drawn unwrapped
            plain = plain.replace(NO_BREAK, " ")
        return Cell(plain, spans_within(spans, len(plain)) if spans else spans, used)

    def _row(self, console: Console, cells: list[Cell], widths: list[int]) -> Iterator[Cell]:
        """One row as lines: a cell wider than its column wraps within it."""
        if all(cell.width <= w or not w for cell, w in zip(cells, widths, strict=True)):
            yield self._line(cells, widths)
            return
        parts = [
            [cell] if cell.width <= w or not w else cell.wrap(console, w, i in self.hyphenated)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ]
        for k in range(max(map(len, parts))):
            yield self._line([p[k] if k < len(p) else EMPTY for p in parts], widths)

    def lines(self, console: Console, width: int, rows: bool = True) -> Iterator[Cell]:
        """The lines to print, each with its width at most, one at a time (not `rows`: those above them)."""
        widths = self.widths(width)
        if self.title:
            yield Cell.of(self.title, "italic")
        if widths is None:
            yield from self._records(console, width)
            return
        if self.show_header:
            yield from self._row(console, [Cell.of(h, "bold") for h in self.headers], widths)
            shown = [w for w in widths if w]
            rule = sum(shown) + len(self.GAP) * (len(shown) - 1)
            line = "─" if console.encoding.lower().startswith("utf") else "-"  # ascii, latin-1: no box line
            yield Cell(self.INDENT + line * rule, [], len(self.INDENT) + rule)
        for n, row in enumerate(self.rows if rows else ()):
            if n in self.sections:
                yield from self._section(n, width, blank=n > 0)
            yield from self._row(console, row, widths)

    def _section(self, index: int, width: int, blank: bool) -> Iterator[Cell]:
        """The heading above row `index`, after a blank line (but at the top), broken between words."""
        if blank:
            yield EMPTY
        for line in wrap_whole_words(self.sections[index].text(), max(width - len(self.INDENT), 1)):
            yield Cell.of(Text(self.INDENT) + line)

    def _records(self, console: Console, width: int) -> Iterator[Cell]:
        """Each row as a record: `header  value` lines (values wrap between words; a word longer than the
        line stays whole on a line of its own), a blank line between rows. Headerless grids indent the cells after
        the first under it."""
        named = [h for h in self.record_headers if h is not None]
        label = max((cell_len(h) for h in named), default=0) if self.show_header else 2
        room = max(width - len(self.INDENT) - label - len(self.GAP), 1)
        heads = [self.INDENT + h.ljust(label) + self.GAP if self.show_header and h else "" for h in named]
        heads = [heads.pop(0) if h is not None else "" for h in self.record_headers]
        under = self.INDENT + " " * label + self.GAP  # a wrapped value's lines after its first
        bold = [[Span(0, len(head), "bold")] if head else [] for head in heads]
        widths = {prefix: width_of(prefix) for prefix in [*heads, under, self.INDENT]}
        for n, row in enumerate(self.rows):
            if n:
                yield EMPTY
            if n in self.sections:
                yield from self._section(n, width, blank=False)
            for i, cell in enumerate(row):
                if not cell.width or self.record_headers[i] is None:
                    continue
                first = not self.show_header and i == 0
                head = "" if first else heads[i]
                if first or cell.width <= room:
                    pieces = [cell]
                else:  # between words; Chinese between characters and an id (`hyphenated`) after a hyphen,
                    # hung under the value rather than past the line, where it was folded to column 0
                    hyphens = i in self.hyphenated
                    floor = max(room, *(unbroken_width(word, hyphens) for word in cell.plain.split()))
                    pieces = cell.wrap(console, floor, hyphens)
                for k, piece in enumerate(pieces):
                    prefix = self.INDENT if first else (head if k == 0 and head else under)
                    plain = piece.plain.rstrip().replace(NO_BREAK, " ")
                    spans = list(bold[i]) if k == 0 and head else []
                    if piece.spans:
                        spans += [span.move(len(prefix)) for span in spans_within(piece.spans, len(plain))]
                    used = width_of(plain) if len(plain) < len(piece.plain) else piece.width
                    yield Cell(prefix + plain, spans, widths[prefix] + used)

    def fitted_lines(self, console: Console, width: int, rows: bool = True) -> Iterator[Cell]:
        """The lines, each at most `width` wide but for a word wider than that, which is kept whole (a title,
        or a record's value wrapped at its longest word, is broken again between words)."""
        for line in self.lines(console, width, rows):
            if line.width <= width:
                yield line
            else:
                yield from (Cell.of(piece) for piece in wrap_whole_words(line.text(), width))

    def plain_lines(self, console: Console, width: int) -> Iterator[str]:
        """fitted_lines' characters, each line ended, for a stream that takes no styles. A table of plain cells
        (a long list: 27,000 rows, 50,000 lines) has its rows laid out as strings, not a Cell a line."""
        widths = self.widths(width)
        right = widths is not None and any(self.justify[i] == "right" for i, w in enumerate(widths) if w)
        fast = widths is not None and not (self.sections or self._spanned or right)
        for line in self.fitted_lines(console, width, rows=not fast):
            yield line.plain.rstrip(" ") + "\n"
        if not fast or widths is None:
            return
        for plain, used in self._plain_rows(console, widths):
            if used <= width:
                yield plain.rstrip(" ") + "\n"
            else:  # as fitted_lines breaks a line wider than the console
                yield from (piece.plain.rstrip(" ") + "\n" for piece in wrap_whole_words(Text(plain), width))

    def _plain_rows(self, console: Console, widths: list[int]) -> Iterator[tuple[str, int]]:
        """What _row and _line make of each row of unstyled cells in left-justified columns: each line's text
        and its width at most."""
        shown = [i for i, w in enumerate(widths) if w]
        sizes = [widths[i] for i in shown]
        hyphens = [i in self.hyphenated for i in shown]
        indent, gap = self.INDENT, self.GAP
        full = len(indent) + sum(sizes) + len(gap) * (len(shown) - 1)
        for row in self.rows:
            cells = [row[i] for i in shown]
            if all([cell.width <= w for cell, w in zip(cells, sizes, strict=True)]):
                plain = (
                    indent + gap.join([c.plain + " " * (w - c.width) for c, w in zip(cells, sizes, strict=True)])
                ).rstrip()
                yield (plain.replace(NO_BREAK, " ") if NO_BREAK in plain else plain), full
                continue
            parts = [
                [cell] if cell.width <= w else cell.wrap(console, w, hyphen)
                for cell, w, hyphen in zip(cells, sizes, hyphens, strict=True)
            ]
            for k in range(max(map(len, parts))):
                line = [p[k] if k < len(p) else EMPTY for p in parts]
                plain = (
                    indent + gap.join([c.plain + " " * (w - c.width) for c, w in zip(line, sizes, strict=True)])
                ).rstrip()
                over = sum([c.width - w for c, w in zip(line, sizes, strict=True) if c.width > w])
                yield (plain.replace(NO_BREAK, " ") if NO_BREAK in plain else plain), full + over

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.fitted_lines(console, options.max_width):
            yield from line.text().render(console)
            yield Segment.line()
