"""The `ipkb` command line: parse options, call the core, render. Heavy modules load inside commands.

Annotations are real objects here (no `from __future__ import annotations`): typer would otherwise
evaluate every string annotation at start-up, which costs about 15 ms on each call.
"""

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from ipkb import __version__
from ipkb.errors import ExitCode, InvalidKnowledgeBase, IpkbError, UsageError

if TYPE_CHECKING:
    from ipkb.query import Store

app = typer.Typer(
    name="ipkb",
    help="A cited knowledge base of China's intellectual-property protection system.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


@dataclass
class Options:
    kb: Optional[str] = None
    db: Optional[str] = None


OPTIONS = Options()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ipkb {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    kb: Annotated[
        Optional[str],
        typer.Option("--kb", help="KB folder (default: $IPKB_KB, then the bundled KB).", show_default=False),
    ] = None,
    db: Annotated[
        Optional[str],
        typer.Option("--db", help="Database file (default: $IPKB_DB, then the user cache).", show_default=False),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Ask who runs which IP programme, which city holds which designation, and how they connect."""
    OPTIONS.kb, OPTIONS.db = kb, db


# -- helpers ------------------------------------------------------------------------------------------------
def kb_path() -> Path:
    from ipkb.paths import resolve_kb

    return resolve_kb(OPTIONS.kb)


def open_store() -> "Store":
    """The built store for the chosen KB, rebuilt first if any YAML file changed."""
    from ipkb.paths import resolve_db
    from ipkb.query import Store
    from ipkb.store import ensure_built

    kb = kb_path()
    return Store(ensure_built(kb, resolve_db(OPTIONS.db, kb)))


def emit_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def emit(renderable: Any) -> None:
    from ipkb.render import console

    console().print(renderable)


def resolve_all(store: "Store", *words: str) -> list[str]:
    from ipkb.resolve import resolve

    return [resolve(store, w) for w in words]


def check_types(store: "Store", types: list[str] | None, relations: list[str] | None = None) -> None:
    for t in types or []:
        if t not in store.entity_type_names():
            raise UsageError(f"unknown entity type {t!r}", hint="types: " + ", ".join(store.entity_type_names()))
    for r in relations or []:
        if r not in store.relation_types():
            raise UsageError(f"unknown relation type {r!r}", hint="types: " + ", ".join(sorted(store.relation_types())))


# -- commands -----------------------------------------------------------------------------------------------
@app.command()
def show(
    entity: Annotated[str, typer.Argument(help="Id, English or Chinese name, alias or pinyin.")],
    as_json: JsonOption = False,
) -> None:
    """An entity: names, description, facts, relations both ways, and the sources behind them."""
    from ipkb import views

    store = open_store()
    (entity_id,) = resolve_all(store, entity)
    view = views.show(store, entity_id)
    if as_json:
        emit_json(view)
    else:
        from ipkb import render

        emit(render.show(view))


@app.command()
def path(
    start: Annotated[str, typer.Argument(metavar="A", help="Where the path starts.")],
    goal: Annotated[str, typer.Argument(metavar="B", help="Where it ends.")],
    all_paths: Annotated[bool, typer.Option("--all", help="Every shortest path, not just one.")] = False,
    via: Annotated[Optional[list[str]], typer.Option("--via", help="Only these relation types (repeatable).")] = None,
    max_hops: Annotated[Optional[int], typer.Option("--max-hops", min=1, help="Give up beyond N hops.")] = None,
    as_json: JsonOption = False,
) -> None:
    """The shortest chain of cited relations between two entities, in either direction."""
    from ipkb import views
    from ipkb.traverse import shortest_paths

    store = open_store()
    check_types(store, None, via)
    a, b = resolve_all(store, start, goal)
    view = views.path(store, a, b, shortest_paths(store, a, b, via, max_hops, all_paths), all_paths)
    if as_json:
        emit_json(view)
    else:
        from ipkb import render

        emit(render.path(view))


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
    if as_json:
        emit_json(rows)
    else:
        from ipkb import render

        emit(render.entity_table(rows))


@app.command(name="list")
def list_entities(
    types: Annotated[Optional[list[str]], typer.Option("--type", help="Only this entity type (repeatable).")] = None,
    within: Annotated[Optional[str], typer.Option("--in", help="Only entities located within PLACE.")] = None,
    designation: Annotated[Optional[str], typer.Option("--designation", help="Only holders of designation D.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Entities, filtered by type, place and designation."""
    from ipkb import views
    from ipkb.traverse import contained_in

    store = open_store()
    check_types(store, types)
    inside = contained_in(store, resolve_all(store, within)[0]) if within else None
    holders = None
    if designation:
        (designation_id,) = resolve_all(store, designation)
        holders = {
            r["source_id"]
            for r in store.rows(
                "SELECT source_id FROM relation WHERE type = 'holds_designation' AND target_id = ?", (designation_id,)
            )
        }
    rows = views.entity_list(store.list_entities(types, inside, holders))
    if as_json:
        emit_json(rows)
    else:
        from ipkb import render

        emit(render.entity_table(rows))


@app.command()
def neighbors(
    entity: Annotated[str, typer.Argument(help="Where to start.")],
    depth: Annotated[int, typer.Option("--depth", min=1, max=10, help="How many hops out.")] = 1,
    via: Annotated[Optional[list[str]], typer.Option("--via", help="Only these relation types (repeatable).")] = None,
    tree: Annotated[bool, typer.Option("--tree", help="Draw the neighbourhood as a tree.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Entities within N hops, with the relations that reach them."""
    from ipkb import views
    from ipkb.traverse import neighborhood

    store = open_store()
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


@app.command()
def stats(as_json: JsonOption = False) -> None:
    """Counts by type and relation, citation coverage, and claimed totals beside listed members."""
    from ipkb import views

    view = views.stats(open_store())
    if as_json:
        emit_json(view)
    else:
        from ipkb import render

        emit(render.stats(view))


@app.command()
def coverage(as_json: JsonOption = False) -> None:
    """Each claimed total, such as 43 sub-centers in 2024, beside the members the KB lists."""
    from ipkb import views

    claims = views.coverage_claims(open_store())
    if as_json:
        emit_json(claims)
    else:
        from ipkb import render

        emit(render.coverage(claims))


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="Output format: graphml.")] = "graphml",
    output: Annotated[str, typer.Option("--output", "-o", help="File to write, or - for stdout.")] = "-",
    root: Annotated[Optional[str], typer.Option("--root", help="Export only the neighbourhood of ENTITY.")] = None,
    depth: Annotated[int, typer.Option("--depth", min=1, max=10, help="Hops around --root.")] = 2,
) -> None:
    """The graph (or a subgraph) in a format other tools open: GraphML for Gephi, yEd, Cytoscape."""
    from ipkb.export import export_to, writer

    writer(fmt)  # unknown formats fail before any work
    store = open_store()
    ids = None
    if root:
        from ipkb.traverse import neighborhood

        ids = set(neighborhood(store, resolve_all(store, root)[0], depth)[0])
    from ipkb.graph import build_graph

    export_to(build_graph(store, ids), fmt, output)
    if output != "-":
        typer.echo(f"wrote {output}", err=True)


@app.command()
def validate(
    texts: Annotated[
        Optional[list[Path]],
        typer.Option("--texts", help="Also check quotes against the source texts in this folder (repeatable)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Every problem in the KB with file:line; exit 1 if there is any error."""
    from ipkb.validate import validate_folder

    _, knowledge, problems = validate_folder(kb_path())
    if texts:
        from ipkb.verify import verify_quotes

        problems += verify_quotes(knowledge, list(texts)).problems
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    if as_json:
        emit_json(
            {"ok": not errors, "errors": [p.as_dict() for p in errors], "warnings": [p.as_dict() for p in warnings]}
        )
    else:
        from ipkb import render

        if problems:
            emit(render.problems(problems))
        typer.echo(
            f"{len(errors)} error(s), {len(warnings)} warning(s) in {len(knowledge.entities)} entities, "
            f"{len(knowledge.relations)} relations, {len(knowledge.facts)} facts"
        )
    if errors:
        raise typer.Exit(ExitCode.DATA)


@app.command()
def verify(
    texts: Annotated[list[Path], typer.Option("--texts", help="Folder of source texts (repeatable).")],
    as_json: JsonOption = False,
) -> None:
    """Check that every quote is found word for word in the text of its source."""
    from ipkb.validate import validate_folder
    from ipkb.verify import verify_quotes

    for folder in texts:
        if not folder.is_dir():
            raise UsageError(f"--texts {folder}: no such folder")
    _, knowledge, problems = validate_folder(kb_path())
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InvalidKnowledgeBase(problems)
    report = verify_quotes(knowledge, texts)
    if as_json:
        emit_json(
            {
                "ok": not report.problems,
                "checked": report.checked,
                "found": report.found,
                "no_text": report.no_text,
                "errors": [p.as_dict() for p in report.problems],
            }
        )
    else:
        from ipkb import render

        if report.problems:
            emit(render.problems(report.problems))
        typer.echo(
            f"{report.found} of {report.checked} quotes found in their source texts; "
            f"{report.no_text} quotes cite sources without a text here"
        )
    if report.problems:
        raise typer.Exit(ExitCode.DATA)


@app.command()
def build(as_json: JsonOption = False) -> None:
    """Compile the KB into its SQLite database now, and say where it is."""
    from ipkb.paths import resolve_db
    from ipkb.store import build as build_store

    kb = kb_path()
    db = resolve_db(OPTIONS.db, kb)
    problems = build_store(kb, db)
    warnings = [p for p in problems if p.severity == "warning"]
    if as_json:
        emit_json({"ok": True, "database": str(db), "kb": str(kb), "warnings": [p.as_dict() for p in warnings]})
    else:
        typer.echo(f"built {db}\n  from {kb} ({len(warnings)} warning(s); `ipkb validate` lists them)")


# -- the one place errors are rendered ---------------------------------------------------------------------
def _render_error(error: IpkbError, as_json: bool) -> None:
    problems = error.problems if isinstance(error, InvalidKnowledgeBase) else []
    if as_json:
        errors = [p.as_dict() for p in problems if p.severity == "error"] or [
            {"message": error.message, **({"hint": error.hint} if error.hint else {})}
        ]
        emit_json({"ok": False, "errors": errors})
        return
    lines = [
        f"{p.file}:{p.line}: {p.message}" + (f"\n    hint: {p.hint}" if p.hint else "")
        for p in problems
        if p.severity == "error"
    ]
    lines.append(f"error: {error.message}")
    if error.hint:
        lines.append(f"  {error.hint}")
    sys.stderr.write("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> None:
    """The console script: run the app; render IpkbError once, with its exit code."""
    args = sys.argv[1:] if argv is None else argv
    as_json = "--json" in args
    try:
        app(args=args, prog_name="ipkb")
    except IpkbError as error:
        if os.environ.get("IPKB_DEBUG"):
            raise
        _render_error(error, as_json)
        sys.exit(int(error.exit_code))
    except KeyboardInterrupt:
        sys.exit(130)
