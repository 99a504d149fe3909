"""Find a project's `mkdocs.yml` and take the `roadmark` plugin options from it.

Engine-neutral: how the file is read is the caller's choice (`ConfigReader`). The CLI
reads it as MkDocs does (`cli/config.py`: `INHERIT`, `!ENV`); the default here, for
engines without MkDocs, is a safe loader that ignores the tags MkDocs adds (`!ENV`,
`!!python/name:` and the like), since only plain options matter then.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from .columns import index_columns
from .options import PluginOptions, read_options
from .settings import ConfigError, Settings

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml", "properdocs.yml", "properdocs.yaml")
PLUGIN_NAME = "roadmark"


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml; values behind MkDocs' custom tags are not needed and load as None."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


@dataclasses.dataclass(frozen=True, slots=True)
class Project:
    """Where a project lives and how it is configured."""

    root: Path
    settings: Settings
    config_file: Path | None
    options: PluginOptions
    """The `roadmark` plugin options, for front ends that need more than the model."""


def find_config(start: Path) -> Path | None:
    """The nearest MkDocs config file in `start` or a folder above it."""
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
    return None


ConfigReader = Callable[[Path], Any]
"""Reads a whole config file into plain data; ConfigError (one line) when it cannot."""


def read_plain(config_file: Path) -> Any:
    """The config file as plain YAML, MkDocs' tags ignored: for engines without MkDocs."""
    try:
        return yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{config_file}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{config_file}: invalid YAML: {exc}") from None
    except ValueError as exc:  # a value YAML cannot construct, e.g. `today: 2026-02-30`
        raise ConfigError(f"{config_file}: invalid YAML: {exc}") from None


def plugin_options(config_file: Path, read: ConfigReader = read_plain) -> Mapping[str, Any]:
    """The `roadmark` plugin's options in `config_file` ({} when it lists the plugin bare)."""
    raw = read(config_file)
    plugins = raw.get("plugins") if isinstance(raw, dict) else None
    entries = plugins.items() if isinstance(plugins, dict) else _list_entries(plugins or [])
    for name, options in entries:
        if name == PLUGIN_NAME:
            if options is None:
                return {}
            if not isinstance(options, Mapping):
                raise ConfigError(
                    f"{config_file}: the '{PLUGIN_NAME}' plugin options must be a mapping"
                )
            return options
    return {}


def _list_entries(plugins: Any) -> list[tuple[str, Any]]:
    entries: list[tuple[str, Any]] = []
    for entry in plugins if isinstance(plugins, list) else []:
        if isinstance(entry, str):
            entries.append((entry, None))
        elif isinstance(entry, dict):
            entries.extend(entry.items())
    return entries


def load_project(
    path: Path | None = None,
    config: Path | None = None,
    cwd: Path | None = None,
    read: ConfigReader = read_plain,
) -> Project:
    """Locate the project for the CLI.

    With `config`, that file configures it. Otherwise the nearest MkDocs config at or above
    `path` (or `cwd`) does; a `path` without one of its own is taken as the product folder.
    The config file is read by `read` (the CLI's reads it as MkDocs does).
    """
    cwd = (cwd or Path.cwd()).resolve()
    target = (cwd / path).resolve() if path is not None else None
    if target is not None and not target.is_dir():
        raise ConfigError(f"{path}: no such folder")
    config_file: Path | None
    if config is not None:
        config_file = (cwd / config).resolve()
        if not config_file.is_file():
            raise ConfigError(f"{config}: no such config file")
    else:
        config_file = find_config(target or cwd)
    # Every option is read here, so a bad one is refused as the build refuses it.
    options = read_options(plugin_options(config_file, read) if config_file else {})
    settings = options.settings()
    index_columns(options.index_columns, settings)  # refused here as the build refuses it
    root = config_file.parent if config_file else (target.parent if target else cwd)
    own_config = target is not None and config_file is not None and config_file.parent == target
    if target is not None and not own_config:
        settings = dataclasses.replace(settings, product_dir=_relative(target, root))
    return Project(root, settings, config_file, options)


def _relative(path: Path, root: Path) -> str:
    """`path` relative to `root` with forward slashes, even when outside it."""
    return Path(os.path.relpath(path, root)).as_posix()
