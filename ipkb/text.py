"""Folding of names so that users' spellings meet the KB's (stdlib only: used on every query)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_CJK_SUFFIXES = ("自治区", "特别行政区", "市", "区", "县", "省")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_NOT_ALNUM = re.compile(r"[\W_]")
# Stands for every gap in the character index: between names, and for each space or punctuation mark. It is
# two characters long, so no query of single-character tokens can match it or match across it.
_CHAR_GAP = "zz"


class _WithoutMarks(dict[int, "str | None"]):
    """A str.translate table that drops combining marks, filled as characters are first met (a build folds
    millions of characters; asking unicodedata once per character each time was a fifth of making rows)."""

    def __missing__(self, code: int) -> str | None:
        kept = None if unicodedata.combining(chr(code)) else chr(code)
        self[code] = kept
        return kept


_WITHOUT_MARKS = _WithoutMarks()


def strip_tones(text: str) -> str:
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).translate(_WITHOUT_MARKS)


def fold(text: str) -> str:
    """Case, width, tones, spaces and punctuation folded; a trailing 市/区/县/省 dropped."""
    folded = strip_tones(unicodedata.normalize("NFKC", text)).casefold()
    folded = _NON_WORD.sub("", folded)
    for suffix in _CJK_SUFFIXES:
        if folded.endswith(suffix) and len(folded) > len(suffix) + 1:
            return folded[: -len(suffix)]
    return folded


def normalize_space(text: str) -> str:
    return " ".join(text.split())


def char_tokens(names: Iterable[str]) -> str:
    """Names spelt one character per token, for the index that answers searches of 1 or 2 characters.

    The trigram index cannot: its shortest token is 3 characters. Here `柯桥区` becomes `柯 桥 区`, so a
    2-character search is an FTS5 phrase of two adjacent tokens.
    """
    spelt = (" ".join(_NOT_ALNUM.sub("\0", name)).replace("\0", _CHAR_GAP) for name in names)
    return f" {_CHAR_GAP} ".join(spelt)


def char_phrase(text: str) -> str | None:
    """The FTS5 phrase that finds `text` in `char_tokens` output, or None if `text` holds a space or mark."""
    if not text or _NOT_ALNUM.search(text):
        return None
    return '"' + " ".join(text) + '"'


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`1 hop`, `0 hops`, `2 hops`, `1 entity`, `3 entities`: a number and its noun, singular only for exactly
    one (a noun in -y after a consonant takes -ies; any other plural is given). The one place a count meets a
    noun: renderers, views and messages call it rather than write `entit{'y' if ...}` or `error(s)`."""
    if n == 1:
        return f"{n} {noun}"
    if plural is None:
        plural = noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"
    return f"{n} {plural}"


_PLURAL_ENDING = re.compile(r"(?<=[a-z])(ies|(?<![su])s)$")


def unit_for(value: object, unit: str | None) -> str:
    """A fact's unit as printed beside its value (`1 enterprise`, `2 enterprises`): the KB's unit, a plural as
    metrics declare it, made singular for a value of exactly 1 where it is a simple English plural: its last
    word (before any `per ...`) ends in -ies (`agencies`: agency) or -s (`days`, `working days`, `sub-centers`);
    not -ss, -us. Any other unit is left as written: `yuan`, `percent`, `people`, `countries and regions`
    (two nouns), and units not in English letters. --json keeps the KB's unit."""
    if not unit or isinstance(value, bool) or not isinstance(value, (int, float)) or value != 1:
        return unit or ""
    head, per, rest = unit.partition(" per ")
    if not head.isascii() or " and " in head or " or " in head:
        return unit
    return _PLURAL_ENDING.sub(lambda m: "y" if m.group(1) == "ies" else "", head) + per + rest
