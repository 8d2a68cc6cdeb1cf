"""`list`: the entities of some types, within a place (transitively), holding a designation, each with what its
listing rests on (`caveat`: an inference, a plan, an announcement), where it lies (`in`), and more columns on
request (an entity field, a relation type's targets, a qualifier of the conferring relation). Its documents
predate this package and stay in ipkb/shapes.py (`ListPage`, `ListRow`, `Columns`); `KB.list_entities_as_of`
and `KB.with_columns` in ipkb/api.py delegate here."""

from __future__ import annotations

from json import loads
from typing import TYPE_CHECKING, cast

from ipkb.errors import UsageError
from ipkb.read.resolve import check_types, resolve_as

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable, Mapping

    from ipkb.read.query import Edge, Store
    from ipkb.roles import Roles
    from ipkb.shapes import Columns, EntityRef, ListRow, PlaceRef


def list_entities_as_of(
    store: Store, types: list[str] | None = None, within: str | None = None, designation: str | None = None
) -> tuple[list[ListRow], int, int]:
    """list_entities, and under --as-of how many more match but have no known start date, and how many more
    match but had not yet begun (neither listed).

    Under --as-of an entity is listed when it is known to exist that day (lifespan.existing_on: its since
    and until, else being a place or an end of a relation dated to hold then); one known to begin later (its
    since, or every relation that dates it: lifespan.begun_later) is not listed but counted as not yet begun;
    any other the KB cannot place on that day is not listed but counted as without a start date."""
    from ipkb.read import views
    from ipkb.read.lifespan import begun_later, existing_on
    from ipkb.read.traverse import entities_placed_within

    types = check_types(store, types)
    conferring = conferring_edges(store, designation) if designation is not None else None
    conferred = None if conferring is None else earliest(conferring)
    placed: dict[str, bool] | None = None
    parents: dict[str, list[str]] = {}
    found: list[sqlite3.Row] = []
    if within is not None:  # the entities' rows come with the walk down from the place
        found, placed, parents = entities_placed_within(store, resolve_as(store, within, "--in", "a place"))
        wanted = [r for r in found if not types or r["type"] in types]
        rows = wanted if conferred is None else [r for r in wanted if r["id"] in conferred]
    else:
        rows = store.list_entities(types, set(conferred) if conferred is not None else None)
    day, unknown, later = store.as_of, 0, 0
    if day is not None:  # the one rule of existence on a day (lifespan.existing_on), as neighbors and show
        by_id = {row["id"]: row for row in rows}
        existing = existing_on(store, by_id, day)
        begun = begun_later(store, by_id, existing, day)  # not yet begun, apart from undated (as neighbors)
        later = len(begun)
        unknown = sum(1 for row in rows if existing[row["id"]] is None and row["id"] not in begun)
        rows = [row for row in rows if existing[row["id"]]]
    # what is listed only by inference, by plan or by an announcement is marked, not listed as plain fact
    marks = {entity_id: ["inferred location"] for entity_id, stated in (placed or {}).items() if not stated}
    for holder, edges in (conferring or {}).items():
        marks.setdefault(holder, []).extend(conferring_caveats(store, edges))
    caveats = {i: " · ".join(m) or None for i, m in marks.items()}
    lies_in = places(store, rows, parents, found) if within else None
    return views.entity_list(rows, caveats, lies_in), unknown, later


def designation_ref(store: Store, designation: str) -> EntityRef:
    """The designation `--designation` names (`demonstration-city`), as an entity ref: what a reader is
    told the list is of (its name on --as-of's day, if it had another then)."""
    from ipkb.read.views import entity_ref

    designation_id = resolve_as(store, designation, "--designation", "a designation")
    row = store.entity(designation_id)
    assert row is not None  # resolve_as found it
    return entity_ref(row, store.as_of)


def claim_checks(roles: Roles) -> tuple[tuple[str, Callable[[Edge], bool]], ...]:
    """What makes a claim of a relation less than a plain one, each with its word: inferred, only planned,
    only announced (the words of a row's caveat and of a relation type's column)."""
    return (
        ("inferred", lambda e: e.confidence == "inferred"),
        ("planned", lambda e: roles.is_planned(e.qualifiers)),
        ("announced", lambda e: roles.is_announced(e.qualifiers)),
    )


def targets(roles: Roles, edges: list[Edge]) -> str:
    """A relation type's column: the entities `edges` lead to, each once, `; `-joined, each marked by what the
    surest claim of it rests on when that is less than plain: `national-center (planned)`, so a planned,
    announced or inferred relation never reads as a real one in a table, CSV or JSON."""
    surest: dict[str, list[str]] = {}
    for edge in edges:
        words = [word for word, flagged in claim_checks(roles) if flagged(edge)]
        if edge.target_id not in surest or len(words) < len(surest[edge.target_id]):
            surest[edge.target_id] = words
    return "; ".join(f"{target} ({' · '.join(words)})" if words else target for target, words in surest.items())


def conferring_caveats(store: Store, edges: list[Edge]) -> list[str]:
    """What qualifies a holder's title (`edges`, the earliest first, whose qualifiers fill the row's batch and
    year columns): `announced` if every claim of it is an announcement (inferred, planned alike); if only
    the earliest is, that with its date and when a plain claim has it held (`announced 2013 · held in 2014`),
    so a row's batch and year are never read as confirmed when they come from the announcement."""
    from ipkb.timeframe import relation_start_as_stated

    roles = store.roles()
    out: list[str] = []
    for word, flagged in claim_checks(roles):
        if all(flagged(e) for e in edges):
            out.append(word)
        elif flagged(edges[0]):
            held = next(e for e in edges if not flagged(e))
            first, then = (relation_start_as_stated(e.qualifiers, roles.start) for e in (edges[0], held))
            out.append(f"{word} {first or 'undated'} · held {f'in {then}' if then else 'later, undated'}")
    return out


def places(
    store: Store, rows: list[sqlite3.Row], parents: dict[str, list[str]], inside: list[sqlite3.Row]
) -> dict[str, list[PlaceRef]]:
    """Entity id -> the places it lies in directly (`parents`: ids), as entity refs; most are among the rows
    of what lies `inside` the place (a county's city is in the province too), so only the others are read.
    A host that only an inferred relation names is marked `inferred`: a reader sees it beside the places."""
    from ipkb.read import views

    known = {row["id"]: row for row in inside}
    wanted = {p for row in rows for p in parents.get(row["id"], [])}
    known.update(store.entities(wanted - known.keys()))
    refs = {p: views.entity_ref(known[p]) for p in wanted if p in known}  # a county's ref serves all in it
    hosted_at = list(store.roles().hosted_at)
    relation_types = store.relation_types()
    ranges = [loads(relation_types[t]["range"] or "null") if t in relation_types else None for t in hosted_at]
    hostable = None if None in ranges else {t for r in ranges if r is not None for t in r}  # what can be hosted
    hosted = [row["id"] for row in rows if hostable is None or row["type"] in hostable]  # the build checked ranges
    inferred = store.inferred_hostings(hosted, hosted_at) if hosted_at and hosted else set()

    def placed(entity_id: str, place: str) -> PlaceRef:
        ref = cast("PlaceRef", dict(refs[place]))  # an EntityRef, maybe marked below
        if (entity_id, place) in inferred:
            ref["inferred"] = True
        return ref

    return {row["id"]: [placed(row["id"], p) for p in parents.get(row["id"], []) if p in refs] for row in rows}


def conferring_edges(store: Store, designation: str) -> dict[str, list[Edge]]:
    """Holder id -> every relation that confers `designation` on it, the earliest first."""
    from ipkb.timeframe import relation_since

    designation_id = resolve_as(store, designation, "--designation", "a designation")
    holds = store.roles().designation
    if holds is None:  # a schema without a designation role: nothing is conferred
        return {}
    edges = [e for e in store.edges_touching([designation_id], [holds]) if e.target_id == designation_id]
    start = store.roles().start
    edges.sort(key=lambda e: relation_since(e.qualifiers, start) or "9999")
    out: dict[str, list[Edge]] = {}
    for edge in edges:
        out.setdefault(edge.source_id, []).append(edge)
    return out


def with_columns(
    store: Store, rows: list[ListRow], columns: list[str], designation: str | None = None, within: str | None = None
) -> list[Columns]:
    """`rows` (from list_entities) with more columns: an entity field (`pinyin`, `description`), with
    `within` or `designation` `caveat` (listed only by inference, plan or announcement), with `within`
    (list --in) `in`, where each lies directly, a relation type (`located_in`: the ids it leads to, each once,
    `; `-joined, a planned, announced or inferred one marked: `targets`), or, with `designation`, a qualifier
    of the relation that confers it (`batch`, `year`, `since`). A column it cannot show is a usage error that
    lists the ones it can."""
    relation_types, roles = store.relation_types(), store.roles()
    qualifiers = {q for r in relation_types.values() for q in loads(r["qualifiers"])}
    fields = ("id", "type", "name", "zh", "pinyin", "description")
    own = [*fields, *(["caveat"] if within or designation else []), *(["in"] if within else [])]
    for column in columns:
        if column in own or column in relation_types or (designation and column in qualifiers):
            continue
        if column == "in":
            raise UsageError("column 'in' is where each entity lies within PLACE: it needs --in PLACE")
        if column == "caveat":  # an entity's record carries no confidence or status: only its relations do
            raise UsageError(
                "column 'caveat' marks entities that --in or --designation lists only by inference, plan or "
                "announcement: it needs one of them; without them an entity is listed for its own record, which "
                "rests on nothing less than plain (only relations are planned, announced or inferred)",
                hint="a relation type's column marks such a relation's target: e.g. --columns id,subcenter_of",
            )
        if column in qualifiers:
            raise UsageError(
                f"column {column!r} comes from the relation that confers a designation: it needs --designation",
                hint="e.g. --designation X --columns batch",
            )
        hint = column_hint(column, own, relation_types, qualifiers, designation)
        raise UsageError(f"unknown column {column!r}", hint=hint)
    ids = [row["id"] for row in rows]
    entities = store.entities(ids)
    edges = store.edges_touching(ids, [c for c in columns if c in relation_types] or None) if ids else []
    conferred = earliest(conferring_edges(store, designation)) if designation else {}
    from ipkb.timeframe import relation_since

    out: list[Columns] = []
    for row in rows:
        extended: Columns = dict(row)
        for column in columns:
            if column in ("caveat", "in"):
                extended[column] = row.get(column)  # list_entities_as_of set them (a caveat only if any)
            elif column in fields:
                extended[column] = entities[row["id"]][column]
            elif column in relation_types:  # each once: a city may hold a designation in two years
                extended[column] = targets(roles, [e for e in edges if e.source_id == row["id"] and e.type == column])
            else:
                edge = conferred.get(row["id"])
                conferring = edge.qualifiers if edge else {}
                extended[column] = conferring.get(column)
                since = relation_since(conferring, store.roles().start)
                if column == "year" and extended[column] is None and since:
                    extended[column] = int(since[:4])  # the year of the relation's date
        out.append(extended)
    return out


def column_hint(
    column: str,
    own: list[str],
    relation_types: Mapping[str, sqlite3.Row],
    qualifiers: set[str],
    designation: str | None,
) -> str:
    """What an unknown column may have meant, then every column `list` accepts here (each a choice of the one
    "did you mean"): a relation type read from its other end (`hosted_by` is hosts seen from what is hosted)
    says which column reads it, rather than the closest spelling (run_by, another meaning)."""
    from ipkb.read.resolve import read_as
    from ipkb.suggest import did_you_mean

    of_designation = sorted(qualifiers) if designation else []
    listing = f"columns: {', '.join(own)}; a relation type: {', '.join(sorted(relation_types))}" + (
        f"; of the designation: {', '.join(of_designation)}" if designation else ""
    )
    seen = read_as(relation_types, column.casefold())
    if seen is not None and seen[0] != column:
        relation_type, inverse = seen
        label = relation_types[relation_type]["label"]
        if inverse:  # a column lists where each entity's own relations lead, never what leads to it
            domain = ", ".join(loads(relation_types[relation_type]["domain"])) or "any"
            said = (
                f"{column!r} is {relation_type} read from its target, which no column lists: column "
                f"{relation_type} gives, for each entity, what it {label}, so list the other side with it "
                f"(--type {domain}, e.g. --columns id,{relation_type});"
            )
        else:
            said = f"did you mean {relation_type!r}?"
        return f"{said} {listing}"
    close = did_you_mean(column, [*own, *relation_types, *of_designation])
    return f"{close} {listing}" if close else listing


def earliest(conferring: dict[str, list[Edge]]) -> dict[str, Edge]:
    """Holder id -> the earliest of the relations conferring a designation on it (`conferring_edges`)."""
    return {holder: edges[0] for holder, edges in conferring.items()}
