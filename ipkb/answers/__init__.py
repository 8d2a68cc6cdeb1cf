"""One module per kind of answer a query command gives, holding all that answer is: its JSON document (the
TypedDicts, the contract, with their comments, which docs/cli.md reads), the view that builds it from the
store's reads, and the function that answers from a store. A new kind of answer is one module here, its
renderer in ipkb/render/, and its command's declaration in ipkb/cli/queries.py (docs/architecture.md,
"How to add"). The answers older than this package keep their shapes in ipkb/shapes.py and their views
in ipkb/read/views.py.

`documents()` is the one registry of every command's --json document, found by walking this package, so
registering an answer is writing its module's `DOCUMENTS`.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any


def modules() -> list[ModuleType]:
    """Every module that declares --json documents (`DOCUMENTS`): shapes.py, shapes_diff.py and each answer
    module of this package, in that order."""
    from ipkb import shapes, shapes_diff

    found = [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)]
    return [shapes, shapes_diff, *(module for module in found if hasattr(module, "DOCUMENTS"))]


def documents() -> dict[str, Any]:
    """Command name -> the type of the document its --json prints."""
    return {name: document for module in modules() for name, document in module.DOCUMENTS.items()}
