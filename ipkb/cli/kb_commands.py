"""Commands about the knowledge base itself: validate, verify, build, stats, coverage."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ipkb.cli import OPTIONS, cited_sources, emit, emit_json, kb_path, open_store, store_kb_path
from ipkb.cli.app import JsonOption, app
from ipkb.errors import ExitCode, InvalidKnowledgeBase, UsageError
from ipkb.text import counted

if TYPE_CHECKING:
    from ipkb.shapes import Built, Validation, Verification


@app.command()
def stats(as_json: JsonOption = False) -> None:
    """Counts by type and relation, citation coverage, and claimed totals beside listed members.

    \b
    e.g. ipkb stats
         ipkb stats --json
    """
    from ipkb.read import views_analysis

    store = open_store()
    view = views_analysis.stats(store)
    if as_json:
        return emit_json(view)
    from ipkb.render import analysis as render_analysis

    if not view["entities"]:
        return emit(render_analysis.empty_kb(kb_path(note=False)))
    # the claimed totals' sources, listed by id: what else their footnotes say (a language other than en or zh)
    emit(
        render_analysis.stats(
            view, cited_sources(store, (c["source"] for t in view["claimed_totals"] for c in t["sources"]))
        )
    )


@app.command()
def validate(
    texts: Annotated[
        Optional[list[Path]],
        typer.Option("--texts", help="Also check quotes against the source texts in this folder (repeatable)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Every problem in the KB with file:line; exit 1 if there is any error.

    \b
    e.g. ipkb validate
         ipkb --kb ./my-kb validate --json
    """
    from ipkb.build.validate import validate_folder

    _check_folders(texts or [])
    schema, knowledge, problems = validate_folder(Path(kb_path()))
    if texts:
        from ipkb.build.verify import verify_quotes

        problems += verify_quotes(knowledge, list(texts)).problems
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    if as_json:
        validation: Validation = {
            "ok": not errors,
            "errors": [p.as_dict() for p in errors],
            "warnings": [p.as_dict() for p in warnings],
        }
        emit_json(validation)
    else:
        from ipkb.render import queries as render

        if problems:
            emit(render.problems(problems))
        from ipkb.render.text import entities_and_sources

        sources = sum(e.type in schema.roles.sources for e in knowledge.entities.values())
        typer.echo(
            f"{counted(len(errors), 'error')}, {counted(len(warnings), 'warning')} in "
            f"{entities_and_sources(len(knowledge.entities), sources)}, "
            f"{counted(len(knowledge.relations), 'relation')}, {counted(len(knowledge.facts), 'fact')}"
        )
    if errors:
        raise typer.Exit(ExitCode.DATA)


@app.command()
def verify(
    texts: Annotated[Optional[list[Path]], typer.Option("--texts", help="Folder of source texts (repeatable).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Check quotes word for word against the texts in these folders: the source's or its research note's.

    Quotes whose source has no text there are counted as not checkable here.

    \b
    e.g. ipkb verify --texts ../shared
    """
    from ipkb.build.validate import validate_folder
    from ipkb.build.verify import verify_quotes

    if not texts:  # the texts are not in the repository: say where they are, not only that one is missing
        raise UsageError(
            "verify needs --texts FOLDER: the folder that holds the source texts (seeds/) and our research notes"
            " (research/)",
            hint="they are not in this repository; in the project they sit beside it: ipkb verify --texts ../shared",
        )
    _check_folders(texts)
    _, knowledge, problems = validate_folder(Path(kb_path()))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InvalidKnowledgeBase(problems)
    report = verify_quotes(knowledge, texts)
    if report.checked == 0:  # a wrong folder would otherwise "pass" with nothing checked
        raise UsageError(
            f"no source text found under {', '.join(str(t) for t in texts)}",
            hint="point --texts at the folder that holds seeds/ and research/ (e.g. ../shared)",
        )
    if as_json:
        verification: Verification = {
            "ok": not report.problems,
            "total": report.total,
            "checked": report.checked,
            "checked_in_source_texts": report.checked - report.checked_via,
            "checked_in_research_notes": report.checked_via,
            "found": report.found,
            "no_text": report.no_text,
            "found_in_research_notes": report.via,
            "errors": [p.as_dict() for p in report.problems],
        }
        emit_json(verification)
    else:
        from ipkb.render import queries as render

        if report.problems:
            emit(render.problems(report.problems))
        typer.echo(
            f"{report.total} quotes in all: {report.checked - report.checked_via} checked against their sources' own "
            f"texts, {report.checked_via} against the research notes they were read in (via), "
            f"{report.no_text} not checkable here (no text of their source in these folders)"
        )
        missing = report.checked - report.found
        typer.echo(
            f"all {report.checked} checked quotes found"
            if not missing
            else f"{report.found} of {report.checked} checked quotes found; {missing} not found (above)"
        )
    if report.problems:
        raise typer.Exit(ExitCode.DATA)


def _check_folders(texts: list[Path]) -> None:
    for folder in texts:
        if not folder.is_dir():
            raise UsageError(
                f"--texts {folder}: no such folder",
                hint="the texts quotes are checked in (seeds/, research/) are kept apart from the KB, not in a clone "
                "of it: give the folder that holds them",
            )


@app.command()
def build(
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Read every file again, not only the changed ones (e.g. after upgrading pypinyin, whose "
            "readings of unchanged names a rebuild keeps).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Compile the KB into its SQLite database now, and say where it is.

    Queries build it themselves whenever a YAML file changed; this is for doing it ahead of time.

    \b
    e.g. ipkb build
         ipkb build --full
         ipkb --kb ./my-kb --db ./my-kb.sqlite build
    """
    from ipkb.build.store import READ, is_fresh
    from ipkb.build.store import build as build_store
    from ipkb.paths import resolve_db

    kb = store_kb_path()
    db = resolve_db(OPTIONS.db, kb)
    up_to_date = not full and is_fresh(kb, db)  # the build rewrites its meta either way: ask first
    problems = build_store(kb, db, full=full)
    warnings = [p for p in problems if p.severity == "warning"]
    read, files = READ.get(db, (0, 0))
    if as_json:
        built: Built = {
            "ok": True,
            "database": str(db),
            "kb": str(kb),
            "up_to_date": up_to_date,
            "files_read": read,
            "warnings": [p.as_dict() for p in warnings],
        }
        emit_json(built)
        return
    warned = f"{counted(len(warnings), 'warning')}: `ipkb validate` lists them" if warnings else "no warnings"
    if up_to_date:
        said = f"already up to date: {db}\n  from {kb}\n  no file changed since the last build; {warned}"
    elif read == files:
        said = f"built {db}\n  from {kb}\n  read all {counted(files, 'record file')}; {warned}"
    else:
        said = f"rebuilt {db}\n  from {kb}\n  read the {read} changed of {files} record files; {warned}"
    typer.echo(said)
