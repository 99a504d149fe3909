"""Options are declared once and read alike by `roadmark check`, the macros and `mkdocs build`
(STORY-68), and the plugin hands each build to a per-build object that holds its state."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from roadmark.site.config import RoadmarkConfig, options_of
from roadmark.site.plugin import RoadmarkPlugin
from roadmark.spec.options import NAMES, OPTIONS, PluginOptions, read_options
from roadmark.spec.project import load_project
from sites import build, md, mkdocs_config, parse, run_tool, spec, write_project

PRODUCT = {
    "docs/index.md": "# Home\n",
    "product/stories/STORY-1.md": spec(
        "STORY-1", "story", "S", "ready", "## Acceptance criteria\n\n- AC-1: Given a, then b.\n"
    ),
}

BAD_VALUES: list[tuple[str, Any]] = [
    ("product_dir", ""),
    ("product_dir", 3),
    ("prefix", 5),
    ("nav", "yes"),
    ("nav_title", ["a"]),
    ("kinds", ["story"]),
    ("kinds", {"bug": {"statuses": "open"}}),  # its shape is right; what it says is not
    ("fields", "quarter"),
    ("rules", 1),
    ("rules", {"RM004": "loud"}),
    ("export", "no"),
    ("roadmap", 0),
    ("today", "tomorrow"),
    ("today", 20260101),
    ("risk_window_days", -1),
    ("risk_window_days", 14.5),
    ("risk_window_days", "14"),
    ("risk_window_days", True),
    ("risk_threshold", 1.5),
    ("risk_threshold", -0.1),
    ("risk_threshold", "x"),
    ("risk_threshold", ".nan"),
    ("risk_threshold", False),
    ("test_results", 3),
    ("test_results", ["reports/*.xml", 1]),
    ("test_results_required", "no"),
    ("match_test_names", 1),
    ("test_property", ""),
    ("test_property", ["roadmark"]),
    ("history", "yes"),
    ("watch_events", "on"),
    ("history_ref", ""),
    ("history_ref", "--output=x"),
    ("index_columns", ["status"]),
    ("index_columns", {"story": "status"}),
    ("index_columns", {"story": ["estimat"]}),  # its shape is right; no such column
    ("index_columns", {"storey": ["status"]}),
    ("release_notes_types", 3),
    ("release_notes_types", []),
    ("release_notes_types", ["feature", "chore"]),  # its shape is right; no such type
    ("capacity", 20),
    ("capacity", {"web": "lots"}),
    ("capacity", {"web": {"default": -1}}),
]
"""At least one wrong value (type, range, content) per option."""


def test_every_option_has_a_bad_value_tested() -> None:
    assert {name for name, _ in BAD_VALUES} == NAMES


@pytest.mark.roadmark("STORY-68/AC-2")
@pytest.mark.parametrize(("name", "value"), BAD_VALUES, ids=lambda v: repr(v)[:30])
def test_check_and_build_refuse_a_bad_value_with_one_message(
    tmp_path: Path, name: str, value: Any
) -> None:
    root = write_project(tmp_path, PRODUCT, mkdocs_config(["search", {"roadmark": {name: value}}]))
    checked = run_tool("roadmark", "check", cwd=root)
    assert checked.returncode == 2, checked.stderr
    assert "Traceback" not in checked.stderr, checked.stderr
    [line] = checked.stderr.splitlines()
    message = line.removeprefix("roadmark: error: ")
    assert message != line and name in message
    built = run_tool("mkdocs", "build", cwd=root)
    assert built.returncode != 0, built.stderr
    assert "Traceback" not in built.stderr, built.stderr
    assert message in built.stderr, built.stderr
    assert not (root / "site" / "index.html").exists()


@pytest.mark.roadmark("STORY-68/AC-2")
def test_the_mkdocs_config_declares_exactly_the_declared_options_with_their_defaults() -> None:
    declared = [spec.name for spec in dataclasses.fields(PluginOptions)]
    assert [option.name for option in OPTIONS] == declared
    assert [name for name, _ in RoadmarkConfig._schema] == declared
    assert [option.default for _, option in RoadmarkConfig._schema] == [
        getattr(PluginOptions(), name) for name in declared
    ]
    # Validated by MkDocs from nothing, they are the declaration's defaults, as the CLI reads them.
    config = RoadmarkConfig()
    config.load_dict({})
    assert config.validate() == ([], [])
    assert options_of(config) == PluginOptions() == read_options({})


@pytest.mark.roadmark("STORY-68/AC-2")
def test_mkdocs_and_the_command_line_read_good_values_alike(tmp_path: Path) -> None:
    written = md(
        """
        site_name: x
        plugins:
          - roadmark:
              product_dir: product/
              prefix: specs
              nav: false
              kinds: {bug: {statuses: [open, fixed]}}
              today: 2026-03-31
              risk_window_days: 0
              risk_threshold: 1
              test_results: reports/junit.xml
              test_results_required: false
        """
    )
    root = write_project(tmp_path, PRODUCT, written)
    config = load_config(config_file=str(root / "mkdocs.yml"))
    from_mkdocs = options_of(config.plugins["roadmark"].config)
    from_cli = load_project(cwd=root).options
    assert from_mkdocs == from_cli
    assert (from_cli.product_dir, from_cli.today, from_cli.test_results) == (
        "product",
        date(2026, 3, 31),
        ("reports/junit.xml",),
    )
    assert (from_cli.risk_window_days, from_cli.risk_threshold) == (0, 1.0)
    assert isinstance(from_cli.risk_threshold, float)


# --- AC-1: the plugin hands each build to a per-build object --------------------------------


def _project(root: Path, story: str, title: str, today: str, **options: Any) -> Path:
    files = {
        "docs/index.md": "# Home\n\nSee STORY-1 and STORY-2.\n",
        f"product/stories/{story}.md": spec(story, "story", title, "ready"),
    }
    roadmark = {"today": today, **options}
    return write_project(root, files, mkdocs_config(["search", {"roadmark": roadmark}]))


def _plugin(root: Path) -> RoadmarkPlugin:
    plugin = load_config(config_file=str(root / "mkdocs.yml")).plugins["roadmark"]
    assert isinstance(plugin, RoadmarkPlugin)
    return plugin


@pytest.mark.roadmark("STORY-68/AC-1")
def test_the_plugin_keeps_only_what_outlives_a_build(tmp_path: Path) -> None:
    """Built once, the plugin instance holds its options, the spec cache, the history last
    read, whether it serves, the preview (what the next incremental rebuild starts from)
    and the build under way: every other piece of state is the build's."""
    root = _project(tmp_path, "STORY-1", "First", "2026-01-01")
    build(root)
    plugin = _plugin(root)
    assert set(vars(plugin)) == {"config", "_cache", "_history", "_serving", "_preview", "_build"}
    assert plugin.product is not None
    assert list(plugin.product.graph.items) == ["STORY-1"]


@pytest.mark.roadmark("STORY-68/AC-1")
def test_nothing_of_one_build_reaches_the_next(tmp_path: Path) -> None:
    """As `mkdocs serve` does, one plugin instance builds two projects in turn."""
    first = _project(tmp_path / "a", "STORY-1", "First", "2026-01-01")
    second = _project(tmp_path / "b", "STORY-2", "Second", "2027-06-30", nav_title="Specs")
    build(first)
    plugin = _plugin(first)
    assert _plugin(second) is plugin  # MkDocs keeps it, as it does across rebuilds

    # A build that fails to start leaves nothing of the last one for the macros to read.
    _project(tmp_path / "b", "STORY-2", "Second", "2027-06-30", kinds={"bug": {}})
    with pytest.raises(Abort):
        build(second)
    assert (plugin.product, plugin.item_pages) == (None, {})

    _project(tmp_path / "b", "STORY-2", "Second", "2027-06-30", nav_title="Specs")
    site = build(second)
    assert plugin.product is not None
    assert list(plugin.product.graph.items) == ["STORY-2"]
    assert plugin.item_pages == {"STORY-2": "product/stories/STORY-2.md"}
    assert plugin.roadmap_options().today == date(2027, 6, 30)
    links = [a.text for a in site.article("index.md").links]
    assert "STORY-2" in links and "STORY-1" not in links  # the first build's targets are gone
    assert not (site.site_dir / "product" / "stories" / "STORY-1").exists()
    exported = json.loads((site.site_dir / "roadmark.json").read_text(encoding="utf-8"))
    assert "STORY-1" not in json.dumps(exported)
    nav = parse(site.html("index.md")).text
    assert "Specs" in nav and "First" not in nav
