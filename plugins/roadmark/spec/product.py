"""Load a whole product: files → typed items → rules → graph, with every problem."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .graph import Graph, build_graph
from .loader import LoadedFile, SpecCache, load_folder, load_path
from .model import Item, SourceFile
from .problems import Problem, Severity
from .recheck import KeptChecks
from .rules import ItemFinding, check_items
from .settings import ConfigError, Settings


@dataclass(slots=True)
class Product:
    """Everything known about one product folder."""

    root: Path
    """The project root: the folder of `mkdocs.yml`."""
    settings: Settings
    files: list[SourceFile]
    graph: Graph
    problems: list[Problem] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    """Files refused unread (links leading outside the project, special or oversized files,
    unreadable attachments), relative to the product folder; their problems are in `problems`."""
    assets: list[str] = field(default_factory=list)
    """Attachments (images, other files) the site may publish as they are: regular files
    inside the project that can be read, relative to the product folder, sorted."""
    _by_path: dict[str, list[Problem]] | None = field(default=None, repr=False, compare=False)

    @property
    def product_dir(self) -> Path:
        """The folder of the specs."""
        return self.root / self.settings.product_dir

    @property
    def items(self) -> list[Item]:
        """Every parsed item, duplicates included, in path order."""
        return [source.item for source in self.files if source.item is not None]

    def problems_in(self, path: str) -> list[Problem]:
        """Problems of the product file `path` (relative to the product folder)."""
        if self._by_path is None:
            # Asked once per page of the site: group once rather than scan every time.
            self._by_path = {}
            for problem in self.problems:
                self._by_path.setdefault(problem.path, []).append(problem)
        return self._by_path.get(self.settings.source_path(path), [])


def load_product(
    root: Path, settings: Settings, cache: SpecCache | None = None, *, one_shot: bool = False
) -> Product:
    """Read and check the product folder of the project at `root`.

    `one_shot` says the process ends with this product (the CLI, `mkdocs build`); a process
    that loads again and again (`mkdocs serve`) leaves it False.
    """
    with _collector_paused(freeze=one_shot):
        loaded, assets = _read(root, settings, cache)
        return assemble(root, settings, loaded, assets, cache.checks if cache is not None else None)


def load_files(
    root: Path, settings: Settings, cache: SpecCache | None = None, *, one_shot: bool = False
) -> list[LoadedFile]:
    """Read every file of the product folder of the project at `root`, not yet checked."""
    with _collector_paused(freeze=one_shot):
        return _read(root, settings, cache)[0]


def _read(
    root: Path, settings: Settings, cache: SpecCache | None
) -> tuple[list[LoadedFile], list[str]]:
    product_dir = root / settings.product_dir
    if not product_dir.is_dir():
        raise ConfigError(f"product folder '{settings.product_dir}' not found in {root}")
    if cache is None:
        return load_folder(
            root, settings.product_dir, lambda path: load_path(product_dir, path, settings)
        )
    return load_folder(root, settings.product_dir, cache.loader(product_dir, settings))


@contextmanager
def _collector_paused(*, freeze: bool) -> Iterator[None]:
    """Pause the cyclic garbage collector while loading.

    Parsing makes millions of small objects but no reference cycles; the collector's
    repeated passes over them cost about a fifth of checking a large product.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            # Frozen objects are skipped by later collections, so re-enabling does not set
            # off one pass over everything just made. They are never collected again, which
            # only a process that ends soon can afford: under `mkdocs serve` each rebuild's
            # cyclic garbage would live forever.
            gc.freeze()
        if enabled:
            gc.enable()


def assemble(
    root: Path,
    settings: Settings,
    loaded: list[LoadedFile],
    assets: Sequence[str] = (),
    checks: KeptChecks | None = None,
) -> Product:
    """Check already parsed files together and build their graph.

    The files may come from disk or from elsewhere, e.g. a git revision. `checks`, kept
    between loads of the same folder, lets a load after an edit update the last graph.
    """
    files = [entry.source for entry in loaded if not entry.refused]
    items = [source.item for source in files if source.item is not None]

    def broken(graph: Graph) -> dict[str, str]:
        return {
            source.broken_id: settings.source_path(source.path)
            for source in files
            if source.broken_id and source.broken_id not in graph.items
        }

    if checks is None:
        graph = build_graph(items, settings)
        graph.broken = broken(graph)
        found: Iterable[ItemFinding] = check_items(items, graph, settings)
    else:
        graph, found = checks.check(items, settings, broken)
    problems: list[Problem] = []

    def add(code: str, path: str, line: int, col: int, message: str) -> None:
        severity = settings.severity(code)
        if severity is not Severity.OFF:
            problems.append(Problem(code, severity, settings.source_path(path), line, col, message))

    for entry in loaded:
        for finding in entry.findings:
            add(finding.code, entry.source.path, finding.line, finding.col, finding.message)
    for one in found:
        add(one.code, one.item.path, one.position.line, one.position.col, one.message)
    problems.sort(key=Problem.sort_key)
    refused = [entry.source.path for entry in loaded if entry.refused]
    return Product(root, settings, files, graph, problems, refused, list(assets))
