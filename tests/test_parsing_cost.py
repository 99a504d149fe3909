"""What a build costs in parsing: each spec once per build, and under `mkdocs serve` only
the files that changed since the last build, as counted by the loader."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import Files

import roadmark.spec.loader
from sites import EPOCH, TOOL_ENV, build, mkdocs_config, spec, write_project

Parsed = Counter[str]
"""How many times the loader parsed each file, by path relative to the product folder."""


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> Parsed:
    """Counts every file the loader reads and parses from disk."""
    counts: Parsed = Counter()
    load_path = roadmark.spec.loader.load_path

    def counting(product_dir: Path, path: str, settings: Any) -> Any:
        counts[path] += 1
        return load_path(product_dir, path, settings)

    # SpecCache.load looks the function up in its module at each call.
    monkeypatch.setattr(roadmark.spec.loader, "load_path", counting)
    for name, value in {**TOOL_ENV, "SOURCE_DATE_EPOCH": EPOCH}.items():
        monkeypatch.setenv(name, value)
    return counts


def product(stories: int) -> dict[str, str]:
    """A PRD, an epic per 100 stories, and `stories` stories with a criterion each."""
    files = {
        "docs/index.md": "# Home\n",
        "product/prds/PRD-1.md": spec(
            "PRD-1", "prd", "Plan", "approved", "## Requirements\n\n- R-1: The system shall plan.\n"
        ),
    }
    for number in range(1, stories // 100 + 2):
        files[f"product/epics/EPIC-{number}.md"] = spec(
            f"EPIC-{number}", "epic", f"Epic {number}", "planned", prd="PRD-1"
        )
    for number in range(1, stories + 1):
        files[f"product/stories/STORY-{number}.md"] = spec(
            f"STORY-{number}", "story", f"Story {number}", "ready",
            "## Acceptance criteria\n\n- AC-1: Given a plan, when built, then it is shown.\n",
            epic=f"EPIC-{number // 100 + 1}", implements=["PRD-1/R-1"],
        )  # fmt: skip
    return files


@pytest.mark.roadmark("STORY-13/AC-3")
def test_a_build_parses_each_spec_exactly_once(tmp_path: Path, parsed: Parsed) -> None:
    files = product(197)
    specs = sorted(path.removeprefix("product/") for path in files if path.startswith("product/"))
    assert len(specs) == 200
    site = build(write_project(tmp_path, files, mkdocs_config()))
    assert site.warnings == []
    assert (site.site_dir / "product" / "stories" / "STORY-197" / "index.html").is_file()
    assert sorted(parsed) == specs
    assert set(parsed.values()) == {1}


class Server:
    """What `mkdocs serve` does on each rebuild, up to where specs are read: it loads the
    configuration afresh, keeps the plugins that define `on_startup` (Roadmark's, with its
    cache), and runs their events; the files the plugin adds are returned."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.plugin: Any = None

    def rebuild(self) -> Files:
        config = load_config(config_file=str(self.root / "mkdocs.yml"))
        if self.plugin is None:
            config.plugins.on_startup(command="serve", dirty=False)
            self.plugin = config.plugins["roadmark"]
        assert config.plugins["roadmark"] is self.plugin
        config = config.plugins.on_config(config)
        return config.plugins.on_files(Files([]), config=config)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Server]:
    """A product of 2,000 stories under a simulated `mkdocs serve`."""
    server = Server(write_project(tmp_path, product(2000), mkdocs_config()))
    yield server
    if server.plugin is not None:
        # MkDocs keeps the plugin instance for the whole process: leave it as a build's.
        server.plugin.on_startup(command="build", dirty=False)


def story(number: int) -> str:
    """The path of a story relative to the product folder, as the loader counts it."""
    return f"stories/STORY-{number}.md"


@pytest.mark.roadmark("STORY-19/AC-1", "STORY-19/AC-2")
def test_a_rebuild_reparses_only_what_changed(
    tmp_path: Path, parsed: Parsed, served: Server
) -> None:
    files = served.rebuild()
    assert len(parsed) == 2000 + 21 + 1
    assert set(parsed.values()) == {1}
    assert files.get_file_from_path("product/stories/STORY-20.md") is not None

    # One file edited: only it is parsed again, and its new content is what is published.
    edited = tmp_path / "product" / story(7)
    edited.write_text(edited.read_text().replace("Story 7", "Story seven"), encoding="utf-8")
    parsed.clear()
    files = served.rebuild()
    assert parsed == Counter({story(7): 1})
    page = files.get_file_from_path("product/stories/STORY-7.md")
    assert page is not None
    assert "Story seven" in page.content_string

    # A new modification time alone, or a new size at the old time, replaces the entry;
    # a deleted file leaves the graph and the site.
    touched = tmp_path / "product" / story(8)
    stat = touched.stat()
    os.utime(touched, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    resized = tmp_path / "product" / story(9)
    stat = resized.stat()
    resized.write_text(resized.read_text().replace("Story 9", "Story nine"), encoding="utf-8")
    os.utime(resized, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    (tmp_path / "product" / story(10)).unlink()
    parsed.clear()
    files = served.rebuild()
    assert parsed == Counter({story(8): 1, story(9): 1})
    page = files.get_file_from_path("product/stories/STORY-9.md")
    assert page is not None
    assert "Story nine" in page.content_string
    assert files.get_file_from_path("product/stories/STORY-10.md") is None
    graph = served.plugin.product.graph
    assert "STORY-10" not in graph.items
    assert "STORY-11" in graph.items
