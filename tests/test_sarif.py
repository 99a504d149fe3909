"""`roadmark check --format sarif`: a SARIF 2.1.0 log that the official schema accepts (STORY-78).

The schema is not copied into this repository: it is taken at test time from Microsoft's
MIT-licensed npm package `@microsoft/jest-sarif`, at a pinned version whose tarball must
match a pinned sha512, and only its schema member is read. Without npm (or the registry)
the validation is skipped on a workstation, but fails in CI, where it must really run.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import unquote

import jsonschema
import pytest

from roadmark import __version__
from roadmark.spec.problems import RULES
from sites import mkdocs_config, spec, write_project

if TYPE_CHECKING:
    from conftest import RunCli

PACKAGE = "@microsoft/jest-sarif"
PACKAGE_VERSION = "1.0.0-beta.0"
PACKAGE_INTEGRITY = (
    "sha512-A1fOhPd6Ic5iDk4F9YPw1qNB4XF+7+IviR7xl8r2F6QzQkx5cpY9LsGk2rExiFIEcBbjpVnSmwWGBukA"
    "SkiQ9A=="
)
"""`npm view @microsoft/jest-sarif@1.0.0-beta.0 dist.integrity`: the tarball we trust."""
QUIET = ("--ignore-scripts", "--silent")
"""No install script of the package runs, and only errors are printed."""
SCHEMA_MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"

Validator = Any
"""A jsonschema validator instance (the library's classes are not typed for mypy)."""


def _unavailable(reason: str) -> NoReturn:
    # A CI run that skipped this would pass without ever validating a SARIF log.
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must validate SARIF against the official schema")
    pytest.skip(reason)


def _packed_tarball(folder: Path) -> Path:
    """The package's tarball as `npm pack` fetches it, checked against the pinned integrity."""
    npm = shutil.which("npm")
    if npm is None:
        _unavailable("npm is not installed: it fetches the SARIF 2.1.0 schema")
    done = subprocess.run(
        [npm, "pack", f"{PACKAGE}@{PACKAGE_VERSION}", "--pack-destination", str(folder), *QUIET],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    tarballs = sorted(folder.glob("*.tgz"))
    if done.returncode != 0 or len(tarballs) != 1:
        _unavailable(f"npm pack {PACKAGE}@{PACKAGE_VERSION} failed: {done.stderr.strip()}")
    data = tarballs[0].read_bytes()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
    assert digest == PACKAGE_INTEGRITY, f"{tarballs[0].name} is not the pinned tarball"
    return tarballs[0]


def _schema_from(tarball: Path) -> bytes:
    """The schema member's bytes, read without extracting anything else to disk."""
    with tarfile.open(tarball, mode="r:gz") as archive:
        member = archive.getmember(SCHEMA_MEMBER)
        # A link or device under that name would read something other than the schema.
        assert member.isfile(), f"{SCHEMA_MEMBER} is not a regular file"
        extracted = archive.extractfile(member)
        assert extracted is not None
        with extracted:
            return extracted.read()


@pytest.fixture(scope="session")
def sarif_validator(tmp_path_factory: pytest.TempPathFactory) -> Validator:
    """A validator of the official SARIF 2.1.0 schema, fetched and checked once per session."""
    folder = tmp_path_factory.mktemp("sarif-schema")
    cached = folder / "sarif-2.1.0-rtm.5.json"
    cached.write_bytes(_schema_from(_packed_tarball(folder)))
    schema = json.loads(cached.read_text(encoding="utf-8"))
    # The rtm.5 schema declares draft-04; validator_for picks the draft it declares.
    validator_class = jsonschema.validators.validator_for(schema)
    assert validator_class is jsonschema.Draft4Validator
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)


def assert_valid(validator: Validator, log: object) -> None:
    """Every schema error, listed, rather than the first one alone."""
    errors = [
        f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(log)
    ]
    assert errors == []


def sarif(run_cli: RunCli, root: Path, expected_code: int) -> dict[str, Any]:
    """Run `roadmark check --format sarif` in `root`; its output, parsed."""
    code, out, err = run_cli("check", "--format", "sarif", cwd=root)
    assert (code, err) == (expected_code, "")
    assert out.isascii()  # ensure_ascii: no raw control or non-ASCII character gets out
    log: dict[str, Any] = json.loads(out)
    assert out == json.dumps(log, indent=2) + "\n"
    return log


def results(log: dict[str, Any]) -> list[tuple[str, str, str, int, int]]:
    """Each result as (ruleId, level, uri, startLine, startColumn)."""
    (run,) = log["runs"]
    rows = []
    for result in run["results"]:
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        region = physical["region"]
        rows.append(
            (
                result["ruleId"],
                result["level"],
                physical["artifactLocation"]["uri"],
                region["startLine"],
                region["startColumn"],
            )
        )
    return rows


def assert_tool(log: dict[str, Any]) -> None:
    """The log's frame: schema, version, and the driver with every rule of the catalogue."""
    assert (log["$schema"], log["version"]) == (SARIF_SCHEMA_URI, "2.1.0")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("roadmark", __version__)
    assert [rule["id"] for rule in driver["rules"]] == sorted(RULES)
    for rule in driver["rules"]:
        catalogued = RULES[rule["id"]]
        assert rule["name"] == catalogued.name
        assert rule["shortDescription"]["text"] == catalogued.summary
        assert rule["defaultConfiguration"]["level"] == str(catalogued.severity)
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


RELEASE = spec("R1", "release", "First", "planned", date="2026-03-31")
PROBLEMS = {
    "product/releases/R1.md": RELEASE,
    "product/stories/STORY-1.md": spec("STORY-1", "story", "Bad status", "redy", release="R1"),
    "product/stories/STORY-2.md": spec("STORY-2", "story", "Dangling", "backlog", epic="EPIC-7"),
    "product/stories/STORY-3.md": spec("STORY-3", "story", "No criteria", "ready", release="R1"),
}


@pytest.mark.roadmark("STORY-78/AC-3")
def test_sarif_validates_and_locates_each_problem(
    tmp_path: Path, run_cli: RunCli, sarif_validator: Validator
) -> None:
    """Errors and a warning: the log validates, and each result is the problem, placed."""
    root = write_project(tmp_path / "project", PROBLEMS, mkdocs_config())
    log = sarif(run_cli, root, expected_code=1)
    assert_valid(sarif_validator, log)
    assert_tool(log)
    assert results(log) == [
        ("RM006", "error", "product/stories/STORY-1.md", 5, 9),
        ("RM009", "error", "product/stories/STORY-2.md", 6, 7),
        ("RM014", "warning", "product/stories/STORY-3.md", 5, 9),
    ]
    # The same problems, messages and order as the JSON format.
    code, out, _ = run_cli("check", "--format", "json", cwd=root)
    assert code == 1
    assert [(r["ruleId"], r["message"]["text"]) for r in log["runs"][0]["results"]] == [
        (p["code"], p["message"]) for p in json.loads(out)
    ]
    # Byte-identical on a second run.
    assert run_cli("check", "--format", "sarif", cwd=root).out == json.dumps(log, indent=2) + "\n"


def test_sarif_hostile_spec_text(
    tmp_path: Path, run_cli: RunCli, sarif_validator: Validator
) -> None:
    """A path with spaces, '#', '%' and non-ASCII, a message with control characters and
    HTML: the log validates, the URI is percent-encoded, and the text comes back as written."""
    hostile = "\x1b[31m<script>alert(1)</script>\x07\u202e"
    name = "product/stories dir/Ström #1 100%.md"
    files = {"product/releases/R1.md": RELEASE, name: spec("STORY-1", "story", "T", hostile)}
    root = write_project(tmp_path / "project", files, mkdocs_config())
    log = sarif(run_cli, root, expected_code=1)
    assert_valid(sarif_validator, log)
    assert results(log) == [
        ("RM006", "error", "product/stories%20dir/Str%C3%B6m%20%231%20100%25.md", 5, 9)
    ]
    (result,) = log["runs"][0]["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert unquote(uri) == name
    # Plain text, not escaped for HTML: exactly the message the JSON format gives.
    _, out, _ = run_cli("check", "--format", "json", cwd=root)
    (problem,) = json.loads(out)
    assert result["message"]["text"] == problem["message"]
    assert f"status: '{hostile}' is not a story status" in result["message"]["text"]


def test_sarif_clean_product(tmp_path: Path, run_cli: RunCli, sarif_validator: Validator) -> None:
    """No problem: an empty results array, every rule still described, and a valid log."""
    files = {
        "product/releases/R1.md": RELEASE,
        "product/stories/STORY-1.md": spec("STORY-1", "story", "Fine", "backlog", release="R1"),
    }
    root = write_project(tmp_path / "project", files, mkdocs_config())
    log = sarif(run_cli, root, expected_code=0)
    assert_valid(sarif_validator, log)
    assert_tool(log)
    assert log["runs"][0]["results"] == []
