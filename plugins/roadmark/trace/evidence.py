"""Test evidence: test cases read from JUnit XML and linked to the clauses they verify.

A test case verifies the requirements or criteria named by its `roadmark`
property (`<property name="roadmark" value="STORY-1/AC-1, PRD-1/R-2"/>`, several
addresses comma-separated). A case without that property may name them in its
name instead (`test_x[STORY-1/AC-1]`): names are a fallback for runners that
cannot write properties, and can be turned off where names carry other data.

JUnit files come from CI, so their content is untrusted. They are parsed with
expat directly: a DTD or an entity declaration is refused outright (no entity
expansion, no external entities), and each test case keeps the line it was
written on for problems. A file is read in one bounded read, up to
`RESULTS_LIMIT` bytes, before parsing: expat fed small chunks of one huge
attribute re-scans it at every chunk (seconds per megabyte). Anything that is not
a regular file (a FIFO, a device) is refused after a non-blocking open, so it
cannot hang the build; whatever cannot be read or decoded is RM020, never a crash.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from xml.parsers import expat

from ..spec.clauses import LOCAL_ID
from ..spec.entries import Refused, read_regular
from ..spec.fields import ADDRESS
from ..spec.graph import Graph
from ..spec.problems import Problem, Severity
from ..spec.settings import ConfigError, Settings

Result = Literal["passed", "failed", "error", "skipped"]

PROPERTY = "roadmark"
"""The name of the JUnit property that lists the addresses a test verifies."""

_OUTCOMES: dict[str, Result] = {"failure": "failed", "error": "error", "skipped": "skipped"}
_SEVERITY: dict[Result, int] = {"passed": 0, "skipped": 1, "failed": 2, "error": 3}
"""When a test case carries several outcomes (a failure, then a teardown error), the worst wins."""
_ROOTS = ("testsuites", "testsuite")
_MESSAGE_LIMIT = 300
# An address in a test name: `/` then a local id; the owner id is found by scanning back.
_LOCAL_IN_NAME = re.compile(rf"/({LOCAL_ID})(?![A-Za-z0-9])")
_ID_CHAR = re.compile(r"[A-Za-z0-9._-]")
_TRAILING_NUMBER = re.compile(r"[0-9.]+$")
_LONGEST_ID = 100
"""How far back from `/` an id in a test name is looked for: ids are short, names may not be."""

RESULTS_LIMIT = 256 * 1024 * 1024
"""The largest test results file read, in bytes: a big suite with captured output stays far
below; a file beyond it is RM020 rather than a build that exhausts memory."""


@dataclass(frozen=True, slots=True)
class RecordedTest:
    """One test case of a JUnit file and what it verifies."""

    source: str
    """The JUnit file, relative to the project root."""
    line: int
    """Line of the `<testcase>` element in that file."""
    classname: str
    name: str
    file: str
    """The test's source file when the runner wrote one (`file` attribute), else empty."""
    result: Result
    message: str = ""
    """The failure, error or skip message, shortened."""
    addresses: tuple[str, ...] = ()
    """The known requirement and criterion addresses it verifies, in the order written."""

    @property
    def title(self) -> str:
        """How the test is shown: `classname::name`, or the name alone."""
        return f"{self.classname}::{self.name}" if self.classname else self.name


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


class JUnitError(Exception):
    """A JUnit file cannot be used; says where and why."""

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


@dataclass(slots=True)
class Evidence:
    """The test results of one build: linked tests by address, and what went wrong."""

    sources: list[str] = field(default_factory=list)
    """JUnit files read, relative to the project root, sorted."""
    tests: list[RecordedTest] = field(default_factory=list)
    """Test cases that verify at least one known address, in file order."""
    by_address: dict[str, list[RecordedTest]] = field(default_factory=dict)
    cases: int = 0
    """Test cases read, linked or not."""
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Things worth an info line but not a problem, e.g. results not produced yet."""

    def tests_of(self, address: str) -> list[RecordedTest]:
        """The tests verifying `address`."""
        return self.by_address.get(address, [])


@dataclass(frozen=True, slots=True)
class ResultsOptions:
    """Where test results come from: the `test_results` options of the plugin."""

    globs: tuple[str, ...] = ()
    required: bool = True
    """When false, a glob that matches nothing is a note, not an RM021 warning."""
    names: bool = True
    """Whether addresses in test names link tests that have no `roadmark` property."""


def results_options(options: Mapping[str, Any]) -> ResultsOptions:
    """Read `test_results`, `test_results_required` and `match_test_names` from plugin options."""
    globs = options.get("test_results") or []
    if isinstance(globs, str):
        globs = [globs]
    if not isinstance(globs, list) or not all(isinstance(g, str) and g for g in globs):
        raise ConfigError("'test_results' must be a list of globs of JUnit XML files")
    flags = []
    for name in ("test_results_required", "match_test_names"):
        value = options.get(name, True)
        if not isinstance(value, bool):
            raise ConfigError(f"'{name}' must be true or false")
        flags.append(value)
    return ResultsOptions(tuple(globs), *flags)


def read_evidence(
    root: Path,
    globs: Sequence[str],
    graph: Graph,
    settings: Settings,
    *,
    required: bool = True,
    names: bool = True,
) -> Evidence:
    """Read every JUnit file matched by `globs` (relative to `root`) and link its tests.

    `required`: a glob matching nothing is a warning (else a note); `names`: addresses in
    the names of test cases without a `roadmark` property count.
    """
    evidence = Evidence()
    report = _Reporter(settings, evidence.problems)
    files: dict[str, Path] = {}
    for pattern in globs:
        matched = expand(root, pattern)
        if not matched:
            shown = _shown_glob(pattern, root)
            message = f"no test results file matches '{shown}'"
            if required:
                hint = "; run the tests first, or set test_results_required: false"
                report("RM021", shown, 1, 1, message + hint)
            else:
                evidence.notes.append(message)
        for path in matched:
            files.setdefault(_shown(path, root), path)
    linker = _AddressFinder(graph, names)
    for shown in sorted(files):
        try:
            cases = parse_junit(files[shown])
        except JUnitError as exc:
            report("RM020", shown, exc.line, exc.col, exc.message)
            continue
        evidence.sources.append(shown)
        evidence.cases += len(cases)
        for case in cases:
            test = linker.link(case, shown, report)
            if test.addresses:
                evidence.tests.append(test)
                for address in test.addresses:
                    evidence.by_address.setdefault(address, []).append(test)
    evidence.problems.sort(key=Problem.sort_key)
    return evidence


def expand(root: Path, pattern: str) -> list[Path]:
    """The paths a glob matches, folders left out, relative to `root` unless absolute.

    `**` spans folders. Anything else matched is kept, a FIFO or a broken link included,
    so that reading it says what is wrong instead of the glob seeming to match nothing.
    """
    base = None if Path(pattern).is_absolute() else root
    # glob.glob, not Path.glob: patterns may be absolute, and `root_dir` keeps them relative.
    found = glob.glob(pattern, root_dir=base, recursive=True)  # noqa: PTH207
    paths = [Path(name) if base is None else base / name for name in found]
    return sorted(path for path in paths if not path.is_dir())


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
                self._case = _OpenCase(*self._where(), self._depth, attrs)
            return
        outcome = _OUTCOMES.get(tag)
        if outcome is not None and self._depth == case.depth + 1:
            if _SEVERITY[outcome] > _SEVERITY[case.result]:
                case.result = outcome
                case.message = _shorten(attrs.get("message") or attrs.get("type") or "")
        elif tag == "property" and attrs.get("name") == PROPERTY:
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
        self._depth -= 1


class _Reporter:
    """Adds problems at their configured severity, leaving out silenced rules."""

    def __init__(self, settings: Settings, problems: list[Problem]) -> None:
        self.settings = settings
        self.problems = problems

    def __call__(self, code: str, path: str, line: int, col: int, message: str) -> None:
        severity = self.settings.severity(code)
        if severity is not Severity.OFF:
            self.problems.append(Problem(code, severity, path, line, col, message))


class _AddressFinder:
    """Resolves the addresses a test case names against the product's clauses."""

    def __init__(self, graph: Graph, names: bool) -> None:
        self.graph = graph
        self.names = names
        # Id shapes of items with clauses (`STORY-`, `PRD-`): an unknown `STORY-9/AC-1` in a
        # test name is a typo worth reporting; an unknown `data/v-1` is just a name.
        self.prefixes = {
            _TRAILING_NUMBER.sub("", item.id) for item in graph.items.values() if item.clauses
        }

    def link(self, case: ParsedCase, source: str, report: _Reporter) -> RecordedTest:
        """The recorded test, with the known addresses it names; unknown ones are reported."""
        named: list[str] = []
        for value in case.properties:
            named.extend(part.strip() for part in value.split(",") if part.strip())
        from_name = not case.properties and self.names
        if from_name:
            named.extend(self.in_name(case.name))
        addresses: list[str] = []
        title = f"{case.classname}::{case.name}" if case.classname else case.name
        for address in dict.fromkeys(named):
            if address in self.graph.clauses:
                addresses.append(address)
                continue
            message = f"test '{title}' names {self.unknown(address)}"
            if from_name:
                message += " (in its name; set match_test_names: false if names hold other data)"
            report("RM019", source, case.line, case.col, message)
        return RecordedTest(
            source=source,
            line=case.line,
            classname=case.classname,
            name=case.name,
            file=case.file,
            result=case.result,
            message=case.message,
            addresses=tuple(addresses),
        )

    def in_name(self, name: str) -> Iterable[str]:
        """Addresses written in a test name, e.g. `test_cycle[STORY-9/AC-2]`."""
        for match in _LOCAL_IN_NAME.finditer(name):
            owners = _owners_before(name, match.start())
            local = match[1].rstrip(".")  # `…STORY-1/AC-1.` ends a sentence, not the id
            known = [owner for owner in owners if owner in self.graph.items]
            if known:  # the longest known id: `test_STORY-1/AC-1` names STORY-1
                yield f"{known[0]}/{local}"
                continue
            shaped = [o for o in owners if _TRAILING_NUMBER.sub("", o) in self.prefixes]
            if shaped:
                yield f"{shaped[-1]}/{local}"

    def unknown(self, address: str) -> str:
        """Why `address` names nothing, for the problem message."""
        match = ADDRESS.fullmatch(address)
        if match is None:
            return f"'{address}', which is not an address like STORY-1/AC-1 or PRD-1/R-2"
        item = self.graph.items.get(match[1])
        if item is None:
            return f"'{address}', but there is no item {match[1]}"
        known = [clause.local_id for clause in item.clauses]
        if not known:
            return f"'{address}', but {item.id} has no requirements or criteria"
        listed = ", ".join(known[:8]) + (", …" if len(known) > 8 else "")
        return f"'{address}', but {item.id} has no {match[2]} (it has {listed})"


def _owners_before(name: str, slash: int) -> list[str]:
    """Candidate ids ending at `slash`, longest first: each starts with a letter after a
    character that cannot be in an id, or after `_`, `-` or `.` (which can)."""
    start = slash
    while start > max(0, slash - _LONGEST_ID) and _ID_CHAR.match(name[start - 1]):
        start -= 1
    candidates = []
    for index in range(start, slash):
        first_of_word = index == start or name[index - 1] in "_-."
        if first_of_word and name[index].isalpha():
            candidates.append(name[index:slash])
    return candidates


def _shown(path: Path, root: Path) -> str:
    """A results file's path relative to the project root, with forward slashes."""
    return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()


def _shown_glob(pattern: str, root: Path) -> str:
    """A glob as problems name it: relative to the project root when it is absolute."""
    if not Path(pattern).is_absolute():
        return pattern
    return Path(os.path.relpath(pattern, root.resolve())).as_posix()


def _shorten(message: str) -> str:
    flat = " ".join(message.split())
    return flat if len(flat) <= _MESSAGE_LIMIT else flat[: _MESSAGE_LIMIT - 1] + "…"
