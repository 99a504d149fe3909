"""The CLI reads `mkdocs.yml` as `mkdocs build` does: `INHERIT:`, `!ENV`, and one line when
it is broken (STORY-77)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from sites import LINE, md, run_tool, spec

SPECS = {
    "docs/index.md": "# Home\n",
    "specs/epics/EPIC-1.md": spec("EPIC-1", "epic", "Epic", "planned"),
    "specs/stories/STORY-1.md": spec("STORY-1", "story", "One", "backlog", epic="EPIC-404"),
    "specs/stories/STORY-2.md": spec("STORY-2", "story", "Two", "backlog", epic="EPIC-1"),
}
"""A product in `specs/`, not the default `product/`: read from the wrong config, it is
not found at all. STORY-1 names a missing epic (RM009)."""

MISSING_EPIC = "epic: no item has id 'EPIC-404' (did you mean 'EPIC-1'?)"

BASE = md(
    """
    site_name: Inherited
    theme: {name: material, font: false}
    plugins:
      - search
      - roadmark:
          product_dir: !ENV [SPECS_DIR, nowhere]
          rules: {RM009: warning}
    """
)
"""The parent config: the roadmark options come from here, their folder from the environment."""

CHILD = md(
    """
    INHERIT: config/base.yml
    site_name: Child
    markdown_extensions:
      - pymdownx.emoji:
          emoji_index: !!python/name:material.extensions.emoji.twemoji
    """
)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def problems_of(text: str) -> list[str]:
    """The problem lines in a tool's output, whatever prefix the build's log gives them."""
    found = []
    for line in text.splitlines():
        start = line.find("specs/")
        if start >= 0 and LINE.match(line[start:]):
            found.append(line[start:])
    return sorted(found)


@pytest.fixture
def inherited(tmp_path: Path) -> Path:
    return write(tmp_path, {**SPECS, "config/base.yml": BASE, "mkdocs.yml": CHILD})


@pytest.mark.roadmark("STORY-77/AC-1")
@pytest.mark.roadmark("STORY-77/AC-2")
@pytest.mark.roadmark("STORY-77/AC-3")
def test_check_reports_what_the_build_reports_with_inherit_and_env(inherited: Path) -> None:
    env = {"SPECS_DIR": "specs"}
    checked = run_tool("roadmark", "check", cwd=inherited, env=env)
    built = run_tool("mkdocs", "build", cwd=inherited, env=env)
    assert built.returncode == 0, built.stderr
    expected = [f"specs/stories/STORY-1.md:6:7: warning RM009: {MISSING_EPIC}"]
    # The severity comes from the inherited options; the folder from the environment.
    assert problems_of(checked.stdout) == expected
    assert problems_of(built.stderr) == expected
    assert checked.returncode == 0  # a warning only
    assert "checked 3 items: 0 errors, 1 warning" in checked.stderr


@pytest.mark.roadmark("STORY-77/AC-2")
def test_env_decides_the_folder_for_check_and_build_alike(inherited: Path) -> None:
    checked = run_tool("roadmark", "check", cwd=inherited, env={"SPECS_DIR": "elsewhere"})
    assert checked.returncode == 2
    assert checked.stderr.splitlines() == [
        f"roadmark: error: product folder 'elsewhere' not found in {inherited}"
    ]
    assert checked.stdout == ""


@pytest.mark.roadmark("STORY-77/AC-1")
def test_export_new_and_diff_read_the_inherited_config(inherited: Path) -> None:
    env = {"SPECS_DIR": "specs"}
    exported = run_tool("roadmark", "export", "--no-test-results", cwd=inherited, env=env)
    assert exported.returncode == 0, exported.stderr
    ids = sorted(item["id"] for item in json.loads(exported.stdout)["items"])
    assert ids == ["EPIC-1", "STORY-1", "STORY-2"]
    created = run_tool("roadmark", "new", "story", "--epic", "EPIC-1", cwd=inherited, env=env)
    assert created.returncode == 0, created.stderr
    assert created.stdout == "specs/stories/STORY-3.md\n"
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-q", "-m", "plan")):
        git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
        done = subprocess.run([*git, *args], cwd=inherited, capture_output=True)
        assert done.returncode == 0, done.stderr
    diffed = run_tool("roadmark", "diff", "HEAD", "HEAD", cwd=inherited, env=env)
    assert diffed.returncode == 0, diffed.stderr


BROKEN = {
    "a YAML error": ("site_name: [unclosed\n", ":2:1: invalid YAML: expected ',' or ']'"),
    "a missing parent": (
        "INHERIT: nope.yml\n",
        ": Inherited config file 'nope.yml' does not exist",
    ),
    "an unknown tag": (
        "site_name: !Nope x\n",
        ":1:12: invalid YAML: could not determine a constructor",
    ),
    "bad options": ("plugins:\n  - roadmark: [1]\n", ": the 'roadmark' plugin options must be"),
}
"""Each broken config, and what its one line says after the file's path (YAML errors are
located, as problems in specs are: `path:line:col: ...`)."""


@pytest.mark.roadmark("STORY-77/AC-4")
@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_config_is_one_line_and_exit_2(tmp_path: Path, case: str) -> None:
    text, words = BROKEN[case]
    root = write(tmp_path, {**SPECS, "mkdocs.yml": text})
    result = run_tool("roadmark", "check", cwd=root)
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"roadmark: error: {root / 'mkdocs.yml'}{words}")


def test_python_tags_are_never_run(tmp_path: Path) -> None:
    """`mkdocs.yml` of a pull request is read safely: a Python object is not constructed."""
    marker = tmp_path / "ran"
    text = md(
        f"""
        site_name: x
        extra: !!python/object/apply:os.system ["touch {marker}"]
        plugins:
          - roadmark:
              product_dir: specs
        """
    )
    root = write(tmp_path, {**SPECS, "mkdocs.yml": text})
    result = run_tool("roadmark", "check", cwd=root)
    assert result.returncode == 1, result.stderr
    assert not marker.exists()
    assert problems_of(result.stdout) == [
        f"specs/stories/STORY-1.md:6:7: error RM009: {MISSING_EPIC}"
    ]
