"""Render a spec diff as text for people, JSON for programs, and Markdown for PR comments."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..spec.problems import Problem
from ..text.printable import UNPRINTABLE_BEYOND_C0, printable
from ..text.words import count
from .changes import CHANGE_ORDER, ClauseChange, ItemChange, SpecDiff, WordSpan

FORMATS = ("text", "markdown", "json")

COMMENT_LIMIT = 65_000
"""Characters a Markdown report may take: GitHub rejects comments over 65,536."""

_NOTE_RESERVE = 600
"""Room kept at the end of a cut report for the note that says what was left out."""

_VALUE_LIMIT = 200
"""Longest field value shown in text and Markdown; JSON has every value in full."""

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")

_GITHUB_REFERENCE = re.compile(r"[@#](?=\w)")
"""`@name` and `#123` (also `owner/repo#123`, `@org/team`), which GitHub turns into a
mention that notifies someone or a link that cross-references an issue."""

_ZERO_WIDTH_SPACE = "&#8203;"
"""Put after `@` and `#` in spec text: GitHub no longer sees a mention or a reference, and
the comment still reads `@name`. Renovate defuses the release notes it quotes this way; a
code span would defuse too, but would change how titles look."""


def render(diff: SpecDiff, fmt: str) -> str:
    """The report in one of FORMATS."""
    if fmt == "json":
        return render_json(diff)
    if fmt == "markdown":
        return render_markdown(diff)
    return render_text(diff)


def render_json(diff: SpecDiff) -> str:
    """Every change, as one JSON object."""
    data = dataclasses.asdict(diff)
    data["summary"] = _counts(diff)
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    # json.dumps escapes C0 controls only; DEL, C1, line separators and bidi overrides would
    # reach a terminal raw. As \u escapes (outside strings JSON has none of them) the data
    # stays the same.
    return UNPRINTABLE_BEYOND_C0.sub(lambda found: f"\\u{ord(found[0]):04x}", text)


def render_text(diff: SpecDiff) -> str:
    """A plain-text report for the terminal."""
    lines = [f"roadmark diff: {diff.base} → {diff.head}", _summary(diff)]
    if diff.scope:
        lines += ["", "Release scope"]
        for row in diff.scope:
            name = f"{row.release} {row.title}".strip() if row.release else "(unscheduled)"
            lines.append(
                f"  {_clip(name)}: {_delta(row.points_before, row.points_after)} points, "
                f"{_delta(row.stories_before, row.stories_after)} stories"
            )
    for change in CHANGE_ORDER:
        items = diff.of(change)
        if items:
            lines += ["", change.title()]
            for item in items:
                mark = {"added": "+ ", "removed": "- "}.get(change, "")
                lines.append(f"  {mark}{_headline(item, _clip, str)}")
                lines += ["    " + detail for detail in _details(item, _text_words, _clip)]
    if diff.impact:
        lines += ["", "Impact"]
        lines += [f"  {i.id} {_clip(i.title)}: {i.reason}" for i in diff.impact]
    if diff.unreadable:
        lines += ["", "Unreadable files"]
        for file in diff.unreadable:
            side = "BASE" if file.side == "base" else "HEAD"
            of_item = f" ({file.item})" if file.item else ""
            lines.append(f"  {file.path}{of_item} in {side}: {file.reason}")
    for title, found in (
        ("New problems", diff.new_problems),
        ("Fixed problems", diff.fixed_problems),
    ):
        if found:
            lines += ["", title] + [f"  {problem}" for problem in found]
    # Each entry is one line whatever spec text it quotes: no forged lines, no escape codes.
    return "\n".join(printable(line) for line in lines) + "\n"


def render_markdown(diff: SpecDiff, limit: int = COMMENT_LIMIT) -> str:
    """A GitHub-flavoured PR comment: summary first, details folded, under `limit` characters."""
    report = _Report(limit - _NOTE_RESERVE)
    report.add(
        "### Roadmark: changes to the plan\n\n"
        f"{_md(diff.base)} → {_md(diff.head)}\n\n**{_md(_summary(diff))}**\n"
    )
    if diff.scope:
        rows = [
            f"| {_scope_name(row.release, row.title)} "
            f"| {_delta(row.points_before, row.points_after)} "
            f"| {_delta(row.stories_before, row.stories_after)} |"
            for row in diff.scope
        ]
        header = "| Release | Points | Stories |\n| --- | ---: | ---: |"
        report.section("release scope rows", rows, lambda _: f"\n{header}\n", "")
    problems = [f"- {_md_problem(p)}" for p in diff.new_problems]
    report.folded("New problems", problems, opened=bool(diff.new_errors))
    impact = [f"- **{_md(i.id)}** {_md(_clip(i.title))}: {_md(i.reason)}" for i in diff.impact]
    report.folded("Impact", impact, opened=True)
    unreadable = [
        f"- {_md(f.path)}{f' ({_md(f.item)})' if f.item else ''} in "
        f"{'BASE' if f.side == 'base' else 'HEAD'}: {_md(f.reason)}"
        for f in diff.unreadable
    ]
    report.folded("Unreadable files", unreadable, opened=True)
    # Sections are filled in this order, so what matters most survives a cut.
    for change in CHANGE_ORDER:
        entries = [_md_item(item) for item in diff.of(change)]
        report.folded(f"{change.title()} items", entries)
    report.folded("Fixed problems", [f"- {_md_problem(p)}" for p in diff.fixed_problems])
    if diff.empty:
        report.add("\nNo changes to the plan.\n")
    return report.finish()


@dataclass(slots=True)
class _Report:
    """Markdown under a character budget; whole entries are left out, and counted, past it."""

    budget: int
    parts: list[str] = field(default_factory=list)
    size: int = 0
    left_out: dict[str, tuple[int, int]] = field(default_factory=dict)
    """By section: entries left out, of how many."""

    def add(self, text: str) -> None:
        """Append text whatever its size: the header."""
        self.parts.append(text)
        self.size += len(text)

    def folded(self, title: str, entries: Sequence[str], opened: bool = False) -> None:
        """A collapsible section with as many entries as fit; its summary says how many."""

        def opening(shown: int) -> str:
            count = f"{shown} of {len(entries)}" if shown < len(entries) else str(len(entries))
            return f"\n<details{' open' if opened else ''}><summary>{title} ({count})</summary>\n\n"

        self.section(title.lower(), entries, opening, "\n</details>\n")

    def section(
        self, name: str, entries: Sequence[str], opening: Callable[[int], str], closing: str
    ) -> None:
        """As many entries as fit between an opening and a closing; the rest are counted."""
        if not entries:
            return
        # The opening for a cut section is the longest: "0 of N" plus the digits shown.
        room = self.budget - self.size - len(opening(0)) - len(str(len(entries))) - len(closing)
        shown: list[str] = []
        for entry in entries:
            if len(entry) + 1 > room:
                break
            shown.append(entry)
            room -= len(entry) + 1
        if len(shown) < len(entries):
            self.left_out[name] = (len(entries) - len(shown), len(entries))
        if shown:
            self.add(opening(len(shown)) + "".join(entry + "\n" for entry in shown) + closing)

    def finish(self) -> str:
        """The report, ending with a note on what was left out, if anything was."""
        if self.left_out:
            total = sum(count for count, _ in self.left_out.values())
            parts = ", ".join(f"{n} of {of} {name}" for name, (n, of) in self.left_out.items())
            self.add(
                f"\n> [!NOTE]\n> Left out {total} entries to stay under GitHub's comment size "
                f"limit: {parts}. Run `roadmark diff --format json` for the full report.\n"
            )
        return "".join(self.parts)


def _counts(diff: SpecDiff) -> dict[str, int]:
    counts: dict[str, int] = {change: len(diff.of(change)) for change in CHANGE_ORDER}
    counts["new_problems"] = len(diff.new_problems)
    counts["new_errors"] = len(diff.new_errors)
    counts["fixed_problems"] = len(diff.fixed_problems)
    counts["unreadable_files"] = len(diff.unreadable)
    return counts


def _summary(diff: SpecDiff) -> str:
    counts = _counts(diff)
    items = ", ".join(f"{counts[c]} {c}" for c in CHANGE_ORDER if counts[c]) or "no item changes"
    problems = f"{count(counts['new_problems'], 'new problem')}"
    if counts["new_problems"]:
        problems += f" ({count(counts['new_errors'], 'error')})"
    problems += f", {counts['fixed_problems']} fixed"
    unreadable = counts["unreadable_files"]
    tail = f", {count(unreadable, 'unreadable file')}" if unreadable else ""
    return f"{items}; {problems}{tail}"


def _headline(item: ItemChange, esc: Callable[[str], str], strong: Callable[[str], str]) -> str:
    """One line naming the item; `esc` makes text safe, `strong` sets the id apart."""
    title = esc(item.title)
    if item.change == "renamed":
        return f"{strong(f'{item.old_id} → {item.id}')} {title} ({esc(item.path)})"
    if item.change == "moved":
        return f"{strong(item.id)} {title}: {esc(item.old_path or '')} → {esc(item.path)}"
    return f"{strong(item.id)} {esc(item.kind)} {title} ({esc(item.path)})"


def _details(
    item: ItemChange,
    words: Callable[[list[WordSpan]], str],
    esc: Callable[[str], str],
) -> list[str]:
    details: list[str] = []
    if item.change == "renamed" and item.old_path:
        details.append(f"file: {esc(item.old_path)} → {esc(item.path)}")
    for change in item.fields:
        details.append(
            f"{esc(change.name)}: {esc(_value(change.before))} → {esc(_value(change.after))}"
        )
    details += [_clause(clause, words, esc) for clause in item.clauses]
    if item.text_changed:
        details.append("text edited")
    return details


def _clause(
    clause: ClauseChange, words: Callable[[list[WordSpan]], str], esc: Callable[[str], str]
) -> str:
    label = esc(clause.local_id)
    if clause.change == "reworded":
        return f"{label} reworded: {words(clause.words)}"
    return f"{label} {clause.change}: {esc(clause.before or clause.after or '')}"


def _md_item(item: ItemChange) -> str:
    head = _headline(item, _md_clipped, lambda text: f"**{_md(text)}**")
    details = _details(item, _md_words, _md_clipped)
    return "\n".join([f"- {head}", *(f"  - {detail}" for detail in details)])


def _md_problem(problem: Problem) -> str:
    where = f"{problem.path}:{problem.line}:{problem.col}"
    return f"{_md(where)} {problem.severity} {problem.code}: {_md(problem.message)}"


def _md_words(spans: list[WordSpan]) -> str:
    marks = {"equal": "{}", "delete": "<del>{}</del>", "insert": "<ins>{}</ins>"}
    return " ".join(marks[span.op].format(_md(span.text)) for span in spans)


def _text_words(spans: list[WordSpan]) -> str:
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return " ".join(marks[span.op].format(span.text) for span in spans)


def _md(text: str) -> str:
    """Spec text made inert in Markdown, HTML and GitHub: one line, entities, backslash escapes,
    no mentions or issue references."""
    flat = printable(" ".join(text.split()))  # newlines to spaces; other controls escaped
    escaped = _MD_SPECIAL.sub(r"\\\1", html.escape(flat, quote=False))
    # Last: the entity added must not be escaped itself.
    return _GITHUB_REFERENCE.sub(lambda found: found[0] + _ZERO_WIDTH_SPACE, escaped)


def _md_clipped(text: str) -> str:
    return _md(_clip(text))


def _scope_name(release: str | None, title: str) -> str:
    if release is None:
        return "*unscheduled*"
    return f"**{_md(release)}** {_md(_clip(title))}".rstrip()


def _delta(before: float, after: float) -> str:
    change = after - before
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    return f"{_number(before)} → {_number(after)} ({sign}{_number(abs(change))})"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _value(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "[" + ", ".join(_value(element) for element in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_value(v)}" for key, v in value.items()) + "}"
    return str(value)


def _clip(text: str) -> str:
    return text if len(text) <= _VALUE_LIMIT else text[: _VALUE_LIMIT - 1] + "…"
