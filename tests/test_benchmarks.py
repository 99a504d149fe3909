"""The benchmarks' generators: seeded, so two runs measure the same repository.

The timings themselves are measured by hand (benchmarks/README.md), not here.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunCli

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def bench_diff(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """benchmarks/bench_diff.py, imported as the script imports its neighbours."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module("bench_diff")


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` but git's own, by relative path."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


@pytest.mark.roadmark("STORY-45/AC-2")
def test_the_diff_benchmark_builds_the_same_history_from_the_same_seed(
    bench_diff: ModuleType, tmp_path: Path, run_cli: RunCli
) -> None:
    repos = [tmp_path / "one", tmp_path / "two"]
    ends = [bench_diff.build_history(repo, 40, 8, 3) for repo in repos]
    assert ends[0] == ends[1]
    first, last = ends[0]
    assert first != last
    histories = [bench_diff.git(repo, "log", "--format=%H %s") for repo in repos]
    assert histories[0] == histories[1]
    assert len(histories[0].splitlines()) == 8
    assert tree(repos[0]) == tree(repos[1])
    reports = [run_cli("diff", first, last, "--format", "json", cwd=repo) for repo in repos]
    assert [report.code for report in reports] == [0, 0]
    assert reports[0].out == reports[1].out
    assert '"change": "modified"' in reports[0].out

    other = tmp_path / "other-seed"
    assert bench_diff.build_history(other, 40, 8, 4) != ends[0]
