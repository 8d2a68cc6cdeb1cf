"""The export command: the graph in formats other tools open."""

from typing import Annotated, Optional

import typer

from ipkb.cli import app, open_store, resolve_all


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
