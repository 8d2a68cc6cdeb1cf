"""`path` drawn: each hop on a line of its own under the entity it starts from, with its caveats and the quote
behind it and the numbers of its other sources, then every source the hops cite."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from ipkb.qualifiers import relation_details
from ipkb.render.layout import Hanging
from ipkb.render.text import marks, reported, then_and_now
from ipkb.render.wrap import NO_BREAK
from ipkb.text import counted

if TYPE_CHECKING:
    from ipkb.answers.path import OnePath, PathView
    from ipkb.shapes import Citation, EntityRef


def _named(entity: EntityRef) -> tuple[tuple[str, str], tuple[str, str]]:
    """An entity on a path, bold, with its id (under --as-of, the name it had then, and today's)."""
    shown, _, now = then_and_now(entity)
    return (shown, "bold"), (f" ({entity['id']}{now})", "dim")


def more_quotes(sources: list[Citation]) -> int:
    """How many other quotes the source of a hop's first citation gives for it (the words `path` prints are its
    first citation's alone; another quote of the same source, perhaps the one naming an end in another language,
    is only in --json)."""
    first = sources[0]
    shown = {(first.get("quote"), first.get("via"))}
    for cite in sources[1:]:
        if cite["source"] == first["source"] and cite.get("quote"):
            shown.add((cite.get("quote"), cite.get("via")))
    return len(shown) - 1


def _quote(mark: str, first: Citation, also: str, more: int = 0) -> Hanging:
    """`[1] “the quote” · 1 more quote of [1] (--json) · also [2][3]`, the quote's wrapped lines under its first
    character (so Chinese, written without spaces, starts beside its number, not on a line of its own); a
    research note's words say so; and that its source gives more quotes for the hop than the one printed, so a
    reader never takes the words printed for all of the evidence."""
    quote = Text()
    if first.get("via"):  # the research note's words about the source, not the source's own
        quote.append(f"{first['via']}, our note on {mark}: ", style="yellow")
    if first.get("quote"):
        quote.append(f"\u201c{first['quote']}\u201d", style="green")
    if more:
        said = f"{more} more {'quote' if more == 1 else 'quotes'} of{NO_BREAK}{mark} (--json)"
        quote.append(f"{' ·' + NO_BREAK if quote.plain else ''}{said}", style="yellow")
    if also:
        quote.append(f"{' ·' + NO_BREAK if quote.plain else ''}also{NO_BREAK}{also}", style="dim")
    if first.get("via") or not quote.plain:
        return Hanging("      ", quote if quote.plain else Text(mark, style="dim"))
    return Hanging(f"      {mark} ", quote, style="dim")


def path(view: PathView) -> RenderableType:
    """Each hop on a line of its own, with its caveats (qualifiers, inferred, the relation's note) and the
    first quote behind it (the view puts first one that names the hop's ends), how many more its source gives
    (`1 more quote of [1] (--json)`), then `also [2]`: the hop's other sources, whose quotes --json gives;
    wrapped lines stay indented under their hop. The footnotes are every source the hops cite, numbered as in
    the view's `sources` (those of the quotes printed first)."""
    paths: list[OnePath] = view.get("paths") or [{"length": view["length"], "hops": view.get("hops", [])}]
    numbers = {s["id"]: n for n, s in enumerate(view["sources"], start=1)}
    dates = {s["id"]: s["date"] for s in view["sources"] if "date" in s}
    out: list[RenderableType] = []
    for index, p in enumerate(paths):
        if len(paths) > 1:
            out.append(Text(f"path {index + 1}", style="bold"))
        if not p["hops"]:
            out.append(Text(f"{view['from']['name']} is {view['to']['name']}: the same entity"))
        for i, hop in enumerate(p["hops"]):
            if i == 0:
                out.append(Text.assemble(*_named(hop["from"])))
            details = relation_details(hop["qualifiers"], hop["confidence"])
            marked = f" · first reported {reported(hop, dates, numbers)}" if "reported" in hop else ""
            label = f"{hop['label']}{' · ' + details if details else ''}{marked}"
            step = Text.assemble((f"─{label}→ ", "yellow"), *_named(hop["to"]))
            out.append(Hanging("  ", step))
            if note := hop["note"]:
                out.append(Hanging("      note: ", Text(note, style="italic")))
            if hop["sources"]:
                first = hop["sources"][0]
                mark = f"[{numbers[first['source']]}]" if first["source"] in numbers else f"[{first['source']}]"
                others = [c for c in hop["sources"][1:] if c["source"] != first["source"]]
                also = marks(others, numbers)  # the hop's other sources, as `show` gives them all
                out.append(_quote(mark, first, also, more_quotes(hop["sources"])))
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
    if view["sources"]:  # what each [n] is, those of the quotes printed first, as `show` lists its sources
        from ipkb.render.sources import PLAIN, source_footnote, vias_of

        vias = vias_of(c for h in hops for c in h["sources"])
        out.append(Text(""))
        for number, source in enumerate(view["sources"], start=1):
            out.append(source_footnote(number, source, vias.get(source["id"], PLAIN)))
    return Group(*out)
