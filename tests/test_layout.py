"""The package's layout: modules by pipeline stage, small modules and functions, and the
import paths the docs name.

A module over `MAX_MODULE_LINES` or a function over `MAX_FUNCTION_LINES` is allowed only
when its docstring says why, in a sentence with `LONG_BECAUSE` in it.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from importlib import metadata
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "plugins" / "roadmark"

STAGES = (
    "text",
    "spec",
    "plan",
    "trace",
    "extensions",
    "review",
    "history",
    "render",
    "site",
    "cli",
)
"""The packages of the pipeline's stages; every module lives in one of them."""

TOP_LEVEL = ("__init__.py", "macros.py", "pytest_plugin.py")
"""The only modules outside the stages: the package itself and the two paths users name."""

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
LONG_BECAUSE = "Long because"


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def relative(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def explains_length(node: ast.Module | ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return LONG_BECAUSE in (ast.get_docstring(node) or "")


@pytest.mark.roadmark("STORY-66/AC-1")
def test_every_module_lives_in_the_package_of_its_stage() -> None:
    def placed(path: Path) -> bool:
        if path.parent == PACKAGE:
            return path.name in TOP_LEVEL
        return path.relative_to(PACKAGE).parts[0] in STAGES

    misplaced = [relative(path) for path in modules() if not placed(path)]
    assert misplaced == []
    # Each stage is a package, and there is no other.
    packages = sorted(path.parent.name for path in PACKAGE.glob("*/__init__.py"))
    assert packages == sorted(STAGES)


@pytest.mark.roadmark("STORY-66/AC-1")
def test_no_module_or_function_is_long_unless_its_docstring_says_why() -> None:
    too_long = []
    for path in modules():
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, filename=str(path))
        lines = len(source.splitlines())
        if lines > MAX_MODULE_LINES and not explains_length(tree):
            too_long.append(f"{relative(path)}: {lines} lines")
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            assert node.end_lineno is not None
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES and not explains_length(node):
                too_long.append(f"{relative(path)}:{node.lineno} {node.name}: {length} lines")
    assert too_long == [], f"shorten them, or say why in their docstring ({LONG_BECAUSE} …)"


@pytest.mark.roadmark("STORY-66/AC-2")
def test_the_import_paths_the_docs_name_work() -> None:
    # `modules: [roadmark.macros]` in mkdocs.yml: a pluglet with `define_env(env)`.
    macros = importlib.import_module("roadmark.macros")
    assert list(inspect.signature(macros.define_env).parameters) == ["env"]
    # The console script, and the pytest plugin that pytest loads by its entry point.
    from roadmark.cli import main

    (script,) = [e for e in metadata.entry_points(group="console_scripts") if e.name == "roadmark"]
    assert script.load() is main
    (plugin,) = [e for e in metadata.entry_points(group="pytest11") if e.name == "roadmark"]
    assert plugin.load() is importlib.import_module("roadmark.pytest_plugin")
    # The MkDocs and ProperDocs entry points: test_skeleton's
    # test_the_plugin_is_registered_for_mkdocs_and_properdocs.
