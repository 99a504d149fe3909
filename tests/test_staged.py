"""`roadmark check --staged` checks the git index, not the working tree (STORY-78)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sites import spec

if TYPE_CHECKING:
    from conftest import RunCli, WriteProduct

PRODUCT = {
    "product/epics/EPIC-1.md": spec("EPIC-1", "epic", "Epic", "planned"),
    "product/stories/STORY-1.md": spec("STORY-1", "story", "One", "backlog", epic="EPIC-1"),
}
DANGLING = "product/stories/STORY-1.md:6:7: error RM009: epic: no item has id 'EPIC-1'"


def git(root: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    config = ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", *config, *args], cwd=root, env=env, check=True, capture_output=True)


@pytest.fixture
def committed(write_product: WriteProduct) -> Path:
    root = write_product(PRODUCT, mkdocs={"site_name": "x", "plugins": ["roadmark"]})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "plan")
    return root


@pytest.mark.roadmark("STORY-78/AC-2")
def test_a_staged_deletion_counts(committed: Path, run_cli: RunCli) -> None:
    git(committed, "rm", "-q", "--cached", "product/epics/EPIC-1.md")  # still on disk
    assert run_cli("check", cwd=committed).code == 0
    staged = run_cli("check", "--staged", cwd=committed)
    assert staged.code == 1
    assert staged.out.splitlines() == [DANGLING]


@pytest.mark.roadmark("STORY-78/AC-2")
def test_an_unstaged_change_does_not_count(committed: Path, run_cli: RunCli) -> None:
    (committed / "product/epics/EPIC-1.md").unlink()
    untitled = "---\nid: STORY-9\nkind: story\nstatus: backlog\n---\n"
    (committed / "product/stories/STORY-9.md").write_text(untitled, encoding="utf-8")
    on_disk = run_cli("check", cwd=committed)
    assert on_disk.code == 1 and DANGLING in on_disk.out.splitlines()
    staged = run_cli("check", "--staged", cwd=committed)
    assert staged.code == 0, staged.output
    assert staged.out == ""
    assert "checked 2 items: 0 errors, 0 warnings" in staged.err


def test_a_staged_edit_is_what_is_checked(committed: Path, run_cli: RunCli) -> None:
    story = committed / "product/stories/STORY-1.md"
    story.write_text(story.read_text().replace("EPIC-1", "EPIC-2"), encoding="utf-8")
    git(committed, "add", "product/stories/STORY-1.md")
    story.write_text(story.read_text().replace("EPIC-2", "EPIC-1"), encoding="utf-8")
    staged = run_cli("check", "--staged", cwd=committed)
    assert staged.code == 1
    assert [line.split(": epic:")[0] for line in staged.out.splitlines()] == [
        "product/stories/STORY-1.md:6:7: error RM009"
    ]


def test_staged_outside_a_repository_is_one_line_and_exit_2(
    write_product: WriteProduct, run_cli: RunCli
) -> None:
    root = write_product(PRODUCT, mkdocs={"site_name": "x", "plugins": ["roadmark"]})
    result = run_cli("check", "--staged", cwd=root)
    assert result.code == 2
    assert result.out == ""
    (line,) = result.err.splitlines()
    assert line == f"roadmark: error: {root} is not inside a git repository"
