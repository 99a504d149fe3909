"""Time what reading the plan's history from git adds to `mkdocs build`.

    python benchmarks/bench_history.py [--stories 2000] [--commits 1000] [--runs 1]
                                       [--dir DIR] [--keep] [--small] [--no-sprints]

Generates a corpus (benchmarks/corpus.py) and a git history for it: a first commit with
every file, then `--commits - 1` commits three hours apart, each moving one to three
stories a state along their workflow, and every tenth also re-estimating one (written by
one `git fast-import`, so the repository takes seconds to make). Then it builds the site
cold with history (no cache), then `--runs` times, alternately, the same site with
`history: false` and, after one new commit (three hours after the last, as the history's
own), with history again (the cache holding the rest). It also times `read_history` in
this process, cold and after one new commit, which is the cost itself without the build's
noise. Prints wall and CPU seconds (medians over the runs, and each run's difference with
history minus without) and the load average. Targets at 2,000 stories and 1,000 commits:
history adds at most 3 s to a cold build and 0.3 s after one new commit.
`--small` is 40 stories and 30 commits, for the test suite. `--no-sprints` leaves out the
corpus's sprint items (about fifty at 2,000 stories; the stories still name them, as free
text), to see what the sprints' burndowns add.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from bench_build import build
from corpus import generate
from roadmark.history.reader import cache_folder, read_history
from roadmark.spec.project import load_project
from runner import Run, load_average, tail, work_dir

TARGET_COLD = 3.0
TARGET_WARM = 0.3
START = 1_767_225_600
"""2026-01-01T00:00:00Z: the first commit's time."""
STEP = 3 * 3600
COLD, WITHOUT, WARM = "cold, with history", "without history", "one new commit, with history"
WORKFLOW = ("backlog", "ready", "in-progress", "review", "done")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=2000, help="corpus size (2000)")
    parser.add_argument("--commits", type=int, default=1000, help="commits of history (1000)")
    parser.add_argument("--seed", type=int, default=1, help="corpus and history seed (1)")
    parser.add_argument(
        "--runs", type=int, default=1, help="warm builds with and without history, alternated (1)"
    )
    parser.add_argument("--dir", type=Path, help="work here and keep it (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary dir")
    parser.add_argument("--small", action="store_true", help="40 stories, 30 commits")
    parser.add_argument("--no-sprints", action="store_true", help="no sprint items")
    args = parser.parse_args(argv)
    if args.small:
        args.stories, args.commits = 40, 30
    return args


def git(project: Path, *args: str, stdin: bytes | None = None) -> None:
    """Run git in the benchmark's own repository (never the caller's)."""
    subprocess.run(["git", *args], cwd=project, input=stdin, check=True, capture_output=True)


def _blob(path: str, text: str) -> bytes:
    data = text.encode("utf-8")
    return f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"


def _commit(number: int, files: dict[str, str], message: str) -> bytes:
    head = (
        f"commit refs/heads/main\nmark :{number}\n"
        f"committer Bench <bench@example.com> {START + number * STEP} +0000\n"
        f"data {len(message)}\n{message}\n" + (f"from :{number - 1}\n" if number > 1 else "")
    )
    return head.encode() + b"".join(_blob(path, text) for path, text in files.items())


def _moved(text: str, rng: random.Random, reestimate: bool) -> str:
    """The story a state further along its workflow (back to backlog after done)."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.startswith("status: ") and line[8:] in WORKFLOW:
            state = WORKFLOW[(WORKFLOW.index(line[8:]) + 1) % len(WORKFLOW)]
            lines[index] = f"status: {state}"
        elif reestimate and line.startswith("estimate: "):
            lines[index] = f"estimate: {rng.choice((1, 2, 3, 5, 8))}"
    return "\n".join(lines)


def make_history(project: Path, commits: int, seed: int) -> None:
    """A repository at `project` whose first commit holds the corpus, then `commits - 1`
    commits of status moves; the working tree left at the last."""
    rng = random.Random(seed)
    files = {
        path.relative_to(project).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(project.rglob("*.md"))
    }
    stories = sorted(path for path in files if path.startswith("product/stories/"))
    stream = [_commit(1, files, "the corpus")]
    for number in range(2, commits + 1):
        changed = {}
        for path in rng.sample(stories, min(len(stories), rng.randint(1, 3))):
            files[path] = changed[path] = _moved(files[path], rng, number % 10 == 0)
        stream.append(_commit(number, changed, f"move {len(changed)} stories"))
    git(project, "init", "-q", "-b", "main")
    git(project, "fast-import", "--quiet", stdin=b"".join(stream))
    git(project, "reset", "-q", "--hard", "main")


def add_commit(project: Path, number: int) -> None:
    """One more commit moving one story, `number` steps of three hours after the first (so
    `--commits + 1` is the next one: a commit years later would stretch every burn-up)."""
    story = sorted((project / "product" / "stories").glob("*.md"))[0]
    story.write_text(_moved(story.read_text(encoding="utf-8"), random.Random(number), True))
    git(project, "add", "-A", "product")
    when = f"{START + number * STEP} +0000"
    subprocess.run(
        ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com",
         "commit", "-q", "-m", "one more"],
        cwd=project, check=True, capture_output=True,
        env={"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "PATH": "/usr/bin:/bin"},
    )  # fmt: skip


def set_history(project: Path, on: bool) -> None:
    """Turn the plugin's `history` option on or off in mkdocs.yml."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("      history: false\n", "")
    marker = "      product_dir: product\n"
    if marker not in text:
        raise SystemExit(f"{config}: no '{marker.strip()}' line to add 'history: false' after")
    config.write_text(text if on else text.replace(marker, marker + "      history: false\n"))


def timed_read(project: Path) -> tuple[float, float, int]:
    """(wall, CPU, items) of one `read_history` in this process, with the project's cache."""
    loaded = load_project(project, None, project)
    today = date(2026, 6, 1)
    wall, cpu = time.perf_counter(), time.process_time()
    history = read_history(project, loaded.settings, cache_dir=cache_folder(project), today=today)
    if not history.available:
        raise SystemExit(f"history unavailable: {history.reason}")
    return time.perf_counter() - wall, time.process_time() - cpu, len(history.items)


def measure(project: Path, runs: int, commits: int) -> dict[str, list[Run]] | None:
    """The cold build, then `runs` pairs of warm builds (without history, then with history
    after one new commit), alternated so a drift in the machine's load hits both alike; None
    (after printing why) when one fails."""
    found: dict[str, list[Run]] = {COLD: [], WITHOUT: [], WARM: []}
    steps: list[tuple[str, int]] = [(COLD, 0)]
    for number in range(runs):
        pair = [(WITHOUT, 0), (WARM, commits + 1 + number)]
        steps += pair if number % 2 == 0 else pair[::-1]
    for name, commit in steps:
        set_history(project, name != WITHOUT)
        if name == COLD:
            subprocess.run(["rm", "-rf", str(cache_folder(project))], check=True)
        if commit:
            add_commit(project, commit)
        print(f"building: {name} ...", flush=True)
        run = build(project, project / "site", strict=False)
        if run.returncode != 0:
            print(f"mkdocs build exited {run.returncode}:\n{tail(run.output, 30)}")
            return None
        found[name].append(run)
    set_history(project, True)
    return found


def report(runs: dict[str, list[Run]]) -> None:
    """Each build's medians, and what history adds cold and after one new commit."""
    for name, measured in runs.items():
        wall = statistics.median(run.wall for run in measured)
        cpu = statistics.median(run.cpu for run in measured)
        print(f"  build {name}: {wall:.2f} s wall, {cpu:.2f} s CPU")
    without = runs[WITHOUT]
    extra = runs[COLD][0].wall - statistics.median(run.wall for run in without)
    print(f"  history in the cold build: {extra:+.2f} s wall (build minus build)")
    pairs = list(zip(runs[WARM], without, strict=True))
    walls = [warm.wall - plain.wall for warm, plain in pairs]
    cpus = [warm.cpu - plain.cpu for warm, plain in pairs]
    verdict = "ok" if statistics.median(cpus) <= TARGET_WARM else "OVER"
    print(
        f"  history after one new commit: {statistics.median(walls):+.2f} s wall,"
        f" {statistics.median(cpus):+.2f} s CPU (median of {len(pairs)} pairs:"
        f" {', '.join(f'{cpu:+.2f}' for cpu in cpus)} CPU); target <= {TARGET_WARM:g} s: {verdict}"
    )


def main(argv: list[str] | None = None) -> int:
    """Generate, commit, build and report."""
    args = parse_args(argv)
    with work_dir(args.dir, args.keep or args.dir is not None, "roadmark-history-") as folder:
        project = folder / "project"
        generate(project, args.stories, args.seed)
        if args.no_sprints:
            shutil.rmtree(project / "product" / "sprints", ignore_errors=True)
        started = time.perf_counter()
        make_history(project, args.commits, args.seed)
        print(f"history: {args.commits} commits written in {time.perf_counter() - started:.1f} s")
        runs = measure(project, args.runs, args.commits)
        if runs is None:
            return 1
        subprocess.run(["rm", "-rf", str(cache_folder(project))], check=True)
        cold = timed_read(project)
        add_commit(project, args.commits + 1 + args.runs)
        warm = timed_read(project)
        print(f"\n{args.stories} stories, {args.commits} commits; load average {load_average()}")
        report(runs)
        for name, (wall, cpu, items), target in (
            ("cold", cold, TARGET_COLD), ("after one new commit", warm, TARGET_WARM)
        ):  # fmt: skip
            verdict = "ok" if wall <= target else "OVER"
            print(
                f"  read_history {name}: {wall:.2f} s wall, {cpu:.2f} s CPU, {items} items;"
                f" target <= {target:g} s: {verdict}"
            )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
