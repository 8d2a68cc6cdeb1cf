"""`neighbors` drawn: the neighbourhood as a tree of the relations that reached each entity, with their
caveats and sources, or as a flat table (`--table`). rich.tree loads only in the function that uses it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.text import Text

from ipkb.qualifiers import relation_details
from ipkb.render.layout import Grid, Notes
from ipkb.render.queries import cell
from ipkb.render.sources import SourceNotes
from ipkb.render.text import then_and_now
from ipkb.text import counted

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ipkb.answers.neighbors import NeighborLink, NeighborRow
    from ipkb.shapes import Source


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


def _evidence(link: NeighborLink, notes: Notes) -> str:
    """What qualifies a link, as `show` says it: its dates, batch and status, `inferred`, under --as-of when an
    undated one was first reported, its note's letter."""
    reported = f"first reported {link['reported']}" if "reported" in link else ""
    parts = (relation_details(link["qualifiers"], link["confidence"]), reported, notes.mark(link["note"]))
    return " · ".join(c for c in parts if c)


def _also(link: NeighborLink, labels: dict[str, tuple[str, str]], notes: Notes) -> str:
    """A further relation between an entity and the one that reached it, as the tree says it on a line of its
    own: `also has sub-center · batch 2 · 2021-04-21` (Shanghai's sub-center was approved in two batches)."""
    forward, inverse = labels[link["type"]]
    said = _evidence(link, notes)
    return f"also {inverse if link['direction'] == 'out' else forward}" + (f" · {said}" if said else "")


def table(
    view: list[NeighborRow], labels: dict[str, tuple[str, str]], cited: Mapping[str, Source] | None = None
) -> RenderableType:
    """The neighbourhood as a flat table: each entity with the entity one hop nearer, how it links to it, what
    qualifies that link (dates, batch, planned, inferred) and its sources, numbered and listed under the table
    as `show` lists them (`cited`: id -> source)."""
    notes, numbered = Notes(), SourceNotes(cited, quotes=False)
    rows: list[dict[str, object]] = [dict(view[0])]
    for node, parent, link, how in _reached_from(view, labels):
        also = [other for other in node["relations"] if other is not link and other["other"] == parent["id"]]
        details = " · ".join(c for c in (_evidence(link, notes), *(_also(other, labels, notes) for other in also)) if c)
        sources = numbered.mark([*link["sources"], *(c for other in also for c in other["sources"])])
        rows.append({**node, "from": parent["id"], "relation": how, "details": details, "sources": sources})
    lettered = [Text(""), Text("Notes", style="italic"), *notes.lines()] if notes.texts else []
    return NeighborTable(rows, numbered.lines(), lettered)


class NeighborTable:
    """`neighbors --table`: an entity a line, the names given room first. Where the terminal is too narrow for
    every column with the name and Chinese name readable, `depth` is left out, then `type`, then (when every
    entity is one hop from the first, so it says nothing else) `from`, with a line saying what was left out.
    The link's `details` (dates, batch, status, inferred, its note) and `sources` are never left out: what a
    link rests on stays in sight. Where even then the names lack their room, the table narrows them to two
    thirds of it (the ids too); below that, each entity is drawn as a record."""

    COLUMNS = ("id", "type", "name", "zh", "depth", "from", "relation", "details", "sources")
    ROOMS = (("name", 20), ("zh", 12))  # the room the names are given before a column is left out
    ID_ROOM = 30  # and the ids' in a table that keeps its details, with two thirds of it, before it is records

    def __init__(
        self,
        rows: list[dict[str, object]],
        sources: Sequence[RenderableType] = (),
        notes: Sequence[RenderableType] = (),
    ) -> None:
        """`sources`: the numbered sources, drawn under the table; `notes`: the lettered notes."""
        self.rows, self.sources, self.notes = rows, sources, notes

    def grid(self, columns: Sequence[str], records: bool = False) -> Grid:
        names = [columns.index(c) for c in ("details", "name", "zh", "relation") if c in columns]  # narrowed last
        ids = [columns.index(c) for c in ("id", "from") if c in columns]  # break after a hyphen, not as records
        grid = Grid(*columns, last=names, breakable=[columns.index("zh")], hyphenated=ids, records=records)
        for row in self.rows:
            grid.add_row(*[cell(row.get(c)) for c in columns])
        return grid

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        one_hop = all(row["depth"] == 1 for row in self.rows[1:])
        dropped = ("depth", "type", *(["from"] if one_hop else []))
        cramped: tuple[tuple[str, ...], Grid] | None = None  # a table that fits, the names with less room
        for n in range(len(dropped) + 1):
            chosen = dropped[:n]
            columns = [c for c in self.COLUMNS if c not in chosen]
            grid = self.grid(columns)
            widths = grid.widths(options.max_width)
            if widths is None:
                continue
            natural = grid.widths(10**6) or widths
            rooms = [(widths[columns.index(c)], natural[columns.index(c)], room) for c, room in self.ROOMS]
            if all(width >= min(wanted, room) for width, wanted, room in rooms):
                break
            ids = widths[0], natural[0], self.ID_ROOM
            if all(width >= min(wanted, room * 2 // 3) for width, wanted, room in [*rooms, ids]):
                cramped = chosen, grid  # the names and ids with two thirds of their room
        else:  # no table keeps what each link rests on with the names readable: records have room for all
            if cramped is not None:
                chosen, grid = cramped
            else:
                chosen = ("depth", "from") if one_hop else ()  # but what says nothing (all one hop from the first)
                grid = self.grid([c for c in self.COLUMNS if c not in chosen], records=True)
        yield grid
        yield Text(self.count(chosen), style="dim")
        yield from self.sources
        yield from self.notes

    def count(self, left_out: Sequence[str]) -> str:
        """`35 entities one hop from national-center`: the neighbours, not the first row, which is the entity
        asked about; then what this width left out."""
        depth = max((int(str(row["depth"])) for row in self.rows[1:]), default=1)
        reach = "one hop from" if depth == 1 else f"within {depth} hops of"
        count = f"{counted(len(self.rows) - 1, 'entity')} {reach} {self.rows[0]['id']}"
        if left_out:
            count += f" · not shown: {', '.join(left_out)} (--json has them)"
        return count


def tree(
    view: list[NeighborRow], labels: dict[str, tuple[str, str]], cited: Mapping[str, Source] | None = None
) -> RenderableType:
    """The neighbourhood as a tree: each entity under the first entity that reached it, with every relation
    between the two (a city can hold one designation twice, in two years): the first beside its name, each
    further one on a line of its own under it (`also holds · rank 4 of 25 · 2014`), each with its caveats
    and sources, numbered and listed under the tree as `show` lists them (`cited`: id -> source)."""
    from rich.tree import Tree

    root = view[0]
    shown, _, now = then_and_now(root)
    drawn = Tree(Text(f"{shown} ({root['type']} · {root['id']}{now})", style="bold"))
    branches = {root["id"]: drawn}
    notes, numbered = Notes(), SourceNotes(cited, quotes=False)

    def evidence(link: NeighborLink) -> Text:
        caveats, sources = _evidence(link, notes), numbered.mark(link["sources"])
        return Text.assemble((f" · {caveats}" if caveats else "", "yellow"), (f" {sources}" if sources else "", "cyan"))

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
        return Group(drawn, *numbered.lines())
    return Group(drawn, *numbered.lines(), Text(""), Text("Notes", style="italic"), *notes.lines())
