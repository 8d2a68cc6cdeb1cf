"""The typer app: every command, its options and help, and the one authority on usage errors.

`ipkb.cli.main` reaches it for anything the fast dispatcher (fast.py) does not take; docs/gen_cli.py reads
it to write docs/cli.md. Importing this module registers the commands of every command module on `app`.

Annotations are real objects here (no `from __future__ import annotations`): typer would otherwise
evaluate every string annotation at start-up, which costs about 15 ms on each call.
"""

import importlib
from typing import Annotated, Any, Optional

import typer

from ipkb import __version__
from ipkb.cli import OPTIONS, complete

app = typer.Typer(
    name="ipkb",
    help="A cited knowledge base of China's intellectual-property protection system.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain help: rich's help renderer (and its Markdown parser) would add about 0.2 s to every --help.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

AsOfOption = Annotated[
    Optional[str],
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="Answer as of DATE: leave out relations not yet begun or already ended, and later figures.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
TypesOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--type",
        help="Only this entity type (repeatable): city, county, center, agency, ...; `ipkb stats` lists them all.",
        autocompletion=complete.entity_types,
    ),
]
ViaOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--via",
        help="Only these relation types (repeatable): located_in, subcenter_of, ...; `ipkb stats` lists them all.",
        autocompletion=complete.relation_types,
    ),
]


def entity_argument(help_text: str, metavar: str | None = None) -> Any:
    """An argument naming an entity, completed from the KB's names (typer.Argument is typed as Any)."""
    return typer.Argument(help=help_text, metavar=metavar, autocompletion=complete.entities)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ipkb {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    kb: Annotated[
        Optional[str],
        typer.Option("--kb", help="KB folder (default: $IPKB_KB, then the bundled KB).", show_default=False),
    ] = None,
    db: Annotated[
        Optional[str],
        typer.Option("--db", help="Database file (default: $IPKB_DB, then the user cache).", show_default=False),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Ask who runs which IP programme, which city holds which designation, and how they connect."""
    OPTIONS.kb, OPTIONS.db = kb, db


# Command modules register themselves on `app`; imported last because they import this module.
for _module in ("query_commands", "analysis_commands", "kb_commands", "export_command"):
    importlib.import_module(f"ipkb.cli.{_module}")
