"""The typer app: every command, its options and help, and the one authority on usage errors.

`ipkb.cli.main` reaches it for anything the fast dispatcher (fast.py) does not take; docs/gen_cli.py reads
it to write docs/cli.md. Importing this module registers the commands of every command module on `app`.

Annotations are real objects here (no `from __future__ import annotations`): typer would otherwise
evaluate every string annotation at start-up, which costs about 15 ms on each call.
"""

import importlib
import inspect
from enum import Enum, StrEnum
from typing import Annotated, Any, Optional, cast

import typer

from ipkb import __version__
from ipkb.cli import OPTIONS, complete
from ipkb.cli.fast import AS_OF, JSON, MAX_INT, TYPES, Command, Opt, default_of

app = typer.Typer(
    name="ipkb",
    help="A cited knowledge base of China's intellectual-property protection system.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain help: rich's help renderer (and its Markdown parser) would add about 0.2 s to every --help.
    rich_markup_mode=None,
    # help as wide as the terminal, up to 120 columns (click stops at 80: command summaries were cut short)
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120},
)


def at_least(minimum: int | None) -> Any:
    """click's IntRange from `minimum` to MAX_INT whose help says only `x>=minimum`: the top is SQLite's
    largest integer, a limit of the store rather than of the option, and `1<=x<=9223372036854775807` in
    --help reads like a bug. A number past it is still a usage error, and that error names the bound."""
    # typer 0.17 imports click, later versions vendor a copy: take the one typer's own errors come from
    click_types = importlib.import_module(typer.BadParameter.__module__.rpartition(".")[0] + ".types")

    class AtLeast(click_types.IntRange):  # type: ignore[misc, name-defined]
        def _describe_range(self) -> str:
            return f"x>={self.min}"

        def convert(self, value: Any, param: Any, ctx: Any) -> Any:
            number = click_types.INT.convert(value, param, ctx)
            if number > MAX_INT:
                self.fail(f"{number} is not in the range {self.min}<=x<={MAX_INT}.", param, ctx)
            return super().convert(number, param, ctx)

    return AtLeast(min=minimum, max=MAX_INT)


def annotated(opt: Opt) -> Any:
    """The typer declaration of an option declared in fast.py's terms: `Annotated[type, typer.Option(...)]`."""
    if opt.kind == "flag":
        kind: Any = bool
    elif opt.choices:
        kind = StrEnum(opt.dest, {c: c for c in opt.choices})  # type: ignore[misc, no-redef]  # typer: click.Choice
    else:
        kind = int if opt.kind == "int" else str
    if opt.multiple:
        kind = list[kind]
    if default_of(opt) is None:
        kind = Optional[kind]
    info = typer.Option(
        opt.name,
        help=opt.help,
        metavar=opt.metavar,
        show_default=opt.show_default,
        min=opt.min,
        max=opt.max,
        click_type=at_least(opt.min) if opt.max == MAX_INT else None,
        autocompletion=getattr(complete, opt.complete) if opt.complete else None,
    )
    return cast(Any, Annotated)[kind, info]


AsOfOption = annotated(AS_OF)
JsonOption = annotated(JSON)
TypesOption = annotated(TYPES)


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
        typer.Option(
            "--db",
            help="Database file, in a folder that exists (default: $IPKB_DB, then the user cache).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Ask who runs which IP programme, which city holds which designation, and how they connect."""
    OPTIONS.kb, OPTIONS.db = kb, db


def add_command(command: Command) -> None:
    """Register a command declared in queries.py as a typer command: typer reads the signature built here
    (arguments, then options, each `Annotated` with its typer declaration) and the docstring as help."""
    parameters = [
        inspect.Parameter(
            a.name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[
                list[str] if a.variadic else str,
                typer.Argument(
                    help=a.help,
                    metavar=a.metavar,
                    autocompletion=getattr(complete, a.complete) if a.complete else None,
                ),
            ],
        )
        for a in command.arguments
    ] + [
        inspect.Parameter(o.dest, inspect.Parameter.KEYWORD_ONLY, default=default_of(o), annotation=annotated(o))
        for o in command.options
    ]

    joined = {a.name for a in command.arguments if a.variadic}  # several words, passed as one text

    def run(**values: Any) -> None:
        command.function(
            **{k: " ".join(v) if k in joined else v.value if isinstance(v, Enum) else v for k, v in values.items()}
        )

    run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    run.__doc__ = command.help
    app.command(name=command.name)(run)


def _register() -> None:
    from ipkb.cli.queries import COMMANDS

    for command in COMMANDS.values():
        add_command(command)
    # the other command modules register themselves on `app`; imported last because they import this module
    for module in ("analysis_commands", "kb_commands", "export_command"):
        importlib.import_module(f"ipkb.cli.{module}")


_register()


def command_options() -> dict[str, dict[str, bool]]:
    """Every command's name, as typed, with each of its options' spellings and whether it takes a value (a
    flag does not): what a command's option put before the command is checked against (`--as-of 2021
    show x`: 2021 is --as-of's value, and show takes --as-of)."""
    from typer.main import get_command

    commands = getattr(get_command(app), "commands", {})
    return {
        name: {
            spelling: not (getattr(param, "is_flag", False) or getattr(param, "count", False))
            for param in command.params
            if getattr(param, "param_type_name", "") == "option"
            for spelling in (*param.opts, *param.secondary_opts)
        }
        for name, command in commands.items()
    }
