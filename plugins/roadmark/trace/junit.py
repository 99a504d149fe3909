"""JUnit XML read safely: the test cases of a results file, with their outcomes, the
`roadmark` properties they and their suites carry, and the line each is written on.

JUnit files come from CI, so their content is untrusted. They are parsed with
expat directly: a DTD or an entity declaration is refused outright (no entity
expansion, no external entities), and each test case keeps the line it was
written on for problems. A file is read in one bounded read, up to
`RESULTS_LIMIT` bytes, before parsing: expat fed small chunks of one huge
attribute re-scans it at every chunk (seconds per megabyte). Anything that is not
a regular file (a FIFO, a device) is refused after a non-blocking open, so it
cannot hang the build. `evidence.py` links the cases to the clauses they verify.

The property's name is `roadmark` unless the `test_property` option says otherwise. A
property of a `<testsuite>` (in its `<properties>`, written before its test cases, as
the JUnit schema has them) applies to every test case of that suite and of the suites
inside it: runners such as Maven Surefire, Gradle and jest-junit write properties per
suite, never per test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from xml.parsers import expat

from ..spec.entries import Refused, read_regular
from ..spec.ids import JUNIT_PROPERTY

Result = Literal["passed", "failed", "error", "skipped"]
_OUTCOMES: dict[str, Result] = {"failure": "failed", "error": "error", "skipped": "skipped"}
_SEVERITY: dict[Result, int] = {"passed": 0, "skipped": 1, "failed": 2, "error": 3}
"""When a test case carries several outcomes (a failure, then a teardown error), the worst wins."""
_ROOTS = ("testsuites", "testsuite")
_MESSAGE_LIMIT = 300
# A report's `timestamp` is shown as written, so only an ISO 8601 date-time is kept: anything
# else (a runner's free text, a megabyte-long attribute) is dropped rather than shown.
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
                        r"(?:Z|[+-]\d{2}:?\d{2})?")  # fmt: skip

SUITE_PROPERTY_LIMIT = 100
"""The most suite-level property values around one test case: real reports have a few; a
file nesting thousands would make every case carry them all (RM020 instead)."""

RESULTS_LIMIT = 256 * 1024 * 1024
"""The largest test results file read, in bytes: a big suite with captured output stays far
below; a file beyond it is RM020 rather than a build that exhausts memory."""


@dataclass(frozen=True, slots=True)
class SuiteProperty:
    """A property of a test suite, with where it is written (for problems)."""

    value: str
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class ParsedCase:
    """A test case as parsed, before its addresses are checked against the product."""

    line: int
    col: int
    classname: str
    name: str
    file: str
    """Its `file` attribute, else that of the innermost suite around it that has one."""
    result: Result
    message: str
    properties: tuple[str, ...]
    """Values of its own `roadmark` properties, as written."""
    timestamp: str = ""
    """When its report ran: the `timestamp` of the innermost test suite (or suites) that
    has a valid one, as written; empty when none has."""
    suite_properties: tuple[SuiteProperty, ...] = ()
    """The `roadmark` properties of the suites around it, outermost first."""


class JUnitError(Exception):
    """A JUnit file cannot be used; says where and why."""

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


def parse_junit(path: Path, property_name: str = JUNIT_PROPERTY) -> list[ParsedCase]:
    """The test cases of a JUnit XML file, raising JUnitError when it cannot be used.

    `property_name`: the name of the properties that list the addresses a test verifies.
    """
    data = read_results_file(path)
    reader = _JUnitReader(property_name)
    parser = reader.parser
    try:
        # One call with the whole document: expat is linear in it, not in chunks × size.
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise JUnitError(
            f"malformed XML: {expat.ErrorString(exc.code)}", exc.lineno, exc.offset + 1
        ) from None
    except (LookupError, ValueError, Warning) as exc:
        # The declared encoding: unknown (LookupError), multi-byte or failing to decode in
        # Python's codecs (ValueError, UnicodeError), or deprecated (a Warning made an error).
        line, col = parser.CurrentLineNumber, parser.CurrentColumnNumber + 1
        raise JUnitError(f"cannot decode: {exc}", max(line, 1), col) from None
    if reader.root is None:
        raise JUnitError("malformed XML: no element found")
    return reader.cases


def read_results_file(path: Path, limit: int = RESULTS_LIMIT) -> bytes:
    """The bytes of the regular file at `path`, read at once; JUnitError when it is not
    a regular file, cannot be read, or is larger than `limit` bytes."""
    try:
        return read_regular(path, limit, what="test results")
    except Refused as exc:
        raise JUnitError(exc.finding.message) from None
    except OSError as exc:
        raise JUnitError(f"cannot read: {exc.strerror or exc}") from None


@dataclass(slots=True)
class _OpenCase:
    """A `<testcase>` whose end tag has not been seen yet."""

    line: int
    col: int
    depth: int
    attrs: dict[str, str]
    suite: _OpenSuite | None
    result: Result = "passed"
    message: str = ""
    properties: list[str] = field(default_factory=list)

    def close(self) -> ParsedCase:
        suite = self.suite
        return ParsedCase(
            line=self.line,
            col=self.col,
            classname=self.attrs.get("classname", ""),
            name=self.attrs.get("name", ""),
            file=self.attrs.get("file", "") or (suite.file if suite else ""),
            result=self.result,
            message=self.message,
            properties=tuple(self.properties),
            timestamp=suite.stamp if suite else "",
            suite_properties=suite.properties if suite else (),
        )


@dataclass(slots=True)
class _OpenSuite:
    """A `<testsuite>` (or `<testsuites>`) element being read, with what its cases inherit."""

    depth: int
    stamp: str
    """The valid `timestamp` of this suite or the nearest suite around it that has one."""
    file: str
    """Its `file` attribute, else the nearest suite's around it."""
    properties: tuple[SuiteProperty, ...]
    """The `roadmark` properties of this suite and those around it, outermost first."""
    open_to_properties: bool = True
    """Properties come before a suite's test cases and inner suites; later ones are ignored,
    so each case's properties are settled when it starts."""


class _JUnitReader:
    """Streams a JUnit file through expat, keeping only what traceability needs."""

    def __init__(self, property_name: str) -> None:
        parser = expat.ParserCreate()
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._refuse_doctype
        parser.EntityDeclHandler = self._refuse_entity
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        self.parser = parser
        self.property_name = property_name
        self.root: str | None = None
        self.cases: list[ParsedCase] = []
        self._depth = 0
        self._case: _OpenCase | None = None
        # The text of a property written as an element's text, and where the property opened.
        self._property: list[str] | None = None
        self._property_at = (1, 1)
        self._suites: list[_OpenSuite] = []
        """The open suite elements, innermost last."""

    def _where(self) -> tuple[int, int]:
        return self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1

    def _refuse_doctype(self, *_: object) -> None:
        raise JUnitError("a DOCTYPE is not allowed in test results", *self._where())

    def _refuse_entity(self, *_: object) -> None:
        raise JUnitError("an entity declaration is not allowed in test results", *self._where())

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        self._depth += 1
        if self.root is None:
            self.root = tag
            if tag not in _ROOTS:
                raise JUnitError(f"not JUnit XML: the root element is <{tag}>", *self._where())
        case = self._case
        if case is not None:
            self._start_in_case(case, tag, attrs)
            return
        suite = self._suites[-1] if self._suites else None
        if tag == "testcase":
            if suite is not None:
                suite.open_to_properties = False
            self._case = _OpenCase(*self._where(), self._depth, attrs, suite)
        elif tag in _ROOTS:
            self._open_suite(suite, attrs)
        elif tag == "property" and self._is_suite_property(suite, attrs):
            self._read_property(attrs)

    def _open_suite(self, outer: _OpenSuite | None, attrs: dict[str, str]) -> None:
        if outer is not None:
            outer.open_to_properties = False
        stamp = _timestamp(attrs.get("timestamp", ""))
        self._suites.append(
            _OpenSuite(
                self._depth,
                stamp or (outer.stamp if outer else ""),
                attrs.get("file", "") or (outer.file if outer else ""),
                outer.properties if outer else (),
            )
        )

    def _is_suite_property(self, suite: _OpenSuite | None, attrs: dict[str, str]) -> bool:
        # `<testsuite><properties><property …>`: two levels below the suite.
        return (
            suite is not None
            and suite.open_to_properties
            and self._depth == suite.depth + 2
            and attrs.get("name") == self.property_name
        )

    def _start_in_case(self, case: _OpenCase, tag: str, attrs: dict[str, str]) -> None:
        outcome = _OUTCOMES.get(tag)
        if outcome is not None and self._depth == case.depth + 1:
            if _SEVERITY[outcome] > _SEVERITY[case.result]:
                case.result = outcome
                case.message = _shorten(attrs.get("message") or attrs.get("type") or "")
        elif tag == "property" and attrs.get("name") == self.property_name:
            self._read_property(attrs)

    def _read_property(self, attrs: dict[str, str]) -> None:
        self._property_at = self._where()
        if "value" in attrs:
            self._add_property(attrs["value"])
        else:  # Some runners write the value as the element's text.
            self._property = []

    def _add_property(self, value: str) -> None:
        if self._case is not None:
            self._case.properties.append(value)
            return
        suite = self._suites[-1]
        if len(suite.properties) >= SUITE_PROPERTY_LIMIT:
            raise JUnitError(
                f"more than {SUITE_PROPERTY_LIMIT} suite properties named "
                f"'{self.property_name}' around one test case",
                *self._property_at,
            )
        suite.properties = (*suite.properties, SuiteProperty(value, *self._property_at))

    def _text(self, data: str) -> None:
        if self._property is not None:
            self._property.append(data)

    def _end(self, tag: str) -> None:
        if self._property is not None and tag == "property":
            text = "".join(self._property)
            self._property = None
            self._add_property(text)
        case = self._case
        if case is not None and tag == "testcase" and self._depth == case.depth:
            self.cases.append(case.close())
            self._case = None
        if self._suites and self._suites[-1].depth == self._depth:
            self._suites.pop()
        self._depth -= 1


def _shorten(message: str) -> str:
    flat = " ".join(message.split())
    return flat if len(flat) <= _MESSAGE_LIMIT else flat[: _MESSAGE_LIMIT - 1] + "…"


def _timestamp(value: str) -> str:
    """`value` when it is an ISO 8601 date or date-time, else empty."""
    value = value.strip()
    return value if len(value) <= 40 and _TIMESTAMP.fullmatch(value) else ""
