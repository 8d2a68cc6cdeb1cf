"""Rich renderables for the graph queries (path, list, search) and the KB's problems. The layout
pieces are in layout.py, `show` in show.py, the analysis commands in analysis.py; rich.tree
loads only in the function that uses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from ipkb.render.layout import Grid, Hanging
from ipkb.render.layout import console as console  # the CLI's console, re-exported
from ipkb.render.layout import print_to as print_to
from ipkb.render.text import as_of_text, qualifiers_text, then_and_now
from ipkb.text import counted

if TYPE_CHECKING:
    from ipkb.model import Problem
    from ipkb.shapes import EntityRef, OnePath, PathView


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
        from ipkb.render.sources import source_footnote, vias_of

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
    where = {c: i for i, c in enumerate(columns)}
    table = Grid(
        *("located in" if c == "in" else c for c in columns),
        # a table, not a record per entity, at 80 to 120 columns: a Chinese name breaks between characters and
        # an id after a hyphen rather than hold their columns 40 and 50 wide; the places a row lies in (a
        # `; `-joined list) narrow last, so that a place's name stays on one line while the name can wrap
        breakable=[where[c] for c in ("zh",) if c in where],
        hyphenated=[where[c] for c in ("id",) if c in where],
        last=[where[c] for c in ("in",) if c in where],
    )
    for row in rows:
        table.add_row(*[cell(row.get(c)) for c in columns])
    count = counted(len(rows), "entity")
    if total is not None and total > len(rows):
        count = f"{len(rows)} of {f'more than {cap:,}' if cap and total > cap else f'{total:,}'} entities"
    return Group(table, Text(count, style="dim"))


def cell(value: object) -> str:
    """A list cell as text: None is empty; places (`in`) by name, `; `-joined."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v["name"]) if isinstance(v, dict) else str(v) for v in value)
    return str(value)


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
