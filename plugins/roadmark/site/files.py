"""The site's files as MkDocs holds them: which docs pages are refused, where a generated
page's "edit" button leads and which spec it comes from, the built URLs that links to item
pages point to, and the deferred parts a neighbour plugin lost."""

from __future__ import annotations

import functools
import os
import posixpath
from collections.abc import Mapping, Set
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.structure.files import File, Files

from ..extensions.autolink import LinkTarget, relative_to
from ..render.deferred import Href
from ..spec.entries import foreign_finding, project_bounds
from ..spec.links import within
from ..spec.model import Item
from ..spec.problems import Problem, Severity
from ..spec.settings import Settings
from .log import log, log_problems

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


def drop_foreign(files: Files, config: MkDocsConfig, root: Path, settings: Settings) -> None:
    """Take out of the site the docs pages that are links out of the project or not files.

    Whatever the rule's severity: `off` silences the problem, not the protection.
    """
    docs_dir = os.path.normpath(config.docs_dir)
    bounds = project_bounds(root, settings.product_dir)
    for file in list(files):
        source = file.abs_src_path
        if file.generated_by is not None or not source or not within(source, (docs_dir,)):
            continue  # the theme's files, and what plugins made
        finding = foreign_finding(Path(source), bounds)
        if finding is None:
            continue
        files.remove(file)
        severity = settings.severity(finding.code)
        if severity is not Severity.OFF:
            path = Path(os.path.relpath(source, root)).as_posix()
            log_problems([Problem(finding.code, severity, path, 1, 1, finding.message)])


def edit_uri(root: Path, config: MkDocsConfig, settings: Settings, source: str) -> str | None:
    """The spec's path relative to the docs folder, so "edit" opens the real file."""
    if not config.repo_url or not (config.edit_uri or config.edit_uri_template):
        return None
    docs_dir = Path(config.docs_dir).resolve()
    spec = (root / settings.product_dir / source).resolve()
    return Path(posixpath.relpath(spec.as_posix(), docs_dir.as_posix())).as_posix()


def source_of_page(file: File, spec: Path) -> None:
    """Make an item page's file name its spec as its source, for plugins that read git history.

    git-revision-date-localized (and its kind) date a page by `abs_src_path`, and pass over
    any file with a `generated_by`. MkDocs reads a page's Markdown from its in-memory
    content whenever it has one, never from `abs_src_path`, so the page stays the one we
    generated; it is not copied (pages are rendered, not copied), and its `edit_uri` is set
    by `edit_uri` (None without a repository), never derived from the source.
    """
    file.abs_src_path = str(spec)
    file.generated_by = None
    if "edit_uri" not in file.__dict__:
        file.edit_uri = None  # a generated page is edited through its spec, or not at all


def lost_parts(src_uri: str, expected: frozenset[str] | None, found: Set[str]) -> None:
    """Warn (so `--strict` fails) when a page lost placeholders before they could be filled.

    A plugin that rewrites a page's HTML before Roadmark fills it (one with an
    `on_post_page` of priority above 100, or that strips comments in `on_page_content`)
    would otherwise drop cards, panels and tables without a word.
    """
    if not expected:
        return
    lost = sorted(expected - found)
    if lost:
        log.warning(
            f"'{src_uri}': {len(lost)} of its generated parts ({', '.join(lost)}) were removed "
            "from the page before Roadmark could fill them: a plugin rewrote its HTML first; "
            "give that plugin's on_post_page a priority below 100, or remove it"
        )


def item_targets(item: Item, src_uri: str, url: str | None) -> dict[str, LinkTarget]:
    """What one item's id and addresses link to: its page `src_uri`, built at `url`."""
    targets = {item.id: LinkTarget(src_uri, None, item.title, url)}
    for clause in item.clauses:
        targets[clause.address] = LinkTarget(src_uri, clause.anchor, clause.text, url)
    return targets


def href_from(page: File, files: Mapping[str, File], item_pages: Mapping[str, str]) -> Href:
    """Links from `page` to item pages (and anchors) by their built URLs."""

    relative = relative_to(page.url)

    @functools.cache  # per page: matrices link the same items again and again
    def href(item_id: str, anchor: str | None = None) -> str | None:
        target = files.get(item_pages.get(item_id, ""))
        if target is None:
            return None
        url = relative(target.url)
        if anchor:
            return f"{url}#{anchor}"
        return url or "./"  # the page itself

    return href
