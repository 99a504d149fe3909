"""Every option of the `roadmark` plugin, declared once: its name, type, default and reading.

`PluginOptions` is the declaration: one field per option, typed, with its default, the
function that reads it (checks it and says what is wrong) and, below it, its meaning.
Everything that reads the options goes through it: `roadmark check` and the other
commands (`project.py`), the macros, and `mkdocs build`, whose config class
(`site/config.py`) is made from `OPTIONS`. So an invalid value gets the same message
whichever reads it. Imports nothing from MkDocs.

Unset and null (`risk_threshold:` with nothing after it) both mean the default, as they do
for MkDocs' own options.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import MISSING, Field, dataclass, field, fields
from datetime import date, datetime
from typing import Any, TypeVar

from ..text.suggest import did_you_mean
from ..text.words import clipped
from .ids import JUNIT_PROPERTY
from .settings import BUILTIN_FIELDS, ConfigError, Settings, settings_from_options

T = TypeVar("T")

Reader = Callable[[str, object], T]
"""Reads the value of the option named by its first argument (never None); ConfigError when
the value is invalid, with a message that names the option."""

_READ = "roadmark_read"
"""The key of a field's reader in its metadata."""


def _option(default: T, read: Reader[T]) -> T:
    return field(default=default, metadata={_READ: read})


def _table_option(read: Reader[Mapping[str, Any]]) -> Mapping[str, Any]:
    # A mapping default must be made afresh for each reading: it is mutable.
    return field(default_factory=dict, metadata={_READ: read})


# --- Readers: each checks one kind of value and says what it should be ---------------------


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"'{name}' must be true or false, not {shown(value)}")
    return value


def _text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"'{name}' must be text, not {shown(value)}")
    return value


def _property_name(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"'{name}' must be the name of a JUnit property, not {shown(value)}")
    return value.strip()


def _revision(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip() or value.strip().startswith("-"):
        raise ConfigError(f"'{name}' must name a git branch, tag or commit, not {shown(value)}")
    return value.strip()


def _folder(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"'{name}' must be a folder path, not {shown(value)}")
    return value.strip().rstrip("/")


def _table(name: str, value: object) -> Mapping[str, Any]:
    """A mapping of names to settings; what the settings say is read by `settings.py`."""
    if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
        raise ConfigError(f"'{name}' must be a mapping of names to settings, not {shown(value)}")
    return value


def _columns(name: str, value: object) -> Mapping[str, tuple[str, ...]]:
    """Lists of column names by kind; which kinds and columns exist is checked by
    `columns.index_columns`, against the configured kinds and fields."""
    expected = f"'{name}' must be a mapping of kinds to lists of column names"
    if not isinstance(value, Mapping):
        raise ConfigError(f"{expected}, not {shown(value)}")
    read: dict[str, tuple[str, ...]] = {}
    for kind, names in value.items():
        if not isinstance(kind, str) or not isinstance(names, list | tuple):
            raise ConfigError(f"{expected}; {shown(kind)}: {shown(names)} is not one")
        for column in names:
            if not isinstance(column, str):
                raise ConfigError(f"{expected}; {shown(column)} under '{kind}' is not a name")
        if len(set(names)) != len(names):
            raise ConfigError(f"'{name}': the columns of '{kind}' repeat a name")
        read[kind] = tuple(names)
    return read


def _days(name: str, value: object) -> int:
    # Not int(value): that would take 14.7, "14" and true (a bool is an int).
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"'{name}' must be a whole number of days, 0 or more, not {shown(value)}")
    return value


def _ratio(name: str, value: object) -> float:
    # Not float(value): that would take "0.5", "nan" and true. NaN fails the comparison.
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ConfigError(f"'{name}' must be a number from 0 to 1, not {shown(value)}")
    return float(value)


def _globs(name: str, value: object) -> tuple[str, ...]:
    """A list of globs, or one glob alone."""
    expected = f"'{name}' must be a list of globs of JUnit XML files"
    globs = [value] if isinstance(value, str) else value
    if not isinstance(globs, list | tuple):
        raise ConfigError(f"{expected}, not {shown(value)}")
    for glob in globs:
        if not isinstance(glob, str) or not glob:
            raise ConfigError(f"{expected}; {shown(glob)} is not one")
    return tuple(globs)


def _story_types(name: str, value: object) -> tuple[str, ...]:
    """Values of the built-in story field `type`, as a list (or one alone), each once."""
    known = BUILTIN_FIELDS["type"].values
    expected = f"'{name}' must be a list of story types ({', '.join(known)})"
    types = [value] if isinstance(value, str) else value
    if not isinstance(types, list | tuple):
        raise ConfigError(f"{expected}, not {shown(value)}")
    if not types:
        raise ConfigError(f"{expected}, not an empty list")
    for kind in types:
        if kind not in known:
            suggestion = did_you_mean(kind, known) if isinstance(kind, str) else ""
            raise ConfigError(f"{expected}; {shown(kind)} is not one{suggestion}")
    if len(set(types)) != len(types):
        raise ConfigError(f"'{name}' repeats a type")
    return tuple(types)


def _capacity(name: str, value: object) -> Mapping[str, float | Mapping[str, float]]:
    """Points per sprint by team: a number, or `default` and sprint ids mapped to numbers."""
    expected = (
        "points per sprint (a number, 0 or more), or a mapping of 'default' and sprint ids "
        "to points"
    )
    if not isinstance(value, Mapping):
        raise ConfigError(f"'{name}' must be a mapping of teams to {expected}, not {shown(value)}")
    read: dict[str, float | Mapping[str, float]] = {}
    for team, points in value.items():
        if not isinstance(team, str) or not team.strip():
            raise ConfigError(f"'{name}': {shown(team)} is not the name of a team")
        if not isinstance(points, Mapping):
            read[team] = _points(points, f"'{name}': team {shown(team)} must have {expected}")
            continue
        per_sprint: dict[str, float] = {}
        for key, figure in points.items():
            if not isinstance(key, str) or not key.strip():
                raise ConfigError(f"'{name}': team {shown(team)}: {shown(key)} is not a sprint id")
            where = f"'{name}': {shown(key)} of team {shown(team)}"
            per_sprint[key] = _points(figure, f"{where} must be points (a number, 0 or more)")
        read[team] = per_sprint
    return read


def _points(value: object, expected: str) -> float:
    # Not float(value): that would take "8" and true; NaN and inf fail the comparison.
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < math.inf:
        raise ConfigError(f"{expected}, not {shown(value)}")
    return float(value)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
"""`YYYY-MM-DD` only: `date.fromisoformat` also takes `20260331` and `2026-W13-2`."""


def parse_today(value: object) -> date | None:
    """The `today` option as a date, None when it is not set; ConfigError when invalid.

    YAML gives an unquoted `2026-03-31` as a date and a quoted one as text; both are the
    same date. Empty text is not set, as null is: `!ENV [VAR, ""]`. A time, a number, a
    list or any other text is refused.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):  # a subclass of date: test it first
        raise ConfigError(f"today: '{value}' is a date and time; write the date alone")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass  # 2026-02-30: shaped like a date, but none
    raise ConfigError(f"today: {shown(value)} is not an ISO date like 2026-03-31")


def _today(name: str, value: object) -> date | None:
    return parse_today(value)


def shown(value: object) -> str:
    """A value of `mkdocs.yml` as a message quotes it: text in quotes, other scalars as YAML
    writes them, collections by their kind alone (an alias bomb would print a billion
    elements)."""
    if isinstance(value, str):
        text = clipped(value, 60)
        return f"'{text}'" if text.isprintable() else repr(text)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


# --- The declaration ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PluginOptions:
    """The options of the `roadmark` plugin, as written under `plugins:` in `mkdocs.yml`."""

    product_dir: str = _option("product", _folder)
    """The folder of the specs, relative to `mkdocs.yml`; keep it outside `docs_dir`."""

    prefix: str | None = _option(None, _text)
    """The URL folder of the product pages; default: the product folder's name."""

    nav: bool = _option(True, _flag)
    """Add a section of hub pages to the navigation when it does not place the product pages."""

    nav_title: str = _option("Product", _text)
    """The title of that navigation section."""

    kinds: Mapping[str, Any] = _table_option(_table)
    """Extra kinds, or other workflows for the built-in ones: `{name: {statuses, closed}}`."""

    fields: Mapping[str, Any] = _table_option(_table)
    """Extra typed fields: `{name: {type, kinds, required, values, kind, items}}`."""

    rules: Mapping[str, Any] = _table_option(_table)
    """Severity per rule code or name: `error`, `warning` or `off`."""

    export: bool = _option(True, _flag)
    """Write `roadmark.json`, the whole graph, into the built site."""

    roadmap: bool = _option(True, _flag)
    """Build the roadmap page; turn off to leave it out of the site (and its cost out of
    the build)."""

    today: date | None = _option(None, _today)  # noqa: RUF009  # `_option` is `field()`
    """The date the roadmap takes as today (`YYYY-MM-DD`, quoted or not); default:
    SOURCE_DATE_EPOCH, else the clock."""

    risk_window_days: int = _option(14, _days)
    """A release due within this many days is at risk when its progress is below the threshold."""

    risk_threshold: float = _option(0.5, _ratio)
    """The progress (0–1) a release due within the window must have reached."""

    test_results: tuple[str, ...] = _option((), _globs)
    """Globs of JUnit XML files, relative to `mkdocs.yml`, whose test cases verify criteria."""

    test_results_required: bool = _option(True, _flag)
    """Whether a `test_results` glob matching no file is a warning (RM021); when false it is
    logged at info level, so `--strict` builds pass before the tests have run."""

    index_columns: Mapping[str, tuple[str, ...]] = _table_option(_columns)
    """The columns of each kind's index page after id and title, by kind: `{story: [status,
    epic, sprint]}`. A kind not listed keeps its default columns (`columns.DEFAULT_COLUMNS`)."""

    match_test_names: bool = _option(True, _flag)
    """Whether an address in a test case's name (`test_x[STORY-1/AC-1]`) links it when the case
    has no `roadmark` property; turn off when test names carry other ids as data."""

    test_property: str = _option(JUNIT_PROPERTY, _property_name)
    """The name of the JUnit property (of a test case or of its suite) that lists the addresses
    a test verifies; `roadmark`, as the pytest plugin writes it, unless a runner writes another."""

    history: bool = _option(True, _flag)
    """Read the plan's history from git (timelines, burn-up, trends, suspect links); turn off
    to leave git alone, and the pages say "History unavailable"."""

    history_ref: str | None = _option(None, _revision)
    """The git revision whose first-parent history is read; default: HEAD."""

    watch_events: bool = _option(True, _flag)
    """Under `mkdocs serve`, learn of edits in the docs and product folders from the system's
    file events rather than MkDocs' polling; turn off where the events do not arrive (some
    network and container mounts)."""

    release_notes_types: tuple[str, ...] = _option(("feature", "bug"), _story_types)
    """The story types the release notes list, in this order (stories without a type are
    listed too); `tech-debt` and `spike` are left out unless named here."""

    capacity: Mapping[str, Any] = _table_option(_capacity)
    """Points each team can complete per sprint: `{team: points}`, or per sprint `{team:
    {default: points, <sprint id>: points}}`; sprints and releases planned beyond it are
    flagged (`docs/sprints.md`)."""

    def settings(self) -> Settings:
        """The model's settings: kinds, fields and rules read in full, checked together."""
        return settings_from_options(
            {
                "product_dir": self.product_dir,
                "kinds": self.kinds,
                "fields": self.fields,
                "rules": self.rules,
            }
        )


@dataclass(frozen=True, slots=True)
class Option:
    """One option of the declaration, for whoever validates options one by one (MkDocs)."""

    name: str
    read: Reader[object]
    make_default: Callable[[], object]

    @property
    def default(self) -> object:
        """The value when the option is not set (a new one each time: it may be mutable)."""
        return self.make_default()

    def value(self, raw: object) -> object:
        """The option's value from what `mkdocs.yml` says; ConfigError when invalid."""
        return self.default if raw is None else self.read(self.name, raw)


def _declared() -> tuple[Option, ...]:
    return tuple(
        Option(spec.name, spec.metadata[_READ], _maker(spec)) for spec in fields(PluginOptions)
    )


def _maker(spec: Field[Any]) -> Callable[[], object]:
    if spec.default_factory is not MISSING:  # a mutable default, made afresh each time
        return spec.default_factory
    default = spec.default
    return lambda: default


OPTIONS = _declared()
"""Every option, in declaration order."""

NAMES = frozenset(option.name for option in OPTIONS)
"""The name of every option: any other under the plugin is a mistake."""


def read_options(raw: Mapping[str, object]) -> PluginOptions:
    """Read the plugin's options as `mkdocs.yml` writes them; ConfigError naming the first
    unknown or invalid one, in declaration order as MkDocs checks them."""
    for key in raw:
        if key not in NAMES:
            # MkDocs warns about it (which fails --strict); the command line refuses it.
            raise ConfigError(
                f"unknown option '{key}' of the 'roadmark' plugin"
                + did_you_mean(str(key), sorted(NAMES))
            )
    values: dict[str, Any] = {option.name: option.value(raw.get(option.name)) for option in OPTIONS}
    return PluginOptions(**values)
