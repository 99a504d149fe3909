"""Roadmark's own plan (product/) is written in its format, checks clean, and the site's
traceability evidence comes from this suite, rerun by `make build` when it is stale."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from roadmark.spec.graph import Graph
from roadmark.spec.product import load_product
from roadmark.spec.project import load_project

if TYPE_CHECKING:
    from conftest import RunCli

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def graph() -> Graph:
    """The graph of this repository's product folder, with the repository's configuration."""
    project = load_project(cwd=ROOT)
    product = load_product(project.root, project.settings)
    assert product.problems == []
    return product.graph


@pytest.mark.roadmark("STORY-50/AC-1")
def test_roadmark_check_product_is_clean(run_cli: RunCli) -> None:
    result = run_cli("check", "product", cwd=ROOT)
    assert result.code == 0, result.output
    assert [line for line in result.out.splitlines() if ": error RM" in line] == []
    assert re.search(r"checked \d+ items: 0 errors, \d+ warnings?", result.err), result.err


@pytest.mark.roadmark("STORY-50/AC-2")
def test_the_product_folder_holds_a_real_plan(graph: Graph) -> None:
    prds = [p for p in graph.of_kind("prd") if p.requirements and p.get("metrics")]
    stories = [s for s in graph.of_kind("story") if s.criteria]
    assert len(prds) >= 2
    assert len(graph.of_kind("epic")) >= 6
    assert len(stories) >= 30
    assert len(graph.of_kind("release")) >= 3


@pytest.mark.roadmark("STORY-50/AC-3")
def test_every_requirement_is_implemented_by_a_story(graph: Graph) -> None:
    open_prds = [p for p in graph.of_kind("prd") if p.id not in graph.closed]
    requirements = [r.address for prd in open_prds for r in prd.requirements]
    assert requirements
    unimplemented = [
        address
        for address in requirements
        if not [s for s in graph.implementers(address) if s.id not in graph.closed]
    ]
    assert unimplemented == []


# --- make build and its evidence (STORY-54) ------------------------------------------------


def junit_path() -> str:
    """The JUnit file the Makefile writes."""
    match = re.search(r"(?m)^JUNIT\s*:=\s*(\S+)$", (ROOT / "Makefile").read_text(encoding="utf-8"))
    assert match is not None
    return match[1]


def make_dry_run(folder: Path) -> list[str]:
    """The commands `make build` would run in `folder`, without running them."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    done = subprocess.run(
        ["make", "-n", "build"], cwd=folder, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def set_mtime(path: Path, when: int) -> None:
    os.utime(path, (when, when))


@pytest.mark.roadmark("STORY-54/AC-2")
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_build_reruns_the_suite_when_its_results_are_missing_or_stale(
    tmp_path: Path,
) -> None:
    """`make -n build` in a copy of the Makefile with one file of each kind of source."""
    junit = junit_path()
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    # The first two make the environment (its stamp is newer); the rest are the suite's.
    sources = ["pyproject.toml", "constraints.txt", "plugins/p.py", "tests/t.py", "product/s.md"]
    for name in sources:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n", encoding="utf-8")
        set_mtime(tmp_path / name, 1_000_000)
    stamp = tmp_path / ".venv/.installed"  # the virtual environment is up to date
    stamp.parent.mkdir()
    stamp.touch()
    set_mtime(stamp, 1_000_100)

    def runs_the_suite_first() -> bool:
        commands = make_dry_run(tmp_path)
        assert commands[-1].endswith("mkdocs build --strict"), commands
        suite = [c for c in commands if "pytest" in c]
        if not suite:
            assert len(commands) == 1, commands
            return False
        (command,) = suite
        assert f"--junitxml={junit}.tmp" in command
        assert commands.index(command) < commands.index(f"mv {junit}.tmp {junit}")
        return True

    assert runs_the_suite_first()  # no results yet
    (tmp_path / junit).parent.mkdir(parents=True)
    (tmp_path / junit).write_text("<testsuites/>\n", encoding="utf-8")
    set_mtime(tmp_path / junit, 1_000_200)
    assert not runs_the_suite_first()  # newer than every source: reused
    for name in sources[2:]:
        set_mtime(tmp_path / name, 1_000_300)
        assert runs_the_suite_first(), name  # older than this source: rerun
        set_mtime(tmp_path / name, 1_000_000)

    # The site reads the file the suite wrote.
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    (options,) = [
        p["roadmark"] for p in config["plugins"] if isinstance(p, dict) and "roadmark" in p
    ]
    assert junit in options["test_results"]
