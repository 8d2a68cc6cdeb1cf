"""Exporters: a registry of format name -> module, imported only when used.

Each module has `write(graph, stream)`. A module whose format is several files (csv) instead has
`FILES`, a tuple of suffixes, and `write_files(graph, streams)` with one stream per suffix. `export_to`
writes to temporary files beside the target and renames them into place only when all are written, so
a failed export never leaves a partial file.

`graph` is a networkx graph (`ipkb.graph.build_graph`) or, for a whole-KB export, an
`ipkb.graph.StreamedGraph`. A module with `STREAMS = True` writes a StreamedGraph as it reads it, in
bounded memory; for the others `export_to` first builds the networkx graph from it.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any, BinaryIO, Protocol

from ipkb.errors import ExportError, UsageError

FORMATS: dict[str, str] = {
    "csv": "ipkb.export.csv",
    "cypher": "ipkb.export.cypher",
    "dot": "ipkb.export.dot",
    "gexf": "ipkb.export.gexf",
    "graphml": "ipkb.export.graphml",
    "html": "ipkb.export.html",
    "json": "ipkb.export.json",
    "jsonl": "ipkb.export.jsonl",
    "mermaid": "ipkb.export.mermaid",
    "png": "ipkb.export.png",
    "svg": "ipkb.export.svg",
    "ttl": "ipkb.export.ttl",
}


class Writer(Protocol):
    def __call__(self, graph: Any, stream: BinaryIO) -> None: ...


def module(fmt: str) -> ModuleType:
    """The exporter module of `fmt`; an unknown format is a usage error that lists the formats."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}", hint=f"formats: {', '.join(sorted(FORMATS))}")
    return importlib.import_module(FORMATS[fmt])


def writer(fmt: str) -> Writer:
    write: Writer = module(fmt).write
    return write


def targets(fmt: str, target: str) -> list[Path]:
    """The files an export to `target` writes: the target itself, or one per suffix of a multi-file format.

    For csv, `-o kb` and `-o kb.csv` both write `kb-nodes.csv` and `kb-relationships.csv`.
    """
    files: tuple[str, ...] | None = getattr(module(fmt), "FILES", None)
    path = Path(target).expanduser()
    if files is None:
        return [path]
    stem = path.name[: -len(".csv")] if path.name.lower().endswith(".csv") else path.name
    return [path.with_name(f"{stem}{suffix}") for suffix in files]


def export_to(graph: Any, fmt: str, target: str) -> list[Path]:
    """Write `graph` in `fmt` to `target` (`-` = stdout); returns the files written."""
    exporter = module(fmt)
    files: tuple[str, ...] | None = getattr(exporter, "FILES", None)
    if target == "-":
        if files is not None:
            raise UsageError(
                f"{fmt} writes {len(files)} files, not one stream",
                hint=f"give a name with -o, e.g. -o ipkb.{fmt} writes " + ", ".join(f"ipkb{s}" for s in files),
            )
        exporter.write(_ready(graph, exporter, None), sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return []
    paths = targets(fmt, target)
    for path in paths:
        if path.is_dir():
            raise ExportError(f"{path} is a folder", hint=f"give a file name, e.g. -o ipkb.{fmt}")
    graph = _ready(graph, exporter, paths[0].parent)
    temporary: list[str] = []
    current = paths[0]
    try:
        streams = []
        for current in paths:
            path = current
            fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temporary.append(tmp_name)
            os.chmod(tmp_name, 0o666 & ~_umask())  # mkstemp makes 0600; an export is an ordinary file
            streams.append(os.fdopen(fd, "wb"))
        try:
            if files is None:
                exporter.write(graph, streams[0])
            else:
                exporter.write_files(graph, streams)
        finally:
            for stream in streams:
                stream.close()
        for tmp_name, current in zip(temporary, paths, strict=True):
            os.replace(tmp_name, current)
    except OSError as exc:
        raise ExportError(
            f"cannot write {current}: {exc.strerror}",
            hint="check that the folder exists and is writable",
        ) from exc
    finally:
        for tmp_name in temporary:
            Path(tmp_name).unlink(missing_ok=True)
    return paths


def _ready(graph: Any, exporter: ModuleType, spool_dir: Path | None) -> Any:
    """`graph` as `exporter` takes it: a StreamedGraph only if the module streams, else built in memory.

    Streaming writers that need a scratch file (GraphML, GEXF) put it in `spool_dir`, beside the export.
    """
    from ipkb.graph import StreamedGraph

    if not isinstance(graph, StreamedGraph):
        return graph
    if not getattr(exporter, "STREAMS", False):
        return graph.to_networkx()
    graph.spool_dir = spool_dir
    return graph


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
