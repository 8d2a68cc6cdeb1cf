"""YAML text -> plain Python values that remember their lines.

Parsing goes through PyYAML's composer (C-accelerated when available), never its constructor for
collections: duplicate keys are seen, aliases are refused (no "billion laughs"), and any tag outside
YAML's core schema (e.g. `!!python/object/apply`) is reported, never executed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from ipkb.model import Problem

MAX_DEPTH = 40
MAX_VALUES = 100_000
MAX_FILE_BYTES = 20 * 1024 * 1024
_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}
_STR_TAG = "tag:yaml.org,2002:str"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_scalars = yaml.constructor.SafeConstructor()


class Mapping(dict[str, Any]):
    """A dict that knows its own line and the line of each key."""

    line: int
    key_lines: dict[str, int]


class Sequence(list[Any]):
    line: int
    item_lines: list[int]


class _Converter:
    """Nodes -> values with lines. An alias yields the very object its anchor made (no copy), and a
    document whose aliases would expand past MAX_VALUES values is refused ("billion laughs")."""

    def __init__(self, display: str, problems: list[Problem]) -> None:
        self.display = display
        self.problems = problems
        self.done: dict[int, Any] = {}
        self.sizes: dict[int, int] = {}
        self.refused: set[int] = set()

    @staticmethod
    def children(node: yaml.Node) -> list[yaml.Node]:
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        if isinstance(node, yaml.MappingNode):
            return [part for pair in node.value for part in pair]
        return []

    def expanded_size(self, node: yaml.Node, depth: int = 0) -> int:
        """How many values the node stands for once every alias is written out (memoised)."""
        key = id(node)
        if key not in self.sizes:
            children = self.children(node)
            self.sizes[key] = 1 + (sum(self.expanded_size(c, depth + 1) for c in children) if depth <= MAX_DEPTH else 0)
        return self.sizes[key]

    def check_expansion(self, root: yaml.Node) -> None:
        if self.expanded_size(root) <= MAX_VALUES:
            return
        node = root
        while True:  # down to the innermost node that is still too large
            larger = [c for c in self.children(node) if self.expanded_size(c) > MAX_VALUES]
            if not larger:
                break
            node = larger[0]
        self.refused.add(id(node))
        self.problem(
            node,
            f"aliases expand this value to more than {MAX_VALUES:,} values",
            "write repeated values out, or repeat them less deeply",
        )

    def problem(self, node: yaml.Node, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.display, node.start_mark.line + 1, message, hint))

    def convert(self, node: yaml.Node, depth: int = 0) -> Any:
        if id(node) in self.done:  # an alias: the anchor's value, shared
            return self.done[id(node)]
        if id(node) in self.refused:
            return None
        value = self._convert(node, depth)
        self.done[id(node)] = value
        return value

    def convert_plain(self, node: yaml.Node, depth: int = 0) -> Any:
        """`convert` for a document without aliases, where no node is met twice: no memo to keep.

        This is the loader's hot loop (millions of nodes in a large KB), so the commonest nodes, plain
        text under a core tag, take the shortest way.
        """
        if type(node) is yaml.ScalarNode and node.tag == _STR_TAG:
            return node.value
        return self._convert(node, depth, self.convert_plain)

    def _convert(self, node: yaml.Node, depth: int, convert: Any = None) -> Any:
        convert = convert or self.convert
        if depth > MAX_DEPTH:
            self.problem(node, f"nesting deeper than {MAX_DEPTH} levels", "flatten the structure")
            return None
        if node.tag not in _CORE_TAGS:
            self.problem(node, f"tag {node.tag!r} is not allowed", "ipkb reads plain YAML only; remove the tag")
            return None
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _STR_TAG:
                return node.value
            try:
                value = _scalars.construct_object(node)
            except (yaml.YAMLError, ValueError) as exc:  # e.g. an impossible date such as 2022-02-30
                self.problem(node, f"bad value {node.value!r}: {exc}")
                return node.value
            if isinstance(value, (dt.date, dt.datetime)):
                return node.value  # dates stay ISO text; validate checks them
            return value
        if isinstance(node, yaml.SequenceNode):
            seq = Sequence()
            seq.line = node.start_mark.line + 1
            seq.item_lines = [item.start_mark.line + 1 for item in node.value]
            seq.extend([convert(item, depth + 1) for item in node.value])
            return seq
        mapping = Mapping()
        mapping.line = node.start_mark.line + 1
        key_lines: dict[str, int] = {}
        mapping.key_lines = key_lines
        for key_node, value_node in node.value:
            key = convert(key_node, depth + 1)
            if not isinstance(key, str):
                self.problem(key_node, f"a key must be text, not {key!r}")
                continue
            if key in mapping:
                self.problem(
                    key_node,
                    f"duplicate key {key!r} (first at line {key_lines[key]})",
                    "a key may appear once per mapping; merge the two",
                )
                continue
            mapping[key] = convert(value_node, depth + 1)
            key_lines[key] = key_node.start_mark.line + 1
        return mapping


_OPENS_QUOTE = re.compile(r"""(?:^|[:,\[{-])[ \t]+(["'])(?:(?!\1).)*$""")  # a value that opens a quote, unclosed


def _open_quote(lines: list[str], line: int) -> str | None:
    """Where a quote left open began, when that is above the line YAML stopped at: its error points where the
    quoted text ran into trouble, often lines below the missing quote."""
    for number in range(min(line, len(lines)), max(0, line - 50), -1):
        found = _OPENS_QUOTE.search(lines[number - 1].split(" #")[0])
        if found is not None:
            return (
                None if number == line else f"line {number} opens a {found[1]} that it does not close: close it there"
            )
    return None


def read_yaml(path: Path, display: str, problems: list[Problem], data: bytes | None = None, fast: bool = False) -> Any:
    """Parse one YAML file (or `data`, its bytes already read and hashed); problems are appended, never raised.

    With `fast`, a record file is first tried with ipkb.build.load_fast, which gives the same values and lines or
    declines."""
    try:
        if data is None:  # opened without blocking and checked, so a FIFO put in place of a file cannot hang
            with open(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
                info = os.fstat(handle.fileno())
                if not stat.S_ISREG(info.st_mode):
                    problems.append(
                        Problem(display, 1, "not read: not a plain file", "put the records in a plain file")
                    )
                    return None
                if info.st_size > MAX_FILE_BYTES:
                    problems.append(Problem(display, 1, f"file larger than {MAX_FILE_BYTES // 2**20} MB"))
                    return None
                data = handle.read()
        elif len(data) > MAX_FILE_BYTES:
            problems.append(Problem(display, 1, f"file larger than {MAX_FILE_BYTES // 2**20} MB"))
            return None
    except OSError as exc:
        problems.append(Problem(display, 1, f"cannot read file: {exc.strerror}"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(display, line, f"not UTF-8 (byte 0x{data[exc.start]:02x})", "save the file as UTF-8"))
        return None
    if fast:
        from ipkb.build.load_fast import read_fast

        records = read_fast(text)
        if records is not None:
            return records
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        context = str(exc.context or "")
        if exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            context += f" (started at line {exc.context_mark.line + 1})"
        message = ": ".join(part for part in (context, str(exc.problem or "")) if part)
        lines = text.splitlines()
        has_tab = 0 < line <= len(lines) and "\t" in lines[line - 1]
        hint = "YAML indents with spaces, never tabs: replace the tab" if has_tab else _open_quote(lines, line)
        problems.append(Problem(display, line, f"YAML syntax error: {message}", hint))
        return None
    except yaml.reader.ReaderError:  # e.g. a NUL byte; found again here, as its position is in bytes or characters
        found = yaml.reader.Reader.NON_PRINTABLE.search(text)
        line = text.count("\n", 0, found.start()) + 1 if found else 1
        column = found.start() - text.rfind("\n", 0, found.start()) if found else 1
        code = ord(found.group()) if found else 0
        problems.append(
            Problem(
                display,
                line,
                f"{'a NUL byte' if code == 0 else f'control character U+{code:04X}'} at column {column}: "
                "YAML does not allow it in a file",
                "delete it; inside double quotes write a tab as \\t and a line break as \\n",
            )
        )
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(display, 1, f"YAML error: {exc}"))
        return None
    except RecursionError:
        problems.append(Problem(display, 1, "nesting too deep to read", "flatten the structure"))
        return None
    if node is None:
        return None
    converter = _Converter(display, problems)
    if "*" not in text:  # no aliases (most files): every node is met once
        return converter.convert_plain(node)
    converter.check_expansion(node)
    return converter.convert(node)


def read_records(
    path: Path, display: str, problems: list[Problem], data: bytes | None = None, fast: bool = False
) -> list[Mapping]:
    """A KB record file: a YAML list of mappings (`fast`: see read_yaml)."""
    document = read_yaml(path, display, problems, data, fast)
    if document is None:
        if not any(p.file == display for p in problems):
            problems.append(Problem(display, 1, "file holds no records", "add records or delete the file"))
        return []
    if not isinstance(document, Sequence):
        line = getattr(document, "line", 1)
        problems.append(
            Problem(
                display,
                line,
                "a record file must be a YAML list of mappings",
                "start each record with '- id: ...' (entities) or '- from: ...' (relations)",
            )
        )
        return []
    records: list[Mapping] = []
    for item, line in zip(document, document.item_lines, strict=False):
        if isinstance(item, Mapping):
            records.append(item)
        elif item is not None or not any(p.file == display and p.line == line for p in problems):
            problems.append(
                Problem(
                    display,
                    line,
                    f"a list item must be a mapping, not {type(item).__name__}",
                    "write each record as 'key: value' lines",
                )
            )
    return records
