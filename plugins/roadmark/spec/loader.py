"""Read the product folder into source files and typed items, with what is wrong in each.

Parsing is per file and independent of every other file, so results are cached
by file stamp: a one-file edit under `mkdocs serve` re-parses one file. Which files
may be opened at all is `entries.py`'s decision.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .clauses import TEMPLATES, parse_clauses
from .entries import Refused, read_regular, scan
from .fields import Report, build_item, is_spec
from .frontmatter import declared_id, parse_front_matter
from .model import Clause, Position, SourceFile
from .problems import Finding
from .recheck import KeptChecks
from .settings import Settings

Stamp = tuple[int, int]
"""A file's modification time in nanoseconds and its size."""


@dataclass(slots=True)
class LoadedFile:
    """One file of the product folder and the problems found in it alone."""

    source: SourceFile
    findings: list[Finding] = field(default_factory=list)
    refused: bool = False
    """Refused, not read: a link leading outside the project, a special or oversized file,
    an attachment that cannot be read. It makes no page; only its findings are reported."""


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
        broken = SourceFile(path, text, broken_id=declared_id(text), body=front.body)
        return LoadedFile(broken, findings)
    if not is_spec(front.data):
        return LoadedFile(SourceFile(path, text, body=front.body), findings)
    item = build_item(path, front, settings, report)
    parsed = parse_clauses(front.body, front.body_line, item.id)
    item.requirements, item.criteria = parsed.requirements, parsed.criteria
    _report_duplicates(item.clauses, report)
    for kind, where in parsed.unnumbered:
        report("RM018", where, f"this {kind} has no id; write it as '- {TEMPLATES[kind]}'")
    return LoadedFile(SourceFile(path, text, item, body=front.body), findings)


def load_path(product_dir: Path, path: str, settings: Settings) -> LoadedFile:
    """Read and parse one file of the product folder, which `scan` found to be a file."""
    try:
        data = read_regular(product_dir / path)
    except Refused as exc:
        return LoadedFile(SourceFile(path, None), [exc.finding], refused=True)
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
    """Whether a relative path would be read as a spec: Markdown, nothing hidden."""
    return path.endswith(".md") and is_visible_path(path)


def is_visible_path(path: str) -> bool:
    """Whether `scan` would look at a relative path: no name starting with `.` and no folder
    starting with `_`."""
    *folders, name = path.split("/")
    return not _hidden_file(name) and not any(map(_hidden_dir, folders))


def _hidden_dir(name: str) -> bool:
    return name.startswith((".", "_"))


def _hidden_file(name: str) -> bool:
    return name.startswith(".")


def load_folder(
    root: Path, product_dir: str, load_spec: Callable[[str], LoadedFile]
) -> tuple[list[LoadedFile], list[str]]:
    """Every spec of the product folder as `load_spec` loads it by its relative path, and
    every refused or unreadable file with its finding; then, apart, the attachments (images
    and other files) that the site may publish as they are, from the same one walk."""
    entries = scan(root, product_dir)
    loaded = [
        load_spec(entry.path) if entry.finding is None else unusable(entry.path, entry.finding)
        for entry in entries
        if entry.finding is not None or entry.is_spec
    ]
    assets = [entry.path for entry in entries if not entry.is_spec and entry.finding is None]
    return loaded, assets


def unusable(path: str, finding: Finding) -> LoadedFile:
    """A file that must not be used, with why. A spec that merely cannot be read (a broken
    link) still gets its page, with the problem on it, as any unreadable spec."""
    page = path.endswith(".md") and finding.code == "RM001"
    return LoadedFile(SourceFile(path, None), [finding], refused=not page)


class SpecCache:
    """Parsed files keyed by path and file stamp, valid for one configuration."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._entries: dict[str, tuple[Stamp, LoadedFile]] = {}
        self._given: Mapping[str, Stamp] = {}
        self.checks = KeptChecks()
        """The last load's graph and problems, which the next load updates (`recheck.py`)."""

    @contextmanager
    def trusting(self, stamps: Mapping[str, Stamp]) -> Iterator[None]:
        """Within, take each file's stamp from `stamps` (by absolute path as a string: mtime
        in nanoseconds, size), taken by the caller just before, rather than stat it again.

        The preview stamps every file to find what an edit changed; at 10,000 files stat-ing
        them all again costs a third of loading. A file changed after `stamps` were taken is
        read at the next rebuild, which that change sets off. Files not in `stamps` are
        stat-ed as always.
        """
        self._given = stamps
        try:
            yield
        finally:
            self._given = {}

    def load(self, product_dir: Path, path: str, settings: Settings) -> LoadedFile:
        """The parsed file, re-read only when its stamp or the settings changed."""
        return self.loader(product_dir, settings)(path)

    def loader(self, product_dir: Path, settings: Settings) -> Callable[[str], LoadedFile]:
        """`load` for every file of one folder and configuration: a load looks at 10,000
        files, and what is the same for all of them is worked out once."""
        if settings is not self._settings and settings != self._settings:
            self._settings, self._entries = settings, {}
        # A string, not a `Path`: at 10,000 files, parsing paths cost more than the stats.
        prefix = f"{product_dir}/"
        given, entries = self._given, self._entries

        def load(path: str) -> LoadedFile:
            key = prefix + path
            stamp = given.get(key)
            if stamp is None or stamp[1] < 0:  # not given, or a dangling link: look
                try:
                    stat = os.stat(key)  # noqa: PTH116
                    stamp = (stat.st_mtime_ns, stat.st_size)
                except OSError:
                    return load_path(product_dir, path, settings)
            cached = entries.get(key)
            if cached is not None and cached[0] == stamp:
                return cached[1]
            loaded = load_path(product_dir, path, settings)
            entries[key] = (stamp, loaded)
            return loaded

        return load


def _report_duplicates(clauses: list[Clause], report: Report) -> None:
    # By anchor, not by id: `AC-1` and `ac-1` are both `#ac-1` on the page.
    seen: dict[str, Clause] = {}
    for clause in clauses:
        first = seen.setdefault(clause.anchor, clause)
        if first is clause:
            continue
        if first.local_id == clause.local_id:
            what = f"{clause.kind} id '{clause.local_id}' is used twice in this file"
        else:
            what = (
                f"{clause.kind} id '{clause.local_id}' differs from '{first.local_id}' only in "
                "case, and both would be the same link target"
            )
        report("RM012", clause.position, f"{what} (first on line {first.position.line})")
