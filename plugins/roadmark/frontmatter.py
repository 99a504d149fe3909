"""Split a spec into YAML front matter and body, keeping where every value was written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .model import Position

try:  # libyaml is about 8x faster; fall back to pure Python where it is missing.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class _SpecLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """A safe loader that keeps dates as text, so a bad date is a located problem."""


_SpecLoader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda loader, node: loader.construct_scalar(node),
)

_FENCE = re.compile(r"^---[ \t]*\r?$")
_CLOSE = re.compile(r"^(---|\.\.\.)[ \t]*\r?$")


@dataclass(slots=True)
class FrontMatter:
    """The parsed front matter of one file."""

    data: dict[str, Any] | None = None
    """The mapping, or None when the file has no front matter or it is broken."""
    positions: dict[str, Position] = field(default_factory=dict)
    """Value positions by field name; list elements as `name[index]`."""
    key_positions: dict[str, Position] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    error: tuple[Position, str] | None = None


def parse_front_matter(text: str) -> FrontMatter:
    """Parse `text`; a YAML problem is returned in `error` with its position, never raised."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return FrontMatter(body=text, body_line=1)
    end = next((i for i in range(1, len(lines)) if _CLOSE.match(lines[i])), None)
    if end is None:
        return FrontMatter(
            body="",
            body_line=len(lines) + 1,
            error=(Position(1, 1), "front matter starts with '---' but is never closed"),
        )
    result = FrontMatter(body="\n".join(lines[end + 1 :]), body_line=end + 2)
    source = "\n".join(lines[1:end])
    try:
        loader = _SpecLoader(source)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Position(mark.line + 2, mark.column + 1) if mark else Position(2, 1)
        message = " ".join(filter(None, (exc.context, exc.problem))) or "invalid YAML"
        result.error = (where, f"invalid YAML: {message}")
        return result
    except (yaml.YAMLError, ValueError, TypeError, RecursionError, MemoryError) as exc:
        # libyaml and the constructors raise plain errors for some inputs
        # (nesting too deep, unhashable keys); they are still the author's YAML.
        result.error = (Position(2, 1), f"invalid YAML: {type(exc).__name__}: {exc}")
        return result
    if data is None:
        return result
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        result.error = (Position(2, 1), "front matter must be a mapping of field names to values")
        return result
    for key_node, value_node in node.value:
        key = key_node.value
        if not isinstance(key, str) or key_node.tag != "tag:yaml.org,2002:str":
            result.error = (_at(key_node), f"field names must be text, not {key!r}")
            return result
        if key in result.key_positions:
            first = result.key_positions[key].line
            result.error = (_at(key_node), f"field '{key}' is given twice (first on line {first})")
            return result
        result.key_positions[key] = _at(key_node)
        result.positions[key] = _at(value_node)
        if isinstance(value_node, yaml.SequenceNode):
            for index, element in enumerate(value_node.value):
                result.positions[f"{key}[{index}]"] = _at(element)
    result.data = data
    return result


def _at(node: yaml.Node) -> Position:
    # The YAML text starts on the file's second line, after the opening fence.
    return Position(node.start_mark.line + 2, node.start_mark.column + 1)
