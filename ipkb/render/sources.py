"""A cited source as every command lists it under its table: one footnote, shared by show, path, facts, timeline
and coverage, so a reader who quotes any of them has the same title, publisher, date and URL to cite."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from rich.console import RenderableType
from rich.text import Text

from ipkb.render.layout import Hanging
from ipkb.render.text import marks, our_note_on
from ipkb.text import has_readings

if TYPE_CHECKING:
    from ipkb.shapes import Citation, Source


class Provenance(NamedTuple):
    """What a reader must know of the quotes taken from one source before copying them."""

    notes: frozenset[str] = frozenset()  # the research notes some of its quotes were read from
    always: bool = False  # whether all were
    readings: bool = False  # a quote keeps pinyin readings the page inserted after characters (產(chǎn))


PLAIN = Provenance()  # nothing to say
READINGS = " · its page inserts pinyin after some characters (產(chǎn)): drop it when quoting"


def source_text(source: Source, via: Provenance = PLAIN) -> Text:
    """`“title”, publisher, date (URL)  id · kind · our copy: file`: what a reader cites comes first, the URL
    they can open; the file of our copy of its text (seeds/...) only after it, or in its place when the source
    has no URL (a research note). Says what its words are when that is not plain (a machine translation, a
    page that inserts pinyin into its characters), and where the quotes were read when that was a research
    note."""
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
    if said := language_note(source.get("language")):
        text.append(f" · {said}", style="yellow")
    if via.readings:
        text.append(READINGS, style="yellow")
    if via.notes:
        which = "quotes" if via.always else "some quotes"
        where = ", ".join(sorted(via.notes))
        text.append(
            f" · {which} taken from our research notes ({where}), not checked in this source's text", style="yellow"
        )
    return text


# The languages other than English and Chinese that sources are written in, by their code (ISO 639-1), for people.
LANGUAGES = {
    "ar": "Arabic",
    "de": "German",
    "es": "Spanish",
    "fr": "French",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "pt": "Portuguese",
    "ru": "Russian",
    "th": "Thai",
    "vi": "Vietnamese",
}
READ_AS_WRITTEN = ("en", "zh")  # a reader of the KB reads these: only a note on them (a translation) is worth saying


def language_note(language: str | None) -> str:
    """What a footnote says of a source's language: nothing for plain English or Chinese (`en`, `zh`); their note
    when they have one (`en (machine translation of a Chinese article)`: its words are not the outlet's); and any
    other language always, by name (`ja`: `in Japanese`, or its code when it has none here): its quotes are
    neither the reader's language nor, on China's IP system, the words of the Chinese original."""
    if not language:
        return ""
    code, _, rest = language.partition(" ")
    if code in READ_AS_WRITTEN:
        return language if "(" in language else ""
    name = LANGUAGES.get(code)
    return f"in {name}{' ' + rest if rest else ''}" if name else f"language: {language}"


def source_footnote(number: int, source: Source, via: Provenance = PLAIN) -> Hanging:
    """`[n] ` and the source (`source_text`), wrapped under its number."""
    return Hanging(f" [{number}] ", source_text(source, via))


def vias_of(cites: Iterable[Citation]) -> dict[str, Provenance]:
    """source id -> what `source_footnote` says of its quotes among `cites`: the research notes some were read
    from and whether all were, and whether one keeps pinyin readings its page inserted (sources with
    nothing to say are left out)."""
    read: dict[str, list[str | None]] = {}
    readings: set[str] = set()
    for cite in cites:
        read.setdefault(cite["source"], []).append(cite.get("via"))
        if has_readings(cite.get("quote") or ""):
            readings.add(cite["source"])
    return {
        source: Provenance(frozenset(v for v in vias if v), any(vias) and all(vias), source in readings)
        for source, vias in read.items()
        if any(vias) or source in readings
    }


class SourceNotes:
    """Sources numbered [1], [2], ... in the order a table cites them, listed under it: each as `show` lists
    it (`source_footnote`) when `sources` (id -> source) has it, else (or `by_id`, as coverage lists them) by its
    id, with its language when `sources` knows it is not plain English or Chinese; with `quotes`, followed by
    the words quoted from it. A column of numbers stays narrow where source ids (up to 40 characters) would
    push the table into records."""

    def __init__(self, sources: Mapping[str, Source] | None = None, quotes: bool = True, by_id: bool = False) -> None:
        self.sources, self.quotes, self.by_id = sources or {}, quotes, by_id
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
        vias = vias_of(self.cited)
        for source_id, n in self.numbers.items():
            source, said = self.sources.get(source_id), vias.get(source_id, PLAIN)
            # with its quotes, each read from a research note says so itself
            if source and not self.by_id:
                text = source_text(source, said._replace(notes=frozenset()) if self.quotes else said)
            else:
                text = Text(source_id)
                if source and (language := language_note(source.get("language"))):
                    text.append(f" · {language}", style="yellow")
                if said.readings:
                    text.append(READINGS, style="yellow")
            for i, (quote, via) in enumerate(self.quoted[source_id] if self.quotes else []):
                text.append(": " if i == 0 else " · ")
                if via:
                    text.append(our_note_on(via, f"[{n}]"), style="yellow")
                text.append(f"\u201c{quote}\u201d")
            out.append(Hanging(f" [{n}] ", text))
        return out
