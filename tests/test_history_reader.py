"""The plan's history read from git: timelines, field changes, cycle times, slips, the cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from roadmark.history import reader
from roadmark.history.cache import VERSION
from roadmark.history.gitlog import LogCommit, read_log
from roadmark.history.model import History
from roadmark.history.reader import SHALLOW, HistoryMemo, read_history
from roadmark.spec.entries import SPEC_LIMIT
from test_history_git import SETTINGS, TODAY, Script, release, story

NOT_A_REPOSITORY = "the project is not in a git repository: build from a git clone to see history"

BROKEN = "---\nid: STORY-1\nkind: story\ntitle: [unclosed\n---\n\nBroken.\n"


def scripted(root: Path) -> tuple[Script, dict[str, str]]:
    """Statuses, estimates, release moves, a broken file, an id renamed with its file, a merge."""
    s = Script(root)
    shas: dict[str, str] = {}
    s.write("product/releases/R1.md", release("R1", "2026-02-01", start="2026-01-05"))
    s.write("product/releases/R2.md", release("R2", "2026-03-01"))
    s.write("product/releases/R3.md", release("R3", "2026-04-01"))
    s.write("product/stories/one.md", story("STORY-1", "backlog", estimate=3, release="R1"))
    s.write("product/stories/two.md", story("STORY-2", "backlog", estimate=2, release="R1"))
    shas["start"] = s.commit("2026-01-05", "plan")
    s.write("product/stories/one.md", story("STORY-1", "in-progress", estimate=3, release="R1"))
    shas["started"] = s.commit("2026-01-06")
    s.write("product/stories/one.md", story("STORY-1", "review", estimate=3, release="R1"))
    s.write("product/stories/two.md", story("STORY-2", "backlog", estimate=2, release="R2"))
    shas["slip"] = s.commit("2026-01-08")
    s.write("product/stories/one.md", BROKEN)
    shas["broken"] = s.commit("2026-01-12")
    s.write("product/stories/one.md", story("STORY-1", "done", estimate=5, release="R1"))
    shas["done"] = s.commit("2026-01-13")
    (root / "product/stories/two.md").unlink()
    s.write(
        "product/stories/twenty.md",
        story("STORY-20", "backlog", estimate=2, release="R2", title="STORY-2 title"),
    )
    shas["rename"] = s.commit("2026-01-14", "renumber")
    s.git("checkout", "-q", "-b", "feature")
    s.write(
        "product/stories/twenty.md",
        story("STORY-20", "in-progress", estimate=2, release="R2", title="STORY-2 title"),
    )
    s.write("product/stories/three.md", story("STORY-3", "ready"))
    s.commit("2026-01-15", "on a branch")
    s.git("checkout", "-q", "main")
    s.write("product/releases/R1.md", release("R1", "2026-02-08", start="2026-01-05"))
    shas["date"] = s.commit("2026-01-16", "R1 later")
    s.git("merge", "-q", "--no-ff", "-m", "merge feature", "feature", when="2026-01-17T12:00:00Z")
    shas["merge"] = s.git("rev-parse", "HEAD")
    s.write(
        "product/stories/twenty.md",
        story("STORY-20", "review", estimate=2, release="R3", title="STORY-2 title"),
    )
    shas["last"] = s.commit("2026-01-19")
    return s, shas


def statuses(history: History, item_id: str) -> list[tuple[str, str, date]]:
    return [
        (entry.status, entry.commit.sha, entry.commit.day)
        for entry in history.items[item_id].statuses
    ]


@pytest.mark.roadmark("STORY-82/AC-1")
def test_timelines_field_changes_cycle_times_and_slips_are_exact(tmp_path: Path) -> None:
    script, shas = scripted(tmp_path)
    read = script.read()
    assert read.available and read.reason is None
    assert read.head is not None and read.head.sha == shas["last"]
    assert sorted(read.items) == ["R1", "R2", "R3", "STORY-1", "STORY-20", "STORY-3"]
    assert read.skipped == 1
    one = read.items["STORY-1"]
    assert statuses(read, "STORY-1") == [
        ("backlog", shas["start"], date(2026, 1, 5)),
        ("in-progress", shas["started"], date(2026, 1, 6)),
        ("review", shas["slip"], date(2026, 1, 8)),
        ("done", shas["done"], date(2026, 1, 13)),
    ]
    assert one.cycle_days == 7
    assert one.created.sha == shas["start"] and one.last_touched.sha == shas["done"]
    assert [(c.value, c.commit.sha) for c in one.changes if c.field == "estimate"] == [
        ("3", shas["start"]),
        ("5", shas["done"]),
    ]
    assert one.releases == ("R1",)
    twenty = read.items["STORY-20"]  # renamed from STORY-2 with its file: one history
    assert twenty.created.sha == shas["start"]
    assert statuses(read, "STORY-20") == [
        ("backlog", shas["start"], date(2026, 1, 5)),
        ("in-progress", shas["merge"], date(2026, 1, 17)),
        ("review", shas["last"], date(2026, 1, 19)),
    ]
    assert [(c.field, c.value) for c in twenty.changes if c.commit.sha == shas["rename"]] == [
        ("id", "STORY-20")
    ]
    assert twenty.cycle_days is None and twenty.releases == ("R1", "R2", "R3")
    assert read.items["STORY-3"].created.sha == shas["merge"]
    assert read.items["R1"].targets == (date(2026, 2, 1), date(2026, 2, 8))
    assert read.trends is not None
    assert [(s.item, s.field, s.before, s.after, s.commit.sha) for s in read.trends.slips] == [
        ("STORY-20", "release", "R1", "R2", shas["slip"]),
        ("R1", "date", "2026-02-01", "2026-02-08", shas["date"]),
        ("STORY-20", "release", "R2", "R3", shas["last"]),
    ]
    assert read.trends.cycle_days == (7,)


@pytest.mark.roadmark("STORY-82/AC-2")
def test_a_second_read_reads_only_the_new_commit_and_equals_a_cold_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, shas = scripted(tmp_path / "repo")
    cache = tmp_path / "cache"
    logged: list[tuple[str | None, int]] = []

    def counted(repo: object, head: str, folder: str, since: str | None) -> list[LogCommit]:
        commits = read_log(repo, head, folder, since)  # type: ignore[arg-type]
        logged.append((since, len(commits)))
        return commits

    monkeypatch.setattr(reader, "read_log", counted)
    memo = HistoryMemo()  # as the plugin keeps one across the rebuilds of `mkdocs serve`
    first = script.read(cache_dir=cache, memo=memo)
    assert logged == [(None, 9)]
    assert script.read(cache_dir=cache, memo=memo) is first and logged == [(None, 9)]
    script.write("product/stories/three.md", story("STORY-3", "done"))
    script.commit("2026-01-20")
    warm = script.read(cache_dir=cache, memo=memo)
    assert logged[1:] == [(shas["last"], 1)]
    assert warm == script.read()
    assert [entry.status for entry in warm.items["STORY-3"].statuses] == ["ready", "done"]


def test_the_cache_is_written_again_once_enough_new_commits_pile_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build after a new commit replays it without writing the cache (which stays at its
    head, an ancestor); once `REFRESH` commits are new since that head, or when none of the
    new commits changed the product, the cache moves on."""
    monkeypatch.setattr(reader, "REFRESH", 2)
    script, shas = scripted(tmp_path / "repo")
    cache = tmp_path / "cache"
    script.read(cache_dir=cache)
    (stored,) = cache.iterdir()
    written = stored.read_bytes()
    script.write("product/stories/three.md", story("STORY-3", "done"))
    script.commit("2026-01-20")
    assert script.read(cache_dir=cache) == script.read()
    assert stored.read_bytes() == written
    assert json.loads(written)["head"] == shas["last"]
    script.write("product/stories/three.md", story("STORY-3", "review"))
    head = script.commit("2026-01-21")
    assert script.read(cache_dir=cache) == script.read()
    assert json.loads(stored.read_bytes())["head"] == head
    elsewhere = script.commit("2026-01-22", "no product file changed")
    assert script.read(cache_dir=cache) == script.read()
    assert json.loads(stored.read_bytes())["head"] == elsewhere  # nothing left to replay


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b'{"version": 1}',
        b"[1, 2]",
        b'{"version": 999, "settings": "x"}',
        b"\xff\xfe",
    ],
)
def test_a_corrupt_or_foreign_cache_is_ignored_and_overwritten(
    tmp_path: Path, content: bytes
) -> None:
    script, _ = scripted(tmp_path / "repo")
    cache = tmp_path / "cache"
    cold = script.read(cache_dir=cache)
    (stored,) = cache.iterdir()
    stored.write_bytes(content)
    assert script.read(cache_dir=cache) == cold
    assert json.loads(stored.read_text(encoding="utf-8"))["version"] == VERSION


def test_a_cache_that_lies_about_its_shape_is_not_trusted(tmp_path: Path) -> None:
    script, _ = scripted(tmp_path / "repo")
    cache = tmp_path / "cache"
    cold = script.read(cache_dir=cache)
    (stored,) = cache.iterdir()
    data = json.loads(stored.read_text(encoding="utf-8"))
    data["events"].append([10**6, "set", "STORY-1", "status", "done"])
    stored.write_text(json.dumps(data), encoding="utf-8")
    assert script.read(cache_dir=cache) == cold


def test_a_rewritten_branch_is_read_cold(tmp_path: Path) -> None:
    script, _ = scripted(tmp_path / "repo")
    cache = tmp_path / "cache"
    script.read(cache_dir=cache)
    script.git("reset", "-q", "--hard", "HEAD~2")
    script.write("product/stories/four.md", story("STORY-4", "backlog"))
    script.commit("2026-01-21")
    assert script.read(cache_dir=cache) == script.read()
    assert "STORY-4" in script.read().items


def test_history_is_unavailable_with_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, _ = scripted(tmp_path / "repo")
    plain = tmp_path / "plain"
    plain.mkdir()
    outside = read_history(plain, SETTINGS, today=TODAY)
    assert outside == History(available=False, reason=NOT_A_REPOSITORY)
    shallow = tmp_path / "shallow"
    script.git("clone", "-q", "--depth", "1", (tmp_path / "repo").as_uri(), str(shallow))
    assert read_history(shallow, SETTINGS, today=TODAY) == History(available=False, reason=SHALLOW)
    unknown = script.read(ref="no-such-branch")
    assert unknown.reason == (
        "history_ref 'no-such-branch' names no commit:"
        " set `history_ref` to a branch or commit of this repository"
    )
    monkeypatch.setenv("PATH", str(plain))
    assert script.read().reason == "git is not installed: install git to see history"


def test_history_ref_reads_another_line(tmp_path: Path) -> None:
    script, shas = scripted(tmp_path / "repo")
    earlier = script.read(ref=shas["slip"])
    assert earlier.head is not None and earlier.head.sha == shas["slip"]
    assert [e.status for e in earlier.items["STORY-1"].statuses][-1] == "review"
    assert "STORY-20" not in earlier.items and "STORY-2" in earlier.items


def test_hostile_versions_are_skipped_not_fatal(tmp_path: Path) -> None:
    script = Script(tmp_path)
    script.write("product/stories/one.md", story("STORY-1", "backlog"))
    script.commit("2026-01-05")
    (tmp_path / "product/stories/one.md").write_bytes(b"---\nid: STORY-1\n\xff\xfe\n---\n")
    big = tmp_path / "product/stories/big.md"
    big.write_bytes(b"---\nid: STORY-9\nkind: story\n---\n" + b"x" * (SPEC_LIMIT + 1))
    (tmp_path / "product/stories/loop.md").symlink_to("/etc/passwd")
    script.commit("2026-01-06")
    read = script.read()
    assert read.skipped == 2
    assert sorted(read.items) == ["STORY-1"]
    assert [e.status for e in read.items["STORY-1"].statuses] == ["backlog"]


def test_an_id_deleted_and_added_back_keeps_its_history(tmp_path: Path) -> None:
    s = Script(tmp_path)
    s.write("product/stories/a.md", story("STORY-1", "in-progress", release="R1"))
    first = s.commit("2026-02-02")
    (tmp_path / "product/stories/a.md").unlink()
    s.commit("2026-02-03", "drop it")
    assert "STORY-1" not in s.read().items
    s.write("product/stories/b.md", story("STORY-1", "in-progress", release="R1"))
    s.commit("2026-02-05", "back")
    s.write("product/stories/b.md", story("STORY-1", "done", release="R1"))
    done = s.commit("2026-02-09")
    one = s.read().items["STORY-1"]
    assert one.created.sha == first
    assert [(e.status, e.commit.sha) for e in one.statuses] == [
        ("in-progress", first),
        ("done", done),
    ]
    assert one.cycle_days == 7 and one.releases == ("R1",)


def test_strange_file_names_are_read_and_cached(tmp_path: Path) -> None:
    s = Script(tmp_path / "repo")
    folder = tmp_path / "repo" / "product" / "stories"
    folder.mkdir(parents=True)
    (folder / "new\nline.md").write_text(story("STORY-1", "backlog"), encoding="utf-8")
    latin = os.fsdecode(os.fsencode(folder) + b"/latin-\xe9.md")  # not UTF-8
    Path(latin).write_text(story("STORY-2", "ready"), encoding="utf-8")
    (folder / "notes.txt").write_bytes(b"\xff\xfe not a spec")
    s.commit("2026-02-02")
    cache = tmp_path / "cache"
    cold = s.read(cache_dir=cache)
    assert sorted(cold.items) == ["STORY-1", "STORY-2"] and cold.skipped == 0
    assert s.read(cache_dir=cache) == cold
    (stored,) = cache.iterdir()
    assert "STORY-2" in stored.read_text(encoding="utf-8")


def test_each_appended_commit_read_warm_equals_a_cold_read(tmp_path: Path) -> None:
    """The incremental path (cache at the previous head, only the new commits replayed) gives
    exactly the History a cold read gives, after each of several appended commits."""
    script, _ = scripted(tmp_path / "repo")
    cache = tmp_path / "cache"
    script.read(cache_dir=cache)
    steps = [
        ("product/stories/three.md", story("STORY-3", "in-progress", estimate=1, release="R1")),
        ("product/stories/one.md", story("STORY-1", "review", estimate=5, release="R2")),
        ("product/stories/four.md", story("STORY-4", "backlog", estimate=8, release="R3")),
        ("product/releases/R2.md", release("R2", "2026-03-15")),
        ("product/stories/three.md", story("STORY-3", "done", estimate=1, release="R1")),
    ]
    for day, (path, text) in enumerate(steps, start=20):
        script.write(path, text)
        script.commit(f"2026-01-{day}")
        assert script.read(cache_dir=cache) == script.read()
    (tmp_path / "repo" / "product/stories/four.md").unlink()
    script.commit("2026-01-26", "drop STORY-4")
    warm = script.read(cache_dir=cache)
    assert warm == script.read() and "STORY-4" not in warm.items


def _spoil(data: dict[str, Any], where: str, value: object) -> None:
    """Put `value` at `where` in a cache's JSON: `events.N` (the last of column N, or the
    whole of the operations' string), `names`, `files.id`, `files.fields` or `files.clauses`
    (of the first file)."""
    part, _, at = where.partition(".")
    if part == "events" and at == "1":
        data["events"][1] = value
    elif part == "events":
        data["events"][int(at)][-1] = value
    elif part == "names":
        data["names"][-1] = value
    else:
        row = next(iter(data["files"].values()))
        column = {"id": 1, "fields": 3, "clauses": 4}[at]
        row[column] = value if at == "id" else [*row[column], value]


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("events.0", True),
        ("events.0", -1),
        ("events.0", 1.5),
        ("events.1", "cst?"),
        ("events.1", ["set"]),
        ("events.2", 10**6),
        ("events.2", -1),
        ("events.3", None),
        ("events.3", "status"),
        ("events.4", -2),
        ("events.4", ["done"]),
        ("events.4", {}),
        ("names", 7),
        ("files.id", 10**6),
        ("files.id", "STORY-1"),
        ("files.fields", 0),
        ("files.clauses", 3),
    ],
)
def test_a_cache_with_a_bad_column_is_not_trusted(
    tmp_path: Path, where: str, value: object
) -> None:
    """Each column (of the events, the names, the files) is checked as a whole: one wrong
    value anywhere discards the file, and the history is read cold."""
    script, _ = scripted(tmp_path / "repo")
    cache = tmp_path / "cache"
    cold = script.read(cache_dir=cache)
    (stored,) = cache.iterdir()
    data = json.loads(stored.read_text(encoding="utf-8"))
    _spoil(data, where, value)
    stored.write_text(json.dumps(data), encoding="utf-8")
    assert script.read(cache_dir=cache) == cold
    fresh = tmp_path / "fresh"
    script.read(cache_dir=fresh)
    (rewritten,) = fresh.iterdir()
    assert stored.read_bytes() == rewritten.read_bytes()  # the bad file was replaced


@pytest.mark.roadmark("STORY-82/AC-2")
def test_every_process_finds_the_cache_another_wrote(tmp_path: Path) -> None:
    """The cache is named by the settings it was parsed with, as every process names them:
    a build must find the cache the previous build wrote, whatever its string hashing."""
    script, _ = scripted(tmp_path / "repo")
    config = "site_name: T\nplugins:\n  - roadmark:\n      product_dir: product\n"
    (script.root / "mkdocs.yml").write_text(config, encoding="utf-8")
    program = (
        "from pathlib import Path; from roadmark.cli.config import load_project; "
        "from roadmark.history.cache import settings_key; "
        f"print(settings_key(load_project(None, None, Path({str(script.root)!r})).settings))"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", program],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(keys) == 1 and len(keys.pop().strip()) == 64
