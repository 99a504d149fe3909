"""A pytest plugin: `@pytest.mark.roadmark("STORY-1/AC-1", ...)` marks what a test verifies.

The addresses are added to the test's user properties as one `roadmark` property,
which pytest's `--junitxml` report writes into the test case's `<properties>`;
Roadmark reads them back from there. Registered under the `pytest11` entry point,
so installing Roadmark is enough; `-p no:roadmark` turns it off.

User properties are appended directly rather than through the `record_property`
fixture, which warns under the default `xunit2` JUnit family.
"""

from __future__ import annotations

import pytest

# Only the grammar: this module is loaded in every pytest run, where YAML, Markdown and
# MkDocs (which the rest of Roadmark imports) would slow down and clutter every test run.
from .spec.ids import JUNIT_PROPERTY, is_address

MARKER = "roadmark"
MARKER_HELP = (
    "roadmark(*addresses): the requirements or acceptance criteria the test verifies, "
    "e.g. roadmark('STORY-142/AC-1', 'PRD-3/R-2'); recorded in --junitxml output"
)


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker, so `--strict-markers` accepts it."""
    config.addinivalue_line("markers", MARKER_HELP)


_INVALID = pytest.StashKey[list[str]]()
"""A test's mark arguments that are not addresses, found once when it is collected."""


def marked_addresses(item: pytest.Item) -> tuple[list[str], list[str]]:
    """The addresses of every `roadmark` mark on the test (class and module marks too),
    in order without repeats, and the arguments that are not addresses."""
    found: list[str] = []
    invalid: list[str] = []
    # iter_markers yields the closest marks first; reversed, a module's come before a test's.
    for mark in reversed(list(item.iter_markers(MARKER))):
        if not mark.args:
            invalid.append("(no address given)")
        for arg in mark.args:
            parts = [p.strip() for p in arg.split(",")] if isinstance(arg, str) else [arg]
            for part in parts:
                if isinstance(part, str) and is_address(part):
                    found.append(part)
                else:
                    invalid.append(repr(part))
    return list(dict.fromkeys(found)), invalid


@pytest.hookimpl(trylast=True)
def pytest_itemcollected(item: pytest.Item) -> None:
    """Record the marked addresses as the `roadmark` property of the test's report."""
    addresses, item.stash[_INVALID] = marked_addresses(item)
    if addresses:
        item.user_properties.append((JUNIT_PROPERTY, ", ".join(addresses)))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Fail a test whose mark holds something other than addresses, before it runs."""
    invalid = item.stash.get(_INVALID, [])
    if invalid:
        pytest.fail(
            f"@pytest.mark.roadmark takes addresses like 'STORY-1/AC-1' or 'PRD-1/R-2'; "
            f"got {', '.join(invalid)}",
            pytrace=False,
        )
