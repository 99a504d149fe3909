"""Time how long an edit takes to reach the pages `mkdocs serve` shows, beside a full build.

    python benchmarks/bench_serve.py [--stories 500 2000 10000] [--runs 3] [--seed 1]
                                     [--dir DIR] [--keep] [--timeout 1800]

For each size: generates a corpus (benchmarks/corpus.py), starts `mkdocs serve
--livereload` on a free loopback port and waits for its first build. Then, run by run,
times a full `mkdocs build` into a folder of its own and makes each kind of edit in turn
to one story (the first with a release, requirements and criteria, preferring the
release in progress): its title, status, estimate, a new acceptance criterion, and a
line added to `docs/index.md`. An edit's latency runs from the file's save to the moment
every affected page served over HTTP shows it: the story's page, its epic's, the story
index, the roadmap and the trace pages that link the story (found by title and link in
the served site), or the docs page. A page shows an edit when its body, without the
live-reload script, differs from before and, for a title or docs edit, holds the edit's
token. A page that a rebuild begun after the save left as it was (its live-reload epoch
says so) does not show this kind of edit and is listed as unchanged. Each edit is then
undone and that rebuild waited for, so every edit starts from a settled server.

Prints per size and edit the median latency (min-max), its ratio to the median full build
and the server's CPU time meanwhile; the full build's wall and CPU time; the rebuilds logged
as incremental (`roadmark: preview: rebuilt `) or fallbacks (`… full rebuild: `); the load.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench_build import BUILD_ENV, build, plugin_problem
from corpus import Story, generate, plan_corpus
from runner import Run, load_average, median_run, tail, venv_script, work_dir

KINDS = ("title", "status", "estimate", "criterion", "docs")
SCRIPT = re.compile(
    r"<script>\s*var livereload = function.*?livereload\((\d+), \d+\);\s*</script>", re.S
)
POLL = 0.02
"""Seconds between polling rounds: short, since MkDocs holds each request while it rebuilds."""
INCREMENTAL = re.compile(r"(?m)^(?:\S+ +- +)?roadmark: preview: rebuilt ")
FALLBACK = re.compile(r"(?m)^(?:\S+ +- +)?roadmark: preview: full rebuild: ")
CHANGES = re.compile(r"(?m)Detected file changes")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sizes = [500, 2000, 10000]
    parser.add_argument("--stories", type=int, nargs="+", default=sizes, help="corpus sizes")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (1)")
    parser.add_argument("--runs", type=int, default=3, help="repetitions of each edit (3)")
    parser.add_argument("--dir", type=Path, help="work here and keep it (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the projects, sites and logs")
    parser.add_argument("--timeout", type=float, default=1800, help="longest wait, s (1800)")
    return parser.parse_args(argv)


@dataclass(frozen=True, slots=True)
class Page:
    """One served page: status, body without the live-reload script, and the site's epoch."""

    status: int
    body: str
    epoch: int | None
    """MkDocs' version of the site that served it: the monotonic ms its last build started."""


@dataclass(slots=True)
class Server:
    """A running `mkdocs serve` and the file its output goes to."""

    base: str
    process: subprocess.Popen[bytes]
    log: Path
    timeout: float

    def output(self) -> str:
        """Everything the server printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def fail(self, why: str) -> SystemExit:
        """An exit carrying `why` and the end of the server's output."""
        return SystemExit(f"{why}; mkdocs serve said:\n{tail(self.output(), 30)}")

    def get(self, url: str) -> Page:
        """Fetch `url` (relative to the site); status 0 when the server does not answer."""
        try:
            # A long timeout: the server holds each request until its rebuild is done.
            with urllib.request.urlopen(self.base + url, timeout=self.timeout) as response:
                raw = response.read().decode("utf-8", "replace")
                status = int(response.status)
        except urllib.error.HTTPError as error:
            error.close()
            return Page(error.code, "", None)
        except OSError:
            return Page(0, "", None)
        found = SCRIPT.search(raw)
        if found is None:
            return Page(status, raw, None)
        return Page(status, raw[: found.start()] + raw[found.end() :], int(found[1]))

    def check_alive(self, started: float, what: str) -> None:
        """Stop the benchmark if the server died or `what` took longer than the timeout."""
        if self.process.poll() is not None:
            raise self.fail(f"mkdocs serve exited ({self.process.returncode})")
        if time.monotonic() - started > self.timeout:
            raise self.fail(f"timed out after {self.timeout:.0f} s waiting for {what}")

    def cpu(self) -> float:
        """CPU seconds the server and its waited-for children have used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        # utime, stime, cutime, cstime: fields 14-17 of proc(5), after the "(comm)" field.
        return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


@contextmanager
def serving(project: Path, folder: Path, timeout: float) -> Iterator[Server]:
    """`mkdocs serve --livereload` of `project`, stopped with SIGINT (then killed) at the end."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    log = folder / f"serve-{project.name}.log"
    command = [str(venv_script("mkdocs")), "serve", "--livereload", "-a", f"127.0.0.1:{port}"]
    # serve builds into a temporary folder: keep it in the work folder whatever happens.
    env = {**os.environ, **BUILD_ENV, "TMPDIR": str(folder)}
    with log.open("wb") as sink:
        # A job started in the background of a script ignores SIGINT, and so would serve:
        # give it back the default, so that SIGINT stops it.
        process = subprocess.Popen(
            command, cwd=project, env=env, stdin=subprocess.DEVNULL, stdout=sink,
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )  # fmt: skip
    try:
        yield Server(f"http://127.0.0.1:{port}/", process, log, timeout)
    finally:
        # SIGINT is serve's own way out: it stops watching and removes its build folder.
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def pick_story(stories: int, seed: int) -> tuple[Story, set[str]]:
    """The story to edit, with a release, requirements and criteria; and the ids of the
    other stories and epics, whose pages this edit's pages are not."""
    plan = plan_corpus(stories, seed)
    usable = [s for s in plan.stories if s.release and s.implements and s.status != "cancelled"]
    current = [s for s in usable if s.release and s.release.status == "in-progress"]
    story = (current or usable or plan.stories)[0]
    others = {item.id for item in plan.stories} | {item.id for item in plan.epics}
    return story, others - {story.id, story.epic.id}


def find_pages(server: Server, story: Story, others: set[str]) -> dict[str, str]:
    """The pages an edit of `story` can change, by role, found by title and links in the
    served site; `others` are the ids of items whose pages can be skipped."""
    sitemap = server.get("sitemap.xml").body
    urls = [url.removeprefix(server.base) for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    titles: dict[str, str] = {}
    links: dict[str, set[str]] = {}
    for url in urls:
        # Skipping the other stories' and epics' pages keeps this fast at 10,000 stories.
        if url.rstrip("/").rsplit("/", 1)[-1] in others:
            continue
        body = server.get(url).body
        named = re.search(r"<title>([^<]*)</title>", body)
        titles[url] = named[1] if named else ""
        hrefs = re.findall(r'href="([^"#]*)"', body)
        links[url] = {urllib.parse.urljoin(server.base + url, href) for href in hrefs}
    found: dict[str, str] = {}
    for role, prefix in (
        ("story", f"{story.id} · "),
        ("epic", f"{story.epic.id} · "),
        ("story index", "Stories - "),
        ("roadmap", "Roadmap - "),
    ):
        matches = [url for url, title in titles.items() if title.startswith(prefix)]
        if len(matches) != 1:
            raise server.fail(f"{len(matches)} pages titled '{prefix}…', not one")
        found[role] = matches[0]
    story_url = server.base + found["story"]
    for url, title in titles.items():
        if title.startswith("Traceability") and story_url in links[url]:
            found[f"trace {url}"] = url
    if len(found) == 4:
        raise server.fail(f"no trace page links {story.id}")
    return found


@dataclass(frozen=True, slots=True)
class Edit:
    """One edit: the file, its text before and after, and a token the change must show."""

    kind: str
    path: Path
    before: str
    after: str
    token: str | None


def make_edit(kind: str, project: Path, story: Story, run: int) -> Edit:
    """The `kind` edit of `story` for run `run`; tokens differ from run to run."""
    if kind == "docs":
        path = project / "docs" / "index.md"
        text = path.read_text(encoding="utf-8")
        mark = f"Docsedit{run}z"
        return Edit(kind, path, text, f"{text}\nEdited by the benchmark: {mark}.\n", mark)
    path = project / "product" / "stories" / f"{story.id}.md"
    text = path.read_text(encoding="utf-8")
    token: str | None = None
    if kind == "title":
        token = f"Retitled{run}z"
        after = re.sub(r'(?m)^title: "', f'title: "{token} ', text, count=1)
    elif kind in ("status", "estimate"):
        current = re.search(rf"(?m)^{kind}: (\S+)$", text)
        if current is None:
            raise SystemExit(f"{path}: no {kind} line")
        first, second = ("done", "in-progress") if kind == "status" else ("13", "8")
        new = first if current[1] != first else second
        after = text[: current.start(1)] + new + text[current.end(1) :]
    else:
        lines = text.split("\n")
        # After the last criterion and the lines that continue it.
        last = max(n for n, line in enumerate(lines) if line.startswith("- AC-"))
        while last + 1 < len(lines) and lines[last + 1].startswith("  "):
            last += 1
        number = max(int(n) for n in re.findall(r"(?m)^- AC-(\d+):", text)) + 1
        added = f"- AC-{number}: Given a benchmark edit, when it is saved, then it is shown."
        after = "\n".join([*lines[: last + 1], added, *lines[last + 1 :]])
    if after == text:
        raise SystemExit(f"{path}: the {kind} edit changes nothing")
    return Edit(kind, path, text, after, token)


@dataclass(frozen=True, slots=True)
class Sample:
    """One timed edit."""

    latency: float
    """Seconds from the save until the last page showed the edit."""
    cpu: float
    """CPU seconds the server used meanwhile."""
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]


def timed_edit(
    server: Server, pages: dict[str, str], before: dict[str, Page], edit: Edit
) -> Sample:
    """Save `edit` and poll `pages` until each shows it or a newer build left it unchanged."""
    cpu = server.cpu()
    edit.path.write_text(edit.after, encoding="utf-8", newline="\n")
    saved = time.monotonic()
    pending = dict(pages)
    changed: dict[str, float] = {}
    unchanged: list[str] = []
    while pending:
        for role, url in list(pending.items()):
            page = server.get(url)
            same = page.body == before[role].body
            if page.status == 200 and not same and (edit.token or "") in page.body:
                changed[role] = time.monotonic() - saved
                del pending[role]
            # The epoch is when the build that made this page began, on our monotonic clock.
            elif page.status == 200 and same and (page.epoch or 0) > saved * 1000:
                unchanged.append(role)
                del pending[role]
        if pending:
            server.check_alive(saved, f"the {edit.kind} edit on {', '.join(pending)}")
            time.sleep(POLL)
    if not changed:
        raise server.fail(f"no page showed the {edit.kind} edit after a rebuild")
    used = server.cpu() - cpu
    return Sample(max(changed.values()), used, tuple(changed), tuple(unchanged))


def restore(server: Server, pages: dict[str, str], edit: Edit) -> dict[str, Page]:
    """Undo `edit`, wait for its rebuild, and return every page as served afterwards."""
    edit.path.write_text(edit.before, encoding="utf-8", newline="\n")
    saved = time.monotonic()
    probe = next(iter(pages.values()))
    while (server.get(probe).epoch or 0) <= saved * 1000:
        server.check_alive(saved, f"the rebuild after undoing the {edit.kind} edit")
        time.sleep(POLL)
    return {role: server.get(url) for role, url in pages.items()}


@dataclass(slots=True)
class Result:
    """Everything measured on one corpus size."""

    stories: int
    story: Story
    first_build: float
    builds: list[Run] = field(default_factory=list)
    samples: dict[str, list[Sample]] = field(default_factory=lambda: {k: [] for k in KINDS})
    drift: set[str] = field(default_factory=set)
    """Pages that, once an edit was undone, were served different from the first build."""
    cpu: float = 0.0
    log: str = ""


def measure(stories: int, args: argparse.Namespace, folder: Path) -> Result:
    """Serve a corpus of `stories` stories; time full builds and every edit, run by run."""
    project = folder / f"stories-{stories}"
    generate(project, stories, args.seed)
    story, others = pick_story(stories, args.seed)
    with serving(project, folder, args.timeout) as server:
        started = time.monotonic()
        while server.get("").status != 200:
            server.check_alive(started, "the first build")
            time.sleep(0.2)
        result = Result(stories, story, time.monotonic() - started)
        pages = find_pages(server, story, others)
        every = {**pages, "docs page": ""}
        first = before = {role: server.get(url) for role, url in every.items()}
        cpu = server.cpu()
        for run in range(1, args.runs + 1):
            print(f"{stories} stories: run {run} of {args.runs} ...", flush=True)
            built = build(project, folder / f"site-{stories}", False)
            if built.returncode != 0:
                raise SystemExit(f"mkdocs build exited {built.returncode}:\n{tail(built.output)}")
            result.builds.append(built)
            # The build wrote the whole site: flush it now, or the kernel writes it back
            # while the next edits are timed and charges them with another process's I/O.
            os.sync()
            for kind in KINDS:
                edit = make_edit(kind, project, story, run)
                watched = {"docs page": ""} if kind == "docs" else pages
                result.samples[kind].append(timed_edit(server, watched, before, edit))
                before = restore(server, every, edit)
                result.drift |= {role for role in every if before[role].body != first[role].body}
        result.cpu = server.cpu() - cpu
        result.log = server.output()
    return result


def report(result: Result, runs: int) -> None:
    """Print one size's figures."""
    story = result.story
    release = story.release.id if story.release else "none"
    print(
        f"\n{result.stories} stories: edited {story.id} (epic {story.epic.id}, release "
        f"{release}); {runs} run{'s' * (runs != 1)}; first build served after "
        f"{result.first_build:.1f} s"
    )
    full = median_run(result.builds)
    walls = ", ".join(f"{run.wall:.2f}" for run in result.builds)
    print(f"  full build: {full.wall:.2f} s wall, {full.cpu:.2f} s CPU (runs: {walls})")
    for kind, samples in result.samples.items():
        latencies = [sample.latency for sample in samples]
        latency = statistics.median(latencies)
        cpu = statistics.median(sample.cpu for sample in samples)
        unchanged = sorted({role for sample in samples for role in sample.unchanged})
        print(
            f"  {kind + ':':<10} latency {latency:.2f} s ({min(latencies):.2f}-"
            f"{max(latencies):.2f}), {latency / full.wall:.2f}x full build, serve CPU "
            f"{cpu:.2f} s; unchanged: {', '.join(unchanged) or 'none'}"
        )
        if len({frozenset(sample.changed) for sample in samples}) > 1:
            print(f"  WARNING: the {kind} edit changed different pages from run to run")
    if result.drift:
        drift = ", ".join(sorted(result.drift))
        print(f"  WARNING: served differently after undoing an edit: {drift}")
    counts = [len(pattern.findall(result.log)) for pattern in (CHANGES, INCREMENTAL, FALLBACK)]
    print("  rebuilds: {}, of which logged incremental {}, logged full fallback {}".format(*counts))
    print(f"  serve CPU over all edits and undos: {result.cpu:.1f} s")
    print(f"  load average: {load_average()}")


def main(argv: list[str] | None = None) -> int:
    """Measure each corpus size in turn and report."""
    args = parse_args(argv)
    problem = plugin_problem()
    if problem is not None:
        print(f"cannot serve the roadmark project: {problem}")
        return 1
    with work_dir(args.dir, args.keep or args.dir is not None, "roadmark-serve-") as folder:
        for stories in args.stories:
            report(measure(stories, args, folder), args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
