"""The `ipkb` command line: parse options, call the core, render. Heavy modules load inside commands.

This package's `__init__` imports no typer: Python runs it before any submodule, and typer (with its
vendored click) costs about 0.1 s to import, most of a query's time. It holds the typer-free helpers, the
one error renderer and `main()`. `main()` first offers the arguments to the fast dispatcher (fast.py),
which runs the read-only queries without typer when it understands every argument; anything else goes
to the typer app in app.py, the one authority on usage errors and help. The query commands (show, path,
search, list, neighbors) are declared once, in queries.py, and app.py builds their typer commands from those
declarations; it imports one module per other command group: analysis_commands.py (coverage, facts,
timeline, diff), kb_commands.py (validate, verify, build, stats), export_command.py.
"""

import gc
import os
import sys
from typing import TYPE_CHECKING, Any, Optional

from ipkb.errors import ExitCode, InvalidKnowledgeBase, IpkbError, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ipkb.api import KB
    from ipkb.read.query import Store
    from ipkb.shapes import Message, Source


class Options:
    """The global options (--kb, --db), set before any command runs."""

    kb: Optional[str] = None
    db: Optional[str] = None


OPTIONS = Options()


# -- helpers ------------------------------------------------------------------------------------------------
def kb_path(note: bool = True) -> str:
    """The chosen KB folder; a note on stderr if it has no entities/ folder, which a KB folder holds (with
    schema.yaml and relations/, as the error for a folder without schema.yaml says), unless `note` is False
    (the command has taken the path once already)."""
    from ipkb.paths import resolve_kb

    kb = resolve_kb(OPTIONS.kb)
    if note and not os.path.isdir(os.path.join(kb, "entities")):
        emit_note(f"note: {kb} has no entities/ folder: a KB folder holds schema.yaml, entities/ and relations/")
    return kb


def store_kb_path() -> str:
    """`kb_path()` for commands that compile the KB: the database records file names as UTF-8 text, so a
    folder whose name is not valid UTF-8 is a usage error here (validate and verify read it as it is)."""
    kb = kb_path()
    try:
        kb.encode("utf-8")
    except UnicodeEncodeError:
        shown = kb.encode("utf-8", "backslashreplace").decode("utf-8")
        raise UsageError(
            f"the KB folder name {shown} is not valid UTF-8",
            hint="rename the folder, or link to it from a UTF-8 path and pass that with --kb",
        ) from None
    return kb


def open_kb(as_of: str | None = None) -> "KB":
    """The chosen KB (--kb, --db), rebuilt first if any YAML file changed; seen as of a day if given."""
    from ipkb.api import open_kb as open_

    kb = open_(store_kb_path(), OPTIONS.db, as_of)
    if as_of is not None:
        import datetime as dt

        from ipkb.timeframe import period_start

        today = dt.date.today().isoformat()
        if (period_start(as_of) or "") > today:
            emit_note(f"warning: --as-of {as_of} is later than today ({today}): the KB knows the future only as plans")
    return kb


def emit_as_of(kb: "KB", figures: bool = False) -> None:
    """A dim line above an answer given --as-of, so that it does not pass for today's."""
    if kb.store.as_of is not None:
        from ipkb.render.queries import as_of_line

        emit(as_of_line(kb.store.as_of, figures))


def open_store(as_of: str | None = None) -> "Store":
    return open_kb(as_of).store


# From this many items in a document's longest list, orjson writes it: the same text as json's indenting
# encoder (pure Python) ten times as fast (0.36 s -> 0.035 s for 21,905 entities), but 30 ms to import.
ORJSON_FROM = 2000


def emit_json(document: Any) -> None:
    from ipkb.cli.edge import unicode_stdout

    sys.stdout.write(json_text(document, ascii_only=not unicode_stdout()) + "\n")


def json_text(document: Any, ascii_only: bool = False) -> str:
    """`document` as JSON indented by 2, as json.dumps writes it."""
    if isinstance(document, dict):
        longest = max((len(v) for v in document.values() if isinstance(v, list)), default=0)
    else:
        longest = len(document) if isinstance(document, list) else 0
    if not ascii_only and longest >= ORJSON_FROM:
        try:
            import orjson

            return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode()
        except (ImportError, TypeError):  # not installed here, or a value it refuses (an int past 64 bits)
            pass
    import json

    return json.dumps(document, ensure_ascii=ascii_only, indent=2)


def cited_sources(store: "Store", source_ids: "Iterable[str]") -> "dict[str, Source]":
    """Source id -> the source with its bibliographic fields, for the numbered sources under a table (listed as
    `show` lists them: title, publisher, date, URL, and a language other than English or Chinese)."""
    from ipkb.read.views import source_list

    return {s["id"]: s for s in source_list(store, list(source_ids))}


def emit_note(text: str) -> None:
    """A line for the reader under an answer (not part of it): on stderr, so pipes get the answer alone."""
    sys.stderr.write(text + "\n")


def emit_undated_figures(count: int, shown: str = "shown") -> None:
    """Under --as-of: how many figures nothing dates (no period, or a target, and no dated source), on stderr,
    whatever the output (a --json list, an export, has no place for it)."""
    if count:
        from ipkb.text import counted

        emit_note(f"{counted(count, 'figure')} without a date, not {shown}")


def emit(renderable: Any) -> None:
    from ipkb.render.queries import console, print_to

    print_to(console(), renderable)


# -- the one place errors are rendered ---------------------------------------------------------------------
def _render_error(error: IpkbError, as_json: bool) -> None:
    problems = error.problems if isinstance(error, InvalidKnowledgeBase) else []
    if as_json:
        errors: list[Message] = [p.as_dict() for p in problems if p.severity == "error"]
        if not errors:
            errors = [{"message": error.message}]
            if error.hint:
                errors[0]["hint"] = error.hint
        sys.stderr.write(json_text({"ok": False, "errors": errors}) + "\n")
        return
    lines = [
        f"{p.file}:{p.line}: {p.message}" + (f"\n    hint: {p.hint}" if p.hint else "")
        for p in problems
        if p.severity == "error"
    ]
    lines.append(f"error: {error.message}")
    if error.hint:
        lines.append(f"  {error.hint}")
    sys.stderr.write("\n".join(lines) + "\n")


def _typer(args: list[str], as_json: bool) -> None:
    """The typer app, which exits through SystemExit. Under --json its usage errors (a missing argument, a
    number out of range) become a UsageError, rendered like every other error: one JSON document on stderr.
    click meets a closed pipe by wrapping stdout in a PacifyFlushWrapper and exiting 1: that becomes the
    BrokenPipeError `main` answers on the fast path too."""
    from ipkb.cli.fast import COMPLETION_VARIABLE, misplaced_globals, misplaced_options

    def command_options() -> dict[str, dict[str, bool]]:
        from ipkb.cli.app import command_options

        return command_options()

    if COMPLETION_VARIABLE not in os.environ:  # click would say only "No such option: --kb" (or "--json")
        misplaced = misplaced_globals(args) or misplaced_options(args, command_options)
        if misplaced is not None:
            raise misplaced
    from ipkb.cli.app import app

    try:
        try:
            code = app(args=args, prog_name="ipkb", standalone_mode=False)
        except Exception as error:
            # click's errors (typer vendors click, so they are known by their shape, not their class)
            exit_code = getattr(error, "exit_code", None)
            if isinstance(exit_code, int) and hasattr(error, "format_message"):
                if as_json and exit_code == 2:
                    raise UsageError(error.format_message()) from error
                _show_click_error(error)
                sys.exit(exit_code)
            if type(error).__name__ == "Abort":  # end of input at a prompt
                sys.stderr.write("Aborted!\n")
                sys.exit(1)
            raise
    except SystemExit:
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":
            raise BrokenPipeError from None
        raise
    if isinstance(code, int) and code:
        sys.exit(code)


def _show_click_error(error: Any) -> None:
    """A click error as click shows it (the usage line, how to get help), but headed `error:` like every
    other error of ipkb (docs/errors.md), not click's `Error:`."""
    import io

    shown = io.StringIO()
    error.show(file=shown)
    message = error.format_message()
    sys.stderr.write(shown.getvalue().replace(f"Error: {message}", f"error: {message}", 1))


def _once_more_if_damaged(run: "Callable[[], None]") -> None:
    """Run a command; if it meets a damaged page of the cache, rebuild the cache in full and run it once more.

    Checking the whole file on every query would cost start-up time; damage is found where it is read.
    """
    from ipkb.errors import DamagedStore

    try:
        run()
    except DamagedStore as damaged:
        from ipkb.build.store import distrust

        distrust(str(damaged.db))
        run()


def main(argv: list[str] | None = None) -> None:
    """The console script: a read-only query whose arguments the fast dispatcher fully understands runs
    without typer; anything else goes to the typer app. IpkbError is rendered once, with its exit code,
    either way; so is an answer that cannot be written (edge.py). IPKB_NO_FAST=1 sends everything through
    typer (tests compare the two)."""
    from ipkb.cli import edge

    # A query allocates a row, a dict and a cell per entity and frees nothing until it exits; Python's cycle
    # collector, run every 700 allocations, then re-scans the same live objects: 8-35% of a long answer.
    gc.set_threshold(50_000, 10, 10)
    edge.prepare()
    args = sys.argv[1:] if argv is None else argv
    as_json = "--json" in args
    from ipkb.cli.fast import parse

    try:
        try:
            edge.text_arguments(args)
            call = None if os.environ.get("IPKB_NO_FAST") else parse(args)
            if call is not None:
                _once_more_if_damaged(call)
            else:
                _once_more_if_damaged(lambda: _typer(args, as_json))
        finally:
            sys.stdout.flush()  # here, not at exit, so that a full disk is reported (also after click's exit)
    except IpkbError as error:
        if os.environ.get("IPKB_DEBUG"):
            raise
        try:
            _render_error(error, as_json)
            sys.stdout.flush()
        except OSError as failure:
            edge.report(failure)
        sys.exit(int(error.exit_code))
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        # `ipkb list | head`: the reader has all it wanted, which is no failure (a `set -o pipefail` script
        # goes on): exit 0 without a word; stdout points at devnull so the interpreter's final flush is
        # quiet too ("Exception ignored ... BrokenPipeError").
        edge.silence()
        sys.exit(0)
    except OSError as error:  # a full disk, a closed stdout: one line on stderr, never a traceback
        if os.environ.get("IPKB_DEBUG"):
            raise
        edge.report(error)
        sys.exit(int(ExitCode.DATA))
    except Exception as error:  # a bug: still a message and an exit code, with the way to see more
        if os.environ.get("IPKB_DEBUG"):
            raise
        edge.report_bug(error)
        sys.exit(int(ExitCode.DATA))
