"""Nothing outside the project is read or published, and no special file is opened (STORY-59).

A pull request controls the product folder; CI checks and builds it. Each case below puts
one hostile entry into an otherwise clean project, then runs `roadmark check`, `roadmark
export` and `mkdocs build` as real processes under a time limit (a hang fails the test),
and looks for any byte of the entry's target in what they printed and in every file of
the built site, search index included.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from roadmark.spec.entries import SPEC_LIMIT, Refused, read_regular
from sites import DOCS, LINE, PRODUCT, build, mkdocs_config, run_tool, spec, write_project
from test_diff import Repo, base_files

LIMIT = 60
"""Seconds any one command may take: every command here ends in about one."""

SECRET_VAR = "ROADMARK_HOSTILE_SECRET"
SECRET = f"env-secret-{uuid.uuid4().hex}"
"""Set in the environment of every command, so `/proc/self/environ` holds it."""

OUTSIDE_MARK = f"outside-secret-{uuid.uuid4().hex}"
"""In every file of the folder beside the project."""

PASSWD = Path("/etc/passwd")


def passwd_line() -> str:
    """The first line of /etc/passwd (a stand-in for /etc/shadow: as root, all is readable)."""
    return PASSWD.read_text(encoding="utf-8").splitlines()[0]


@dataclass(frozen=True)
class Layout:
    """A project and, beside it, a folder that is not the project's."""

    root: Path
    outside: Path

    def link(self, path: str, target: str | Path) -> None:
        """A symbolic link at `path` (relative to the project) to `target`, as written."""
        where = self.root / path
        where.parent.mkdir(parents=True, exist_ok=True)
        where.symlink_to(target)


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    """The small clean product, with an `outside` folder next to the project."""
    outside = tmp_path / "outside"
    secret = spec("STORY-666", "story", OUTSIDE_MARK, "backlog", f"{OUTSIDE_MARK}\n")
    write_project(outside, {"secret.md": secret, "secret.png": OUTSIDE_MARK})
    root = write_project(tmp_path / "project", {**PRODUCT, **DOCS}, mkdocs_config())
    return Layout(root, outside)


# --- The cases ---------------------------------------------------------------------------


def environ(layout: Layout) -> None:
    layout.link("product/stories/env.md", "/proc/self/environ")


def passwd_spec(layout: Layout) -> None:
    layout.link("product/stories/passwd.md", PASSWD)


def dev_zero_spec(layout: Layout) -> None:
    layout.link("product/stories/zero.md", "/dev/zero")


def dev_urandom_spec(layout: Layout) -> None:
    layout.link("product/stories/random.md", "/dev/urandom")


def dev_null_spec(layout: Layout) -> None:
    layout.link("product/stories/null.md", "/dev/null")


def passwd_attachment(layout: Layout) -> None:
    layout.link("product/stories/shadow.png", PASSWD)


def dev_zero_attachment(layout: Layout) -> None:
    layout.link("product/stories/zero.bin", "/dev/zero")


def relative_attachment(layout: Layout) -> None:
    # Relative, so it leaves by `..` rather than by an absolute path.
    layout.link("product/stories/leak.png", "../../../outside/secret.png")


def folder_outside(layout: Layout) -> None:
    layout.link("product/shared", layout.outside)


def chain_outside(layout: Layout) -> None:
    # Eight links inside the project (outside the product folder, so only the first is
    # listed), the last of which leaves it.
    for number in range(1, 8):
        layout.link(f"links/hop{number}", f"hop{number + 1}")
    layout.link("links/hop8", "../../outside/secret.md")
    layout.link("product/stories/chained.md", "../../links/hop1")


def fifo_spec(layout: Layout) -> None:
    os.mkfifo(layout.root / "product/stories/pipe.md")


def fifo_attachment(layout: Layout) -> None:
    os.mkfifo(layout.root / "product/stories/pipe.png")


def unix_socket(layout: Layout) -> None:
    # A socket's path is limited to about 100 bytes: bind by a name relative to its folder.
    here = Path.cwd()
    os.chdir(layout.root / "product")
    try:
        made = socket.socket(socket.AF_UNIX)
        made.bind("listener")
        made.close()  # the socket file stays
    finally:
        os.chdir(here)


def oversized_spec(layout: Layout) -> None:
    with (layout.root / "product/stories/huge.md").open("wb") as file:
        file.write(b"---\nid: STORY-99\n---\n")
        file.truncate(SPEC_LIMIT + 1)


def broken_attachment(layout: Layout) -> None:
    layout.link("product/stories/gone.png", "missing.png")


def looping_attachment(layout: Layout) -> None:
    layout.link("product/stories/ping.png", "../../links/pong")
    layout.link("links/pong", "../product/stories/ping.png")


def skip_if_permissions_do_not_bind(locked: Path) -> None:
    """Skip when this process reads what it may not (root, unless its capabilities were
    dropped, e.g. `setpriv --bounding-set -dac_override,-dac_read_search`)."""
    if os.access(locked, os.R_OK):
        pytest.skip("this process reads a file whatever its permissions")


def unreadable_attachment(layout: Layout) -> None:
    locked = layout.root / "product/stories/locked.png"
    locked.write_bytes(b"\x89PNG")
    locked.chmod(0)
    skip_if_permissions_do_not_bind(locked)


def unreadable_folder(layout: Layout) -> None:
    locked = layout.root / "product/locked"
    locked.mkdir()
    (locked / "STORY-8.md").write_text(spec("STORY-8", "story", "Hidden", "backlog"))
    locked.chmod(0)
    skip_if_permissions_do_not_bind(locked)


@dataclass(frozen=True)
class Case:
    """One hostile entry, where it is reported, and what it must not leak."""

    make: Callable[[Layout], None]
    path: str
    code: str
    words: str
    """Part of the problem's message."""
    marks: tuple[Callable[[], str], ...] = ()
    """What of the target must appear nowhere: functions, so nothing is read at collection."""


def param(case: Case, criterion: str) -> Any:
    mark = pytest.mark.roadmark(f"STORY-59/{criterion}")
    return pytest.param(case, id=case.make.__name__.replace("_", "-"), marks=mark)


def secret() -> str:
    return SECRET


def outside_mark() -> str:
    return OUTSIDE_MARK


LEAVING = "leads outside the project"
SPECIAL = "not a regular file; it is not opened"

CASES = [
    param(Case(environ, "product/stories/env.md", "RM022", LEAVING, (secret,)), "AC-1"),
    param(Case(passwd_spec, "product/stories/passwd.md", "RM022", LEAVING, (passwd_line,)), "AC-1"),
    param(Case(dev_zero_spec, "product/stories/zero.md", "RM022", LEAVING), "AC-1"),
    param(Case(dev_urandom_spec, "product/stories/random.md", "RM022", LEAVING), "AC-1"),
    param(Case(dev_null_spec, "product/stories/null.md", "RM022", LEAVING), "AC-1"),
    param(
        Case(passwd_attachment, "product/stories/shadow.png", "RM022", LEAVING, (passwd_line,)),
        "AC-1",
    ),
    param(Case(dev_zero_attachment, "product/stories/zero.bin", "RM022", LEAVING), "AC-1"),
    param(
        Case(relative_attachment, "product/stories/leak.png", "RM022", LEAVING, (outside_mark,)),
        "AC-1",
    ),
    param(Case(folder_outside, "product/shared", "RM022", LEAVING, (outside_mark,)), "AC-1"),
    param(
        Case(chain_outside, "product/stories/chained.md", "RM022", LEAVING, (outside_mark,)),
        "AC-1",
    ),
    param(Case(fifo_spec, "product/stories/pipe.md", "RM023", f"a FIFO, {SPECIAL}"), "AC-2"),
    param(Case(fifo_attachment, "product/stories/pipe.png", "RM023", f"a FIFO, {SPECIAL}"), "AC-2"),
    param(Case(unix_socket, "product/listener", "RM023", f"a socket, {SPECIAL}"), "AC-2"),
    param(Case(oversized_spec, "product/stories/huge.md", "RM023", "larger than 10 MiB"), "AC-2"),
    param(Case(broken_attachment, "product/stories/gone.png", "RM001", "broken symbolic"), "AC-3"),
    param(Case(looping_attachment, "product/stories/ping.png", "RM001", "loops"), "AC-3"),
    param(
        Case(unreadable_attachment, "product/stories/locked.png", "RM001", "Permission denied"),
        "AC-3",
    ),
    param(Case(unreadable_folder, "product/locked", "RM001", "cannot read folder"), "AC-3"),
]


# --- Running the tools -------------------------------------------------------------------


def tool(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a console script with the secret in its environment, under the time limit."""
    return run_tool(name, *args, cwd=cwd, env={SECRET_VAR: SECRET}, timeout=LIMIT)


def site_files(site: Path) -> Iterator[tuple[str, bytes]]:
    """Every file of the built site with its bytes; the site holds regular files only."""
    for folder, _, names in os.walk(site):
        for name in names:
            path = Path(folder) / name
            assert path.is_file() and not path.is_symlink(), path
            yield path.relative_to(site).as_posix(), path.read_bytes()


def assert_nothing_of(texts: dict[str, bytes], marks: list[str]) -> None:
    for mark in marks:
        leaked = [name for name, data in texts.items() if mark.encode() in data]
        assert leaked == [], f"{mark!r} leaked into {leaked}"


def all_problems(output: str) -> list[dict[str, str]]:
    """The problems printed as `path:line:col: severity CODE: message`, by part."""
    found = [LINE.match(line.split("roadmark: ", 1)[-1]) for line in output.splitlines()]
    return [match.groupdict() for match in found if match]


def problem_lines(output: str, path: str) -> list[dict[str, str]]:
    """The problems printed for `path`."""
    return [problem for problem in all_problems(output) if problem["path"] == path]


def assert_reported(output: str, case: Case) -> None:
    (problem,) = problem_lines(output, case.path)
    assert (problem["line"], problem["col"], problem["severity"]) == ("1", "1", "error")
    assert problem["code"] == case.code
    assert case.words in problem["message"]


@pytest.mark.parametrize("case", CASES)
def test_a_hostile_entry_is_refused_everywhere(layout: Layout, case: Case) -> None:
    case.make(layout)
    root = layout.root
    marks = [mark() for mark in case.marks]

    checked = tool("roadmark", "check", cwd=root)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "Traceback" not in checked.stdout + checked.stderr
    assert_reported(checked.stdout, case)
    assert {problem["path"] for problem in all_problems(checked.stdout)} == {case.path}

    exported = tool("roadmark", "export", cwd=root)
    assert exported.returncode == 0, exported.stderr
    assert "Traceback" not in exported.stderr
    data = json.loads(exported.stdout)
    problems = [(p["path"], p["line"], p["col"], p["code"]) for p in data["problems"]]
    assert problems == [(case.path, 1, 1, case.code)]
    assert "STORY-1" in {item["id"] for item in data["items"]}  # the rest is read as usual

    built = tool("mkdocs", "build", cwd=root)
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr
    assert_reported(built.stderr, case)
    site = root / "site"
    files = dict(site_files(site))
    assert "product/stories/STORY-1/index.html" in files
    assert "search/search_index.json" in files
    # Neither a page nor a copy for the refused entry, nor anything beneath a refused folder.
    stem = case.path.removeprefix("product/").removesuffix(".md")
    assert [name for name in files if name.startswith(f"product/{stem}")] == []
    assert sum(len(data) for data in files.values()) < 20_000_000
    assert_nothing_of(
        {**files, "check": checked.stdout.encode(), "export": exported.stdout.encode()}, marks
    )


@pytest.mark.roadmark("STORY-59/AC-4")
def test_a_chain_of_links_inside_the_project_is_read_as_usual(layout: Layout) -> None:
    root = layout.root
    stored = spec("STORY-9", "story", "Stored elsewhere", "backlog", "Kept in the store.\n")
    write_project(root, {"store/STORY-9.md": stored, "store/diagram.png": "PNG bytes"})
    for number in range(1, 10):
        layout.link(f"links/hop{number}", f"hop{number + 1}")
    layout.link("links/hop10", "../store")
    # A chain of files, and one through a linked folder of the project.
    layout.link("product/stories/STORY-9.md", "../../links/hop1/STORY-9.md")
    layout.link("product/stories/diagram.png", str(root / "links/hop3/diagram.png"))

    checked = tool("roadmark", "check", cwd=root)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout == ""
    exported = json.loads(tool("roadmark", "export", cwd=root).stdout)
    titles = {item["id"]: item["title"] for item in exported["items"]}
    assert titles["STORY-9"] == "Stored elsewhere"

    built = tool("mkdocs", "build", cwd=root)
    assert built.returncode == 0, built.stderr
    site = root / "site"
    assert "Kept in the store." in (site / "product/stories/STORY-9/index.html").read_text()
    assert (site / "product/stories/diagram.png").read_bytes() == b"PNG bytes"


def test_links_between_folders_are_not_walked_so_a_loop_ends(layout: Layout) -> None:
    """A link to a folder inside the project is skipped, not walked: a loop of them ends,
    and no spec is read twice under two names."""
    before = json.loads(tool("roadmark", "export", cwd=layout.root).stdout)
    layout.link("product/stories/again", "..")
    layout.link("product/here", ".")
    checked = tool("roadmark", "check", cwd=layout.root)
    assert (checked.returncode, checked.stdout) == (0, "")
    after = json.loads(tool("roadmark", "export", cwd=layout.root).stdout)
    assert after["items"] == before["items"]


@pytest.mark.roadmark("STORY-59/AC-1")
def test_a_product_folder_replaced_by_a_link_outside_is_refused(layout: Layout) -> None:
    root = layout.root
    product = root / "product"
    product.rename(root / "real-product")
    product.symlink_to(layout.outside)
    checked = tool("roadmark", "check", cwd=root)
    assert checked.returncode == 2
    assert "Traceback" not in checked.stderr
    assert "product folder 'product' is a link leading outside the project" in checked.stderr
    built = tool("mkdocs", "build", cwd=root)
    assert built.returncode == 1
    assert "leading outside the project" in built.stderr
    assert OUTSIDE_MARK not in checked.stdout + built.stdout + built.stderr
    assert not (root / "site").exists() or OUTSIDE_MARK.encode() not in b"".join(
        data for _, data in site_files(root / "site")
    )


@pytest.mark.roadmark("STORY-59/AC-3")
def test_an_attachment_that_cannot_be_opened_is_reported_even_as_root(
    layout: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root opens any file, so the refusal to open one is simulated, in-process."""
    locked = layout.root / "product/stories/locked.png"
    locked.write_bytes(b"\x89PNG")
    real_open = os.open

    def refusing(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing)
    site = build(layout.root)
    expected = "product/stories/locked.png:1:1: error RM001: cannot read file: Permission denied"
    assert any(expected in message for _, message in site.messages), site.messages
    assert not (site.site_dir / "product/stories/locked.png").exists()
    assert (site.site_dir / "product/stories/STORY-1/index.html").is_file()


@pytest.mark.roadmark("STORY-59/AC-2")
@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux's /proc")
def test_reading_is_bounded_even_when_the_size_is_not_known() -> None:
    """A file whose size says 0 but that has more (as a growing file would) is read up to
    the limit and no further."""
    status = Path("/proc/self/status")
    assert status.stat().st_size == 0
    with pytest.raises(Refused):
        read_regular(status, limit=16)
    assert read_regular(status, limit=1 << 20).startswith(b"Name:")


# --- Reading git revisions ---------------------------------------------------------------


def diff_report(repo: Repo, *revisions: str) -> dict[str, Any]:
    done = tool("roadmark", "diff", *revisions, "--format", "json", cwd=repo.root)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout)


def new_problems(report: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(p["path"], p["code"], p["message"]) for p in report["new_problems"]}


@pytest.mark.roadmark("STORY-59/AC-1")
def test_diff_refuses_committed_links_leaving_the_project_like_check(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    base = repo.commit(base_files(), "base")
    (tmp_path / "outside.md").write_text(OUTSIDE_MARK, encoding="utf-8")
    links = {
        "specs/stories/env.md": "/proc/self/environ",
        "specs/stories/up.md": "../../../outside.md",  # relative: leaves the repository
        "specs/stories/shadow.png": str(PASSWD),
        "specs/shared": str(tmp_path),
    }
    broken = {"specs/stories/gone.md": "missing.md", "specs/stories/loop.md": "loop.md"}
    for path, target in {**links, **broken}.items():
        (repo.root / path).symlink_to(target)
    # A link inside the project is read as the file it ends at, in git as on disk.
    repo.write({"store/STORY-9.md": spec("STORY-9", "story", "Stored", "backlog", epic="EPIC-1")})
    (repo.root / "specs/stories/STORY-9.md").symlink_to("../../store/STORY-9.md")
    head = repo.commit({}, "links")

    checked = tool("roadmark", "check", cwd=repo.root)
    on_disk = {(p["path"], p["code"], p["message"]) for p in all_problems(checked.stdout)}
    assert {(path, code) for path, code, _ in on_disk} == {(p, "RM022") for p in links} | {
        (p, "RM001") for p in broken
    }

    committed = diff_report(repo, base, head)
    assert new_problems(committed) == on_disk
    added = [item["id"] for item in committed["items"] if item["change"] == "added"]
    assert added == ["STORY-9"]
    assert [item["path"] for item in committed["unreadable"]] == sorted(
        path for path in {**links, **broken} if path.endswith(".md")
    )
    # The working tree and the commit say the same, word for word: nothing new between them.
    assert diff_report(repo, base) == {**committed, "head": "working tree"}
    assert new_problems(diff_report(repo, head)) == set()
    assert OUTSIDE_MARK not in json.dumps(committed)


@pytest.mark.roadmark("STORY-59/AC-2")
def test_diff_refuses_a_committed_spec_over_the_limit_like_check(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    base = repo.commit(base_files(), "base")
    huge = "---\nid: STORY-99\n---\n" + "x" * SPEC_LIMIT
    head = repo.commit({"specs/stories/huge.md": huge}, "huge")
    checked = tool("roadmark", "check", cwd=repo.root)
    (on_disk,) = problem_lines(checked.stdout, "specs/stories/huge.md")
    committed = diff_report(repo, base, head)
    assert new_problems(committed) == {("specs/stories/huge.md", "RM023", on_disk["message"])}
    assert new_problems(diff_report(repo, head)) == set()


@pytest.mark.roadmark("STORY-59/AC-1", "STORY-59/AC-2")
def test_docs_pages_that_leave_the_project_or_are_special_are_not_published(
    layout: Layout,
) -> None:
    """MkDocs itself follows links in docs_dir; the plugin takes them out before any reads."""
    layout.link("docs/env.md", "/proc/self/environ")
    layout.link("docs/passwd.png", PASSWD)
    layout.link("docs/elsewhere", layout.outside)
    os.mkfifo(layout.root / "docs" / "pipe.md")
    # Listed before search, which reads pages: refused first all the same.
    write_project(layout.root, {}, mkdocs_config(plugins=["search", "roadmark"]))

    built = tool("mkdocs", "build", cwd=layout.root)
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr
    reported = {(p["path"], p["code"]) for p in all_problems(built.stderr)}
    assert reported == {
        ("docs/env.md", "RM022"),
        ("docs/passwd.png", "RM022"),
        ("docs/elsewhere/secret.md", "RM022"),
        ("docs/elsewhere/secret.png", "RM022"),
        ("docs/pipe.md", "RM023"),
    }
    files = dict(site_files(layout.root / "site"))
    assert [name for name in files if name.startswith(("env", "passwd", "elsewhere", "pipe"))] == []
    assert_nothing_of(files, [SECRET, passwd_line(), OUTSIDE_MARK])
