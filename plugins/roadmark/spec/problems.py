"""Problems found in specs, and the catalogue of rules that report them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..text.printable import printable


class Severity(StrEnum):
    """How much a problem matters; `off` silences a rule."""

    ERROR = "error"
    WARNING = "warning"
    OFF = "off"


@dataclass(frozen=True, slots=True)
class Rule:
    """A check with a stable code users can look up and re-grade in config."""

    code: str
    name: str
    severity: Severity
    summary: str


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule("RM001", "unreadable-file", Severity.ERROR, "The file cannot be read or decoded."),
        Rule(
            "RM002", "malformed-front-matter", Severity.ERROR, "The YAML front matter is invalid."
        ),
        Rule("RM003", "missing-field", Severity.ERROR, "A required field is missing."),
        Rule("RM004", "unknown-field", Severity.ERROR, "A field is not defined for the kind."),
        Rule("RM005", "wrong-type", Severity.ERROR, "A field's value has the wrong type."),
        Rule("RM006", "unknown-status", Severity.ERROR, "The status is not in the workflow."),
        Rule("RM007", "invalid-date", Severity.ERROR, "A date is not a valid ISO date."),
        Rule("RM008", "duplicate-id", Severity.ERROR, "Two files declare the same id."),
        Rule("RM009", "dangling-reference", Severity.ERROR, "A reference names no item."),
        Rule("RM010", "wrong-kind-reference", Severity.ERROR, "A reference names the wrong kind."),
        Rule("RM011", "dependency-cycle", Severity.ERROR, "`depends_on` links form a cycle."),
        Rule(
            "RM012", "duplicate-local-id", Severity.ERROR, "A requirement or criterion id repeats."
        ),
        Rule("RM013", "unknown-requirement", Severity.ERROR, "`implements` names no requirement."),
        Rule("RM014", "story-without-criteria", Severity.WARNING, "A ready story has no criteria."),
        Rule(
            "RM015",
            "dates-inverted",
            Severity.ERROR,
            "An item starts after its date, target or end.",
        ),
        Rule("RM016", "unknown-kind", Severity.ERROR, "The kind is not configured."),
        Rule("RM017", "invalid-id", Severity.ERROR, "An id does not match the id pattern."),
        Rule(
            "RM018", "unnumbered-clause", Severity.WARNING, "A requirement or criterion has no id."
        ),
        Rule("RM019", "unknown-test-address", Severity.ERROR, "A test names an unknown address."),
        Rule("RM020", "unreadable-test-results", Severity.ERROR, "A JUnit XML file is malformed."),
        Rule(
            "RM021", "no-test-results", Severity.WARNING, "A `test_results` glob matches no file."
        ),
        Rule(
            "RM022",
            "link-outside-project",
            Severity.ERROR,
            "A symbolic link leads outside the project.",
        ),
        Rule(
            "RM023",
            "not-a-regular-file",
            Severity.ERROR,
            "A device, FIFO, socket or oversized file is in the product folder.",
        ),
        Rule(
            "RM024",
            "placeholder-clause",
            Severity.WARNING,
            "A requirement or criterion is still template text.",
        ),
        Rule(
            "RM025",
            "suspect-link",
            Severity.ERROR,
            "An upstream item was reworded after its downstream item last changed.",
        ),
        Rule(
            "RM026",
            "done-in-future-sprint",
            Severity.WARNING,
            "A done item is in a sprint that starts after today.",
        ),
    )
}

FORMER_NAMES: dict[str, str] = {"release-dates-inverted": "RM015"}
"""Names rules had before, with their codes: still accepted in the `rules` option, so
configurations written for an older version keep working."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding, located in a file of the product folder."""

    code: str
    severity: Severity
    path: str
    """Relative to the project root (the folder of `mkdocs.yml`), forward slashes."""
    line: int
    col: int
    message: str

    @property
    def rule(self) -> Rule:
        """The rule that reported this problem."""
        return RULES[self.code]

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order by file, then position, then code, for stable reports."""
        return (self.path, self.line, self.col, self.code, self.message)

    def __str__(self) -> str:
        # One line, always: spec text in the message must not print a line of its own.
        return printable(
            f"{self.path}:{self.line}:{self.col}: {self.severity} {self.code}: {self.message}"
        )

    def as_data(self, path: str | None = None) -> dict[str, object]:
        """The problem as JSON-ready data, under `path` when it is shown differently."""
        return {
            "path": self.path if path is None else path,
            "line": self.line,
            "col": self.col,
            "severity": str(self.severity),
            "code": self.code,
            "rule": self.rule.name,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem found in one file, before configuration decides its severity."""

    code: str
    line: int
    col: int
    message: str
