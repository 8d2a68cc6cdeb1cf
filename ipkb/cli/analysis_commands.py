"""Commands for analysts: coverage, facts, timeline, diff."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from ipkb.cli import cited_sources, complete, emit, emit_as_of, emit_json, emit_undated_figures, kb_path, open_kb
from ipkb.cli.app import AsOfOption, JsonOption, TypesOption, app, entity_argument
from ipkb.errors import UsageError


@app.command()
def coverage(as_of: AsOfOption = None, as_json: JsonOption = False) -> None:
    """How complete the KB is: claimed totals beside listed members, missing Chinese names, unquoted claims.

    Under --as-of, the claimed totals known on that day, each beside the members listed then.

    \b
    e.g. ipkb coverage
         ipkb coverage --as-of 2021
         ipkb coverage --json | jq '.claimed_totals[] | select(.missing > 0)'
    """
    from ipkb.read import views_analysis

    kb = open_kb(as_of)
    store = kb.store
    report = views_analysis.coverage_report(store)
    if as_json:
        return emit_json(report)
    from ipkb.render import analysis as render_analysis

    emit_as_of(kb, figures=True)

    emit(
        render_analysis.coverage_report(
            report, cited_sources(store, [c["source"] for claim in report["claimed_totals"] for c in claim["sources"]])
        )
        if store.tallies()["entities"]
        else render_analysis.empty_kb(kb_path(note=False))
    )


@app.command()
def facts(
    metric: Annotated[
        Optional[str],
        typer.Argument(
            help="A metric, by id or as shown (spaces for underscores); leave out to list the metrics.",
            autocompletion=complete.metrics,
        ),
    ] = None,
    types: TypesOption = None,
    within: Annotated[
        Optional[str], typer.Option("--in", help="Only this entity and what lies within it (then METRIC is optional).")
    ] = None,
    period: Annotated[
        Optional[str],
        typer.Option(
            "--period",
            help="Only figures whose period begins with this date or period, written as the KB writes them: YYYY, "
            "YYYY-MM, YYYY-MM-DD or START/END (2014 matches 2014-05 and 2014/2016 too; a part of a year, 20 or "
            "201, is refused).",
            metavar="PERIOD",
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compare one metric across entities (value, unit, period, target or actual, source).

    \b
    e.g. ipkb facts invention_patents_per_10k_people --in zhejiang
         ipkb facts --in huzhou --period 2014

    Without METRIC, but with --in, --type or --period: every figure of those entities. With nothing: the
    metrics, with how many facts each has.
    """
    from ipkb.read import views_analysis

    if period is not None:
        from ipkb.timeframe import check_period_prefix

        check_period_prefix(period)
    kb = open_kb(as_of)
    store = kb.store
    if metric is None and within is None and not types and period is None:
        overview = views_analysis.metrics_overview(store)
        if as_json:
            return emit_json(overview)
        from ipkb.render import analysis as render_analysis

        return emit(render_analysis.metrics(overview))
    if metric is not None:
        metric = _metric_id(metric, list(store.metrics()))
    types = kb.check_types(types)
    inside = None
    if within is not None:
        from ipkb.read.traverse import contained_in

        place = kb.resolve_as(within, "--in", "an entity")
        inside = contained_in(store, place) | {place}
    rows = views_analysis.compare_metric(store, metric, types, inside, period)
    undated = len(views_analysis.compare_metric(store, metric, types, inside, period, "undated"))
    if as_json:
        emit_json(rows)
        emit_undated_figures(undated)
    else:
        from ipkb.render import analysis as render_analysis

        emit_as_of(kb, figures=True)
        emit(
            render_analysis.metric_table(
                metric, rows, cited_sources(store, [c["source"] for r in rows for c in r["sources"]])
            )
        )
        emit_undated_figures(undated)


def _metric_id(typed: str, known: list[str]) -> str:
    """A metric as typed: its id, or its name as tables show it (`invention patents per 10k people`)."""
    candidate = "_".join(typed.replace("-", " ").split()).casefold()
    if candidate in known:
        return candidate
    from ipkb.suggest import did_you_mean

    hint = did_you_mean(typed, known, limit=3)
    raise UsageError(f"unknown metric {typed!r}", hint=hint or "`ipkb facts` lists the metrics")


@app.command()
def timeline(
    entity: Annotated[Optional[str], entity_argument("Only events of this entity.")] = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """Dated events in order: designations, approvals, foundings, totals reported; each cited.

    \b
    e.g. ipkb timeline national-center
         ipkb timeline --as-of 2020
    """
    from ipkb.read import views_analysis

    kb = open_kb(as_of)
    entity_id = kb.resolve(entity)[0] if entity is not None else None
    events = views_analysis.timeline(kb.store, entity_id)
    if as_json:
        return emit_json(events)
    from ipkb.render import analysis as render_analysis

    cited = cited_sources(kb.store, [c["source"] for e in events for c in e["sources"]])
    emit_as_of(kb, figures=True)  # later events and figures are left out, as facts says
    facts, relations = (
        f(kb.store, entity_id) for f in (views_analysis.facts_left_out, views_analysis.relations_left_out)
    )
    emit(render_analysis.timeline(events, cited, facts, relations, entity_id))


@app.command()
def diff(
    old: Annotated[str, typer.Argument(metavar="REV1", help="A git revision of the KB (commit, tag, HEAD~1).")],
    new: Annotated[
        Optional[str], typer.Argument(metavar="REV2", help="Another revision (default: the working tree).")
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Every changed text and quote whole, each citation on its own line.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """What changed between two revisions of the KB: records added, removed, or changed field by field.

    A changed entity, relation or fact is followed by the fields that changed, notes and citations too; long
    texts are shortened around where they differ (--full prints them whole).

    \b
    e.g. ipkb diff HEAD~1
         ipkb diff HEAD~1 --full
         ipkb diff v0.1 main --json
    """
    from ipkb.read.diff import WORKTREE, diff_revisions

    report = diff_revisions(Path(kb_path()), old, new or WORKTREE)
    if as_json:
        return emit_json(report)
    from ipkb.render.diff import diff as render_diff

    emit(render_diff(report, full))
