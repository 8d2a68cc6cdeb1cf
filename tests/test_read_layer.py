"""Issue 12 §1: one read layer owns every read-side SELECT.

Every module of the package is scanned (its source text, with ast) for string constants (f-string parts
included) that contain an SQL `SELECT`; only the read layer and the write side may hold one.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ipkb"
# the read layer: Store, the analysts' reads, the exports' and the graph's reads
READ_LAYER = {
    "read/query.py",
    "read/query_analysis.py",
    "read/query_export.py",
    "read/query_search.py",
    "read/query_names.py",
    "read/query_time.py",
}
# the write side: a build reads what it replaces (meta, parts, indexes) from the file it writes, and a
# rebuild in place what the change affects
WRITE_SIDE = {"build/store.py", "build/writer.py", "build/dbfile.py", "build/inplace.py"}
# SQL as this code base writes it: the keyword in capitals (prose may say "selected")
SELECT = re.compile(r"\bSELECT\b")


def _selects(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SELECT.search(node.value)
    ]


def test_only_the_read_layer_and_the_write_side_hold_a_select() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative in READ_LAYER | WRITE_SIDE or "/vendor/" in f"/{relative}":
            continue
        found += [f"ipkb/{relative}:{line}" for line in _selects(path)]
    assert not found, f"SQL SELECT outside the read layer ({', '.join(sorted(READ_LAYER))}): {found}"


def test_the_scan_sees_a_select() -> None:
    # so the test above cannot pass by scanning nothing
    assert _selects(PACKAGE / "read" / "query_export.py")
    assert all((PACKAGE / name).is_file() for name in READ_LAYER | WRITE_SIDE)
