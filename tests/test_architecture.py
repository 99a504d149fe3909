"""The habits written down stay true: ARCHITECTURE.md names every package, and the
version has one source that the metadata, the CLI and the changelog agree with."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest

import roadmark
from sites import run_tool

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "plugins" / "roadmark"


def packages() -> list[str]:
    """The subpackages of roadmark: folders holding an __init__.py."""
    return sorted(path.parent.name for path in PACKAGE.glob("*/__init__.py"))


@pytest.mark.roadmark("STORY-70/AC-1")
def test_architecture_names_every_package_and_only_real_ones() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    rows = re.findall(r"(?m)^\| `(\w+)/` \|", text)
    assert sorted(rows) == packages()  # the table keeps pipeline order
    # The modules it names by path exist, so a rename cannot leave it behind.
    for folder, module in re.findall(r"`(\w+)/(\w+)\.py`", text):
        assert (PACKAGE / folder / f"{module}.py").is_file(), f"{folder}/{module}.py"
    for module in ("macros", "pytest_plugin"):
        assert f"`{module}.py`" in text
        assert (PACKAGE / f"{module}.py").is_file()


@pytest.mark.roadmark("STORY-70/AC-2")
def test_the_version_has_one_source(tmp_path: Path) -> None:
    version = roadmark.__version__
    assert metadata.version("roadmark") == version
    shown = run_tool("roadmark", "--version", cwd=tmp_path)
    assert shown.stdout.strip() == f"roadmark {version}"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    released = re.findall(r"(?m)^## \[(\d+\.\d+\.\d+)\]", changelog)
    assert released[0] == version, "the newest released version in CHANGELOG.md"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject
    assert re.search(r"(?m)^version\s*=\s*\"", pyproject) is None, "no second version"
