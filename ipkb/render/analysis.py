"""Rich renderables for the analysis commands: stats, coverage, metrics and facts, timeline (diff: diff.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from ipkb.figures import figure_parts, figure_text, format_value, percent
from ipkb.qualifiers import qualifiers_text
from ipkb.render.layout import Grid, Notes
from ipkb.render.sources import SourceNotes
from ipkb.render.text import entities_and_sources, listed_by_then, listed_legend, marks
from ipkb.text import counted

if TYPE_CHECKING:
    from ipkb.shapes import (
        ClaimedTotal,
        CoverageReport,
        EntityFact,
        MetricOverview,
        Source,
        Stats,
        StatsClaim,
        TimelineEvent,
    )


def stats(view: Stats, cited: Mapping[str, Source] | None = None) -> RenderableType:
    # the headline counts the things the KB is about apart from the sources it cites (JSON's `entities` is both)
    summary = Text(
        f"{entities_and_sources(view['entities'], view['sources'])} · "
        f"{counted(view['relations'], 'relation')} · {counted(view['facts'], 'fact')} · "
        f"{counted(view['warnings'], 'warning')}"
    )
    parts: list[RenderableType] = [summary]
    for heading, counts in (("entity type", view["by_type"]), ("relation type", view["by_relation"])):
        if counts:  # an empty table would print only blank lines
            table = Grid(heading, "count")
            for key, value in counts.items():
                table.add_row(key, str(value))
            parts += [Text(""), table]
    cites = Grid("", "total", "with source", "with quote", "quoted from the source itself")
    for key, c in (("relations", view["citations"]["relations"]), ("facts", view["citations"]["facts"])):
        cites.add_row(
            key,
            str(c["total"]),
            share_of(c["with_source"], c["total"]),
            share_of(c["with_quote"], c["total"]),
            share_of(c["with_quote_from_source_text"], c["total"]),
        )
    note = "the rest are quoted from our research notes' record of the source (via), not its own text"
    parts += [Text(""), cites, Text(note, style="dim"), on_research_notes(view)]
    if view["claimed_totals"]:
        parts += [Text(""), coverage(view["claimed_totals"], cited)]
    return Group(*parts)


def on_research_notes(view: Stats) -> Text:
    """`resting only on our research notes, no published source: 41 relations (3%), 7 facts (3%)`: the claims
    no source but our own research notes backs, which the table counts as quoted from "the source itself"."""
    kinds = (("relation", view["citations"]["relations"]), ("fact", view["citations"]["facts"]))
    counts = [(kind, c["resting_only_on_research_notes"], c["total"]) for kind, c in kinds]
    said = ", ".join(counted(n, kind) + (f" ({percent(n, total)})" if total else "") for kind, n, total in counts)
    if not any(n for _, n, _ in counts):
        return Text(f"resting only on our research notes: {said}", style="dim")
    return Text(
        f"resting only on our research notes, no published source: {said}; the table counts a note as a source",
        style="yellow",
    )


def share_of(count: int, total: int) -> str:
    """`12 (75%)`, `236 (99.6%)`; `–` where there is nothing to take a share of (a share of no claims is not
    100%)."""
    return f"{count} ({percent(count, total)})" if total else "–"


def empty_kb(folder: object) -> Text:
    """What `stats` and `coverage` say of a KB with no entities, rather than tables of nothing."""
    return Text(f"the KB holds no entities yet (KB folder: {folder})")


INFERRED = "; `inferred`: a total no source states as such, which the KB works out (`ipkb show` gives its note)"


def coverage(claims: Sequence[StatsClaim], cited: Mapping[str, Source] | None = None) -> RenderableType:
    """Each claimed total beside the members the KB lists, with the sources the claim rests on (numbered,
    listed under the table by id with the words quoted, and a language other than English or Chinese when
    `cited`, id -> source, knows it) and `inferred` where it is. The claims of one entity and
    metric sit under a heading naming both: an id can be 65 characters, too long for a column at 80."""
    table = Grid(
        "period",
        "scope",
        "claimed",
        "listed by then",
        "source",
        title="Claimed totals: "
        + listed_legend([(c["listed"], c["undated"], c["claimed"]) for c in claims])
        + (INFERRED if any(c["confidence"] == "inferred" for c in claims) else ""),
        justify=("left", "left", "right", "right", "left"),
    )
    sources = SourceNotes(cited, by_id=True)
    group: tuple[str, str] | None = None
    for c in claims:
        if group != (c["entity"]["id"], c["metric"]):
            group = (c["entity"]["id"], c["metric"])
            heading = Text(c["entity"]["name"], style="bold")
            heading.append(f" ({c['entity']['id']}) · {c['metric'].replace('_', ' ')}")
            table.add_section(heading)
        scope = qualifiers_text(c["scope"]).replace(" · ", ", ")
        table.add_row(
            c["period"] or "",
            scope,
            format_value(c["claimed"]),
            listed_by_then(c["listed"], c["undated"], c["claimed"]),
            sources.mark(c["sources"]) + (" inferred" if c["confidence"] == "inferred" else ""),
        )
    footnotes = sources.lines()
    return Group(table, *footnotes) if footnotes else table


def coverage_report(report: CoverageReport, cited: Mapping[str, Source] | None = None) -> RenderableType:
    inferred = report["facts_inferred"]
    count, total = inferred["count"], inferred["of"]
    marked = f"{count} of {total} ({percent(count, total)})" if total else "– (no facts)"
    lines = [
        coverage(report["claimed_totals"], cited) if report["claimed_totals"] else Text("claimed totals: none"),
        Text(""),
        Text(f"entities without a Chinese name: {len(report['entities_without_chinese_name'])}"),
        Text(f"relations without a quote: {len(report['relations_without_quote'])}"),
        Text(f"facts without a quote: {len(report['facts_without_quote'])}"),
        Text(
            f"sources cited once only: {len(report['sources_cited_once'])}; "
            f"never cited: {len(report['sources_never_cited'])}"
        ),
        Text(f"facts marked inferred: {marked}"),
        Text("`ipkb coverage --json` lists each of them", style="dim"),
    ]
    return Group(*lines)


def metrics(overview: list[MetricOverview]) -> RenderableType:
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


def metric_table(
    metric: str | None, rows: list[EntityFact], cited: Mapping[str, Source] | None = None
) -> RenderableType:
    """One metric's figures, titled by it, an entity a row; or (metric None) every figure, each entity's under
    a heading that names it, a metric a row. A metric's name stays on one line while any other column can
    still narrow. The sources are numbered and listed under the table as `show` lists them (`cited`: id -> source)."""
    if not rows:
        return Text(f"no facts for {metric}" if metric else "no facts", style="dim")
    columns = ("value", "unit", "period", "kind", "source")
    table = Grid(
        *(("entity", *columns) if metric else ("metric", *columns)),
        title=metric.replace("_", " ") if metric else None,
        justify=("left", "right"),
        # one metric: never the value ("more than 3,500" is one figure); every metric: its names narrow last,
        # and a bounded figure may wrap between its words first
        flexible=(0, 2, 3, 4, 5) if metric else None,
        last=() if metric else (0,),
        hyphenated=(0,) if metric else (),  # `Name (an-entity-id)`: the id breaks after a hyphen, not as records
    )
    if not metric:  # each entity's figures together, in the order of their periods
        first = {entity: n for n, entity in enumerate(dict.fromkeys(r["entity"]["id"] for r in rows))}
        rows = sorted(rows, key=lambda r: first[r["entity"]["id"]])
    notes, sources = Notes(), SourceNotes(cited, quotes=False)
    entity = None
    for r in rows:
        kind = " · ".join(
            f for f in (r["kind"], "inferred" if r["confidence"] == "inferred" else "", notes.mark(r["note"])) if f
        )
        scope = qualifiers_text(r["scope"])
        name = f"{r['entity']['name']} ({r['entity']['id']})"
        if not metric and entity != r["entity"]["id"]:
            entity = r["entity"]["id"]
            table.add_section(Text.assemble((r["entity"]["name"], "bold"), f" ({entity})"))
        table.add_row(
            name if metric else r["metric"].replace("_", " "),
            *figure_parts(r["value"], r["bound"], r["unit"]),
            (r["period"] or "") + (f" · {scope}" if scope else ""),
            kind,
            sources.mark(r["sources"]),
        )
    if not notes.texts:
        return Group(table, *sources.lines())
    return Group(table, *sources.lines(), Text(""), Text("Notes", style="italic"), *notes.lines())


def timeline(
    events: list[TimelineEvent],
    cited: Mapping[str, Source] | None = None,
    left_out: int = 0,
    undated_relations: int = 0,
    entity_id: str | None = None,
) -> RenderableType:
    """The events a line each with their caveats as `show` gives them (`inferred`, and the note's letter, the
    notes listed under the table: "more than 3,500", a rank's ambiguity), their sources numbered and listed
    under the table as `show` lists them (`cited`: id -> source). A figure with no period
    stands at its source's date, and says so; `left_out`: how many figures nothing dates, and
    `undated_relations` how many relations, said under it (of `entity_id`, when the timeline is one entity's)."""
    entity = entity_id or "ENTITY"
    said = [
        (left_out, f"{counted(left_out, 'fact')} left out: no period, and no dated source (`ipkb facts --in {entity}`"),
        (undated_relations, f"{counted(undated_relations, 'relation')} left out: no date (`ipkb show {entity}`"),
    ]
    tail = [Text(f"{text} lists them)", style="dim") for n, text in said if n]
    if not events:
        return Group(Text("no dated events", style="dim"), *tail)
    table = Grid("date", "event", "source")
    notes, sources = Notes(), SourceNotes(cited, quotes=False)
    for e in events:
        text = Text(e["subject"]["name"], style="bold")
        if e["kind"] == "relation":
            event = e["event"]
            marker = next((m for m in (" (seen)", " (ended)") if event.endswith(m)), "")
            if marker:  # `(seen) Gan Shaoning holds role at CNIPA`, not `holds role at (seen) CNIPA`
                text, event = Text.assemble((f"{marker.strip()} ", "yellow"), text), event[: -len(marker)]
            text.append(f" {event} ")
            text.append(e["object"]["name"] if e["object"] else "", style="bold")
            details = qualifiers_text({k: v for k, v in e["qualifiers"].items() if k not in ("date", "year", "since")})
            if details:
                text.append(f" · {details}", style="yellow")
        elif e["kind"] == "fact":
            label = e["event"].replace("_", " ")
            text.append(f" {label}: {figure_text(e['value'], e.get('bound'), e['unit'], e['event'])}")
            target = "target" if e["fact_kind"] == "target" else ""
            if e.get("dated_by") == "stated":  # no period: the day a source stated it, not the day it is for
                text.append(f" ({target + ' ' if target else ''}stated then, no period given)", style="yellow")
            elif target:
                text.append(" (target)", style="yellow")
            scope = qualifiers_text(e["qualifiers"])  # what it counts (batch 2, industry, cumulative), as facts says
            if scope:
                text.append(f" · {scope}", style="yellow")
        else:
            text.append(f" {e['event']}")
        caveats = " · ".join(
            c for c in ("inferred" if e["confidence"] == "inferred" else "", notes.mark(e["note"])) if c
        )
        if caveats:
            text.append(f" · {caveats}", style="yellow")
        table.add_row(e["date"], text, sources.mark(e["sources"]))
    order = [Text(legend, style="dim")] if (legend := order_legend(events)) else []
    if not notes.texts:
        return Group(table, *order, *sources.lines(), *tail)
    return Group(table, *order, *sources.lines(), Text(""), Text("Notes", style="italic"), *notes.lines(), *tail)


def order_legend(events: Sequence[TimelineEvent]) -> str | None:
    """The rule that orders a timeline, said under it when a reader would otherwise take it for a slip: when a
    row dated by a year or month shares the table with rows dated within that period (2020-04 after
    2020-04-08, 2024 before 2024-03-14). A figure stands at its period's end, when its count holds; a relation
    or an attribute at its start (docs/analysis.md). None when no date of the table holds another."""
    dates = {e["date"] for e in events}
    coarse = {d for d in dates if any(other != d and other.startswith(d + "-") for other in dates)}
    kinds = {e["kind"] == "fact" and e.get("dated_by") != "stated" for e in events if e["date"] in coarse}
    if kinds == {True}:
        return "order: a year or month places a figure at its end, when its count holds"
    if kinds == {False}:
        return "order: a year or month places a relation or attribute at its start"
    both = (
        "order: a year or month places a figure at its end (when its count holds), a relation or attribute at its start"
    )
    return both if kinds else None


def completeness(
    claims: Sequence[ClaimedTotal],
    numbers: dict[str, int] | None = None,
    cited: Mapping[str, Source] | None = None,
    within: str | None = None,
) -> list[RenderableType]:
    """`15 to 23 of 99`: how much of each claimed roster the KB can name by its period (render.text.listed_by_then),
    each claim's sources marked by the `numbers` of the answer it stands in (show's); without them numbered
    here and listed under the table with the words quoted, as coverage lists them (`cited`: id -> source).
    `within`: the place a list above was narrowed to, which the rosters' counts are not."""
    notes = SourceNotes(cited) if numbers is None else None
    table = Grid(
        "members",
        "period",
        "listed",
        "of",
        "claimed",
        "source",
        title="How complete the lists are"
        + (f" (everywhere, not only in {within})" if within else "")
        + ": "
        + listed_legend([(c["listed"], c["undated"], c["claimed"]) for c in claims]),
        record_headers=("members", "period", "listed", None, "claimed", "source"),  # `of` joins two numbers
    )
    table.justify = ["left", "left", "right", "left", "right", "left"]
    for claim in claims:
        scope = qualifiers_text(claim["scope"])
        listed = listed_by_then(claim["listed"], claim["undated"], claim["claimed"])
        what = claim["metric"].replace("_", " ") + (f" · {scope}" if scope else "")
        if claim.get("confidence") == "inferred":
            what += " · inferred"
        said = notes.mark(claim["sources"]) if notes is not None else marks(claim["sources"], numbers or {})
        table.add_row(what, claim["period"] or "", listed, "of", format_value(claim["claimed"]), said)
    return [table, *(notes.lines() if notes else [])]
