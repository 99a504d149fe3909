"""The preview hears of edits through the system's file events: folders followed by events,
single files polled, reads ignored, and polling again when the events cannot start."""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from mkdocs.livereload import LiveReloadServer
from watchdog.events import (
    DirCreatedEvent,
    DirModifiedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers.polling import PollingObserver

from previews import Served
from roadmark.site import preview, watch
from roadmark.site.inputs import Heard
from roadmark.site.watch import FolderEvents, Hearing, has_file_events
from sites import DOCS, PRODUCT, mkdocs_config, write_project
from test_serve import serving

pytestmark = pytest.mark.skipif(not has_file_events(), reason="no file events on this system")

SEEN_WITHIN = 5.0
"""Seconds an event may take to reach the server on a loaded machine."""


@contextmanager
def watching(
    project: Path, polling_interval: float, heard: Heard | None = None
) -> Iterator[LiveReloadServer]:
    """A live-reload server (never serving HTTP) watching `project` as `mkdocs serve` and
    the plugin's `on_serve` do, its observer running, its watches telling `heard`."""
    server = LiveReloadServer(
        builder=lambda: None,
        host="127.0.0.1",
        port=0,
        root=str(project),
        polling_interval=polling_interval,
    )
    server.watch(str(project / "docs"))
    server.watch(str(project / "mkdocs.yml"))  # recursive, as serve.py asks
    assert preview.follow_folders_by_events(server, heard)
    server.watch(str(project / "product"))
    server.observer.start()
    try:
        yield server
    finally:
        server.observer.stop()
        server.observer.join(5)
        server.server_close()


def wants_rebuild(server: LiveReloadServer) -> bool:
    with server._rebuild_cond:
        return server._want_rebuild


def settle(server: LiveReloadServer) -> None:
    """Forget what the watcher heard so far, as a rebuild does."""
    time.sleep(0.3)
    with server._rebuild_cond:
        server._want_rebuild = False


def heard(server: LiveReloadServer, within: float = SEEN_WITHIN) -> bool:
    """Whether the server comes to want a rebuild within `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if wants_rebuild(server):
            return True
        time.sleep(0.02)
    return wants_rebuild(server)


def replace(path: Path, text: str) -> None:
    """Save as many editors and test runners do: write a new file, rename it over the old."""
    fresh = path.with_name(f".{path.name}.new")
    fresh.write_text(text, encoding="utf-8")
    fresh.replace(path)


def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project", PRODUCT | DOCS, mkdocs_config())


def test_the_live_reload_server_keeps_its_observer_and_watches_where_the_preview_looks() -> None:
    """`follow_folders_by_events` moves the server's watches; MkDocs must keep them so."""
    watch = inspect.getsource(LiveReloadServer.watch)
    assert "self._watched_paths[path]" in watch
    assert "self._watch_refs[path] = self.observer.schedule(handler, path, recursive=" in watch
    assert "self.observer.unschedule(self._watch_refs.pop(path))" in inspect.getsource(
        LiveReloadServer.unwatch
    )
    assert "self.observer.start()" in inspect.getsource(LiveReloadServer.serve)
    shutdown = inspect.getsource(LiveReloadServer.shutdown)
    assert "self.observer.stop()" in shutdown
    assert "self.observer.join()" in shutdown


def test_a_folder_edit_is_heard_through_events_long_before_the_next_poll(tmp_path: Path) -> None:
    """With MkDocs' poller set to scan every 60 s, saves in the docs and product folders
    (written in place or replaced) still reach the server at once."""
    root = project(tmp_path)
    with watching(root, polling_interval=60) as server:
        assert isinstance(server.observer, FolderEvents)
        for path in ("docs/index.md", "product/stories/STORY-1.md"):
            settle(server)
            edited = root / path
            edited.write_text(edited.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
            assert heard(server), f"no event for {path}"
            settle(server)
            replace(edited, edited.read_text(encoding="utf-8") + "\nAgain.\n")
            assert heard(server), f"no event for {path} replaced"


def heard_of(heard: Heard, path: Path, within: float = SEEN_WITHIN) -> bool:
    """Whether `heard` is told of `path` within `within` seconds."""
    deadline, told = time.monotonic() + within, set[str]()
    while time.monotonic() < deadline and str(path) not in told:
        told |= heard.take() or set()
        time.sleep(0.02)
    return str(path) in told


@pytest.mark.roadmark("STORY-89/AC-3")
def test_the_watches_tell_the_preview_which_files_changed(tmp_path: Path) -> None:
    """A save in the docs or product folder, written in place or replaced, and a save of
    `mkdocs.yml` (polled) each reach the preview as the path of the file saved."""
    root, heard = project(tmp_path), Heard()
    with watching(root, polling_interval=0.1, heard=heard):
        for path in ("docs/index.md", "product/stories/STORY-1.md", "mkdocs.yml"):
            time.sleep(0.3)
            heard.take()
            edited = root / path
            edited.write_text(edited.read_text(encoding="utf-8") + "\n# More\n", encoding="utf-8")
            assert heard_of(heard, edited), f"{path} not heard"
            replace(edited, edited.read_text(encoding="utf-8") + "\n# Again\n")
            assert heard_of(heard, edited), f"{path} replaced, not heard"


def test_a_watch_tells_the_files_of_an_event_or_that_no_path_tells_it(tmp_path: Path) -> None:
    """A move tells both paths; a folder created tells no file (the preview then stamps
    every file); a poller's note that a folder's listing changed comes with its files'
    events and tells nothing more. MkDocs' handler gets every event, as before."""
    got: list[FileSystemEvent] = []
    inner = FileSystemEventHandler()
    inner.on_any_event = got.append  # type: ignore[method-assign]  # as MkDocs' server sets it
    heard = Heard()
    hearing = Hearing(inner, heard)
    events: list[FileSystemEvent] = [
        FileModifiedEvent(str(tmp_path / "a.md")),
        FileMovedEvent(str(tmp_path / ".a.md.new"), str(tmp_path / "a.md")),
        DirModifiedEvent(str(tmp_path)),
    ]
    for event in events:
        hearing.dispatch(event)
    assert heard.take() == {str(tmp_path / "a.md"), str(tmp_path / ".a.md.new")}
    hearing.dispatch(DirCreatedEvent(str(tmp_path / "stories")))
    hearing.dispatch(FileModifiedEvent(str(tmp_path / "stories" / "b.md")))
    assert heard.take() is None
    assert got == [
        *events,
        DirCreatedEvent(str(tmp_path / "stories")),
        FileModifiedEvent(str(tmp_path / "stories" / "b.md")),
    ]


def test_reading_the_watched_files_is_not_an_edit(tmp_path: Path) -> None:
    """A rebuild reads every spec and page: that must not set off another rebuild."""
    root = project(tmp_path)
    with watching(root, polling_interval=60) as server:
        settle(server)
        for path in sorted((root / "product").rglob("*.md")) + sorted(
            (root / "docs").rglob("*.md")
        ):
            path.read_bytes()
        assert not heard(server, within=1.0)
        (root / "product/stories/STORY-1.md").touch()  # a change after all: heard
        assert heard(server)


@pytest.mark.roadmark("STORY-89/AC-3")
def test_mkdocs_yml_replaced_by_a_save_is_heard_again_and_again(tmp_path: Path) -> None:
    """A single file stays polled: an event watch would follow the inode a replacing save
    ends, and miss the second save."""
    root = project(tmp_path)
    config = root / "mkdocs.yml"
    with watching(root, polling_interval=0.1) as server:
        for round_ in range(3):
            settle(server)
            replace(config, config.read_text(encoding="utf-8") + f"\n# save {round_}\n")
            assert heard(server), f"save {round_} of mkdocs.yml not heard"


def test_folders_go_back_to_polling_when_the_events_cannot_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """inotify's limit on watches reached, say: the folders are polled, and the log says so."""
    root = project(tmp_path)

    class Refusing(watch.Observer):  # type: ignore[misc,valid-type]  # picked at import
        def start(self) -> None:
            raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(watch, "Observer", Refusing)
    with caplog.at_level(logging.INFO, logger="mkdocs"), watching(root, 0.1) as server:
        assert server.observer.polling_only
        settle(server)
        story = root / "product/stories/STORY-1.md"
        story.write_text(story.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
        assert heard(server)
    assert "file events unavailable ([Errno 28] inotify watch limit reached)" in caplog.text


def test_a_served_site_rebuilds_once_per_save_and_never_on_its_own(tmp_path: Path) -> None:
    """Under a real `mkdocs serve`: no rebuild while nothing is edited (its own reads and
    writes are not edits), exactly one per save, and the page shows the save."""
    root = project(tmp_path)
    with serving(root, tmp_path) as server:
        server.wait_for("the first build", server.page_shows("product/stories/STORY-1/", "<h1"))
        time.sleep(1.5)
        assert "Detected file changes" not in server.output()
        story = root / "product/stories/STORY-1.md"
        text = story.read_text(encoding="utf-8")
        story.write_text(text.replace("title: ", "title: Heard ", 1), encoding="utf-8")
        server.wait_for("the edit", server.page_shows("product/stories/STORY-1/", "Heard "))
        time.sleep(1.5)
        output = server.output()
    assert output.count("Detected file changes") == 1, output
    assert "preview: rebuilt " in output


@pytest.mark.parametrize(("option", "observer"), [(True, FolderEvents), (False, PollingObserver)])
def test_the_watch_events_option_says_whether_the_folders_are_followed_by_events(
    tmp_path: Path, option: bool, observer: type
) -> None:
    """`watch_events: false` leaves MkDocs' poller as it is, for mounts where events do not
    arrive."""
    config = mkdocs_config(plugins=["search", {"roadmark": {"watch_events": option}}])
    root = write_project(tmp_path / "project", PRODUCT | DOCS, config)
    served = Served(root, tmp_path / "served")
    try:
        assert type(served.server.observer) is observer
        assert served.server.watches(root / "product/stories/STORY-1.md")
    finally:
        served.close()
