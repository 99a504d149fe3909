"""Time `roadmark diff` on a generated git repository with a long history.

    python benchmarks/bench_diff.py [--stories 2000] [--commits 200] [--runs 3] [--dir DIR]

Generates a corpus (benchmarks/corpus.py) as the first commit, then adds seeded
commits that change statuses, estimates, releases and criteria, add stories and
remove some, and leaves a few uncommitted edits. Times, through the installed
console script, the diff between the first and the last commit (every format)
and the default diff (merge-base with main to the working tree). Commit dates
are fixed, so one seed always gives the same commits and the same report.
Target: under 3 s for 200 commits and 2,000 stories on the 2-core CI machine.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus import generate
from runner import Run, load_average, median_run, run_measured, spread, tail, venv_script, work_dir

TARGET_SECONDS = 3.0
EDITS_PER_COMMIT = 4
STATUSES = ("backlog", "ready", "in-progress", "review", "done")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=2000, help="stories in the corpus (2000)")
    parser.add_argument("--commits", type=int, default=200, help="commits in the history (200)")
    parser.add_argument("--seed", type=int, default=1, help="seed of corpus and history (1)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per case (3)")
    parser.add_argument("--dir", type=Path, help="build the repository here and keep it")
    parser.add_argument("--keep", action="store_true", help="keep the temporary repository")
    return parser.parse_args(argv)


def git(repo: Path, *args: str, when: int = 0) -> str:
    """Run git in `repo` with a fixed identity and date, so commit ids are reproducible."""
    stamp = f"{1_767_225_600 + when * 3600} +0000"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env |= {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    done = subprocess.run(
        ["git", *identity, "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def build_history(repo: Path, stories: int, commits: int, seed: int) -> tuple[str, str]:
    """Generate the corpus, commit it, then commit seeded edits; returns (first, last) ids."""
    generate(repo, stories, seed)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "corpus")
    first = git(repo, "rev-parse", "HEAD").strip()
    rng = random.Random(seed)
    story_dir = next(repo.glob("product/**/STORY-1.md")).parent
    releases = sorted(p.stem for p in repo.glob("product/**/*.md") if _kind(p) == "release")
    paths = sorted(story_dir.glob("STORY-*.md"))
    # Keep every commit clean, as CI would: only stories no other depends on are deleted;
    # the others are cancelled, which is the convention for dropping referenced work.
    referenced = {ref for path in paths for ref in _depends_on(path.read_text(encoding="utf-8"))}
    next_number = stories + 1
    for number in range(1, commits):
        for _ in range(EDITS_PER_COMMIT):
            path = rng.choice(paths)
            edit = rng.choice(("status", "estimate", "release", "criterion", "add", "remove"))
            if edit == "add":
                text = path.read_text(encoding="utf-8")
                text = text.replace(f"id: {path.stem}\n", f"id: STORY-{next_number}\n", 1)
                text = re.sub(r"(?m)^title: .*$", f"title: New story {next_number}", text)
                path = story_dir / f"STORY-{next_number}.md"
                path.write_text(text, encoding="utf-8")
                paths.append(path)
                next_number += 1
            elif edit == "remove" and path.stem not in referenced:
                path.unlink()
                paths.remove(path)
            elif edit == "remove":
                path.write_text(_edited(path.read_text(encoding="utf-8"), "cancel", rng, releases))
            else:
                path.write_text(_edited(path.read_text(encoding="utf-8"), edit, rng, releases))
        git(repo, "add", "-A", "--", "product")
        git(repo, "commit", "-q", "-m", f"plan change {number}", when=number)
    last = git(repo, "rev-parse", "HEAD").strip()
    # Uncommitted work, so the default diff has a working tree to read.
    for path in paths[:5]:
        path.write_text(_edited(path.read_text(encoding="utf-8"), "status", rng, releases))
    return first, last


def _depends_on(text: str) -> list[str]:
    match = re.search(r"(?m)^depends_on: \[(.*)\]$", text)
    return [ref.strip() for ref in match[1].split(",")] if match else []


def _kind(path: Path) -> str:
    match = re.search(r"(?m)^kind: (\S+)$", path.read_text(encoding="utf-8"))
    return match[1] if match else ""


def _edited(text: str, edit: str, rng: random.Random, releases: list[str]) -> str:
    """`text` with one field or criterion changed."""
    if edit == "cancel":
        return re.sub(r"(?m)^status: .*$", "status: cancelled", text, count=1)
    if edit == "status":
        return re.sub(r"(?m)^status: .*$", f"status: {rng.choice(STATUSES)}", text, count=1)
    if edit == "estimate":
        return re.sub(r"(?m)^estimate: .*$", f"estimate: {rng.choice((1, 2, 3, 5, 8))}", text)
    if edit == "release":
        return re.sub(r"(?m)^release: .*$", f"release: {rng.choice(releases)}", text, count=1)
    return text.replace("- AC-1: Given", "- AC-1: Assuming", 1)


def diff_once(repo: Path, args: list[str], pycache: Path) -> Run:
    """One `roadmark diff` through the installed console script."""
    # Cache bytecode outside the tree, as an installed package has it.
    env = {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(pycache)}
    return run_measured([venv_script("roadmark"), "diff", *args], cwd=repo, env=env)


def main(argv: list[str] | None = None) -> int:
    """Build the repository, warm up, time each case and report."""
    args = parse_args(argv)
    keep = args.keep or args.dir is not None
    with (
        work_dir(args.dir, keep, "roadmark-diff-") as folder,
        tempfile.TemporaryDirectory(prefix="roadmark-pycache-") as pycache,
    ):
        repo = folder / "repo"
        started = time.perf_counter()
        first, last = build_history(repo, args.stories, args.commits, args.seed)
        commits = git(repo, "rev-list", "--count", "HEAD").strip()
        print(f"built {repo}: {commits} commits in {time.perf_counter() - started:.1f} s")
        cases = {
            "first..last, text": [first, last],
            "first..last, markdown": [first, last, "--format", "markdown"],
            "first..last, json": [first, last, "--format", "json"],
            "default (merge-base..working tree)": [],
        }
        worst = 0.0
        for name, case in cases.items():
            warm = diff_once(repo, case, Path(pycache))
            if warm.returncode != 0:
                print(f"roadmark diff exited {warm.returncode}:\n{tail(warm.output)}")
                return 1
            runs = [diff_once(repo, case, Path(pycache)) for _ in range(args.runs)]
            failed = [run for run in runs if run.returncode != 0]
            if failed:
                print(f"roadmark diff failed on a timed run:\n{tail(failed[0].output)}")
                return 1
            best = median_run(runs)
            worst = max(worst, best.wall)
            print(f"roadmark diff {name}: median {best.wall:.2f} s wall, {best.cpu:.2f} s CPU,")
            print(f"    {best.max_rss_mb:.0f} MB peak RSS; runs (s): {spread(runs)}")
            if name.endswith("markdown"):
                print(f"    report: {len(warm.output)} characters")
            if name.endswith("text"):
                print(f"    summary: {warm.output.splitlines()[1]}")
        verdict = "ok" if worst < TARGET_SECONDS else "OVER"
        print(f"target: < {TARGET_SECONDS:g} s; slowest case {worst:.2f} s: {verdict}")
        print(f"load average: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
