"""The export command: the graph in formats other tools open."""

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ipkb.cli import complete, emit_undated_figures, kb_path, open_kb
from ipkb.cli.app import AsOfOption, TypesOption, app
from ipkb.errors import ExportError, UsageError
from ipkb.export import FORMATS
from ipkb.text import counted

if TYPE_CHECKING:
    from ipkb.read.query import Store

FORMAT_HELP = (
    f"Output format: {', '.join(f'{name} ({words})' for name, words in FORMATS.items())}. Default: the one -o's "
    "extension names (keqiao.gexf), else graphml. See docs/exports.md."
)


@app.command()
def export(
    fmt: Annotated[
        Optional[str], typer.Option("--format", "-f", help=FORMAT_HELP, autocompletion=complete.formats)
    ] = None,
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            help="File to write, or - for stdout; csv writes several, named after it as --format says.",
        ),
    ] = "-",
    root: Annotated[
        Optional[str],
        typer.Option("--root", help="Export only the neighbourhood of ENTITY.", autocompletion=complete.entities),
    ] = None,
    depth: Annotated[
        Optional[int], typer.Option("--depth", min=1, max=10, help="Hops around --root (default 2).")
    ] = None,
    within: Annotated[
        Optional[str],
        typer.Option(
            "--in",
            help="Export only PLACE and what lies within it (transitively, as list --in).",
            autocompletion=complete.entities,
        ),
    ] = None,
    types: TypesOption = None,
    relations: Annotated[
        Optional[list[str]],
        typer.Option(
            "--relation",
            help="Keep only relations of this type and the entities they join (repeatable; cites: entities and the "
            "sources they cite).",
            autocompletion=complete.relation_types,
        ),
    ] = None,
    base_iri: Annotated[
        Optional[str], typer.Option("--base-iri", help="Base of the IRIs in ttl (default http://example.org/ipkb/).")
    ] = None,
    as_of: AsOfOption = None,
) -> None:
    """The graph (or a subgraph) in a format other tools open: Gephi, yEd, Cytoscape, Neo4j, RDF, Graphviz.

    \b
    e.g. ipkb export --format graphml -o ipkb.graphml
         ipkb export --format png --in zhejiang -o zhejiang.png
    """
    from ipkb.export import export_to, module

    fmt = chosen_format(fmt, output)
    if depth is not None and root is None:
        raise UsageError("--depth counts hops around --root, and no --root was given", hint="add --root ENTITY")
    depth = 2 if depth is None else depth
    if getattr(module(fmt), "BINARY", False) and output == "-" and sys.stdout.isatty():  # unknown: fails here
        raise UsageError(
            f"{fmt} is binary and stdout is a terminal: its bytes would fill the screen",
            hint=f"write it to a file with -o FILE (e.g. -o ipkb.{fmt}), or pipe it: ipkb export --format {fmt} | ...",
        )
    if base_iri is not None:
        from ipkb.export.ttl import check_base_iri

        check_base_iri(base_iri)
    kb = open_kb(as_of)
    from ipkb.export.graph_data import CITES

    types = kb.check_types(types)
    if relations:  # as the schema spells them (subcentre_of: subcenter_of); cites: an export's edge to a source
        spelt = kb.check_relations([r for r in relations if r != CITES], "--relation") or []
        relations = [*spelt, *([CITES] if CITES in relations else [])]
    store = kb.store
    root_id = kb.resolve_as(root, "--root", "an entity") if root is not None else None
    place_id = kb.resolve_as(within, "--in", "a place") if within is not None else None
    exporter = module(fmt)
    if hasattr(exporter, "ready"):
        exporter.ready()  # svg and png: Graphviz is installed, before any graph is built
    from ipkb.export.graph import StreamedGraph, export_graph
    from ipkb.export.limits import check

    # the drawn formats leave sources out (a picture's ring of boxes, their citations shown with what cites
    # them) unless asked for: --type names a source type, --relation cites, or --root is a source
    sources = store.roles().sources
    root_row = store.entity(root_id) if root_id else None
    asked = set(types or ()) & sources or CITES in (relations or ()) or (root_row and root_row["type"] in sources)
    draw_sources = not getattr(exporter, "DRAWN", False) or bool(asked)
    graph = export_graph(store, root_id, depth, types, relations, place_id, sources=draw_sources)
    if base_iri is not None:
        graph.graph["base_iri"] = base_iri
    check(fmt, exporter, graph)  # html, mermaid, svg, png: refuse what they cannot draw, before building it
    title = describe(store, root_id, depth, place_id, types, relations)
    # a picture of the whole KB without its sources has fewer relations than `stats` counts: its title says why
    whole = not (root_id or place_id or types or relations)
    if whole and not draw_sources:
        from ipkb.read.query_export import count_kept_relations
        from ipkb.text import counted

        theirs = count_kept_relations(store) - count_kept_relations(store, sources)
        title += f"; sources left out, and {counted(theirs, 'relation')} of theirs" if theirs else "; sources left out"
    graph.graph["title"] = title
    try:
        written = export_to(graph, fmt, output, Path(kb_path()))
    except BrokenPipeError:  # a reader that stopped early (quiet, cli.main), unless no one could read at all
        from ipkb.cli.edge import HELD

        if HELD & {1, 2}:  # `-o /dev/stdout` with stdout closed: a pipe with no reader holds its place
            raise ExportError(f"cannot write {output}: standard output is closed") from None
        raise
    for path in written:
        typer.echo(f"wrote {path}", err=True)
    crossing: dict[str, int] = {} if isinstance(graph, StreamedGraph) else graph.graph.get("crossing", {})
    if crossing and place_id is not None:  # the links out of a place: its designations, its centers' network
        from ipkb.text import counted

        kinds = ", ".join(f"{n} {kind}" for kind, n in list(crossing.items())[:4]) + (
            ", ..." if len(crossing) > 4 else ""
        )
        typer.echo(
            f"note: {counted(sum(crossing.values()), 'relation')} between what lies in {place_id} and entities outside"
            f" it left out ({kinds}); --root {place_id} follows links out of it",
            err=True,
        )
    if not isinstance(graph, StreamedGraph) and not graph.number_of_nodes():  # an export of nothing: say so
        typer.echo("note: no entity matched the selection: the export holds none", err=True)
    if store.facts_undated:  # under --as-of, the figures of what was exported that nothing dates
        emit_undated_figures(len(store.facts_undated), "exported")


def chosen_format(fmt: str | None, output: str) -> str:
    """--format as typed (case aside), else the format -o's extension names, else graphml; a note when the two
    disagree (`-f gexf -o out.graphml` writes GEXF into a .graphml file a reader's tool would misread)."""
    from ipkb.export import DEFAULT_FORMAT, format_of

    if output == "":
        raise UsageError("-o needs a file name (or - for stdout), and was given an empty text")
    named = format_of(output)
    if fmt is None:
        suffix = os.path.splitext(output)[1]
        if named is None and suffix and output != "-":  # zj.xlsx: a reader's tool would misread what it holds
            typer.echo(
                f"note: {suffix} names no export format: writing {DEFAULT_FORMAT} into {output};"
                " name one with --format (csv opens in a spreadsheet)",
                err=True,
            )
        return named or DEFAULT_FORMAT
    lowered = fmt.strip().lower()
    fmt = lowered if lowered in FORMATS else fmt  # an unknown one is quoted as typed
    if named is not None and named != fmt:
        typer.echo(f"note: {output} is named like a {named} file, but --format is {fmt}: writing {fmt}", err=True)
    return fmt


def describe(
    store: "Store",
    root: str | None,
    depth: int,
    place: str | None,
    types: list[str] | None,
    relations: list[str] | None,
) -> str:
    """What an export holds, in words, for the title of the drawn formats: `within Zhejiang 浙江省; ...`."""

    def name(entity_id: str) -> str:
        row = store.entities([entity_id])[entity_id]
        return f"{row['name']} {row['zh']}" if row["zh"] else str(row["name"])

    parts = []
    if place:
        parts.append(f"within {name(place)}")
    if root:
        parts.append(f"{counted(depth, 'hop')} around {name(root)}")
    if types:
        parts.append("types: " + ", ".join(types))
    if relations:
        parts.append("relations: " + ", ".join(relations))
    return "; ".join(parts) or "the whole knowledge graph"
