"""The CI recipes: the documented GitHub Actions workflow and the pre-commit hook."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from packaging.requirements import Requirement

if TYPE_CHECKING:
    from conftest import RunCli, WriteProduct

ROOT = Path(__file__).resolve().parents[1]

SPECS = {
    "product/epics/EPIC-1.md": "---\nid: EPIC-1\nkind: epic\ntitle: E\nstatus: planned\n---\n",
    "product/stories/STORY-1.md": "---\nid: STORY-1\nkind: story\ntitle: S\nstatus: backlog\n"
    "epic: EPIC-1\n---\n",
}
"""A clean product: an epic and a story in it."""


def documented_workflow() -> dict[str, Any]:
    """The first YAML block of docs/ci.md: the workflow users copy."""
    text = (ROOT / "docs/ci.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", text, re.DOTALL)
    assert block is not None
    return yaml.safe_load(block[1])


@pytest.mark.roadmark("STORY-48/AC-1")
def test_workflow_checks_comments_the_diff_and_uploads_the_site() -> None:
    (job,) = documented_workflow()["jobs"].values()
    steps = job["steps"]
    runs = "\n".join(step.get("run", "") for step in steps)
    uses = [step.get("uses", "") for step in steps]
    assert "roadmark check --format github" in runs
    assert re.search(r"roadmark diff .*--format markdown > roadmark-diff\.md", runs)
    comment = next(s for s in steps if s.get("uses", "").startswith("marocchino/sticky"))
    assert comment["with"]["path"] == "roadmark-diff.md"
    assert "mkdocs build --strict" in runs
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "site/"
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0  # the diff needs the merge-base
    assert uses.index(checkout["uses"]) == 0


def roadmark_args(command: str) -> list[str]:
    """The arguments of a `roadmark …` command line written in a recipe."""
    program, *args = shlex.split(command)
    assert program == "roadmark", command
    return args


@pytest.mark.roadmark("STORY-48/AC-2")
def test_the_workflows_check_step_annotates_a_dangling_reference(
    write_product: WriteProduct, run_cli: RunCli
) -> None:
    (job,) = documented_workflow()["jobs"].values()
    (check,) = [s for s in job["steps"] if s.get("run", "").startswith("roadmark check")]
    dangling = SPECS["product/stories/STORY-1.md"].replace("epic: EPIC-1", "epic: EPIC-404")
    root = write_product(
        {**SPECS, "product/stories/STORY-1.md": dangling},
        mkdocs={"site_name": "x", "plugins": ["roadmark"]},
    )
    result = run_cli(*roadmark_args(check["run"]), cwd=root)
    assert result.code == 1
    (line,) = result.out.splitlines()
    # `epic:` is on line 6 of the story; its value starts in column 7.
    assert line.startswith("::error file=product/stories/STORY-1.md,line=6,col=7,title=RM009 ")
    assert "EPIC-404" in line


@pytest.mark.roadmark("STORY-49/AC-1")
def test_pre_commit_hook_runs_check_on_the_whole_product() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "roadmark-check"
    assert hook["entry"] == "roadmark check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    for path in ("product/stories/STORY-1.md", "docs/guide.md", "mkdocs.yml"):
        assert files.search(path), path
    for path in ("src/app.py", "docs/logo.png"):
        assert not files.search(path), path


def git(root: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.mark.roadmark("STORY-49/AC-2")
def test_the_hook_fails_on_a_staged_spec_missing_its_title(
    write_product: WriteProduct, run_cli: RunCli
) -> None:
    """Runs the hook as `pre-commit run` would: on the staged files its `files` pattern
    selects, with its `entry` and, as `pass_filenames` says, the file names or none.

    pre-commit itself is not a test dependency: its `language: python` hooks install
    Roadmark into an environment of their own from the network.
    """
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    root = write_product(SPECS, mkdocs={"site_name": "x", "plugins": ["roadmark"]})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "clean")
    untitled = "---\nid: STORY-2\nkind: story\nstatus: backlog\nepic: EPIC-1\n---\n"
    write_product({"product/stories/STORY-2.md": untitled})
    git(root, "add", "product/stories/STORY-2.md")

    staged = git(root, "diff", "--cached", "--name-only").split()
    selected = [path for path in staged if re.search(hook["files"], path)]
    assert selected == ["product/stories/STORY-2.md"]
    args = roadmark_args(hook["entry"]) + (selected if hook.get("pass_filenames", True) else [])
    result = run_cli(*args, cwd=root)
    assert result.code == 1
    assert result.out.splitlines() == [
        "product/stories/STORY-2.md:1:1: error RM003: missing required field 'title'"
    ]


def installed_from(run: str) -> list[Requirement]:
    """The requirements a `pip install …` step asks for, options left out."""
    program, command, *args = shlex.split(run)
    assert (program, command) == ("pip", "install"), run
    return [Requirement(arg) for arg in args if not arg.startswith("-")]


def installs_without_an_index(requirement: Requirement) -> bool:
    """Whether Roadmark comes from its git URL, as it must until it is on PyPI."""
    return requirement.name == "roadmark" and (requirement.url or "").startswith("git+https://")


@pytest.mark.roadmark("STORY-80/AC-1")
def test_the_workflow_installs_roadmark_from_its_git_url_not_from_an_index() -> None:
    (job,) = documented_workflow()["jobs"].values()
    (install,) = [s for s in job["steps"] if s.get("run", "").startswith("pip install")]
    (requirement,) = installed_from(install["run"])
    assert installs_without_an_index(requirement), install["run"]
    assert requirement.url == "git+https://github.com/OWNER/roadmark@TAG"
    assert "replace OWNER and TAG" in (ROOT / "docs/ci.md").read_text(encoding="utf-8")
    # What the recipe said before: a name only an index could serve.
    (bare,) = installed_from("pip install roadmark")
    assert not installs_without_an_index(bare)
