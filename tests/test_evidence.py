"""Test evidence (issue 5): JUnit XML read, linked to criteria, and its problems reported."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from roadmark.spec.options import read_options
from roadmark.spec.problems import RULES, Severity
from roadmark.spec.product import load_product
from roadmark.spec.settings import ConfigError, settings_from_options
from roadmark.trace.evidence import Evidence, read_evidence
from roadmark.trace.junit import JUnitError, parse_junit

if TYPE_CHECKING:
    from conftest import RunCli, WriteProduct

PRODUCT = {
    "product/PRD-1.md": "---\nid: PRD-1\nkind: prd\ntitle: P\nstatus: draft\n---\n"
    "## Requirements\n\n- R-1: The system shall work.\n",
    "product/STORY-1.md": "---\nid: STORY-1\nkind: story\ntitle: S\nstatus: ready\n---\n"
    "## Acceptance criteria\n\n- AC-1: Given a, then b.\n- AC-2: Given c, then d.\n",
    "product/my_story-2.md": "---\nid: my_story-2\nkind: story\ntitle: T\nstatus: backlog\n---\n"
    "## Acceptance criteria\n\n- AC-1: Given e, then f.\n",
}


def junit(*cases: str) -> str:
    """A JUnit file holding the given `<testcase>` elements, one per line from line 3."""
    body = "\n".join(textwrap.dedent(case).strip().replace("\n", "") for case in cases)
    return f'<?xml version="1.0"?>\n<testsuite name="s">\n{body}\n</testsuite>\n'


def prop(value: str) -> str:
    return f'<properties><property name="roadmark" value="{value}"/></properties>'


def read(
    root: Path, *globs: str, required: bool = True, options: dict[str, object] | None = None
) -> Evidence:
    settings = settings_from_options(options)
    product = load_product(root, settings)
    assert product.problems == []
    return read_evidence(root, globs, product.graph, settings, required=required)


@pytest.mark.roadmark("STORY-32/AC-3")
def test_results_are_passed_failed_error_and_skipped(tmp_path: Path) -> None:
    """Each outcome element maps to its result; a case with several takes the worst."""
    path = tmp_path / "r.xml"
    path.write_text(
        junit(
            '<testcase classname="c" name="ok" file="t.py"/>',
            '<testcase classname="c" name="bad"><failure message="1 != 2">x</failure></testcase>',
            '<testcase classname="c" name="boom"><error message="OSError"/></testcase>',
            '<testcase classname="c" name="later"><skipped message="not yet"/></testcase>',
            '<testcase classname="c" name="worse"><failure/><error type="teardown"/></testcase>',
            '<testcase classname="c" name="rerun"><flakyFailure/></testcase>',
        ),
        encoding="utf-8",
    )
    cases = parse_junit(path)
    assert [(c.name, c.result) for c in cases] == [
        ("ok", "passed"),
        ("bad", "failed"),
        ("boom", "error"),
        ("later", "skipped"),
        ("worse", "error"),
        ("rerun", "passed"),
    ]
    assert [c.line for c in cases] == [3, 4, 5, 6, 7, 8]
    assert cases[0].file == "t.py"
    assert (cases[1].message, cases[3].message, cases[4].message) == (
        "1 != 2",
        "not yet",
        "teardown",
    )


@pytest.mark.roadmark("STORY-32/AC-1", "STORY-32/AC-2")
def test_tests_link_by_property_or_by_the_address_in_their_name(
    write_product: WriteProduct,
) -> None:
    """Comma-separated property values, a property's text, and addresses in names all link."""
    root = write_product(
        {
            **PRODUCT,
            "reports/a.xml": junit(
                f'<testcase classname="m" name="test_both">{prop("STORY-1/AC-1, STORY-1/AC-2")}'
                "</testcase>",
                '<testcase classname="m" name="test_cycle_reported[STORY-1/AC-2]"/>',
                '<testcase name="test_req"><properties><property name="roadmark">PRD-1/R-1'
                "</property></properties></testcase>",
                '<testcase name="test_my_story-2/AC-1_works"/>',
                '<testcase name="test_unrelated[data/v-1]"/>',
                f'<testcase name="test_twice[STORY-1/AC-1]">{prop("STORY-1/AC-1")}</testcase>',
            ),
        }
    )
    evidence = read(root, "reports/*.xml")
    assert evidence.problems == []
    assert evidence.sources == ["reports/a.xml"]
    assert evidence.cases == 6
    linked = {address: [t.name for t in tests] for address, tests in evidence.by_address.items()}
    assert linked == {
        "STORY-1/AC-1": ["test_both", "test_twice[STORY-1/AC-1]"],
        "STORY-1/AC-2": ["test_both", "test_cycle_reported[STORY-1/AC-2]"],
        "PRD-1/R-1": ["test_req"],
        "my_story-2/AC-1": ["test_my_story-2/AC-1_works"],
    }
    assert evidence.tests[0].title == "m::test_both"
    assert evidence.tests[0].addresses == ("STORY-1/AC-1", "STORY-1/AC-2")


def test_names_are_a_fallback_for_cases_without_the_property(write_product: WriteProduct) -> None:
    """With a property, the name is not read; with `names=False`, names never count."""
    root = write_product(
        {
            **PRODUCT,
            "r.xml": junit(
                f'<testcase name="test_x[STORY-1/AC-2]">{prop("STORY-1/AC-1")}</testcase>',
                '<testcase name="test_y[STORY-1/AC-2.]"/>',
                '<testcase name="test_z[STORY-1/AC-9]"/>',
            ),
        }
    )
    evidence = read(root, "r.xml")
    linked = {address: [t.name for t in tests] for address, tests in evidence.by_address.items()}
    assert linked == {
        "STORY-1/AC-1": ["test_x[STORY-1/AC-2]"],
        "STORY-1/AC-2": ["test_y[STORY-1/AC-2.]"],
    }
    assert [p.line for p in evidence.problems] == [5]
    settings = settings_from_options({})
    product = load_product(root, settings)
    off = read_evidence(root, ["r.xml"], product.graph, settings, names=False)
    assert (list(off.by_address), off.problems) == (["STORY-1/AC-1"], [])


@pytest.mark.roadmark("STORY-32/AC-5")
def test_an_unknown_address_is_reported_with_the_file_and_the_test(
    write_product: WriteProduct,
) -> None:
    """RM019 names the JUnit file, the test case's line and name, and what is wrong."""
    root = write_product(
        {
            **PRODUCT,
            "reports/a.xml": junit(
                f'<testcase classname="m" name="test_typo">{prop("STORY-1/AC-9")}</testcase>',
                '<testcase classname="m" name="test_gone[STORY-404/AC-1]"/>',
                f'<testcase classname="m" name="test_bare">{prop("STORY-1")}</testcase>',
                f'<testcase classname="m" name="test_fine">{prop("STORY-1/AC-1")}</testcase>',
            ),
        }
    )
    evidence = read(root, "reports/a.xml")
    assert [(p.code, p.severity, p.path, p.line) for p in evidence.problems] == [
        ("RM019", Severity.ERROR, "reports/a.xml", 3),
        ("RM019", Severity.ERROR, "reports/a.xml", 4),
        ("RM019", Severity.ERROR, "reports/a.xml", 5),
    ]
    messages = [p.message for p in evidence.problems]
    assert messages[0] == (
        "test 'm::test_typo' names 'STORY-1/AC-9', but STORY-1 has no AC-9 (it has AC-1, AC-2)"
    )
    assert messages[1] == (
        "test 'm::test_gone[STORY-404/AC-1]' names 'STORY-404/AC-1', but there is no item "
        "STORY-404 (in its name; set match_test_names: false if names hold other data)"
    )
    assert "'STORY-1', which is not an address like STORY-1/AC-1" in messages[2]
    assert [t.name for t in evidence.tests] == ["test_fine"]
    assert RULES["RM019"].name == "unknown-test-address"


@pytest.mark.roadmark("STORY-32/AC-4")
def test_malformed_xml_is_an_error_naming_the_file_and_the_rest_is_read(
    write_product: WriteProduct,
) -> None:
    root = write_product(
        {
            **PRODUCT,
            "reports/a-broken.xml": '<testsuite>\n<testcase name="x">\n</testsuite>\n',
            "reports/b-empty.xml": "",
            "reports/c-html.xml": "<html><body/></html>",
            "reports/d-good.xml": junit(f'<testcase name="t">{prop("STORY-1/AC-1")}</testcase>'),
        }
    )
    evidence = read(root, "reports/*.xml")
    found = [(p.code, p.path, p.line, p.message) for p in evidence.problems]
    assert found == [
        ("RM020", "reports/a-broken.xml", 3, "malformed XML: mismatched tag"),
        ("RM020", "reports/b-empty.xml", 1, "malformed XML: no element found"),
        ("RM020", "reports/c-html.xml", 1, "not JUnit XML: the root element is <html>"),
    ]
    assert str(evidence.problems[0]).startswith("reports/a-broken.xml:3:3: error RM020:")
    assert evidence.sources == ["reports/d-good.xml"]
    assert list(evidence.by_address) == ["STORY-1/AC-1"]


@pytest.mark.parametrize(
    "document",
    [
        # Billion laughs: refused before any entity is expanded.
        '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {b} "&{a};&{a};&{a};&{a};&{a};&{a};&{a};&{a};&{a};&{a};">'
                  for a, b in zip("abcdefgh", "bcdefghi", strict=True))
        + ']><testsuite><testcase name="&i;"/></testsuite>',
        # An external entity: never fetched, never read.
        '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<testsuite><testcase name="&x;"/></testsuite>',
        '<?xml version="1.0"?><!DOCTYPE testsuite SYSTEM "http://example.com/junit.dtd">'
        "<testsuite/>",
    ],
)  # fmt: skip
def test_dtds_and_entities_are_refused(tmp_path: Path, document: str) -> None:
    """Results come from CI; a DTD is an error, so no entity is ever expanded or fetched."""
    path = tmp_path / "r.xml"
    path.write_text(document, encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(JUnitError, match="DOCTYPE is not allowed"):
        parse_junit(path)
    assert time.perf_counter() - start < 1


@pytest.mark.roadmark("STORY-32/AC-4")
def test_a_glob_matching_nothing_is_a_warning_naming_the_glob(
    write_product: WriteProduct,
) -> None:
    root = write_product(PRODUCT)
    evidence = read(root, "reports/*.xml")
    (problem,) = evidence.problems
    assert (problem.code, problem.severity, problem.path) == (
        "RM021",
        Severity.WARNING,
        "reports/*.xml",
    )
    assert "no test results file matches 'reports/*.xml'" in problem.message
    assert "test_results_required: false" in problem.message  # the fix, for sites built early
    assert evidence.notes == []


def test_when_results_are_optional_a_missing_file_is_only_a_note(
    write_product: WriteProduct,
) -> None:
    root = write_product(PRODUCT)
    evidence = read(root, "reports/junit.xml", required=False)
    assert evidence.problems == []
    assert evidence.notes == ["no test results file matches 'reports/junit.xml'"]


def test_rules_can_be_regraded_or_silenced(write_product: WriteProduct) -> None:
    root = write_product(
        {**PRODUCT, "r.xml": junit(f'<testcase name="t">{prop("STORY-1/AC-7")}</testcase>')}
    )
    options = {"rules": {"unknown-test-address": "warning", "RM021": "off"}}
    evidence = read(root, "r.xml", "missing.xml", options=options)
    assert [(p.code, p.severity) for p in evidence.problems] == [("RM019", Severity.WARNING)]


def test_files_matched_twice_are_read_once_and_folders_are_skipped(
    write_product: WriteProduct,
) -> None:
    case = f'<testcase name="t">{prop("STORY-1/AC-1")}</testcase>'
    root = write_product(
        {**PRODUCT, "reports/a.xml": junit(case), "reports/sub.xml/b.xml": junit(case)}
    )
    evidence = read(root, "reports/*.xml", "reports/a.xml", "reports/**/*.xml")
    assert evidence.problems == []
    assert evidence.sources == ["reports/a.xml", "reports/sub.xml/b.xml"]
    assert len(evidence.by_address["STORY-1/AC-1"]) == 2


def test_absolute_globs_are_reported_relative_to_the_project(
    write_product: WriteProduct, tmp_path: Path
) -> None:
    root = write_product(PRODUCT)
    evidence = read(root, str(tmp_path / "out" / "*.xml"))
    assert [p.path for p in evidence.problems] == ["out/*.xml"]


def test_options_are_validated() -> None:
    assert read_options({}).test_results == ()
    assert read_options({"test_results": "a.xml"}).test_results == ("a.xml",)
    assert read_options({"test_results_required": False}).test_results_required is False
    assert read_options({"match_test_names": False}).match_test_names is False
    with pytest.raises(ConfigError, match="list of globs"):
        read_options({"test_results": [1]})
    with pytest.raises(ConfigError, match="true or false"):
        read_options({"test_results_required": "no"})


@pytest.mark.roadmark("STORY-32/AC-5")
def test_roadmark_check_reports_test_results_problems(
    write_product: WriteProduct, run_cli: RunCli
) -> None:
    """`roadmark check --test-results` exits 1 on an unknown address, located in the XML."""
    root = write_product(
        {
            **PRODUCT,
            "reports/a.xml": junit(f'<testcase name="t">{prop("STORY-1/AC-3")}</testcase>'),
        },
        mkdocs={"site_name": "x", "plugins": ["roadmark"]},
    )
    clean = run_cli("check", cwd=root)
    assert clean.code == 0, clean.output
    result = run_cli("check", "--test-results", "reports/*.xml", cwd=root)
    assert result.code == 1
    assert result.out == (
        "reports/a.xml:3:1: error RM019: test 't' names 'STORY-1/AC-3', "
        "but STORY-1 has no AC-3 (it has AC-1, AC-2)\n"
    )
    assert "Traceback" not in result.err


@pytest.mark.roadmark("STORY-81/AC-3")
def test_an_address_in_a_tests_class_links_it_as_one_in_its_name_does(
    write_product: WriteProduct,
) -> None:
    """Jest puts a `describe` block's title in the class; a typo there says where it is."""
    root = write_product(
        {
            **PRODUCT,
            "r.xml": junit(
                '<testcase classname="STORY-1/AC-2 totals" name="sums the lines"/>',
                '<testcase classname="STORY-1/AC-2 totals" name="STORY-1/AC-1 rounds"/>',
                '<testcase classname="STORY-1/AC-7 totals" name="empty"/>',
                f'<testcase classname="STORY-1/AC-2 x" name="y">{prop("STORY-1/AC-1")}</testcase>',
            ),
        }
    )
    evidence = read(root, "r.xml")
    linked = {address: [t.name for t in tests] for address, tests in evidence.by_address.items()}
    assert linked == {
        "STORY-1/AC-2": ["sums the lines", "STORY-1/AC-1 rounds"],
        "STORY-1/AC-1": ["STORY-1/AC-1 rounds", "y"],
    }
    assert evidence.tests[1].addresses == ("STORY-1/AC-1", "STORY-1/AC-2")  # the name first
    (problem,) = evidence.problems
    assert (problem.line, problem.message) == (
        5,
        "test 'STORY-1/AC-7 totals::empty' names 'STORY-1/AC-7', but STORY-1 has no AC-7 "
        "(it has AC-1, AC-2) (in its class; set match_test_names: false if names hold other data)",
    )
    settings = settings_from_options({})
    product = load_product(root, settings)
    off = read_evidence(root, ["r.xml"], product.graph, settings, names=False)
    assert (list(off.by_address), off.problems) == (["STORY-1/AC-1"], [])
