"""Rendering through Graphviz: the DOT export (with a title and a legend) piped into `dot -T<format>`.

`dot` is run with a fixed argument list (the program and `-Tsvg` or `-Tpng`); the graph, and so every
text a user or the KB supplies, goes in on stdin, never on the command line.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any, BinaryIO

from ipkb.errors import ExportError
from ipkb.export.limits import ADVICE

TIMEOUT = 120  # seconds; dot's layered layout of a dense graph can run for hours (docs/exports.md)
INSTALL = "install Graphviz (Debian/Ubuntu: apt-get install graphviz fonts-noto-cjk; macOS: brew install graphviz)"


DRAWN = True  # a picture: source entities are not drawn unless asked for (ipkb.export.graph.export_graph)
MAX_EDGES = 1500  # the whole bundled KB (1048) draws in about 1 s; dense graphs far slower: docs/exports.md
LIMIT_WHY = "Graphviz's layered drawing of more is unreadable and can take hours; use gexf or graphml with Gephi"


def ready() -> None:
    """Fail before any work when Graphviz is missing."""
    dot_program()


def dot_program() -> str:
    """The path of Graphviz's `dot`; a clear error (exit 1) when it is not installed."""
    found = shutil.which("dot")
    if found is None:
        raise ExportError(
            "Graphviz `dot` is not installed (or not on PATH): svg and png are drawn by it",
            hint=f"{INSTALL}; or export -f dot and render it elsewhere",
        )
    return found


def render(graph: Any, stream: BinaryIO, output: str) -> None:
    """Write `graph` drawn by `dot` as `output` ("svg" or "png") to `stream`."""
    from ipkb.export.dot import lines

    if output not in ("svg", "png"):
        raise ValueError(output)
    argv = [dot_program(), f"-T{output}"]
    source = "".join(line + "\n" for line in lines(graph, legend_and_title=True)).encode("utf-8")
    try:
        done = subprocess.run(argv, input=source, capture_output=True, check=False, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        raise ExportError(
            f"Graphviz dot did not finish within {TIMEOUT} s: the graph is too large or tangled to draw in layers",
            hint=f"{ADVICE}; or export -f dot and draw it with sfdp",
        ) from exc
    except OSError as exc:
        raise ExportError(f"cannot run {argv[0]}: {exc.strerror}", hint=INSTALL) from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ExportError(f"Graphviz dot failed: {message[0] if message else f'exit {done.returncode}'}")
    stream.write(done.stdout)
