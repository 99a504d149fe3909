"""The live preview in-process: a project served as `mkdocs serve` serves it, and a
fresh full build of the same files to compare it with.

`Served` follows `mkdocs/commands/serve.py` step by step: it loads the config with the
served site folder, runs the plugins' `on_startup` as `serve`, sets `site_url` to the
serve URL, makes a `builder(config=None)` that reloads the config when none is given and
builds with that URL, runs the first build, then the plugins' `on_serve` with a stand-in
for MkDocs' `LiveReloadServer`. After an edit a test calls `changed(paths)`: when one of
the paths is watched, it calls whatever the plugins left in `server.builder`, as the
server does; when none is, nothing happens, as nothing would in `mkdocs serve`.

MkDocs keeps each plugin that defines `on_startup` or `on_shutdown` in a cache shared
by every `load_config` of the process (`plugin_cache` of the `plugins` option, a class
attribute of `MkDocsConfig`): that is how a served plugin outlives the config reloads
of its rebuilds. So each served site and each reference build here runs with its own
cache swapped in (`own_plugins`): the reference never reuses (or reconfigures) the
served instances, and no instance of ours leaks into the rest of the test run.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import jinja2
import pytest
from jinja2.bccache import Bucket
from mkdocs.commands.build import build
from mkdocs.config import config_options, load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.theme import Theme
from watchdog.events import FileSystemEventHandler
from watchdog.observers.polling import PollingObserver

from roadmark.extensions.autolink import LinkTarget
from roadmark.site.search import IdEntries, add_ids_to_frame
from roadmark.site.watch import FolderEvents
from sites import EPOCH, TOOL_ENV, tree, write_project

if TYPE_CHECKING:
    from mkdocs.livereload import LiveReloadServer

SERVE_URL = "http://127.0.0.1:8000/"
"""What `mkdocs serve` sets `site_url` to by default; both builds use it, so URLs match."""

PluginCache = dict[str, BasePlugin]  # type: ignore[type-arg]  # MkDocs leaves it generic
Record = tuple[int, str]
"""A log record: its level and its message."""
_SERVING: list[PluginCache] = []
"""The plugin instances of each site being served, which no fresh build may use."""


def _plugins_option() -> config_options.Plugins:
    option = dict(MkDocsConfig._schema)["plugins"]
    assert isinstance(option, config_options.Plugins), "MkDocs moved its plugin cache"
    return option


@contextmanager
def own_plugins(cache: PluginCache) -> Iterator[None]:
    """Make `load_config` take plugin instances from `cache` (and keep new ones there)."""
    option = _plugins_option()
    saved = option.plugin_cache
    option.plugin_cache = cache
    try:
        yield
    finally:
        option.plugin_cache = saved


class _Compiled(jinja2.BytecodeCache):
    """Theme templates compiled once for the whole run, kept in memory."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _Compiled()


_LISTED: dict[tuple[str, ...], list[str]] = {}
"""The theme files MkDocs picks out of the theme's folders, by those folders and templates."""


def _add_theme_files(
    add: Callable[[Files, jinja2.Environment, MkDocsConfig], None],
) -> Callable[[Files, jinja2.Environment, MkDocsConfig], None]:
    """MkDocs' `Files.add_files_from_theme`, with the listing it filters remembered: it
    walks the theme's thousands of files (Material's icons) at every build, which is
    nearly half of a small build; its result depends only on the theme's folders and
    static templates, the same in every build here."""

    def add_files_from_theme(files: Files, env: jinja2.Environment, config: MkDocsConfig) -> None:
        key = (*config.theme.dirs, "", *sorted(config.theme.static_templates))
        listing = env.list_templates

        def list_templates(extensions: object = None, filter_func: object = None) -> list[str]:
            if key not in _LISTED:
                _LISTED[key] = listing(extensions, filter_func)  # type: ignore[arg-type]
            return _LISTED[key]

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(env, "list_templates", list_templates)
            add(files, env, config)

    return add_files_from_theme


@contextmanager
def build_environment() -> Iterator[None]:
    """A fixed SOURCE_DATE_EPOCH (dates and "today" never read the clock) and tools quiet.

    Also, for speed, what every build of a theme repeats is done once: the theme's
    templates are compiled once (each config makes a new Jinja environment; the bytecode
    is keyed by each template's source), and its static files listed once. What a build
    writes cannot depend on either.
    """
    get_env, add_files = Theme.get_env, Files.add_files_from_theme

    def compiled_env(theme: Theme) -> jinja2.Environment:
        env = get_env(theme)
        env.bytecode_cache = _COMPILED
        return env

    with pytest.MonkeyPatch.context() as patch:
        for name, value in {"SOURCE_DATE_EPOCH": EPOCH, **TOOL_ENV}.items():
            patch.setenv(name, value)
        patch.setattr(Theme, "get_env", compiled_env)
        patch.setattr(Files, "add_files_from_theme", _add_theme_files(add_files))
        yield


class Records(logging.Handler):
    """What the `mkdocs` logger (plugins included) logged at INFO or above."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[Record] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.getMessage()))


@contextmanager
def listening(handler: Records) -> Iterator[Records]:
    """Collect the `mkdocs` logger's records at INFO and above into `handler` meanwhile,
    and only there: pytest would keep each one for its report, thousands in a long run,
    which a test of memory would count."""
    logger = logging.getLogger("mkdocs")
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


@dataclass
class FakeServer:
    """What the plugins see of MkDocs' `LiveReloadServer`: its builder, and what it watches
    through its (never started) observer, kept as the real server keeps it."""

    builder: Callable[[], object]
    watched: list[str] = field(default_factory=list)
    observer: Any = field(default_factory=PollingObserver)
    _watched_paths: dict[str, int] = field(default_factory=dict)
    _watch_refs: dict[str, Any] = field(default_factory=dict)

    def watch(self, path: str, func: object = None, recursive: bool = True) -> None:
        """Note a path to watch, as the real server's `watch` takes it."""
        self.watched.append(path)
        path = os.path.abspath(path)  # noqa: PTH100  # the real server keys its watches so
        if path in self._watched_paths:
            self._watched_paths[path] += 1
            return
        self._watched_paths[path] = 1
        handler = FileSystemEventHandler()
        self._watch_refs[path] = self.observer.schedule(handler, path, recursive=recursive)

    def watches(self, path: Path) -> bool:
        """Whether a change of `path` (written, added or removed) wakes the server."""
        folders = {Path(watched).resolve() for watched in self.watched}
        return any(folder == path or folder in path.parents for folder in folders)


class Served:
    """A project served in-process as `mkdocs serve` does; see the module docstring."""

    def __init__(self, project: Path, site_dir: Path) -> None:
        self.project = project
        self.site_dir = site_dir
        self._cache: PluginCache = {}
        _SERVING.append(self._cache)
        self._log = Records()
        with self._running():
            config = self._load()
            config.plugins.on_startup(command="serve", dirty=False)
            config.site_url = SERVE_URL
            self._config = config
            self._builder(config)
            server = FakeServer(self._builder)
            server.watch(config.docs_dir)
            server.watch(config.config_file_path)
            real = cast("LiveReloadServer", server)  # plugins use `builder` and `watch` only
            returned: object = config.plugins.on_serve(real, config=config, builder=self._builder)
            assert isinstance(returned, FakeServer), "a plugin replaced the server"
            for item in config.watch:
                returned.watch(item)
            self.server = returned

    def _load(self) -> MkDocsConfig:
        config_file = str(self.project / "mkdocs.yml")
        return load_config(config_file=config_file, site_dir=str(self.site_dir))

    def _builder(self, config: MkDocsConfig | None = None) -> None:
        """serve.py's `builder`: the full rebuild, reading `mkdocs.yml` again unless given."""
        if config is None:
            config = self._load()
            config.site_url = SERVE_URL
        build(config, serve_url=SERVE_URL)

    @contextmanager
    def _running(self) -> Iterator[None]:
        with listening(self._log), build_environment(), own_plugins(self._cache):
            yield

    def changed(self, paths: Iterable[Path]) -> list[Record] | None:
        """After `paths` changed: the server's builder, if one is watched (what it logged);
        None when none is, so that `mkdocs serve` would not have rebuilt."""
        paths = list(paths)
        if not any(self.server.watches(path.resolve()) for path in paths):
            return None
        observer = self.server.observer
        if isinstance(observer, FolderEvents) and observer.heard is not None:
            # As the system's file events tell the watches, which tell the preview.
            observer.heard.hear(*(os.path.abspath(path) for path in paths))  # noqa: PTH100
        return self.rebuild()

    def rebuild(self) -> list[Record]:
        """Call the server's builder, as after a change; what was logged meanwhile."""
        self._log.records = []
        with self._running():
            self.server.builder()
        return self._log.records

    def output(self) -> dict[str, bytes]:
        """The served site: every file with its bytes, by path."""
        return tree(self.site_dir)

    def close(self) -> None:
        """Stop serving as serve.py does: the plugins' `on_shutdown`, the folder removed."""
        with self._running():
            self._config.plugins.on_shutdown()
        _SERVING[:] = [cache for cache in _SERVING if cache is not self._cache]
        shutil.rmtree(self.site_dir, ignore_errors=True)


class Session:
    """A project written from {path: text}, served, and edited file by file."""

    def __init__(self, root: Path, files: dict[str, str], config: dict[str, object]) -> None:
        self.project = write_project(root / "project", files, config)
        self.served = Served(self.project, root / "served")
        self._stamp = 0

    def apply(self, files: dict[str, str]) -> tuple[list[Path], list[Record] | None]:
        """Make the project's files these (`mkdocs.yml` aside), then tell the server: the
        paths changed, and what the rebuild logged (None if `mkdocs serve` would not rebuild)."""
        changed = [
            path
            for path in sorted(self.project.rglob("*.*"))
            if path.name != "mkdocs.yml" and path.relative_to(self.project).as_posix() not in files
        ]
        for path in changed:
            path.unlink()
        for name, text in files.items():
            path, data = self.project / name, text.encode("utf-8")
            if path.is_file() and path.read_bytes() == data:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            # Each save later than the last, as an editor's are, whatever the clock's grain.
            self._stamp = max(time.time_ns(), self._stamp + 1_000_000)
            os.utime(path, ns=(self._stamp, self._stamp))
            changed.append(path)
        return changed, self.served.changed(changed)

    def close(self) -> None:
        """Stop serving."""
        self.served.close()


def fresh_build(project: Path, site_dir: Path) -> dict[str, bytes]:
    """What a fresh `mkdocs serve` of `project` shows first: its whole site, by path.

    Started as `serve` (so that spec problems under `strict: true` show instead of aborting,
    as they do in the preview), with plugin instances of its own.
    """
    with build_environment(), own_plugins({}):
        config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site_dir))
        served = {id(plugin) for cache in _SERVING for plugin in cache.values()}
        assert not served & {id(plugin) for plugin in config.plugins.values()}, "not fresh"
        config.plugins.on_startup(command="serve", dirty=False)
        config.site_url = SERVE_URL
        try:
            build(config, serve_url=SERVE_URL)
        finally:
            config.plugins.on_shutdown()
    return tree(site_dir)


def digests(files: dict[str, bytes]) -> dict[str, str]:
    """Each file's SHA-256, by path."""
    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}


class References:
    """Fresh builds, remembered by the exact bytes of their inputs: the same input builds
    byte-identical output (a rule of the house), so a state seen before is not built again.

    Each build goes to a new folder, and the last one is removed by a thread meanwhile:
    removing a site's folders is slow on some file systems, and it waits on the disk,
    not on the interpreter.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._seen: dict[str, dict[str, str]] = {}
        self._removing: list[threading.Thread] = []
        self.built = 0

    def compare(self, project: Path, served: dict[str, bytes]) -> str | None:
        """How the served site differs from a fresh build of `project`; None if it does not."""
        inputs = digests(tree(project))
        key = hashlib.sha256(repr(sorted(inputs.items())).encode()).hexdigest()
        if key not in self._seen:
            self._seen[key] = digests(self._build(project))
        if digests(served) == self._seen[key]:
            return None
        # Build again for the bytes: a difference is reported from two real trees.
        return first_difference(served, self._build(project))

    def _build(self, project: Path) -> dict[str, bytes]:
        self.built += 1
        site_dir = self.folder / str(self.built)
        files = fresh_build(project, site_dir)
        remover = threading.Thread(target=shutil.rmtree, args=(site_dir, True))
        remover.start()
        self._removing.append(remover)
        return files

    def close(self) -> None:
        """Wait until every folder built is removed."""
        for remover in self._removing:
            remover.join()


def first_difference(served: dict[str, bytes], reference: dict[str, bytes]) -> str | None:
    """Where the served site differs from the reference: the first file and an excerpt."""
    missing = sorted(reference.keys() - served.keys())
    extra = sorted(served.keys() - reference.keys())
    if missing or extra:
        return f"files missing from the served site: {missing}; files only there: {extra}"
    for name in sorted(reference):
        if served[name] != reference[name]:
            return f"{name} differs:\n{excerpt(served[name], reference[name])}"
    return None


def excerpt(served: bytes, reference: bytes, lines: int = 30, width: int = 200) -> str:
    """A short unified diff from the reference to the served file, each long line (the
    search index is one line) cut to a window around the first difference."""
    old = reference.decode("utf-8", errors="replace")
    new = served.decode("utf-8", errors="replace")
    pairs = enumerate(zip(old, new, strict=False))
    at = next((i for i, (one, two) in pairs if one != two), min(len(old), len(new)))
    column = at - (old.rfind("\n", 0, at) + 1)
    start = max(0, column - width // 2)
    diff = difflib.unified_diff(
        old.splitlines(), new.splitlines(), "fresh build", "served", n=2, lineterm=""
    )
    shown = [
        line if len(line) <= width else f"{line[:1]}…{line[1 + start : 1 + start + width]}…"
        for _, line in zip(range(lines), diff, strict=False)
    ]
    where = f"first difference at line {old.count(chr(10), 0, at) + 1}, column {column + 1}"
    return "\n".join([where, *shown])


def index_with_ids(
    written: str, targets: Mapping[str, LinkTarget], kept: IdEntries, moved: Collection[str]
) -> str:
    """Material's compact index `written`, as a served site writes it: our entries added to
    its frame (`add_ids_to_frame`), after Material's own, as `EncodedIndex` joins them."""
    head = written[: written.index(',"docs":[') + len(',"docs":[')]
    material = written[len(head) : -2]
    locations = {doc["location"] for doc in json.loads(written)["docs"]}
    added = add_ids_to_frame(head + "]}", locations, targets, kept, moved)
    assert added is not None, "not a frame as Material writes it"
    frame, ours = added
    return frame[:-2] + ",".join(part for part in (material, ours) if part) + "]}"
