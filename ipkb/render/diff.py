"""`diff`: records added (+), removed (-) and changed (~), a changed record's fields one to a line beneath it.

A line says how its field changed, `zh: (none) → 宁波市`, texts too long for the line shortened with … around
where they start to differ, so that a one-word change in a long description is seen. `full` (diff --full): every
text and quote whole, wrapped, and each citation that changed on a line of its own, for reviewing a change."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.text import Text

from ipkb.figures import figure_parts, format_value
from ipkb.qualifiers import qualifiers_text
from ipkb.render.layout import Hanging
from ipkb.render.wrap import width_of

if TYPE_CHECKING:
    from ipkb.shapes import Citation, FormerName, Qualifiers
    from ipkb.shapes_diff import (
        AddedRemoved,
        ChangedFact,
        CitationsChange,
        Diff,
        FactChange,
        FieldChange,
        FieldChanges,
        FieldValue,
        ValueChange,
    )

INDENT = "    "
SHOWN = 3  # citations of a kind listed on a sources line; the rest are counted
NONE = "(none)"


def shorten(text: str, width: int, start: int = 0) -> str:
    """`text` in at most `width` cells, from `start` (a word's beginning near it), with … where it is cut."""
    if width_of(text) <= width:
        return text
    space = text.rfind(" ", 0, start)  # -1: none, so the text's start
    start = space + 1 if start - space <= 10 else start  # a word's start near it
    if start > 0:
        text = "…" + text[start:]
    if width_of(text) <= width:
        return text
    cut, used = 0, 0
    for cut, char in enumerate(text):  # noqa: B007 (cut is read after the loop)
        used += width_of(char)
        if used > width - 1:
            break
    return text[:cut].rstrip() + "…"


def _shown(value: FieldValue) -> str:
    if value is None:
        return NONE
    if isinstance(value, bool):
        return "true" if value else "false"
    return format_value(value) if isinstance(value, int | float) else str(value)


class Change:
    """`    field: before → after` on one line where it fits; else each side shortened to its share of the line
    (at least 16 cells, the rest wrapping under the field), from a little before the first character that differs;
    `full`: both whole, the old (-) above the new (+)."""

    def __init__(self, field: str, before: FieldValue, after: FieldValue, full: bool = False) -> None:
        self.field, self.before, self.after, self.full = field, _shown(before), _shown(after), full

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        room = options.max_width - len(INDENT) - width_of(self.field) - 2 - 3
        before, after = self.before, self.after
        if width_of(before) + width_of(after) > room and self.full:  # the old text over the new, each whole
            yield Text(f"{INDENT}{self.field}:")
            for sign, side in (("-", before), ("+", after)):
                yield from Hanging(
                    f"{INDENT}  {sign} ", Text(side, style="dim" if side == NONE else "")
                ).__rich_console__(console, options)
            return
        if width_of(before) + width_of(after) > room:
            pairs = enumerate(zip(before, after, strict=False))
            same = next((i for i, (a, b) in pairs if a != b), min(len(before), len(after)))  # one begins the other
            short = min(width_of(before), width_of(after))
            share = max(room - short, room // 2, 16) if short <= room // 2 else max(room // 2, 16)
            start = max(same - share // 5, 0)
            before, after = shorten(before, share, start), shorten(after, share, start)
        text = Text(f"{self.field}: ")
        for i, side in enumerate((before, after)):
            text.append(side, style="dim" if side == NONE else "")
            if i == 0:
                text.append(" → ")
        yield from Hanging(INDENT, text).__rich_console__(console, options)


def _listed(items: list[str], sign: str, full: bool = False) -> str:
    shown = len(items) if full else SHOWN
    more = f", {len(items) - shown} more" if len(items) > shown else ""
    return f"{sign} " + ", ".join(items[:shown]) + more


def _cited(citation: Citation) -> str:
    quote = citation["quote"]
    return f"{citation['source']} \u201c{shorten(quote, 40)}\u201d" if quote else citation["source"]


def _citations(change: CitationsChange) -> str:
    parts = []
    if change["added"]:
        parts.append(_listed([_cited(c) for c in change["added"]], "+"))
    if change["removed"]:
        parts.append(_listed([_cited(c) for c in change["removed"]], "-"))
    if change["changed"]:
        edits = [f"{_cited(e['from'])} → \u201c{shorten(e['to']['quote'] or '', 40)}\u201d" for e in change["changed"]]
        parts.append(_listed(edits, "~"))
    return " · ".join(parts)


def _former(name: FormerName) -> str:
    zh = f" ({name['zh']})" if name["zh"] else ""
    return f"{name['name']}{zh} until {name['until']}"


def _citation_lines(field: str, change: CitationsChange) -> RenderableType:
    """Each citation added, removed or changed on its own line under the field, its quote whole."""
    whole = [("+", _quoted(c)) for c in change["added"]] + [("-", _quoted(c)) for c in change["removed"]]
    whole += [("~", f"{_quoted(e['from'])} → \u201c{e['to']['quote'] or ''}\u201d") for e in change["changed"]]
    return Group(Text(f"{INDENT}{field}:"), *(Hanging(f"{INDENT}  {sign} ", Text(text)) for sign, text in whole))


def _quoted(citation: Citation) -> str:
    return f"{citation['source']} \u201c{citation['quote']}\u201d" if citation["quote"] else citation["source"]


def _field(field: str, change: FieldChange, full: bool = False) -> RenderableType:
    if "from" in change:
        value = cast("ValueChange", change)
        return Change(field, value["from"], value["to"], full)
    if "changed" in change:
        if full:
            return _citation_lines(field, cast("CitationsChange", change))
        return Hanging(INDENT, Text(f"{field}: {_citations(cast('CitationsChange', change))}"))
    items = cast("AddedRemoved[str | FormerName]", change)
    added = [a if isinstance(a, str) else _former(a) for a in items["added"]]
    removed = [r if isinstance(r, str) else _former(r) for r in items["removed"]]
    parts = [_listed(items, sign, full) for sign, items in (("+", added), ("-", removed)) if items]
    return Hanging(INDENT, Text(f"{field}: {' · '.join(parts)}"))


def _record(sign: str, text: str) -> RenderableType:
    return Hanging(f"{sign} ", Text(text))


def _changed(head: str, fields: FieldChanges, full: bool) -> list[RenderableType]:
    return [_record("~", head), *(_field(name, change, full) for name, change in fields.items())]


def _relation(ends: str, qualifiers: Qualifiers) -> str:
    q = qualifiers_text(qualifiers)
    return f"relation {ends}" + (f" ({q})" if q else "")


def _figure(fact: FactChange) -> str:
    return figure_parts(fact["value"], fact["bound"], fact["unit"])[0]


def _figures(fact: ChangedFact) -> FieldChanges:
    """A changed fact's fields, its value and bound as one `value` line as every answer prints a figure:
    `value: 600 → more than 600`."""
    fields = fact["fields"]
    if "value" not in fields and "bound" not in fields:
        return fields
    was = cast("ValueChange", fields["bound"])["from"] if "bound" in fields else fact["bound"]
    value: ValueChange = {
        "from": figure_parts(fact["old_value"], str(was) if was else None, fact["unit"])[0],
        "to": _figure(fact),
    }
    return {"value": value, **{k: v for k, v in fields.items() if k not in ("value", "bound")}}


def diff(report: Diff, full: bool = False) -> RenderableType:
    parts: list[RenderableType] = [Text(f"{report['from']} → {report['to']}", style="bold")]
    entities, relations, facts = report["entities"], report["relations"], report["facts"]
    for sign, items in (("+", entities["added"]), ("-", entities["removed"])):
        parts += [_record(sign, f"entity {e['id']} ({e['type']}): {e['name']}") for e in items]
    for e in entities["changed"]:
        parts += _changed(f"entity {e['id']} ({e['type']}): {e['name']}", e["fields"], full)
    for sign, rels in (("+", relations["added"]), ("-", relations["removed"])):
        parts += [_record(sign, _relation(f"{r['from']} -{r['type']}-> {r['to']}", r["qualifiers"])) for r in rels]
    for r in relations["changed"]:
        parts += _changed(_relation(f"{r['from']} -{r['type']}-> {r['to']}", r["qualifiers"]), r["fields"], full)
    for sign, figures in (("+", facts["added"]), ("-", facts["removed"])):
        parts += [
            _record(sign, f"fact {f['entity']} {f['metric']} {f['period'] or ''} = {_figure(f)}") for f in figures
        ]
    for f in facts["changed"]:
        parts += _changed(f"fact {f['entity']} {f['metric']} {f['period'] or ''}".rstrip(), _figures(f), full)
    if len(parts) == 1:
        parts.append(Text("no changes", style="dim"))
    return Group(*parts)
