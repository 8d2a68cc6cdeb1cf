"""Folding of names so that users' spellings meet the KB's (stdlib only: used on every query)."""

from __future__ import annotations

import re
import unicodedata

_CJK_SUFFIXES = ("自治区", "特别行政区", "市", "区", "县", "省")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def strip_tones(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


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
