"""The export command: the graph in formats other tools open."""

from typing import Annotated, Optional

import typer

from ipkb.cli import check_types, kb_path, open_store, resolve_all
from ipkb.cli.app import AsOfOption, app

FORMAT_HELP = (
    "Output format: csv (Neo4j import), cypher, dot, gexf, graphml, html, json, jsonl, mermaid, ttl. "
    "See docs/exports.md."
)


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)] = "graphml",
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            help="File to write, or - for stdout; csv writes NAME-nodes.csv and NAME-relationships.csv.",
        ),
    ] = "-",
    root: Annotated[Optional[str], typer.Option("--root", help="Export only the neighbourhood of ENTITY.")] = None,
    depth: Annotated[int, typer.Option("--depth", min=1, max=10, help="Hops around --root.")] = 2,
    types: Annotated[
        Optional[list[str]], typer.Option("--type", help="Keep only entities of this type (repeatable).")
    ] = None,
    relations: Annotated[
        Optional[list[str]],
        typer.Option("--relation", help="Keep only relations of this type and the entities they join (repeatable)."),
    ] = None,
    base_iri: Annotated[
        Optional[str], typer.Option("--base-iri", help="Base of the IRIs in ttl (default http://example.org/ipkb/).")
    ] = None,
    as_of: AsOfOption = None,
) -> None:
    """The graph (or a subgraph) in a format other tools open: Gephi, yEd, Cytoscape, Neo4j, RDF, Graphviz."""
    from ipkb.export import export_to, module

    module(fmt)  # unknown formats fail before any work
    if base_iri is not None:
        from ipkb.export.ttl import check_base_iri

        check_base_iri(base_iri)
    store = open_store(as_of)
    check_types(store, types, relations)
    root_id = resolve_all(store, root)[0] if root else None
    from ipkb.graph import export_graph

    graph = export_graph(store, root_id, depth, types, relations)
    if base_iri is not None:
        graph.graph["base_iri"] = base_iri
    for path in export_to(graph, fmt, output, kb_path()):
        typer.echo(f"wrote {path}", err=True)
