"""`roadmark export --view release-notes --release R1 --format markdown` (STORY-91/AC-3): the
notes for a GitHub release, and its usage errors, through the installed console script."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from sites import md
from test_release_notes import FILES, HOSTILE

if TYPE_CHECKING:
    from conftest import RunCli, WriteProduct

MKDOCS = "site_name: Test\nplugins:\n  - search\n  - roadmark\n"

R1 = md(
    """
    Released on 2026-03-31: 5 stories.

    ## EPIC-1 · Search

    ### Features

    - STORY-1 **Story 1**: Save a search and run it again.

    ### Fixes

    - STORY-2 **&lt;\u2060img src=x onerror=alert(1)&gt;**: Fixes the crash when saving twice.

    ## EPIC-10 · Sharing

    ### Features

    - STORY-5 **Story 5**: Share a link.

    ## Other stories

    ### Fixes

    - STORY-7 **Story 7**

    ### Other changes

    - STORY-8 **Story 8**: Untyped change.
    """
)
"""The notes of R1 in the fixture product, with the default types."""


@pytest.mark.roadmark("STORY-91/AC-3")
def test_the_markdown_export_writes_a_release_notes(
    write_product: WriteProduct, run_cli: RunCli
) -> None:
    root = write_product(FILES, mkdocs=MKDOCS)
    code, out, err = run_cli(
        "export", "--view", "release-notes", "--release", "R1", "--format", "markdown", cwd=root
    )
    assert (code, err) == (0, "")
    assert out == R1
    assert HOSTILE not in out
    # Markdown is the view's only format, so it is the default.
    assert run_cli("export", "--view", "release-notes", "--release", "R1", cwd=root).out == R1


@pytest.mark.roadmark("STORY-91/AC-3")
def test_the_markdown_export_follows_the_configured_types(
    write_product: WriteProduct, run_cli: RunCli
) -> None:
    config = MKDOCS.replace("  - roadmark\n", "  - roadmark:\n      release_notes_types: [spike]\n")
    root = write_product(FILES, mkdocs=config)
    code, out, _ = run_cli("export", "--view", "release-notes", "--release", "R1", cwd=root)
    assert code == 0
    assert "## EPIC-2 · Exports\n\n### Spikes\n\n- STORY-6 **Story 6**: Try a parser.\n" in out
    assert "STORY-1 " not in out


@pytest.mark.roadmark("STORY-91/AC-3")
def test_the_export_writes_to_a_file(write_product: WriteProduct, run_cli: RunCli) -> None:
    root = write_product(FILES, mkdocs=MKDOCS)
    args = ("export", "--view", "release-notes", "--release", "R1", "-o", "notes.md")
    assert run_cli(*args, cwd=root).code == 0
    assert (root / "notes.md").read_text(encoding="utf-8") == R1


@pytest.mark.roadmark("STORY-91/AC-3")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--release", "R11"], "--release: no release has the id 'R11' (did you mean 'R1'?)"),
        (["--release", "EPIC-1"], "--release: no release has the id 'EPIC-1'"),
        ([], "--view release-notes needs --release ID, the release to write"),
        (["--release", "R1", "--format", "csv"], "--view release-notes is written as"),
    ],
)
def test_a_missing_or_unknown_release_is_a_usage_error(
    write_product: WriteProduct, run_cli: RunCli, args: list[str], message: str
) -> None:
    root = write_product(FILES, mkdocs=MKDOCS)
    code, out, err = run_cli("export", "--view", "release-notes", *args, cwd=root)
    assert (code, out) == (2, "")
    [line] = err.splitlines()
    assert line.startswith(f"roadmark: error: {message}")
    assert "Traceback" not in err


@pytest.mark.roadmark("STORY-91/AC-3")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "markdown"], "--format markdown is for --view release-notes"),
        (["--release", "R1"], "--release is for --view release-notes"),
    ],
)
def test_markdown_and_release_belong_to_the_release_notes_view(
    write_product: WriteProduct, run_cli: RunCli, args: list[str], message: str
) -> None:
    root = write_product(FILES, mkdocs=MKDOCS)
    code, _, err = run_cli("export", *args, cwd=root)
    assert (code, err) == (2, f"roadmark: error: {message}\n")
