"""The architecture rules, checked mechanically: the core never imports the CLI, heavy libraries stay with
their owners, and the code is ruff- and mypy-clean."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "ipkb"
# library -> the only modules allowed to import it (anywhere in the module, even inside functions)
OWNERS = {
    # typer loads only for what the fast path (ipkb/cli/fast.py -> queries.py) hands over: never in
    # ipkb/cli/__init__.py, fast.py or queries.py, which every query imports.
    "typer": (
        "ipkb/cli/app.py",
        "ipkb/cli/analysis_commands.py",
        "ipkb/cli/kb_commands.py",
        "ipkb/cli/export_command.py",
        "ipkb/cli/complete.py",
    ),
    "rich": ("ipkb/render/",),
    "networkx": ("ipkb/export/",),
    "rdflib": ("ipkb/export/",),
    "sqlmodel": ("ipkb/build/tables.py", "ipkb/build/writer.py"),
    "sqlalchemy": ("ipkb/build/writer.py",),
    "yaml": ("ipkb/build/load.py",),
    "pypinyin": ("ipkb/build/derive.py", "ipkb/suggest.py"),
    "rapidfuzz": ("ipkb/suggest.py",),
}


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(REPO)) for p in MODULES])
def test_imports_respect_the_module_map(path: Path) -> None:
    name = str(path.relative_to(REPO))
    for module in imports(path):
        top = module.split(".")[0]
        if top in OWNERS:
            assert name.startswith(OWNERS[top]), f"{name} imports {module}; only {OWNERS[top]} may"
        if module.startswith("ipkb.cli"):
            assert name.startswith("ipkb/cli/") or name == "ipkb/__main__.py", f"core module {name} imports the CLI"


# package -> the packages of ipkb it may import (the core, the modules at the top, is open to all): the layout
# of docs/architecture.md, with its two named exceptions
LAYERS = {
    "core": set(),
    "build": {"core"},
    "read": {"core"},
    "answers": {"core", "read"},
    "render": {"core", "answers"},  # an answer's renderer reads its shape (under TYPE_CHECKING)
    "export": {"core", "read"},
    "cli": {"core", "build", "read", "answers", "render", "export", "cli"},
}
CROSSINGS = {
    ("ipkb/__main__.py", "cli"),  # python -m ipkb
    ("ipkb/api.py", "build"),  # the library face: build the store if it is stale,
    ("ipkb/api.py", "read"),  # then answer from it
    ("ipkb/api.py", "answers"),  # (the answers of ipkb/answers/ among them)
    ("ipkb/build/store.py", "read"),  # a fresh store is opened as the read side's Store
    ("ipkb/read/diff.py", "build"),  # diff compares two revisions' YAML, read by the validator
}


def _layer(dotted: str) -> str:
    """The package of a module (`build` for ipkb.build.x), or `core` for a module at the top."""
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else "core"


def test_each_package_imports_only_the_layers_below_it() -> None:
    found = []
    for path in MODULES:
        name = path.relative_to(REPO).as_posix()
        own = _layer(name.removesuffix(".py").replace("/", "."))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "ipkb":
                modules = [f"{node.module}.{a.name}" for a in node.names] if node.module == "ipkb" else [node.module]
                for layer in {_layer(module) for module in modules} - LAYERS[own] - {own, "core"}:
                    if (name, layer) not in CROSSINGS:
                        found.append(f"{name}:{node.lineno} imports from ipkb.{layer}")
    assert not found, "\n".join(found)


@pytest.mark.skipif(shutil.which("ruff", path=str(Path(sys.executable).parent)) is None, reason="ruff not installed")
def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    assert ruff is not None
    for args in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [ruff, *args, "ipkb", "tests", "docs", "benchmarks"], cwd=REPO, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    pytest.importorskip("mypy")
    result = subprocess.run([sys.executable, "-m", "mypy", "ipkb"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
