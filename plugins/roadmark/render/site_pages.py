"""Which pages the product becomes, with their Markdown: the site's layout, free of MkDocs.

Every spec file becomes a page at `<prefix>/<its path>`; each kind gets an index
page; an overview is added when the product folder has no `index.md`. Hub pages
(overview, indexes, PRDs, releases) are the ones a navigation lists: listing
every story on every page would make builds quadratic.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from ..history.model import History
from ..plan.health import Health
from ..plan.progress import Progress
from ..plan.sprints import SprintsPlan
from ..spec.kept import Kept
from ..spec.model import Item, SourceFile
from ..spec.problems import Problem
from ..spec.product import Product
from ..spec.settings import Settings
from ..trace.coverage import Trace
from .deferred import Href, Parts, Section
from .front import front, item_front
from .html import HtmlLinker, strip_controls
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
    made_of: tuple[object, ...] | None = None
    """What its Markdown is made of besides the links (a release's notes), if the preview may
    keep it: made of equal values, the same Markdown (`KeptPages.markdown`)."""


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
    pages show their sprint's section. `kept` (under `serve`) keeps item pages' own Markdown,
    and each item page while its item, problems and sections are the same (`KeptPages`).
    """
    item_pages = item_paths(product, prefix)
    taken = {source.path for source in product.files}
    index_paths = {
        kind: page_path(prefix, _index_name(kind, taken)) for kind in product.settings.kinds
    }
    kept, planned = kept or KeptPages(), _Planned(product, progress, trace, health)
    planned.history, planned.repo_url, planned.sprints = history, repo_url, sprints
    inputs = _PageInputs(kept.planning(planned), kept)
    pages = [_file_page(source, product, prefix, item_pages, inputs) for source in product.files]
    indexes = {}
    for kind, src_uri in index_paths.items():
        content = render_kind_index(kind, product.graph)
        title = kind_label(kind, plural=True)
        parts = _index_parts(kind, product, progress, health, columns, kept)
        # A wide table needs the width the (empty) table of contents would take.
        head = front(title, search_exclude=True, hide=("toc",))
        indexes[kind] = SitePage(src_uri, head + content, title, parts=parts)
    pages.extend(indexes.values())
    names = {posixpath.splitext(path)[0] for path in taken}
    over_product = [_product_page(page, prefix, names, item_pages, kept) for page in product_pages]
    kept.planned()
    pages.extend(over_product)
    pairs = zip(product_pages, over_product, strict=True)
    over_product = [made for page, made in pairs if page.listed]
    overview_uri = page_path(prefix, "index.md")
    if "index.md" in taken:  # the product folder's own overview
        overview = next(page for page in pages if page.src_uri == overview_uri)
    else:
        linker = Linker(item_pages, overview_uri)
        paths = {kind: page.src_uri for kind, page in indexes.items()}
        body = render_overview(product.graph, linker, product.problems, paths)
        overview = SitePage(overview_uri, front("Product") + body, "Product")
        pages.append(overview)
    return SiteLayout(pages, overview, over_product, indexes, item_pages)


def _product_page(
    page: ProductPage, prefix: str, taken: set[str], item_pages: dict[str, str], kept: KeptPages
) -> SitePage:
    """`page` at `<name>.md`, or at `all-<name>.md` when a file of the product folder has
    that name (without `.md`, among `taken`)."""
    src_uri = page_path(prefix, f"{page.name}.md")
    if page.name in taken:
        src_uri = page_path(prefix, f"all-{page.name}.md")
    made = partial(_product_markdown, page, Linker(item_pages, src_uri))
    made_of = page.made_of
    content = made() if made_of is None else kept.markdown(src_uri, (page.title, *made_of), made)
    return SitePage(
        src_uri,
        content,
        page.title,
        parts=page.parts,
        scope=page.scope,
        shows=page.shows,
        reads=page.reads,
        key=page.key,
    )


def _product_markdown(page: ProductPage, linker: Linker) -> str:
    # They repeat item titles by the hundred; search should lead to the items themselves.
    return front(page.title, search_exclude=True) + page.render(linker)


def _file_page(
    source: SourceFile,
    product: Product,
    prefix: str,
    item_pages: dict[str, str],
    inputs: _PageInputs,
) -> SitePage:
    src_uri = page_path(prefix, source.path)
    problems = product.problems_in(source.path)
    item = source.item
    if item is not None and item_pages.get(item.id) in (src_uri, None):
        planned = inputs.planned
        found = item_sections(item, planned.graph, planned.trace, planned.history, planned.sprints)
        sections = tuple(found)
        # Kept while these are the same: the rest its page reads, its parts read from
        # `planned`, which is this planning's (see `KeptPages.planning`).
        sources = (item, src_uri, source.path, tuple(problems), sections)
        return inputs.kept.page(item.id, sources, lambda: _item_page(sources, inputs))
    title = posixpath.splitext(posixpath.basename(source.path))[0]
    if not problems and item is None:
        # A plain page: left as written, but for control characters, which HTML forbids.
        return SitePage(src_uri, strip_controls(source.text or ""), title, source.path)
    # A spec that could not be read, or a duplicate: show what is wrong, then its text.
    body = f"# {text(title)}\n\n" + problems_admonition(problems) + "\n"
    body += strip_controls(source.body)
    return SitePage(src_uri, front(title) + body, title, source.path)


def _item_page(
    sources: tuple[Item, str, str, tuple[Problem, ...], tuple[Section, ...]], inputs: _PageInputs
) -> SitePage:
    item, src_uri, path, problems, sections = sources
    parts = partial(_item_parts, inputs.planned, item, list(problems), sections)
    content = inputs.kept.of(item)
    return SitePage(src_uri, content, item_page_title(item), path, item, parts, sections)


def _item_parts(
    planned: _Planned,
    item: Item,
    problems: list[Problem],
    sections: tuple[Section, ...],
    href: Href,
) -> dict[str, str]:
    """`item_parts`, with what the current planning planned."""
    return item_parts(
        item,
        planned.graph,
        planned.settings,
        planned.progress,
        problems,
        planned.trace,
        sections,
        href,
        health=planned.health,
        history=planned.history,
        repo_url=planned.repo_url,
        sprints=planned.sprints,
    )


class _Planned:
    """What item pages' parts read beyond their item, problems and sections: the latest
    planning's. Under `serve` one object outlives every planning and each planning sets
    it again (`KeptPages.planning`), so that a kept page renders what a fresh one would."""

    def __init__(
        self,
        product: Product,
        progress: Mapping[str, Progress],
        trace: Trace | None,
        health: Health | None,
    ) -> None:
        self.graph, self.settings, self.progress = product.graph, product.settings, progress
        self.trace, self.health = trace, health
        self.history: History | None = None
        self.repo_url: str | None = None
        self.sprints: SprintsPlan | None = None


@dataclass(frozen=True, slots=True)
class _PageInputs:
    """What item pages take beyond the product, passed down as one value: the planning's
    answers, and what is kept between served builds."""

    planned: _Planned
    kept: KeptPages


class KeptPages:
    """What a served site's plan keeps from one build to the next: each item page's own
    Markdown (front matter and body), each index table's rows (`indexes.IndexRows`) and
    each item's page. The Markdown is made from the item alone, and an item is not changed
    once parsed, so it is made again only when the parsed-spec cache hands back another
    object for it (its file was read again). An item's page is kept with its item, path,
    problems and sections; its parts read the rest from the latest planning."""

    def __init__(self) -> None:
        self._kept: dict[str, tuple[Item, str]] = {}
        self._rows: dict[str, IndexRows] = {}
        self._pages: Kept[str, SitePage] = Kept()
        self._markdown: Kept[str, str] = Kept()
        self._planned: _Planned | None = None

    def planning(self, planned: _Planned) -> _Planned:
        """A planning starts with `planned`: the object its item pages' parts read, which
        is the one every earlier planning's kept pages read too, now holding `planned`'s."""
        if self._planned is None:
            self._planned = planned
        else:
            vars(self._planned).update(vars(planned))
        return self._planned

    def planned(self) -> None:
        """Every page of the planning was asked for: let go of the others."""
        self._pages.forget_unused()
        self._markdown.forget_unused()

    def markdown(self, src_uri: str, sources: tuple[object, ...], make: Callable[[], str]) -> str:
        """The Markdown of the page over the product at `src_uri`, kept if made of `sources`
        (links aside: they hold while no page comes or goes, which a full build starts over)."""
        return self._markdown.get(src_uri, sources, make)

    def page(
        self, item_id: str, sources: tuple[object, ...], make: Callable[[], SitePage]
    ) -> SitePage:
        """The page of `item_id` kept if made from `sources`, else `make()`."""
        return self._pages.get(item_id, sources, make)

    def index_rows(self, kind: str) -> IndexRows:
        """The rows of `kind`'s index table."""
        return self._rows.setdefault(kind, IndexRows())

    def of(self, item: Item) -> str:
        """The Markdown of `item`'s page."""
        kept = self._kept.get(item.id)
        if kept is not None and kept[0] is item:
            return kept[1]
        content = item_front(item, item_page_title(item)) + render_item_page(item)
        self._kept[item.id] = (item, content)
        return content


def item_page_title(item: Item) -> str:
    """The title of an item's page: its id, then its title."""
    return f"{item.id} · {item.title}"


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
