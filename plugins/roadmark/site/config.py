"""Options of the `roadmark` MkDocs plugin, as MkDocs validates them: made from their one
declaration, `spec/options.py`, so the build and `roadmark check` refuse a value alike.

Not MkDocs' `Type(int)` and friends: `Type(str)` refuses an unquoted `today: 2026-03-31`
(YAML reads a date) that the command line takes, and their messages differ from ours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mkdocs.config.base import BaseConfigOption, Config, ValidationError

from ..spec.options import OPTIONS, Option, PluginOptions
from ..spec.settings import ConfigError

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


class DeclaredOption(BaseConfigOption[object]):
    """One declared option for MkDocs: its default, and its reading, whose message MkDocs
    shows after `Plugin 'roadmark' option '<name>':`."""

    def __init__(self, option: Option) -> None:
        super().__init__()
        self.option = option
        self.default = option.default

    def run_validation(self, value: object) -> object:
        try:
            return self.option.value(value)
        except ConfigError as exc:
            raise ValidationError(str(exc)) from None


class RoadmarkConfig(Config):
    """The plugin's options, one `DeclaredOption` per option of `PluginOptions`, in order."""

    # Config collects its schema from the class: given whole here, it is the declaration's.
    _schema = tuple((option.name, DeclaredOption(option)) for option in OPTIONS)


def options_of(config: RoadmarkConfig) -> PluginOptions:
    """The options MkDocs has validated, as the model's typed value."""
    return PluginOptions(**{option.name: config[option.name] for option in OPTIONS})


def enabled_plugins(config: MkDocsConfig, module: str) -> list[Any]:
    """The enabled plugins of this build whose class comes from `module` (a prefix).

    By module, not by key: Material's search is `search` or `material/search`, as the user
    wrote it."""
    return [
        plugin
        for plugin in config.plugins.values()
        if type(plugin).__module__.startswith(module) and plugin.config.get("enabled", True)
    ]
