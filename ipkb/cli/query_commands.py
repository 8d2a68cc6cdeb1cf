"""Commands that answer questions: show, path, search, list, neighbors."""

from typing import Annotated, Optional

import typer

from ipkb.cli import AsOfOption, JsonOption, app, check_types, emit, emit_json, open_store, output, resolve_all
from ipkb.errors import UsageError


@app.command()
def show(
    entity: Annotated[str, typer.Argument(help="Id, English or Chinese name, alias or pinyin.")],
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """An entity: names, description, facts, relations both ways, and the sources behind them."""
    from ipkb import views

    store = open_store(as_of)
    (entity_id,) = resolve_all(store, entity)
    view = views.show(store, entity_id)
    output(view, as_json, "show")


@app.command()
def path(
    start: Annotated[str, typer.Argument(metavar="A", help="Where the path starts.")],
    goal: Annotated[str, typer.Argument(metavar="B", help="Where it ends.")],
    all_paths: Annotated[bool, typer.Option("--all", help="Every shortest path, not just one.")] = False,
    via: Annotated[Optional[list[str]], typer.Option("--via", help="Only these relation types (repeatable).")] = None,
    max_hops: Annotated[Optional[int], typer.Option("--max-hops", min=1, help="Give up beyond N hops.")] = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """The shortest chain of cited relations between two entities, in either direction."""
    from ipkb import views
    from ipkb.traverse import shortest_paths

    store = open_store(as_of)
    check_types(store, None, via)
    a, b = resolve_all(store, start, goal)
    view = views.path(store, a, b, shortest_paths(store, a, b, via, max_hops, all_paths), all_paths)
    output(view, as_json, "path")


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Words in any language; Chinese sub-strings are found.")],
    types: Annotated[Optional[list[str]], typer.Option("--type", help="Only this entity type (repeatable).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most N results.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """Entities whose names, aliases or description contain the text, best first."""
    from ipkb import views

    if not text.strip():
        raise UsageError("search needs some text", hint="e.g. ipkb search 柯桥")
    store = open_store()
    check_types(store, types)
    hits = store.search(text.strip(), types, limit)
    rows = views.entity_list([r for r, _ in hits])
    output(rows, as_json, "entity_table")


@app.command(name="list")
def list_entities(
    types: Annotated[Optional[list[str]], typer.Option("--type", help="Only this entity type (repeatable).")] = None,
    within: Annotated[Optional[str], typer.Option("--in", help="Only entities located within PLACE.")] = None,
    designation: Annotated[Optional[str], typer.Option("--designation", help="Only holders of designation D.")] = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """Entities, filtered by type, place and designation."""
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


@app.command()
def neighbors(
    entity: Annotated[str, typer.Argument(help="Where to start.")],
    depth: Annotated[int, typer.Option("--depth", min=1, max=10, help="How many hops out.")] = 1,
    via: Annotated[Optional[list[str]], typer.Option("--via", help="Only these relation types (repeatable).")] = None,
    tree: Annotated[bool, typer.Option("--tree", help="Draw the neighbourhood as a tree.")] = False,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """Entities within N hops, with the relations that reach them."""
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
