"""Rich renderables for the graph queries (path, list, search) and the KB's problems. The layout
pieces are in layout.py, `show` in show.py, the analysis commands in analysis.py; rich.tree
loads only in the function that uses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from ipkb.render.layout import Grid
from ipkb.render.layout import console as console  # the CLI's console, re-exported
from ipkb.render.layout import print_to as print_to
from ipkb.render.text import as_of_text
from ipkb.text import counted

if TYPE_CHECKING:
    from ipkb.model import Problem


def as_of_line(day: str, figures: bool = False) -> Text:
    """The dim line above an answer given --as-of (show draws it under its box)."""
    return Text(as_of_text(day, figures), style="dim")


def designation_title(ref: Mapping[str, object]) -> Text:
    """`Holders of National IP Demonstration City 国家知识产权示范城市 (national-ip-demonstration-city)`: the
    designation `list --designation` took its words to name, above its holders (its name on --as-of's day)."""
    title = Text("Holders of ")
    title.append(str(ref.get("name_then") or ref["name"]), style="bold")
    zh = ref.get("zh_then") or ref.get("zh")
    return title.append(f"{' ' + str(zh) if zh else ''} ({ref['id']})")


def entity_table(
    rows: Sequence[Mapping[str, object]],
    extra_columns: Iterable[str] = (),
    columns: list[str] | None = None,
    total: int | None = None,
    cap: int = 0,
) -> RenderableType:
    """Entities as a table: id, type, name, zh and `extra_columns`; or exactly `columns` (list --columns). The
    places a row lies in (`in`, list --in) are shown by name, under `located in`. Under it `20 entities`, or
    with a larger `total` (a search cut by --limit) `20 of 23 entities` (of more than `cap`, past it). A column
    asked for by name is shown even when none of the rows has a value in it."""
    if not rows:
        return Text("no entities", style="dim")
    asked = columns is not None
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
        kept=range(len(columns)) if asked else (),  # a column asked for by name is shown, empty or not
    )
    for row in rows:
        table.add_row(*[v if type(v := row.get(c)) is str else cell(v) for c in columns])  # most values: text
    count = counted(len(rows), "entity")
    if total is not None and total > len(rows):
        count = f"{len(rows)} of {f'more than {cap:,}' if cap and total > cap else f'{total:,}'} entities"
    return Group(table, Text(count, style="dim"))


def cell(value: object) -> str:
    """A list cell as text: None is empty; places (`in`) by name, `; `-joined, one only inferred so marked."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_named(v) if isinstance(v, dict) else str(v) for v in value)
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


def _named(place: Mapping[str, object]) -> str:
    return f"{place['name']} (inferred)" if place.get("inferred") else str(place["name"])
