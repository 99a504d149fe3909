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
from dataclasses import dataclass
from pathlib import Path

import pytest

from sites import DOCS, EPOCH, PRODUCT, TOOL_ENV, console_script, mkdocs_config, write_project

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


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """`mkdocs serve --livereload` on the small product, on a free loopback port."""
    project = write_project(tmp_path / "project", PRODUCT | DOCS, mkdocs_config())
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
