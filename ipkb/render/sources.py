"""A cited source as every command lists it under its table: one footnote, shared by show, path, facts, timeline
and coverage, so a reader who quotes any of them has the same title, publisher, date and URL to cite."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.text import Text

from ipkb.render.layout import Hanging
from ipkb.render.text import marks, our_note_on

if TYPE_CHECKING:
    from ipkb.shapes import Citation, Source

Vias = tuple[set[str], bool]  # the research notes some quotes of a source were read from, and whether all were


def source_text(source: Source, via: Vias = (set(), False)) -> Text:
    """`“title”, publisher, date (URL)  id · kind · our copy: file`: what a reader cites comes first, the URL
    they can open; the file of our copy of its text (seeds/...) only after it, or in its place when the source
    has no URL (a research note). Says where the quotes were read when that was a research note."""
    title = source.get("title") or source["name"]
    details = [str(source[k]) for k in ("publisher", "date") if source.get(k)]
    url, file = source.get("url"), source.get("file")
    text = Text(f"\u201c{title}\u201d")
    if details:
        text.append(", " + ", ".join(details))
    if url or file:
        text.append(f" ({url or file})", style="dim")
    text.append(f"  {source['id']}", style="cyan")
    if source.get("kind"):
        text.append(f" · {source['kind']}", style="magenta" if source["kind"] == "mirror" else "dim")
    if url and file:
        text.append(f" · our copy: {file}", style="dim")
    notes, always = via
    if notes:
        which = "quotes" if always else "some quotes"
        where = ", ".join(sorted(notes))
        text.append(
            f" · {which} taken from our research notes ({where}), not checked in this source's text", style="yellow"
        )
    return text


def source_footnote(number: int, source: Source, via: Vias = (set(), False)) -> Hanging:
    """`[n] ` and the source (`source_text`), wrapped under its number."""
    return Hanging(f" [{number}] ", source_text(source, via))


def vias_of(cites: Iterable[Citation]) -> dict[str, Vias]:
    """source id -> the research notes some of its quotes among `cites` were read from, and whether all were
    (what `source_footnote` says of it)."""
    read: dict[str, list[str | None]] = {}
    for cite in cites:
        read.setdefault(cite["source"], []).append(cite.get("via"))
    return {source: ({v for v in vias if v}, all(vias)) for source, vias in read.items() if any(vias)}


class SourceNotes:
    """Sources numbered [1], [2], ... in the order a table cites them, listed under it: each as `show` lists
    it (`source_footnote`) when `sources` (id -> source) has it, else by its id; with `quotes`, followed by
    the words quoted from it. A column of numbers stays narrow where source ids (up to 40 characters) would
    push the table into records."""

    def __init__(self, sources: Mapping[str, Source] | None = None, quotes: bool = True) -> None:
        self.sources, self.quotes = sources or {}, quotes
        self.numbers: dict[str, int] = {}
        self.cited: list[Citation] = []
        self.quoted: dict[str, list[tuple[str, str | None]]] = {}  # source -> (quote, the research note it is from)

    def mark(self, sources: Sequence[Citation]) -> str:
        """`[1][3]`: the numbers of these citations' sources, each source numbered when first met."""
        for citation in sources:
            self.numbers.setdefault(citation["source"], len(self.numbers) + 1)
            self.cited.append(citation)
            quotes, quote = self.quoted.setdefault(citation["source"], []), citation.get("quote")
            if self.quotes and quote and (quote, citation.get("via")) not in quotes:
                quotes.append((quote, citation.get("via")))
        return marks(sources, self.numbers)

    def lines(self) -> list[RenderableType]:
        """`[n] “title”, publisher, date (URL)  id: “quote” · research-x, our note on [n]: “quote”`, a source a
        footnote, wrapped under its number; a quote read from our research notes (`via`) rather than the
        source says so, as path's do (and, without quotes, the footnote says which of its quotes were)."""
        out: list[RenderableType] = []
        vias = {} if self.quotes else vias_of(self.cited)
        for source_id, n in self.numbers.items():
            source = self.sources.get(source_id)
            text = source_text(source, vias.get(source_id, (set(), False))) if source else Text(source_id)
            for i, (quote, via) in enumerate(self.quoted[source_id] if self.quotes else []):
                text.append(": " if i == 0 else " · ")
                if via:
                    text.append(our_note_on(via, f"[{n}]"), style="yellow")
                text.append(f"\u201c{quote}\u201d")
            out.append(Hanging(f" [{n}] ", text))
        return out
