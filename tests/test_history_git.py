"""Scripted git repositories for the history tests, and the tests of the log reader itself.

A `Script` writes files into a real repository in a tmp folder and commits them with fixed
author and committer dates, so every commit's day is known exactly.
"""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

from roadmark.history.gitlog import Change, read_log
from roadmark.history.model import History
from roadmark.history.reader import read_history
from roadmark.review.git import Repository
from roadmark.spec.options import read_options
from roadmark.spec.settings import Settings

SETTINGS = read_options({}).settings()
TODAY = date(2026, 3, 31)


class Script:
    """A git repository whose history a test writes commit by commit."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        (root / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")

    def git(self, *args: str, when: str = "2026-01-01T12:00:00Z") -> str:
        """Run git with a fixed identity and fixed dates; its output."""
        env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        done = subprocess.run(
            ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
            cwd=self.root, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        return done.stdout.strip()

    def write(self, path: str, text: str) -> None:
        """Write (or overwrite) a file of the project."""
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))

    def commit(self, day: str, message: str = "change") -> str:
        """Commit everything at noon UTC on `day`; the new commit's id."""
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, when=f"{day}T12:00:00Z")
        return self.git("rev-parse", "HEAD")

    def read(self, settings: Settings = SETTINGS, **options: object) -> History:
        """The history as the build reads it."""
        return read_history(self.root, settings, today=TODAY, **options)  # type: ignore[arg-type]


def story(
    item_id: str,
    status: str,
    *,
    estimate: int | None = None,
    release: str | None = None,
    epic: str | None = None,
    implements: str | None = None,
    title: str | None = None,
    body: str = "A story.",
) -> str:
    """The text of a story file."""
    lines = ["---", f"id: {item_id}", "kind: story", f"title: {title or item_id + ' title'}"]
    lines.append(f"status: {status}")
    for name, value in (("estimate", estimate), ("release", release), ("epic", epic)):
        if value is not None:
            lines.append(f"{name}: {value}")
    if implements:
        lines.append(f"implements: [{implements}]")
    lines += [
        "---",
        "",
        body,
        "",
        "## Acceptance criteria",
        "",
        "- AC-1: Given a, when b, then c.",
        "",
    ]
    return "\n".join(lines)


def release(item_id: str, due: str, *, start: str | None = None, status: str = "planned") -> str:
    """The text of a release file."""
    started = f"start: {start}\n" if start else ""
    return (
        f"---\nid: {item_id}\nkind: release\ntitle: Release {item_id}\nstatus: {status}\n"
        f"{started}date: {due}\n---\n\nThe release.\n"
    )


def test_the_log_lists_renames_and_leaves_links_unread(tmp_path: Path) -> None:
    script = Script(tmp_path)
    script.write("product/stories/a.md", story("STORY-1", "backlog"))
    script.write("outside.md", "not product")
    script.commit("2026-01-05", "first: one story")
    (tmp_path / "product/stories/a.md").rename(tmp_path / "product/stories/b.md")
    (tmp_path / "product/stories/link.md").symlink_to("b.md")
    script.commit("2026-01-06", "second")
    repo = Repository(tmp_path)
    log = read_log(repo, script.git("rev-parse", "HEAD"), "product", None)
    assert [(c.subject, c.time) for c in log] == [
        ("first: one story", 1767614400),
        ("second", 1767700800),
    ]
    first, second = log
    assert [change.path for change in first.changes] == ["stories/a.md"]
    assert second.changes == (
        Change("stories/b.md", first.changes[0].blob, "stories/a.md"),
        Change("stories/link.md", None),
    )
    since = read_log(repo, second.sha, "product", first.sha)
    assert [c.sha for c in since] == [second.sha]
