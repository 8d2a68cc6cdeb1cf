"""Checks of one key's value inside a record, each problem at the key's line: text, confidence, citations,
qualifier values. `record_checks.Validator` builds on these for whole records."""

from __future__ import annotations

from typing import Any

from ipkb.build.load import Mapping
from ipkb.build.schema import Schema
from ipkb.build.values import control_character, not_finite, valid_date
from ipkb.model import Citation, Position, Problem
from ipkb.suggest import did_you_mean
from ipkb.text import a_or_an
from ipkb.timeframe import period_end, period_start

CITATION_KEYS = ("source", "quote", "via", "note")
CONFIDENCE = ("seen", "inferred")
MAX_TEXT = 10_000
# Texts for curators only, on any record (entity, relation, fact): `searched`, where a curator looked for what the
# record lacks (a Chinese name, a host) and found nothing. Checked as text at their line, never kept in the store,
# so no answer, search or export can print them; a curator reads them in the YAML (docs/data-model.md).
CURATOR_TEXTS = ("searched",)
NOTES = ("note", *CURATOR_TEXTS)  # a record's note, then its curator-only texts: where records list their keys
MULTILINE_KEYS = ("note", "description", *CURATOR_TEXTS)  # the texts where a line break or a tab is legitimate
DATE_HINT = "write dates as YYYY-MM-DD, YYYY-MM or YYYY, in ASCII digits"
_NO_LINES: dict[str, int] = {}  # the key lines of a value the loader gave none


class FieldChecks:
    """Problems of single values, found while a record is typed; collected in `problems`."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.problems: list[Problem] = []

    def error(self, file: str, line: int, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(file, line, message, hint))

    def warn(self, file: str, line: int, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(file, line, message, hint, "warning"))

    @staticmethod
    def line(record: Mapping, key: str | None = None) -> int:
        found = getattr(record, "key_lines", _NO_LINES).get(key) if key is not None else None
        return found if found is not None else getattr(record, "line", 1)

    def unknown_keys(self, file: str, record: Mapping, allowed: tuple[str, ...] | list[str], what: str) -> None:
        for key in record:
            if key not in allowed:
                self.error(
                    file,
                    self.line(record, key),
                    f"unknown key {key!r} in {what}",
                    did_you_mean(key, allowed) or f"allowed keys: {', '.join(allowed)}",
                )

    def text(self, file: str, record: Mapping, key: str, required: bool = False) -> str | None:
        value = record.get(key)
        if type(value) is str and len(value) <= MAX_TEXT:  # nearly every text: the checks below, in short
            # a printable text (nearly every one) holds no control character (values.control_character)
            if not value.isprintable() and key != "id" and control_character(value, key in MULTILINE_KEYS) is not None:
                self.no_controls(file, self.line(record, key), key, value, key in MULTILINE_KEYS)
            return value
        if value is None:
            if required:
                self.error(file, self.line(record), f"missing required key {key!r}")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(file, self.line(record, key), f"{key!r} must be text, not {type(value).__name__}")
            return None
        if isinstance(value, str) and len(value) > MAX_TEXT:
            self.error(
                file,
                self.line(record, key),
                f"{key!r} is {len(value):,} characters long",
                f"keep each text under {MAX_TEXT:,} characters",
            )
            return value[:MAX_TEXT]
        if isinstance(value, str) and key != "id":  # an id has its own, stricter pattern
            self.no_controls(file, self.line(record, key), key, value, key in MULTILINE_KEYS)
        return str(value)

    def curator_texts(self, file: str, record: Mapping) -> None:
        """The record's curator-only texts (CURATOR_TEXTS), checked for their form; not kept."""
        for key in CURATOR_TEXTS:
            if key in record:  # rarely: an absent text is no problem
                self.text(file, record, key)

    def no_controls(self, file: str, line: int, what: str, text: str, multiline: bool = False) -> None:
        """Control characters make GraphML and GEXF that Gephi cannot open, and no source text needs them."""
        found = control_character(text, multiline)
        if found:
            allowed = " (notes and descriptions may hold line breaks and tabs)" if multiline else ""
            self.error(
                file,
                line,
                f"{what!r} holds a control character ({found})",
                f"remove it; a YAML escape such as \\x07 or \\0 inside double quotes writes one{allowed}",
            )

    def date(self, file: str, record: Mapping, key: str) -> str | None:
        """A date-valued key (YYYY, YYYY-MM or YYYY-MM-DD): its text, or None (with an error) if it is not one."""
        value = self.text(file, record, key)
        if value is not None and not valid_date(value):
            self.error(file, self.line(record, key), f"{key} must be a date, not {value!r}", DATE_HINT)
            return None
        return value

    def in_order(self, file: str, line: int, since: Any, until: Any) -> None:
        """A span whose `since` lies after its `until` is an error (both already known to be dates)."""
        start, end = period_start(since), period_end(until)
        if start is not None and end is not None and start > end:
            self.error(file, line, f"since {since} is after until {until}", "swap them, or correct the wrong one")

    def finite(self, file: str, line: int, what: str, value: Any) -> bool:
        if not_finite(value):
            self.error(
                file,
                line,
                f"{what} is {value!r}, not a number",
                "write the figure the source gives; .nan and .inf are not figures",
            )
            return False
        return True

    def confidence(self, file: str, record: Mapping) -> str:
        value = record.get("confidence", "seen")
        if value not in CONFIDENCE:
            self.error(
                file,
                self.line(record, "confidence"),
                f"confidence must be one of {', '.join(CONFIDENCE)}",
                did_you_mean(str(value), CONFIDENCE),
            )
            return "seen"
        return str(value)

    def citations(self, file: str, record: Mapping, required: bool, what: str) -> tuple[Citation, ...]:
        value = record.get("sources")
        if value is None or value == []:
            if required:
                self.error(
                    file,
                    self.line(record),
                    f"{what} cites no source",
                    'add sources: [{source: SOURCE-ID, quote: "exact words from it"}]',
                )
            return ()
        if not isinstance(value, list):
            self.error(
                file,
                self.line(record, "sources"),
                "'sources' must be a list of {source, quote} mappings",
                'write sources: [{source: SOURCE-ID, quote: "exact words"}]',
            )
            return ()
        out = []
        lines = getattr(value, "item_lines", None)
        if lines is None:  # a list the loader gave no lines: the record's
            lines = [self.line(record)] * len(value)
        for item, line in zip(value, lines, strict=False):
            if isinstance(item, str):  # shorthand: a bare source id
                out.append(Citation(item, position=Position(file, line)))
                continue
            if not isinstance(item, Mapping):
                self.error(
                    file,
                    line,
                    "a citation must be a mapping {source, quote}",
                    'write - {source: SOURCE-ID, quote: "exact words"}',
                )
                continue
            self.unknown_keys(file, item, CITATION_KEYS, "a citation")
            source = self.text(file, item, "source", required=True)
            quote = self.text(file, item, "quote")
            via = self.text(file, item, "via")
            self.text(file, item, "note")  # checked for its form; not kept
            if source:
                out.append(Citation(source, quote, via, Position(file, line)))
        return tuple(out)

    def qualifier_value(self, file: str, line: int, name: str, value: Any) -> Any:
        kind = self.schema.qualifiers[name]
        if isinstance(kind, tuple):
            if value not in kind:
                self.error(
                    file,
                    line,
                    f"{name} must be one of {', '.join(kind)}, not {value!r}",
                    did_you_mean(str(value), kind),
                )
            return value
        ok = {
            "year": isinstance(value, int) and not isinstance(value, bool) and 1800 <= value <= 2100,
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool) and not not_finite(value),
            "date": valid_date(value),
            "text": isinstance(value, (str, int, float)) and not isinstance(value, bool),
        }[kind]
        if not ok:
            hint = {
                "year": "write a year as a number, e.g. 2014",
                "date": DATE_HINT,
            }.get(kind)
            self.error(file, line, f"{name} must be {a_or_an(kind)}, not {value!r}", hint)
        elif isinstance(value, str):
            self.no_controls(file, line, name, value)
        return str(value) if kind == "date" else value
