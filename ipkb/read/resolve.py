"""A user's words -> one entity id, or candidates, or "did you mean"."""

from __future__ import annotations

from ipkb.errors import AmbiguousEntity, EntityNotFound
from ipkb.read.query import Store
from ipkb.text import fold, simplified_instead


def resolve(store: Store, words: str) -> str:
    """Exact id; then name, Chinese name, alias or pinyin with case, spaces, punctuation and 市/区/县/省 folded;
    among several, the one entity with a name written exactly so, or else the one whose match is a stated name
    rather than a derived pinyin. Chinese in traditional characters that finds nothing is tried in simplified
    ones (寧波 is 宁波)."""
    text = words.strip()
    found = named_as(store, text, words)
    if found is None:
        simple = simplified_instead(text)
        found = named_as(store, simple, words) if simple else None
    if found is not None:
        return found
    offered = suggested(store, text)
    raise EntityNotFound(words, shown(offered), [entity_id for entity_id, _ in offered])


def named_as(store: Store, text: str, words: str) -> str | None:
    """The one entity `text` names (see `resolve`), None for none; AmbiguousEntity (for `words`) for several."""
    if store.entity(text) is not None:
        return text
    folded = fold(text)
    if not folded:
        return None
    named = store.ids_by_folded_name(folded)
    matches = sorted({entity_id for entity_id, _, _ in named})
    if len(matches) == 1:
        return matches[0]
    # among several: a name written exactly so (芜湖县, not 芜湖市, both folded to 芜湖), then a name the
    # KB states (name, zh, alias, former name) over one ipkb derived (pinyin, a place's first pinyin
    # word: "Wuhu" is Wuhu city, not Wuhu County, whose pinyin begins Wúhú)
    exact = {entity_id for entity_id, _, name in named if name.casefold() == text.casefold()}
    stated = {entity_id for entity_id, kind, _ in named if kind != "pinyin"}
    for preferred in (exact, stated):
        if len(preferred) == 1:
            return preferred.pop()
    if matches:
        raise AmbiguousEntity(words, matches)
    return None


def suggestions(store: Store, text: str) -> list[str]:
    """What "did you mean" offers for `text`, as shown: `id (name)`, closest first."""
    return shown(suggested(store, text))


def shown(offered: list[tuple[str, str]]) -> list[str]:
    return [entity_id if name == entity_id else f"{entity_id} ({name})" for entity_id, name in offered]


def suggested(store: Store, text: str, limit: int = 5) -> list[tuple[str, str]]:
    """The names that sound the same (Chinese typed with a homophone: 湖洲 for 湖州), then the closest names
    (fuzzy): (id, name), one per entity."""
    from ipkb.suggest import closest, spoken

    out: list[tuple[str, str]] = []

    def offer(entity_id: str, name: str) -> None:
        if len(out) < limit and not any(o[0] == entity_id for o in out):
            out.append((entity_id, name))

    sound = spoken(fold(text))
    for entity_id, _, name in store.ids_by_folded_name(fold(sound)) if sound else []:
        offer(entity_id, name)
    names = store.all_names()
    for index in closest(text, [n for _, n in names], limit=limit * 4, cutoff=60):
        offer(*names[index])
    return out
