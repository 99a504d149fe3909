"""Read the product folder into source files and typed items, with what is wrong in each.

Parsing is per file and independent of every other file, so results are cached
by file stamp: a one-file edit under `mkdocs serve` re-parses one file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .clauses import parse_clauses
from .frontmatter import declared_id, parse_front_matter
from .model import Clause, Position, SourceFile
from .problems import Finding
from .settings import Settings
from .values import Report, build_item, is_spec


@dataclass(slots=True)
class LoadedFile:
    """One file of the product folder and the problems found in it alone."""

    source: SourceFile
    findings: list[Finding] = field(default_factory=list)


def load_text(path: str, text: str, settings: Settings) -> LoadedFile:
    """Parse the text of the product file at `path` (relative to the product folder)."""
    text = text.removeprefix("\ufeff")
    findings: list[Finding] = []

    def report(code: str, where: Position, message: str) -> None:
        findings.append(Finding(code, where.line, where.col, message))

    front = parse_front_matter(text)
    if front.error is not None:
        where, message = front.error
        report("RM002", where, message)
        return LoadedFile(SourceFile(path, text, broken_id=declared_id(text)), findings)
    if not is_spec(front.data):
        return LoadedFile(SourceFile(path, text), findings)
    item = build_item(path, front, settings, report)
    parsed = parse_clauses(front.body, front.body_line, item.id)
    item.requirements, item.criteria = parsed.requirements, parsed.criteria
    _report_duplicates(item.clauses, report)
    for kind, where in parsed.unnumbered:
        example = "R-1: The system shall …" if kind == "requirement" else "AC-1: Given …"
        report("RM018", where, f"this {kind} has no id; write it as '- {example}'")
    return LoadedFile(SourceFile(path, text, item), findings)


def load_path(product_dir: Path, path: str, settings: Settings) -> LoadedFile:
    """Read and parse one file of the product folder."""
    try:
        data = (product_dir / path).read_bytes()
    except OSError as exc:
        message = f"cannot read file: {exc.strerror or exc}"
        return LoadedFile(SourceFile(path, None), [Finding("RM001", 1, 1, message)])
    return load_bytes(path, data, settings)


def load_bytes(path: str, data: bytes, settings: Settings) -> LoadedFile:
    """Decode and parse the raw content of a product file, e.g. a git blob."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        return LoadedFile(SourceFile(path, None), [Finding("RM001", line, col, message)])
    # One newline convention for every later stage; positions are unaffected.
    return load_text(path, text.replace("\r\n", "\n"), settings)


def is_spec_path(path: str) -> bool:
    """Whether a relative path is one `spec_paths` would list: Markdown, nothing hidden."""
    *folders, name = path.split("/")
    return name.endswith(".md") and not _hidden_file(name) and not any(map(_hidden_dir, folders))


def spec_paths(product_dir: Path) -> list[str]:
    """Markdown files under `product_dir`, relative and sorted; hidden entries skipped."""
    return [path for path in product_files(product_dir) if path.endswith(".md")]


def _hidden_dir(name: str) -> bool:
    return name.startswith((".", "_"))


def _hidden_file(name: str) -> bool:
    return name.startswith(".")


def asset_paths(product_dir: Path) -> list[str]:
    """Other files under `product_dir` (images, attachments), which the site publishes as is."""
    return [path for path in product_files(product_dir) if not path.endswith(".md")]


def product_files(product_dir: Path) -> list[str]:
    """Every file under `product_dir`, relative and sorted; hidden and `_` folders skipped."""
    found: list[str] = []
    for folder, dirs, files in os.walk(product_dir):
        dirs[:] = sorted(d for d in dirs if not _hidden_dir(d))
        rel = Path(folder).relative_to(product_dir)
        found.extend((rel / name).as_posix() for name in files if not _hidden_file(name))
    return sorted(found)


class SpecCache:
    """Parsed files keyed by path and file stamp, valid for one configuration."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._entries: dict[str, tuple[tuple[int, int], LoadedFile]] = {}

    def load(self, product_dir: Path, path: str, settings: Settings) -> LoadedFile:
        """The parsed file, re-read only when its stamp or the settings changed."""
        if settings != self._settings:
            self._settings, self._entries = settings, {}
        key = f"{product_dir}/{path}"
        try:
            stat = (product_dir / path).stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            return load_path(product_dir, path, settings)
        cached = self._entries.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        loaded = load_path(product_dir, path, settings)
        self._entries[key] = (stamp, loaded)
        return loaded


def _report_duplicates(clauses: list[Clause], report: Report) -> None:
    seen: dict[str, Clause] = {}
    for clause in clauses:
        first = seen.setdefault(clause.local_id, clause)
        if first is not clause:
            report(
                "RM012",
                clause.position,
                f"{clause.kind} id '{clause.local_id}' is used twice in this file "
                f"(first on line {first.position.line})",
            )
