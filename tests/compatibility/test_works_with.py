"""`docs/works-with.md` lists exactly the neighbours this folder tests, at the versions installed.

Each `test_*.py` here declares its `NEIGHBOUR`; the table between the page's markers is
rendered from those declarations and the installed versions (which the lock pins), and
must equal the page's byte for byte. A test file without a row, a row without a test
file, or a version that moved with the lock fails here, with the table to paste.
"""

from __future__ import annotations

import importlib
import re
from importlib.metadata import version
from pathlib import Path

import pytest

from compatibility.neighbours import Neighbour

HERE = Path(__file__).parent
REPO = HERE.parent.parent
PAGE = REPO / "docs" / "works-with.md"
START, END = "<!-- works-with:start -->\n", "<!-- works-with:end -->\n"


def declared() -> list[tuple[str, Neighbour]]:
    """Each test module of this folder with the neighbour it declares, in file order."""
    found = []
    for path in sorted(HERE.glob("test_*.py")):
        if path.name == Path(__file__).name:
            continue
        module = importlib.import_module(f"compatibility.{path.stem}")
        neighbour = getattr(module, "NEIGHBOUR", None)
        assert isinstance(neighbour, Neighbour), f"{path.name} declares no NEIGHBOUR"
        found.append((path.name, neighbour))
    return found


def locked(distribution: str) -> str:
    """The version `constraints.txt` pins for `distribution`."""
    text = (REPO / "constraints.txt").read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(distribution)}==(\S+)$", text, flags=re.M | re.I)
    assert match is not None, f"{distribution} is not pinned in constraints.txt"
    return match[1]


def table() -> str:
    """The Works-with table as the tests and the installed packages say it must be."""
    rows = [
        "| Plugin | Package | Version tested | What the test checks | Notes | Test |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for file, neighbour in sorted(declared(), key=lambda pair: pair[1].name):
        rows.append(
            f"| {neighbour.name} | `{neighbour.distribution}` | {version(neighbour.distribution)} "
            f"| {neighbour.checked} | {neighbour.notes or 'Either order.'} "
            f"| `tests/compatibility/{file}` |"
        )
    return "\n".join(rows) + "\n"


@pytest.mark.roadmark("STORY-76/AC-4")
def test_the_page_lists_exactly_the_tested_neighbours_and_versions() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert text.count(START) == 1 and text.count(END) == 1, "the table's markers are missing"
    shown = text.split(START, 1)[1].split(END, 1)[0]
    expected = table()
    assert shown == expected, f"update docs/works-with.md's table to:\n{expected}"


@pytest.mark.roadmark("STORY-76/AC-4")
def test_the_versions_tested_are_the_locked_ones() -> None:
    for _, neighbour in declared():
        assert version(neighbour.distribution) == locked(neighbour.distribution), neighbour.name


@pytest.mark.roadmark("STORY-76/AC-4")
@pytest.mark.parametrize("order", ["before", "after"])
def test_every_plugin_test_builds_in_both_orders(order: str) -> None:
    """Every neighbour but the engine is tested with `order` as a parameter."""
    for file, _ in declared():
        source = (HERE / file).read_text(encoding="utf-8")
        if file == "test_properdocs.py":
            continue  # the engine, not a plugin: no order to choose
        assert '@pytest.mark.parametrize("order", ORDERS)' in source, file
