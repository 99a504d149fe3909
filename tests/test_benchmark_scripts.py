"""The check and build benchmarks run on small corpora: their generator is deterministic and
they print the figures they exist for. The timings and targets themselves are measured by
hand on the CI machine (benchmarks/README.md), not here."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunCli

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def run_benchmark(script: str, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `benchmarks/<script>` with the test interpreter, as the README says to."""
    return subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *map(str, args)],
        cwd=cwd,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` with its bytes, by relative path."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.roadmark("STORY-11/AC-1")
def test_the_same_seed_and_size_give_a_byte_identical_corpus(tmp_path: Path) -> None:
    for name, seed in (("one", 7), ("two", 7), ("other", 8)):
        done = run_benchmark(
            "corpus.py", tmp_path / name, "--stories", 300, "--seed", seed, cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr
    one = tree(tmp_path / "one")
    assert len([path for path in one if path.startswith("product/stories/")]) == 300
    assert tree(tmp_path / "two") == one
    assert tree(tmp_path / "other") != one


@pytest.mark.roadmark("STORY-11/AC-2")
def test_the_check_benchmark_checks_a_clean_corpus_and_prints_its_time(
    tmp_path: Path, run_cli: RunCli
) -> None:
    corpus = tmp_path / "corpus"
    done = run_benchmark(
        "bench_check.py", "--stories", 200, "--runs", 1, "--dir", corpus, cwd=tmp_path
    )
    # The script exits 1 when `roadmark check` does not exit 0 on the corpus.
    assert done.returncode == 0, done.stdout + done.stderr
    assert "roadmark check: 200 stories" in done.stdout
    assert re.search(r"(?m)^  median: +\d+\.\d\d s wall, ", done.stdout), done.stdout
    assert run_cli("check", cwd=corpus).code == 0


@pytest.mark.roadmark("STORY-23/AC-1")
def test_the_build_benchmark_prints_both_build_times_and_their_ratio(tmp_path: Path) -> None:
    done = run_benchmark(
        "bench_build.py", "--stories", 20, "--dir", tmp_path / "work", cwd=tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    times = re.findall(
        r"(?m)^(roadmark|plain):\n  runs \(s\): .*\n  median: +\d+\.\d s wall", done.stdout
    )
    assert times == ["roadmark", "plain"], done.stdout
    assert re.search(r"(?m)^ratio with / without roadmark: \d+\.\d\dx wall ", done.stdout)


@pytest.mark.roadmark("STORY-31/AC-2")
def test_the_build_benchmark_prints_the_roadmap_cost_as_a_number(tmp_path: Path) -> None:
    done = run_benchmark(
        "bench_build.py",
        *("--stories", 20, "--runs", 1, "--roadmap-cost", "--dir", tmp_path / "work"),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    times = re.findall(
        r"(?m)^(roadmark|no-roadmap):\n  runs \(s\): .*\n  median: +\d+\.\d s wall", done.stdout
    )
    assert times == ["roadmark", "no-roadmap"], done.stdout
    figure = re.search(
        r"(?m)^roadmap cost: \d+\.\d s with, \d+\.\d s without the roadmap page: "
        r"([-+]\d+\.\d) % wall; target <= 5 %: (ok|OVER)$",
        done.stdout,
    )
    assert figure is not None, done.stdout
    # A difference of two builds of the same tiny site: far from a whole build either way.
    assert -100 < float(figure[1]) < 100, done.stdout
    assert not (tmp_path / "work" / "no-roadmap" / "site" / "product" / "roadmap").exists()
    assert (tmp_path / "work" / "roadmark" / "site" / "product" / "roadmap" / "index.html").exists()


@pytest.mark.roadmark("STORY-82/AC-3")
def test_the_history_benchmark_times_builds_and_reads_with_and_without_history(
    tmp_path: Path,
) -> None:
    done = run_benchmark("bench_history.py", "--small", "--dir", tmp_path / "work", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "history: 30 commits written" in done.stdout
    builds = re.findall(r"(?m)^  build (.+): \d+\.\d\d s wall, \d+\.\d\d s CPU$", done.stdout)
    assert builds == ["cold, with history", "without history", "one new commit, with history"]
    reads = re.findall(
        r"(?m)^  read_history (cold|after one new commit): \d+\.\d\d s wall, \d+\.\d\d s CPU,"
        r" (\d+) items; target <= [\d.]+ s: (ok|OVER)$",
        done.stdout,
    )
    # 40 stories, 4 epics, 4 PRDs, 8 releases and the 13 sprints the stories name.
    assert [(name, items) for name, items, _ in reads] == [
        ("cold", "69"),
        ("after one new commit", "69"),
    ], done.stdout
    project = tmp_path / "work" / "project"
    log = subprocess.run(
        ["git", "rev-list", "--count", "HEAD"], cwd=project, capture_output=True, text=True
    )
    assert log.stdout.strip() == "32"  # 30, the one of the warm build, the one of the read
    assert not (project / "site" / ".cache").exists()


@pytest.mark.roadmark("STORY-90/AC-1")
def test_the_serve_benchmark_prints_each_edits_latency_beside_a_full_build(
    tmp_path: Path,
) -> None:
    work = tmp_path / "work"
    done = run_benchmark(
        "bench_serve.py", "--stories", 20, "--runs", 1, "--dir", work, cwd=tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"(?m)^  full build: \d+\.\d\d s wall, \d+\.\d\d s CPU ", done.stdout)
    edits = re.findall(
        r"(?m)^  (\w+): +latency (\d+\.\d\d) s \((\d+\.\d\d)-(\d+\.\d\d)\), "
        r"(\d+\.\d\d)x full build, serve CPU \d+\.\d\d s; unchanged: ",
        done.stdout,
    )
    assert [kind for kind, *_ in edits] == ["title", "status", "estimate", "criterion", "docs"]
    for _, latency, low, high, ratio in edits:
        # No edit can show before MkDocs has polled the file and started a rebuild.
        assert 0 < float(low) <= float(latency) <= float(high), done.stdout
        assert float(ratio) > 0, done.stdout
    rebuilds = re.search(
        r"(?m)^  rebuilds: (\d+), of which logged incremental \d+, logged full fallback \d+$",
        done.stdout,
    )
    assert rebuilds is not None, done.stdout
    assert int(rebuilds[1]) >= 10  # five edits and five undos
    # Every edit was undone: the project is the corpus as generated.
    fresh = run_benchmark("corpus.py", tmp_path / "fresh", "--stories", 20, cwd=tmp_path)
    assert fresh.returncode == 0, fresh.stderr
    assert tree(work / "stories-20") == tree(tmp_path / "fresh")
