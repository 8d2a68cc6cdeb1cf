"""A fast way to read a plain, block-style record file: yaml-rs parses it, a scan of its lines dates each value.

PyYAML's composer (ipkb.build.load) keeps every node's line, but builds a Python object per node and is most of a
large build's time. yaml-rs (Rust) parses 10-15 times faster and keeps no lines; the records' lines (and those
of their facts, citations and keys) come from a scan of the lines' indentation that is accepted only when it
matches the parsed values exactly: every mapping's keys, in order, and every sequence's length.

Anything this module is not sure of gives None, and the caller reads the file with ipkb.build.load instead: a file
yaml-rs refuses, anchors, aliases or tags, control characters, multi-line flow collections, quoted or complex
keys, a scalar YAML 1.1 (PyYAML) would read otherwise than YAML 1.2 (yes/no/on/off, 1e3, 0o17, 017, 1_000,
1:30, an impossible date). So both ways give the same records with the same lines; tests/test_load_fast.py
holds that for the bundled KB, the bad-input corpus and a synthetic KB.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ipkb.build.load import MAX_DEPTH, Mapping, Sequence

try:
    import yaml_rs
except ImportError:  # pragma: no cover - a platform without its wheel: the careful way alone still works
    yaml_rs = None  # type: ignore[assignment]

_BLOCK_SCALAR = re.compile(r"[|>][-+0-9]*[ \t]*(?:#.*)?$")
# What YAML 1.1 and 1.2 may read differently, or what ipkb.build.load refuses or reports (aliases, tags, controls):
_END = r"(?=[ \t]*(?:[,\]}#\r\n]|$))"  # where a plain scalar in a value or a flow collection ends
_MAYBE_NODE_PROPERTY = re.compile(r"[&*!]")  # a quick first look: most files have none
_NODE_PROPERTY = re.compile(r"(?:^[ \t]*|[:\[{,][ \t]*|(?:^|[ \t])-[ \t]+)[&*!]", re.MULTILINE)  # anchor, alias, tag
# Searched apart, each alone (a pattern of one branch lets `re` skip to where it can start; the four as one
# alternation cost a 100k build about 1 s more), the cheapest first:
_UNSURE_NUMBER = re.compile(  # numbers that YAML 1.1 and 1.2 read differently: 0o17, 017, 0b1, 1_000, 1:30, 1e3
    r"[:\-\[{,][ \t]+[-+]?(?:0o[0-7]+|0[0-7_]+|0b[01_]+|[0-9][0-9_]*_[0-9_.]*|[0-9][0-9_]*(?::[0-5]?[0-9])+"
    r"|[0-9._]+[eE][-+]?[0-9]+)(?:\.[0-9_]*)?" + _END,  # and 1.5e3 (1.1: text)
    re.MULTILINE,
)
_UNSURE_CHARACTER = re.compile(  # controls, other line breaks
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]"
)
_LONE_CR = re.compile(r"\r(?!\n)")


def _unsure_text(text: str) -> bool:
    """Whether the file holds what YAML 1.1 and 1.2 may read differently, or what ipkb.build.load reports:
    several documents or a directive (a line starting ---, ... or %), such a number, a control character or
    another line break, a carriage return alone."""
    return bool(
        text.startswith(("---", "...", "%"))
        or "\n---" in text
        or "\n..." in text
        or "\n%" in text
        or _UNSURE_CHARACTER.search(text)
        or ("\r" in text and _LONE_CR.search(text))
        or _UNSURE_NUMBER.search(text)
    )


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


Token = tuple[int, int, str, str]  # line (1-based), indent, kind ("item" | "key" | "text"), key or text


_LINE = re.compile(r"( *)((?:-(?: +|$))*)(?:([A-Za-z_][A-Za-z0-9_]*)[ \t]*:(?:[ \t]+|$))?(.*)")
_DASH = re.compile(r"- *")


def _tokens(text: str) -> list[Token]:
    """The lines that open a block node: `- ` items and `key:` keys (a compact `- key:` gives both), with
    their indentation; a value written on the line, or a line of a multi-line scalar, is "text". The lines
    of a block scalar (`|`, `>`) are skipped."""
    out: list[Token] = []
    append = out.append
    scalar_indent = -1  # inside a block scalar: the lines indented deeper than its key or dash
    line = _LINE.match
    for number, raw in enumerate(text.split("\n"), 1):
        match = line(raw)
        assert match is not None  # every group may be empty
        spaces, dashes, key, rest = match.groups()
        indent = len(spaces)
        if not dashes and key is None and (not rest or rest[0] == "#"):
            continue  # blank or comment
        if scalar_indent >= 0:
            if indent > scalar_indent:
                continue
            scalar_indent = -1
        owner = indent  # the indent of the last item or key opened on this line
        if dashes:
            for dash in _DASH.finditer(dashes):
                append((number, indent, "item", ""))
                owner = indent
                indent += len(dash.group())
        elif key is None and (rest[0] == "\t" or rest.isspace()):
            raise _Unsure("a tab in the indentation, or a line of blanks")
        if key is not None:
            append((number, indent, "key", key))
            owner = indent
        if rest and rest[0] in "|>" and _BLOCK_SCALAR.match(rest):
            scalar_indent = owner
        elif rest and rest[0] != "#":
            append((number, indent + 1, "text", rest))
    return out


class _Dater:
    """Rebuilds the parsed values as ipkb.build.load's Mapping and Sequence, each with its line and its keys' or
    items' lines, by walking the values and the tokens together; any disagreement raises _Unsure."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def value(self, value: Any, owner: Token, depth: int) -> Any:
        """The value of the key or item `owner`, from the tokens that follow it."""
        if depth > MAX_DEPTH:
            raise _Unsure("deep")
        line, indent, kind, _ = owner
        token = self.peek()
        if token is not None and token[0] == line and token[2] == "text":  # written on the owner's line
            self.at += 1
            if isinstance(value, (dict, list)):
                result = self.flow(value, line, depth)
                self.no_deeper(indent, "a flow collection over several lines")
                return result
            self.scalar(value)
            self.skip_text(indent)
            return value
        deeper = token is not None and (token[0] == line or token[1] > indent)
        # a key's list may sit at the key's own indent; an item's list is deeper than its dash
        in_list = token is not None and token[2] == "item" and (deeper or (kind == "key" and token[1] == indent))
        if isinstance(value, list) and value and in_list and token is not None:
            return self.sequence(value, token[1], depth)
        if isinstance(value, dict) and value and deeper and token is not None and token[2] == "key":
            return self.mapping(value, token[1], depth)
        if isinstance(value, (dict, list)):
            raise _Unsure("a collection without its lines")
        self.scalar(value)  # empty, or written on the lines below
        self.skip_text(indent)
        return value

    def skip_text(self, indent: int) -> None:
        """Past the further lines of a multi-line scalar (text only: a deeper key or item is an error)."""
        while (token := self.peek()) is not None and token[1] > indent and token[2] == "text":
            self.at += 1

    def no_deeper(self, indent: int, why: str) -> None:
        token = self.peek()
        if token is not None and token[1] > indent:
            raise _Unsure(why)

    def sequence(self, values: list[Any], indent: int, depth: int) -> Sequence:
        seq = Sequence()
        seq.line = self.tokens[self.at][0]
        seq.item_lines = []
        for item in values:
            token = self.peek()
            if token is None or token[2] != "item" or token[1] != indent:
                raise _Unsure("the items")
            self.at += 1
            following = self.peek()  # the item's node starts at its first token, unless it is empty
            inside = following is not None and (following[0] == token[0] or following[1] > indent)
            seq.item_lines.append(following[0] if inside and following is not None else token[0])
            seq.append(self.value(item, token, depth + 1))
        token = self.peek()
        if token is not None and (token[1] > indent or (token[1] == indent and token[2] == "item")):
            raise _Unsure("an item left over")
        return seq

    def mapping(self, values: dict[Any, Any], indent: int, depth: int) -> Mapping:
        if depth >= MAX_DEPTH:
            raise _Unsure("deep")
        tokens, end, at, scalar = self.tokens, len(self.tokens), self.at, self.scalar
        mapping = Mapping()
        mapping.line = tokens[at][0]
        key_lines: dict[str, int] = {}
        mapping.key_lines = key_lines
        for key, item in values.items():
            token = tokens[at] if at < end else None
            if token is None or token[2] != "key" or token[1] != indent or token[3] != key:
                raise _Unsure("the keys")
            at += 1
            line = token[0]
            key_lines[key] = line
            if isinstance(item, (dict, list)):
                self.at = at
                mapping[key] = self.value(item, token, depth + 1)
                at = self.at
                continue
            # The common case, as `value` does it, inline: a scalar after its key, maybe continued below.
            if at < end and tokens[at][0] == line and tokens[at][2] == "text":
                at += 1
            scalar(item)
            while at < end and tokens[at][1] > indent and tokens[at][2] == "text":
                at += 1
            mapping[key] = item
        self.at = at
        token = self.peek()
        if token is not None and (token[1] > indent or (token[1] == indent and token[2] != "item")):
            raise _Unsure("a key left over")
        return mapping

    def flow(self, value: Any, line: int, depth: int) -> Any:
        """A one-line flow collection: every node in it starts on `line`."""
        if depth > MAX_DEPTH:
            raise _Unsure("deep")
        if isinstance(value, list):
            seq = Sequence(self.flow(v, line, depth + 1) for v in value)
            seq.line, seq.item_lines = line, [line] * len(value)
            return seq
        if isinstance(value, dict):
            mapping = Mapping(value)
            mapping.line, mapping.key_lines = line, dict.fromkeys(value, line)
            for key, item in value.items():
                if type(key) is not str:
                    raise _Unsure("a key that is not text")
                if isinstance(item, (dict, list)):
                    mapping[key] = self.flow(item, line, depth + 1)
                else:
                    self.scalar(item)
            return mapping
        self.scalar(value)
        return value

    @staticmethod
    def scalar(value: Any) -> None:
        if type(value) is str and value[:1] in _RISKY_FIRST and len(value) < 64 and _UNSURE_STRING.fullmatch(value):
            date = _DATE.fullmatch(value)
            if date is None:
                raise _Unsure("a text YAML 1.1 may read otherwise")
            try:  # a date: PyYAML keeps the text (ipkb.build.load) but reports an impossible one
                dt.date(int(date[1]), int(date[2]), int(date[3]))
            except ValueError as exc:
                raise _Unsure("an impossible date") from exc
        elif isinstance(value, float) and value != value:  # NaN: the careful way reports it
            raise _Unsure("NaN")


def read_fast(text: str) -> Sequence | None:
    """The file's top-level list with every line ipkb.build.load would give it, or None to read it the careful way."""
    if yaml_rs is None or _unsure_text(text):
        return None
    if _MAYBE_NODE_PROPERTY.search(text) and _NODE_PROPERTY.search(text):
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
        dater = _Dater(_tokens(text.replace("\r\n", "\n")))
        first = dater.peek()
        if first is None or first[2] != "item" or first[1] != 0:
            return None
        result = dater.sequence(document, 0, 1)
        if dater.peek() is not None:
            return None
        return result
    except _Unsure:
        return None
