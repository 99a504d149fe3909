"""`roadmark export --format needs` as sphinx-needs reads it: a real Sphinx build with the
`conf.py` the docs give, warnings as errors, and sphinx-needs' own needs.json schema."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sphinx_needs
import ub_needs_exchange
from jsonschema import Draft7Validator

from roadmark.render.export_needs import FIELDS, LINK_TYPES, REQUIREMENT_TYPE
from sites import PRODUCT, write_project
from test_export_csv import CONFIG, DOCS, HOSTILE, export

if TYPE_CHECKING:
    from conftest import RunCli

SPHINX_BUILD = Path(sys.executable).with_name("sphinx-build")
NEEDS_SCHEMA = Path(sphinx_needs.__file__).with_name("needsfile.json")
"""The needs.json schema sphinx-needs ships (and checks its own files against)."""


def documented_conf() -> str:
    """The `conf.py` snippet of docs/exports.md, as users copy it."""
    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    (conf,) = [block for block in blocks if "needs_types" in block]
    return conf


def sphinx_project(folder: Path, needs: bytes) -> Path:
    """A Sphinx project importing `needs` on its index page, with the documented conf.py."""
    folder.mkdir()
    (folder / "needs.json").write_bytes(needs)
    (folder / "conf.py").write_text('project = "Imported"\n' + documented_conf())
    (folder / "index.rst").write_text("Specs\n=====\n\n.. needimport:: needs.json\n")
    return folder


def sphinx_build(source: Path) -> str:
    """Build `source` to HTML with warnings as errors; the index page's HTML."""
    done = subprocess.run(
        [str(SPHINX_BUILD), "-W", "--keep-going", "-q", "-b", "html", str(source),
         str(source / "_build")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    return (source / "_build" / "index.html").read_text(encoding="utf-8")


def needs_of(data: bytes) -> dict[str, dict[str, Any]]:
    """The needs of the current version, as sphinx-needs' exchange reader hands them out."""
    version = ub_needs_exchange.parse(data).select_version(None)
    records = version.records()
    assert version.diagnostics == () and [r.diagnostics for r in records if r.diagnostics] == []
    return {record.key: record.fields for record in records}


@pytest.mark.roadmark("STORY-79/AC-6")
@pytest.mark.parametrize("files", [PRODUCT, HOSTILE], ids=["product", "hostile"])
def test_sphinx_needs_imports_every_item_without_a_warning(
    files: dict[str, str], tmp_path: Path, run_cli: RunCli
) -> None:
    write_project(tmp_path / "specs", files, CONFIG)
    data = export(run_cli, tmp_path / "specs", "--format", "needs")
    errors = [e.message for e in Draft7Validator(json.loads(NEEDS_SCHEMA.read_text())).iter_errors(
        json.loads(data)
    )]  # fmt: skip
    assert errors == []
    needs = needs_of(data)
    html = sphinx_build(sphinx_project(tmp_path / "sphinx", data))
    for need_id, need in needs.items():
        assert f'id="{need_id}"' in html, need_id
        assert need["type"] in {"prd", "epic", "story", "release", "req"}
    if files is PRODUCT:
        story = needs["STORY-2"]
        assert (story["title"], story["status"], story["type"]) == ("CSV export", "done", "story")
        assert story["implements"] == ["PRD-1/R-2"]
        assert story["depends_on"] == ["STORY-1"]
        assert story["parent"] == ["EPIC-1"]
        assert needs["STORY-4"]["release"] == "R2"  # inherited from EPIC-2
        assert needs["STORY-1"]["tags"] == ["export", "json"]
        assert needs["PRD-1/R-2"]["title"].startswith("PRD-1/R-2: The system shall export")
        assert "one row per item" in needs["STORY-2"]["content"]
    else:
        # The dangling STORY-9 is left out (a dead link would warn); markup stays text.
        assert needs["STORY-2"]["depends_on"] == ["STORY-1"]
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_needs_file_is_the_same_bytes_every_run(tmp_path: Path, run_cli: RunCli) -> None:
    write_project(tmp_path, HOSTILE, CONFIG)
    first = export(run_cli, tmp_path, "--format", "needs")
    assert export(run_cli, tmp_path, "--format", "needs") == first
    assert json.loads(first)["created"] == "2026-11-20T00:00:00"


def test_the_documented_conf_declares_every_link_and_field_the_export_writes() -> None:
    namespace: dict[str, Any] = {}
    exec(documented_conf(), namespace)  # the snippet is ours, in docs/exports.md
    assert sorted(namespace["needs_links"]) == sorted(LINK_TYPES)
    assert sorted(namespace["needs_fields"]) == sorted(FIELDS)
    types = {entry["directive"] for entry in namespace["needs_types"]}
    assert types == {"prd", "epic", "story", "release", REQUIREMENT_TYPE}
