"""Rich renderables for the views: the only core module that knows rich.

Tables are `Grid`s, not rich's `Table`: a Table measures, pads and renders every cell as a renderable of its
own, about 0.1 ms a cell (0.026 s for `show huzhou`, 0.8 s for a list of 2,240 entities, against 0.005 s
and 0.12-0.17 s with Grid), while these views only need one-line cells in aligned columns, wrapped within
their column when the terminal is narrow. rich.panel and rich.tree load only in the functions that use them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.text import Span, Text

from ipkb.terminal import columns

if TYPE_CHECKING:
    from ipkb.model import Problem

Justify = Literal["left", "right"]


def console(stderr: bool = False) -> Console:
    """A console on stdout (or stderr): styles only on a terminal that is not TERM=dumb, colour only without
    NO_COLOR; as wide as ipkb.terminal.columns says."""
    stream = sys.stderr if stderr else sys.stdout
    interactive = stream.isatty()
    dumb = os.environ.get("TERM") in ("dumb", "unknown")
    return Console(
        file=stream,
        width=columns(stream, interactive),
        force_terminal=False if dumb else None,  # a dumb terminal gets plain text: no colour, no bold
        no_color=bool(os.environ.get("NO_COLOR")) or not interactive,
        highlight=False,
    )


class Grid:
    """Rows of cells under a header, in aligned columns, drawn line by line; looks like a rich Table with
    box.SIMPLE_HEAD. Columns left entirely empty take no room. When the lines are wider than the console,
    the `flexible` columns (all, by default) narrow, the widest first, down to their longest word, and their cells wrap
    between words within the column. A word (an id, a metric, a Chinese name) is never cut: when even that
    does not fit, each row is drawn as a record instead, one `header  value` line per cell."""

    GAP = "  "
    INDENT = " "

    def __init__(
        self,
        *headers: str,
        title: str | None = None,
        justify: Sequence[Justify] = (),
        styles: Sequence[str] = (),
        flexible: Sequence[int] | None = None,
        show_header: bool = True,
    ) -> None:
        self.headers = headers
        self.title = title
        self.justify: list[Justify] = [justify[i] if i < len(justify) else "left" for i in range(len(headers))]
        self.styles = [*styles, *[""] * (len(headers) - len(styles))]
        self.flexible = range(len(headers)) if flexible is None else flexible
        self.show_header = show_header
        self.rows: list[list[tuple[Text, int]]] = []  # each cell with its width in cells

    def add_row(self, *cells: str | Text) -> None:
        assert len(cells) == len(self.headers), cells
        row = [c if isinstance(c, Text) else Text(c, style=style) for c, style in zip(cells, self.styles, strict=True)]
        row = [Text(" ").join(c.split("\n")) if "\n" in c.plain else c for c in row]  # one line a cell
        self.rows.append([(c, c.cell_len) for c in row])

    def _widths(self, available: int) -> list[int] | None:
        """Each column's width, or None when the columns cannot fit without cutting a word."""
        widths = [0] * len(self.headers)
        for row in self.rows:
            for i, (_, width) in enumerate(row):
                if width > widths[i]:
                    widths[i] = width
        if self.show_header:  # a header over an empty column takes no room either
            widths = [max(w, cell_len(h)) if w else 0 for w, h in zip(widths, self.headers, strict=True)]
        shown = [w for w in widths if w]
        excess = len(self.INDENT) + sum(shown) + len(self.GAP) * (len(shown) - 1) - available
        if excess <= 0 or not self.flexible:
            return widths
        # narrow the widest flexible column a cell at a time, never below its longest word
        floors = {
            i: max((cell_len(w) for row in self.rows for w in row[i][0].plain.split()), default=0)
            for i in self.flexible
        }
        if self.show_header:
            floors = {i: max([floor, *(cell_len(w) for w in self.headers[i].split())]) for i, floor in floors.items()}
        while excess > 0:
            narrowable = [i for i in self.flexible if widths[i] > floors[i]]
            if not narrowable:
                return None
            widest = max(narrowable, key=lambda i: widths[i])
            widths[widest] -= 1
            excess -= 1
        return widths

    def _line(self, cells: list[tuple[Text, int]], widths: list[int]) -> tuple[Text, int]:
        """One line of cells padded to their columns, and how wide it is at most. Built as one string and its
        spans: Text.append per cell costs several times more on long lists."""
        shown = [i for i, w in enumerate(widths) if w]
        pieces, spans, offset, used = [self.INDENT], [], len(self.INDENT), len(self.INDENT)
        for n, i in enumerate(shown):
            cell, width = cells[i]
            pad = max(widths[i] - width, 0)
            used += width + pad + (len(self.GAP) if n < len(shown) - 1 else 0)
            if self.justify[i] == "right":
                pieces.append(" " * pad)
                offset += pad
            text = cell.plain
            if cell.style:
                spans.append(Span(offset, offset + len(text), cell.style))
            spans += [span.move(offset) for span in cell.spans]
            pieces.append(text)
            offset += len(text)
            if n < len(shown) - 1:
                tail = (" " * pad if self.justify[i] == "left" else "") + self.GAP
                pieces.append(tail)
                offset += len(tail)
        plain = "".join(pieces).rstrip()
        return Text(plain, spans=[span for span in spans if span.start < len(plain)]), used

    def _row(self, console: Console, cells: list[tuple[Text, int]], widths: list[int]) -> list[tuple[Text, int]]:
        """One row as lines: a cell wider than its column wraps within it."""
        parts = [
            [(cell, width)]
            if width <= w or not w
            else [(line, line.cell_len) for line in cell.wrap(console, w, overflow="fold")]
            for (cell, width), w in zip(cells, widths, strict=True)
        ]
        empty = (Text(), 0)
        return [self._line([p[k] if k < len(p) else empty for p in parts], widths) for k in range(max(map(len, parts)))]

    def lines(self, console: Console, width: int) -> list[tuple[Text, int]]:
        """The lines to print, each with its width at most."""
        widths = self._widths(width)
        out = [(Text.assemble((self.title, "italic")), cell_len(self.title))] if self.title else []
        if widths is None:
            return out + self._records(console, width)
        if self.show_header:
            out += self._row(console, [(Text(h, style="bold"), cell_len(h)) for h in self.headers], widths)
            shown = [w for w in widths if w]
            rule = sum(shown) + len(self.GAP) * (len(shown) - 1)
            line = "─" if console.encoding.lower().startswith("utf") else "-"  # ascii, latin-1: no box line
            out.append((Text(self.INDENT + line * rule), len(self.INDENT) + rule))
        for row in self.rows:
            out += self._row(console, row, widths)
        return out

    def _records(self, console: Console, width: int) -> list[tuple[Text, int]]:
        """Each row as a record: `header  value` lines (values wrap between words; a word longer than the
        line stays whole on a line of its own), a blank line between rows. Headerless grids indent the cells after
        the first under it."""
        label = max((cell_len(h) for h in self.headers), default=0) if self.show_header else 2
        room = max(width - len(self.INDENT) - label - len(self.GAP), 1)
        out: list[tuple[Text, int]] = []
        for n, row in enumerate(self.rows):
            if n:
                out.append((Text(), 0))
            for i, (cell, cell_width) in enumerate(row):
                if not cell_width:
                    continue
                first = not self.show_header and i == 0
                head = "" if first else (self.headers[i] if self.show_header else "")
                fit = max(room, *(cell_len(word) for word in cell.plain.split()))  # wrap between words only
                pieces = [cell] if first or cell_width <= room else cell.wrap(console, fit, overflow="fold")
                for k, piece in enumerate(pieces):
                    prefix = self.INDENT if first else self.INDENT + (head if k == 0 else "").ljust(label) + self.GAP
                    piece.rstrip()
                    line = Text.assemble((prefix, "bold" if k == 0 and head else ""), piece)
                    out.append((line, line.cell_len))
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        for line, used in self.lines(console, width):
            if used <= width:
                yield from line.render(console)
                yield Segment.line()
            else:
                yield line  # only a word wider than the console makes a line this wide: rich folds it, losing nothing


class Hanging:
    """`prefix` then `body`; the body's wrapped lines are indented under its first character."""

    def __init__(self, prefix: str, body: Text, style: str = "") -> None:
        self.prefix, self.body, self.style = prefix, body, style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        indent = cell_len(self.prefix)
        room = max(options.max_width - indent, 12)
        for number, line in enumerate(self.body.wrap(console, room, overflow="fold")):
            line.rstrip()
            yield Text.assemble((self.prefix if number == 0 else " " * indent, self.style), line)


class Notes:
    """Lettered notes (a, b, ... z, aa, ...) collected while a table is filled, printed under it."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def mark(self, note: str | None) -> str:
        """`[b]` for this note (a note met before keeps its letter), or "" when there is none. One word, so a
        table never splits it; letters, so it is never taken for a source's number."""
        if not note:
            return ""
        if note not in self.texts:
            self.texts.append(note)
        return f"[{self.mark_of(self.texts.index(note))}]"

    def lines(self) -> list[RenderableType]:
        return [Hanging(f" [{self.mark_of(i)}] ", Text(t, style="italic")) for i, t in enumerate(self.texts)]

    @staticmethod
    def mark_of(index: int) -> str:
        letters, n = "", index
        while True:
            letters = chr(ord("a") + n % 26) + letters
            n = n // 26 - 1
            if n < 0:
                return letters


def qualifiers_text(q: dict[str, Any]) -> str:
    parts = []
    for key, value in q.items():
        if key == "rank" and "rank_of" in q:
            parts.append(f"rank {value} of {q['rank_of']}")
        elif key == "rank_of":
            continue
        elif key in ("year", "date", "status"):
            parts.append(str(value))
        else:
            parts.append(f"{key} {value}")
    return " · ".join(parts)


def marks(sources: list[dict[str, Any]], numbers: dict[str, int]) -> str:
    found = sorted({numbers[c["source"]] for c in sources if c["source"] in numbers})
    return "".join(f"[{n}]" for n in found)


def format_value(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def path(view: dict[str, Any]) -> RenderableType:
    """Each hop on a line of its own, with its caveats (qualifiers, inferred, the relation's note) and the
    first quote behind it; wrapped lines stay indented under their hop."""
    paths = view.get("paths") or [{"length": view["length"], "hops": view["hops"]}]
    out: list[RenderableType] = []
    for index, p in enumerate(paths):
        if len(paths) > 1:
            out.append(Text(f"path {index + 1}", style="bold"))
        if not p["hops"]:
            out.append(Text(f"{view['from']['name']} is {view['to']['name']}: 0 hops"))
        for i, hop in enumerate(p["hops"]):
            if i == 0:
                out.append(Text.assemble((hop["from"]["name"], "bold"), (f" ({hop['from']['id']})", "dim")))
            qualifiers = qualifiers_text(hop["qualifiers"])
            inferred = " · inferred" if hop["confidence"] == "inferred" else ""
            label = f"{hop['label']}{' · ' + qualifiers if qualifiers else ''}{inferred}"
            step = Text.assemble(
                (f"─{label}→ ", "yellow"), (hop["to"]["name"], "bold"), (f" ({hop['to']['id']})", "dim")
            )
            out.append(Hanging("  ", step))
            if hop.get("note"):
                out.append(Hanging("      note: ", Text(hop["note"], style="italic")))
            if hop["sources"]:
                first = hop["sources"][0]
                if first.get("via"):  # the research note's words about the source, not the source's own
                    quote = Text(f"{first['via']}, our note on [{first['source']}]:", style="yellow")
                else:
                    quote = Text(f"[{first['source']}]", style="dim")
                if first.get("quote"):
                    quote.append(f" \u201c{first['quote']}\u201d", style="green")
                out.append(Hanging("      ", quote))
    summary = f"{view['length']} hop{'s' if view['length'] != 1 else ''}"
    if len(paths) > 1:
        summary += f" · {len(paths)} shortest paths"
    hops = [h for p in paths for h in p["hops"]]
    cited = all(h["sources"] for h in hops)
    summary += " · every hop cited" if cited and view["length"] else ""
    planned = sum(h["qualifiers"].get("status") == "planned" for h in hops)
    inferred = sum(h["confidence"] == "inferred" for h in hops)
    caveats = [
        f"{n} hop{'s' if n > 1 else ''} {what}" for n, what in ((planned, "only planned"), (inferred, "inferred")) if n
    ]
    out.append(Text(summary, style="dim"))
    if caveats:
        out.append(Text("careful: " + ", ".join(caveats), style="yellow"))
    return Group(*out)


def entity_table(
    rows: list[dict[str, Any]], extra_columns: Iterable[str] = (), columns: list[str] | None = None
) -> RenderableType:
    """Entities as a table: id, type, name, zh and `extra_columns`; or exactly `columns` (list --columns)."""
    if not rows:
        return Text("no entities", style="dim")
    columns = columns or ["id", "type", "name", "zh", *extra_columns]
    table = Grid(*columns)
    for row in rows:
        table.add_row(*[str(row.get(c) if row.get(c) is not None else "") for c in columns])
    return Group(table, Text(f"{len(rows)} entit{'y' if len(rows) == 1 else 'ies'}", style="dim"))


def neighbor_tree(view: list[dict[str, Any]], labels: dict[str, tuple[str, str]]) -> RenderableType:
    """The neighbourhood as a tree: each entity under the first entity that reached it."""
    from rich.tree import Tree

    by_id = {n["id"]: n for n in view}
    root = view[0]
    tree = Tree(Text(f"{root['name']} ({root['type']} · {root['id']})", style="bold"))
    branches = {root["id"]: tree}
    notes = Notes()
    for node in view[1:]:
        for link in node["relations"]:
            parent = by_id.get(link["other"])
            if parent and parent["depth"] == node["depth"] - 1 and parent["id"] in branches:
                label, inverse = labels[link["type"]]
                # link is seen from `node`; from the parent the direction flips
                text = inverse if link["direction"] == "out" else label
                caveats = " · ".join(
                    c
                    for c in (
                        qualifiers_text(link.get("qualifiers", {})),
                        "inferred" if link.get("confidence") == "inferred" else "",
                        notes.mark(link.get("note")),
                    )
                    if c
                )
                sources = " ".join(dict.fromkeys(c["source"] for c in link.get("sources", [])))
                branches[node["id"]] = branches[parent["id"]].add(
                    Text.assemble(
                        (f"{text} ", "yellow"),
                        node["name"],
                        (f" ({node['type']} · {node['id']})", "dim"),
                        (f" · {caveats}" if caveats else "", "yellow"),
                        (f"  {sources}" if sources else "", "cyan"),
                    )
                )
                break
    if not notes.texts:
        return tree
    return Group(tree, Text(""), Text("Notes", style="italic"), *notes.lines())


def stats(view: dict[str, Any]) -> RenderableType:
    summary = Text(
        f"{view['entities']} entities · {view['relations']} relations · {view['facts']} facts · "
        f"{view['sources']} sources · {view['warnings']} warnings"
    )
    by_type = Grid("entity type", "count")
    for key, value in view["by_type"].items():
        by_type.add_row(key, str(value))
    by_relation = Grid("relation type", "count")
    for key, value in view["by_relation"].items():
        by_relation.add_row(key, str(value))
    cites = Grid("", "total", "with source", "with quote", "quoted from the source itself")
    for key, c in view["citations"].items():
        cites.add_row(
            key,
            str(c["total"]),
            f"{c['with_source']} ({c['share_with_source']:.0%})",
            f"{c['with_quote']} ({c['share_with_quote']:.0%})",
            f"{c['with_quote_from_source_text']} ({c['share_with_quote_from_source_text']:.0%})",
        )
    note = "the rest are quoted from our research notes' record of the source (via), not its own text"
    parts: list[RenderableType] = [summary, Text(""), by_type, Text(""), by_relation, Text(""), cites]
    parts.append(Text(note, style="dim"))
    if view["claimed_totals"]:
        parts += [Text(""), coverage(view["claimed_totals"])]
    return Group(*parts)


def coverage(claims: list[dict[str, Any]]) -> RenderableType:
    table = Grid(
        "entity",
        "metric",
        "period",
        "scope",
        "claimed",
        "listed",
        "undated",
        title="Claimed totals (members listed by the period; undated members apart)",
        justify=("left", "left", "left", "left", "right", "right", "right"),
    )
    for c in claims:
        scope = ", ".join(f"{k} {v}" for k, v in c["scope"].items())
        table.add_row(
            c["entity"]["id"],
            c["metric"],
            c["period"] or "",
            scope,
            format_value(c["claimed"]),
            str(c["listed"]),
            str(c["undated"] or ""),
        )
    return table


def problems(items: list[Problem]) -> RenderableType:
    lines = []
    for p in items:
        colour = "red" if p.severity == "error" else "yellow"
        text = Text(f"{p.file}:{p.line}: ", style="bold")
        text.append(f"{p.severity}: ", style=colour)
        text.append(p.message)
        if p.hint:
            text.append(f"\n    hint: {p.hint}", style="dim")
        lines.append(text)
    return Group(*lines)


def _cited(sources: list[dict[str, Any]]) -> str:
    return ", ".join(dict.fromkeys(c["source"] for c in sources))


def coverage_report(report: dict[str, Any]) -> RenderableType:
    inferred = report["facts_inferred"]
    lines = [
        coverage(report["claimed_totals"]),
        Text(""),
        Text(f"entities without a Chinese name: {len(report['entities_without_chinese_name'])}"),
        Text(f"relations without a quote: {len(report['relations_without_quote'])}"),
        Text(f"facts without a quote: {len(report['facts_without_quote'])}"),
        Text(
            f"sources cited once only: {len(report['sources_cited_once'])}; "
            f"never cited: {len(report['sources_never_cited'])}"
        ),
        Text(f"facts marked inferred: {inferred['count']} of {inferred['of']} ({inferred['share']:.0%})"),
        Text("`ipkb coverage --json` lists each of them", style="dim"),
    ]
    return Group(*lines)


def metrics(overview: list[dict[str, Any]]) -> RenderableType:
    table = Grid(
        "metric",
        "unit",
        "facts",
        "entities",
        "description",
        justify=("left", "left", "right", "right"),
    )
    for m in overview:
        table.add_row(m["metric"], m["unit"] or "", str(m["facts"]), str(m["entities"]), m["description"])
    return table


def metric_table(metric: str | None, rows: list[dict[str, Any]]) -> RenderableType:
    """One metric's figures, titled by it; or (metric None) every figure, with a metric column."""
    if not rows:
        return Text(f"no facts for {metric}" if metric else "no facts", style="dim")
    columns = ("entity", "value", "unit", "period", "kind", "source")
    table = Grid(
        *(columns if metric else ("metric", *columns)),
        title=metric.replace("_", " ") if metric else None,
        justify=("left", "right") if metric else ("left", "left", "right"),
    )
    notes = Notes()
    for r in rows:
        kind = " · ".join(
            f for f in (r["kind"], "inferred" if r["confidence"] == "inferred" else "", notes.mark(r.get("note"))) if f
        )
        scope = qualifiers_text(r["scope"])
        cells = (
            f"{r['entity']['name']} ({r['entity']['id']})",
            format_value(r["value"]),
            r["unit"] or "",
            (r["period"] or "") + (f" · {scope}" if scope else ""),
            kind,
            _cited(r["sources"]),
        )
        table.add_row(*(cells if metric else (r["metric"].replace("_", " "), *cells)))
    if not notes.texts:
        return table
    return Group(table, Text(""), Text("Notes", style="italic"), *notes.lines())


def timeline(events: list[dict[str, Any]]) -> RenderableType:
    if not events:
        return Text("no dated events", style="dim")
    table = Grid("date", "event", "source")
    for e in events:
        text = Text(e["subject"]["name"], style="bold")
        if e["kind"] == "relation":
            text.append(f" {e['event']} ")
            text.append(e["object"]["name"], style="bold")
            details = qualifiers_text({k: v for k, v in e["qualifiers"].items() if k not in ("date", "year", "since")})
            if details:
                text.append(f" · {details}", style="yellow")
        elif e["kind"] == "fact":
            label = e["event"].replace("_", " ")
            text.append(f" {label}: {format_value(e['value'])} {e['unit'] or ''}")
            if e["fact_kind"] == "target":
                text.append(" (target)", style="yellow")
        else:
            text.append(f" {e['event']}")
        if e["confidence"] == "inferred":
            text.append(" · inferred", style="yellow")
        table.add_row(e["date"], text, _cited(e["sources"]))
    return table


def diff(report: dict[str, Any]) -> RenderableType:
    parts: list[RenderableType] = [Text(f"{report['from']} → {report['to']}", style="bold")]
    entities, relations, facts = report["entities"], report["relations"], report["facts"]
    for sign, items in (("+", entities["added"]), ("-", entities["removed"])):
        parts += [Text(f"{sign} entity {e['id']} ({e['type']}): {e['name']}") for e in items]
    parts += [Text(f"~ entity {r['id']}: {r['from']['name']} → {r['to']['name']}") for r in entities["renamed"]]
    for sign, items in (("+", relations["added"]), ("-", relations["removed"])):
        parts += [Text(f"{sign} relation {r['from']} -{r['type']}-> {r['to']}") for r in items]
    for sign, items in (("+", facts["added"]), ("-", facts["removed"])):
        parts += [Text(f"{sign} fact {f['entity']} {f['metric']} {f['period'] or ''} = {f['value']}") for f in items]
    parts += [
        Text(f"~ fact {f['entity']} {f['metric']} {f['period'] or ''}: {f['old_value']} → {f['value']}")
        for f in facts["changed"]
    ]
    parts += [Text(f"~ citations of {c['what']}") for c in report["citations_changed"]]
    if len(parts) == 1:
        parts.append(Text("no changes", style="dim"))
    return Group(*parts)
