"""The suite runs against the lock: every package at the version `constraints.txt` names."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest

LOCK = Path(__file__).parent.parent / "constraints.txt"
PIN = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)")


def pins() -> dict[str, str]:
    """Package name (normalised) → exact version, from the lock."""
    found: dict[str, str] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            match = PIN.fullmatch(line)
            assert match, f"not an exact pin: {line!r}"
            found[_normal(match["name"])] = match["version"]
    return found


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.mark.roadmark("STORY-56/AC-1")
def test_every_installed_dependency_is_at_its_locked_version() -> None:
    locked = pins()
    # What the package and its test extra pull in must all be pinned, at those versions.
    required = {_normal(name) for name in ("mkdocs", "mkdocs-material", "markdown", "pyyaml")}
    assert required <= locked.keys()
    wrong = {
        name: (version, metadata.version(name))
        for name, version in locked.items()
        if metadata.version(name) != version
    }
    assert wrong == {}, "installed versions differ from constraints.txt; run `make test`"


@pytest.mark.roadmark("STORY-56/AC-1")
def test_every_installed_distribution_is_in_the_lock() -> None:
    locked = pins()
    unlocked = {
        _normal(dist.metadata["Name"])
        for dist in metadata.distributions()
        if _normal(dist.metadata["Name"]) not in locked
    }
    assert unlocked <= {"roadmark"}, f"installed but not locked: {sorted(unlocked)}"
