"""Values the build derives from the YAML: pinyin and the folded names used for lookup."""

from __future__ import annotations

import re
from functools import lru_cache

from ipkb.model import EntityRecord
from ipkb.text import fold, strip_tones

_SUFFIXES = ("自治区", "自治州", "新区", "市", "区", "县", "省")
_LEVELS = re.compile("(.+?[省市])(.+[区县市])$")  # 天津市 | 滨海新区: a division named within its parent
_PEOPLE = re.compile("(.+?)(维吾尔|.族)$")  # 宁夏 | 回族 (自治区): the people of an autonomous region
# Names missing from pypinyin's phrase dictionary, where it would read 长 as zhǎng. They are added
# to that dictionary, so pypinyin's own phrase matching reads them right wherever they occur in a name.
_PHRASES = {
    "长垣": [["cháng"], ["yuán"]],
    "长株潭": [["cháng"], ["zhū"], ["tán"]],
    "申长雨": [["shēn"], ["cháng"], ["yǔ"]],
    "朝阳": [["cháo"], ["yáng"]],  # the places, not the morning sun (zhāoyáng)
    "闵行": [["mǐn"], ["háng"]],
    "天长": [["tiān"], ["cháng"]],
    "花都": [["huā"], ["dū"]],
}
# A person's name is written surname, space, given name (GB/T 28039): Shēn Chángyǔ. Two-character surnames:
_DOUBLE_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
    "夏侯",
    "长孙",
    "宇文",
)
# Names made of one character from each of several places (长沙, 株洲, 湘潭): GB/T 16159 hyphenates them.
_HYPHENATED = re.compile("(长株潭)")
_VOWEL_START = re.compile(r"[aoe]")
_SPACE_AFTER_OPENING = re.compile(r"([(（\[【《“‘]) ")
_SPACE_BEFORE_CLOSING = re.compile(r" ([)）\]】》”’,，.。、;；:：!！?？])")
_ASCII_QUOTED = re.compile(r'" ?([^"]*?) ?"')
_SPACED_DASH = re.compile(r" ?([—～~]) ?")
_TOKEN = re.compile(r"\w+|[^\w\s]")


@lru_cache(maxsize=1)
def _teach_pypinyin() -> None:
    from pypinyin import load_phrases_dict

    load_phrases_dict(_PHRASES)


@lru_cache(maxsize=65536)
def _word_tokens(word: str) -> tuple[str, ...]:
    """The word's syllables, each cut into runs of letters or digits and single marks."""
    from pypinyin import Style, lazy_pinyin

    return tuple(token for item in lazy_pinyin(word, style=Style.TONE) for token in _TOKEN.findall(item))


def _syllables(zh: str) -> list[str]:
    """Tone-marked syllables read phrase by phrase (pypinyin's phrase dictionary picks each heteronym's
    reading); text that is not Chinese comes back as separate tokens: marks one by one, runs of letters or digits.

    The text is cut into words the way lazy_pinyin cuts it first (pypinyin's simpleseg, phrases included),
    and each word is read once per process: names share words (知识产权, 保护中心, 县), and a full build at
    100k read 100,000 names five times faster so (tests/test_pinyin.py checks it equals lazy_pinyin's)."""
    from pypinyin.seg.simpleseg import seg

    _teach_pypinyin()
    tokens: list[str] = []
    for word in seg(zh):
        tokens += _word_tokens(word)
    return tokens


def _word(syllables: list[str]) -> str:
    """Syllables joined into one word, with an apostrophe before each non-initial a-, o- or e- syllable (Xī'ān)."""
    word = syllables[0] if syllables else ""
    for syllable in syllables[1:]:
        word += ("'" if _VOWEL_START.match(strip_tones(syllable)) else "") + syllable
    return word


def _words(zh: str, join: bool) -> list[str]:
    """Pinyin words: the syllables of `zh` as one word if `join`, else each its own; hyphenated names stay one."""
    words: list[str] = []
    for i, chunk in enumerate(_HYPHENATED.split(zh)):
        if i % 2:
            words.append("-".join(_syllables(chunk)))
        elif chunk:
            syllables = _syllables(chunk)
            joinable = join and all(s.isalpha() for s in syllables)
            words += [_word(syllables)] if joinable else syllables
    return words


def _capitalised(word: str) -> str:
    if "-" not in word:  # nearly every word
        return word[:1].upper() + word[1:]
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


_DERIVED: dict[tuple[str, str | None], str] = {}  # (zh, style) -> pinyin an earlier build derived


def reuse_pinyin(derived: dict[tuple[str, str | None], str]) -> None:
    """Take the pinyin an earlier build of this store derived, so that a rebuild of a file whose Chinese names
    did not change need not load pypinyin (0.45 s for a file of 1,000 names)."""
    _DERIVED.update(derived)


def pinyin_of(zh: str, style: str | None) -> str:
    """`derive_pinyin`, or what an earlier build derived (`reuse_pinyin`)."""
    return _DERIVED.get((zh, style)) or derive_pinyin(zh, style)


@lru_cache(maxsize=65536)
def derive_pinyin(zh: str, style: str | None) -> str:
    """Tone-marked pinyin in the entity type's `pinyin` style (kb/schema.yaml): `place`, a place's stem joined into
    one word (Húzhōu Shì); `person`, the given name joined after the surname (Shēn Chángyǔ); else syllable by
    syllable."""
    if style == "place":
        words = _place_words(zh)
    elif style == "person" and 2 <= len(zh) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in zh):
        syllables = _syllables(zh)
        cut = 2 if zh[:2] in _DOUBLE_SURNAMES and len(zh) > 2 else 1
        words = [_word(syllables[:cut]), _word(syllables[cut:])]
    else:
        words = _words(zh, join=False)
    return _marks_spaced(" ".join(map(_capitalised, words)))


def _marks_spaced(text: str) -> str:
    """`text` without the spaces its syllables left inside brackets and quotation marks, before closing marks
    and around dashes; a text of letters and spaces alone (nearly every name) has none of those marks."""
    if text.replace(" ", "").isalpha():
        return text
    text = _SPACE_BEFORE_CLOSING.sub(r"\1", _SPACE_AFTER_OPENING.sub(r"\1", text))
    return _SPACED_DASH.sub(r"\1", _ASCII_QUOTED.sub(r'"\1"', text))


def _place_words(zh: str) -> list[str]:
    """A place's pinyin words (GB/T 16159): its stem joined when it is one word of up to four characters
    (Húzhōu, Kèlāmǎyī), the kind of division apart (Shì, Zìzhìqū), a division named within its parent
    in two parts (Tiānjīn Shì Bīnhǎi Xīnqū), an autonomous region's people as one word (Níngxià Huízú)."""
    levels = _LEVELS.match(zh)
    if levels:
        return _place_words(levels.group(1)) + _place_words(levels.group(2))
    stem, suffix = zh, ""
    for candidate in _SUFFIXES:
        if zh.endswith(candidate) and len(zh) > len(candidate) + 1:
            stem, suffix = zh[: -len(candidate)], candidate
            break
    people = _PEOPLE.match(stem) if suffix.startswith("自治") else None
    if people:
        words = _words(people.group(1), join=True) + _words(people.group(2), join=True)
    else:
        words = _words(stem, join=len(stem) <= 4)
    return words + (_words(suffix, join=True) if suffix else [])


def name_rows(
    entity: EntityRecord,
    pinyin: str | None,
    place: bool = False,
    alias_pinyin: list[str] | None = None,
    alias_simplified: list[str] | None = None,
) -> list[dict[str, str]]:
    """Rows of the `name` table (text, folded, kind) for every way to name an entity, without repeats; a
    `place` is also named by the first word of its pinyin when that word is its whole stem (Huzhou for
    Húzhōu Shì, Chang-Zhu-Tan), not by one syllable of a longer name (not Shen for Shěn Yáng Gāo Xīn ...
    Qū, which would answer `show shen` with that zone). `alias_pinyin`: the pinyin of its Chinese aliases;
    `alias_simplified`: its aliases in traditional characters written in simplified ones (derived names, as
    pinyin is: read.query_names.DERIVED_NAMES)."""
    rows: list[tuple[str, str, str]] = [(entity.id, fold(entity.id), "id"), (entity.name, fold(entity.name), "name")]
    if entity.zh:
        rows.append((entity.zh, fold(entity.zh), "zh"))
    if pinyin:
        rows.append((pinyin, folded_pinyin := fold(pinyin), "pinyin"))
        words = pinyin.split()
        first_word = words[0] if place and (len(words) == 2 or "-" in words[0]) else ""
        if first_word and (folded_first := fold(first_word)) != folded_pinyin:
            rows.append((strip_tones(first_word), folded_first, "pinyin"))
    rows += [(spoken, fold(spoken), "pinyin") for spoken in alias_pinyin or ()]
    rows += [(alias, fold(alias), "alias") for alias in entity.aliases]
    rows += [(former.name, fold(former.name), "former") for former in entity.former_names]
    if alias_simplified:  # rarely: a traditional alias
        stated = {folded for _, folded, _ in rows}
        simple_rows = [(simple, fold(simple), "simplified") for simple in alias_simplified]
        rows += [row for row in simple_rows if row[1] not in stated]
    seen: set[tuple[str, str]] = set()
    unique = []
    for text, folded, kind in rows:
        if folded and (folded, kind) not in seen:
            seen.add((folded, kind))
            unique.append({"text": text, "folded": folded, "kind": kind})
    return unique
