"""Test results from any runner (STORY-81): the reports of Maven Surefire and Gradle (JUnit 5),
jest-junit and go-junit-report, as those tools write them, link criteria by the address in a
test's name or class and by properties of a test suite, under a property name of choice.

Each report below is written in its tool's own shape: Surefire's 3.0 report with JUnit 5
display names as test names (`usePhrasedTestCaseMethodName`), its system properties at suite
level; Gradle's per-class report, where the display names of parameterized invocations
(`@ParameterizedTest(name = "STORY-12/AC-1 … [{index}] {arguments}")`) and dynamic tests
are the names, with an empty `<properties/>`;
jest-junit's defaults (`{classname} {title}` as both name and class, `addFileAttribute`),
with properties from its `testSuitePropertiesFile`; go-junit-report v2, subtests named
`TestX/sub_test` with spaces as underscores, the package as class.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from roadmark.render import trace_cells
from roadmark.trace.evidence import RecordedTest
from roadmark.trace.junit import SUITE_PROPERTY_LIMIT, JUnitError, parse_junit
from sites import Node, Site, build, mkdocs_config, parse, section, spec, write_project

if TYPE_CHECKING:
    from conftest import RunCli

PRODUCT = {
    "docs/index.md": "# Home\n",
    "product/prds/PRD-1.md": spec(
        "PRD-1", "prd", "Checkout", "approved", "## Requirements\n\n- R-1: Carts add up.\n"
    ),
    "product/epics/EPIC-1.md": spec("EPIC-1", "epic", "Cart", "in-progress", prd="PRD-1"),
    "product/stories/STORY-12.md": spec(
        "STORY-12", "story", "Cart totals", "in-progress",
        "## Acceptance criteria\n\n- AC-1: Given lines, then the total is their sum.\n"
        "- AC-2: Given half a cent, then it is rounded up.\n"
        "- AC-3: Given an empty cart, then it costs nothing.\n",
        epic="EPIC-1", implements=["PRD-1/R-1"],
    ),
}  # fmt: skip

SUREFIRE = """\
<?xml version="1.0" encoding="UTF-8"?>
<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:noNamespaceSchemaLocation="https://maven.apache.org/surefire/maven-surefire-plugin/xsd/\
surefire-test-report-3.0.xsd" version="3.0" name="com.example.cart.CartTest" time="0.042" \
tests="3" errors="0" skipped="0" failures="1">
  <properties>
    <property name="java.version" value="21.0.5"/>
    <property name="verifies" value="STORY-12/AC-3"/>
    <property name="os.name" value="Linux"/>
  </properties>
  <testcase name="STORY-12/AC-1 sums the lines" classname="com.example.cart.CartTest" \
time="0.011"/>
  <testcase name="STORY-12/AC-2 rounds half a cent up" classname="com.example.cart.CartTest" \
time="0.004">
    <failure message="expected: &lt;4&gt; but was: &lt;3&gt;" \
type="org.opentest4j.AssertionFailedError"><![CDATA[org.opentest4j.AssertionFailedError: \
expected: <4> but was: <3>
\tat com.example.cart.CartTest.roundsUp(CartTest.java:31)
]]></failure>
  </testcase>
  <testcase name="an empty cart costs nothing" classname="com.example.cart.CartTest" \
time="0.001"/>
</testsuite>
"""

GRADLE = """\
<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="com.example.cart.CartTest" tests="3" skipped="0" failures="1" errors="0" \
timestamp="2026-11-30T09:15:02" hostname="ci-runner" time="0.031">
  <properties/>
  <testcase name="STORY-12/AC-1 sums the lines [1] 2, 3" classname="com.example.cart.CartTest" \
time="0.012"/>
  <testcase name="STORY-12/AC-2 rounds half a cent up [1] 0.5" \
classname="com.example.cart.CartTest" time="0.004">
    <failure message="org.opentest4j.AssertionFailedError: expected: &lt;4&gt; but was: \
&lt;3&gt;" type="org.opentest4j.AssertionFailedError">org.opentest4j.AssertionFailedError: \
expected: &lt;4&gt; but was: &lt;3&gt;
\tat app//com.example.cart.CartTest.roundsUp(CartTest.java:31)
</failure>
  </testcase>
  <testcase name="STORY-12/AC-3 an empty cart costs nothing" \
classname="com.example.cart.CartTest$Empty" time="0.001"/>
  <system-out><![CDATA[]]></system-out>
  <system-err><![CDATA[]]></system-err>
</testsuite>
"""

JEST = """\
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="jest tests" tests="3" failures="1" errors="0" time="1.204">
  <testsuite name="cart" errors="0" failures="1" skipped="0" timestamp="2026-11-30T09:15:02" \
time="0.83" tests="3">
    <properties>
      <property name="roadmark" value="STORY-12/AC-3"/>
    </properties>
    <testcase classname="cart STORY-12/AC-1 sums the lines" \
name="cart STORY-12/AC-1 sums the lines" time="0.004" file="/home/ci/shop/src/cart.test.js">
    </testcase>
    <testcase classname="cart STORY-12/AC-2 rounds half a cent up" \
name="cart STORY-12/AC-2 rounds half a cent up" time="0.003" \
file="/home/ci/shop/src/cart.test.js">
      <failure>Error: expect(received).toBe(expected) // Object.is equality

Expected: 4
Received: 3
    at Object.toBe (/home/ci/shop/src/cart.test.js:12:25)</failure>
    </testcase>
    <testcase classname="cart costs nothing when empty" name="cart costs nothing when empty" \
time="0.001" file="/home/ci/shop/src/cart.test.js">
    </testcase>
  </testsuite>
</testsuites>
"""

GO = """\
<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="4" failures="2">
\t<testsuite name="example.com/shop/cart" tests="4" failures="2" errors="0" id="0" \
hostname="ci-runner" time="0.005" timestamp="2026-11-30T09:15:02Z">
\t\t<properties>
\t\t\t<property name="go.version" value="go1.23.4 linux/amd64"></property>
\t\t</properties>
\t\t<testcase name="TestTotal" classname="example.com/shop/cart" time="0.000">
\t\t\t<failure message="Failed"><![CDATA[]]></failure>
\t\t</testcase>
\t\t<testcase name="TestTotal/STORY-12/AC-1_sums_the_lines" classname="example.com/shop/cart" \
time="0.000"></testcase>
\t\t<testcase name="TestTotal/STORY-12/AC-2_rounds_half_a_cent_up" \
classname="example.com/shop/cart" time="0.000">
\t\t\t<failure message="Failed"><![CDATA[    cart_test.go:21: got 3, want 4]]></failure>
\t\t</testcase>
\t\t<testcase name="TestTotal/STORY-12/AC-3_costs_nothing_when_empty" \
classname="example.com/shop/cart" time="0.000"></testcase>
\t\t<system-out><![CDATA[ok  \texample.com/shop/cart\t0.005s]]></system-out>
\t</testsuite>
</testsuites>
"""

RUNNERS: dict[str, tuple[str, dict[str, Any], str]] = {
    # runner: (report, options, where its tests are shown to be)
    "surefire": (SUREFIRE, {"test_property": "verifies"}, "com.example.cart.CartTest"),
    "gradle": (GRADLE, {}, "com.example.cart.CartTest"),
    "jest": (JEST, {}, "/home/ci/shop/src/cart.test.js"),
    "go": (GO, {}, "example.com/shop/cart"),
}
TRACE = "product/trace/PRD-1.md"


def build_with(tmp_path: Path, report: str, **options: Any) -> Site:
    """A strict build of the product with `report` as its only test results."""
    settings = {"test_results": ["reports/*.xml"], **options}
    files = {**PRODUCT, "reports/TEST-report.xml": report}
    root = write_project(tmp_path, files, mkdocs_config(["search", {"roadmark": settings}]))
    return build(root, strict=True)


def criteria(site: Site) -> dict[str, Node]:
    """The matrix rows of the trace page, by criterion."""
    matrix = section(site.article(TRACE), "matrix")
    found = {}
    for row in matrix.find_all("tr", cls="roadmark-row"):
        link = row.find_all("td")[1].find("a")
        if link is not None:
            found[link.text] = row
    return found


def verdict(row: Node) -> str:
    (state,) = [c for c in row.classes if c.startswith("roadmark-row--")]
    return state.removeprefix("roadmark-row--")


def shown_tests(row: Node) -> list[tuple[str, str, str]]:
    """Each test of a row: its name, its result and where it is (class, file, report)."""
    shown = []
    for test in row.find_all(cls="roadmark-test"):
        where = test.find(cls="roadmark-test__where")
        assert where is not None
        shown.append((test.find("code").text, test.find(cls="roadmark-result").text, where.text))  # type: ignore[union-attr]
    return shown


@pytest.mark.roadmark("STORY-81/AC-3", "STORY-81/AC-4", "STORY-81/AC-5")
@pytest.mark.parametrize("runner", list(RUNNERS))
def test_each_runners_report_marks_criteria_and_shows_the_class_or_file(
    tmp_path: Path, runner: str
) -> None:
    report, options, where = RUNNERS[runner]
    site = build_with(tmp_path, report, **options)
    rows = criteria(site)
    assert {address: verdict(row) for address, row in rows.items()}.keys() == {
        "AC-1",
        "AC-2",
        "AC-3",
    }
    assert (verdict(rows["AC-1"]), verdict(rows["AC-2"])) == ("verified", "failing")
    (passed,) = shown_tests(rows["AC-1"])
    assert "STORY-12/AC-1" in passed[0] and passed[1] == "passed"
    # Where each test is: the class of a JUnit 5 report (no file), the file of jest's.
    assert passed[2].startswith(f"{where} · reports/TEST-report.xml"), passed
    (failed,) = shown_tests(rows["AC-2"])
    assert failed[1] == "failed"
    assert where in failed[2]


@pytest.mark.roadmark("STORY-81/AC-3")
def test_gradle_and_go_link_by_the_name_and_a_nested_class_is_shown(tmp_path: Path) -> None:
    gradle = criteria(build_with(tmp_path / "gradle", GRADLE))
    assert verdict(gradle["AC-3"]) == "verified"
    [(name, result, where)] = shown_tests(gradle["AC-3"])
    assert (name, result) == ("STORY-12/AC-3 an empty cart costs nothing", "passed")
    assert where.startswith("com.example.cart.CartTest$Empty · ")
    go = criteria(build_with(tmp_path / "go", GO))
    assert [test[0] for test in shown_tests(go["AC-3"])] == [
        "TestTotal/STORY-12/AC-3_costs_nothing_when_empty"
    ]
    # The parent test failed with its subtest; it names no criterion, so it links none.
    failed = "TestTotal/STORY-12/AC-2_rounds_half_a_cent_up"
    assert [test[0] for test in shown_tests(go["AC-2"])] == [failed]


@pytest.mark.roadmark("STORY-81/AC-2")
def test_a_suites_property_applies_to_each_of_its_test_cases(tmp_path: Path) -> None:
    """jest-junit's `testSuitePropertiesFile` writes `roadmark` on the suite: every test of
    the file verifies AC-3, so the failing one makes it failing."""
    rows = criteria(build_with(tmp_path, JEST))
    assert [test[0] for test in shown_tests(rows["AC-3"])] == [
        "cart STORY-12/AC-1 sums the lines",
        "cart STORY-12/AC-2 rounds half a cent up",
        "cart costs nothing when empty",
    ]
    assert verdict(rows["AC-3"]) == "failing"
    # The name's own address still counts beside the suite's.
    assert [test[0] for test in shown_tests(rows["AC-1"])] == ["cart STORY-12/AC-1 sums the lines"]


@pytest.mark.roadmark("STORY-81/AC-1")
def test_the_property_name_is_an_option_the_build_and_the_cli_follow(tmp_path: Path) -> None:
    """Surefire's report holds `verifies` among its system properties: read under
    `test_property: verifies`, ignored under the default name."""
    renamed = criteria(build_with(tmp_path / "renamed", SUREFIRE, test_property="verifies"))
    assert len(shown_tests(renamed["AC-3"])) == 3
    default = criteria(build_with(tmp_path / "default", SUREFIRE))
    assert verdict(default["AC-3"]) == "untested"
    assert verdict(default["AC-1"]) == "verified"  # the names are read either way


@pytest.mark.roadmark("STORY-81/AC-1", "STORY-81/AC-2")
def test_roadmark_check_reports_a_suite_propertys_unknown_address_once_where_written(
    tmp_path: Path, run_cli: RunCli
) -> None:
    typo = SUREFIRE.replace('value="STORY-12/AC-3"', 'value="STORY-12/AC-7"')
    settings = {"test_results": ["reports/*.xml"], "test_property": "verifies"}
    root = write_project(
        tmp_path,
        {**PRODUCT, "reports/TEST-report.xml": typo},
        mkdocs_config(["search", {"roadmark": settings}]),
    )
    result = run_cli("check", cwd=root)
    assert result.code == 1, result.output
    # Once for the suite, not once per test case; at the property's line (5) and column.
    assert result.out == (
        "reports/TEST-report.xml:5:5: error RM019: a test suite's property names "
        "'STORY-12/AC-7', but STORY-12 has no AC-7 (it has AC-1, AC-2, AC-3)\n"
    )
    (root / "mkdocs.yml").write_text(
        (root / "mkdocs.yml").read_text(encoding="utf-8").replace("verifies", "roadmark"),
        encoding="utf-8",
    )
    assert run_cli("check", cwd=root).code == 0


@pytest.mark.roadmark("STORY-81/AC-2")
def test_suite_properties_nest_come_before_the_cases_and_are_bounded(tmp_path: Path) -> None:
    path = tmp_path / "r.xml"
    path.write_text(
        '<testsuites><properties><property name="roadmark" value="A-1/R-1"/></properties>\n'
        '<testsuite file="spec/cart.spec.ts"><properties><property name="roadmark">B-1/R-1'
        '</property><property name="other" value="C-1/R-1"/></properties>\n'
        '<testcase name="inner"><properties><property name="roadmark" value="D-1/R-1"/>'
        "</properties></testcase>\n"
        '<properties><property name="roadmark" value="late/R-1"/></properties>\n'
        '<testcase name="second" file="own.ts"/></testsuite>\n'
        '<testcase name="outer"/></testsuites>\n',
        encoding="utf-8",
    )
    inner, second, outer = parse_junit(path)
    assert [p.value for p in inner.suite_properties] == ["A-1/R-1", "B-1/R-1"]
    assert [(p.line, p.col) for p in inner.suite_properties] == [(1, 25), (2, 49)]
    assert inner.properties == ("D-1/R-1",)
    assert second.suite_properties == inner.suite_properties  # not the one after the cases
    assert (inner.file, second.file, outer.file) == ("spec/cart.spec.ts", "own.ts", "")
    assert [p.value for p in outer.suite_properties] == ["A-1/R-1"]
    assert [c.name for c in parse_junit(path, "other")] == ["inner", "second", "outer"]
    assert [p.value for p in parse_junit(path, "other")[0].suite_properties] == ["C-1/R-1"]

    props = "".join(
        f'<testsuite><properties><property name="roadmark" value="S-{n}/R-1"/></properties>'
        for n in range(SUITE_PROPERTY_LIMIT + 1)
    )
    ends = "</testsuite>" * (SUITE_PROPERTY_LIMIT + 1)
    path.write_text(f"<testsuites>{props}<testcase name='deep'/>{ends}</testsuites>", "utf-8")
    with pytest.raises(JUnitError, match=f"more than {SUITE_PROPERTY_LIMIT} suite properties"):
        parse_junit(path)


@pytest.mark.roadmark("STORY-81/AC-4")
def test_a_test_shows_its_class_and_its_file_each_once() -> None:
    def where(classname: str, name: str, file: str) -> str:
        test = RecordedTest("r.xml", 3, classname, name, file, "passed")
        html = parse(trace_cells.test_html(test))
        found = html.find(cls="roadmark-test__where")
        assert found is not None
        return found.text

    assert where("tests.test_cart", "test_total", "tests/test_cart.py") == (
        "tests.test_cart · tests/test_cart.py · r.xml"
    )
    assert where("com.example.CartTest", "sums", "") == "com.example.CartTest · r.xml"
    # jest-junit's class repeats the name; a class that is also the file is shown once.
    assert where("cart sums", "cart sums", "src/cart.test.js") == "src/cart.test.js · r.xml"
    assert where("a/b.ts", "t", "a/b.ts") == "a/b.ts · r.xml"
