"""Options of the `roadmark` MkDocs plugin, as written under `plugins:` in `mkdocs.yml`."""

from __future__ import annotations

from datetime import date

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config, ValidationError

from ..spec.settings import ConfigError
from ..spec.today import parse_today


class TodayOption(opt.BaseConfigOption[date | None]):
    """The `today` option, read by `parse_today` as `roadmark check` reads it.

    Not `Type(str)`: YAML gives an unquoted `2026-03-31` as a date, which the build would
    then refuse while the command line accepted it.
    """

    def run_validation(self, value: object) -> date | None:
        try:
            return parse_today(value)
        except ConfigError as exc:
            raise ValidationError(str(exc)) from None


class RoadmarkConfig(Config):
    """The plugin's options; `roadmark check` reads the same ones."""

    product_dir = opt.Type(str, default="product")
    """The folder of the specs, relative to `mkdocs.yml`; keep it outside `docs_dir`."""

    prefix = opt.Optional(opt.Type(str))
    """The URL folder of the product pages; default: the product folder's name."""

    nav = opt.Type(bool, default=True)
    """Add a section of hub pages to the navigation when it does not place the product pages."""

    nav_title = opt.Type(str, default="Product")
    """The title of that navigation section."""

    kinds = opt.Type(dict, default={})
    """Extra kinds, or other workflows for the built-in ones: `{name: {statuses, closed}}`."""

    fields = opt.Type(dict, default={})
    """Extra typed fields: `{name: {type, kinds, required, values, kind, items}}`."""

    rules = opt.Type(dict, default={})
    """Severity per rule code or name: `error`, `warning` or `off`."""

    export = opt.Type(bool, default=True)
    """Write `roadmark.json`, the whole graph, into the built site."""

    roadmap = opt.Type(bool, default=True)
    """Build the roadmap page; turn off to leave it out of the site (and its cost out of
    the build)."""

    today = TodayOption()
    """The date the roadmap takes as today (`YYYY-MM-DD`, quoted or not); default:
    SOURCE_DATE_EPOCH, else the clock."""

    risk_window_days = opt.Type(int, default=14)
    """A release due within this many days is at risk when its progress is below the threshold."""

    risk_threshold = opt.Type(float, default=0.5)
    """The progress (0–1) a release due within the window must have reached."""

    test_results = opt.ListOfItems(opt.Type(str), default=[])
    """Globs of JUnit XML files, relative to `mkdocs.yml`, whose test cases verify criteria."""

    test_results_required = opt.Type(bool, default=True)
    """Whether a `test_results` glob matching no file is a warning (RM021); when false it is
    logged at info level, so `--strict` builds pass before the tests have run."""

    match_test_names = opt.Type(bool, default=True)
    """Whether an address in a test case's name (`test_x[STORY-1/AC-1]`) links it when the case
    has no `roadmark` property; turn off when test names carry other ids as data."""
