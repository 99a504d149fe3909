"""Hostile input and output (STORY-63, STORY-65): bad test reports, unwritable outputs,
full disks and the `today` option get a one-line message and an exit status, never a
traceback, a hang or a half-written file; `roadmark check` reads the results the build reads.

Every command runs in a subprocess with a timeout, so a hang fails the test instead of
the suite.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import time
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

import pytest
import yaml

from roadmark.cli.scaffold import site_files
from roadmark.spec.options import parse_today
from roadmark.spec.settings import ConfigError
from roadmark.trace.junit import JUnitError, parse_junit, read_results_file
from sites import EPOCH, LINE, TOOL_ENV, console_script, run_tool, write_project

TIMEOUT = 60
"""Seconds any one command may take: far above a normal run, far below a hang."""

PRODUCT = {
    "docs/index.md": "# Home\n",
    "product/STORY-1.md": "---\nid: STORY-1\nkind: story\ntitle: S\nstatus: ready\n---\n"
    "## Acceptance criteria\n\n- AC-1: Given a, then b.\n- AC-2: Given c, then d.\n",
}
BROKEN = {
    **PRODUCT,
    "product/STORY-2.md": "---\nid: STORY-2\nkind: story\ntitle: T\nstatus: redy\n---\n",
}
"""A product with one problem, so `check` has something to print on standard output."""


def config(**options: object) -> dict[str, object]:
    """A mkdocs.yml on MkDocs' own theme (no network), with these roadmark options."""
    return {"site_name": "x", "plugins": [{"roadmark": dict(options)}]}


def junit(case: str) -> str:
    return f'<?xml version="1.0"?>\n<testsuite name="s">\n{case}\n</testsuite>\n'


def marked(name: str, address: str) -> str:
    """A test case whose `roadmark` property names `address`, as the pytest plugin writes it."""
    prop = f'<property name="roadmark" value="{address}"/>'
    return f'<testcase classname="t" name="{name}"><properties>{prop}</properties></testcase>'


def roadmark(
    *args: str,
    cwd: Path,
    stdout: int | None = subprocess.PIPE,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the `roadmark` script; `stdout` may be a file descriptor (/dev/full)."""
    return subprocess.run(
        [console_script("roadmark"), *args],
        cwd=cwd,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **TOOL_ENV},
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
        preexec_fn=preexec_fn,
        check=False,
    )


def file_size_limit(limit: int) -> Callable[[], None]:
    """Run in the child: files may not grow past `limit` bytes, as on a nearly full disk.

    SIGXFSZ would kill the process; ignored, the write fails with EFBIG instead, which is
    what a program sees of a full disk (ENOSPC) too. No root, no mount, no network.
    """

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, hidden ones (temporary files) included."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    """The only line on standard error, checked to be a `roadmark: error:` and no traceback."""
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("roadmark: error: "), lines
    return lines[0]


needs_dev_full = pytest.mark.skipif(
    not Path("/dev/full").exists(), reason="needs /dev/full, a device that is always full"
)


# --- JUnit: encodings, size, hostile documents (STORY-63/AC-1, AC-2) -----------------------


@pytest.mark.roadmark("STORY-63/AC-1")
def test_an_unknown_encoding_is_rm020_naming_the_file(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {
            **PRODUCT,
            "reports/bad.xml": '<?xml version="1.0" encoding="x-nope"?>\n<testsuite/>\n',
        },
        config(),
    )
    done = roadmark("check", "--test-results", "reports/bad.xml", cwd=root)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = done.stdout.splitlines()
    problem = LINE.match(line)
    assert problem is not None, line
    assert (problem["path"], problem["line"], problem["code"]) == ("reports/bad.xml", "1", "RM020")
    assert problem["message"] == "cannot decode: unknown encoding: x-nope"


@pytest.mark.roadmark("STORY-63/AC-1")
@pytest.mark.parametrize(
    "encoding",
    # Multi-byte codecs expat cannot use, codecs that are not text encodings, codecs that
    # fail or warn while decoding, and ones that work.
    ["shift_jis", "utf-7", "utf-32", "rot13", "hex", "zlib", "idna", "undefined", "punycode",
     "unicode_escape", "utf-16", "utf-8-sig", "cp1252", "koi8-r", "us-ascii"],
)  # fmt: skip
def test_every_declared_encoding_parses_or_is_a_junit_error(tmp_path: Path, encoding: str) -> None:
    """Whatever the declaration says, the outcome is test cases or JUnitError, nothing else."""
    path = tmp_path / "r.xml"
    head = f'<?xml version="1.0" encoding="{encoding}"?>\n'.encode("ascii")
    path.write_bytes(head + b'<testsuite><testcase name="caf\xe9 \\]"/></testsuite>\n')
    try:
        cases = parse_junit(path)
    except JUnitError as exc:
        assert exc.line >= 1
        assert exc.col >= 1
        assert exc.message.startswith(("cannot decode: ", "malformed XML: ")), exc.message
    else:
        assert len(cases) == 1


@pytest.mark.roadmark("STORY-63/AC-2")
def test_a_5_mb_attribute_is_read_in_well_under_a_second(tmp_path: Path) -> None:
    """Fed to expat in chunks, one huge attribute took seconds (quadratic); read at once, ms."""
    path = tmp_path / "big.xml"
    name = "a" * 5_000_000
    path.write_text(junit(marked(name, "STORY-1/AC-1")), encoding="utf-8")
    start = time.perf_counter()
    (case,) = parse_junit(path)
    elapsed = time.perf_counter() - start
    assert case.name == name
    assert case.properties == ("STORY-1/AC-1",)
    assert elapsed < 1.0, f"{elapsed:.2f} s"


def test_a_file_over_the_limit_is_refused_even_if_it_grew_after_stat(tmp_path: Path) -> None:
    path = tmp_path / "r.xml"
    path.write_bytes(b"x" * 100)
    assert read_results_file(path, limit=100) == b"x" * 100
    with pytest.raises(JUnitError, match="larger than 0 MiB, the limit for test results"):
        read_results_file(path, limit=99)


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">'
    + "".join(
        f'<!ENTITY {b} "{f"&{a};" * 10}">' for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + ']>\n<testsuite><testcase name="&i;"/></testsuite>\n'
)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (BILLION_LAUGHS, "a DOCTYPE is not allowed in test results"),
        (
            '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<testsuite><testcase name="&x;"/></testsuite>',
            "a DOCTYPE is not allowed in test results",
        ),
        # An undeclared entity cannot be expanded either.
        ('<testsuite><testcase name="&lol;"/></testsuite>', "malformed XML: undefined entity"),
        # Raw control characters are not XML, nor are references to them.
        ('<testsuite><testcase name="a\x1b[2Jb"/></testsuite>', "malformed XML: not well-formed"),
        ('<testsuite><testcase name="a&#27;b"/></testsuite>', "malformed XML: reference to inv"),
    ],
)
def test_hostile_documents_are_rm020_quickly(tmp_path: Path, document: str, message: str) -> None:
    root = write_project(tmp_path, {**PRODUCT, "r.xml": document}, config())
    start = time.perf_counter()
    done = roadmark("check", "--test-results", "r.xml", cwd=root)
    assert time.perf_counter() - start < TIMEOUT
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = done.stdout.splitlines()
    problem = LINE.match(line)
    assert problem is not None, line
    assert problem["code"] == "RM020"
    assert problem["message"].startswith(message), line


def test_deep_nesting_and_many_cases_are_read_in_linear_time(tmp_path: Path) -> None:
    deep = tmp_path / "deep.xml"
    depth = 200_000
    deep.write_text(
        "<testsuite>" + "<a>" * depth + "</a>" * depth + "</testsuite>", encoding="utf-8"
    )
    many = tmp_path / "many.xml"
    count = 100_000
    many.write_text(junit('<testcase classname="c" name="t"/>\n' * count), encoding="utf-8")
    start = time.perf_counter()
    assert parse_junit(deep) == []
    assert len(parse_junit(many)) == count
    assert time.perf_counter() - start < 10


def test_control_characters_in_names_stay_on_one_line(tmp_path: Path) -> None:
    """Tabs, newlines (as references) and bidi overrides are valid XML; output escapes them."""
    name = "t&#10;src/x.py:1:1: error RM001: forged&#x202E;&#9;"
    root = write_project(tmp_path, {**PRODUCT, "r.xml": junit(marked(name, "STORY-1/AC-9"))})
    done = run_tool("roadmark", "check", "--test-results", "r.xml", cwd=root, timeout=TIMEOUT)
    assert done.returncode == 1, done.stderr
    (line,) = done.stdout.splitlines()
    assert line.startswith("r.xml:3:1: error RM019: test 't::t\\nsrc/x.py:1:1: error RM001: ")
    assert "\\u202e" in line
    assert "\u202e" not in line


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_named_as_test_results_is_refused_without_blocking(tmp_path: Path) -> None:
    """Opened for reading, a FIFO without a writer would block the build forever."""
    root = write_project(tmp_path, PRODUCT, config(test_results=["reports/*.xml"]))
    (root / "reports").mkdir()
    os.mkfifo(root / "reports" / "junit.xml")
    done = roadmark("check", cwd=root)  # the timeout fails the test if it blocks
    assert done.returncode == 1, done.stderr
    assert done.stdout == (
        "reports/junit.xml:1:1: error RM020: a FIFO, not a regular file; it is not opened\n"
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("glob", ["/dev/zero", "link.xml"])
def test_a_device_or_a_link_to_one_is_refused_unread(tmp_path: Path, glob: str) -> None:
    """/dev/zero never ends: read, it would fill memory."""
    root = write_project(tmp_path, PRODUCT, config(test_results=[glob]))
    (root / "link.xml").symlink_to("/dev/zero")
    done = roadmark("check", cwd=root)
    assert done.returncode == 1, done.stderr
    (line,) = done.stdout.splitlines()
    problem = LINE.match(line)
    assert problem is not None, line
    assert (problem["code"], problem["message"]) == (
        "RM020",
        "a character device, not a regular file; it is not opened",
    )


# --- Output paths (STORY-63/AC-3) ----------------------------------------------------------


@pytest.mark.roadmark("STORY-63/AC-3")
@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("export", "-o", "missing/dir/x.json"), "missing/dir/x.json: No such file or directory"),
        (("export", "--output", "docs"), "docs: it is a folder"),
        (("export", "-o", "."), ".: it is a folder"),
        (("schema", "-o", "docs"), "docs: it is a folder"),
        (("schema", "-o", "mkdocs.yml/x.json"), "mkdocs.yml/x.json: mkdocs.yml is a file, not a"),
    ],
    ids=["export-missing-folder", "export-folder", "export-dot", "schema-folder", "schema-file"],
)
def test_an_unwritable_output_path_is_one_line_and_status_2(
    tmp_path: Path, args: tuple[str, ...], reason: str
) -> None:
    root = write_project(tmp_path, PRODUCT, config())
    before = files_in(root)
    done = roadmark(*args, cwd=root)
    assert done.returncode == 2
    assert one_error_line(done).startswith(f"roadmark: error: cannot write {reason}")
    assert files_in(root) == before  # no temporary file, no folder made for nothing


@pytest.mark.roadmark("STORY-63/AC-3")
@pytest.mark.parametrize("command", ["export", "schema"])
def test_a_full_disk_keeps_the_previous_output_whole(tmp_path: Path, command: str) -> None:
    root = write_project(tmp_path, PRODUCT, config())
    (root / "out.json").write_text("previous\n", encoding="utf-8")
    before = files_in(root)
    done = roadmark(command, "-o", "out.json", cwd=root, preexec_fn=file_size_limit(64))
    assert done.returncode == 2
    assert one_error_line(done) == "roadmark: error: cannot write out.json: File too large"
    assert files_in(root) == before
    written = roadmark(command, "-o", "out.json", cwd=root)  # and without the limit, it works
    assert written.returncode == 0, written.stderr
    assert (root / "out.json").read_text(encoding="utf-8").startswith("{")


@pytest.mark.roadmark("STORY-63/AC-3")
@needs_dev_full
@pytest.mark.parametrize(
    ("args", "files"),
    [(("export",), PRODUCT), (("schema",), PRODUCT), (("check",), BROKEN), (("--help",), {})],
    ids=["export", "schema", "check", "help"],
)
def test_standard_output_on_a_full_device_is_one_line_and_status_2(
    tmp_path: Path, args: tuple[str, ...], files: Mapping[str, str]
) -> None:
    root = write_project(tmp_path, files, config())
    with open("/dev/full", "w", encoding="utf-8") as full:  # noqa: PTH123
        done = roadmark(*args, cwd=root, stdout=full.fileno())
    assert done.returncode == 2
    error = "roadmark: error: cannot write standard output: No space left on device"
    if args == ("check",):
        # Buffered, the problems fail at the final flush, after the summary on standard
        # error; unbuffered (PYTHONUNBUFFERED), at once, and no summary is printed.
        *summary, line = done.stderr.splitlines()
        assert summary in ([], ["roadmark: checked 2 items: 1 error, 0 warnings"]), summary
    else:
        line = one_error_line(done)
    assert line == error
    assert "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr


def test_a_reader_that_goes_away_ends_the_output_quietly(tmp_path: Path) -> None:
    """`roadmark export | head -c 10`: the rest is not wanted, which is no error."""
    root = write_project(tmp_path, PRODUCT, config())
    with subprocess.Popen(
        [console_script("roadmark"), "export"],
        cwd=root,
        env={**os.environ, **TOOL_ENV},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None
        process.stdout.close()
        _, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0
    assert err == b""


# --- Atomic writes (STORY-63/AC-4) ---------------------------------------------------------


@pytest.mark.roadmark("STORY-63/AC-4")
@pytest.mark.parametrize("existing", [False, True])
def test_init_on_a_full_disk_leaves_nothing_behind(tmp_path: Path, existing: bool) -> None:
    """The limit lets mkdocs.yml through and stops a later file: mkdocs.yml goes again."""
    sizes = {
        path: len(text.encode()) for path, text in site_files("Product specs", date.today()).items()
    }
    limit = sizes["mkdocs.yml"]
    assert max(sizes.values()) > limit  # some file after it cannot be written
    target = tmp_path / "site"
    if existing:
        target.mkdir()
    done = roadmark("init", "site", cwd=tmp_path, preexec_fn=file_size_limit(limit))
    assert done.returncode == 2
    line = one_error_line(done)
    assert line.startswith("roadmark: error: cannot write site/")
    assert line.endswith(": File too large; nothing written")
    if existing:
        assert list(target.iterdir()) == []  # the folder was there before: it stays, empty
    else:
        assert not target.exists()
    assert done.stdout == ""


@pytest.mark.roadmark("STORY-63/AC-4")
@pytest.mark.parametrize(("kind", "path"), [("story", "STORY-2.md"), ("epic", "epics/EPIC-1.md")])
def test_new_on_a_full_disk_leaves_no_empty_or_partial_spec(
    tmp_path: Path, kind: str, path: str
) -> None:
    root = write_project(tmp_path, PRODUCT, config())
    before = files_in(root)
    done = roadmark("new", kind, "--title", "X", cwd=root, preexec_fn=file_size_limit(50))
    assert done.returncode == 2
    assert one_error_line(done) == (
        f"roadmark: error: cannot write product/{path}: File too large; nothing written"
    )
    assert files_in(root) == before
    assert not (root / "product" / "epics").exists()  # nor the folder made for an epic
    assert roadmark("new", kind, "--title", "X", cwd=root).stdout == f"product/{path}\n"


# --- today (STORY-63/AC-5) -----------------------------------------------------------------

TODAY_VALUES = [
    ("2026-01-01", date(2026, 1, 1)),
    ("'2026-01-01'", date(2026, 1, 1)),
    ('"2026-12-31"', date(2026, 12, 31)),
    ("", None),
    ("''", None),
    ("2026-02-30", ConfigError),  # YAML itself cannot make this date
    ("'2026-02-30'", ConfigError),
    ("20260101", ConfigError),  # fromisoformat would take it; it is not how dates are written
    ("'20260101'", ConfigError),
    ("2026-01-01 10:00:00", ConfigError),
    ("[2026-01-01]", ConfigError),
    ("tomorrow", ConfigError),
    ("true", ConfigError),
]


@pytest.mark.roadmark("STORY-63/AC-5")
@pytest.mark.parametrize(("written", "expected"), TODAY_VALUES)
def test_check_and_build_accept_and_refuse_the_same_today(
    tmp_path: Path, written: str, expected: object
) -> None:
    mkdocs = f"site_name: x\nplugins:\n  - roadmark:\n      today: {written}\n"
    root = write_project(tmp_path, PRODUCT, mkdocs)
    checked = roadmark("check", cwd=root)
    built = run_tool("mkdocs", "build", "--strict", "-q", cwd=root, timeout=TIMEOUT)
    assert "Traceback" not in checked.stderr, checked.stderr
    accepted = expected is not ConfigError
    assert (checked.returncode, built.returncode == 0) == (0 if accepted else 2, accepted), (
        checked.stderr + built.stdout + built.stderr
    )
    if not accepted:
        one_error_line(checked)


@pytest.mark.roadmark("STORY-63/AC-5")
@pytest.mark.parametrize(("written", "expected"), TODAY_VALUES)
def test_one_function_reads_today(written: str, expected: object) -> None:
    try:
        value = yaml.safe_load(f"today: {written}")["today"]
    except ValueError:  # 2026-02-30 unquoted: refused while reading mkdocs.yml
        assert expected is ConfigError
        return
    if expected is ConfigError:
        with pytest.raises(ConfigError, match=r"^today: "):
            parse_today(value)
    else:
        assert parse_today(value) == expected


# --- check reads the build's test results (STORY-65) ---------------------------------------


@pytest.mark.roadmark("STORY-65/AC-1")
def test_check_reports_a_mistyped_marker_as_the_strict_build_does(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {
            **PRODUCT,
            "reports/junit.xml": junit(
                marked("test_ok", "STORY-1/AC-1") + "\n" + marked("test_typo", "STORY-1/AC-9")
            ),
        },
        config(test_results=["reports/junit.xml"], match_test_names=False),
    )
    built = run_tool("mkdocs", "build", "--strict", cwd=root, timeout=TIMEOUT)
    assert built.returncode != 0
    from_build = [
        line.split("roadmark: ", 1)[1] for line in built.stderr.splitlines() if " RM0" in line
    ]
    checked = roadmark("check", cwd=root)
    assert checked.returncode == 1, checked.stderr
    assert (
        checked.stdout.splitlines()
        == from_build
        == [
            "reports/junit.xml:4:1: error RM019: test 't::test_typo' names 'STORY-1/AC-9', "
            "but STORY-1 has no AC-9 (it has AC-1, AC-2)"
        ]
    )
    # From the product folder, the results are still found from the project root.
    inside = roadmark("check", cwd=root / "product")
    assert inside.returncode == 1
    assert inside.stdout.startswith("../reports/junit.xml:4:1: error RM019:")
    skipped = roadmark("check", "--no-test-results", cwd=root)
    assert (skipped.returncode, skipped.stdout) == (0, "")


@pytest.mark.roadmark("STORY-65/AC-1")
@pytest.mark.parametrize(("required", "problems"), [(True, 1), (False, 0)])
def test_check_follows_test_results_required_as_the_build_does(
    tmp_path: Path, required: bool, problems: int
) -> None:
    """A missing results file: an RM021 warning (status 0, as warnings are for `check`;
    the strict build fails on it), or nothing at all when results are optional."""
    options = {"test_results": ["reports/junit.xml"], "test_results_required": required}
    root = write_project(tmp_path, PRODUCT, config(**options))
    done = roadmark("check", cwd=root)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == problems
    assert all(": warning RM021: no test results file matches 'reports/junit.xml'" in line
               for line in lines)  # fmt: skip
    built = run_tool("mkdocs", "build", "--strict", cwd=root, timeout=TIMEOUT)
    assert (built.returncode == 0) == (problems == 0), built.stderr
