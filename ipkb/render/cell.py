"""`Cell`: a table cell, or a drawn line, as plain text with its styles, and how it wraps within a column.
Strings are cheap where a rich Text a cell is not (see layout.Grid)."""

from __future__ import annotations

import re
from typing import NamedTuple

from rich.console import Console
from rich.control import strip_control_codes
from rich.text import Span, Text

from ipkb.render.wrap import NO_BREAK, line_ranges, width_of, wrap_whole_words
from ipkb.text import has_han


class Cell(NamedTuple):
    """A cell or a drawn line as plain text with its styles: strings are cheap where a rich Text per cell
    costs about 30 µs, which a list of 20,000 entities feels; a Text is made only to style or wrap."""

    plain: str
    spans: list[Span]
    width: int  # in terminal cells

    @classmethod
    def of(cls, value: str | Text, style: str = "") -> Cell:
        if type(value) is str and not style and value.isprintable():  # most cells: plain text on one line
            return plain_cell(value)
        if isinstance(value, Text):
            plain = value.plain
            spans = [Span(0, len(plain), value.style), *value.spans] if value.style else list(value.spans)
        else:  # as a Text would, drop what could move the cursor or ring
            plain = value if value.isprintable() else strip_control_codes(value)
            spans = [Span(0, len(plain), style)] if style and plain else []
        if "\n" in plain:  # one line a cell; the same length, so the spans stay put
            plain = plain.replace("\n", " ")
        return cls(plain, spans, width_of(plain))

    def text(self) -> Text:
        return Text(self.plain, spans=self.spans)

    def wrap(self, console: Console, width: int, hyphens: bool = False) -> list[Cell]:
        plain = not self.spans and self.plain.isprintable()  # most cells: cut as strings, no Text a line
        if plain and not hyphens and width > 1 and self.width == 2 * len(self.plain) and self._one_han_word():
            step = width // 2  # a Chinese name alone: as line_ranges breaks it, width // 2 characters a line
            pieces = [self.plain[k : k + step] for k in range(0, len(self.plain), step)]
            return [_new(Cell, (piece, [], 2 * len(piece))) for piece in pieces]
        if hyphens or has_han(self.plain) or NO_BREAK in self.plain:  # between characters, not inside 2022 or 12330;
            # and never at a NO_BREAK space (a note's letter stays with the word before it)
            if plain:
                cut = [self.plain[a:b].replace(NO_BREAK, " ") for a, b in line_ranges(self.plain, width, hyphens)]
                return [Cell.of(line) for line in cut]
            return [Cell.of(line) for line in wrap_whole_words(self.text(), width, hyphens)]
        if plain and self.plain.isascii():
            return self._wrap_plain(width)
        return [Cell.of(line) for line in self.text().wrap(console, width, overflow="fold")]

    def _one_han_word(self) -> bool:
        """Whether the cell is one word holding Chinese (its every character two cells wide): line_ranges breaks
        it between any two characters."""
        return self.plain.split() == [self.plain] and has_han(self.plain)

    def _wrap_plain(self, width: int) -> list[Cell]:
        """What `Text.wrap(width, overflow="fold")` makes of unstyled printable ASCII, without a Text per line
        (a long list wraps 50,000 cells): rich's own line divider, each line's spaces past the width dropped
        and the line cropped to it (rstrip_end, truncate)."""
        plain = self.plain
        if "  " not in plain and plain == plain.strip(" "):  # words between single spaces, as most names
            words = plain.split(" ")
            if max(map(len, words)) <= width:  # divide_line's lines, each without its trailing space at the width
                texts, text = [], words[0]
                for word in words[1:]:
                    if len(text) + 1 + len(word) <= width:
                        text = f"{text} {word}"
                    else:
                        texts.append(f"{text} " if len(text) < width else text)
                        text = word
                texts.append(text)
                return [_new(Cell, (text, [], len(text))) for text in texts]
        offsets = _ascii_breaks(plain, width)
        if offsets is None:  # a word wider than the column: rich folds it
            from rich._wrap import divide_line

            offsets = divide_line(plain, width, fold=True)
        lines = []
        for start, end in zip([0, *offsets], [*offsets, len(plain)], strict=True):
            line = plain[start:end]
            if len(line) > width:
                line = line[: len(line) - min(len(line) - len(line.rstrip()), len(line) - width)][:width]
            lines.append(Cell(line, [], len(line)))
        return lines


EMPTY = Cell("", [], 0)
_new = tuple.__new__  # a Cell without NamedTuple's __new__ in Python: a long list makes 160,000


def plain_cell(text: str) -> Cell:
    """The Cell of printable text without styles: what Cell.of makes of most cells, without its checks."""
    return _new(Cell, (text, [], len(text) if text.isascii() else width_of(text)))


_WORD = re.compile(r"\s*\S+\s*")  # a word and the blanks around it, as rich's line divider reads them


def _ascii_breaks(plain: str, width: int) -> list[int] | None:
    """Where rich's divide_line breaks printable ASCII (one cell a character), when every word fits the
    width; None when one does not (rich folds it)."""
    breaks: list[int] = []
    offset = 0
    for word in _WORD.finditer(plain):
        length = len(word.group().rstrip())
        if width - offset >= length:
            offset += len(word.group())
        elif length > width:
            return None
        elif offset and word.start():
            breaks.append(word.start())
            offset = len(word.group())
    return breaks


def spans_within(spans: list[Span], length: int) -> list[Span]:
    """The spans cut to a text shortened to `length` (its trailing blanks dropped)."""
    return [Span(s.start, min(s.end, length), s.style) for s in spans if s.start < length]
