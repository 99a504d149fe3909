"""The pytest plugin (issue 5): `@pytest.mark.roadmark` records addresses into JUnit XML."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from roadmark.spec.product import load_product
from roadmark.spec.settings import Settings
from roadmark.trace.coverage import build_trace
from roadmark.trace.evidence import read_evidence
from roadmark.trace.junit import parse_junit
from sites import build, mkdocs_config, write_project

if TYPE_CHECKING:
    from conftest import WriteProduct

TESTS = """
import pytest

pytestmark = pytest.mark.roadmark("PRD-900/R-2")


@pytest.mark.roadmark("STORY-900/AC-1", "PRD-900/R-2")
def test_both():
    pass


@pytest.mark.roadmark("STORY-900/AC-2, STORY-900/AC-3")
def test_fails():
    assert 1 == 2


class TestGroup:
    pytestmark = pytest.mark.roadmark("STORY-900/AC-3")

    @pytest.mark.skip(reason="later")
    def test_skipped(self):
        pass


def test_unmarked():
    pass


@pytest.mark.roadmark(42)
def test_bad_argument():
    pass


@pytest.mark.roadmark
def test_no_argument():
    pass
"""

PRODUCT = {
    "product/PRD-900.md": "---\nid: PRD-900\nkind: prd\ntitle: P\nstatus: draft\n---\n"
    "## Requirements\n\n- R-2: The system shall work.\n",
    "product/STORY-900.md": "---\nid: STORY-900\nkind: story\ntitle: S\nstatus: ready\n"
    "implements: [PRD-900/R-2]\n---\n## Acceptance criteria\n\n- AC-1: Given a, then b.\n"
    "- AC-2: Given c, then d.\n- AC-3: Given e, then f.\n",
}


def run_pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a real pytest in `folder`, with the plugin loaded from its installed entry point."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def junit_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The tests above run once with `--junitxml --strict-markers -W error`."""
    folder = tmp_path_factory.mktemp("suite")
    (folder / "test_marked.py").write_text(textwrap.dedent(TESTS), encoding="utf-8")
    done = run_pytest(
        folder, "--junitxml=reports/junit.xml", "--strict-markers", "-W", "error", "-q"
    )
    # One failure and two bad marks (errors); anything else would be exit status 2 or more.
    assert done.returncode == 1, done.stdout + done.stderr
    return folder / "reports" / "junit.xml", done.stdout


def test_the_plugin_is_registered_under_pytest11() -> None:
    (entry,) = [e for e in entry_points(group="pytest11") if e.name == "roadmark"]
    assert entry.value == "roadmark.pytest_plugin"


@pytest.mark.roadmark("STORY-33/AC-1")
def test_the_marker_records_every_address_as_one_property(junit_run: tuple[Path, str]) -> None:
    cases = {case.name: case for case in parse_junit(junit_run[0])}
    assert cases["test_both"].properties == ("PRD-900/R-2, STORY-900/AC-1",)
    assert cases["test_fails"].properties == ("PRD-900/R-2, STORY-900/AC-2, STORY-900/AC-3",)
    assert cases["test_skipped"].properties == ("PRD-900/R-2, STORY-900/AC-3",)
    assert cases["test_unmarked"].properties == ("PRD-900/R-2",)
    assert (cases["test_fails"].result, cases["test_skipped"].result) == ("failed", "skipped")


@pytest.mark.roadmark("STORY-33/AC-2")
def test_the_marker_is_accepted_under_strict_markers(junit_run: tuple[Path, str]) -> None:
    """The run above used `--strict-markers -W error` and got to run every test."""
    output = junit_run[1]
    assert "1 failed, 2 passed, 1 skipped, 2 errors" in output
    assert "not found in `markers` configuration" not in output


def test_a_mark_without_addresses_errors_its_test(junit_run: tuple[Path, str]) -> None:
    cases = {case.name: case for case in parse_junit(junit_run[0])}
    assert cases["test_bad_argument"].result == "error"
    assert "got 42" in cases["test_bad_argument"].message
    assert cases["test_no_argument"].result == "error"
    assert "no address given" in cases["test_no_argument"].message


@pytest.mark.roadmark("STORY-32/AC-1", "STORY-33/AC-1")
def test_the_trace_picks_up_a_real_pytest_run(
    junit_run: tuple[Path, str], write_product: WriteProduct
) -> None:
    root = write_product(PRODUCT)
    settings = Settings()
    product = load_product(root, settings)
    evidence = read_evidence(root, [str(junit_run[0])], product.graph, settings)
    assert evidence.problems == []
    trace = build_trace(product, evidence)
    states = {address: c.state for address, c in trace.criteria.items()}
    assert states == {
        "STORY-900/AC-1": "verified",
        "STORY-900/AC-2": "failing",
        "STORY-900/AC-3": "failing",
    }
    tested = [t.name for t in trace.criteria["STORY-900/AC-3"].tests]
    assert tested == ["test_fails", "test_skipped"]
    assert len(trace.requirements["PRD-900/R-2"].tests) == 6
    assert trace.coverage.criteria_passing.count == 1


@pytest.mark.roadmark("STORY-54/AC-3")
def test_a_marker_naming_a_removed_criterion_is_reported_by_the_build(tmp_path: Path) -> None:
    """STORY-900 had an AC-4 once; a test still marked with it is named by RM019."""
    tests = (
        "import pytest\n\n\n@pytest.mark.roadmark('STORY-900/AC-4')\ndef test_gone():\n    pass\n"
    )
    (tmp_path / "test_stale.py").write_text(tests, encoding="utf-8")
    done = run_pytest(tmp_path, "--junitxml=reports/junit.xml", "--strict-markers", "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    roadmark = {"roadmark": {"test_results": ["reports/junit.xml"], "export": False}}
    write_project(
        tmp_path, {**PRODUCT, "docs/index.md": "# Home\n"}, mkdocs_config(["search", roadmark])
    )
    site = build(tmp_path)
    (problem,) = [message for message in site.warnings if "RM019" in message]
    assert "reports/junit.xml:" in problem
    assert "test 'test_stale::test_gone' names 'STORY-900/AC-4'" in problem
    assert "STORY-900 has no AC-4" in problem
