"""The front matter of generated pages: YAML (written as JSON, which is valid YAML) with
their title and options, every value escaped, as `site_pages.py` writes it."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence

from ..spec.model import Item
from .html import plain


def item_front(item: Item, title: str) -> str:
    """The front matter of `item`'s page, titled `title`, with the options its spec sets."""
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


def front(title: str, *, search_exclude: bool = False, hide: Sequence[str] = ()) -> str:
    """The front matter of a page generated over the product."""
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
