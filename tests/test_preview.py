"""Under `mkdocs serve` a strict build shows spec problems without aborting, and rebuilds
in one process do not accumulate memory. These tests also pin the MkDocs internals the
preview relies on (`roadmark.site.preview`): a release that changes them fails here."""

from __future__ import annotations

import inspect
import json
import logging
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from mkdocs.commands import build as mkdocs_build_module
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from mkdocs.livereload import LiveReloadServer
from mkdocs.utils import CountHandler

from roadmark.site import preview
from sites import DOCS, EPOCH, PRODUCT, TOOL_ENV, build, mkdocs_config, write_project

BROKEN = "product/stories/STORY-1.md"


def broken_project(root: Path) -> Path:
    """The small product with `strict: true` and one spec whose YAML does not parse."""
    project = write_project(root, PRODUCT | DOCS, mkdocs_config(strict=True))
    spec = project / BROKEN
    spec.write_text(spec.read_text(encoding="utf-8").replace("title: ", "title: [", 1))
    return project


@contextmanager
def started_as(project: Path, command: str) -> Iterator[None]:
    """Tell the (process-wide, cached) plugin instances which command runs, then reset them."""
    config = load_config(config_file=str(project / "mkdocs.yml"))
    config.plugins.on_startup(command=command, dirty=False)
    try:
        yield
    finally:
        config.plugins.on_startup(command="build", dirty=False)


def test_mkdocs_counts_strict_warnings_with_a_count_handler_seen_in_on_config(
    tmp_path: Path,
) -> None:
    """The internals `preview.py` relies on: a CountHandler on `mkdocs`, there in on_config."""
    seen: list[bool] = []

    class Probe:
        def on_config(self, config: object) -> object:
            handlers = logging.getLogger("mkdocs").handlers
            seen.append(any(isinstance(handler, CountHandler) for handler in handlers))
            return config

    project = write_project(tmp_path / "p", DOCS, mkdocs_config(plugins=["search"], strict=True))
    config = load_config(config_file=str(project / "mkdocs.yml"))
    config.plugins.events["config"].append(Probe().on_config)
    mkdocs_build(config)
    assert seen == [True]
    assert CountHandler(level=logging.WARNING).filters == []


@pytest.mark.roadmark("STORY-57/AC-1")
def test_a_strict_preview_build_logs_spec_problems_and_still_builds(tmp_path: Path) -> None:
    project = broken_project(tmp_path / "project")
    with started_as(project, "serve"):
        site = build(project, strict=True)
    errors = [message for level, message in site.messages if level == logging.ERROR]
    assert any(f"roadmark: {BROKEN}:" in message and "RM002" in message for message in errors)
    assert "Problems in this spec" in site.html("product/stories/STORY-1.md")
    # A problem that is not the specs' (a broken docs link) still aborts, as MkDocs decides.
    (project / "docs" / "index.md").write_text("[gone](missing.md)\n", encoding="utf-8")
    with started_as(project, "serve"), pytest.raises(Abort):
        build(project, strict=True)


@pytest.mark.roadmark("STORY-57/AC-1")
def test_a_strict_one_shot_build_still_fails_on_spec_problems(tmp_path: Path) -> None:
    project = broken_project(tmp_path / "project")
    with started_as(project, "build"), pytest.raises(Abort):
        build(project, strict=True)


REBUILDS = """
import gc, json, logging, os, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config

logging.getLogger("mkdocs").setLevel(logging.ERROR)
config_file = sys.argv[1]
load_config(config_file=config_file).plugins.on_startup(command="serve", dirty=False)
page = os.sysconf("SC_PAGE_SIZE")
for _ in range(int(sys.argv[2])):
    build(load_config(config_file=config_file))  # as `mkdocs serve` does on each change
    gc.collect()
    with open("/proc/self/statm") as statm:
        rss = int(statm.read().split()[1]) * page
    print(json.dumps([len(gc.get_objects()), gc.get_freeze_count(), rss]), flush=True)
"""


@pytest.mark.roadmark("STORY-58/AC-1")
def test_fifty_rebuilds_in_one_process_keep_objects_and_memory_flat(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", PRODUCT | DOCS, mkdocs_config())
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(REBUILDS), str(project / "mkdocs.yml"), "50"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**TOOL_ENV, "SOURCE_DATE_EPOCH": EPOCH, "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    samples = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(samples) == 50
    # The first builds fill caches (Jinja templates, Markdown instances, the spec cache);
    # from the tenth on, nothing may accumulate.
    objects = [sample[0] for sample in samples[9:]]
    frozen = {sample[1] for sample in samples}
    rss = [sample[2] for sample in samples[9:]]
    assert frozen == {0}, "a rebuild froze objects out of the collector"
    assert max(objects) - objects[0] < 2_000, f"tracked objects grew: {objects[0]} → {objects}"
    assert max(rss) - rss[0] < 16 * 2**20, f"resident memory grew by {max(rss) - rss[0]} bytes"


# --- The internals the incremental preview relies on (`site/preview.py`) ---------------------


def test_mkdocs_renders_a_page_in_two_steps_that_take_what_the_preview_passes() -> None:
    """`render_page` calls MkDocs' own page steps; their parameters must stay as they are."""
    populate = inspect.signature(mkdocs_build_module._populate_page)
    assert list(populate.parameters)[:3] == ["page", "config", "files"]
    build_page = inspect.signature(mkdocs_build_module._build_page)
    assert list(build_page.parameters)[:5] == ["page", "config", "doc_files", "nav", "env"]
    assert "excluded" in build_page.parameters


def test_the_live_reload_server_rebuilds_through_its_builder_attribute() -> None:
    """The preview replaces `server.builder`; the build loop must call that attribute."""
    loop = inspect.getsource(LiveReloadServer._build_loop)
    assert "self.builder()" in loop
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=".")
    try:
        preview.install_builder(server, print)
        assert server.builder is print
    finally:
        server.server_close()  # its socket is made, never bound


def test_material_search_keeps_its_entries_in_page_order_until_it_writes_them(
    tmp_path: Path,
) -> None:
    """The preview swaps a page's entries in `search_index.entries` before the index is
    written; Material must keep them there, one page's together, as `on_page_context` adds
    them."""
    project = write_project(tmp_path / "p", DOCS, mkdocs_config(plugins=["search"]))
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(tmp_path / "s"))
    mkdocs_build(config)
    entries = preview.search_entries(config)
    assert entries is not None and entries
    written = json.loads((tmp_path / "s/search/search_index.json").read_text(encoding="utf-8"))
    assert written["docs"] == entries
    pages = [str(entry["location"]).partition("#")[0] for entry in entries]
    assert pages == sorted(pages, key=pages.index)  # each page's entries come together
