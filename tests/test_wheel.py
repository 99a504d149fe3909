"""The package as users get it (STORY-80): `python -m build` makes an sdist and, from it, a
wheel; the wheel installs into a fresh virtual environment where the commands of the getting
started guide work, and carries the package's metadata, licence and assets.

The build runs on a copy of the repository (its tracked and unignored files), so setuptools'
`build/` and `*.egg-info` never appear in the checkout, and with `--no-isolation`, so the
build backend is the lock's. The fresh environment takes Roadmark's dependencies from the
package index at the lock's versions (`-c constraints.txt`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from dataclasses import dataclass
from email.message import Message
from email.parser import Parser
from pathlib import Path

import pytest

from sites import EPOCH, TOOL_ENV

REPO = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
ASSETS = sorted(path.name for path in (REPO / "plugins/roadmark/assets").iterdir())


def run(*args: str | Path, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run a command with an environment free of this suite's virtual environment."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    env.update(TOOL_ENV, SOURCE_DATE_EPOCH=EPOCH, PIP_DISABLE_PIP_VERSION_CHECK="1")
    done = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-2000:])
    return done


def build_outputs() -> list[str]:
    """What setuptools leaves in a checkout it builds in: `build/`, `dist/`, `*.egg-info`."""
    listed = run("git", "status", "--porcelain", "--ignored", "--untracked-files=all", cwd=REPO)
    paths = [line[3:] for line in listed.stdout.splitlines()]
    return sorted(
        path for path in paths
        if path.startswith(("build/", "dist/")) or ".egg-info" in path
    )  # fmt: skip


def copy_of_repository(target: Path) -> Path:
    """The repository's tracked and unignored files, copied into `target`."""
    listed = run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO)
    for name in listed.stdout.split("\0"):
        source = REPO / name
        if name and source.is_file():  # a tracked file deleted in the work tree is left out
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@dataclass(frozen=True)
class Dists:
    sdist: Path
    wheel: Path
    outputs_before: list[str]


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Dists:
    before = build_outputs()
    source = copy_of_repository(tmp_path_factory.mktemp("source"))
    out = tmp_path_factory.mktemp("dist")
    # With neither --sdist nor --wheel, build makes the sdist, then the wheel from the
    # unpacked sdist: a file the wheel needs but the sdist lacks fails here.
    done = run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, source, cwd=source)
    assert "* Building wheel from sdist" in done.stderr.splitlines()
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return Dists(sdist, wheel, before)


def wheel_metadata(wheel: Path) -> tuple[Message, list[str]]:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (metadata,) = [name for name in names if name.endswith(".dist-info/METADATA")]
        text = archive.read(metadata).decode("utf-8")
    return Parser().parsestr(text), names


@pytest.mark.roadmark("STORY-80/AC-3")
def test_the_wheel_carries_the_metadata_the_licence_and_the_assets(dists: Dists) -> None:
    metadata, names = wheel_metadata(dists.wheel)
    assert metadata["Name"] == "roadmark"
    assert metadata.get_all("Classifier") == PROJECT["classifiers"]
    for classifier in ("Framework :: MkDocs", "Programming Language :: Python :: 3.11"):
        assert classifier in metadata.get_all("Classifier")
    assert any(c.startswith("Topic :: ") for c in metadata.get_all("Classifier"))
    assert metadata["Keywords"].split(",") == PROJECT["keywords"]
    assert metadata["Author"] == PROJECT["authors"][0]["name"]
    assert (metadata["License-Expression"], metadata["License-File"]) == ("MIT", "LICENSE")
    assert metadata["Requires-Python"] == ">=3.11"
    assert "roadmark check" in metadata.get_payload()  # the README is the long description
    (licence,) = [name for name in names if name.endswith(".dist-info/licenses/LICENSE")]
    with zipfile.ZipFile(dists.wheel) as archive:
        assert archive.read(licence) == (REPO / "LICENSE").read_bytes()
        for asset in ASSETS:
            shipped = archive.read(f"roadmark/assets/{asset}")
            assert shipped == (REPO / "plugins/roadmark/assets" / asset).read_bytes()
    assert "roadmark/py.typed" in names
    with tarfile.open(dists.sdist) as sdist:
        inside = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    for needed in ("LICENSE", "README.md", "pyproject.toml", "plugins/roadmark/py.typed"):
        assert needed in inside
    assert {f"plugins/roadmark/assets/{asset}" for asset in ASSETS} <= inside


@pytest.mark.roadmark("STORY-80/AC-2")
def test_the_wheel_installs_into_a_fresh_venv_where_init_and_a_strict_build_work(
    dists: Dists, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    bin_dir = venv / "bin"
    lock = REPO / "constraints.txt"
    run(
        bin_dir / "python", "-m", "pip", "install", "--quiet", "-c", lock, dists.wheel, cwd=tmp_path
    )
    where = run(bin_dir / "python", "-c", "import roadmark; print(roadmark.__file__)", cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(venv)  # not this checkout's package
    assert "check" in run(bin_dir / "roadmark", "--help", cwd=tmp_path).stdout
    project = tmp_path / "project"
    project.mkdir()
    run(bin_dir / "roadmark", "init", cwd=project)
    assert (project / "mkdocs.yml").is_file()
    run(bin_dir / "mkdocs", "build", "--strict", cwd=project)
    page = project / "site/product/stories/STORY-1/index.html"
    assert "STORY-1" in page.read_text(encoding="utf-8")
    assert (project / "site/assets/roadmark/roadmark.css").is_file()  # the packaged assets


@pytest.mark.roadmark("STORY-80/AC-2")
def test_building_leaves_nothing_in_the_checkout(dists: Dists) -> None:
    assert dists.wheel.name == "roadmark-0.1.0-py3-none-any.whl"
    assert build_outputs() == dists.outputs_before
