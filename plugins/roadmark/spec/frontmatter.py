"""Split a spec into YAML front matter and body, keeping where every value was written."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..text.words import clipped
from .model import Position

try:  # libyaml is about 8x faster; fall back to pure Python where it is missing.
    from yaml import CSafeLoader as _BaseLoader

    _LIBYAML = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    # The stubs make CSafeLoader and SafeLoader unrelated classes; either is the base here.
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

    _LIBYAML = False


_STR = "tag:yaml.org,2002:str"

# First characters with which a plain scalar may be something other than text in
# YAML 1.1 (bools, null, numbers, dates, merge keys), per PyYAML's implicit resolvers.
_MAYBE_TYPED = frozenset("yYnNtTfFoO~-+0123456789.<=")


class _SpecLoader(_BaseLoader):
    """A safe loader that keeps dates as text, so a bad date is a located problem."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        """Tag a node; text is recognised without trying every implicit resolver.

        libyaml asks this of every scalar, and most front matter values are plain text.
        """
        if kind is yaml.ScalarNode:  # for collections `implicit` is a bool, not a pair
            plain = implicit[0]
            if not plain or (value and value[0] not in _MAYBE_TYPED):
                return _STR
        # types-PyYAML leaves BaseResolver.resolve unannotated; it returns the tag, a str.
        tag: str = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        return tag


def _timestamp_as_text(loader: _SpecLoader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


_SpecLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)

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

_OPEN = re.compile(r"---[ \t]*\r?(?:\n|$)")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_SEQ = "tag:yaml.org,2002:seq"


class NodePositions(Mapping[str, Position]):
    """Where each field (or list element, `name[index]`) is written, worked out when asked.

    Positions are needed only to report a problem, and most files have none, so only
    the parser's marks are kept (not the node trees) and turned into positions on demand.
    """

    __slots__ = ("_at", "_keys", "_marks")

    def __init__(
        self,
        marks: dict[str, tuple[yaml.Mark, yaml.Mark, tuple[yaml.Mark, ...]]],
        at: Callable[[yaml.Mark], Position],
        keys: bool = False,
    ) -> None:
        self._marks = marks
        self._at = at
        self._keys = keys

    def __getitem__(self, key: str) -> Position:
        if key in self._marks:
            key_mark, value_mark, _ = self._marks[key]
            return self._at(key_mark if self._keys else value_mark)
        name, _, rest = key.rpartition("[")
        index = rest.removesuffix("]")
        if self._keys or name not in self._marks or not index.isdigit():
            raise KeyError(key)
        elements = self._marks[name][2]
        if int(index) >= len(elements):
            raise KeyError(key)
        return self._at(elements[int(index)])

    def __iter__(self) -> Iterator[str]:
        for name, (_, _, elements) in self._marks.items():
            yield name
            if not self._keys:
                yield from (f"{name}[{index}]" for index in range(len(elements)))

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass(slots=True)
class FrontMatter:
    """The parsed front matter of one file."""

    data: dict[str, Any] | None = None
    """The mapping, or None when the file has no front matter or it is broken."""
    positions: Mapping[str, Position] = field(default_factory=dict)
    """Value positions by field name; list elements as `name[index]`."""
    key_positions: Mapping[str, Position] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    error: tuple[Position, str] | None = None


_ID_LINE = re.compile(r"""^id:[ \t]*(["']?)([^\s"'#]+)\1[ \t]*(?:#.*)?$""", re.MULTILINE)


def declared_id(text: str) -> str | None:
    """The id a spec whose front matter does not parse seems to declare, read line by line.

    Only for messages: a reference to it can then say the file is broken rather than
    suggest some other id.
    """
    opening = _OPEN.match(text)
    closing = _CLOSE.search(text, opening.end()) if opening else None
    if opening is None or closing is None:
        return None
    found = _ID_LINE.search(text, opening.end(), closing.start())
    return found[2] if found else None


def parse_front_matter(text: str) -> FrontMatter:
    """Parse `text`; a YAML problem is returned in `error` with its position, never raised."""
    opening = _OPEN.match(text)
    if opening is None:
        return FrontMatter(body=text, body_line=1)
    closing = _CLOSE.search(text, opening.end())
    if closing is None:
        return FrontMatter(
            body="",
            body_line=text.count("\n") + 2,
            error=(Position(1, 1), "front matter starts with '---' but is never closed"),
        )
    body_start = closing.end() + 1
    result = FrontMatter(body=text[body_start:], body_line=text.count("\n", 0, body_start) + 1)
    # The YAML lines, without the newline that ends the last of them.
    source = text[opening.end() : max(opening.end(), closing.start() - 1)]
    at = _locator(source)
    try:
        loader = _SpecLoader(source)
        try:
            node = loader.get_single_node()
            data = _construct(loader, node) if isinstance(node, yaml.MappingNode) else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        result.error = _marked_error(exc, at)
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
    if node is None or _is_null(node):
        return result
    if not isinstance(node, yaml.MappingNode):
        result.error = (Position(2, 1), "front matter must be a mapping of field names to values")
        return result
    marks, result.error = _field_marks(node, at)
    if result.error is not None:
        return result
    result.positions = NodePositions(marks, at)
    result.key_positions = NodePositions(marks, at, keys=True)
    result.data = data
    return result


def _marked_error(
    exc: yaml.MarkedYAMLError, at: Callable[[yaml.Mark], Position]
) -> tuple[Position, str]:
    """Where a YAML syntax error is, and what it says, in the author's terms."""
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and "end of stream" in (exc.problem or ""):
        # An unclosed quote or bracket "ends" at the closing fence; point at its start.
        mark = exc.context_mark
    where = at(mark) if mark else Position(2, 1)
    context = exc.context
    if context and exc.context_mark is not None and at(exc.context_mark).line != where.line:
        context += f" (from line {at(exc.context_mark).line})"
    message = " ".join(filter(None, (context, exc.problem))) or "invalid YAML"
    return where, f"invalid YAML: {message}"


_FieldMarks = dict[str, tuple[yaml.Mark, yaml.Mark, tuple[yaml.Mark, ...]]]
"""Where each field's name, value and list elements start, by field name."""


def _field_marks(
    node: yaml.MappingNode, at: Callable[[yaml.Mark], Position]
) -> tuple[_FieldMarks, tuple[Position, str] | None]:
    """Where each field's name, value and list elements start; or the first field name that
    is not text or is given twice, with where it is."""
    marks: _FieldMarks = {}
    for key_node, value_node in node.value:
        key = key_node.value
        if not isinstance(key, str) or key_node.tag != _STR:
            message = f"field names must be text, not {_quoted(str(key))}"
            return marks, (at(key_node.start_mark), message)
        if key in marks:
            first = at(marks[key][0]).line
            message = f"field {_quoted(key)} is given twice (first on line {first})"
            return marks, (at(key_node.start_mark), message)
        elements = (
            tuple(element.start_mark for element in value_node.value)
            if isinstance(value_node, yaml.SequenceNode)
            else ()
        )
        marks[key] = (key_node.start_mark, value_node.start_mark, elements)
    return marks, None


def _quoted(name: str) -> str:
    """A field name as a message quotes it."""
    return repr(clipped(name, 60))


def _construct(loader: _SpecLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    """The mapping's values; plain text (nearly every value) is taken from the node as is.

    PyYAML's generic constructor costs more than parsing itself; anything but text and
    lists of text still goes through it, so tags and type checks behave exactly as before.
    """
    data: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if key_node.tag != _STR or not isinstance(key_node, yaml.ScalarNode):
            # Merge keys, odd keys: PyYAML decides; a mapping node constructs a dict.
            document: dict[Any, Any] = loader.construct_document(node)
            return document
        if value_node.tag == _STR and isinstance(value_node, yaml.ScalarNode):
            value: Any = value_node.value
        elif value_node.tag == _SEQ and all(
            element.tag == _STR and isinstance(element, yaml.ScalarNode)
            for element in value_node.value
        ):
            value = [element.value for element in value_node.value]
        else:
            value = loader.construct_object(value_node)
        data[key_node.value] = value
    # Nested collections are filled in by generators, as construct_document does it: a
    # loop rather than recursion, so deep nesting cannot exhaust the stack.
    while loader.state_generators:
        pending, loader.state_generators = loader.state_generators, []
        for generator in pending:
            for _ in generator:
                pass
    return data


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


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
    if _LIBYAML:  # libyaml counts UTF-8 bytes, PyYAML characters
        before = source.encode("utf-8")[:offset].decode("utf-8", "replace")
    else:  # pragma: no cover - depends on how PyYAML was built
        before = source[:offset]
    line_start = before.rfind("\n") + 1
    return Position(before.count("\n") + 2, len(before) - line_start + 1)


def _reader_problem(exc: yaml.reader.ReaderError) -> str:
    if isinstance(exc.character, bytes):
        return f"cannot decode byte 0x{exc.character[0]:02x}: {exc.reason}"
    return f"unacceptable character #x{exc.character:04x}: {exc.reason}"
