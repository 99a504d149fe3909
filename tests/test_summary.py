"""`roadmark check --summary FILE`: a Markdown job summary whose spec text is inert (STORY-78)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import markdown
import pytest

from sites import parse, spec

if TYPE_CHECKING:
    from conftest import RunCli, WriteProduct

HOSTILE = "<img src=x onerror=alert(1)> | **bold** @octocat #1"
"""An epic id that is HTML, breaks a table cell, and pings a user and an issue."""


@pytest.mark.roadmark("STORY-78/AC-4")
def test_the_summary_counts_and_lists_the_problems_escaped(
    write_product: WriteProduct, run_cli: RunCli, tmp_path: Path
) -> None:
    root = write_product(
        {
            "product/epics/EPIC-1.md": spec("EPIC-1", "epic", "Epic", "planned"),
            "product/stories/STORY-1.md": spec("STORY-1", "story", "One", "backlog", epic=HOSTILE),
            "product/stories/STORY-2.md": "---\nid: STORY-2\nkind: story\nstatus: backlog\n---\n",
        },
        mkdocs={"site_name": "x", "plugins": ["roadmark"]},
    )
    target = tmp_path / "summary.md"
    target.write_text("# Earlier step\n", encoding="utf-8")
    result = run_cli("check", "--summary", target, cwd=root)
    assert result.code == 1
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Earlier step\n## roadmark check\n")  # appended, not replaced
    assert "Checked 3 items: **2 errors**, 0 warnings." in text
    html = markdown.markdown(text, extensions=["tables"])
    page = parse(f"<div>{html}</div>")
    assert page.find_all("img") == [] and page.find_all("strong") == [
        node for node in page.find_all("strong") if node.text == "2 errors"
    ]
    rows = [
        [cell.text for cell in row.find_all("td")]
        for row in page.find_all("tr")
        if row.find_all("td")
    ]
    assert [row[:3] for row in rows] == [
        ["error", "RM017 invalid-id", "product/stories/STORY-1.md:6:7"],
        ["error", "RM003 missing-field", "product/stories/STORY-2.md:1:1"],
    ]
    assert HOSTILE.replace("@", "@\u200b").replace("#", "#\u200b") in rows[0][3]
    assert "@octocat" not in text and "#1" not in text


def test_a_summary_that_cannot_be_written_is_one_line_and_exit_2(
    write_product: WriteProduct, run_cli: RunCli, tmp_path: Path
) -> None:
    root = write_product({}, mkdocs={"site_name": "x", "plugins": ["roadmark"]})
    (root / "product").mkdir()
    result = run_cli("check", "--summary", tmp_path / "no" / "such" / "file.md", cwd=root)
    assert result.code == 2
    (line,) = result.err.splitlines()
    assert line.startswith("roadmark: error: cannot write ") and "file.md" in line
