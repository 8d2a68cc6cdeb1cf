"""Exporters: a registry of format name -> module, imported only when used.

Each module has `write(graph, stream)`; `export_to` writes to a temporary file and renames it into
place, so a failed export never leaves a partial file.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from ipkb.errors import ExportError, UsageError

FORMATS: dict[str, str] = {
    "graphml": "ipkb.export.graphml",
}


class Writer(Protocol):
    def __call__(self, graph: Any, stream: BinaryIO) -> None: ...


def writer(fmt: str) -> Writer:
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}", hint=f"formats: {', '.join(sorted(FORMATS))}")
    module = importlib.import_module(FORMATS[fmt])
    write: Writer = module.write
    return write


def export_to(graph: Any, fmt: str, target: str) -> None:
    write = writer(fmt)
    if target == "-":
        write(graph, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    path = Path(target).expanduser()
    if path.is_dir():
        raise ExportError(f"{path} is a folder", hint="give a file name, e.g. -o ipkb.graphml")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or Path("."))
    except OSError as exc:
        raise ExportError(
            f"cannot write {path}: {exc.strerror}", hint="check that the folder exists and is writable"
        ) from exc
    try:
        with os.fdopen(fd, "wb") as stream:
            write(graph, stream)
        os.replace(tmp_name, path)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror}") from exc
    finally:
        Path(tmp_name).unlink(missing_ok=True)
