"""The CI recipes: the documented GitHub Actions workflow and the pre-commit hook."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]


def documented_workflow() -> dict[str, Any]:
    """The first YAML block of docs/ci.md: the workflow users copy."""
    text = (ROOT / "docs/ci.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", text, re.DOTALL)
    assert block is not None
    return yaml.safe_load(block[1])


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
