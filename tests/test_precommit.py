"""The published pre-commit hook, run by the real pre-commit on real commits (STORY-78).

The hook is taken from `.pre-commit-hooks.yaml` as users get it; only its `language`
and `entry` change, to `system` and this environment's `roadmark`, so pre-commit builds
no environment of its own and needs no network.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from sites import console_script, spec

ROOT = Path(__file__).resolve().parents[1]

PRODUCT = {
    "product/epics/EPIC-1.md": spec("EPIC-1", "epic", "Epic", "planned"),
    "product/stories/STORY-1.md": spec("STORY-1", "story", "One", "backlog", epic="EPIC-1"),
    "docs/index.md": "# Home\n",
}


def published_hook() -> dict[str, Any]:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hook, dict)
    return hook


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env["PRE_COMMIT_HOME"] = str(root.parent / "pre-commit-home")
    env["NO_MKDOCS_2_WARNING"] = "1"
    config = ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    done = subprocess.run(
        ["git", *config, *args], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def repository(tmp_path: Path, site: str = "", args: list[str] | None = None) -> Path:
    """A git repository with a clean product committed (in `site`), and the hook installed."""
    root = tmp_path / "repo"
    for name, text in PRODUCT.items():
        path = root / site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / site / "mkdocs.yml").write_text("site_name: x\nplugins: [roadmark]\n")
    hook = {**published_hook(), "language": "system"}
    hook["entry"] = hook["entry"].replace("roadmark", console_script("roadmark"), 1)
    if args is not None:
        hook["args"] = args
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", "a clean plan")
    pre_commit = console_script("pre-commit")
    done = subprocess.run(
        [pre_commit, "install"],
        cwd=root,
        env={**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return root


@pytest.mark.roadmark("STORY-78/AC-1")
def test_a_commit_that_only_deletes_a_referenced_spec_is_refused(tmp_path: Path) -> None:
    root = repository(tmp_path)
    git(root, "rm", "-q", "product/epics/EPIC-1.md")
    done = git(root, "commit", "-m", "drop the epic", check=False)
    assert done.returncode != 0, done.stdout
    output = done.stdout + done.stderr
    assert "roadmark check" in output and "Failed" in output
    # `epic:` is line 6 of STORY-1; its value starts in column 7.
    assert "product/stories/STORY-1.md:6:7: error RM009: epic: no item has id 'EPIC-1'" in output
    assert git(root, "rev-list", "--count", "HEAD").stdout.strip() == "1"  # nothing committed


@pytest.mark.roadmark("STORY-78/AC-1")
def test_the_hook_passes_a_clean_commit_and_ignores_unstaged_breakage(tmp_path: Path) -> None:
    root = repository(tmp_path)
    (root / "product/stories/STORY-2.md").write_text(
        spec("STORY-2", "story", "Two", "backlog", epic="EPIC-1"), encoding="utf-8"
    )
    git(root, "add", "product/stories/STORY-2.md")
    (root / "product/epics/EPIC-1.md").unlink()  # not staged: the commit still has it
    done = git(root, "commit", "-m", "a second story", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "roadmark check" in done.stdout + done.stderr


def test_a_site_in_a_subfolder_is_checked_with_its_path_as_argument(tmp_path: Path) -> None:
    root = repository(tmp_path, site="site", args=["--staged", "site"])
    git(root, "rm", "-q", "site/product/epics/EPIC-1.md")
    done = git(root, "commit", "-m", "drop the epic", check=False)
    assert done.returncode != 0
    assert "site/product/stories/STORY-1.md:6:7: error RM009" in done.stdout + done.stderr


def test_our_own_hook_checks_the_index_on_every_commit() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for repo in config["repos"] for h in repo["hooks"] if h["id"] == "roadmark-check"]
    assert hook["entry"] == ".venv/bin/roadmark check --staged"
    assert (hook["always_run"], hook["pass_filenames"]) == (True, False)
    published = published_hook()
    assert (published["args"], published["always_run"]) == (["--staged"], True)
