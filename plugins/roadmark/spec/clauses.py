"""Find requirements and acceptance criteria in a spec's Markdown body.

Requirements are list items under a `Requirements` heading (`- R-1: The system
shall …`), criteria under an `Acceptance criteria` heading (`- AC-1: Given …`).
An item may run over several lines; its local id is what makes it addressable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .ids import CLAUSE_HEAD, LIST_ITEM, LIST_ITEM_START
from .model import Clause, ClauseKind, Position

SECTIONS: dict[str, ClauseKind] = {
    "requirements": "requirement",
    "acceptance criteria": "criterion",
}

TEMPLATES: dict[ClauseKind, str] = {
    "requirement": "R-1: The system shall …",
    "criterion": "AC-1: Given …, when …, then …",
}
"""The shape of a first clause of each kind, as templates and problem messages show it."""

_WORD = re.compile(r"\w+")
_TEMPLATE_WORDS = frozenset(
    word.lower()
    for template in TEMPLATES.values()
    for word in _WORD.findall(template.partition(":")[2])
)
"""given, when, then, the, system, shall: the words of the templates, without their ids."""
_SECTION_HEADING = re.compile(
    r"^ {0,3}#{1,6}[ \t]+(?:requirements|acceptance criteria)\b", re.IGNORECASE | re.MULTILINE
)
_FENCE_START = ("`", "~")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t#]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass(slots=True)
class ParsedClauses:
    """The clauses of one body, and list items that lack an id."""

    requirements: list[Clause] = field(default_factory=list)
    criteria: list[Clause] = field(default_factory=list)
    unnumbered: list[tuple[ClauseKind, Position]] = field(default_factory=list)


@dataclass(slots=True)
class _Open:
    kind: ClauseKind
    local_id: str | None
    lines: list[str]
    position: Position
    content_indent: int


def parse_clauses(body: str, first_line: int, owner: str) -> ParsedClauses:
    """Parse the clause sections of `body`, whose first line is line `first_line` of its file.

    Long because it is one pass of a line-by-line state machine (fences, headings, list
    items and their continuation lines): split up, its state would travel through every part.
    """
    parsed = ParsedClauses()
    section: ClauseKind | None = None
    section_level = 0
    fence: str | None = None
    current: _Open | None = None
    blank_before = False

    def close() -> None:
        nonlocal current
        if current is None:
            return
        if current.local_id is None:
            parsed.unnumbered.append((current.kind, current.position))
        else:
            target = parsed.requirements if current.kind == "requirement" else parsed.criteria
            text = "\n".join(current.lines).strip()
            target.append(Clause(current.kind, current.local_id, text, owner, current.position))
        current = None

    if not _SECTION_HEADING.search(body):
        return parsed  # most epics and releases: nothing to scan line by line
    for offset, raw in enumerate(body.split("\n")):
        line = raw.rstrip("\r")
        first = line.lstrip(" ")[:1]
        if fence is not None:
            if _closes(line, fence):
                fence = None
            if current is not None:
                current.lines.append(_dedent(line, current.content_indent))
            continue
        if first in _FENCE_START and (match := _FENCE.match(line)):
            fence = match.group(1)
            if current is not None and _indent(line) >= current.content_indent:
                current.lines.append(_dedent(line, current.content_indent))
            else:
                close()
            continue
        if first == "#" and (match := _HEADING.match(line)):
            close()
            level, title = len(match.group(1)), (match.group(2) or "").strip()
            if section is not None and level <= section_level:
                section = None
            kind = SECTIONS.get(title.rstrip(":").strip().lower())
            if kind is not None:
                section, section_level = kind, level
            blank_before = False
            continue
        if section is None:
            continue
        if not line.strip():
            blank_before = True
            continue
        item = LIST_ITEM.match(line) if first in LIST_ITEM_START else None
        if item and (current is None or _indent(line) < current.content_indent):
            close()
            rest = item.group(3)
            content_indent = len(line) - len(rest)
            number = offset + first_line
            clause = CLAUSE_HEAD.match(rest)
            if clause:
                col = content_indent + 1 + (len(clause.group(1)) if clause.group(1) else 0)
                position = Position(number, col)
                current = _Open(
                    section, clause.group(2), [clause.group(3)], position, content_indent
                )
            else:
                position = Position(number, content_indent + 1)
                current = _Open(section, None, [], position, content_indent)
        elif current is not None and (not blank_before or _indent(line) >= current.content_indent):
            if blank_before:
                current.lines.append("")
            current.lines.append(_dedent(line, current.content_indent))
        else:
            close()
        blank_before = False
    close()
    return parsed


def is_placeholder(text: str) -> bool:
    """Whether a clause's text says nothing beyond a template: only its words, with ellipses
    and punctuation between them (`Given …, when …, then …`, `The system shall...`), or
    nothing at all. One word of its own (`Given a shopper, …`) makes it a real clause."""
    # all() stops at the first word of real text, which is nearly always the second.
    return all(found[0].lower() in _TEMPLATE_WORDS for found in _WORD.finditer(text))


def _closes(line: str, fence: str) -> bool:
    """Whether `line` closes the block `fence` opened: only that character, at least as many."""
    stripped = line.strip()
    return stripped.startswith(fence) and not stripped.strip(fence[0])


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _dedent(line: str, width: int) -> str:
    return line[min(width, _indent(line)) :]
