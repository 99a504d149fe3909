"""Which pages the product becomes, with their Markdown: the site's layout, free of MkDocs.

Every spec file becomes a page at `<prefix>/<its path>`; each kind gets an index
page; an overview is added when the product folder has no `index.md`. Hub pages
(overview, indexes, PRDs, releases) are the ones a navigation lists: listing
every story on every page would make builds quadratic.
"""

from __future__ import annotations

import html
import json
import posixpath
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from ..history.model import History
from ..plan.health import Health
from ..plan.progress import Progress
from ..plan.sprints import SprintsPlan
from ..spec.model import Item, SourceFile
from ..spec.product import Product
from ..spec.settings import Settings
from ..trace.coverage import Trace
from .deferred import Href, Parts, Section
from .html import HtmlLinker, plain, strip_controls
from .indexes import IndexRows, kind_index_table, render_kind_index, render_overview
from .item_page import item_parts, item_sections, problems_admonition, render_item_page
from .markdown import Linker, kind_label, text

HUB_KINDS = ("prd", "release")
"""Kinds whose items are listed in the navigation one by one."""


@dataclass(frozen=True, slots=True)
class ProductPage:
    """A generated page over the whole product, such as the roadmap or the traceability matrix."""

    name: str
    """File name without `.md`, e.g. `roadmap`."""
    title: str
    render: Callable[[Linker], str]
    """Renders the page's Markdown, linking from the page's own location."""
    parts: Parts | None = None
    """Renders its deferred parts, if it leaves any."""
    listed: bool = True
    """Whether the navigation lists it; pages reached from a listed one (a PRD's trace, of
    which a big product has hundreds) are not."""
    scope: str | None = None
    """The item whose work alone the page shows (a PRD's trace), if it shows one item's:
    only an edit near that item can change the page."""
    shows: frozenset[str] | None = None
    """The items whose fields, progress or neighbours its parts read, or None for any: only
    an edit that affects one of them (`site/affected.py`), before or after it, can change
    its parts; with `reads`, which it then names too."""
    reads: frozenset[str] = frozenset()
    """The items whose own fields alone its parts read (a team's board: its stories): only
    an edit of one of them, before or after it, can change its parts. Used with `shows`."""
    key: Callable[[], Hashable] | None = None
    """What its parts are made of, far cheaper to make than they are (the trace's gaps: the
    addresses they list): parts made from equal keys are equal. Made once (`cache`): the
    preview asks for it before and after an edit."""


@dataclass(frozen=True, slots=True)
class SitePage:
    """A generated page of the site."""

    src_uri: str
    """Path relative to the docs root, e.g. `product/stories/STORY-1.md`."""
    content: str
    title: str
    source: str | None = None
    """Path of the spec file it comes from, relative to the product folder."""
    item: Item | None = None
    parts: Parts | None = None
    """Renders the page's deferred parts once the site's URLs are known."""
    sections: tuple[Section, ...] = ()
    """Deferred parts that open a section of the page, in page order."""
    scope: str | None = None
    """For a page over the product, the item whose work alone it shows (`ProductPage`)."""
    shows: frozenset[str] | None = None
    """For a page over the product, the items its parts read, or None for any (`ProductPage`)."""
    reads: frozenset[str] = frozenset()
    """For a page over the product, the items whose own fields alone it reads (`ProductPage`)."""
    key: Callable[[], Hashable] | None = None
    """For a page over the product, what its parts are made of (`ProductPage`)."""


@dataclass(frozen=True, slots=True)
class SiteLayout:
    """All generated pages, and which of them make the navigation's hub."""

    pages: list[SitePage]
    overview: SitePage
    product_pages: list[SitePage]
    """The pages over the whole product that the navigation lists, in the order given."""
    indexes: dict[str, SitePage]
    """Index page by kind."""
    item_pages: dict[str, str]
    """Source path of each item's page by id."""

    def hub(self, kind: str) -> list[SitePage]:
        """The item pages of a hub kind, in id order."""
        return [page for page in self.pages if page.item and page.item.kind == kind]


def plan_site(
    product: Product,
    prefix: str,
    progress: Mapping[str, Progress],
    product_pages: Sequence[ProductPage] = (),
    trace: Trace | None = None,
    health: Health | None = None,
    columns: Mapping[str, Sequence[str]] | None = None,
    *,
    history: History | None = None,
    repo_url: str | None = None,
    sprints: SprintsPlan | None = None,
    kept: KeptPages | None = None,
) -> SiteLayout:
    """Lay out and render every generated page of `product` under `prefix`.

    `progress` is each item's, as `plan.progress.progress_by_item` plans it. With `trace`,
    item pages show their trace panel and each criterion's test verdict. With `health`
    (`plan.health.plan_health`), release, epic and PRD cards and the release index show
    which releases are at risk, and why. `columns` are each index's, as
    `spec.columns.index_columns` resolves the option (default: each kind's defaults).
    With `history` (read or not), item pages show their history and suspect flags, with
    commits linked into `repo_url`. With `sprints` (`plan.sprints.plan_sprints`), sprint
    pages show their sprint's section. `kept` (under `serve`) keeps item pages' own Markdown.
    """
    item_pages = item_paths(product, prefix)
    own_index = any(source.path == "index.md" for source in product.files)
    taken = {source.path for source in product.files}
    index_paths = {
        kind: page_path(prefix, _index_name(kind, taken)) for kind in product.settings.kinds
    }
    inputs = _PageInputs(history, repo_url, sprints, kept or KeptPages())
    pages = [
        _file_page(source, product, prefix, item_pages, progress, trace, health, inputs)
        for source in product.files
    ]
    indexes = {}
    for kind, src_uri in index_paths.items():
        content = render_kind_index(kind, product.graph)
        title = kind_label(kind, plural=True)
        parts = _index_parts(kind, product, progress, health, columns, kept)
        # A wide table needs the width the (empty) table of contents would take.
        front = _front(title, search_exclude=True, hide=("toc",))
        indexes[kind] = SitePage(src_uri, front + content, title, parts=parts)
    pages.extend(indexes.values())
    names = {posixpath.splitext(path)[0] for path in taken}
    over_product = [_product_page(page, prefix, names, item_pages) for page in product_pages]
    pages.extend(over_product)
    pairs = zip(product_pages, over_product, strict=True)
    over_product = [made for page, made in pairs if page.listed]
    overview_uri = page_path(prefix, "index.md")
    if own_index:
        overview = next(page for page in pages if page.src_uri == overview_uri)
    else:
        linker = Linker(item_pages, overview_uri)
        paths = {kind: page.src_uri for kind, page in indexes.items()}
        body = render_overview(product.graph, linker, product.problems, paths)
        overview = SitePage(overview_uri, _front("Product") + body, "Product")
        pages.append(overview)
    return SiteLayout(pages, overview, over_product, indexes, item_pages)


def _product_page(
    page: ProductPage, prefix: str, taken: set[str], item_pages: dict[str, str]
) -> SitePage:
    """`page` at `<name>.md`, or at `all-<name>.md` when a file of the product folder has
    that name (without `.md`, among `taken`)."""
    src_uri = page_path(prefix, f"{page.name}.md")
    if page.name in taken:
        src_uri = page_path(prefix, f"all-{page.name}.md")
    content = page.render(Linker(item_pages, src_uri))
    # They repeat item titles by the hundred; search should lead to the items themselves.
    front = _front(page.title, search_exclude=True)
    return SitePage(
        src_uri,
        front + content,
        page.title,
        parts=page.parts,
        scope=page.scope,
        shows=page.shows,
        reads=page.reads,
        key=page.key,
    )


def _file_page(
    source: SourceFile,
    product: Product,
    prefix: str,
    item_pages: dict[str, str],
    progress: Mapping[str, Progress],
    trace: Trace | None,
    health: Health | None,
    inputs: _PageInputs,
) -> SitePage:
    src_uri = page_path(prefix, source.path)
    problems = product.problems_in(source.path)
    item = source.item
    if item is not None and item_pages.get(item.id) in (src_uri, None):
        title = item_page_title(item)
        sections = tuple(item_sections(item, product.graph, trace, inputs.history, inputs.sprints))
        parts = partial(
            item_parts,
            item,
            product.graph,
            product.settings,
            progress,
            problems,
            trace,
            sections,
            health=health,
            history=inputs.history,
            repo_url=inputs.repo_url,
            sprints=inputs.sprints,
        )
        content = inputs.markdown.of(item)
        return SitePage(src_uri, content, title, source.path, item, parts, sections)
    title = posixpath.splitext(posixpath.basename(source.path))[0]
    if not problems and item is None:
        # A plain page: left as written, but for control characters, which HTML forbids.
        return SitePage(src_uri, strip_controls(source.text or ""), title, source.path)
    # A spec that could not be read, or a duplicate: show what is wrong, then its text.
    body = f"# {text(title)}\n\n" + problems_admonition(problems) + "\n"
    body += strip_controls(source.body)
    return SitePage(src_uri, _front(title) + body, title, source.path)


@dataclass(frozen=True, slots=True)
class _PageInputs:
    """What item pages take beyond the product: history, sprints, and the Markdown kept
    between served builds, passed down as one value."""

    history: History | None
    repo_url: str | None
    sprints: SprintsPlan | None
    markdown: KeptPages


class KeptPages:
    """What a served site's plan keeps from one build to the next: each item page's own
    Markdown (front matter and body) and each index table's rows (`indexes.IndexRows`).
    The Markdown is made from the item alone, and an item is not changed once parsed, so
    it is made again only when the parsed-spec cache hands back another object for it (its
    file was read again)."""

    def __init__(self) -> None:
        self._kept: dict[str, tuple[Item, str]] = {}
        self._rows: dict[str, IndexRows] = {}

    def index_rows(self, kind: str) -> IndexRows:
        """The rows of `kind`'s index table."""
        return self._rows.setdefault(kind, IndexRows())

    def of(self, item: Item) -> str:
        """The Markdown of `item`'s page."""
        kept = self._kept.get(item.id)
        if kept is not None and kept[0] is item:
            return kept[1]
        content = _item_front(item, item_page_title(item)) + render_item_page(item)
        self._kept[item.id] = (item, content)
        return content


def item_page_title(item: Item) -> str:
    """The title of an item's page: its id, then its title."""
    return f"{item.id} · {item.title}"


def _item_front(item: Item, title: str) -> str:
    meta: dict[str, object] = {"title": _meta_title(title)}
    tags = item.get("tags")
    if tags:
        meta["tags"] = [_meta_text(tag) for tag in tags]
    for key in ("hide", "search", "subtitle", "description", "comments"):
        if key in item.fields:
            value = item.fields[key]
            # Material writes these two into the HTML as they are (a <meta> attribute, the nav).
            if key in ("subtitle", "description") and value is not None:
                value = _meta_text(value)
            meta[key] = value
    # Spec prose often quotes Helm or Go templates; only a spec that opts in is a template.
    meta["render_macros"] = item.fields.get("render_macros", False) is True
    return _yaml_front(meta)


def _front(title: str, *, search_exclude: bool = False, hide: Sequence[str] = ()) -> str:
    # Generated pages are never templates: their text comes from specs.
    meta: dict[str, object] = {"title": _meta_title(title), "render_macros": False}
    if search_exclude:
        meta["search"] = {"exclude": True}
    if hide:
        meta["hide"] = list(hide)
    return _yaml_front(meta)


def _meta_text(value: object) -> str:
    """A front-matter value that themes write into the HTML as it is: escaped here."""
    return html.escape(plain(value))


def _meta_title(title: str) -> str:
    """A page title for the front matter: escaped, and never a template.

    mkdocs-macros renders a page's title as a template whenever it renders the page:
    a spec that opts its body in must not have its title evaluated too. `&#123;` shows
    as `{` wherever the title is written as HTML, but is no Jinja delimiter.
    """
    return _meta_text(title).replace("{", "&#123;")


_FRONT_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
"""What `json.dumps(value, ensure_ascii=False, sort_keys=True)` calls, made once: `dumps`
with options makes an encoder per call, which costs more than encoding a title."""


def _yaml_front(meta: dict[str, object]) -> str:
    # JSON is valid YAML and far cheaper to write than PyYAML's emitter, per page.
    lines = "".join(f"{key}: {_FRONT_JSON.encode(meta[key])}\n" for key in sorted(meta))
    return f"---\n{lines}---\n\n"


def page_prefix(option: object, settings: Settings) -> str:
    """The folder of the product's pages in the site: the `prefix` option, else the product
    folder's own name; without leading or trailing slashes."""
    if option is None:
        option = posixpath.basename(settings.product_dir.rstrip("/")) or "product"
    return str(option).strip("/")


def item_paths(product: Product, prefix: str) -> dict[str, str]:
    """The source path of each item's page by id, under `prefix` (from `page_prefix`)."""
    return {item.id: page_path(prefix, item.path) for item in product.graph.items.values()}


def _index_parts(
    kind: str,
    product: Product,
    progress: Mapping[str, Progress],
    health: Health | None,
    columns: Mapping[str, Sequence[str]] | None,
    kept: KeptPages | None,
) -> Parts:
    shown = columns.get(kind) if columns is not None else None
    rows = kept.index_rows(kind) if kept is not None else None  # served: rows kept

    def parts(href: Href) -> dict[str, str]:
        linker = HtmlLinker(href)
        graph, settings = product.graph, product.settings
        table = kind_index_table(kind, graph, settings, progress, linker, health, shown, rows)
        return {"index": table}

    return parts


def _index_name(kind: str, taken: set[str]) -> str:
    name = kind_label(kind, plural=True).lower().replace(" ", "-")
    if f"{name}.md" in taken or f"{name}/index.md" in taken or f"{name}/README.md" in taken:
        name = f"all-{name}"
    return f"{name}.md"


def page_path(prefix: str, path: str) -> str:
    """`path` of the product folder as a source path of the site, under `prefix`."""
    return f"{prefix}/{path}" if prefix else path
