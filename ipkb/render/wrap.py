"""Where a line of text may break: between words, inside Chinese (between characters, never inside a run
like 2022 or 12330), and, for ids that would not fit otherwise, after a hyphen; and how wide text is."""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.text import Text

from ipkb.text import has_han


def width_of(text: str) -> int:
    """How many terminal cells `text` takes: rich's cell_len, without its lookups for printable ASCII (one
    cell each) and CJK ideographs (two): a long list measures 400,000 strings. A loop, not a regular
    expression: compiling a character class with the CJK range cost every query about 2 ms at import, and
    the loop is as fast on a name."""
    if text.isascii() and text.isprintable():
        return len(text)
    wide = 0
    for character in text:
        if "\u4e00" <= character <= "\u9fff":
            wide += 1
        elif not " " <= character <= "~":
            return cell_len(text)
    return len(text) + wide


NO_BREAK = "\u00a0"  # in text given to wrap_whole_words: a space that never breaks (`also [2]` stays whole)


def wrap_whole_words(text: Text, width: int, hyphens: bool = False) -> list[Text]:
    """`text` in lines of at most `width` cells, broken between words only: a word longer than that (a URL,
    an id) has a line of its own and stays whole, so it can be copied; Chinese, written without spaces,
    breaks between characters; with `hyphens`, a word wider than the line (an id) breaks after its hyphens
    (`national-ip-` / `demonstration-city`); a NO_BREAK space joins what must stay on one line. Text.wrap
    either folds such a word or, told not to, does not wrap at all; rich's own line divider does what is wanted
    here."""
    lines: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        for start, end in line_ranges(paragraph.plain, width, hyphens):
            line = paragraph[start:end]
            if NO_BREAK in line.plain:
                line.plain = line.plain.replace(NO_BREAK, " ")  # printed, and copied, as a plain space
            lines.append(line)
    return lines


def line_ranges(paragraph: str, width: int, hyphens: bool = False) -> list[tuple[int, int]]:
    """Where each line of one paragraph (no newline) begins and ends, as `wrap_whole_words` breaks it; its
    trailing spaces left out. Where Chinese broke between characters, what is left of it starts the next line
    and the words after it follow on that line (`2025年)”, yrdcpcn.com, ...`), rather than the rest of the
    paragraph beginning a line of its own after a short one. Offsets only, so that a plain cell is cut as a
    string and only styled text as a Text."""
    from rich._wrap import divide_line

    out: list[tuple[int, int]] = []
    base = 0
    while True:
        rest = paragraph[base:]
        offsets = divide_line(rest.replace(NO_BREAK, "\ue000"), width, fold=False)  # no break at a NO_BREAK
        bounds = list(zip([0, *offsets], [*offsets, len(rest)], strict=True))
        for n, (start, end) in enumerate(bounds):
            kept = rest[start:end].rstrip()
            shown = kept.replace(NO_BREAK, " ")
            wide = width_of(shown) > width
            if wide and has_han(shown):  # Chinese breaks between characters
                pieces = _pieces(_han_breaks(shown, width), len(kept))
                if n + 1 < len(bounds) and len(pieces) > 1:  # the last piece goes on with the words after it
                    out += [(base + start + a, base + start + b) for a, b in pieces[:-1] if b > a]
                    base += start + pieces[-1][0]
                    break
                out += [(base + start + a, base + start + b) for a, b in pieces if b > a]
            elif wide and hyphens:  # an id breaks after a hyphen
                out += [
                    (base + start + a, base + start + b)
                    for a, b in _pieces(hyphen_breaks(shown, width), len(kept))
                    if b > a
                ]
            else:
                out.append((base + start, base + start + len(kept)))
        else:
            return out


def _pieces(breaks: list[int], length: int) -> list[tuple[int, int]]:
    """The (start, end) of the pieces a text of `length` characters is cut into at `breaks`."""
    return list(zip([0, *breaks], [*breaks, length], strict=True))


_UNBROKEN = re.compile(r"[A-Za-z0-9]+(?:[.,][A-Za-z0-9]+)*|.", re.DOTALL)


def _han_breaks(plain: str, width: int) -> list[int]:
    """Where to break a word of Chinese wider than `width` cells: between any two characters, but never inside
    a run of ASCII letters and digits (2022, 12330, PCT, 86.73) unless that run alone is wider than the line."""
    breaks, used = [], 0
    for unit in _UNBROKEN.finditer(plain):
        size = width_of(unit.group())
        if used and used + size > width:
            breaks.append(unit.start())
            used = 0
        if size <= width:
            used += size
            continue
        for k, character in enumerate(unit.group()):  # a run wider than the line: folded where it must be
            size = width_of(character)
            if used and used + size > width:
                breaks.append(unit.start() + k)
                used = 0
            used += size
    return breaks


_HYPHENATED = re.compile(r"[^-]*-+|[^-]+")  # a piece of a word up to and with its hyphens


def hyphen_pieces(word: str) -> list[str]:
    """`national-ip-city` -> `national-`, `ip-`, `city`: where an id may break when it cannot stay whole."""
    return _HYPHENATED.findall(word)


def hyphen_breaks(plain: str, width: int) -> list[int]:
    """Where to break a word wider than `width` cells: after a hyphen, as few times as will fit."""
    breaks, used = [], 0
    for piece in _HYPHENATED.finditer(plain):
        size = width_of(piece.group())
        if used and used + size > width:
            breaks.append(piece.start())
            used = 0
        used += size
    return breaks


def unbroken_width(word: str, hyphens: bool = False) -> int:
    """How wide a word stays on a line: whole, but for Chinese, which breaks between characters (never inside
    2022 or 12330), and, with `hyphens`, an id, which breaks after a hyphen."""
    if hyphens and "-" in word:
        return max(width_of(piece) for piece in hyphen_pieces(word))
    if not has_han(word):
        return width_of(word)
    return max(width_of(unit) for unit in _UNBROKEN.findall(word))
