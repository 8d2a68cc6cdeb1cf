"""The read-only query commands as plain functions, free of typer: the one implementation of each.

The typer commands in query_commands.py and the fast dispatcher in fast.py both call these; the keyword
names here are the typer parameter names, which tests/test_fast_cli.py checks against the typer app. The
answers themselves come from the library face (ipkb/api.py); these functions only choose how to print them.
"""

from __future__ import annotations

from ipkb.cli import emit, emit_json, emit_note, open_kb, output
from ipkb.cli.fast import MAX_INT
from ipkb.errors import UsageError


def show(entity: str, quotes: bool = False, as_of: str | None = None, as_json: bool = False) -> None:
    output(open_kb(as_of).show(entity), as_json, "render_show.show_quotes" if quotes else "render_show.show")


def path(
    start: str,
    goal: str,
    all_paths: bool = False,
    via: list[str] | None = None,
    max_hops: int | None = None,
    as_of: str | None = None,
    as_json: bool = False,
) -> None:
    output(open_kb(as_of).path(start, goal, all_paths, via, max_hops), as_json, "path")


def search(text: str, types: list[str] | None = None, limit: int = 20, as_json: bool = False) -> None:
    hits = open_kb().search(text, types, min(limit, MAX_INT - 1) + 1)  # one more tells whether the list is cut
    output(hits[:limit], as_json, "entity_table")
    if len(hits) > limit and not as_json:
        emit_note(f"more than {limit} match: --limit N shows more")


def list_entities(
    types: list[str] | None = None,
    within: str | None = None,
    designation: str | None = None,
    columns: list[str] | None = None,
    table_format: str | None = None,
    as_of: str | None = None,
    as_json: bool = False,
) -> None:
    kb = open_kb(as_of)
    rows, without_start = kb.list_entities_as_of(types, within, designation)
    wanted = [c.strip() for given in columns or [] for c in given.split(",") if c.strip()]
    if wanted:
        rows = [{k: row[k] for k in wanted} for row in kb.with_columns(rows, wanted, designation)]
    if table_format in ("csv", "tsv"):
        if as_json:
            raise UsageError(f"--json and --format {table_format} ask for two outputs", hint="give one of them")
        write_delimited(rows, wanted or ["id", "type", "name", "zh"], "," if table_format == "csv" else "\t")
        return
    if wanted and not (as_json or table_format == "json"):
        from ipkb import render

        emit(render.entity_table(rows, columns=wanted))
    else:
        output(rows, as_json or table_format == "json", "entity_table")
    if designation and not as_json and table_format is None:  # how much of the designation's roster this is
        from ipkb import views

        claims = views.coverage_claims(kb.store, kb.resolve(designation)[0])
        if claims:
            from ipkb.render_show import completeness

            emit(*completeness(claims))
    if without_start and not (as_json or table_format == "json"):
        emit_note(f"{without_start} more without a known start date (not shown)")


def write_delimited(rows: list[dict[str, object]], columns: list[str], delimiter: str) -> None:
    """CSV or TSV with a header, for a spreadsheet (RFC 4180 quoting; None is an empty cell)."""
    import csv
    import sys

    writer = csv.writer(sys.stdout, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([["" if row.get(c) is None else row[c] for c in columns] for row in rows])


def neighbors(
    entity: str,
    depth: int = 1,
    via: list[str] | None = None,
    tree: bool = False,
    as_of: str | None = None,
    as_json: bool = False,
) -> None:
    kb = open_kb(as_of)
    rows = kb.neighbors(entity, depth, via)
    if as_json:
        emit_json(rows)
        return
    from ipkb import render

    if tree:
        labels = {name: (r["label"], r["inverse"]) for name, r in kb.store.relation_types().items()}
        emit(render.neighbor_tree(rows, labels))
    else:
        emit(render.entity_table(rows, ["depth"]))
