"""JUnit XML read safely: the test cases of a results file, with their outcomes, the
`roadmark` properties they carry and the line each is written on.

JUnit files come from CI, so their content is untrusted. They are parsed with
expat directly: a DTD or an entity declaration is refused outright (no entity
expansion, no external entities), and each test case keeps the line it was
written on for problems. A file is read in one bounded read, up to
`RESULTS_LIMIT` bytes, before parsing: expat fed small chunks of one huge
attribute re-scans it at every chunk (seconds per megabyte). Anything that is not
a regular file (a FIFO, a device) is refused after a non-blocking open, so it
cannot hang the build. `evidence.py` links the cases to the clauses they verify.
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

RESULTS_LIMIT = 256 * 1024 * 1024
"""The largest test results file read, in bytes: a big suite with captured output stays far
below; a file beyond it is RM020 rather than a build that exhausts memory."""


@dataclass(frozen=True, slots=True)
class ParsedCase:
    """A test case as parsed, before its addresses are checked against the product."""

    line: int
    col: int
    classname: str
    name: str
    file: str
    result: Result
    message: str
    properties: tuple[str, ...]
    """Values of its `roadmark` properties, as written."""
    timestamp: str = ""
    """When its report ran: the `timestamp` of the innermost test suite (or suites) that
    has a valid one, as written; empty when none has."""


class JUnitError(Exception):
    """A JUnit file cannot be used; says where and why."""

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


def parse_junit(path: Path) -> list[ParsedCase]:
    """The test cases of a JUnit XML file, raising JUnitError when it cannot be used."""
    data = read_results_file(path)
    reader = _JUnitReader()
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
    timestamp: str
    result: Result = "passed"
    message: str = ""
    properties: list[str] = field(default_factory=list)

    def close(self) -> ParsedCase:
        return ParsedCase(
            line=self.line,
            col=self.col,
            classname=self.attrs.get("classname", ""),
            name=self.attrs.get("name", ""),
            file=self.attrs.get("file", ""),
            result=self.result,
            message=self.message,
            properties=tuple(self.properties),
            timestamp=self.timestamp,
        )


class _JUnitReader:
    """Streams a JUnit file through expat, keeping only what traceability needs."""

    def __init__(self) -> None:
        parser = expat.ParserCreate()
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._refuse_doctype
        parser.EntityDeclHandler = self._refuse_entity
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        self.parser = parser
        self.root: str | None = None
        self.cases: list[ParsedCase] = []
        self._depth = 0
        self._case: _OpenCase | None = None
        self._property: list[str] | None = None
        # The valid `timestamp` of each open suite element, innermost last, with its depth.
        self._stamps: list[tuple[int, str]] = []

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
        if case is None:
            if tag == "testcase":
                stamp = self._stamps[-1][1] if self._stamps else ""
                self._case = _OpenCase(*self._where(), self._depth, attrs, stamp)
            elif tag in _ROOTS:
                stamp = _timestamp(attrs.get("timestamp", ""))
                if stamp:
                    self._stamps.append((self._depth, stamp))
            return
        outcome = _OUTCOMES.get(tag)
        if outcome is not None and self._depth == case.depth + 1:
            if _SEVERITY[outcome] > _SEVERITY[case.result]:
                case.result = outcome
                case.message = _shorten(attrs.get("message") or attrs.get("type") or "")
        elif tag == "property" and attrs.get("name") == JUNIT_PROPERTY:
            if "value" in attrs:
                case.properties.append(attrs["value"])
            else:  # Some runners write the value as the element's text.
                self._property = []

    def _text(self, data: str) -> None:
        if self._property is not None:
            self._property.append(data)

    def _end(self, tag: str) -> None:
        case = self._case
        if case is not None and self._property is not None and tag == "property":
            case.properties.append("".join(self._property))
            self._property = None
        if case is not None and tag == "testcase" and self._depth == case.depth:
            self.cases.append(case.close())
            self._case = None
        if self._stamps and self._stamps[-1][0] == self._depth:
            self._stamps.pop()
        self._depth -= 1


def _shorten(message: str) -> str:
    flat = " ".join(message.split())
    return flat if len(flat) <= _MESSAGE_LIMIT else flat[: _MESSAGE_LIMIT - 1] + "…"


def _timestamp(value: str) -> str:
    """`value` when it is an ISO 8601 date or date-time, else empty."""
    value = value.strip()
    return value if len(value) <= 40 and _TIMESTAMP.fullmatch(value) else ""
