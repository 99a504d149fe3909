"""The configured model: kinds, workflows, typed fields and rule severities.

Built from the `roadmark` plugin's options in `mkdocs.yml`, so the site and the
CLI share one source of configuration. Imports nothing from MkDocs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from ..text.printable import UNPRINTABLE
from .ids import is_id
from .problems import FORMER_NAMES, RULES, Severity

FIELD_TYPES = ("string", "number", "date", "enum", "list", "reference")
"""Types users may give extra fields."""

SPRINT_KIND = "sprint"
"""The built-in kind of sprints: a story's `sprint` names one once the product has any."""

PAGE_KEYS = frozenset({"hide", "search", "description", "subtitle", "render_macros", "comments"})
"""Front matter keys of MkDocs, Material and macros that specs may carry through to their page."""


class ConfigError(Exception):
    """The Roadmark configuration is invalid; the message says where and why."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A front matter field: its type, which kinds carry it, and its constraints."""

    name: str
    type: str
    kinds: frozenset[str] | None = None
    """Kinds that may carry the field; None for every kind."""
    required: bool = False
    values: tuple[str, ...] = ()
    """Allowed values of an `enum` (or of the elements of a list of enums)."""
    target: str | None = None
    """For references: the kind referred to; `*` for the item's own kind."""
    becomes_reference: str | None = None
    """For text: a kind. Once the product has an item of that kind the value is a reference
    to one (a story's `sprint` names a sprint), checked and linked; until then it is free
    text, so a product adopts the kind without every old value breaking at once."""
    items: str | None = None
    """For lists: the element type."""
    minimum: float | None = None
    description: str = ""
    printable: bool = False
    """For text: a name or a title, compared and printed as written, so control characters
    (a newline, ESC, a bidi override) are refused rather than passed on."""

    def applies_to(self, kind: str) -> bool:
        """Whether items of `kind` may carry this field."""
        return self.kinds is None or kind in self.kinds


@dataclass(frozen=True, slots=True)
class KindSpec:
    """A kind of item and its workflow."""

    name: str
    statuses: tuple[str, ...]
    """The workflow, in order; the last state is "done"."""
    closed: tuple[str, ...] = ()
    """States that take an item out of totals (cancelled, superseded)."""
    criteria_from: str | None = None
    """The workflow state from which acceptance criteria are required."""

    @property
    def all_statuses(self) -> tuple[str, ...]:
        """Workflow states followed by closed states."""
        return self.statuses + self.closed

    @property
    def done(self) -> str:
        """The final workflow state."""
        return self.statuses[-1]

    def needs_criteria(self, status: str) -> bool:
        """Whether an item at `status` must have acceptance criteria."""
        if self.criteria_from is None or self.criteria_from not in self.statuses:
            return False
        if status not in self.statuses:
            return False
        return self.statuses.index(status) >= self.statuses.index(self.criteria_from)


DEFAULT_KINDS: dict[str, KindSpec] = {
    spec.name: spec
    for spec in (
        KindSpec("prd", ("draft", "review", "approved", "shipped"), ("superseded",)),
        KindSpec("epic", ("proposed", "planned", "in-progress", "done"), ("cancelled",)),
        KindSpec(
            "story",
            ("backlog", "ready", "in-progress", "review", "done"),
            ("cancelled",),
            criteria_from="ready",
        ),
        KindSpec("release", ("planned", "in-progress", "released")),
        KindSpec(SPRINT_KIND, ("planned", "active", "closed")),
    )
}


def _builtin(name: str, type_: str, kinds: str | None = None, **kw: Any) -> FieldSpec:
    return FieldSpec(name, type_, frozenset(kinds.split()) if kinds else None, **kw)


BUILTIN_FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        _builtin("id", "id", required=True, description="Unique id, e.g. STORY-142."),
        _builtin("kind", "kind", required=True, description="The kind of item."),
        _builtin("title", "string", required=True, printable=True, description="One-line title."),
        _builtin("status", "status", required=True, description="A state of the workflow."),
        _builtin("owner", "string", printable=True, description="Who is accountable."),
        _builtin("team", "string", printable=True, description="The team doing the work."),
        _builtin("tags", "list", items="string", printable=True, description="Free tags."),
        _builtin("priority", "enum", values=("P0", "P1", "P2", "P3"), description="P0 highest."),
        _builtin("release", "reference", "prd epic story", target="release"),
        _builtin("prd", "reference", "epic", target="prd", description="The PRD delivered."),
        _builtin("epic", "reference", "story", target="epic", description="The parent epic."),
        _builtin(
            "implements",
            "list",
            "story",
            items="address",
            description="PRD requirements implemented, e.g. PRD-3/R-2.",
        ),
        _builtin(
            "depends_on",
            "list",
            "epic story",
            items="reference",
            target="*",
            description="Ids of items of the same kind this one depends on.",
        ),
        _builtin("estimate", "number", "story", minimum=0, description="Story points."),
        _builtin("type", "enum", "story", values=("feature", "bug", "tech-debt", "spike")),
        _builtin(
            "sprint",
            "string",
            "story",
            printable=True,
            becomes_reference=SPRINT_KIND,
            description="The sprint's id once the product has sprints; free text until then.",
        ),
        _builtin(
            "theme",
            "string",
            "prd epic",
            printable=True,
            description="Strategic theme or objective.",
        ),
        _builtin(
            "horizon",
            "enum",
            "epic story",
            values=("now", "next", "later"),
            description="Overrides the date-derived roadmap column.",
        ),
        _builtin("start", "date", "epic release sprint", description="Start date (ISO)."),
        _builtin("target", "date", "epic", description="Target date (ISO)."),
        _builtin("date", "date", "release", description="Release date (ISO)."),
        _builtin("end", "date", "sprint", description="Last day of the sprint (ISO)."),
        _builtin("goal", "string", "sprint", printable=True, description="What the sprint is for."),
        _builtin(
            "metrics",
            "list",
            "prd",
            items="metric",
            description="Success metrics: {name, baseline, target}.",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the model needs from configuration."""

    product_dir: str = "product"
    kinds: Mapping[str, KindSpec] = field(default_factory=lambda: dict(DEFAULT_KINDS))
    fields: Mapping[str, FieldSpec] = field(default_factory=lambda: dict(BUILTIN_FIELDS))
    severities: Mapping[str, Severity] = field(default_factory=dict)
    today: date | None = None
    """The date rules take as today (RM026): the front end resolves it (`today.py`: the
    `today` option, SOURCE_DATE_EPOCH, the clock) and sets it with `as_of`. None leaves out
    the rules that need it."""
    _by_kind: dict[str, dict[str, FieldSpec]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def as_of(self, today: date) -> Settings:
        """These settings with `today` set, for the rules about dates relative to it."""
        return replace(self, today=today)

    def is_closed(self, kind: str, status: str) -> bool:
        """Whether an item of `kind` at `status` left the plan (cancelled, superseded)."""
        spec = self.kinds.get(kind)
        return spec is not None and status in spec.closed

    def severity(self, code: str) -> Severity:
        """The severity of rule `code`, after overrides."""
        return self.severities.get(code, RULES[code].severity)

    def source_path(self, path: str) -> str:
        """A product file's path relative to the project root, as problems name it."""
        return f"{self.product_dir}/{path}"

    def fields_for(self, kind: str) -> dict[str, FieldSpec]:
        """The fields items of `kind` may carry (computed once per kind: it is asked per item)."""
        found = self._by_kind.get(kind)
        if found is None:
            found = {name: spec for name, spec in self.fields.items() if spec.applies_to(kind)}
            self._by_kind[kind] = found
        return found


def settings_from_options(options: Mapping[str, Any] | None) -> Settings:
    """Build settings from the `roadmark` plugin options, raising ConfigError when invalid.

    `PluginOptions.settings` (`options.py`) calls it once each option is read: what kinds,
    fields and rules say is checked here, in full and against each other.
    """
    options = options or {}
    product_dir = options.get("product_dir", "product")
    if not isinstance(product_dir, str) or not product_dir.strip():
        raise ConfigError("'product_dir' must be a folder path")
    kinds = dict(DEFAULT_KINDS)
    for name, raw in _mapping(options.get("kinds"), "kinds").items():
        kinds[name] = _kind(name, raw, kinds.get(name))
    fields = dict(BUILTIN_FIELDS)
    for name, raw in _mapping(options.get("fields"), "fields").items():
        if name in BUILTIN_FIELDS or name in PAGE_KEYS:
            raise ConfigError(
                f"fields.{name}: '{name}' is a built-in field and cannot be redefined"
            )
        fields[name] = _field(name, raw, kinds)
    return Settings(
        product_dir=product_dir.strip().rstrip("/"),
        kinds=kinds,
        fields=fields,
        severities=_severities(options.get("rules")),
    )


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise ConfigError(f"'{where}' must be a mapping of names to settings")
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"'{where}' must be a list of names")
    for name in value:
        # A status or enum value is compared with what specs write and printed in problems:
        # `ready\n` would be a second state that looks like `ready`.
        if UNPRINTABLE.search(name):
            raise ConfigError(f"'{where}': {name!r} contains a control character")
    return tuple(value)


def _kind(name: str, raw: Any, default: KindSpec | None) -> KindSpec:
    where = f"kinds.{name}"
    if not is_id(name):
        raise ConfigError(f"{where}: {name!r} is not a valid kind name")
    raw = _mapping(raw, where)
    unknown = set(raw) - {"statuses", "closed", "criteria_from"}
    if unknown:
        raise ConfigError(f"{where}: unknown setting '{sorted(unknown)[0]}'")
    statuses = _strings(raw.get("statuses"), f"{where}.statuses") or (
        default.statuses if default else ()
    )
    if not statuses:
        raise ConfigError(f"{where}: 'statuses' must list the workflow states")
    closed = (
        _strings(raw["closed"], f"{where}.closed")
        if "closed" in raw
        else (default.closed if default else ())
    )
    inherited = default.criteria_from if default else None
    if inherited not in statuses:
        inherited = None  # a replaced workflow without that state needs no inherited rule
    criteria_from = raw.get("criteria_from", inherited)
    if criteria_from is not None and criteria_from not in statuses:
        raise ConfigError(f"{where}.criteria_from: '{criteria_from}' is not one of its statuses")
    if len(set(statuses + closed)) != len(statuses + closed):
        raise ConfigError(f"{where}: a status is listed twice")
    return KindSpec(name, statuses, closed, criteria_from)


def _field(name: str, raw: Any, kinds: Mapping[str, KindSpec]) -> FieldSpec:
    where = f"fields.{name}"
    if not is_id(name):
        raise ConfigError(f"{where}: {name!r} is not a valid field name")
    raw = _mapping(raw, where)
    unknown = set(raw) - {"type", "kinds", "required", "values", "kind", "items", "description"}
    if unknown:
        raise ConfigError(f"{where}: unknown setting '{sorted(unknown)[0]}'")
    type_ = raw.get("type", "string")
    if type_ not in FIELD_TYPES:
        raise ConfigError(f"{where}.type: '{type_}' is not one of {', '.join(FIELD_TYPES)}")
    field_kinds = _strings(raw.get("kinds"), f"{where}.kinds")
    for kind in field_kinds:
        if kind not in kinds:
            raise ConfigError(f"{where}.kinds: '{kind}' is not a configured kind")
    items = raw.get("items", "string") if type_ == "list" else None
    if items is not None and items not in (*FIELD_TYPES[:-2], "reference"):
        raise ConfigError(f"{where}.items: '{items}' is not a type a list can hold")
    values = _strings(raw.get("values"), f"{where}.values")
    if (type_ == "enum" or items == "enum") and not values:
        raise ConfigError(f"{where}: an enum needs 'values'")
    target = raw.get("kind")
    if target is not None and (not isinstance(target, str) or target not in kinds):
        raise ConfigError(f"{where}.kind: '{target}' is not a configured kind")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise ConfigError(f"{where}.required: must be true or false")
    return FieldSpec(
        name=name,
        type=type_,
        kinds=frozenset(field_kinds) or None,
        required=required,
        values=values,
        target=target,
        items=items,
        description=str(raw.get("description", "")),
    )


def _severities(raw: Any) -> dict[str, Severity]:
    by_name = {**FORMER_NAMES, **{rule.name: rule.code for rule in RULES.values()}}
    result: dict[str, Severity] = {}
    for key, value in _mapping(raw, "rules").items():
        code = key if key in RULES else by_name.get(key)
        if code is None:
            raise ConfigError(f"rules: '{key}' is not a rule code or name")
        # YAML reads a bare `off` as False.
        level = "off" if value is False else value
        try:
            result[code] = Severity(level)
        except ValueError:
            raise ConfigError(f"rules.{key}: '{value}' is not error, warning or off") from None
    return result
