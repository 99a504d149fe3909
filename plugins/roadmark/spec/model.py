"""The spec model: items, their requirements and acceptance criteria.

Plain dataclasses with no knowledge of MkDocs, so the CLI stays fast and every
front end (site, CLI, macros) shares one model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, NamedTuple

ClauseKind = Literal["requirement", "criterion"]


class Position(NamedTuple):
    """A 1-based line and column in a source file (a tuple: there are many of them)."""

    line: int
    col: int = 1


@dataclass(slots=True)
class Clause:
    """A requirement (`R-1`) of a PRD or an acceptance criterion (`AC-1`) of a story."""

    kind: ClauseKind
    local_id: str
    text: str
    owner: str
    position: Position
    address: str = field(init=False, repr=False, compare=False)
    """The product-wide address, e.g. `PRD-3/R-1`: made once, since the graph, the rules and
    the trace look clauses up by it hundreds of thousands of times in a large product."""

    def __post_init__(self) -> None:
        self.address = f"{self.owner}/{self.local_id}"

    @property
    def anchor(self) -> str:
        """The HTML anchor of the clause on its item's page, e.g. `r-1`."""
        return self.local_id.lower()


@dataclass(slots=True)
class Item:
    """One spec file: a PRD, epic, story, release or a configured kind."""

    id: str
    kind: str
    title: str
    status: str
    path: str
    """Path of the file relative to the product folder, with forward slashes."""
    fields: dict[str, Any] = field(default_factory=dict)
    """Every front matter field as written (after type checks), including the above."""
    positions: Mapping[str, Position] = field(default_factory=dict)
    """Where each field's value starts; list elements are keyed `field[index]`."""
    requirements: list[Clause] = field(default_factory=list)
    criteria: list[Clause] = field(default_factory=list)
    body: str = ""
    body_line: int = 1
    """Line of the file on which `body` starts."""

    def get(self, name: str, default: Any = None) -> Any:
        """A front matter field's value, or `default` when absent."""
        return self.fields.get(name, default)

    def position(self, name: str, index: int | None = None) -> Position:
        """Where field `name` (or its element `index`) is written; the file start if nowhere."""
        key = name if index is None else f"{name}[{index}]"
        return self.positions.get(key) or self.positions.get(name) or Position(1, 1)

    @property
    def clauses(self) -> list[Clause]:
        """Requirements and criteria together, in file order."""
        return self.requirements + self.criteria


@dataclass(slots=True)
class SourceFile:
    """A file of the product folder: a spec item, or a plain page when `item` is None."""

    path: str
    """Relative to the product folder, with forward slashes."""
    text: str | None
    """The decoded text; None when the file could not be read."""
    item: Item | None = None
    broken_id: str | None = None
    """The id the file seems to declare when its front matter cannot be parsed."""
    body: str = ""
    """The text after its front matter (all of it when it has none), as the loader split it;
    empty when the file could not be read or its front matter is never closed."""


def plain(value: Any) -> Any:
    """A front matter value as JSON-ready data: dates become ISO text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(element) for element in value]
    if isinstance(value, dict):
        return {str(key): plain(element) for key, element in value.items()}
    return value
