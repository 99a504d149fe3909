"""Time `mkdocs build` of a generated corpus with Roadmark against plain MkDocs (the floor).

    python benchmarks/bench_build.py [--stories 2000] [--runs 1] [--dir DIR] [--keep]
                                     [--skip-plain] [--skip-roadmark] [--strict]
                                     [--roadmap-cost]

Builds the same generated Markdown pages twice: as a Roadmark project (Material with
`navigation.prune`, `plugins: [search, roadmark]`) and as a plain MkDocs project
(Material, `plugins: [search]`, a hand-written nav of hub pages only: the linear floor of
research/perf-baseline.md, about 28 s at 2,000 stories), alternating the two run by run
so that a drift in the machine's load hits both alike. Prints both times, both output
sizes, the ratio of the medians and, with several runs, each run's ratio. Target: with /
without at most 1.3 at 2,000 stories.

With `--roadmap-cost`, builds the Roadmark project instead with and without the roadmap
page (the plugin's `roadmap: false`), alternating the same way, and prints both times and
the difference in percent. Target: at most 5 % at 2,000 stories.
"""

from __future__ import annotations

import argparse
import calendar
import shutil
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from corpus import TODAY, corpus_stats, generate, generate_plain
from runner import (
    Run,
    load_average,
    median_run,
    run_measured,
    spread,
    tail,
    tree_size,
    venv_script,
    work_dir,
)

TARGET_RATIO = 1.3
TARGET_ROADMAP_PERCENT = 5.0
BUILD_ENV = {
    # Material 9.7+ prints an end-of-life banner on every build; keep it out of the timings.
    "NO_MKDOCS_2_WARNING": "1",
    # Roadmark's "today" (roadmap columns, at-risk flags): fixed, so runs build the same site.
    "SOURCE_DATE_EPOCH": str(calendar.timegm(TODAY.timetuple())),
}


@dataclass(frozen=True, slots=True)
class Variant:
    """One way of building the corpus."""

    name: str
    runs: list[Run]
    sources: int
    """Markdown source pages."""
    files: int
    """Files in the built site (of the last build; every build writes the same)."""
    size: int
    """Bytes in the built site."""
    pages: int
    """HTML pages in the built site."""

    @property
    def median(self) -> Run:
        """The median build."""
        return median_run(self.runs)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=2000, help="corpus size (2000)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (1)")
    parser.add_argument("--runs", type=int, default=1, help="builds per variant (1)")
    parser.add_argument(
        "--dir", type=Path, help="generate and build here and keep it (default: a temp dir)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary dir and sites")
    parser.add_argument("--skip-plain", action="store_true", help="build only with roadmark")
    parser.add_argument("--skip-roadmark", action="store_true", help="build only the plain one")
    parser.add_argument("--strict", action="store_true", help="pass --strict to mkdocs build")
    parser.add_argument(
        "--roadmap-cost",
        action="store_true",
        help="build the roadmark project with and without the roadmap page instead",
    )
    return parser.parse_args(argv)


def plugin_problem() -> str | None:
    """Why the roadmark MkDocs plugin cannot be loaded, or None when it can."""
    found = [ep for ep in entry_points(group="mkdocs.plugins") if ep.name == "roadmark"]
    if not found:
        return "no 'roadmark' entry point in mkdocs.plugins; is roadmark installed?"
    try:
        found[0].load()
    except Exception as exc:  # any import failure means: not buildable yet
        return f"{found[0].value} does not load: {type(exc).__name__}: {exc}"
    return None


def build(project: Path, site: Path, strict: bool) -> Run:
    """One full `mkdocs build` of `project` into an emptied `site`."""
    shutil.rmtree(site, ignore_errors=True)
    command = [venv_script("mkdocs"), "build", "-f", project / "mkdocs.yml", "-d", site]
    return run_measured([*command, *(["--strict"] if strict else [])], project, BUILD_ENV)


def without_roadmap(project: Path, stories: int, seed: int) -> None:
    """The Roadmark project with the plugin's `roadmap: false`."""
    generate(project, stories, seed)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    marker = "      product_dir: product\n"
    if marker not in text:
        raise SystemExit(f"{config}: no '{marker.strip()}' line to add 'roadmap: false' after")
    config.write_text(text.replace(marker, marker + "      roadmap: false\n"), encoding="utf-8")


def build_alternating(
    folder: Path, writers: dict[str, Callable[[Path, int, int], None]], args: argparse.Namespace
) -> list[Variant] | None:
    """Generate each project, then build them in turn, run by run; None if a build fails.

    Alternating means a drift in the machine's load hits every variant alike, which on
    a shared box matters more than anything else about the figures.
    """
    runs: dict[str, list[Run]] = {name: [] for name in writers}
    sources: dict[str, int] = {}
    for name, write in writers.items():
        write(folder / name, args.stories, args.seed)
        sources[name], _ = corpus_stats(folder / name)
    for number in range(1, args.runs + 1):
        for name in writers:
            print(
                f"building {name} ({sources[name]} pages), run {number} of {args.runs} ...",
                flush=True,
            )
            run = build(folder / name, folder / name / "site", args.strict)
            if run.returncode != 0:
                print(f"{name}: mkdocs build exited {run.returncode}:\n{tail(run.output, 30)}")
                return None
            runs[name].append(run)
    variants = []
    for name in writers:
        site = folder / name / "site"
        files, size = tree_size(site)
        pages = sum(1 for _ in site.rglob("*.html"))
        variants.append(Variant(name, runs[name], sources[name], files, size, pages))
    return variants


def compare_roadmap(with_roadmap: Variant, without: Variant) -> None:
    """Print both times and what the roadmap page adds, in percent of the build without it."""
    wall, base = with_roadmap.median.wall, without.median.wall
    percent = (wall - base) * 100 / base
    verdict = "ok" if percent <= TARGET_ROADMAP_PERCENT else "OVER"
    print(
        f"roadmap cost: {wall:.1f} s with, {base:.1f} s without the roadmap page: "
        f"{percent:+.1f} % wall; target <= {TARGET_ROADMAP_PERCENT:g} %: {verdict}"
    )


def describe(variant: Variant) -> None:
    """Print one variant's figures."""
    best = variant.median
    warnings = sum(line.startswith("WARNING") for line in best.output.splitlines())
    print(f"{variant.name}:")
    print(f"  runs (s):  {spread(variant.runs)}")
    print(
        f"  median:    {best.wall:.1f} s wall, {best.cpu:.1f} s CPU, {best.max_rss_mb:.0f} MB "
        f"peak RSS, {best.wall / variant.sources * 1000:.1f} ms per source page"
    )
    print(
        f"  output:    {variant.size / 1e6:.1f} MB in {variant.files} files "
        f"({variant.pages} HTML pages), {warnings} warnings"
    )


def compare(with_roadmark: Variant, plain: Variant) -> None:
    """Print the with / without ratios and the verdict."""
    wall_ratio = with_roadmark.median.wall / plain.median.wall
    cpu_ratio = with_roadmark.median.cpu / plain.median.cpu
    size_ratio = with_roadmark.size / plain.size
    verdict = "ok" if wall_ratio <= TARGET_RATIO else "OVER"
    print(
        f"ratio with / without roadmark: {wall_ratio:.2f}x wall ({cpu_ratio:.2f}x CPU), "
        f"{size_ratio:.2f}x output; target <= {TARGET_RATIO}: {verdict}"
    )
    if len(plain.runs) > 1:
        # Each roadmark build against the plain build right after it: less exposed to drift.
        runs = zip(with_roadmark.runs, plain.runs, strict=True)
        pairs = [mine.wall / theirs.wall for mine, theirs in runs]
        listed = ", ".join(f"{ratio:.2f}" for ratio in pairs)
        print(f"run by run: {listed}; median {statistics.median(pairs):.2f}x wall")


def main(argv: list[str] | None = None) -> int:
    """Generate both variants, build them and report."""
    args = parse_args(argv)
    problem = None if args.skip_roadmark else plugin_problem()
    if problem is not None:
        print(f"skipping the roadmark build: {problem}")
    if args.roadmap_cost:
        if problem is not None or args.skip_roadmark:
            return 1
        writers = {"roadmark": generate, "no-roadmap": without_roadmap}
    else:
        writers = {}
        if problem is None and not args.skip_roadmark:
            writers["roadmark"] = generate
        if not args.skip_plain:
            writers["plain"] = generate_plain
    with work_dir(args.dir, args.keep or args.dir is not None, "roadmark-build-") as folder:
        variants = build_alternating(folder, writers, args)
        print(f"\n{args.stories} stories, seed {args.seed}; load average {load_average()}")
        if variants is None:
            return 1
        for variant in variants:
            describe(variant)
        if args.roadmap_cost:
            compare_roadmap(*variants)
        elif len(variants) == 2:
            compare(*variants)
    return 0


if __name__ == "__main__":
    sys.exit(main())
