"""How `show` draws an entity for people, with what each claim rests on in sight.

Notes (conflicts, "more than", scope caveats) and `inferred` stand beside the claims they qualify, as
lettered notes under the table; a footnote says when a source's words were quoted from our research
notes (`via`) rather than from the source itself. `show --quotes` prints every claim with its quote, and
a source's page lists every claim it supports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.text import Text

from ipkb.figures import figure_parts, figure_text
from ipkb.qualifiers import as_words, caveats_text, qualifiers_text
from ipkb.render.layout import Grid, Hanging, Notes
from ipkb.render.sources import PLAIN, Provenance, source_footnote, vias_of
from ipkb.render.text import as_of_text, last_seen, marks, reported, sightings, then_and_now
from ipkb.render.wrap import NO_BREAK, wrap_whole_words
from ipkb.text import counted

if TYPE_CHECKING:
    from ipkb.shapes import Citation, EntityRef, Fact, Relation, RelationView, ShowView


def _flags(item: Fact | Relation, notes: Notes, extra: str = "") -> str:
    """The compact caveats of a fact or relation: qualifiers, target, inferred, and its note's letter."""
    said = caveats_text(extra, item["confidence"], str(item.get("kind", "actual")))  # a relation has no kind
    mark = notes.mark(item["note"])
    return f"{said}{NO_BREAK}·{NO_BREAK}{mark}" if said and mark else said or mark  # a letter never on a line alone


def fact_details(fact: Fact, notes: Notes) -> str:
    """A figure's details wherever `show` gives one (its table, --quotes, a source's page): its scope (`batch 4 ·
    subcenter kind: local`, what tells two figures of one year apart), target, inferred, its note's letter."""
    return _flags(fact, notes, qualifiers_text(fact["scope"]))


def _relation_grid(
    relations: list[RelationView], notes: Notes, view: ShowView, numbers: dict[str, int], title: str | None = None
) -> Grid:
    """Relations a line each: the label (once for a run of the same), the other end with its caveats
    (qualifiers, inferred, the note's letter), the sources' numbers."""
    grid = Grid("", "", "", title=title, styles=("bold",), show_header=False)
    previous = None
    for rel in relations:
        name = _other(rel["other"])
        details = _flags(rel, notes, _qualifiers(rel, view, numbers))
        if details:
            name.append(f" · {details}", style="yellow")
        grid.add_row(rel["label"] if rel["label"] != previous else "", name, marks(rel["sources"], numbers))
        previous = rel["label"]
    return grid


def _qualifiers(rel: RelationView, view: ShowView, numbers: dict[str, int]) -> str:
    """A relation's qualifiers, a post seen held on more days than one with each day and its sources."""
    dates = {s["id"]: s["date"] for s in view["sources"] if "date" in s}
    said = qualifiers_text(rel["qualifiers"], sightings(rel["qualifiers"], rel["sources"], dates, numbers))
    latest = last_seen(rel["qualifiers"], rel["sources"], dates, numbers)
    if "reported" in rel:  # under --as-of: what places it in time, when nothing else dates it
        said = " · ".join(p for p in (said, "first reported " + reported(rel, dates, numbers)) if p)
    return f"{said} · last seen held {latest}" if latest else said


def _vias(view: ShowView) -> dict[str, Provenance]:
    items: list[Fact | RelationView] = [*view["facts"], *view["relations"]]
    return vias_of([*view["citations"], *(c for item in items for c in item["sources"])])


def _header(view: ShowView, numbers: dict[str, int]) -> RenderableType:
    names = view["names"]
    then = view.get("name_as_of", view["name"])  # under --as-of: the name it had on that day
    others = [
        e for e in (view.get("zh_as_of", names.get("zh")), names.get("pinyin") if then == view["name"] else None) if e
    ]
    body: list[RenderableType] = []
    if then != view["name"]:
        body.append(Text(f"its name on {view['as_of']}", style="dim"))
    body += _lifespan(view)
    if description := view["description"]:
        body.append(Text(description))
    if view["aliases"]:
        body.append(Text("also: " + ", ".join(view["aliases"]), style="dim"))
    if view.get("confidence") == "inferred":
        body.append(Text("confidence: inferred (derived from its sources, not stated by them)", style="yellow"))
    if note := view["note"]:
        body.append(Text("note: " + note, style="italic"))
    body += _names_over_time(view, then, numbers)
    if view["citations"]:
        body.append(Text("sources: " + marks(view["citations"], numbers), style="dim"))
    return HeaderBox(then, others, f"{view['type']} · {view['id']}", body)


def _names_over_time(view: ShowView, then: str, numbers: dict[str, int]) -> list[Text]:
    """`formerly: Old Name 旧名 (until 1998) [3]` for each name it had before the one shown; under --as-of, the
    names it took after it as `later: New Name (from 2018) [3]` (today's: `from 2018; its name now`), each cited
    by the source of the change, and never the name shown as a former one."""
    formers = view.get("former_names", [])
    shown = next((i for i, f in enumerate(formers) if then != view["name"] and f["name"] == then), len(formers))
    lines = []
    for former in formers[:shown]:
        zh = f" {former['zh']}" if former.get("zh") else ""
        lines.append(f"formerly: {former['name']}{zh} (until {former['until']}) " + marks(former["sources"], numbers))
    names = view["names"]
    after = [*formers[shown + 1 :], {"name": view["name"], "zh": names.get("zh")}]
    for before, later in zip(formers[shown:], after, strict=False):
        zh, now = (f" {later['zh']}" if later.get("zh") else ""), ("; its name now" if later is after[-1] else "")
        lines.append(f"later: {later['name']}{zh} (from {before['until']}{now}) " + marks(before["sources"], numbers))
    return [Text(line, style="dim") for line in lines]


class HeaderBox:
    """The entity's box: its names in the top border, its type and id in the bottom one, when they fit whole.
    When they do not, they are never cut: the name, the Chinese name and pinyin, and the type and id are the
    box's first lines, wrapped between words (Chinese between characters), and an id wider than the box runs
    past its edge whole, on a line of its own, so it can be copied."""

    def __init__(self, name: str, others: list[str], footer: str, body: list[RenderableType]) -> None:
        self.name, self.others, self.footer, self.body = name, others, footer, body

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich import box
        from rich.panel import Panel

        width = options.max_width
        title = Text(self.name, style="bold")
        for extra in self.others:
            title.append(f"  {extra}")
        if title.cell_len + 2 <= width - 4 and cell_len(self.footer) + 2 <= width - 4:
            subtitle = Text(self.footer)
            yield Panel(
                Group(*self.body) if self.body else Text(""),
                title=title,
                title_align="left",
                subtitle=subtitle,
                subtitle_align="right",
                box=box.ROUNDED,
            )
            return
        edges = box.ROUNDED.substitute(options, safe=console.safe_box)
        inner = max(width - 4, 1)
        heads = [Text(self.name, style="bold"), *map(Text, self.others), Text(self.footer, style="cyan")]
        left, right = Segment(edges.mid_left + " "), Segment(" " + edges.mid_right)
        yield Segment(edges.top_left + edges.top * (width - 2) + edges.top_right)
        yield Segment.line()
        for head in heads:
            for piece in wrap_whole_words(head, inner):
                yield left
                yield from piece.render(console)
                if piece.cell_len <= inner:  # a wider one (an id) runs past the edge whole, without a border
                    yield Segment(" " * (inner - piece.cell_len))
                    yield right
                yield Segment.line()
        for line in console.render_lines(Group(*self.body), options.update_width(inner), pad=True):
            yield left
            yield from line
            yield right
            yield Segment.line()
        yield Segment(edges.bottom_left + edges.bottom * (width - 2) + edges.bottom_right)
        yield Segment.line()


def _lifespan(view: ShowView) -> list[RenderableType]:
    """Under --as-of, whether the entity existed that day, by its since and until, or that the KB cannot tell."""
    fields, day = view["fields"], view.get("as_of")
    if day is not None and "exists_as_of" in view and view["exists_as_of"] is None:
        return [
            Text(f"not known to exist on {day}: nothing dates it by then (list --as-of leaves it out)", style="yellow")
        ]
    if day is None or view.get("exists_as_of") is not False:
        return []
    if fields.get("since") is not None and day < str(fields["since"]):
        return [Text(f"not yet in existence on {day}: it dates from {fields['since']}", style="yellow")]
    return [Text(f"no longer in existence on {day}: it lasted until {fields.get('until')}", style="yellow")]


def _other(entity: EntityRef) -> Text:
    shown, zh, now = then_and_now(entity)
    name = Text(shown)
    if zh:
        name.append(f" {zh}", style="dim")
    name.append(f" ({entity['type']}{now})", style="dim")
    return name


def _as_of(view: ShowView) -> list[RenderableType]:
    """Under the header, given --as-of: that the answer is of that day."""
    if "as_of" not in view:
        return []
    return [Text(as_of_text(view["as_of"], figures=True, described=bool(view["description"])), style="dim")]


def undated_figures(count: int) -> list[RenderableType]:
    """Under --as-of: how many figures nothing dates (no period, or a target, and no dated source), not shown."""
    return [Text(f"{counted(count, 'figure')} without a date, not shown", style="dim")] if count else []


def show(view: ShowView) -> RenderableType:
    numbers = {s["id"]: i for i, s in enumerate(view["sources"], start=1)}
    parts: list[RenderableType] = [_header(view, numbers), *_as_of(view)]
    attributes = {**view.get("fields", {}), **view.get("attributes", {})}
    if attributes:
        table = Grid("", "", styles=("dim", ""), show_header=False)
        for key, value in attributes.items():  # as words: `center type  PC`, not `center_type  PC`
            table.add_row(as_words(key), "" if value is None else as_words(value))
        parts.append(table)
    notes = Notes()
    if view["facts"]:
        facts = Grid(
            "metric",
            "value",
            "unit",
            "period",
            "caveats",  # `target · [a]`: a column of them with no header was read as part of the period
            "source",
            title="Facts",
            justify=("left", "right"),
            flexible=(0, 2, 3, 4, 5),  # never the value: "more than 3,500" is one figure, not three words
        )
        for fact in view["facts"]:
            facts.add_row(
                fact["metric"].replace("_", " "),
                *figure_parts(fact["value"], fact["bound"], fact["unit"]),
                fact["period"] or "",
                fact_details(fact, notes),
                marks(fact["sources"], numbers),
            )
        parts += [Text(""), facts]
    parts += undated_figures(view.get("facts_without_date", 0))
    if view["relations"]:
        parts += [Text(""), _relation_grid(view["relations"], notes, view, numbers, "Relations")]
    if view.get("relations_date_unknown"):
        title = (
            f"Date unknown: not dated in the KB, or only to a year or month that includes {view['as_of']}, "
            "or first reported after it, or a post a source saw held on another day"
        )
        parts += [Text(""), Text(title, style="italic")]
        parts.append(_relation_grid(view["relations_date_unknown"], notes, view, numbers))
    if view.get("claimed_totals"):
        from ipkb.render.analysis import completeness

        parts += [Text(""), *completeness(view["claimed_totals"], numbers)]
    if view.get("supports"):  # a source's page: its claims' notes are lettered on after the entity's own
        parts += [Text(""), *_supports(view, notes)]
    if notes.texts:
        parts += [Text(""), Text("Notes", style="italic"), *notes.lines()]
    parts.append(Text(""))
    vias = _vias(view)
    for number, source in enumerate(view["sources"], start=1):
        parts.append(source_footnote(number, source, vias.get(source["id"], PLAIN)))
    return Group(*parts)


def _quote_lines(sources: list[Citation], numbers: dict[str, int] | None) -> list[RenderableType]:
    out: list[RenderableType] = []
    for cite in sources:
        where = f"[{numbers[cite['source']]}]" if numbers and cite["source"] in numbers else cite["source"]
        if cite.get("via"):  # the research note's words about the source, not the source's own: say so first
            text = Text(f"{cite['via']}, our note on {where}: ", style="yellow")
            text.append(f"\u201c{cite['quote']}\u201d" if cite.get("quote") else "(no quote)", style="green")
        else:
            text = Text(f"\u201c{cite['quote']}\u201d" if cite.get("quote") else "(no quote)", style="green")
            text.append(f" {where}", style="dim")
        out.append(Hanging("     ", text))
    return out


def _fact_claim(fact: Fact, entity: EntityRef | None = None) -> Text:
    claim = Text()
    if entity:
        claim.append(f"{entity['name']} ({entity['id']}): ", style="bold")
    figure = figure_text(fact["value"], fact["bound"], fact["unit"], fact["metric"])  # "... rank 13", not "13 rank"
    claim.append(f"{fact['metric'].replace('_', ' ')} {figure}")
    claim.append(f" · {fact['period']}" if fact.get("period") else "")
    return claim


def show_quotes(view: ShowView) -> RenderableType:
    """`show --quotes`: every claim about the entity, each with the exact words of its sources."""
    numbers = {s["id"]: i for i, s in enumerate(view["sources"], start=1)}
    parts: list[RenderableType] = [_header(view, numbers), *_as_of(view)]
    notes = Notes()
    if view["citations"]:
        parts += [Text("The entity itself", style="italic"), *_quote_lines(view["citations"], numbers)]
    if view["facts"]:
        parts.append(Text("Facts", style="italic"))
        for fact in view["facts"]:
            claim = _fact_claim(fact)
            flags = fact_details(fact, notes)
            claim.append(f" · {flags}" if flags else "", style="yellow")
            parts += [Hanging("  ", claim), *_quote_lines(fact["sources"], numbers)]
    parts += undated_figures(view.get("facts_without_date", 0))
    if view["relations"]:
        parts.append(Text("Relations", style="italic"))
        for rel in view["relations"]:
            claim = Text(f"{rel['label']} ", style="bold") + _other(rel["other"])
            flags = _flags(rel, notes, _qualifiers(rel, view, numbers))
            claim.append(f" · {flags}" if flags else "", style="yellow")
            parts += [Hanging("  ", claim), *_quote_lines(rel["sources"], numbers)]
    if notes.texts:
        parts += [Text(""), Text("Notes", style="italic"), *notes.lines()]
    parts.append(Text(""))
    vias = _vias(view)
    for number, source in enumerate(view["sources"], start=1):
        parts.append(source_footnote(number, source, vias.get(source["id"], PLAIN)))
    return Group(*parts)


def _supports(view: ShowView, notes: Notes) -> list[RenderableType]:
    """What a source backs: each claim with the quote taken from it, and its details as the entity's own `show`
    gives them (a figure's scope, inferred, its note's letter), so that figures of one year that count different
    things (21 local sub-centers set up, 43 in all, 2 overseas) do not read as contradicting each other."""
    supports = view["supports"]
    counts = view["cited_by"]
    parts: list[RenderableType] = [
        Text(
            "Supports "
            + ", ".join(
                counted(n, word)
                for n, word in (
                    (counts["entity"], "entity"),
                    (counts["relation"], "relation"),
                    (counts["fact"], "fact"),
                )
            ),
            style="italic",
        )
    ]
    for item in supports["entities"]:
        parts += [Hanging("  ", _other(item["entity"])), *_quote_lines(item["sources"], None)]
    for rel in supports["relations"]:
        claim = _other(rel["from"]) + Text(f" {rel['label']} ", style="bold") + _other(rel["to"])
        details = _flags(rel, notes, qualifiers_text(rel["qualifiers"]))
        claim.append(f" · {details}" if details else "", style="yellow")
        parts += [Hanging("  ", claim), *_quote_lines(rel["sources"], None)]
    for fact in supports["facts"]:
        claim = _fact_claim(fact, fact["entity"])
        details = fact_details(fact, notes)
        claim.append(f" · {details}" if details else "", style="yellow")
        parts += [Hanging("  ", claim), *_quote_lines(fact["sources"], None)]
    return parts
