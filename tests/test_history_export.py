"""`roadmark export --view history`: one row per item, field, value, commit and date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roadmark.cli import main
from test_history_git import Script, story


def scripted(root: Path) -> tuple[Script, str, str]:
    s = Script(root)
    s.write("product/stories/1.md", story("STORY-1", "backlog", estimate=3, implements="PRD-9/R-1"))
    first = s.commit("2026-02-02")
    s.write("product/stories/1.md", story("STORY-1", "done", implements="PRD-9/R-1"))
    return s, first, s.commit("2026-02-03")


def export(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["export", str(root), "--view", "history", *args]) == 0
    return capsys.readouterr().out


@pytest.mark.roadmark("STORY-88/AC-1")
def test_the_history_view_as_csv_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, first, second = scripted(tmp_path)
    rows = [
        ("STORY-1", "id", "STORY-1", first, "2026-02-02"),
        ("STORY-1", "kind", "story", first, "2026-02-02"),
        ("STORY-1", "title", "STORY-1 title", first, "2026-02-02"),
        ("STORY-1", "status", "backlog", first, "2026-02-02"),
        ("STORY-1", "estimate", "3", first, "2026-02-02"),
        ("STORY-1", "implements", "PRD-9/R-1", first, "2026-02-02"),
        ("STORY-1", "status", "done", second, "2026-02-03"),
        ("STORY-1", "estimate", None, second, "2026-02-03"),
    ]
    csv = export(tmp_path, capsys, "--format", "csv")
    expected = ["item,field,value,commit,date"] + [
        ",".join(r[:2]) + f",{r[2] or ''},{r[3]},{r[4]}" for r in rows
    ]
    assert csv.splitlines() == expected
    document = json.loads(export(tmp_path, capsys, "--format", "json"))
    assert document["head"] == second and document["skipped"] == 0
    columns = ("item", "field", "value", "commit", "date")
    assert document["rows"] == [dict(zip(columns, row, strict=True)) for row in rows]
    assert export(tmp_path, capsys, "--format", "json") == json.dumps(document, indent=1) + "\n"


def test_the_history_view_without_git_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    (tmp_path / "product").mkdir()
    assert main(["export", str(tmp_path), "--view", "history"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot export the history: the project is not in a git" in err[0]


def test_history_false_refuses_the_history_view_and_suspects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s, _, _ = scripted(tmp_path)
    s.write("mkdocs.yml", "site_name: t\nplugins:\n  - roadmark:\n      history: false\n")
    assert main(["export", str(tmp_path), "--view", "history"]) == 2
    assert "`history: false` turns off" in capsys.readouterr().err
    assert main(["check", str(tmp_path), "--suspects"]) == 2
    assert "`history: false` turns off" in capsys.readouterr().err
    main(["check", str(tmp_path)])  # its story names a PRD that is not there: RM013, not RM025
    assert "RM025" not in capsys.readouterr().out
