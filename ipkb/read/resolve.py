"""A user's words -> one entity id, or candidates, or "did you mean"."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Collection, Mapping

from ipkb.errors import AmbiguousEntity, EntityNotFound, UsageError
from ipkb.read.query import Store
from ipkb.read.query_names import DERIVED_NAMES
from ipkb.text import fold, has_han, simplified_instead


def resolve(store: Store, words: str, offer: list[str] | None = None) -> str:
    """Exact id; then name, Chinese name, alias or pinyin with case, spaces, punctuation and 市/区/县/省 folded;
    among several, the one entity with a name written exactly so, or else the one whose match is a stated name
    rather than a derived pinyin. Chinese in traditional characters that finds nothing is tried in simplified
    ones (寧波 is 宁波). "Did you mean" offers only entities of the types in `offer`, if given."""
    text = words.strip()
    if not text:  # no question, rather than a name that matches nothing (exit 2, as `list --in ""`)
        raise UsageError(
            f"an entity is needed, and was given {_blank(words)}",
            hint="give its id, a name in English or Chinese, an alias or its pinyin; `ipkb search` finds them",
        )
    found = named_as(store, text, words)
    if found is None:
        simple = simplified_instead(text)
        found = named_as(store, simple, words) if simple else None
    if found is not None:
        return found
    offered = suggested(store, text, types=offer)
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
    stated = {entity_id for entity_id, kind, _ in named if kind not in DERIVED_NAMES}
    for preferred in (exact, stated):
        if len(preferred) == 1:
            return preferred.pop()
    if matches:
        raise AmbiguousEntity(words, matches)
    return None


def resolve_as(store: Store, name: str, option: str, role: str) -> str:
    """The entity id `name` names, which `option` needs to be of a role's types: `a place` (the schema's
    place types), `a designation` (the range of its designation relation) or `an entity` (any); an empty
    `name` is a UsageError (`--in ""` is no question for every entity), as is one of another type, which says
    what it is and what is expected (`huzhou` is a city, not a designation), with how to list those."""
    from json import loads

    from ipkb.text import a_or_an

    roles = store.roles()
    if role == "an entity":  # of any type
        wanted: list[str] | None = None
    elif role == "a place":
        wanted = sorted(roles.places) or None  # a schema without places: any
    else:
        confers = store.relation_types().get(roles.designation or "")
        wanted = sorted(loads(confers["range"])) if confers is not None and confers["range"] else None
    listing = " ".join(f"--type {t}" for t in wanted or [])
    if not name.strip():  # `list --in ""` listed everything, as if no --in were given
        raise UsageError(
            f"{option} needs {role}, and was given {_blank(name)}",
            hint=f"list them: ipkb list {listing}" if listing else None,
        )
    try:
        entity_id = resolve(store, name, wanted)  # "did you mean" offers only entities of those types
    except EntityNotFound as missing:
        if not missing.suggestions and wanted:
            missing.hint = f"{option} takes {role}; list them: ipkb list {listing}"
        raise
    row = store.entity(entity_id)
    if wanted is None or row is None or row["type"] in wanted:
        return entity_id
    kinds = f" ({', '.join(wanted[:-1])} or {wanted[-1]})" if len(wanted) > 1 else ""
    raise UsageError(
        f"{option} {name}: {entity_id} ({row['name']}) is {a_or_an(row['type'])}, not {role}",
        hint=f"{option} takes {role}{kinds}; list them: ipkb list {listing}; "
        f"what is linked to it: ipkb neighbors {entity_id} --table",
    )


def check_types(store: Store, types: list[str] | None = None, relations: list[str] | None = None) -> list[str] | None:
    """`types` as the schema spells them (a British spelling as the American: `--type centre` is center, by
    `as_declared`); raise UsageError for an entity or relation type that the schema does not declare
    (`relations`, checked as check_relations does)."""
    from ipkb.suggest import hint_listing

    known = store.entity_type_names()
    spelt = [as_declared(name, known) for name in types or []]
    for name, schemas in zip(types or [], spelt, strict=True):
        if not name.strip():  # as `list --in ""`: an empty text is not a type that matches nothing
            raise UsageError(
                "--type needs an entity type, and was given " + _blank(name), hint="types: " + ", ".join(known)
            )
        if schemas not in known:
            raise UsageError(f"unknown entity type {name!r}", hint=hint_listing(name, known, "types"))
    check_relations(store, relations)
    return spelt if types else types


def check_relations(store: Store, relations: list[str] | None, option: str = "--via") -> list[str] | None:
    """`relations` (--via, export --relation: `option`) as the schema spells them, folded as `--type` is
    (`as_declared`: `subcentre_of` is subcenter_of); raise UsageError for a relation type the schema does not
    declare."""
    from ipkb.suggest import hint_listing

    declared = store.relation_types()
    relation_types = sorted(declared)
    spelt = [as_declared(name, relation_types) for name in relations or []]
    for name, schemas in zip(relations or [], spelt, strict=True):
        if not name.strip():
            raise UsageError(
                f"{option} needs a relation type, and was given " + _blank(name),
                hint="types: " + ", ".join(relation_types),
            )
        if schemas not in relation_types:
            seen = read_as(declared, schemas)  # `includes` is part_of seen from its target
            hint = (
                f"{name!r} is how show reads {seen[0]}: --via {seen[0]} (either direction)"
                if seen
                else hint_listing(name, relation_types, "types")
            )
            raise UsageError(f"unknown relation type {name!r}", hint=hint)
    return spelt if relations else relations


def read_as(declared: Mapping[str, sqlite3.Row], name: str) -> tuple[str, bool] | None:
    """The relation type `name` (underscores as spaces) is how show reads one by its label or, from its target, its
    inverse: `hosted_by` is hosts seen from what is hosted, ("hosts", True) (True: the inverse); None if neither."""
    words = name.replace("_", " ")
    for relation_type, row in declared.items():
        if words in (row["label"], row["inverse"]):
            return relation_type, words == row["inverse"] and words != row["label"]
    return None


def as_declared(name: str, known: Collection[str]) -> str:
    """A type or relation type as the schema spells it: as typed if declared so, else case folded with each
    British word of it, between underscores too, written American (`text.american`: `centre` is center,
    `subcentre_of` is subcenter_of). The one fold of `--type`, `--via` and export's `--relation`."""
    from ipkb.text import american

    if name in known:
        return name
    return "_".join(american(part) for part in name.casefold().split("_"))


def _blank(text: str) -> str:
    return "an empty text" if not text else "only spaces"


def suggestions(store: Store, text: str) -> list[str]:
    """What "did you mean" offers for `text`, as shown: `id (name)`, closest first."""
    return shown(suggested(store, text))


def shown(offered: list[tuple[str, str]]) -> list[str]:
    return [entity_id if name == entity_id else f"{entity_id} ({name})" for entity_id, name in offered]


_SEPARATORS = re.compile(r"[\s_-]+")
_WORDS = re.compile(r"[^\W_]+")

# Characters that end many place names (苏州, 湖州; 长沙市): sharing one of them alone does not make two
# Chinese names alike.
PLACE_ENDINGS = frozenset("州市区县省镇乡村旗盟")


def analogous(store: Store, folded: str, inside: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """The entities a Chinese name built like another's, one name in it changed, may mean, for one the KB has
    no Chinese name of: 中国(绍兴)知识产权保护中心 is 中国(烟台)知识产权保护中心 with Shaoxing for Yantai, so
    it means what stands to Shaoxing as Yantai's center stands to Yantai (located in it) and shares a link
    of that center's (part of the national network). (id, name, type), most links shared first. `inside`:
    the entities whose names `folded` holds, with those names (Store.names_inside); its five longest tried."""
    cache: dict[str, set[tuple[str, str, bool]]] = {}

    def ties(entity_id: str) -> set[tuple[str, str, bool]]:  # (relation type, the other end, from entity_id)
        if entity_id not in cache:
            cache[entity_id] = {
                (e.type, e.target_id if e.source_id == entity_id else e.source_id, e.source_id == entity_id)
                for e in store.edges_touching([entity_id])
            }
        return cache[entity_id]

    score: dict[str, int] = {}
    for entity_id, name in sorted(inside, key=lambda i: -len(i[1]))[:5]:
        before, _, after = folded.partition(name)
        for sibling, sibling_name in store.zh_names_around(before, after):
            middle = sibling_name[len(before) : len(sibling_name) - len(after)]
            like = {e for e, kind, _ in store.ids_by_folded_name(middle) if kind in ("zh", "alias")}
            changing = {(kind, out) for kind, other, out in ties(sibling) if other in like}  # located in Yantai
            shared = {tie for tie in ties(sibling) if tie[1] not in like}  # part of the network
            for kind, candidate, out in ties(entity_id) if changing else ():
                if (kind, not out) in changing and candidate != sibling and (found := len(ties(candidate) & shared)):
                    score[candidate] = max(score.get(candidate, 0), found)
    return _named(store, score)


def _named(store: Store, score: dict[str, int]) -> list[tuple[str, str, str]]:
    """(id, name, type) of the entities scored, the highest first."""
    rows = store.entities(score)
    return [(e, rows[e]["name"], rows[e]["type"]) for e in sorted(score, key=lambda e: (-score[e], e)) if e in rows]


def _one_slip(typed: str, name: str) -> bool:
    """Whether `typed` is `name` with one letter added, dropped or changed: a typo to offer before the names
    that merely start with what was typed (`keqiaoo` is Keqiao before keqiao-overseas-...)."""
    if abs(len(typed) - len(name)) > 1 or typed == name:
        return False
    short, long_ = sorted((typed, name), key=len)
    start = next((i for i, (a, b) in enumerate(zip(short, long_, strict=False)) if a != b), len(short))
    rest = 1 if len(short) == len(long_) else 0
    return short[start + rest :] == long_[start + 1 :]


def _respelt(words: str, names: list[tuple[str, str, str, str]]) -> str:
    """`words`, each replaced by the word of a name spelt most like it (`germny` -> `germany`), if any is."""
    from ipkb.suggest import closest

    vocabulary = sorted({w for n in names for w in _WORDS.findall(n[1].casefold())})
    respelt = []
    for word in words.split():
        near = closest(word.casefold(), vocabulary, cutoff=75, whole=True)
        respelt.append(vocabulary[near[0]] if near else word)
    return " ".join(respelt)


def suggested(store: Store, text: str, limit: int = 5, types: list[str] | None = None) -> list[tuple[str, str]]:
    """The entities a Chinese name built like another's means (`analogous`), the names that sound the same
    (Chinese typed with a homophone: 湖洲 for 湖州), then the stated names
    that start with it (four letters or more: Zhizheng), then the names spelt most alike (a typo: huzou,
    keqioa): (id, name), one per entity, none when nothing is close (`nosuch`). Chinese is offered only names
    that share a character with it beyond a place name's ending (宿州 is not offered 苏州 for their common
    sound and 州), and a source record only for a name closest to a source's."""
    from ipkb.suggest import closest, spoken

    folded = fold(text)
    if not folded:
        return []
    han = {c for c in text if has_han(c)} - PLACE_ENDINGS
    found: list[tuple[str, str, str]] = []  # (id, name, type), best first, an entity's best name only
    if han:  # a Chinese name the KB lacks, built like one it has
        found += analogous(store, folded, store.names_inside(folded))
    sound = spoken(folded)
    if sound:
        heard = store.ids_by_folded_name(fold(sound))
        rows = store.entities([entity_id for entity_id, _, _ in heard])
        for entity_id, _, name in heard:
            row = rows.get(entity_id)
            if row is not None and any(c in (row["zh"] or "") for c in han):
                found.append((entity_id, name, row["type"]))
    if len(folded) >= 4:  # the start of a longer name: `Zhizheng` for the alias "Zhizheng District"
        starting = store.names_starting(text, limit, stated=True)
        rows = store.entities([entity_id for entity_id, _ in starting])
        found += [(entity_id, name, rows[entity_id]["type"]) for entity_id, name in starting if entity_id in rows]
    names = store.all_names()
    cutoff = 75
    if has_han(text):  # only names holding one of its characters, the rest are not alike however spelt; and
        # among those, more than half the characters alike (a mistyped Chinese name is more often a homophone,
        # found above, than another character: 湖洲 is not 湖北 for their 湖, 60 keeps it out)
        names, cutoff = [n for n in names if any(c in n[1] for c in han)], 60
    spelt = [names[i] for i in closest(folded, [n[2] for n in names], limit=limit * 4, cutoff=cutoff, whole=True)]
    typo = [n for n in spelt[:1] if not has_han(text) and _one_slip(folded, n[2])]  # keqiaoo: keqiao first
    found = [(entity_id, name, kind) for entity_id, name, _, kind in typo] + found
    found += [(entity_id, name, kind) for entity_id, name, _, kind in spelt]
    words = _SEPARATORS.sub(" ", text).strip()
    if " " in words:  # an id or name guessed from its words (germany-subcenter): what `search` finds for them,
        # each word spelt as the closest word of a name if as typed they find nothing (germny-subcenter)
        hits = store.search(words, types, limit) or store.search(_respelt(words, names), types, limit)
        found += [(row["id"], row["name"], row["type"]) for row, _ in hits]
    if types is not None:
        found = [f for f in found if f[2] in types]
    sources = store.roles().sources
    wanted = bool(found) and found[0][2] in sources  # a source's name is offered sources, any other no source
    out: list[tuple[str, str]] = []
    for entity_id, name, kind in found:
        if (kind in sources) == wanted and len(out) < limit and all(o[0] != entity_id for o in out):
            out.append((entity_id, name))
    return out
