"""The type hints that `py.typed` promises are checked: mypy, configured in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.roadmark("STORY-69/AC-1")
def test_the_package_type_checks_in_strict_mode() -> None:
    # Files, strictness and the cache folder come from [tool.mypy] in pyproject.toml.
    with (REPO / "pyproject.toml").open("rb") as file:
        config = tomllib.load(file)["tool"]["mypy"]
    assert config["files"] == ["plugins/roadmark"]
    assert config["strict"] is True
    done = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
