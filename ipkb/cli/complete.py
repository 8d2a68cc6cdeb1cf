"""Tab completion: entity ids, entity and relation types, metrics, read from the chosen KB's store.

typer calls these through click's shell completion (`ipkb --install-completion` sets it up). They must
feel instant and never fail: any problem (no KB, a broken YAML file) completes nothing. Annotations stay
real objects: typer reads them to find the Context parameter.
"""

from typing import TYPE_CHECKING, Optional

import typer

from ipkb.cli import OPTIONS
from ipkb.errors import IpkbError

if TYPE_CHECKING:
    from ipkb.api import KB

LIMIT = 100


def _kb(ctx: typer.Context) -> Optional["KB"]:
    """The KB named by --kb/--db on this command line (or the environment, or the bundled one)."""
    from ipkb.api import open_kb

    root = ctx.find_root().params if ctx is not None else {}
    try:
        return open_kb(root.get("kb") or OPTIONS.kb, root.get("db") or OPTIONS.db)
    except (IpkbError, OSError):
        return None


def entities(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Ids of the entities one of whose names (id, name, Chinese name, alias, pinyin) starts with what was
    typed, each with its name as the help text."""
    kb = _kb(ctx)
    return kb.store.names_starting(incomplete, LIMIT) if kb else []


def entity_types(ctx: typer.Context, incomplete: str) -> list[str]:
    kb = _kb(ctx)
    return [t for t in kb.store.entity_type_names() if t.startswith(incomplete)] if kb else []


def relation_types(ctx: typer.Context, incomplete: str) -> list[str]:
    kb = _kb(ctx)
    return [t for t in sorted(kb.store.relation_types()) if t.startswith(incomplete)] if kb else []


def formats(incomplete: str) -> list[str]:
    from ipkb.export import FORMATS

    return [f for f in sorted(FORMATS) if f.startswith(incomplete)]


def metrics(ctx: typer.Context, incomplete: str) -> list[str]:
    kb = _kb(ctx)
    return [m for m in sorted(kb.store.metrics()) if m.startswith(incomplete)] if kb else []
