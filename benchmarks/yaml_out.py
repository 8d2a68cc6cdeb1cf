"""How benchmarks/generate.py writes its records: YAML in the shape curators write (block items, nested values in
flow style), PER_FILE records a file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PER_FILE = 1000


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def scalar(value: Any) -> str:
    if isinstance(value, str):
        return q(value)
    if isinstance(value, bool) or value is None:
        raise TypeError(value)
    return str(value)


def flow(value: Any) -> str:
    """A value in YAML flow style."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def record_yaml(record: dict[str, Any]) -> str:
    """One list item in block style; nested values (aliases, sources, facts) in flow style."""
    lines = []
    for k, (key, value) in enumerate(record.items()):
        lead = "- " if k == 0 else "  "
        if key == "facts":
            lines.append(f"{lead}facts:")
            lines += [f"    - {flow(fact)}" for fact in value]
        elif key == "sources":
            lines.append(f"{lead}sources:")
            lines += [f"    - {flow(cite)}" for cite in value]
        else:
            lines.append(f"{lead}{key}: {flow(value)}")
    return "\n".join(lines) + "\n"


def write_chunks(folder: Path, stem: str, records: list[dict[str, Any]]) -> None:
    """`records` as files `stem-0001.yaml`, ... of PER_FILE records each."""
    for start in range(0, len(records), PER_FILE):
        chunk = records[start : start + PER_FILE]
        text = f"# Synthetic {stem} records {start + 1}-{start + len(chunk)} (benchmarks/generate.py)\n"
        text += "".join(record_yaml(r) for r in chunk)
        (folder / f"{stem}-{start // PER_FILE + 1:04d}.yaml").write_text(text, encoding="utf-8")
