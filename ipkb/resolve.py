"""A user's words -> one entity id, or candidates, or "did you mean"."""

from __future__ import annotations

from ipkb.errors import AmbiguousEntity, EntityNotFound
from ipkb.query import Store
from ipkb.text import fold


def resolve(store: Store, words: str) -> str:
    """Exact id; then name, Chinese name, alias or pinyin with case, spaces, punctuation and 市/区/县/省 folded."""
    text = words.strip()
    if store.entity(text) is not None:
        return text
    folded = fold(text)
    if folded:
        matches = sorted({entity_id for entity_id, _ in store.ids_by_folded_name(folded)})
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise AmbiguousEntity(words, matches)
    raise EntityNotFound(words, suggestions(store, text))


def suggestions(store: Store, text: str, limit: int = 5) -> list[str]:
    """The closest names (fuzzy), shown as `id (name)`."""
    from rapidfuzz import fuzz, process, utils

    names = store.all_names()
    if not names or not text.strip():
        return []
    matches = process.extract(
        text,
        [n for _, n in names],
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit * 4,
        score_cutoff=60,
    )
    out: list[str] = []
    for _, _, index in matches:
        entity_id = names[index][0]
        label = entity_id if names[index][1] == entity_id else f"{entity_id} ({names[index][1]})"
        if not any(o.split(" ")[0] == entity_id for o in out):
            out.append(label)
        if len(out) == limit:
            break
    return out
