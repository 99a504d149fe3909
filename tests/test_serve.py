"""Live preview: `mkdocs serve` rebuilds on a spec edit, survives broken YAML, and recovers."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from sites import (
    DOCS,
    EPOCH,
    PRODUCT,
    TOOL_ENV,
    console_script,
    generated_corpus,
    mkdocs_config,
    write_project,
)

DEADLINE = 35.0
"""Seconds the test may wait in all before it gives up; stopping the server adds at most 15."""
STORY = "product/stories/STORY-1.md"
STORY_URL = "product/stories/STORY-1/"


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A running `mkdocs serve`: its address, its process, and the file its output goes to."""

    base: str
    process: subprocess.Popen[bytes]
    log: Path
    started: float

    def output(self) -> str:
        """Everything the server printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def get(self, path: str) -> tuple[int, str]:
        """Fetch a page: (HTTP status, body); (0, reason) when the server does not answer."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=5) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            error.close()
            return error.code, ""
        except OSError as error:
            return 0, str(error)

    def wait_for(self, what: str, condition: Callable[[], bool]) -> None:
        """Poll `condition` until it holds; fail with the server's output when time runs out."""
        while not condition():
            if self.process.poll() is not None:
                pytest.fail(f"mkdocs serve exited ({self.process.returncode}):\n{self.output()}")
            if time.monotonic() - self.started > DEADLINE:
                pytest.fail(f"timed out waiting for {what}; server output:\n{self.output()}")
            time.sleep(0.2)

    def page_shows(self, path: str, text: str) -> Callable[[], bool]:
        """A condition: the page at `path` is served and contains `text`."""

        def check() -> bool:
            status, body = self.get(path)
            return status == 200 and text in body

        return check


@contextmanager
def serving(project: Path, tmp_path: Path) -> Iterator[Server]:
    """`mkdocs serve --livereload` of `project` on a free loopback port, stopped afterwards."""
    port = free_port()
    log = tmp_path / "serve.log"
    env = {
        **os.environ,
        **TOOL_ENV,
        "SOURCE_DATE_EPOCH": EPOCH,
        # serve builds into a temporary folder; keep it under tmp_path whatever happens.
        "TMPDIR": str(tmp_path),
    }
    command = [console_script("mkdocs"), "serve", "--livereload", "-a", f"127.0.0.1:{port}"]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=project, env=env, stdout=sink, stderr=subprocess.STDOUT
        )
    try:
        yield Server(f"http://127.0.0.1:{port}/", process, log, time.monotonic())
    finally:
        # SIGINT is serve's own way out: it stops watching and removes its build folder.
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """`mkdocs serve --livereload` on the small product."""
    project = write_project(tmp_path / "project", PRODUCT | DOCS, mkdocs_config())
    with serving(project, tmp_path) as running:
        yield running


@pytest.mark.roadmark("STORY-18/AC-3")
def test_serve_rebuilds_on_edit_and_survives_broken_yaml(server: Server, tmp_path: Path) -> None:
    project = tmp_path / "project"
    files = sorted(project.rglob("*"))
    spec = project / STORY
    original = spec.read_text(encoding="utf-8")
    server.wait_for("the story page", server.page_shows(STORY_URL, "STORY-1 · JSON export"))

    spec.write_text(original.replace("title: JSON export", "title: JSON export, renamed"))
    server.wait_for("the new title", server.page_shows(STORY_URL, "STORY-1 · JSON export, renamed"))

    spec.write_text(original.replace("title: JSON export", "title: [unclosed"))
    reported = re.compile(r"ERROR +- +roadmark: product/stories/STORY-1\.md:\d+:\d+: error RM002")
    server.wait_for("the YAML error", lambda: reported.search(server.output()) is not None)
    server.wait_for(
        "the problem on the page", server.page_shows(STORY_URL, "Problems in this spec")
    )
    assert server.get("")[0] == 200
    assert server.get("product/stories/STORY-2/")[0] == 200

    spec.write_text(original)
    server.wait_for("recovery", server.page_shows(STORY_URL, "STORY-1 · JSON export<"))
    _, body = server.get(STORY_URL)
    assert "Problems in this spec" not in body
    assert 'class="roadmark-card"' in body
    assert server.process.poll() is None
    assert "Traceback" not in server.output()
    # serve builds elsewhere: nothing was added to the project, docs/ or product/.
    assert sorted(project.rglob("*")) == files


@pytest.mark.roadmark("STORY-89/AC-5")
def test_make_serve_shows_an_edit_by_rendering_only_the_pages_it_changes(
    server: Server, tmp_path: Path
) -> None:
    """`make serve` runs the command this server runs; a title edit is rendered by the
    incremental preview (logged with how many pages), and a new file by a full rebuild."""
    makefile = (Path(__file__).parent.parent / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    assert "mkdocs serve --livereload" in recipe
    project = tmp_path / "project"
    spec = project / STORY
    server.wait_for("the story page", server.page_shows(STORY_URL, "STORY-1 · JSON export"))

    spec.write_text(spec.read_text(encoding="utf-8").replace("title: JSON export", "title: Bulk"))
    server.wait_for("the new title", server.page_shows(STORY_URL, "STORY-1 · Bulk"))
    server.wait_for("the epic's page", server.page_shows("product/epics/EPIC-1/", "Bulk"))
    rebuilt = re.compile(r"roadmark: preview: rebuilt \d+ of \d+ pages in [\d.]+ s")
    server.wait_for("the preview's log line", lambda: bool(rebuilt.search(server.output())))
    assert "preview: full rebuild" not in server.output()

    (project / "product/stories/STORY-9.md").write_text(
        spec.read_text(encoding="utf-8").replace("STORY-1", "STORY-9"), encoding="utf-8"
    )
    server.wait_for("the new story", server.page_shows("product/stories/STORY-9/", "STORY-9"))
    assert "roadmark: preview: full rebuild: 1 file(s) added or removed" in server.output()


def generated_product(folder: Path, stories: int) -> Path:
    """A benchmark corpus of `stories` stories, served with `strict: true` as we recommend."""
    config = generated_corpus(folder, stories) / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "strict: true\n", encoding="utf-8")
    return folder


def served_pages(site: Server) -> list[str]:
    """The path of every page of the served site, from its sitemap."""
    status, sitemap = site.get("sitemap.xml")
    assert status == 200
    return [url.removeprefix(site.base) for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)]


@pytest.mark.roadmark("STORY-57/AC-1", "STORY-57/AC-2", "STORY-57/AC-3")
def test_a_broken_spec_under_strict_never_stalls_the_preview(tmp_path: Path) -> None:
    project = generated_product(tmp_path / "project", stories=40)
    spec = project / "product" / "stories" / "STORY-1.md"
    original = spec.read_text(encoding="utf-8")
    with serving(project, tmp_path) as site:
        site.wait_for("the story page", site.page_shows("product/stories/STORY-1/", "STORY-1"))
        pages = served_pages(site)
        assert len(pages) > 60

        spec.write_text(original.replace("\ntitle: ", "\ntitle: [unclosed ", 1))
        reported = re.compile(r"roadmark: product/stories/STORY-1\.md:\d+:\d+: error RM002")
        site.wait_for("the YAML error", lambda: reported.search(site.output()) is not None)
        # A story that depends on the broken one is told why, not sent to another id.
        assert (
            "product/stories/STORY-2.md:9:14: error RM009: depends_on: 'STORY-1' is declared in "
            "product/stories/STORY-1.md, which cannot be read until its own error is fixed"
        ) in site.output()
        assert "did you mean" not in site.output()
        site.wait_for(
            "the problem on the page",
            site.page_shows("product/stories/STORY-1/", "Problems in this spec"),
        )
        # While the spec is broken, every page answers at once (a stalled server would
        # hold each request until the spec is fixed).
        for page in pages:
            started = time.monotonic()
            status, _ = site.get(page)
            assert (page, status) == (page, 200)
            assert time.monotonic() - started < 2.0, f"{page} took over 2 s"

        spec.write_text(original)
        site.wait_for(
            "the fixed page",
            lambda: (
                "Problems in this spec" not in site.get("product/stories/STORY-1/")[1]
                and site.get("product/stories/STORY-1/")[0] == 200
            ),
        )
        assert site.process.poll() is None
        assert "Traceback" not in site.output()
        assert "Aborted" not in site.output()
