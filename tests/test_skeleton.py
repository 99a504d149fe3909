"""The repository skeleton: entry points, `make test` from a fresh clone, and `.ci/run`."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
TESTS = REPO / "tests"


@pytest.mark.roadmark("STORY-1/AC-2", "STORY-66/AC-2")
def test_the_plugin_is_registered_for_mkdocs_and_properdocs() -> None:
    from roadmark.site.plugin import RoadmarkPlugin

    for group in ("mkdocs.plugins", "properdocs.plugins"):
        entries = [
            entry for entry in metadata.entry_points(group=group) if entry.name == "roadmark"
        ]
        assert len(entries) == 1, group
        assert entries[0].load() is RoadmarkPlugin, group


# --- make test -----------------------------------------------------------------------------


@pytest.mark.roadmark("STORY-1/AC-1", "STORY-56/AC-1")
def test_make_test_creates_a_venv_installs_the_test_extra_and_runs_the_whole_suite(
    tmp_path: Path,
) -> None:
    """What `make test` would run in a fresh clone (no .venv yet), without running it."""
    for name in ("Makefile", "pyproject.toml", "constraints.txt"):
        shutil.copy(REPO / name, tmp_path / name)
    done = subprocess.run(
        ["make", "-n", "test"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    commands = done.stdout.splitlines()
    assert commands[0] == "python3 -m venv .venv"
    # Every package at the version of the lock, the build backend included.
    lock = "-c constraints.txt"
    assert f".venv/bin/python -m pip install --quiet {lock} pip setuptools wheel" in commands
    install = f".venv/bin/python -m pip install --quiet {lock} --no-build-isolation -e '.[test]'"
    assert install in commands
    # The suite is run without selecting tests: pytest's testpaths, the whole of tests/.
    assert re.fullmatch(r"(\w+=\S* )*\.venv/bin/python -m pytest( --[\w-]+(=\S+)?)*", commands[-1])
    assert re.search(r'(?m)^testpaths = \["tests"\]$', (REPO / "pyproject.toml").read_text())


def _closure(requirements: list[str], extras: set[str]) -> set[str]:
    """The installed distributions the requirements pull in, transitively (normalised names)."""
    found: set[str] = set()
    pending = [(text, extras) for text in requirements]
    while pending:
        text, active = pending.pop()
        requirement = Requirement(text)
        environments = [{"extra": extra} for extra in active or {""}]
        if requirement.marker and not any(requirement.marker.evaluate(e) for e in environments):
            continue
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        found.add(name)
        try:
            requires = metadata.requires(requirement.name) or []
        except metadata.PackageNotFoundError:
            continue  # reported by the test through the missing import, if it matters
        pending.extend((sub, set(requirement.extras)) for sub in requires)
    return found


def _imported_modules() -> set[str]:
    """The top-level modules the test suite imports, at module level or inside functions."""
    local = {path.stem for path in TESTS.glob("*.py")}
    names: set[str] = set()
    for path in TESTS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - local - set(sys.stdlib_module_names) - {"__future__", "roadmark"}


@pytest.mark.roadmark("STORY-1/AC-1")
def test_the_test_extra_installs_everything_the_suite_imports() -> None:
    """`pip install -e '.[test]'` in a fresh venv brings every module the tests import."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    installed = _closure(wanted, set())
    owners = metadata.packages_distributions()
    missing = {
        module: owners.get(module, ["(not installed)"])
        for module in sorted(_imported_modules())
        if not any(canonicalize_name(dist) in installed for dist in owners.get(module, []))
    }
    assert missing == {}


# --- .ci/run -------------------------------------------------------------------------------


def fake_clone(root: Path, make_status: int) -> Path:
    """A folder holding the real `.ci/run` and a Makefile whose `test` prints and exits."""
    (root / ".ci").mkdir(parents=True)
    shutil.copy(REPO / ".ci" / "run", root / ".ci" / "run")
    recipe = f"test:\n\t@echo make test ran\n\t@exit {make_status}\n"
    (root / "Makefile").write_text(recipe, encoding="utf-8")
    return root / ".ci" / "run"


def script(folder: Path, name: str, body: str) -> None:
    """An executable shell script `name` in `folder`."""
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)


@pytest.mark.roadmark("STORY-1/AC-4")
@pytest.mark.parametrize("recipe_status", [0, 3])
def test_ci_run_runs_make_test_and_exits_with_its_status(
    tmp_path: Path, recipe_status: int
) -> None:
    run = fake_clone(tmp_path / "clone", recipe_status)
    make = subprocess.run(["make", "test"], cwd=run.parent.parent, capture_output=True, check=False)
    assert (make.returncode == 0) == (recipe_status == 0)
    tools = tmp_path / "bin"
    tools.mkdir()
    script(tools, "chromium", "exit 0")  # present, so nothing is installed
    script(tools, "npm", "exit 0")
    env = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", str(run)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == make.returncode, done.stderr
    assert done.stdout.splitlines() == ["make test ran"]


@pytest.mark.roadmark("STORY-22/AC-3")
def test_ci_run_installs_chromium_and_npm_for_the_browser_and_sarif_tests(
    tmp_path: Path,
) -> None:
    run = fake_clone(tmp_path / "clone", 0)
    tools = tmp_path / "bin"
    tools.mkdir()
    log = tmp_path / "apt.log"
    script(tools, "apt-get", f'echo "apt-get $*" >> "{log}"')
    script(tools, "sudo", 'exec "$@"')
    for name in ("dirname", "id", "make", "echo"):
        found = shutil.which(name)
        assert found is not None, name
        (tools / name).symlink_to(found)
    bash = shutil.which("bash")
    assert bash is not None
    # A PATH without chromium and npm: only the tools the script needs.
    env = {**os.environ, "PATH": str(tools)}
    done = subprocess.run(
        [bash, str(run)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert log.read_text(encoding="utf-8").splitlines() == [
        "apt-get update -qq",
        "apt-get install -y -qq chromium npm",
    ]
    assert done.stdout.splitlines() == ["make test ran"]
