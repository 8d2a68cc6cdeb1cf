"""Exporters: a registry of format name -> module, imported only when used.

A format is one module of this package, named after the format, that declares `HELP = "..."` (its words in
`ipkb export --help`) at its top level: the registry finds the formats by reading that line in the modules'
text, so listing them imports none of them. Each has `write(graph, stream)`. A module whose format is
several files (csv) instead has `FILES`, a tuple of suffixes, and `write_files(graph, streams)` with one
stream per suffix. `export_to` writes the files through ipkb.export.writefile: a failed export never leaves
a partial file, and a device, FIFO or symlink named with -o stays what it is.

`graph` is a networkx graph (`ipkb.export.graph.build_graph`) or, for a whole-KB export, an
`ipkb.export.graph.StreamedGraph`. A module with `STREAMS = True` writes a StreamedGraph as it reads it, in
bounded memory; for the others `export_to` first builds the networkx graph from it.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, BinaryIO, Protocol

from ipkb.errors import UsageError


def _declared() -> dict[str, str]:
    """format name -> its help: each module here with a line `HELP = "..."`, read as bytes, not imported
    (about 0.4 ms for the lot, paid by `ipkb export` and the typer path's `--help`, never by a query)."""
    folder = os.path.dirname(__file__)
    found = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".py"):
            with open(os.path.join(folder, name), "rb") as file:
                text = file.read()
            start = text.find(b'\nHELP = "')
            if start >= 0:
                start += len(b'\nHELP = "')
                found[name[:-3]] = text[start : text.index(b'"', start)].decode()
    return found


FORMATS: dict[str, str] = _declared()  # format name -> its help, in name order

# What a user may type for a format: the tool it is for, or a kind of file (`-f neo4j`, `-f excel`), in lower
# case, with the formats to offer ("did you mean cypher (or csv for neo4j-admin import)?")
MEANT = {
    "neo4j": "cypher (or csv for neo4j-admin import)",
    "neo4j-admin": "csv",
    "cypher-shell": "cypher",
    "falkordb": "cypher",
    "memgraph": "cypher",
    "gephi": "gexf (or graphml)",
    "yed": "graphml",
    "cytoscape": "graphml (or json for Cytoscape.js)",
    "networkx": "graphml (or json, gexf)",
    "igraph": "graphml",
    "xml": "graphml (or gexf)",
    "rdf": "ttl",
    "turtle": "ttl",
    "n3": "ttl",
    "nt": "ttl",
    "ntriples": "ttl",
    "n-triples": "ttl",
    "owl": "ttl",
    "sparql": "ttl",
    "jena": "ttl",
    "oxigraph": "ttl",
    "excel": "csv",
    "xlsx": "csv",
    "spreadsheet": "csv",
    "pandas": "jsonl (or csv)",
    "ndjson": "jsonl",
    "d3": "json",
    "graphviz": "dot (or svg, png)",
    "gv": "dot",
    "jpg": "png (or svg)",
    "jpeg": "png (or svg)",
    "pdf": "svg (or png)",
    "image": "png (or svg)",
    "browser": "html",
    "web": "html",
    "vis": "html",
    "md": "mermaid",
    "markdown": "mermaid",
}


class Writer(Protocol):
    def __call__(self, graph: Any, stream: BinaryIO) -> None: ...


# The format a file name's extension says, when no --format is given (`-o keqiao.gexf` writes GEXF).
EXTENSIONS = {
    ".csv": "csv",
    ".cypher": "cypher",
    ".cql": "cypher",
    ".dot": "dot",
    ".gv": "dot",
    ".gexf": "gexf",
    ".graphml": "graphml",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
    ".png": "png",
    ".svg": "svg",
    ".ttl": "ttl",
}
DEFAULT_FORMAT = "graphml"


def format_of(output: str) -> str | None:
    """The format `output`'s extension names (case aside), or None for stdout or an extension of none."""
    return None if output == "-" else EXTENSIONS.get(os.path.splitext(output)[1].lower())


def module(fmt: str) -> ModuleType:
    """The exporter module of `fmt`; an unknown format is a usage error that lists the formats."""
    if fmt not in FORMATS:
        from ipkb.suggest import hint_listing

        hint = hint_listing(fmt, list(FORMATS), "formats", MEANT)
        raise UsageError(f"unknown export format {fmt!r}", hint=hint)
    return importlib.import_module(f"{__name__}.{fmt}")


def writer(fmt: str) -> Writer:
    write: Writer = module(fmt).write
    return write


def targets(fmt: str, target: str) -> list[Path]:
    """The files an export to `target` writes: the target itself, or one per suffix of a multi-file format.

    For csv, `-o kb` and `-o kb.csv` both write `kb-nodes.csv`, `kb-relationships.csv` and `kb-constraints.cypher`.
    """
    files: tuple[str, ...] | None = getattr(module(fmt), "FILES", None)
    path = Path(target).expanduser()
    if files is None:
        return [path]
    stem = path.name[: -len(".csv")] if path.name.lower().endswith(".csv") else path.name
    return [path.with_name(f"{stem}{suffix}") for suffix in files]


def export_to(graph: Any, fmt: str, target: str, kb: Path | None = None) -> list[Path]:
    """Write `graph` in `fmt` to `target` (`-` = stdout); returns the files written. A path inside `kb` is
    refused; how each file is written (atomically, or straight to a device) is ipkb.export.writefile's job."""
    exporter = module(fmt)
    files: tuple[str, ...] | None = getattr(exporter, "FILES", None)
    from ipkb.export.writefile import inspect, spool_dir, write_all

    if target == "-" or (files is not None and not inspect(Path(target).expanduser(), kb).atomic):
        if files is not None:  # `-o -`, or a device, a FIFO, /dev/stdout: one stream
            raise UsageError(
                f"{fmt} writes {len(files)} files, not one stream",
                hint=f"give a name with -o, e.g. -o ipkb.{fmt} writes " + ", ".join(f"ipkb{s}" for s in files),
            )
        exporter.write(_ready(graph, exporter, None), sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return []
    found = [inspect(path, kb) for path in targets(fmt, target)]
    graph = _ready(graph, exporter, spool_dir(found))

    def write(streams: list[BinaryIO]) -> None:
        if files is None:
            exporter.write(graph, streams[0])
        else:
            exporter.write_files(graph, streams)

    write_all(found, write)
    return [t.path for t in found]


def _ready(graph: Any, exporter: ModuleType, spool_dir: Path | None) -> Any:
    """`graph` as `exporter` takes it: a StreamedGraph only if the module streams, else built in memory.

    Streaming writers that need a scratch file (GraphML, GEXF) put it in `spool_dir`, beside the export.
    """
    from ipkb.export.graph import StreamedGraph

    if not isinstance(graph, StreamedGraph):
        return graph
    if not getattr(exporter, "STREAMS", False):
        return graph.to_networkx()
    graph.spool_dir = spool_dir
    return graph
