"""Suspect links: an upstream reworded after its downstream was last touched."""

from __future__ import annotations

from pathlib import Path

import pytest

from roadmark.cli import main
from roadmark.history.model import History, Suspect
from roadmark.history.suspects import CRITERION, EPIC, REQUIREMENT, criterion_suspects
from test_history_git import Script, story


def prd(first: str) -> str:
    return (
        "---\nid: PRD-1\nkind: prd\ntitle: The PRD\nstatus: approved\n---\n\n"
        f"## Requirements\n\n- R-1: {first}\n- R-2: The system shall log.\n"
    )


def epic(prose: str) -> str:
    return f"---\nid: EPIC-1\nkind: epic\ntitle: The epic\nstatus: planned\n---\n\n{prose}\n"


def script(root: Path) -> tuple[Script, dict[str, str]]:
    s = Script(root)
    s.write("product/prds/PRD-1.md", prd("The system shall export."))
    s.write("product/epics/EPIC-1.md", epic("Exports for all."))
    one = story("STORY-1", "ready", epic="EPIC-1", implements="PRD-1/R-1")
    s.write("product/stories/1.md", one)
    s.write("product/stories/2.md", story("STORY-2", "ready", implements="PRD-1/R-2"))
    shas = {"start": s.commit("2026-01-05")}
    s.write("product/prds/PRD-1.md", prd("The system shall export as CSV."))
    shas["requirement"] = s.commit("2026-01-06", "reword R-1")
    s.write("product/prds/PRD-1.md", prd("The system shall   export as CSV.\n"))
    s.write(
        "product/stories/2.md",
        story("STORY-2", "ready", implements="PRD-1/R-2").replace("then c.", "then d."),
    )
    shas["criterion"] = s.commit("2026-01-07", "whitespace only; reword STORY-2/AC-1")
    s.write("product/epics/EPIC-1.md", epic("Exports for everyone."))
    shas["epic"] = s.commit("2026-01-08", "reword the epic")
    return s, shas


def found(history: History) -> list[tuple[str, str, str, str]]:
    return [(s.item, s.upstream, s.reason, s.commit.sha) for s in history.suspects]


@pytest.mark.roadmark("STORY-86/AC-1")
def test_a_reworded_requirement_or_epic_makes_its_story_suspect_until_touched(
    tmp_path: Path,
) -> None:
    s, shas = script(tmp_path)
    assert found(s.read()) == [
        ("STORY-1", "PRD-1/R-1", REQUIREMENT, shas["requirement"]),
        ("STORY-1", "EPIC-1", EPIC, shas["epic"]),
    ]
    s.write(
        "product/stories/1.md",
        story("STORY-1", "ready", epic="EPIC-1", implements="PRD-1/R-1", body="Seen."),
    )
    s.commit("2026-01-09", "STORY-1 reviewed")
    assert found(s.read()) == []


@pytest.mark.roadmark("STORY-86/AC-1")
def test_a_criterion_reworded_after_its_tests_ran_is_suspect(tmp_path: Path) -> None:
    s, shas = script(tmp_path)
    history = s.read()
    assert history.reworded["STORY-2/AC-1"].sha == shas["criterion"]
    assert "PRD-1/R-2" not in history.reworded  # untouched; whitespace alone is no rewording
    tested = {
        "STORY-2/AC-1": "2026-01-07T11:59:59",
        "STORY-1/AC-1": "2026-01-01T00:00:00",
        "PRD-1/R-1": "not a time",
    }
    commit = history.reworded["STORY-2/AC-1"]
    assert criterion_suspects(history, tested) == (
        Suspect("STORY-2", "STORY-2/AC-1", CRITERION, commit),
    )
    assert criterion_suspects(history, {"STORY-2/AC-1": "2026-01-07T12:59:59+01:00"}) == (
        Suspect("STORY-2", "STORY-2/AC-1", CRITERION, commit),
    )
    assert criterion_suspects(history, {"STORY-2/AC-1": "2026-01-07T12:00:01Z"}) == ()


REPORT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="1" timestamp="2026-01-07T10:00:00">
<testcase classname="tests.test_x" name="test_ac"><properties>
<property name="roadmark" value="STORY-2/AC-1"/></properties></testcase>
</testsuite></testsuites>
"""


def check(root: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["check", str(root), "--format", "text", *args])
    return code, capsys.readouterr().out.splitlines()


@pytest.mark.roadmark("STORY-86/AC-2")
def test_check_suspects_reports_rm025_at_the_downstream_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, shas = script(tmp_path)
    (tmp_path / "report.xml").write_text(REPORT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    plain = check(tmp_path, "--test-results", "report.xml", capsys=capsys)
    assert plain == (0, [])
    code, lines = check(tmp_path, "--suspects", "--test-results", "report.xml", capsys=capsys)
    one = (tmp_path / "product/stories/1.md").read_text(encoding="utf-8").splitlines()
    two = (tmp_path / "product/stories/2.md").read_text(encoding="utf-8").splitlines()
    epic_line = next(n for n, line in enumerate(one, 1) if line.startswith("epic:"))
    implements_line = next(n for n, line in enumerate(one, 1) if line.startswith("implements:"))
    ac_line = next(n for n, line in enumerate(two, 1) if line.startswith("- AC-1"))
    touched = " after this file last changed; check the item still fits, then touch it"
    assert code == 1
    assert lines == [
        f"product/stories/1.md:{epic_line}:7: error RM025: EPIC-1 was reworded in"
        f" {shas['epic'][:7]} (2026-01-08){touched}",
        f"product/stories/1.md:{implements_line}:14: error RM025: PRD-1/R-1 was reworded in"
        f" {shas['requirement'][:7]} (2026-01-06){touched}",
        f"product/stories/2.md:{ac_line}:3: error RM025: STORY-2/AC-1 was reworded in"
        f" {shas['criterion'][:7]} (2026-01-07) after its tests last ran; run them again",
    ]


def test_check_suspects_without_history_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    (tmp_path / "product/stories").mkdir(parents=True)
    (tmp_path / "product/stories/1.md").write_text(story("STORY-1", "ready"), encoding="utf-8")
    assert main(["check", str(tmp_path), "--suspects"]) == 2
    err = capsys.readouterr().err
    assert "cannot check suspect links: the project is not in a git repository" in err
    assert "Traceback" not in err
