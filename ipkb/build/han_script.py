"""Traditional-character quotes read in simplified characters, to check a Chinese name against them.

Many of the stored copies of mainland pages are traditional-character mirrors, some with pinyin
readings inserted after characters (知識(shí)產(chǎn)權(quán)). The KB writes a mainland body's name as it is officially
written, in simplified characters; such a name is supported by a quote that writes the same name in
traditional characters, and by nothing looser. The script conversion is OpenCC's standard `t2s` table (a
maintained dictionary of one-to-many mappings that a hand-written table would get wrong), loaded only when
a name is not found in its quotes as written.
"""

from __future__ import annotations

import re

from ipkb.text import simplified, without_readings

HAN = re.compile("[\u4e00-\u9fff]")
# full-width brackets and quotation marks, and spaces, as compared: each replaced in turn (str.replace is 5x faster
# on a quote than str.translate, which looks each character up in a dict; no replacement is itself replaced)
_WIDE = (("（", "("), ("）", ")"), ("“", '"'), ("”", '"'), ("＂", '"'), (" ", ""), ("\u3000", ""))


def read_as_simplified(text: str) -> str:
    """`text` without inserted pinyin readings, converted from traditional to simplified characters."""
    return simplified(without_readings(text))


def comparable(text: str) -> str:
    """`text` with full-width brackets and quotation marks as ASCII ones, without spaces: how names are compared
    to quotes."""
    for wide, narrow in _WIDE:
        text = text.replace(wide, narrow)
    return text


def quoted(name: str, quotes: list[str]) -> bool:
    """Whether one of `quotes` (already comparable) writes `name`, as written or in the other script."""
    if any(name in quote for quote in quotes):
        return True
    simplified = read_as_simplified(name)
    return any(simplified in read_as_simplified(quote) for quote in quotes if HAN.search(quote))
