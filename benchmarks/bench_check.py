"""Time `roadmark check` on a generated corpus through the real console script.

    python benchmarks/bench_check.py [--stories 10000] [--runs 3] [--dir DIR] [--keep]

Generates a corpus (benchmarks/corpus.py), runs `roadmark check DIR` once to warm the
page cache and confirm the corpus is clean, then reports the median of `--runs` timed
runs. Target: under 3 s for 10,000 stories on the 2-core CI machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from corpus import corpus_stats, generate
from runner import Run, load_average, median_run, run_measured, spread, tail, venv_script, work_dir

TARGET_SECONDS = 3.0
TARGET_STORIES = 10_000


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=TARGET_STORIES, help="corpus size (10000)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (1)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs after the warm-up (3)")
    parser.add_argument(
        "--dir", type=Path, help="generate the corpus here and keep it (default: a temp dir)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary corpus")
    return parser.parse_args(argv)


def check_once(corpus: Path, pycache: Path) -> Run:
    """One `roadmark check` of `corpus` through the installed console script."""
    # Cache bytecode (in `pycache`, not in the source tree) as a normal install does, even
    # where PYTHONDONTWRITEBYTECODE is set: recompiling roadmark on every run is not its cost.
    env = {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(pycache)}
    return run_measured([venv_script("roadmark"), "check", corpus], env=env)


def report(stories: int, corpus: Path, runs: list[Run]) -> None:
    """Print the figures of the timed runs and how they compare with the target."""
    files, size = corpus_stats(corpus / "product")
    best = median_run(runs)
    print(f"roadmark check: {stories} stories, {files} files ({size / 1e6:.1f} MB)")
    print(f"  runs (s):    {spread(runs)}")
    print(
        f"  median:      {best.wall:.2f} s wall, {best.cpu:.2f} s CPU, "
        f"{best.max_rss_mb:.0f} MB peak RSS, {best.wall / files * 1e6:.0f} µs per file"
    )
    if stories == TARGET_STORIES:
        verdict = "ok" if best.wall < TARGET_SECONDS else "OVER"
        print(
            f"  target:      < {TARGET_SECONDS:g} s: {best.wall / TARGET_SECONDS:.2f}x of budget, "
            f"{verdict}"
        )
    else:
        print(f"  target:      < {TARGET_SECONDS:g} s, defined at {TARGET_STORIES} stories")
    print(f"  load average: {load_average()}")


def main(argv: list[str] | None = None) -> int:
    """Generate, warm up, time and report."""
    args = parse_args(argv)
    keep = args.keep or args.dir is not None
    with (
        work_dir(args.dir, keep, "roadmark-check-") as folder,
        tempfile.TemporaryDirectory(prefix="roadmark-pycache-") as pycache,
    ):
        corpus = folder if args.dir is not None else folder / "corpus"
        started = time.perf_counter()
        generate(corpus, args.stories, args.seed)
        print(f"generated {corpus} in {time.perf_counter() - started:.1f} s")
        # The warm-up fills the page and bytecode caches and proves the corpus is clean.
        warm = check_once(corpus, Path(pycache))
        if warm.returncode != 0:
            print(f"roadmark check exited {warm.returncode}:\n{tail(warm.output)}", file=sys.stderr)
            return 1
        runs = [check_once(corpus, Path(pycache)) for _ in range(args.runs)]
        if any(run.returncode != 0 for run in runs):
            print("roadmark check failed on a timed run", file=sys.stderr)
            return 1
        report(args.stories, corpus, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
