"""The one "did you mean": the closest of some known words (ids, names, keys, metrics) to a typed one.

rapidfuzz's weighted ratio copes with typos, missing words and changed order alike; it loads only when a
word was not found, so a query that succeeds never pays for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def closest(word: str, choices: Sequence[str], limit: int = 1, cutoff: float = 70, whole: bool = False) -> list[int]:
    """Indexes into `choices` of the closest words, best first, at most `limit`, each scoring >= `cutoff`
    (0-100; 70 keeps "did you mean 'counts'?" away from a stray '000 residents.').

    `whole`: rapidfuzz's plain ratio of the whole words (both folded by the caller: ipkb.text.fold), for
    names. The weighted ratio scores any word found inside a long name 60 or more (`nosuch` was 60 like
    rapid-collaborative-protection-scheme), where a whole-word ratio keeps typos (`huzou` 91 like huzhou,
    `keqioa` 83 like keqiao) and drops the unrelated (`nosuch` 55 at best)."""
    if not word.strip() or not choices:
        return []
    from rapidfuzz import fuzz, process, utils

    scorer, processor = (fuzz.ratio, None) if whole else (fuzz.WRatio, utils.default_process)
    matches = process.extract(word, choices, scorer=scorer, processor=processor, limit=limit, score_cutoff=cutoff)
    return [index for _, _, index in matches]


def did_you_mean(word: str, choices: Sequence[str], limit: int = 1) -> str | None:
    """`did you mean 'x'?` (or `did you mean: x, y`) for a hint, or None when nothing is close."""
    close = [choices[i] for i in closest(word, choices, limit)]
    if not close:
        return None
    return f"did you mean {close[0]!r}?" if limit == 1 else f"did you mean: {', '.join(close)}"


def hint_listing(word: str, choices: Sequence[str], what: str, meant: Mapping[str, str] | None = None) -> str:
    """A usage error's hint for an unknown word of a short closed list: the closest, then the whole list
    (`did you mean 'graphml'? formats: csv, cypher, ...`). `meant`: other words a user types for a choice, in
    lower case, with what to offer instead (a tool's name for the format it opens: `neo4j` -> `cypher (or csv
    for neo4j-admin import)`), asked before spelling."""
    listing = f"{what}: {', '.join(choices)}"
    instead = (meant or {}).get(word.strip().lower())
    close = f"did you mean {instead}?" if instead else did_you_mean(word, choices)
    return f"{close} {listing}" if close else listing


def spoken(text: str) -> str | None:
    """How `text` sounds, as toneless pinyin, when it holds Chinese characters (湖洲 -> huzhou): a name typed
    with a character of the same sound is found by its pinyin. None for other text. pypinyin loads only here,
    on the way to an error."""
    if not any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return None
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text))
