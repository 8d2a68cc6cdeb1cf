"""Rich renderables for the graph queries (path, list, search, neighbors) and the KB's problems. The layout
pieces are in layout.py, `show` in show.py, the analysis commands in analysis.py; rich.tree
loads only in the function that uses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.text import Text

from ipkb.render.layout import Grid, Hanging, Notes
from ipkb.render.layout import console as console  # the CLI's console, re-exported
from ipkb.render.layout import print_to as print_to
from ipkb.render.text import as_of_text, qualifiers_text, then_and_now
from ipkb.text import counted

if TYPE_CHECKING:
    from ipkb.model import Problem
    from ipkb.shapes import EntityRef, NeighborLink, NeighborRow, OnePath, PathView


def as_of_line(day: str, figures: bool = False) -> Text:
    """The dim line above an answer given --as-of (show draws it under its box)."""
    return Text(as_of_text(day, figures), style="dim")


def _named(entity: EntityRef) -> tuple[tuple[str, str], tuple[str, str]]:
    """An entity on a path, bold, with its id (under --as-of, the name it had then, and today's)."""
    shown, _, now = then_and_now(entity)
    return (shown, "bold"), (f" ({entity['id']}{now})", "dim")


def path(view: PathView) -> RenderableType:
    """Each hop on a line of its own, with its caveats (qualifiers, inferred, the relation's note) and the
    first quote behind it (the view puts first one that names the hop's ends); wrapped lines stay indented
    under their hop. The footnotes are the sources of the quotes printed, numbered as in the view's `sources`."""
    paths: list[OnePath] = view.get("paths") or [{"length": view["length"], "hops": view.get("hops", [])}]
    numbers = {s["id"]: n for n, s in enumerate(view["sources"], start=1)}
    out: list[RenderableType] = []
    for index, p in enumerate(paths):
        if len(paths) > 1:
            out.append(Text(f"path {index + 1}", style="bold"))
        if not p["hops"]:
            out.append(Text(f"{view['from']['name']} is {view['to']['name']}: the same entity"))
        for i, hop in enumerate(p["hops"]):
            if i == 0:
                out.append(Text.assemble(*_named(hop["from"])))
            qualifiers = qualifiers_text(hop["qualifiers"])
            marked = " · inferred" if hop["confidence"] == "inferred" else ""
            label = f"{hop['label']}{' · ' + qualifiers if qualifiers else ''}{marked}"
            step = Text.assemble((f"─{label}→ ", "yellow"), *_named(hop["to"]))
            out.append(Hanging("  ", step))
            if note := hop["note"]:
                out.append(Hanging("      note: ", Text(note, style="italic")))
            if hop["sources"]:
                first = hop["sources"][0]
                mark = f"[{numbers[first['source']]}]" if first["source"] in numbers else f"[{first['source']}]"
                if first.get("via"):  # the research note's words about the source, not the source's own
                    quote = Text(f"{first['via']}, our note on {mark}:", style="yellow")
                else:
                    quote = Text(mark, style="dim")
                if first.get("quote"):
                    quote.append(f" \u201c{first['quote']}\u201d", style="green")
                out.append(Hanging("      ", quote))
    summary = counted(view["length"], "hop")
    if len(paths) > 1:
        summary += f" · {len(paths)} shortest paths"
    hops = [h for p in paths for h in p["hops"]]
    cited = all(h["sources"] for h in hops)
    summary += " · every hop cited" if cited and view["length"] else ""
    planned = sum(h["planned"] for h in hops)
    announced = sum(h["announced"] for h in hops)
    inferred = sum(h["confidence"] == "inferred" for h in hops)
    flagged = ((planned, "only planned"), (announced, "only announced"), (inferred, "inferred"))
    caveats = [f"{counted(n, 'hop')} {what}" for n, what in flagged if n]
    out.append(Text(summary, style="dim"))
    if caveats:
        out.append(Text("careful: " + ", ".join(caveats), style="yellow"))
    shown = [h["sources"][0] for h in hops if h["sources"]]  # the one quote printed under each hop
    printed = {c["source"] for c in shown}
    if printed:  # what each [n] printed is, as `show` lists its sources; the hops' other sources are in --json
        from ipkb.render.show import source_footnote, vias_of

        vias = vias_of(shown)
        out.append(Text(""))
        for number, source in enumerate(view["sources"], start=1):
            if source["id"] in printed:
                out.append(source_footnote(number, source, vias.get(source["id"], (set(), False))))
    return Group(*out)


def entity_table(
    rows: Sequence[Mapping[str, object]],
    extra_columns: Iterable[str] = (),
    columns: list[str] | None = None,
    total: int | None = None,
    cap: int = 0,
) -> RenderableType:
    """Entities as a table: id, type, name, zh and `extra_columns`; or exactly `columns` (list --columns). The
    places a row lies in (`in`, list --in) are shown by name, under `located in`. Under it `20 entities`, or
    with a larger `total` (a search cut by --limit) `20 of 23 entities` (of more than `cap`, past it)."""
    if not rows:
        return Text("no entities", style="dim")
    columns = columns or ["id", "type", "name", "zh", *extra_columns]
    table = Grid(*("located in" if c == "in" else c for c in columns))
    for row in rows:
        table.add_row(*[_cell(row.get(c)) for c in columns])
    count = counted(len(rows), "entity")
    if total is not None and total > len(rows):
        count = f"{len(rows)} of {f'more than {cap:,}' if cap and total > cap else f'{total:,}'} entities"
    return Group(table, Text(count, style="dim"))


def _cell(value: object) -> str:
    """A list cell as text: None is empty; places (`in`) by name, `; `-joined."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v["name"]) if isinstance(v, dict) else str(v) for v in value)
    return str(value)


def _reached_from(
    view: list[NeighborRow], labels: dict[str, tuple[str, str]]
) -> Iterator[tuple[NeighborRow, NeighborRow, NeighborLink, str]]:
    """(node, parent, link, how) for each entity past the first: the first entity one hop nearer that reached
    it, the link between them, and that link's wording as read from the parent ("has sub-center")."""
    by_id = {n["id"]: n for n in view}
    for node in view[1:]:
        for link in node["relations"]:
            parent = by_id.get(link["other"])
            if parent and parent["depth"] == node["depth"] - 1:
                label, inverse = labels[link["type"]]
                yield node, parent, link, inverse if link["direction"] == "out" else label  # seen from the parent
                break


def neighbor_table(view: list[NeighborRow], labels: dict[str, tuple[str, str]]) -> RenderableType:
    """The neighbourhood as a flat table: each entity with the entity one hop nearer and how it links to it."""
    reached = {node["id"]: (parent["id"], how) for node, parent, _, how in _reached_from(view, labels)}
    rows = [
        {**n, "from": reached.get(n["id"], ("", ""))[0], "relation": reached.get(n["id"], ("", ""))[1]} for n in view
    ]
    return NeighborTable(rows)


class NeighborTable:
    """`neighbors --table`: an entity a line, the names given room first. Where the terminal is too narrow for
    every column with the name and Chinese name readable, `depth` is left out, then `type`, then (when every
    entity is one hop from the first, so it says nothing else) `from`, with a line saying what was left out;
    only when even that does not fit is each entity drawn as a record."""

    COLUMNS = ("id", "type", "name", "zh", "depth", "from", "relation")
    NAME, ZH = 20, 12  # the least room the names are given before a column is left out

    def __init__(self, rows: list[dict[str, object]]) -> None:
        self.rows = rows

    def grid(self, columns: Sequence[str]) -> Grid:
        names = [columns.index(c) for c in ("name", "zh", "relation")]  # narrowed last, widest first
        ids = [columns.index(c) for c in ("id", "from") if c in columns]  # break after a hyphen, not as records
        grid = Grid(*columns, last=names, breakable=[columns.index("zh")], hyphenated=ids)
        for row in self.rows:
            grid.add_row(*[_cell(row.get(c)) for c in columns])
        return grid

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        one_hop = all(row["depth"] == 1 for row in self.rows[1:])
        choices = [(), ("depth",), ("depth", "type"), *([("depth", "type", "from")] if one_hop else [])]
        chosen: tuple[str, ...] = ()
        grid = self.grid(self.COLUMNS)
        for left_out in choices:
            columns = [c for c in self.COLUMNS if c not in left_out]
            candidate = self.grid(columns)
            widths = candidate.widths(options.max_width)
            if widths is None:
                continue
            chosen, grid = left_out, candidate
            natural = candidate.widths(10**6) or widths
            rooms = ((columns.index("name"), self.NAME), (columns.index("zh"), self.ZH))
            if all(widths[i] >= min(natural[i], room) for i, room in rooms):
                break
        yield grid
        count = counted(len(self.rows), "entity")
        if chosen:
            hop = f"; each one hop from {self.rows[0]['id']}" if "from" in chosen else ""
            count += f" · not shown at this width: {', '.join(chosen)}{hop} (--json has them)"
        yield Text(count, style="dim")


def neighbor_tree(view: list[NeighborRow], labels: dict[str, tuple[str, str]]) -> RenderableType:
    """The neighbourhood as a tree: each entity under the first entity that reached it, with every relation
    between the two (a city can hold one designation twice, in two years): the first beside its name, each
    further one on a line of its own under it (`also holds · rank 4 of 25 · 2014`), each with its caveats
    and sources."""
    from rich.tree import Tree

    root = view[0]
    shown, _, now = then_and_now(root)
    tree = Tree(Text(f"{shown} ({root['type']} · {root['id']}{now})", style="bold"))
    branches = {root["id"]: tree}
    notes = Notes()

    def evidence(link: NeighborLink) -> Text:
        caveats = " · ".join(
            c
            for c in (
                qualifiers_text(link["qualifiers"]),
                "inferred" if link["confidence"] == "inferred" else "",
                notes.mark(link["note"]),
            )
            if c
        )
        sources = " ".join(dict.fromkeys(c["source"] for c in link["sources"]))
        return Text.assemble(
            (f" · {caveats}" if caveats else "", "yellow"), (f"  {sources}" if sources else "", "cyan")
        )

    for node, parent, link, text in _reached_from(view, labels):
        if parent["id"] not in branches:
            continue
        shown, _, now = then_and_now(node)
        label = Text.assemble((f"{text} ", "yellow"), shown, (f" ({node['type']} · {node['id']}{now})", "dim"))
        label.append_text(evidence(link))
        for other in node["relations"]:
            if other is link or other["other"] != parent["id"]:
                continue
            forward, inverse = labels[other["type"]]
            label.append_text(
                Text.assemble("\n", (f"also {inverse if other['direction'] == 'out' else forward}", "yellow"))
            )
            label.append_text(evidence(other))
        branches[node["id"]] = branches[parent["id"]].add(label)
    if not notes.texts:
        return tree
    return Group(tree, Text(""), Text("Notes", style="italic"), *notes.lines())


def problems(items: list[Problem]) -> RenderableType:
    """One line per problem, `file:line: severity: message`, never wrapped (editors and CI read them so; a
    terminal wraps long lines itself), its hint on the next line."""
    lines = []
    for p in items:
        colour = "red" if p.severity == "error" else "yellow"
        text = Text(f"{p.file}:{p.line}: ", style="bold", no_wrap=True, overflow="ignore")
        text.append(f"{p.severity}: ", style=colour)
        text.append(p.message)
        if p.hint:
            text.append(f"\n    hint: {p.hint}", style="dim")
        lines.append(text)
    return Group(*lines)
