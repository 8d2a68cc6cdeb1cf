"""Values the build derives from the YAML: pinyin and the folded names used for lookup."""

from __future__ import annotations

from functools import lru_cache

from ipkb.model import EntityRecord
from ipkb.text import fold, strip_tones

_SUFFIXES = ("自治区", "市", "区", "县", "省")
_PLACE_TYPES = {"country", "province", "city", "county", "zone"}


@lru_cache(maxsize=65536)
def pinyin_of(zh: str, entity_type: str) -> str:
    """Tone-marked pinyin: a place's stem joined into one word (Húzhōu Shì), other names syllable by syllable."""
    from pypinyin import Style, lazy_pinyin

    stem, suffix = zh, ""
    if entity_type in _PLACE_TYPES and entity_type != "country":
        for candidate in _SUFFIXES:
            if zh.endswith(candidate) and len(zh) > len(candidate) + 1:
                stem, suffix = zh[: -len(candidate)], candidate
                break
        syllables = lazy_pinyin(stem, style=Style.TONE)
        words = ["".join(syllables)] if len(stem) <= 3 else syllables
        if suffix:
            words.append("".join(lazy_pinyin(suffix, style=Style.TONE)))
    else:
        words = lazy_pinyin(zh, style=Style.TONE)
    return " ".join(w[:1].upper() + w[1:] for w in words if w.strip())


def name_rows(entity: EntityRecord, pinyin: str | None) -> list[tuple[str, str, str]]:
    """(text, folded, kind) for every way to name an entity, without repeats."""
    rows: list[tuple[str, str, str]] = [(entity.id, fold(entity.id), "id"), (entity.name, fold(entity.name), "name")]
    if entity.zh:
        rows.append((entity.zh, fold(entity.zh), "zh"))
    if pinyin:
        rows.append((pinyin, fold(pinyin), "pinyin"))
        first_word = pinyin.split()[0] if entity.type in _PLACE_TYPES else ""
        if first_word and fold(first_word) != fold(pinyin):
            rows.append((strip_tones(first_word), fold(first_word), "pinyin"))
    rows += [(alias, fold(alias), "alias") for alias in entity.aliases]
    seen: set[tuple[str, str]] = set()
    unique = []
    for text, folded, kind in rows:
        if folded and (folded, kind) not in seen:
            seen.add((folded, kind))
            unique.append((text, folded, kind))
    return unique
