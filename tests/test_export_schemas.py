"""The JSON exports against their published, versioned JSON Schemas."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest
from jsonschema import Draft202012Validator

from sites import PRODUCT, build, mkdocs_config, write_project
from test_export_csv import CONFIG, HOSTILE, export

if TYPE_CHECKING:
    from conftest import RunCli

TRACE_FIXTURE = Path(__file__).parent / "fixtures" / "trace"
JUNIT = """\
<?xml version="1.0" encoding="utf-8"?>
<testsuite name="s" tests="2">
  <testcase classname="=HYPERLINK(&quot;x&quot;)" name="t&#x202e;[31m">
    <properties><property name="roadmark" value="STORY-1/AC-1"/></properties>
    <failure message="-boom &#x202e; 日本">trace</failure>
  </testcase>
  <testcase classname="c" name="PRD-1/R-1 direct">
    <properties><property name="roadmark" value="PRD-1/R-1"/></properties>
  </testcase>
</testsuite>
"""


def published(run_cli: RunCli, view: str) -> dict[str, Any]:
    """The schema `roadmark schema --export VIEW` prints, checked as a 2020-12 schema."""
    done = run_cli("schema", "--export", view)
    assert (done.code, done.err) == (0, "")
    schema: dict[str, Any] = json.loads(done.out)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    return schema


def validate(document: dict[str, Any], schema: dict[str, Any]) -> None:
    """Every error, not only the first, so a failure says all that is wrong."""
    errors = [error.message for error in Draft202012Validator(schema).iter_errors(document)]
    assert errors == []


@pytest.mark.roadmark("STORY-79/AC-5")
@pytest.mark.parametrize("product", ["trace-fixture", "hostile"])
def test_every_json_export_validates_against_its_versioned_schema(
    product: str, tmp_path: Path, run_cli: RunCli
) -> None:
    root = tmp_path / "project"
    if product == "hostile":
        write_project(root, {**HOSTILE, "reports/junit.xml": JUNIT}, CONFIG)
    else:
        shutil.copytree(TRACE_FIXTURE, root)
    for view in ("items", "trace"):
        schema = published(run_cli, view)
        target = root / f"{view}.json"
        done = run_cli(
            "export", "--view", view, "--test-results", "reports/junit.xml", "-o", target,
            cwd=root,
        )  # fmt: skip
        assert done.code == 0, done.err
        document = json.loads(target.read_text(encoding="utf-8"))
        assert document["schema_version"] == schema["properties"]["schema_version"]["const"]
        assert schema["$id"].endswith(f":{view}:{document['schema_version']}")
        validate(document, schema)
        trace = document if view == "trace" else document["trace"]
        assert trace["criteria"] and trace["requirements"]  # the trace was there to check
    if product == "hostile":  # problems, odd test names and all
        items = json.loads((root / "items.json").read_text(encoding="utf-8"))
        assert items["problems"] and items["trace"]["test_cases"] == 2


def test_a_document_of_another_version_or_shape_is_refused(tmp_path: Path, run_cli: RunCli) -> None:
    """The schemas are strict enough to catch a changed export, not `{}`."""
    write_project(tmp_path, PRODUCT, CONFIG)
    schema = published(run_cli, "items")
    document = json.loads(export(run_cli, tmp_path, "--format", "json"))
    validate(document, schema)
    for broken in (
        {**document, "schema_version": "2"},
        {key: value for key, value in document.items() if key != "schema_version"},
        {**document, "surprise": True},
        {**document, "items": [{**document["items"][0], "status": 3}]},
        {**document, "links": [{"source": "STORY-1"}]},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema, cls=Draft202012Validator)


def test_the_site_publishes_the_schema_beside_roadmark_json(
    tmp_path: Path, run_cli: RunCli
) -> None:
    write_project(tmp_path, {**PRODUCT, "docs/index.md": "# Home\n"}, mkdocs_config())
    site = build(tmp_path)
    schema = json.loads((site.site_dir / "roadmark.schema.json").read_text(encoding="utf-8"))
    assert schema == published(run_cli, "items")
    validate(json.loads((site.site_dir / "roadmark.json").read_text(encoding="utf-8")), schema)
