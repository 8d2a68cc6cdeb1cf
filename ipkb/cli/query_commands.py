"""Commands that answer questions: show, path, search, list, neighbors.

Thin typer wrappers: options, help and validation live here; the work is in queries.py, which the fast
dispatcher (fast.py) also calls without typer.
"""

from enum import StrEnum
from typing import Annotated, Optional

import typer

from ipkb.cli import queries
from ipkb.cli.app import AsOfOption, JsonOption, TypesOption, ViaOption, app, entity_argument
from ipkb.cli.fast import MAX_INT


@app.command()
def show(
    entity: Annotated[str, entity_argument("Id, English or Chinese name, alias or pinyin.")],
    quotes: Annotated[
        bool, typer.Option("--quotes", help="Print every claim with the exact words of its sources.")
    ] = False,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """An entity: names, description, facts, relations both ways, and the sources behind them.

    Notes and `inferred` stand beside the claims they qualify. A source lists every claim it supports.

    \b
    e.g. ipkb show huzhou
         ipkb show 湖州 --quotes
         ipkb show national-center --as-of 2020
    """
    queries.show(entity, quotes, as_of, as_json)


@app.command()
def path(
    start: Annotated[str, entity_argument("Where the path starts.", "A")],
    goal: Annotated[str, entity_argument("Where it ends.", "B")],
    all_paths: Annotated[bool, typer.Option("--all", help="Every shortest path, not just one.")] = False,
    via: ViaOption = None,
    max_hops: Annotated[Optional[int], typer.Option("--max-hops", min=1, help="Give up beyond N hops.")] = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """The shortest chain of cited relations between two entities, in either direction.

    \b
    e.g. ipkb path keqiao national-center
         ipkb path keqiao national-center --all --via subcenter_of --via located_in --max-hops 4
    """
    queries.path(start, goal, all_paths, via, max_hops, as_of, as_json)


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Words in any language; Chinese sub-strings are found.")],
    types: TypesOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=MAX_INT, help="At most N results.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """Entities whose names or aliases (for 3+ characters, also descriptions) contain the text, best first.

    \b
    e.g. ipkb search 柯桥
         ipkb search "protection center" --type center --limit 50
    """
    queries.search(text, types, limit, as_json)


class TableFormat(StrEnum):
    csv = "csv"
    tsv = "tsv"
    json = "json"


@app.command(name="list")
def list_entities(
    types: TypesOption = None,
    within: Annotated[Optional[str], typer.Option("--in", help="Only entities located within PLACE.")] = None,
    designation: Annotated[Optional[str], typer.Option("--designation", help="Only holders of designation D.")] = None,
    columns: Annotated[
        Optional[list[str]],
        typer.Option(
            "--columns",
            help="Columns to show, comma-separated or repeated: id, type, name, zh, pinyin, description, a relation "
            "type (located_in: where it lies) or, with --designation, a qualifier of the designation (batch, year).",
        ),
    ] = None,
    table_format: Annotated[
        Optional[TableFormat], typer.Option("--format", help="csv, tsv or json: for a spreadsheet or a script.")
    ] = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """Entities, filtered by type, place and designation.

    \b
    e.g. ipkb list --type center --in zhejiang
         ipkb list --designation national-ip-demonstration-city --columns id,name,located_in,year --format csv
    """
    queries.list_entities(types, within, designation, columns, table_format and table_format.value, as_of, as_json)


@app.command()
def neighbors(
    entity: Annotated[str, entity_argument("Where to start.")],
    depth: Annotated[int, typer.Option("--depth", min=1, max=10, help="How many hops out.")] = 1,
    via: ViaOption = None,
    tree: Annotated[bool, typer.Option("--tree", help="Draw the neighbourhood as a tree.")] = False,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """Entities within N hops, with the relations that reach them.

    \b
    e.g. ipkb neighbors national-center --depth 2 --tree
         ipkb neighbors huzhou --via holds_designation
    """
    queries.neighbors(entity, depth, via, tree, as_of, as_json)
