"""`roadmark diff`: the change to the plan between two revisions of real git repositories."""

from __future__ import annotations

import json
import os
import pty
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from sites import console_script

if TYPE_CHECKING:
    from conftest import RunCli

GIT_ENV = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
MKDOCS = "site_name: Test\nplugins:\n  - roadmark:\n      product_dir: specs\n"


class Repo:
    """A git repository in a temporary folder, with the specs under `specs/`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, cwd: Path | None = None) -> str:
        done = subprocess.run(
            [
                "git",
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "commit.gpgsign=false",
                *args,
            ],
            cwd=cwd or self.root,
            env=GIT_ENV,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def write(self, files: Mapping[str, str | None]) -> None:
        """Write files by path relative to the repository; None deletes one."""
        for path, text in files.items():
            target = self.root / path
            if text is None:
                target.unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")

    def commit(self, files: Mapping[str, str | None], message: str = "change") -> str:
        """Write files, stage everything and commit; returns the commit id."""
        self.write(files)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def move(self, old: str, new: str) -> None:
        (self.root / new).parent.mkdir(parents=True, exist_ok=True)
        (self.root / old).rename(self.root / new)


def spec(fields: Mapping[str, Any], body: str = "") -> str:
    lines = ["---"]
    for name, value in fields.items():
        if isinstance(value, list):
            value = "[" + ", ".join(value) + "]"
        lines.append(f"{name}: {value}")
    return "\n".join([*lines, "---", "", body])


WORDS = ("export", "audit", "search", "retry", "archive", "preview", "notify", "sync", "cache")


def story(
    item_id: str,
    title: str | None = None,
    status: str = "ready",
    criteria: Sequence[str] = ("Given a plan, when it changes, then reviewers see it.",),
    prose: str | None = None,
    **fields: Any,
) -> str:
    """A story whose default title and text differ from every other story's, as real ones do."""
    number = int(item_id.rsplit("-", 1)[1])
    verb, thing = WORDS[number % len(WORDS)], WORDS[(number // len(WORDS) + 3) % len(WORDS)]
    title = title or f"{verb.title()} the {thing} log {number}"
    prose = (
        prose or f"As an operator, I want to {verb} each {thing} entry, so that work {number} ends."
    )
    front = {"id": item_id, "kind": "story", "title": title}
    front |= {"status": status, "epic": "EPIC-1", "estimate": 3} | fields
    body = prose + "\n\n## Acceptance criteria\n\n"
    body += "".join(f"- AC-{n}: {text}\n" for n, text in enumerate(criteria, 1))
    return spec(front, body)


def base_files() -> dict[str, str | None]:
    prd = spec(
        {"id": "PRD-1", "kind": "prd", "title": "Review", "status": "approved"},
        "## Requirements\n\n- R-1: The system shall show added stories.\n"
        "- R-2: The system shall show removed stories.\n",
    )
    return {
        "mkdocs.yml": MKDOCS,
        "specs/prds/PRD-1.md": prd,
        "specs/epics/EPIC-1.md": spec(
            {"id": "EPIC-1", "kind": "epic", "title": "Diff", "status": "planned", "prd": "PRD-1"}
        ),
        "specs/releases/R1.md": spec(
            {"id": "R1", "kind": "release", "title": "First", "status": "planned"}
        ),
        "specs/releases/R2.md": spec(
            {"id": "R2", "kind": "release", "title": "Second", "status": "planned"}
        ),
        "specs/stories/STORY-1.md": story("STORY-1", release="R1", implements=["PRD-1/R-1"]),
        "specs/stories/STORY-2.md": story("STORY-2", release="R1", implements=["PRD-1/R-1"]),
        "specs/stories/STORY-3.md": story("STORY-3", release="R1", estimate=5),
        "specs/stories/STORY-4.md": story("STORY-4", release="R2", depends_on=["STORY-5"]),
        "specs/stories/STORY-5.md": story(
            "STORY-5",
            release="R2",
            prose="As an author, I want long-lived ids, so that links keep working for years.",
        ),
    }


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """A repository whose first commit on `main` holds the base product."""
    made = Repo(tmp_path / "repo")
    made.commit(base_files(), "base")
    return made


def diff_json(run_cli: RunCli, repo: Repo, *args: str, cwd: Path | None = None) -> dict[str, Any]:
    result = run_cli("diff", *args, "--format", "json", cwd=cwd or repo.root)
    assert result.code == 0, result.output
    return json.loads(result.out)


def changes(report: dict[str, Any], change: str) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in report["items"] if item["change"] == change}


def field_changes(item: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {f["name"]: (f["before"], f["after"]) for f in item["fields"]}


def scope(report: dict[str, Any]) -> dict[str | None, dict[str, Any]]:
    return {row["release"]: row for row in report["scope"]}


def scope_figures(row: dict[str, Any]) -> tuple[tuple[float, float], tuple[int, int]]:
    """(points before, after), (stories before, after) of a release scope row."""
    points = (row["points_before"], row["points_after"])
    return points, (row["stories_before"], row["stories_after"])


@pytest.mark.roadmark("STORY-40/AC-1")
def test_added_removed_and_moved_items(repo: Repo, run_cli: RunCli) -> None:
    base = repo.git("rev-parse", "HEAD").strip()
    repo.move("specs/stories/STORY-3.md", "specs/archive/STORY-3.md")
    head = repo.commit(
        {"specs/stories/STORY-6.md": story("STORY-6"), "specs/stories/STORY-2.md": None}
    )
    report = diff_json(run_cli, repo, base, head)
    assert list(changes(report, "added")) == ["STORY-6"]
    assert list(changes(report, "removed")) == ["STORY-2"]
    moved = changes(report, "moved")
    assert list(moved) == ["STORY-3"]
    assert moved["STORY-3"]["old_path"] == "specs/stories/STORY-3.md"
    assert moved["STORY-3"]["path"] == "specs/archive/STORY-3.md"
    summary = report["summary"]
    assert (summary["added"], summary["removed"], summary["moved"]) == (1, 1, 1)
    assert (summary["renamed"], summary["modified"]) == (0, 0)


@pytest.mark.roadmark("STORY-40/AC-2")
def test_status_transition_release_move_and_estimate(repo: Repo, run_cli: RunCli) -> None:
    base = repo.git("rev-parse", "HEAD").strip()
    head = repo.commit(
        {
            "specs/stories/STORY-1.md": story(
                "STORY-1", status="in-progress", release="R2", estimate=5, implements=["PRD-1/R-1"]
            )
        }
    )
    report = diff_json(run_cli, repo, base, head)
    (item,) = changes(report, "modified").values()
    assert item["id"] == "STORY-1"
    assert field_changes(item) == {
        "status": ("ready", "in-progress"),
        "release": ("R1", "R2"),
        "estimate": (3, 5),
    }
    rows = scope(report)
    # R1 held STORY-1 (3), STORY-2 (3), STORY-3 (5); R2 held STORY-4 and STORY-5 (3 each).
    assert scope_figures(rows["R1"]) == ((11, 8), (3, 2))
    assert scope_figures(rows["R2"]) == ((6, 11), (2, 3))
    assert rows["R2"]["title"] == "Second"

    text = run_cli("diff", base, head, cwd=repo.root).out
    assert "status: ready → in-progress" in text
    assert "R1 First: 11 → 8 (−3) points, 3 → 2 (−1) stories" in text


@pytest.mark.roadmark("STORY-42/AC-1")
def test_a_story_moved_between_releases_changes_both_scopes(repo: Repo, run_cli: RunCli) -> None:
    base = repo.git("rev-parse", "HEAD").strip()
    head = repo.commit({"specs/stories/STORY-3.md": story("STORY-3", release="R2", estimate=5)})
    report = diff_json(run_cli, repo, base, head)
    rows = scope(report)
    # STORY-3 (5 points) leaves R1 (3 + 3 + 5) for R2 (3 + 3).
    assert scope_figures(rows["R1"]) == ((11, 6), (3, 2))
    assert scope_figures(rows["R2"]) == ((6, 11), (2, 3))
    text = run_cli("diff", base, head, cwd=repo.root).out
    assert "R1 First: 11 → 6 (−5) points, 3 → 2 (−1) stories" in text
    assert "R2 Second: 6 → 11 (+5) points, 2 → 3 (+1) stories" in text


@pytest.mark.roadmark("STORY-42/AC-2")
def test_cancelled_story_leaves_its_release_scope(repo: Repo, run_cli: RunCli) -> None:
    base = repo.git("rev-parse", "HEAD").strip()
    cancelled = story("STORY-3", status="cancelled", release="R1", estimate=5)
    head = repo.commit({"specs/stories/STORY-3.md": cancelled})
    row = scope(diff_json(run_cli, repo, base, head))["R1"]
    assert scope_figures(row) == ((11, 6), (3, 2))


@pytest.mark.roadmark("STORY-41/AC-1")
def test_reworded_criterion_is_shown_word_by_word(repo: Repo, run_cli: RunCli) -> None:
    base = repo.git("rev-parse", "HEAD").strip()
    reworded = "Given a spec, when it changes, then reviewers see it."
    head = repo.commit(
        {
            "specs/stories/STORY-3.md": story(
                "STORY-3", release="R1", estimate=5, criteria=[reworded, "Given x, then y."]
            )
        }
    )
    report = diff_json(run_cli, repo, base, head)
    (item,) = changes(report, "modified").values()
    reworded_clause, added_clause = item["clauses"]
    assert reworded_clause["local_id"] == "AC-1"
    assert reworded_clause["change"] == "reworded"
    assert [w for w in reworded_clause["words"] if w["op"] != "equal"] == [
        {"op": "delete", "text": "plan,"},
        {"op": "insert", "text": "spec,"},
    ]
    assert (added_clause["local_id"], added_clause["change"]) == ("AC-2", "added")
    assert not item["text_changed"]

    text = run_cli("diff", base, head, cwd=repo.root).out
    assert "AC-1 reworded: Given a [-plan,-] {+spec,+} when it changes" in text
    markdown = run_cli("diff", base, head, "--format", "markdown", cwd=repo.root).out
    assert "<del>plan,</del> <ins>spec,</ins>" in markdown


@pytest.mark.roadmark("STORY-41/AC-1")
def test_a_criterion_changed_by_two_words_marks_both(repo: Repo, run_cli: RunCli) -> None:
    base = repo.git("rev-parse", "HEAD").strip()
    reworded = "Given a plan, when it grows, then authors see it."
    head = repo.commit(
        {
            "specs/stories/STORY-3.md": story(
                "STORY-3", release="R1", estimate=5, criteria=[reworded]
            )
        }
    )
    report = diff_json(run_cli, repo, base, head)
    (item,) = changes(report, "modified").values()
    (clause,) = item["clauses"]
    assert (clause["local_id"], clause["change"]) == ("AC-1", "reworded")
    marked = [(w["op"], w["text"]) for w in clause["words"] if w["op"] != "equal"]
    assert sorted(marked) == [
        ("delete", "changes,"),
        ("delete", "reviewers"),
        ("insert", "authors"),
        ("insert", "grows,"),
    ]
    text = run_cli("diff", base, head, cwd=repo.root).out
    assert "[-changes,-] {+grows,+}" in text
    assert "[-reviewers-] {+authors+}" in text


def test_rewrapped_criterion_is_not_a_change(repo: Repo, run_cli: RunCli) -> None:
    base = repo.git("rev-parse", "HEAD").strip()
    rewrapped = "Given a plan, when it changes,\n  then reviewers see it."
    head = repo.commit(
        {
            "specs/stories/STORY-3.md": story(
                "STORY-3", release="R1", estimate=5, criteria=[rewrapped]
            )
        }
    )
    assert diff_json(run_cli, repo, base, head)["items"] == []


@pytest.mark.roadmark("STORY-41/AC-2")
def test_changed_requirement_lists_the_stories_implementing_it(repo: Repo, run_cli: RunCli) -> None:
    base = repo.git("rev-parse", "HEAD").strip()
    prd = (repo.root / "specs/prds/PRD-1.md").read_text(encoding="utf-8")
    changed = prd.replace("show added stories", "show added and renamed stories")
    head = repo.commit({"specs/prds/PRD-1.md": changed})
    report = diff_json(run_cli, repo, base, head)
    (item,) = changes(report, "modified").values()
    assert [(c["local_id"], c["change"]) for c in item["clauses"]] == [("R-1", "reworded")]
    assert [(i["id"], i["cause"]) for i in report["impact"]] == [
        ("STORY-1", "PRD-1/R-1"),
        ("STORY-2", "PRD-1/R-1"),
    ]
    assert report["impact"][0]["reason"] == "implements PRD-1/R-1, which was reworded"


@pytest.mark.roadmark("STORY-41/AC-3")
def test_items_depending_on_a_removed_item_are_impacted(repo: Repo, run_cli: RunCli) -> None:
    base = repo.git("rev-parse", "HEAD").strip()
    head = repo.commit({"specs/stories/STORY-5.md": None})
    report = diff_json(run_cli, repo, base, head)
    assert list(changes(report, "removed")) == ["STORY-5"]
    assert [(i["id"], i["reason"]) for i in report["impact"]] == [
        ("STORY-4", "depends_on STORY-5, which was removed")
    ]
    assert [p["code"] for p in report["new_problems"]] == ["RM009"]


@pytest.mark.roadmark("STORY-40/AC-4")
@pytest.mark.parametrize("broken_side", ["head", "base"])
def test_broken_yaml_on_one_side_is_reported(repo: Repo, run_cli: RunCli, broken_side: str) -> None:
    good = repo.git("rev-parse", "HEAD").strip()
    broken_text = "---\nid: STORY-4\nkind: story\ntitle: [unclosed\n---\n\nBody.\n"
    broken = repo.commit({"specs/stories/STORY-4.md": broken_text})
    base, head = (good, broken) if broken_side == "head" else (broken, good)
    result = run_cli("diff", base, head, "--format", "json", cwd=repo.root)
    assert result.code == 0, result.output
    assert "Traceback" not in result.output
    report = json.loads(result.out)
    (unreadable,) = report["unreadable"]
    assert unreadable["side"] == broken_side
    assert unreadable["path"] == "specs/stories/STORY-4.md"
    assert unreadable["item"] == "STORY-4"
    assert "invalid YAML" in unreadable["reason"]
    assert report["items"] == []  # not reported as removed or added
    moved_problems = report["new_problems" if broken_side == "head" else "fixed_problems"]
    assert "RM002" in [p["code"] for p in moved_problems]
    text = run_cli("diff", base, head, cwd=repo.root).out
    assert f"specs/stories/STORY-4.md (STORY-4) in {broken_side.upper()}" in text


@pytest.mark.roadmark("STORY-40/AC-3")
def test_an_id_change_in_a_nearly_identical_file_is_a_rename(repo: Repo, run_cli: RunCli) -> None:
    base = repo.git("rev-parse", "HEAD").strip()
    old = (repo.root / "specs/stories/STORY-5.md").read_text(encoding="utf-8")
    head = repo.commit(
        {
            "specs/stories/STORY-5.md": None,
            "specs/stories/STORY-50.md": old.replace("STORY-5", "STORY-50"),
            "specs/stories/STORY-2.md": None,
            "specs/stories/STORY-7.md": story(
                "STORY-7",
                title="Something else entirely",
                prose="As an admin, I want audit logs exported nightly, so that compliance is met.",
                criteria=["Given a night, when the export runs, then a file is written."],
            ),
        }
    )
    report = diff_json(run_cli, repo, base, head)
    renamed = changes(report, "renamed")
    assert list(renamed) == ["STORY-50"]
    assert renamed["STORY-50"]["old_id"] == "STORY-5"
    assert renamed["STORY-50"]["old_path"] == "specs/stories/STORY-5.md"
    assert list(changes(report, "added")) == ["STORY-7"]
    assert list(changes(report, "removed")) == ["STORY-2"]
    # STORY-4 still depends on the old id.
    assert [(i["id"], i["cause"]) for i in report["impact"]] == [("STORY-4", "STORY-5")]


@pytest.mark.roadmark("STORY-39/AC-1", "STORY-39/AC-3", "STORY-38/AC-2")
def test_working_tree_edits_are_head_and_nothing_is_touched(repo: Repo, run_cli: RunCli) -> None:
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"specs/stories/STORY-6.md": story("STORY-6")}, "committed on the branch")
    repo.write(
        {
            "specs/stories/STORY-1.md": story(
                "STORY-1", status="in-progress", release="R1", implements=["PRD-1/R-1"]
            ),
            "specs/stories/STORY-7.md": story("STORY-7"),  # untracked
        }
    )
    repo.git("add", "specs/stories/STORY-1.md")  # staged, to see the index is left alone
    status = repo.git("status", "--porcelain")
    index = (repo.root / ".git/index").read_bytes()

    report = diff_json(run_cli, repo)

    assert report["head"] == "working tree"
    assert report["base"].startswith("merge-base with main (")
    assert list(changes(report, "added")) == ["STORY-6", "STORY-7"]
    assert field_changes(changes(report, "modified")["STORY-1"]) == {
        "status": ("ready", "in-progress")
    }
    assert repo.git("status", "--porcelain") == status
    assert (repo.root / ".git/index").read_bytes() == index


@pytest.mark.roadmark("STORY-39/AC-1")
def test_default_base_is_the_merge_base_with_the_default_branch(
    repo: Repo, run_cli: RunCli
) -> None:
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"specs/stories/STORY-6.md": story("STORY-6")})
    repo.git("checkout", "-q", "main")
    repo.commit({"specs/stories/STORY-8.md": story("STORY-8")}, "main moves on")
    repo.git("checkout", "-q", "feature")
    report = diff_json(run_cli, repo)
    # STORY-8 landed on main after the fork: it is not this branch's removal.
    assert [item["id"] for item in report["items"]] == ["STORY-6"]


def test_default_branch_comes_from_origin_head(repo: Repo, run_cli: RunCli, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    repo.git("clone", "-q", str(repo.root), str(clone))
    cloned = Repo.__new__(Repo)
    cloned.root = clone
    cloned.git("checkout", "-q", "-b", "work")
    cloned.write({"specs/stories/STORY-6.md": story("STORY-6")})
    report = diff_json(run_cli, cloned)
    assert report["base"].startswith("merge-base with origin/main (")
    assert list(changes(report, "added")) == ["STORY-6"]


@pytest.mark.roadmark("STORY-39/AC-2")
def test_runs_from_a_subfolder_with_the_configured_product_folder(
    repo: Repo, run_cli: RunCli
) -> None:
    base = repo.git("rev-parse", "HEAD").strip()
    repo.write({"specs/stories/STORY-6.md": story("STORY-6")})
    (repo.root / "docs").mkdir()
    from_root = diff_json(run_cli, repo, base)
    for folder in ("specs/stories", "docs"):
        assert diff_json(run_cli, repo, base, cwd=repo.root / folder) == from_root
    assert list(changes(from_root, "added")) == ["STORY-6"]


@pytest.mark.roadmark("STORY-43/AC-1", "STORY-43/AC-2", "STORY-43/AC-3")
def test_new_errors_fail_only_with_fail_on(repo: Repo, run_cli: RunCli) -> None:
    base = repo.git("rev-parse", "HEAD").strip()
    dangling = story("STORY-1", release="R9", implements=["PRD-1/R-1"])
    head = repo.commit({"specs/stories/STORY-1.md": dangling})
    gated = run_cli(
        "diff", base, head, "--fail-on", "new-errors", "--format", "json", cwd=repo.root
    )
    assert gated.code == 1
    (problem,) = json.loads(gated.out)["new_problems"]
    assert (problem["code"], problem["path"], problem["severity"]) == (
        "RM009",
        "specs/stories/STORY-1.md",
        "error",
    )
    assert run_cli("diff", base, head, cwd=repo.root).code == 0

    # The error is in both revisions now: not new; moving it to another line changes nothing.
    later = repo.commit(
        {"specs/stories/STORY-1.md": "\n".join(["---", "# moved", *dangling.split("\n")[1:]])}
    )
    assert run_cli("diff", head, later, "--fail-on", "new-errors", cwd=repo.root).code == 0
    assert diff_json(run_cli, repo, head, later)["new_problems"] == []

    fixed = repo.commit({"specs/stories/STORY-1.md": story("STORY-1", release="R1")})
    report = diff_json(run_cli, repo, later, fixed)
    assert [p["code"] for p in report["fixed_problems"]] == ["RM009"]
    assert report["new_problems"] == []
    assert run_cli("diff", later, fixed, "--fail-on", "new-errors", cwd=repo.root).code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["no-such-rev"],
            "unknown revision 'no-such-rev'",
            marks=pytest.mark.roadmark("STORY-39/AC-4"),
        ),
        (["HEAD", "--bad"], "unrecognized arguments"),
        pytest.param(
            ["HEAD", "main~5"],
            "unknown revision 'main~5'",
            marks=pytest.mark.roadmark("STORY-39/AC-4"),
        ),
    ],
)
def test_usage_errors_exit_2_without_traceback(
    repo: Repo, run_cli: RunCli, args: list[str], message: str
) -> None:
    result = run_cli("diff", *args, cwd=repo.root)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.output


def test_a_product_folder_in_neither_revision_is_a_usage_error(repo: Repo, run_cli: RunCli) -> None:
    repo.write({"other.yml": MKDOCS.replace("product_dir: specs", "product_dir: spec")})
    result = run_cli("diff", "HEAD", "--config", "other.yml", cwd=repo.root)
    assert result.code == 2
    assert "no product folder 'spec' in HEAD (" in result.err


def test_outside_a_repository_is_a_usage_error(tmp_path: Path, run_cli: RunCli) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    result = run_cli("diff", cwd=folder)
    assert result.code == 2
    assert "not inside a git repository" in result.err
    assert "Traceback" not in result.output


@pytest.mark.roadmark("STORY-44/AC-1", "STORY-44/AC-2")
def test_markdown_report_of_500_changes_stays_under_the_comment_limit(
    tmp_path: Path, run_cli: RunCli
) -> None:
    repo = Repo(tmp_path / "big")
    files: dict[str, str | None] = dict(base_files())
    for n in range(100, 600):
        files[f"specs/stories/STORY-{n}.md"] = story(f"STORY-{n}", release="R1")
    base = repo.commit(files)
    changed: dict[str, str | None] = {
        f"specs/stories/STORY-{n}.md": story(
            f"STORY-{n}",
            title=f"Story {n} with a longer title that reviewers will read",
            status="in-progress",
            release="R2",
            criteria=[f"Given story {n}, when it changes, then the report says so."],
        )
        for n in range(100, 600)
    }
    head = repo.commit(changed)
    result = run_cli("diff", base, head, "--format", "markdown", cwd=repo.root)
    assert result.code == 0, result.err
    markdown = result.out
    assert len(markdown) < 65_000
    assert markdown.startswith("### Roadmark: changes to the plan")
    assert "**500 modified; 0 new problems, 0 fixed**" in markdown
    shown = markdown.count("\n- **STORY-")
    assert 0 < shown < 500
    assert f"<details><summary>Modified items ({shown} of 500)</summary>" in markdown
    note = markdown.rstrip().rsplit("\n\n", 1)[-1]
    assert note.startswith("> [!NOTE]\n> Left out ")
    assert f"Left out {500 - shown} entries" in note
    assert f"{500 - shown} of 500 modified items" in note

    report = diff_json(run_cli, repo, base, head)
    assert len(changes(report, "modified")) == 500


def test_spec_values_are_escaped_in_markdown(repo: Repo, run_cli: RunCli) -> None:
    base = repo.git("rev-parse", "HEAD").strip()
    title = "'<script>alert(1)</script> | *bold* [link](x)'"
    head = repo.commit({"specs/stories/STORY-6.md": story("STORY-6", title=title)})
    markdown = run_cli("diff", base, head, "--format", "markdown", cwd=repo.root).out
    assert "<script>" not in markdown
    assert r"&lt;script&gt;alert(1)&lt;/script&gt; \| \*bold\* \[link\](x)" in markdown


@pytest.mark.roadmark("STORY-44/AC-3")
def test_json_and_text_report_the_same_changes(repo: Repo, run_cli: RunCli) -> None:
    base = repo.git("rev-parse", "HEAD").strip()
    head = repo.commit(
        {"specs/stories/STORY-6.md": story("STORY-6"), "specs/stories/STORY-2.md": None}
    )
    report = diff_json(run_cli, repo, base, head)
    text = run_cli("diff", base, head, cwd=repo.root).out
    assert text.splitlines()[1] == "1 added, 1 removed; 0 new problems, 0 fixed"
    for item in report["items"]:
        assert f"{item['id']} {item['kind']} {item['title']}" in text


def run_on_a_terminal(cwd: Path, *args: str) -> tuple[int, str]:
    """Run `roadmark` with its standard output on a pseudo-terminal: (exit status, output)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_MKDOCS_2_WARNING": "1"}
    env.pop("GITHUB_ACTIONS", None)
    leader, follower = pty.openpty()
    with subprocess.Popen(
        [console_script("roadmark"), *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.PIPE,
    ) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal closed when the process ended
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        assert process.stderr is not None
        process.stderr.read()
        code = process.wait(timeout=120)
    return code, b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.mark.roadmark("STORY-44/AC-4")
def test_on_a_terminal_without_format_the_diff_is_text(repo: Repo, run_cli: RunCli) -> None:
    base = repo.git("rev-parse", "HEAD").strip()
    head = repo.commit({"specs/stories/STORY-6.md": story("STORY-6")})
    code, output = run_on_a_terminal(repo.root, "diff", base, head)
    assert code == 0
    assert output == run_cli("diff", base, head, "--format", "text", cwd=repo.root).out
    assert output.splitlines()[1] == "1 added; 0 new problems, 0 fixed"
    assert not output.lstrip().startswith(("{", "###"))
