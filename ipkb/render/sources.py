"""A cited source as every command lists it under its table: one footnote, shared by show, path, facts, timeline
and coverage, so a reader who quotes any of them has the same title, publisher, date and URL to cite."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.text import Text

from ipkb.render.layout import Hanging

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
