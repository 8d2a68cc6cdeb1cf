"""The build's shortcuts give what the longer way gives: each is a cheaper test or a cheaper spelling of the
same rule (docs/performance.md, "Cheaper checks"), so a message or a stored row can never depend on which ran."""

from __future__ import annotations

import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from ipkb.build.han_script import comparable
from ipkb.build.values import _CONTROL, _CONTROL_MULTILINE, control_character

_WIDE = str.maketrans({"（": "(", "）": ")", "“": '"', "”": '"', "＂": '"', " ": None, "\u3000": None})


def test_no_control_character_is_printable() -> None:
    """control_character and FieldChecks.text skip the search for a printable text: it must find nothing there."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if _CONTROL.match(char) or _CONTROL_MULTILINE.match(char):
            assert not char.isprintable(), f"U+{code:04X}"


@given(st.text(alphabet=st.sampled_from("a\t\n\x07\x85\u3000\xa0中 \ud800\ufffe")))
def test_control_character_as_searched(text: str) -> None:
    for multiline in (False, True):
        found = (_CONTROL_MULTILINE if multiline else _CONTROL).search(text)
        expected = None if found is None else f"U+{ord(found.group()):04X} at character {found.start() + 1}"
        assert control_character(text, multiline) == expected


@given(st.text(alphabet=st.sampled_from("（）“”＂ \u3000ab中()\"'")))
def test_comparable_as_translated(text: str) -> None:
    """comparable replaces one mark after another: the same as translating every mark at once."""
    assert comparable(text) == text.translate(_WIDE)


@given(st.text(alphabet=st.sampled_from("aāZ -'（(“‘[【《）)”’]】》,，.。、;；:：!！?？\"—～~1中")))
def test_marks_spaced_as_substituted(text: str) -> None:
    """derive._marks_spaced skips its four substitutions for letters and spaces: they change nothing there."""
    from ipkb.build import derive

    spaced = derive._SPACE_BEFORE_CLOSING.sub(r"\1", derive._SPACE_AFTER_OPENING.sub(r"\1", text))
    assert derive._marks_spaced(text) == derive._SPACED_DASH.sub(r"\1", derive._ASCII_QUOTED.sub(r'"\1"', spaced))


@given(st.text(alphabet=st.sampled_from("aB-z centre_~\tÉé１市区县省自治特别行政")))
def test_fold_as_before(text: str) -> None:
    """fold tests every 市/区/县/省 ending at once before it looks for the one there."""
    from ipkb.text import _CJK_SUFFIXES, _NON_WORD, american, fold, strip_tones

    folded = _NON_WORD.sub("", american(strip_tones(unicodedata.normalize("NFKC", text)).casefold()))
    for suffix in _CJK_SUFFIXES:
        if folded.endswith(suffix) and len(folded) > len(suffix) + 1:
            folded = folded[: -len(suffix)]
            break
    assert fold(text) == folded


@given(st.lists(st.text(alphabet=st.sampled_from("a柯桥 -_·\0（1"), max_size=5), max_size=4))
def test_char_tokens_as_spelt_name_by_name(names: list[str]) -> None:
    """char_tokens spells all names at once, joined by a mark: the same as spelling each and joining with a gap."""
    import re

    from ipkb.text import char_tokens

    spelt = (" ".join(re.sub(r"[\W_]", "\0", name)).replace("\0", "zz") for name in names)
    assert char_tokens(names) == " zz ".join(spelt)
