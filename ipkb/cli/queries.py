"""The read-only query commands as plain functions, free of typer: the one implementation of each.

The typer commands in query_commands.py and the fast dispatcher in fast.py both call these; the keyword
names here are the typer parameter names, which tests/test_fast_cli.py checks against the typer app.
"""

from __future__ import annotations

from ipkb.cli import check_types, emit, emit_json, open_store, output, resolve_all
from ipkb.errors import UsageError


def show(entity: str, as_of: str | None = None, as_json: bool = False) -> None:
    from ipkb import views

    store = open_store(as_of)
    (entity_id,) = resolve_all(store, entity)
    view = views.show(store, entity_id)
    output(view, as_json, "show")


def path(
    start: str,
    goal: str,
    all_paths: bool = False,
    via: list[str] | None = None,
    max_hops: int | None = None,
    as_of: str | None = None,
    as_json: bool = False,
) -> None:
    from ipkb import views
    from ipkb.traverse import shortest_paths

    store = open_store(as_of)
    check_types(store, None, via)
    a, b = resolve_all(store, start, goal)
    view = views.path(store, a, b, shortest_paths(store, a, b, via, max_hops, all_paths), all_paths)
    output(view, as_json, "path")


def search(text: str, types: list[str] | None = None, limit: int = 20, as_json: bool = False) -> None:
    from ipkb import views

    if not text.strip():
        raise UsageError("search needs some text", hint="e.g. ipkb search 柯桥")
    store = open_store()
    check_types(store, types)
    hits = store.search(text.strip(), types, limit)
    rows = views.entity_list([r for r, _ in hits])
    output(rows, as_json, "entity_table")


def list_entities(
    types: list[str] | None = None,
    within: str | None = None,
    designation: str | None = None,
    as_of: str | None = None,
    as_json: bool = False,
) -> None:
    from ipkb import views
    from ipkb.traverse import contained_in

    store = open_store(as_of)
    check_types(store, types)
    inside = contained_in(store, resolve_all(store, within)[0]) if within else None
    holders = None
    if designation:
        (designation_id,) = resolve_all(store, designation)
        holders = {
            e.source_id
            for e in store.edges_touching([designation_id], ["holds_designation"])
            if e.target_id == designation_id
        }
    rows = views.entity_list(store.list_entities(types, inside, holders))
    output(rows, as_json, "entity_table")


def neighbors(
    entity: str,
    depth: int = 1,
    via: list[str] | None = None,
    tree: bool = False,
    as_of: str | None = None,
    as_json: bool = False,
) -> None:
    from ipkb import views
    from ipkb.traverse import neighborhood

    store = open_store(as_of)
    check_types(store, None, via)
    (entity_id,) = resolve_all(store, entity)
    distance, edges = neighborhood(store, entity_id, depth, via)
    rows = views.neighbors(store, distance, edges)
    if as_json:
        emit_json(rows)
        return
    from ipkb import render

    if tree:
        labels = {name: (r["label"], r["inverse"]) for name, r in store.relation_types().items()}
        emit(render.neighbor_tree(rows, labels))
    else:
        emit(render.entity_table(rows, ["depth"]))
