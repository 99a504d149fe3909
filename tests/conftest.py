"""Shared fixtures: write a project into a temporary folder, run the real `roadmark` command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import pytest

from browsers import chromium
from roadmark.cli import main
from sites import write_project

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REPO = Path(__file__).resolve().parent.parent


def _snapshot(*folders: Path) -> dict[str, bytes]:
    return {
        path.relative_to(REPO).as_posix(): path.read_bytes()
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(autouse=True, scope="session")
def _not_inside_make() -> Any:
    """Run `make` in tests as a user would, even when the suite itself runs under `make test`.

    A parent make exports MAKEFLAGS and MAKELEVEL; a child make then prints "Entering
    directory" lines and shares the parent's jobserver.
    """
    with pytest.MonkeyPatch.context() as patch:
        for name in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES"):
            patch.delenv(name, raising=False)
        yield


@pytest.fixture(autouse=True, scope="session")
def _repository_sources_untouched() -> Any:
    """Fail the run if any test wrote into this repository's own product/ or docs/ folders."""
    folders = (REPO / "product", REPO / "docs")
    before = _snapshot(*folders)
    yield
    after = _snapshot(*folders)
    changed = sorted(
        path for path in before.keys() | after.keys() if before.get(path) != after.get(path)
    )
    assert not changed, f"tests modified the repository's sources: {changed}"


def _console_script() -> str:
    """The installed `roadmark` script, preferring the one of the interpreter running the tests."""
    beside = Path(sys.executable).with_name("roadmark")
    if beside.is_file():
        return str(beside)
    found = shutil.which("roadmark")
    if found is None:
        pytest.exit("the roadmark console script is not installed; run `make test`", returncode=2)
    return found


class CliResult(NamedTuple):
    """What a `roadmark` run returned; unpacks as (code, out, err)."""

    code: int
    out: str
    err: str

    @property
    def output(self) -> str:
        """Standard output and standard error together, for assertions on either."""
        return self.out + self.err


class WriteProduct(Protocol):
    """Writes a project; see the `write_product` fixture."""

    def __call__(
        self,
        files: Mapping[str, str | bytes],
        mkdocs: str | Mapping[str, Any] | None = None,
        root: Path | None = None,
    ) -> Path: ...


class RunCli(Protocol):
    """Runs `roadmark`; see the `run_cli` fixture."""

    def __call__(self, *args: str | os.PathLike[str], cwd: Path | None = None) -> CliResult: ...


@pytest.fixture
def write_product(tmp_path: Path) -> WriteProduct:
    """A function writing files {path relative to the project: text or bytes} into a project.

    The project is `tmp_path` unless `root` is given. `mkdocs` is written to `mkdocs.yml`:
    as is when text, as YAML when a mapping. Text is written byte for byte (CRLF stays CRLF).
    Returns the project folder.
    """

    def write(
        files: Mapping[str, str | bytes],
        mkdocs: str | Mapping[str, Any] | None = None,
        root: Path | None = None,
    ) -> Path:
        return write_project(root or tmp_path, files, mkdocs)

    return write


@pytest.fixture
def run_cli(tmp_path: Path) -> RunCli:
    """A function running the installed `roadmark` script in `cwd` (default: `tmp_path`)."""
    script = _console_script()
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_MKDOCS_2_WARNING": "1"}
    # Tests choose output formats explicitly; a CI runner's environment must not choose one.
    env.pop("GITHUB_ACTIONS", None)

    def run(*args: str | os.PathLike[str], cwd: Path | None = None) -> CliResult:
        done = subprocess.run(
            [script, *map(str, args)],
            cwd=cwd or tmp_path,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )
        return CliResult(done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture
def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Like `run_cli`, but calling `roadmark.cli.main` in-process: for many fast runs.

    An exception escaping `main` fails the test, as a traceback would fail `run_cli`.
    """

    def run(*args: str | os.PathLike[str], cwd: Path | None = None) -> CliResult:
        capsys.readouterr()
        if cwd is not None:
            monkeypatch.chdir(cwd)
        try:
            code = main([str(arg) for arg in args])
        except SystemExit as exc:  # argparse exits on --help and on bad usage
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for a module's browser tests, or a skip (a failure under CI)."""
    with chromium() as started:
        yield started
