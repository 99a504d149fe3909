"""Roadmark beside mkdocs-git-revision-date-localized-plugin, in a git repository."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from compatibility.neighbours import (
    EPIC,
    ORDERS,
    PRODUCT,
    STORY_1,
    STORY_2,
    Neighbour,
    assert_roadmark_content,
    plugins_in_order,
)
from sites import build, mkdocs_config, write_project

NEIGHBOUR = Neighbour(
    "git-revision-date-localized",
    "mkdocs-git-revision-date-localized-plugin",
    "each item page shows its spec file's own last commit date, not the build's",
    "Either order: an item page's file names its spec as `abs_src_path`, so the plugin "
    "reads the spec's history; its content is still the generated page.",
)
PLUGIN = [{"git-revision-date-localized": {"type": "iso_date", "enable_creation_date": True}}]


def commit(root: Path, paths: list[str], when: str) -> None:
    """Commit `paths` in `root` with author and committer date `when` (ISO 8601)."""
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    for args in (["add", *paths], ["commit", "-q", "-m", f"Edit {len(paths)} files"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def repository(root: Path) -> Path:
    """A git repository whose specs were each last committed on a known day."""
    root.mkdir()
    for args in (
        ["init", "-q", "-b", "main"],
        ["config", "user.name", "Test"],
        ["config", "user.email", "test@example.com"],
    ):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    return root


@pytest.mark.roadmark("STORY-76/AC-1", "STORY-76/AC-3")
@pytest.mark.parametrize("order", ORDERS)
def test_item_pages_show_their_specs_commit_dates(tmp_path: Path, order: str) -> None:
    root = repository(tmp_path / "project")
    repo = {
        "repo_url": "https://github.com/acme/shop",
        "edit_uri": "edit/main/docs/",
        "theme": {"name": "material", "font": False, "features": ["content.action.edit"]},
    }
    write_project(root, PRODUCT, mkdocs_config(plugins_in_order(PLUGIN, order), **repo))
    commit(root, [*PRODUCT, "mkdocs.yml"], "2026-01-05T10:00:00+00:00")
    for path, when in [(STORY_1, "2026-02-10"), (STORY_2, "2026-03-15")]:
        with (root / path).open("a", encoding="utf-8") as spec_file:
            spec_file.write("\nReviewed.\n")
        commit(root, [path], f"{when}T10:00:00+00:00")
    site = build(root, strict=True)
    assert_roadmark_content(site)
    for page, day in [(STORY_1, "2026-02-10"), (STORY_2, "2026-03-15"), (EPIC, "2026-01-05")]:
        dates = site.page(page).find_all(cls="git-revision-date-localized-plugin")
        assert [node.text for node in dates] == [day, "2026-01-05"], page  # updated, created
    # The page is still the generated one, not the spec's Markdown read from its path.
    assert site.article(STORY_1).find(cls="roadmark-card") is not None
    assert "---" not in site.article(STORY_1).text
    # And "edit" still opens the spec in the repository.
    edit = site.page(STORY_1).find("a", cls="md-content__button")
    assert edit is not None
    assert edit.get("href") == f"https://github.com/acme/shop/edit/main/{STORY_1}"
