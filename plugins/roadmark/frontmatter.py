"""Split a spec into YAML front matter and body, keeping where every value was written."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
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

_DIGITS = re.compile(r"[-+]?[0-9][0-9_]*")


def _located(tag: str, what: str) -> None:
    """Make the constructor of `tag` report unreadable values at their node, not crash."""
    construct = _SpecLoader.yaml_constructors[tag]

    def checked(loader: _SpecLoader, node: yaml.Node) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, KeyError, IndexError, OverflowError) as exc:
            # PyYAML raises bare errors for e.g. `!!bool maybe`, `!!int ''`, a sexagesimal
            # `!!float 1:1:…` past float range, or an integer of more digits than Python
            # converts; they are the author's YAML all the same.
            text = str(node.value)
            shown = repr(text if len(text) <= 20 else text[:17] + "...")
            huge = isinstance(exc, OverflowError) or (
                isinstance(exc, ValueError) and _DIGITS.fullmatch(text)
            )
            reason = "is too large a number" if huge else f"is not {what}"
            raise yaml.constructor.ConstructorError(
                None, None, f"{shown} {reason}", node.start_mark
            ) from None

    _SpecLoader.add_constructor(tag, checked)


for _tag, _what in (("int", "an integer"), ("float", "a number"), ("bool", "true or false")):
    _located(f"tag:yaml.org,2002:{_tag}", _what)

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
    at = _locator(source)
    try:
        loader = _SpecLoader(source)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and "end of stream" in (exc.problem or ""):
            # An unclosed quote or bracket "ends" at the closing fence; point at its start.
            mark = exc.context_mark
        where = at(mark) if mark else Position(2, 1)
        context = exc.context
        if context and exc.context_mark is not None and at(exc.context_mark).line != where.line:
            context += f" (from line {at(exc.context_mark).line})"
        message = " ".join(filter(None, (context, exc.problem))) or "invalid YAML"
        result.error = (where, f"invalid YAML: {message}")
        return result
    except yaml.reader.ReaderError as exc:
        # A character YAML forbids, e.g. NUL: still the author's text, so locate it.
        result.error = (_at_offset(source, exc.position), f"invalid YAML: {_reader_problem(exc)}")
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
            result.error = (at(key_node.start_mark), f"field names must be text, not {key!r}")
            return result
        if key in result.key_positions:
            first = result.key_positions[key].line
            message = f"field '{key}' is given twice (first on line {first})"
            result.error = (at(key_node.start_mark), message)
            return result
        result.key_positions[key] = at(key_node.start_mark)
        result.positions[key] = at(value_node.start_mark)
        if isinstance(value_node, yaml.SequenceNode):
            for index, element in enumerate(value_node.value):
                result.positions[f"{key}[{index}]"] = at(element.start_mark)
    result.data = data
    return result


_YAML_ONLY_BREAKS = re.compile("[\r\x85\u2028\u2029]")


def _locator(source: str) -> Callable[[yaml.Mark], Position]:
    """Map YAML marks in `source` to file positions; the YAML starts on the file's line 2."""
    if not _YAML_ONLY_BREAKS.search(source):
        return lambda mark: Position(mark.line + 2, mark.column + 1)
    # YAML also ends lines at a lone CR, NEL, LS and PS; the file's lines end at LF only,
    # so count from the mark's character offset instead of trusting its line.
    starts = [0, *(match.end() for match in re.finditer("\n", source))]

    def at(mark: yaml.Mark) -> Position:
        row = bisect.bisect_right(starts, mark.index) - 1
        return Position(row + 2, mark.index - starts[row] + 1)

    return at


def _at_offset(source: str, offset: int) -> Position:
    """The file position of the reader's `offset` into the YAML `source`."""
    if _BaseLoader is not yaml.SafeLoader:  # libyaml counts UTF-8 bytes, PyYAML characters
        before = source.encode("utf-8")[:offset].decode("utf-8", "replace")
    else:  # pragma: no cover - depends on how PyYAML was built
        before = source[:offset]
    line_start = before.rfind("\n") + 1
    return Position(before.count("\n") + 2, len(before) - line_start + 1)


def _reader_problem(exc: yaml.reader.ReaderError) -> str:
    if isinstance(exc.character, bytes):
        return f"cannot decode byte 0x{exc.character[0]:02x}: {exc.reason}"
    return f"unacceptable character #x{exc.character:04x}: {exc.reason}"
