"""Commands that answer questions: show, path, search, list, neighbors.

Thin typer wrappers: options, help and validation live here; the work is in queries.py, which the fast
dispatcher (fast.py) also calls without typer.
"""

from typing import Annotated, Optional

import typer

from ipkb.cli import queries
from ipkb.cli.app import AsOfOption, JsonOption, app
from ipkb.cli.fast import MAX_INT


@app.command()
def show(
    entity: Annotated[str, typer.Argument(help="Id, English or Chinese name, alias or pinyin.")],
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """An entity: names, description, facts, relations both ways, and the sources behind them."""
    queries.show(entity, as_of, as_json)


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
    queries.path(start, goal, all_paths, via, max_hops, as_of, as_json)


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Words in any language; Chinese sub-strings are found.")],
    types: Annotated[Optional[list[str]], typer.Option("--type", help="Only this entity type (repeatable).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=MAX_INT, help="At most N results.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """Entities whose names or aliases (for 3+ characters, also descriptions) contain the text, best first."""
    queries.search(text, types, limit, as_json)


@app.command(name="list")
def list_entities(
    types: Annotated[Optional[list[str]], typer.Option("--type", help="Only this entity type (repeatable).")] = None,
    within: Annotated[Optional[str], typer.Option("--in", help="Only entities located within PLACE.")] = None,
    designation: Annotated[Optional[str], typer.Option("--designation", help="Only holders of designation D.")] = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """Entities, filtered by type, place and designation."""
    queries.list_entities(types, within, designation, as_of, as_json)


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
    queries.neighbors(entity, depth, via, tree, as_of, as_json)
