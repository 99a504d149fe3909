"""Read `mkdocs.yml` (or `properdocs.yml`) as `mkdocs build` reads it, without building.

The file goes through MkDocs' own YAML loading (`mkdocs.utils.yaml`): `INHERIT:` merges
the parent file as the build merges it, `!ENV` reads the environment, `!relative` makes
the build's path placeholder. Nothing is validated and no plugin, hook or theme is
loaded: the CLI only needs the `roadmark` options, and a pull request's `mkdocs.yml` must
not run code on `roadmark check`. So MkDocs' tags are served by a *safe* loader; a
`!!python/name:` value (Markdown extension options) becomes an `Opaque` value that no
option accepts, instead of an imported object. ProperDocs' loader is the same code.
"""

from __future__ import annotations

import dataclasses
import os
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError
from mkdocs.utils.yaml import get_yaml_loader, yaml_load

from ..spec.project import Project
from ..spec.project import load_project as find_project
from ..spec.settings import ConfigError
from ..spec.today import resolve_today

PYTHON_TAG = "tag:yaml.org,2002:python/"


class Opaque:
    """A value behind a `!!python/…` tag, kept unconstructed: the CLI imports nothing."""

    def __init__(self, tag: str, value: str) -> None:
        self.tag = tag
        self.value = value

    def __repr__(self) -> str:
        return f"!!{self.tag.removeprefix('tag:yaml.org,2002:')} {self.value}"


class _SafeBase(yaml.SafeLoader):
    """MkDocs' tags are added to this by `get_yaml_loader`; Python objects stay opaque."""


def _opaque(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Opaque:
    value = loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else "…"
    return Opaque(PYTHON_TAG + suffix, str(value))


_SafeBase.add_multi_constructor(PYTHON_TAG, _opaque)


def read_config(config_file: Path) -> Any:
    """The whole config as the build loads it (INHERIT merged, `!ENV` resolved), unvalidated.

    A file that cannot be read or parsed is a ConfigError naming it, in one line.
    """
    # The config object is only where `!relative` placeholders look for the config's folder.
    holder = MkDocsConfig(config_file_path=os.fspath(config_file))
    loader = get_yaml_loader(loader=_SafeBase, config=holder)
    try:
        with config_file.open("rb") as stream:
            return yaml_load(stream, loader)
    except ConfigurationError as exc:
        # MkDocs wraps YAML's own error (raised while it was handled) in a long sentence.
        if isinstance(exc.__context__, yaml.YAMLError):
            raise ConfigError(_yaml_problem(exc.__context__, config_file)) from None
        raise ConfigError(f"{config_file}: {_one_line(str(exc))}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{config_file}: cannot read: {exc}") from None
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        # ValueError: a value YAML cannot construct (`today: 2026-02-30`); TypeError: an
        # INHERIT that is not a path, or a parent that is not a mapping.
        raise ConfigError(f"{config_file}: invalid configuration: {_one_line(str(exc))}") from None


def load_project(path: Path | None, config: Path | None, cwd: Path) -> Project:
    """The project of a CLI command, its config read as the build reads it."""
    return find_project(path, config, cwd, read=read_config)


def dated(project: Project) -> tuple[Project, date]:
    """Today, resolved as the build resolves it, and the project with it in its settings, for
    the rules about dates relative to today (RM026)."""
    today, _ = resolve_today(project.options.today)
    return dataclasses.replace(project, settings=project.settings.as_of(today)), today


def _yaml_problem(error: yaml.YAMLError, config_file: Path) -> str:
    """`<file>:<line>:<col>: invalid YAML: <problem>`, in the inherited file if it is there."""
    mark = error.problem_mark if isinstance(error, yaml.MarkedYAMLError) else None
    if mark is None:
        return f"{config_file}: invalid YAML: {_one_line(str(error))}"
    problem = _one_line(getattr(error, "problem", None) or "unreadable")
    return f"{mark.name}:{mark.line + 1}:{mark.column + 1}: invalid YAML: {problem}"


def _one_line(message: str) -> str:
    # YAML errors quote the offending lines: keep the first line and the position.
    return " ".join(line.strip() for line in message.splitlines() if line.strip())
