"""Test evidence: test cases read from JUnit XML and linked to the clauses they verify.

A test case verifies the requirements or criteria named by its `roadmark`
property (`<property name="roadmark" value="STORY-1/AC-1, PRD-1/R-2"/>`, several
addresses comma-separated; the `test_property` option renames it), and by those of
the suites around it (`<testsuite><properties>…`), for runners that write
properties per suite only. A case without a property of its own may name them in its
name or its class instead (`test_x[STORY-1/AC-1]`, `@DisplayName("STORY-1/AC-1 …")`
in JUnit 5, `it("STORY-1/AC-1 …")` in Jest): names are a fallback for runners that
cannot write properties, and can be turned off where names carry other data.

The files are read by `junit.py`, which trusts nothing in them; whatever cannot be
read or decoded is RM020, never a crash.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..spec.graph import Graph
from ..spec.ids import ID_CHARACTER, JUNIT_PROPERTY, LOCAL_ID_IN_TEXT, id_prefix, split_address
from ..spec.problems import Problem, Severity
from ..spec.settings import Settings
from .junit import JUnitError, ParsedCase, Result, SuiteProperty, parse_junit

_LONGEST_ID = 100
"""How far back from `/` an id in a test name is looked for: ids are short, names may not be."""


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
    """The test's source file when the runner wrote one (`file` attribute of the case or of
    its suite), else empty."""
    result: Result
    message: str = ""
    """The failure, error or skip message, shortened."""
    addresses: tuple[str, ...] = ()
    """The known requirement and criterion addresses it verifies, in the order written."""
    timestamp: str = ""
    """When its report ran (the JUnit `timestamp` of its suite), as written; empty if unknown."""

    @property
    def title(self) -> str:
        """How the test is shown: `classname::name`, or the name alone."""
        return f"{self.classname}::{self.name}" if self.classname else self.name


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
    timestamps: dict[str, str] = field(default_factory=dict)
    """When each results file ran (the latest suite `timestamp` in it), by file; files
    without a valid timestamp are left out."""

    def tests_of(self, address: str) -> list[RecordedTest]:
        """The tests verifying `address`."""
        return self.by_address.get(address, [])


def read_evidence(
    root: Path,
    globs: Sequence[str],
    graph: Graph,
    settings: Settings,
    *,
    required: bool = True,
    names: bool = True,
    property_name: str = JUNIT_PROPERTY,
) -> Evidence:
    """Read every JUnit file matched by `globs` (relative to `root`) and link its tests.

    `required`: a glob matching nothing is a warning (else a note); `names`: addresses in
    the names and classes of test cases without a property of their own count;
    `property_name`: the JUnit property that lists addresses (the `test_property` option).
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
            cases = parse_junit(files[shown], property_name)
        except JUnitError as exc:
            report("RM020", shown, exc.line, exc.col, exc.message)
            continue
        evidence.sources.append(shown)
        evidence.cases += len(cases)
        stamps = [case.timestamp for case in cases if case.timestamp]
        if stamps:
            evidence.timestamps[shown] = max(stamps)
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
        self._prefixes: set[str] | None = None
        self.reported: set[tuple[str, int, int, str]] = set()
        """The unknown addresses of suite properties already reported, by file and place."""
        self.suites: dict[int, tuple[tuple[SuiteProperty, ...], list[str]]] = {}
        """The known addresses of each suite's properties, by the id of the shared tuple."""

    def link(self, case: ParsedCase, source: str, report: _Reporter) -> RecordedTest:
        """The recorded test, with the known addresses it names; unknown ones are reported."""
        title = f"{case.classname}::{case.name}" if case.classname else case.name
        # Each address named, with where: "" for a property, else the part of the case.
        named: dict[str, str] = {}
        for value in case.properties:
            named.update((address, "") for address in _listed(value) if address not in named)
        named.update(
            (address, "")
            for address in self._suite_addresses(case.suite_properties, source, report)
            if address not in named
        )
        if not case.properties and self.names:
            for where, text in (("in its name", case.name), ("in its class", case.classname)):
                named.update((a, where) for a in self.in_name(text) if a not in named)
        addresses: list[str] = []
        for address, where in named.items():
            if address in self.graph.clauses:
                addresses.append(address)
                continue
            message = f"test '{title}' names {self.unknown(address)}"
            if where:
                message += f" ({where}; set match_test_names: false if names hold other data)"
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
            timestamp=case.timestamp,
        )

    def _suite_addresses(
        self, props: tuple[SuiteProperty, ...], source: str, report: _Reporter
    ) -> list[str]:
        """The known addresses the properties of a case's suites list, worked out once per
        suite (its cases share one tuple); an unknown one is reported once, where the
        property is written, however many test cases the suite holds."""
        if not props:
            return []
        cached = self.suites.get(id(props))
        if cached is not None and cached[0] is props:
            return cached[1]
        found: list[str] = []
        for prop in props:
            for address in _listed(prop.value):
                if address in self.graph.clauses:
                    found.append(address)
                    continue
                key = (source, prop.line, prop.col, address)
                if key not in self.reported:
                    self.reported.add(key)
                    message = f"a test suite's property names {self.unknown(address)}"
                    report("RM019", source, prop.line, prop.col, message)
        # The tuple is kept with its result, so its id cannot be reused by another.
        self.suites[id(props)] = (props, found)
        return found

    def in_name(self, name: str) -> Iterable[str]:
        """Addresses written in a test name, e.g. `test_cycle[STORY-9/AC-2]`."""
        # `/` then a local id; the owner's id is found by scanning back from the `/`.
        for match in LOCAL_ID_IN_TEXT.finditer(name):
            owners = _owners_before(name, match.start())
            local = match[1].rstrip(".")  # `…STORY-1/AC-1.` ends a sentence, not the id
            known = [owner for owner in owners if owner in self.graph.items]
            if known:  # the longest known id: `test_STORY-1/AC-1` names STORY-1
                yield f"{known[0]}/{local}"
                continue
            shaped = [o for o in owners if id_prefix(o) in self.prefixes()]
            if shaped:
                yield f"{shaped[-1]}/{local}"

    def prefixes(self) -> set[str]:
        """Id shapes of items with clauses (`STORY-`, `PRD-`): an unknown `STORY-9/AC-1` in a
        test name is a typo worth reporting; an unknown `data/v-1` is just a name. Gathered
        on the first name that needs them: most results name no unknown address, and a
        preview reads the results again after every edit."""
        if self._prefixes is None:
            items = self.graph.items.values()
            self._prefixes = {id_prefix(item.id) for item in items if item.clauses}
        return self._prefixes

    def unknown(self, address: str) -> str:
        """Why `address` names nothing, for the problem message."""
        parts = split_address(address)
        if parts is None:
            return f"'{address}', which is not an address like STORY-1/AC-1 or PRD-1/R-2"
        owner, local = parts
        item = self.graph.items.get(owner)
        if item is None:
            return f"'{address}', but there is no item {owner}"
        known = [clause.local_id for clause in item.clauses]
        if not known:
            return f"'{address}', but {item.id} has no requirements or criteria"
        listed = ", ".join(known[:8]) + (", …" if len(known) > 8 else "")
        return f"'{address}', but {item.id} has no {local} (it has {listed})"


def _listed(value: str) -> list[str]:
    """The addresses of a property's value: comma-separated, blanks left out."""
    return [part.strip() for part in value.split(",") if part.strip()]


def _owners_before(name: str, slash: int) -> list[str]:
    """Candidate ids ending at `slash`, longest first: each starts with a letter after a
    character that cannot be in an id, or after `_`, `-` or `.` (which can)."""
    start = slash
    while start > max(0, slash - _LONGEST_ID) and ID_CHARACTER.match(name[start - 1]):
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
