"""Test sites: write a project from {path: text}, build it with MkDocs, and read what it made.

A project is a dict of files plus a `mkdocs.yml` mapping. `build` runs MkDocs in this
process (fast, logs captured); `run_tool` runs a real console script (`mkdocs`,
`properdocs`, `roadmark`) when exit codes, strictness or process boundaries matter.
The HTML helpers parse with the standard library into a small tree that tests query
by tag, class and id.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import pytest
import yaml
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from roadmark.macros import define_env
from roadmark.render.html import WORD_JOINER

TOOL_ENV = {"NO_MKDOCS_2_WARNING": "1", "PYTHONIOENCODING": "utf-8"}
"""Added to the environment of every tool run: Material's MkDocs 2 notice is noise here."""

LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning) "
    r"(?P<code>RM\d{3}): (?P<message>.+)$"
)
"""One problem as `roadmark check` and the build print it."""

SPEC_RULES = [*(f"RM{number:03}" for number in range(1, 19)), "RM024"]
"""The codes of the rules over specs (RM019–RM021 are about test results)."""

EPOCH = "1790000000"
"""A fixed SOURCE_DATE_EPOCH (2026-09-21), so sitemaps and "today" never read the clock."""


# --- Writing projects --------------------------------------------------------------------


def md(text: str) -> str:
    """An inline file without its common indentation and leading newline."""
    return textwrap.dedent(text).lstrip("\n")


def spec(item_id: str, kind: str, title: str, status: str, body: str = "", **fields: Any) -> str:
    """A spec file: front matter in the order given (id, kind, title, status, fields), then body."""
    front = {"id": item_id, "kind": kind, "title": title, "status": status, **fields}
    dumped = yaml.safe_dump(
        front, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000
    )
    return f"---\n{dumped}---\n\n{md(body)}"


def mkdocs_config(plugins: Sequence[Any] = ("search", "roadmark"), **extra: Any) -> dict[str, Any]:
    """A `mkdocs.yml` on Material with no web fonts (no network), plus `extra` keys."""
    return {
        "site_name": "Test site",
        "theme": {"name": "material", "font": False},
        "plugins": list(plugins),
        **extra,
    }


def write_project(
    root: Path, files: Mapping[str, str | bytes], config: str | Mapping[str, Any] | None = None
) -> Path:
    """Write `files` {relative path: content} and `config` as `mkdocs.yml` under `root`.

    Text is written byte for byte (CRLF stays CRLF); a config mapping is written as YAML.
    """
    root.mkdir(parents=True, exist_ok=True)
    for relative, content in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    if config is not None:
        text = config if isinstance(config, str) else yaml.safe_dump(dict(config), sort_keys=False)
        (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    return root


def generated_corpus(folder: Path, stories: int) -> Path:
    """The benchmark corpus of `stories` stories (`benchmarks/corpus.py`, seed 1) in `folder`."""
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "corpus.py"
    subprocess.run(
        [sys.executable, str(script), str(folder), "--stories", str(stories)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return folder


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under `folder`: its modification time (ns) and bytes, by relative path."""
    return {
        path.relative_to(folder).as_posix(): (path.stat().st_mtime_ns, path.read_bytes())
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, by relative path."""
    return {name: data for name, (_, data) in snapshot(folder).items()}


# --- Building ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """A built site and how to find its pages by their source path."""

    root: Path
    site_dir: Path
    use_directory_urls: bool = True
    messages: tuple[tuple[int, str], ...] = ()
    """What MkDocs and the plugins logged during an in-process build: (level, message)."""

    @property
    def warnings(self) -> list[str]:
        """Messages logged at WARNING or above."""
        return [text for level, text in self.messages if level >= logging.WARNING]

    def output(self, src_uri: str) -> str:
        """The output file of the page with source path `src_uri`, relative to the site."""
        stem = posixpath.splitext(src_uri)[0]
        if posixpath.basename(stem) in ("index", "README"):
            return posixpath.join(posixpath.dirname(stem), "index.html")
        return f"{stem}/index.html" if self.use_directory_urls else f"{stem}.html"

    def html(self, src_uri: str) -> str:
        """The HTML of the page with source path `src_uri`."""
        return (self.site_dir / self.output(src_uri)).read_text(encoding="utf-8")

    def page(self, src_uri: str) -> Node:
        """The parsed page with source path `src_uri`."""
        return parse(self.html(src_uri))

    def article(self, src_uri: str) -> Node:
        """The page's content, without the theme's header, navigation and footer."""
        page = self.page(src_uri)
        content = page.find("article") or page.find(role="main")
        assert content is not None, f"{src_uri} has no content element"
        return content

    def resolve(self, src_uri: str, href: str) -> tuple[str, str]:
        """Where a link on page `src_uri` leads: (output file relative to the site, fragment)."""
        path, _, fragment = href.partition("#")
        output = self.output(src_uri)
        if not path:
            return output, fragment
        assert "://" not in path and not path.startswith("/"), href
        target = posixpath.normpath(posixpath.join(posixpath.dirname(output), path))
        if path.endswith("/") or posixpath.splitext(target)[1] == "":
            target = posixpath.join(target, "index.html")
        return target.removeprefix("./"), fragment

    def links_to(self, src_uri: str, links: Sequence[Node]) -> list[tuple[str, str, str]]:
        """The links as (text, target page's output file, fragment), seen from page `src_uri`."""
        return [(a.text, *self.resolve(src_uri, a.get("href"))) for a in links]


class _Collect(logging.Handler):
    """Keeps every record at INFO or above as (level, message)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.getMessage()))


def build(root: Path, *, strict: bool = False, **overrides: Any) -> Site:
    """Build the project at `root` in this process, with a fixed SOURCE_DATE_EPOCH.

    `strict` applies whatever `mkdocs.yml` says; a strict build with warnings raises
    MkDocs' `Abort`. `overrides` are config keys, e.g. `use_directory_urls=False`.
    """
    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO if level == logging.NOTSET else level)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
            for name, value in TOOL_ENV.items():
                patch.setenv(name, value)
            config = load_config(config_file=str(root / "mkdocs.yml"), strict=strict, **overrides)
            mkdocs_build(config)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return Site(
        root, Path(config.site_dir), bool(config.use_directory_urls), tuple(handler.records)
    )


def console_script(name: str) -> str:
    """The installed console script `name`, preferring the test interpreter's own."""
    beside = Path(sys.executable).with_name(name)
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"the {name} console script is not installed; run `make test`")
    return found


def run_tool(
    name: str, *args: str, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the console script `name` in `cwd` with a fixed SOURCE_DATE_EPOCH."""
    environ = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **TOOL_ENV, **(env or {})}
    # A GitHub Actions runner sets this; the tools must not behave differently under test.
    environ.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [console_script(name), *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )


# --- Reading HTML ------------------------------------------------------------------------

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr"}
)


@dataclass(eq=False)
class Node:
    """An element of a parsed page: tag, attributes and children (elements and text)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def get(self, name: str, default: str = "") -> str:
        """An attribute's value."""
        return self.attrs.get(name, default)

    @property
    def classes(self) -> set[str]:
        """The element's CSS classes."""
        return set(self.get("class").split())

    @property
    def text(self) -> str:
        """The visible text, whitespace collapsed (entities already decoded)."""
        return " ".join("".join(self._strings()).split())

    def _strings(self) -> Iterator[str]:
        for child in self.children:
            if isinstance(child, str):
                yield child
            elif child.tag not in ("script", "style"):
                yield from child._strings()

    def iter(self) -> Iterator[Node]:
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(
        self, tag: str | None = None, *, cls: str | None = None, **attrs: str
    ) -> list[Node]:
        """Elements inside (or being) this one with the tag, class and attribute values given."""
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag)
            and (cls is None or cls in node.classes)
            and all(node.attrs.get(name) == value for name, value in attrs.items())
        ]

    def find(self, tag: str | None = None, *, cls: str | None = None, **attrs: str) -> Node | None:
        """The first element `find_all` would return, or None."""
        return next(iter(self.find_all(tag, cls=cls, **attrs)), None)

    @property
    def links(self) -> list[Node]:
        """The `<a href>` elements inside."""
        return [a for a in self.find_all("a") if "href" in a.attrs]

    @property
    def ids(self) -> set[str]:
        """Every `id` attribute inside."""
        return {node.attrs["id"] for node in self.iter() if "id" in node.attrs}


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching element; a stray end tag (none open) is ignored.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def seen(text: str) -> str:
    """Text as a reader sees it: Roadmark follows each `<` that could open a tag with an
    invisible word joiner, so that a theme reading the text back as HTML keeps it text."""
    return text.replace(WORD_JOINER, "")


def parse(html: str) -> Node:
    """Parse a page or fragment into a tree of `Node`s."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def section(content: Node, heading_id: str) -> Node:
    """The elements after the heading with `heading_id`, up to the next heading of its level."""
    children = [child for child in content.children if isinstance(child, Node)]
    start = next((i for i, child in enumerate(children) if child.get("id") == heading_id), None)
    assert start is not None, f"no heading #{heading_id}"
    level = children[start].tag
    part = Node("section")
    for child in children[start + 1 :]:
        if child.tag in ("h1", "h2", level):
            break
        part.children.append(child)
    return part


@dataclass(frozen=True)
class Table:
    """A table's heading texts and its body rows' cells."""

    headers: list[str]
    rows: list[list[Node]]

    def column(self, header: str) -> list[str]:
        """The texts of one column, top to bottom."""
        index = self.headers.index(header)
        return [row[index].text for row in self.rows]

    def as_dicts(self) -> list[dict[str, Node]]:
        """Each row as {heading text: cell}."""
        return [dict(zip(self.headers, row, strict=True)) for row in self.rows]


def table(node: Node) -> Table:
    """The first table in `node`."""
    element = node if node.tag == "table" else node.find("table")
    assert element is not None, "no table"
    head = element.find("thead")
    headers = [th.text for th in head.find_all("th")] if head else []
    body = element.find("tbody") or element
    rows = [[cell for cell in tr.children if isinstance(cell, Node)] for tr in body.find_all("tr")]
    return Table(headers, [row for row in rows if row and row[0].tag == "td"])


# --- A small product ---------------------------------------------------------------------

PRODUCT: dict[str, str] = {
    "product/prds/PRD-1.md": spec(
        "PRD-1", "prd", "Export the plan", "approved",
        """
        ## Problem

        Teams copy the plan by hand. STORY-4 will help; `STORY-4` in code is not a link.

        ## Requirements

        - R-1: The system shall export the plan as JSON.
        - R-2: The system shall export the plan as CSV.
        - R-3: The system shall import a plan.
        """,
        release="R1", owner="priya", team="core", priority="P1", theme="Open data",
        tags=["export"],
    ),
    "product/prds/PRD-2.md": spec("PRD-2", "prd", "Later ideas", "draft", "Not yet.\n"),
    "product/epics/EPIC-1.md": spec(
        "EPIC-1", "epic", "Exporters", "in-progress", "Delivers PRD-1/R-1 and PRD-1/R-2.\n",
        prd="PRD-1", release="R1", owner="sam", start=date(2026, 10, 1), target=date(2026, 11, 30),
    ),
    "product/epics/EPIC-2.md": spec(
        "EPIC-2", "epic", "Importers", "planned", "Reads plans back.\n",
        prd="PRD-1", release="R2", owner="sam",
    ),
    "product/stories/STORY-1.md": spec(
        "STORY-1", "story", "JSON export", "in-progress",
        """
        As a lead I want the plan as JSON; CSV is PRD-1/R-2.

        ## Acceptance criteria

        - AC-1: Given a product, when exported, then every item is in the JSON.
        - AC-2: Given a problem, when exported, then it is listed.
        """,
        epic="EPIC-1", release="R1", implements=["PRD-1/R-1"], estimate=3, owner="alex",
        priority="P0", type="feature", sprint="2026-S40", tags=["export", "json"],
    ),
    "product/stories/STORY-2.md": spec(
        "STORY-2", "story", "CSV export", "done",
        """
        ## Acceptance criteria

        - AC-1: Given a product, when exported as CSV, then there is one row per item.
        """,
        epic="EPIC-1", release="R1", implements=["PRD-1/R-2"], depends_on=["STORY-1"],
        estimate=5, owner="alex", priority="P1",
    ),
    "product/stories/STORY-3.md": spec(
        "STORY-3", "story", "JSON import", "backlog",
        """
        ## Acceptance criteria

        - AC-1: Given an export, when imported, then the plan is the same.
        """,
        epic="EPIC-2", release="R2", implements=["PRD-1/R-3"], estimate=8, owner="bo",
        priority="P2",
    ),
    "product/stories/STORY-4.md": spec(
        "STORY-4", "story", "CSV import", "ready",
        """
        ## Acceptance criteria

        - AC-1: Given a CSV export, when imported, then every row is an item.
        """,
        epic="EPIC-2", estimate=2, owner="bo", priority="P3",
    ),
    "product/releases/R1.md": spec(
        "R1", "release", "First cut", "in-progress", "The exporters.\n",
        start=date(2026, 9, 1), date=date(2026, 12, 1),
    ),
    "product/releases/R2.md": spec(
        "R2", "release", "Imports", "planned", "The importers.\n", date=date(2027, 3, 1)
    ),
}  # fmt: skip
"""Two PRDs, two epics, four stories and two releases, every kind of link among them."""

DOCS: dict[str, str] = {
    "docs/index.md": md(
        """
        # Guide

        Start with STORY-1, its criterion STORY-1/AC-2 and requirement PRD-1/R-2, due in R1.
        Code is left alone: `STORY-2` and `PRD-1/R-1`. Unknown ids stay text: STORY-99, PRD-1/R-9.

        ```text
        STORY-3 in a fenced block
        ```
        """
    ),
    "docs/guide/deep.md": "# Deep\n\nSee STORY-2/AC-1 from a nested page.\n",
}
"""Hand-written pages that mention ids, in prose and in code."""

USER_NAV = [{"Guide": "index.md"}, {"Deep": "guide/deep.md"}]
"""A navigation that does not place the product pages, so the plugin adds its section."""


OWN_TODAY = "2026-12-04"
"""The day this repository's own site is built as of in tests: its sprints are dated, and a
done story in a sprint that starts after "today" is reported (RM026)."""


def build_own_site(root: Path) -> Site:
    """This repository's documentation and product, copied into `root` and built `--strict`
    as of OWN_TODAY."""
    repository = Path(__file__).resolve().parents[1]
    shutil.copytree(repository / "docs", root / "docs")
    shutil.copytree(repository / "product", root / "product")
    config = (repository / "mkdocs.yml").read_text(encoding="utf-8")
    marker = "      product_dir: product\n"
    assert marker in config, "mkdocs.yml: the roadmark plugin's options moved"
    dated = config.replace(marker, f"{marker}      today: {OWN_TODAY}\n", 1)
    (root / "mkdocs.yml").write_text(dated, encoding="utf-8")
    return build(root, strict=True)


def pluglet(root: Path) -> Callable[[str, object], str]:
    """The `roadmark.macros` pluglet over the project at `root`, as an engine without the
    plugin runs it: an env offering only `conf`, `macro` and `filter`, so the pluglet loads
    the product from the config file's folder. Returns a renderer of templates for a page."""
    macros: dict[str, Any] = {}
    env = SimpleNamespace(
        conf={"config_file_path": str(root / "mkdocs.yml"), "plugins": {}},
        variables={},
        macro=lambda fn, name="": macros.setdefault(name or fn.__name__, fn),
        filter=lambda fn, name="": fn,
    )
    define_env(env)
    engine = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    engine.globals.update(macros)

    def run(source: str, page: object = None) -> str:
        return engine.from_string(source).render(page=page)

    return run
