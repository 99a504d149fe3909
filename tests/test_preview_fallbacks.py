"""What the preview does with each kind of change it cannot take page by page: a full
rebuild, with the reason in the log, and the site a fresh build makes (STORY-89/AC-3)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from previews import Record, Served, Session, first_difference, fresh_build
from sites import DOCS, PRODUCT, mkdocs_config, write_project

JUNIT = "reports/junit.xml"
PASSING = (
    '<testsuite name="t"><testcase classname="tests.t" name="test_json">'
    '<properties><property name="roadmark" value="STORY-1/AC-1"/></properties>'
    "</testcase></testsuite>\n"
)
FILES = {**PRODUCT, **DOCS, JUNIT: PASSING, "docs/figure.svg": "<svg/>\n"}


def served(root: Path, plugins: list[Any] | None = None) -> Session:
    """The small product served in-process, with its test results and an attachment."""
    roadmark = {"roadmark": {"test_results": [JUNIT], "today": "2026-06-01"}}
    return Session(root, FILES, mkdocs_config(plugins or ["search", roadmark]))


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    running = served(tmp_path)
    try:
        yield running
    finally:
        running.close()


def messages(log: list[Record] | None) -> list[str]:
    """The preview's lines among what a rebuild logged."""
    assert log is not None, "the change woke no rebuild"
    return [message for _, message in log if "preview: " in message]


def matches_a_fresh_build(session: Session, tmp_path: Path) -> bool:
    reference = fresh_build(session.project, tmp_path / "reference")
    return first_difference(session.served.output(), reference) is None


@pytest.mark.roadmark("STORY-89/AC-3")
def test_a_changed_config_or_test_result_is_a_full_rebuild_that_says_why(
    session: Session, tmp_path: Path
) -> None:
    config = session.project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "site_description: Plans\n")
    log = session.served.changed([config])
    assert messages(log) == ["roadmark: preview: full rebuild: mkdocs.yml changed"]

    failing = PASSING.replace("</testcase>", '<failure message="no"/></testcase>')
    _, log = session.apply({**FILES, JUNIT: failing})
    assert messages(log) == ["roadmark: preview: full rebuild: junit.xml changed"]
    assert matches_a_fresh_build(session, tmp_path)


@pytest.mark.roadmark("STORY-89/AC-3")
def test_files_added_or_removed_are_a_full_rebuild_and_attachments_are_copied(
    session: Session, tmp_path: Path
) -> None:
    _, log = session.apply({**FILES, "docs/figure.svg": "<svg><g/></svg>\n"})
    assert messages(log)[0].startswith("roadmark: preview: rebuilt 0 of ")
    assert (session.served.site_dir / "figure.svg").read_text() == "<svg><g/></svg>\n"

    files = {**FILES, "docs/more.md": "# More\n\nSee STORY-2.\n"}
    _, log = session.apply(files)
    assert messages(log) == ["roadmark: preview: full rebuild: 1 file(s) added or removed"]
    assert matches_a_fresh_build(session, tmp_path)


@pytest.mark.roadmark("STORY-89/AC-3")
def test_a_plugin_that_may_gather_across_pages_makes_every_rebuild_full(tmp_path: Path) -> None:
    plugins: list[Any] = ["search", {"minify": {"minify_html": True}}, "roadmark"]
    running = served(tmp_path, plugins)
    try:
        story = dict(FILES)
        story["product/stories/STORY-1.md"] = story["product/stories/STORY-1.md"].replace(
            "title: JSON export", "title: JSON export, renamed"
        )
        _, log = running.apply(story)
        assert messages(log) == [
            "roadmark: preview: full rebuild: plugin minify may need every page"
        ]
        assert matches_a_fresh_build(running, tmp_path)
    finally:
        running.close()


@pytest.mark.roadmark("STORY-89/AC-3")
def test_the_tags_plugin_is_page_by_page_until_a_page_lists_pages_by_tag(tmp_path: Path) -> None:
    running = served(tmp_path, ["search", "tags", "roadmark"])
    try:
        story = dict(FILES)
        story["product/stories/STORY-1.md"] = story["product/stories/STORY-1.md"].replace(
            "title: JSON export", "title: JSON export, renamed"
        )
        _, log = running.apply(story)
        assert messages(log)[0].startswith("roadmark: preview: rebuilt ")
        assert matches_a_fresh_build(running, tmp_path)

        listing = {**story, "docs/tags.md": "# Tags\n\n<!-- material/tags -->\n"}
        running.apply(listing)  # a new file: a full rebuild, which finds the listing
        _, log = running.apply({**listing, "docs/index.md": FILES["docs/index.md"] + "\nMore.\n"})
        assert messages(log) == [
            "roadmark: preview: full rebuild: the tags plugin lists pages by tag"
        ]
        assert matches_a_fresh_build(running, tmp_path)
    finally:
        running.close()


@pytest.mark.roadmark("STORY-89/AC-2")
def test_a_project_reached_through_a_link_is_rebuilt_as_it_is_edited(tmp_path: Path) -> None:
    """A checkout under a symbolic link (macOS's `/tmp`, a linked work folder): MkDocs names
    the docs pages by the path as given, so the preview must find their edits by it too,
    not by the resolved one, or a docs edit renders nothing and the page stays stale."""
    real = write_project(tmp_path / "real", PRODUCT | DOCS, mkdocs_config())
    (tmp_path / "link").symlink_to(real)
    served = Served(tmp_path / "link", tmp_path / "served")
    try:
        edited = tmp_path / "link/docs/index.md"
        edited.write_text(edited.read_text(encoding="utf-8") + "\nEdited through the link.\n")
        records = served.changed([edited])
        assert records is not None
        assert any("preview: rebuilt 1 of" in message for _, message in records), records
        assert "Edited through the link." in (tmp_path / "served/index.html").read_text()
        assert first_difference(served.output(), fresh_build(real, tmp_path / "ref")) is None
    finally:
        served.close()
