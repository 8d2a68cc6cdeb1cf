"""Commands for analysts: coverage, facts, timeline, diff."""

from typing import Annotated, Optional

import typer

from ipkb.cli import check_types, emit, emit_json, kb_path, open_store, output, resolve_all
from ipkb.cli.app import AsOfOption, JsonOption, app
from ipkb.errors import IpkbError


@app.command()
def coverage(as_json: JsonOption = False) -> None:
    """How complete the KB is: claimed totals beside listed members, missing Chinese names, unquoted claims."""
    from ipkb import views

    report = views.coverage_report(open_store())
    output(report, as_json, "coverage_report")


@app.command()
def facts(
    metric: Annotated[Optional[str], typer.Argument(help="A metric; leave out to list the metrics.")] = None,
    types: Annotated[Optional[list[str]], typer.Option("--type", help="Only entities of this type.")] = None,
    within: Annotated[Optional[str], typer.Option("--in", help="Only entities located within PLACE.")] = None,
    period: Annotated[Optional[str], typer.Option("--period", help="Only periods starting with P, e.g. 2014.")] = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compare one metric across entities (value, unit, period, target or actual, source)."""
    from ipkb import views

    if period is not None:
        from ipkb.timeframe import check_period_prefix

        check_period_prefix(period)
    store = open_store(as_of)
    if metric is None:
        overview = views.metrics_overview(store)
        output(overview, as_json, "metrics")
        return
    known = store.metrics()
    if metric not in known:
        import difflib

        close = difflib.get_close_matches(metric, list(known), n=3, cutoff=0.5)
        raise IpkbError(
            f"unknown metric {metric!r}",
            hint=f"did you mean: {', '.join(close)}" if close else "`ipkb facts` lists the metrics",
        )
    check_types(store, types)
    inside = None
    if within:
        from ipkb.traverse import contained_in

        place = resolve_all(store, within)[0]
        inside = contained_in(store, place) | {place}
    rows = views.compare_metric(store, metric, types, inside, period)
    if as_json:
        emit_json(rows)
    else:
        from ipkb import render

        emit(render.metric_table(metric, rows))


@app.command()
def timeline(
    entity: Annotated[Optional[str], typer.Argument(help="Only events of this entity.")] = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """Dated events in order: designations, approvals, foundings, totals reported; each cited."""
    from ipkb import views

    store = open_store(as_of)
    entity_id = resolve_all(store, entity)[0] if entity else None
    events = views.timeline(store, entity_id)
    output(events, as_json, "timeline")


@app.command()
def diff(
    old: Annotated[str, typer.Argument(metavar="REV1", help="A git revision of the KB (commit, tag, HEAD~1).")],
    new: Annotated[
        Optional[str], typer.Argument(metavar="REV2", help="Another revision (default: the working tree).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """What changed between two revisions of the KB, as entities, relations, facts and citations."""
    from ipkb.diff import WORKTREE, diff_revisions

    report = diff_revisions(kb_path(), old, new or WORKTREE)
    output(report, as_json, "diff")
