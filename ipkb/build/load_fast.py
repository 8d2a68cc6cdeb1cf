"""A fast way to read a plain record file: yaml-rs parses it, a scan of a few lines places what ipkb keeps lines of.

PyYAML's composer (ipkb.build.load) keeps every node's line, but builds a Python object per node and is most of a
large build's time. yaml-rs (Rust) parses 10-15 times faster and keeps no lines. Of the lines, a build keeps only
some: each record's (the `line` of its row, `defined_at`), each inline fact's, and each citation's (where the KB-wide
checks report a citation). Those come from a scan of the lines that open a record (`- ` at the margin) and of the
keys that hold such items (`sources:`, `facts:`, `former_names:`), accepted only when it matches the parsed values:
as many records, the keys in the order the values hold them, at their records' indentation, with as many items.
Every other line is left out: a file that has a problem is read again the careful way (ipkb.build.parts.read_part),
so each message keeps its exact line.

Anything this module is not sure of gives None, and the caller reads the file with ipkb.build.load instead: a file
yaml-rs refuses, anchors, aliases or tags, control characters, a tab in the indentation, a key that is not text,
nesting deeper than ipkb.build.load allows, a multi-line flow list of citations or facts, a scalar YAML 1.1
(PyYAML) would read otherwise than YAML 1.2 (yes/no/on/off, 1e3, 0o17, 017, 1_000, 1:30, an impossible date). So
both ways give the same values and the same kept lines; tests/test_load_fast.py holds that for the bundled KB, the
bad-input corpus and a synthetic KB, and that a file's share of the store is the same either way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from ipkb.build.load import MAX_DEPTH, Mapping, Sequence

try:
    import yaml_rs
except ImportError:  # pragma: no cover - a platform without its wheel: the careful way alone still works
    yaml_rs = None  # type: ignore[assignment]

# What YAML 1.1 and 1.2 may read differently, or what ipkb.build.load refuses or reports (aliases, tags, controls):
_END = r"(?=[ \t]*(?:[,\]}#\r\n]|$))"  # where a plain scalar in a value or a flow collection ends
_NODE_PROPERTY = re.compile(r"(?:^[ \t]*|[:\[{,][ \t]*|(?:^|[ \t])-[ \t]+)[&*!]", re.MULTILINE)  # anchor, alias, tag
_NUMBER = (  # numbers that YAML 1.1 and 1.2 read differently: 0o17, 017, 0b1, 1_000, 1:30, 1e3, 1.5e3 (1.1: text)
    r"[-+]?+(?:0o[0-7]+|0[0-7_]+|0b[01_]+|[0-9][0-9_]*_[0-9_.]*|[0-9][0-9_]*(?::[0-5]?[0-9])+"
    r"|[0-9._]+[eE][-+]?[0-9]+)(?:\.[0-9_]*)?" + _END
)
# Where a plain number starts: after `: ` or `- `, or in a flow collection. Searched from each literal apart: a
# pattern that starts with a literal lets `re` skip ahead to it, where a class of characters is tried at every
# character (a third more of a build's reading). A file with a tab takes the one pattern that allows tabs.
_UNSURE_NUMBERS = tuple(re.compile(start + _NUMBER) for start in (r": ++", r"- ++", r"\[ *+", r"\{ *+", r", *+"))
_UNSURE_NUMBER_TABS = re.compile(r"(?:[:-][ \t]++|[\[{,][ \t]*+)" + _NUMBER)
_UNSURE_CHARACTER = re.compile(  # controls, other line breaks
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]"
)
_LONE_CR = re.compile(r"\r(?!\n)")
_TAB_INDENT = re.compile(r"^ *\t", re.MULTILINE)


def _unsure_text(text: str, lines: list[str]) -> bool:
    """Whether the file (`text` with its line ends made \\n, and its `lines`) holds what YAML 1.1 and 1.2 may read
    differently, or what ipkb.build.load reports: several documents or a directive (a line starting ---, ... or %),
    such a number, a control character or another line break, an anchor, alias or tag, a tab in the indentation."""
    if text.startswith(("---", "...", "%")) or "\n---" in text or "\n..." in text or "\n%" in text:
        return True
    # str.isprintable is false for every character _UNSURE_CHARACTER finds, and for far fewer than it looks at
    if not all(map(str.isprintable, lines)) and _UNSURE_CHARACTER.search(text):
        return True
    if ("&" in text or "*" in text or "!" in text) and _NODE_PROPERTY.search(text):
        return True
    if "\t" in text:
        return bool(_TAB_INDENT.search(text) or _UNSURE_NUMBER_TABS.search(text))
    return any(pattern.search(text) for pattern in _UNSURE_NUMBERS)


# Texts (so quoted, for YAML 1.2 reads them plain as numbers or booleans too) that a YAML 1.1 reader
# resolves otherwise when plain: booleans, and the date-times ipkb.build.load keeps as text but may report.
_UNSURE_STRING = re.compile(
    r"yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}.*)?"
)
_RISKY_FIRST = frozenset("yYnNoO0123456789")  # how every text _UNSURE_STRING matches begins
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")  # what the KB writes; other date-times go the careful way


class _Unsure(Exception):
    """The scan and the parsed values disagree, or the file uses something this module leaves to ipkb.build.load."""


def _check_text(value: str) -> None:
    """A text that begins as one YAML 1.1 may read otherwise begins (`_RISKY_FIRST`, tested by the caller)."""
    if len(value) < 64 and _UNSURE_STRING.fullmatch(value):
        date = _DATE.fullmatch(value)
        if date is None:
            raise _Unsure("a text YAML 1.1 may read otherwise")
        try:  # a date: PyYAML keeps the text (ipkb.build.load) but reports an impossible one
            dt.date(int(date[1]), int(date[2]), int(date[3]))
        except ValueError as exc:
            raise _Unsure("an impossible date") from exc


def _check_values(values: list[Any] | dict[Any, Any], depth: int) -> None:
    """What ipkb.build.load would report or read otherwise, anywhere in the values: a key that is not text,
    nesting deeper than MAX_DEPTH, NaN, a text YAML 1.1 may read otherwise."""
    if depth > MAX_DEPTH:
        raise _Unsure("deep")
    items: Iterable[Any] = values
    if type(values) is dict:
        if not all(type(key) is str for key in values):
            raise _Unsure("a key that is not text")
        items = values.values()
    for value in items:
        kind = type(value)
        if kind is str:
            if value[:1] in _RISKY_FIRST:
                _check_text(value)
        elif kind is dict or kind is list:
            _check_values(value, depth + 1)
        elif kind is float and value != value:
            raise _Unsure("NaN")  # the careful way reports it


# Both scans look for a line break first ("\n" + text): `re` then skips ahead to each, where a `^` of MULTILINE
# would be tried at every character (3-4 times slower).
_RECORD = re.compile(r"\n-(?:( +)(.)|$)", re.MULTILINE)  # a record's dash at the margin, and what follows it
_HOLDERS = frozenset(("sources", "facts", "former_names"))  # the keys whose items ipkb keeps the lines of
_HOLDER = re.compile(
    r"\n( *+)((?:- ++)?+)(sources|facts|former_names)[ \t]*:(?:[ \t]+|$)(.*)"  # possessive: no backtracking
    # and, looked at without being taken (a key may open one of them), the lines below it when each is an item of
    # one line at one indentation, with the first line after them: spaces and one character
    r"(?=(\n( *)- [^ #\n][^\n]*(?:\n\6- [^ #\n][^\n]*)*)(?:\n( *)([^\n]?))?)?",
    re.MULTILINE,
)

Item = tuple[int, int, bool]  # line, the column its content starts at, written as a flow mapping
# A `sources:`, `facts:` or `former_names:` key as the scan found it: the key, its indentation and line, the lines of
# the items of its block list (None: a flow list on the key's line; empty: no block list below it), and the items
# themselves when they may hold such keys in turn (facts and former names; not citations)
Holder = tuple[str, int, int, list[int] | None, list[Item] | None]


def _is_dash(stripped: str) -> bool:
    return stripped[0] == "-" and (len(stripped) == 1 or stripped[1] == " ")


def _block_items(lines: list[str], at: int, key_indent: int) -> list[Item]:
    """The items of the block list below the key on line `at` (0-based): each `- ` at the list's indentation,
    until a line less indented, or as indented and not an item."""
    items: list[Item] = []
    item_indent = -1
    for number in range(at + 1, len(lines)):
        raw = lines[number]
        stripped = raw.lstrip(" ")
        if not stripped or stripped[0] == "#":
            continue
        indent = len(raw) - len(stripped)
        if item_indent < 0:
            if indent < key_indent or not _is_dash(stripped):
                break  # no block list: the key's value is on its line, empty, or a mapping
            item_indent = indent
        if indent < item_indent or (indent == item_indent and not _is_dash(stripped)):
            break
        if indent == item_indent:
            content = stripped[1:].lstrip(" ")
            if not content or content[0] == "#":
                raise _Unsure("an item whose node starts on a line below")
            items.append((number + 1, indent + len(stripped) - len(content), content[0] == "{"))
    return items


def _next_indent(lines: list[str], at: int) -> int:
    """The indentation of the first line after line `at` (0-based) that is neither blank nor a comment."""
    for raw in lines[at + 1 :]:
        stripped = raw.lstrip(" ")
        if stripped and stripped[0] != "#":
            return len(raw) - len(stripped)
    return -1


def _holders(text: str, lines: list[str]) -> list[Holder]:
    """The holder keys of `text` ("\n" + the file), in the file's order."""
    found: list[Holder] = []
    line, last = 0, 0
    for match in _HOLDER.finditer(text):
        line += text.count("\n", last, match.start() + 1)  # the line after the match's line break
        last = match.start() + 1
        spaces, dash, key, rest, items, item_spaces, after, first = match.groups()
        indent = len(spaces) + len(dash)
        rest = rest.rstrip(" \t")
        if rest[:1] == "[":
            if not rest.endswith("]") or _next_indent(lines, line - 1) > indent:
                raise _Unsure("a flow list over several lines")
            found.append((key, indent, line, None, None))
        elif rest and rest[0] != "#":  # a value on the key's line that is not a list: the checks fault it
            found.append((key, indent, line, [], None))
        elif (
            key == "sources"
            and items is not None
            and len(item_spaces) >= indent
            and (
                after is None
                or (first not in ("", "#") and len(after) <= indent and (first != "-" or len(after) < len(item_spaces)))
            )
        ):  # the common case, as _block_items finds it: citations of a line each, then a line of the record's or above
            found.append((key, indent, line, list(range(line + 1, line + 1 + items.count("\n"))), None))
        else:
            block = _block_items(lines, line - 1, indent)
            found.append((key, indent, line, [item[0] for item in block], block))
    return found


class _Placer:
    """Gives the parsed records, their inline facts and former names, and each list of citations their lines from
    the scan, walking the values in their order (which is the file's) and taking the scan's holders one by one."""

    def __init__(self, holders: list[Holder]) -> None:
        self.holders = holders
        self.at = 0

    def mapping(self, values: dict[str, Any], line: int, indent: int, flow: bool, end: int) -> Mapping:
        """`values` as a Mapping on `line`, its keys at column `indent` (or all on that line: `flow`)."""
        mapping = Mapping(values)
        mapping.line = line
        if "facts" in values or "former_names" in values:
            for key in values:  # in the file's order
                if key in _HOLDERS:
                    mapping[key] = self.held(key, values[key], line, indent, flow, end)
        elif "sources" in values:  # the common case
            mapping["sources"] = self.held("sources", values["sources"], line, indent, flow, end)
        return mapping

    def held(self, key: str, value: Any, line: int, indent: int, flow: bool, end: int) -> Any:
        """The value of a holder key of the mapping on `line`, with the lines of its items."""
        if flow:
            return self.on_one_line(key, value, line)
        if self.at >= len(self.holders):
            raise _Unsure("a key the scan did not find")
        found, found_indent, found_line, lines, items = self.holders[self.at]
        self.at += 1
        if found != key or found_indent != indent or not line <= found_line < end:
            raise _Unsure("a key elsewhere than the scan found it")
        if type(value) is not list:
            if lines:
                raise _Unsure("items the values do not hold")
            return value  # not a list: the checks fault it
        if lines is None:
            return self.on_one_line(key, value, found_line)
        if len(lines) != len(value):
            raise _Unsure("another number of items")
        if key == "sources":
            seq = Sequence(
                [Mapping(v) if type(v) is dict else v for v in value]
            )  # a citation is a Mapping to the checks
        else:
            assert items is not None
            seq = Sequence(
                [
                    self.mapping(v, at, column, on_line, end) if type(v) is dict else v
                    for v, (at, column, on_line) in zip(value, items, strict=True)
                ]
            )
        seq.item_lines = lines
        seq.line = lines[0] if lines else found_line
        return seq

    def on_one_line(self, key: str, value: Any, line: int) -> Any:
        """A holder's list written on `line`: every item on it."""
        if type(value) is not list:
            return value
        if key == "sources":
            seq = Sequence([Mapping(v) if type(v) is dict else v for v in value])
        else:
            seq = Sequence([self.mapping(v, line, -1, True, line + 1) if type(v) is dict else v for v in value])
        seq.item_lines = [line] * len(value)
        seq.line = line
        return seq


def _records(text: str, lines: list[str], document: list[Any]) -> Sequence:
    text = "\n" + text  # see _RECORD
    starts: list[tuple[int, int, bool]] = []
    line, last = 0, 0
    for match in _RECORD.finditer(text):
        line += text.count("\n", last, match.start() + 1)  # the line after the match's line break
        last = match.start() + 1
        spaces, first = match.groups()
        if spaces is None or first == "#":  # `-` alone: the record starts on the next line that is not a comment
            found = next((n for n in range(line, len(lines)) if lines[n].lstrip(" ")[:1] not in ("", "#")), None)
            if found is not None and lines[found][:1] == " ":
                content = lines[found].lstrip(" ")
                starts.append((found + 1, len(lines[found]) - len(content), content[0] == "{"))
                continue  # else an empty record: the checks fault it, and lines are the careful way's then
        starts.append((line, 1 + len(spaces or ""), first == "{"))
    if len(starts) != len(document):
        raise _Unsure("another number of records")
    placer = _Placer(_holders(text, lines))
    ends = [start for start, _, _ in starts[1:]] + [len(lines) + 1]
    records = Sequence(
        placer.mapping(value, line, column, flow, end) if type(value) is dict else value
        for value, (line, column, flow), end in zip(document, starts, ends, strict=True)
    )
    if placer.at != len(placer.holders):
        raise _Unsure("a key the values do not hold")
    records.item_lines = [line for line, _, _ in starts]
    records.line = records.item_lines[0]
    return records


def read_fast(text: str) -> Sequence | None:
    """The file's top-level list with the lines a build keeps (see the module's docstring), or None to read it the
    careful way."""
    if yaml_rs is None or ("\r" in text and _LONE_CR.search(text)):
        return None
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if _unsure_text(text, lines):
        return None
    try:
        document = yaml_rs.loads(text, parse_datetime=False)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # any refusal (syntax, duplicate keys, limits), even a Rust panic: ipkb.build.load reports
        return None
    if not isinstance(document, list) or not document:
        return None
    try:
        _check_values(document, 1)
        return _records(text, lines, document)
    except _Unsure:
        return None
