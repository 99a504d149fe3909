"""The preview's watcher: folders followed through the system's file events, files polled.

MkDocs' server learns of edits by polling: watchdog's `PollingObserver` lists and stats
every file of the watched folders twice a second. At 10,000 stories one scan of the
product folder takes 0.1 s of CPU in the server's own process, so the scans compete with
the rebuild an edit sets off, and an edit waits a quarter of a second on average before
it is seen. `FolderEvents` stands in for that observer. A folder watched recursively is
followed through the system's file events (inotify, FSEvents or ReadDirectoryChangesW,
as watchdog's `Observer` picks), which report a save at once and cost nothing between
edits. A single file (`mkdocs.yml`, a test results file) stays polled: an event watch
follows the file's inode, which an editor's or a test runner's replacing save ends.

Only changes are asked for: reading a file is an event too (inotify's open and
close-without-write), and the rebuild reads the very files it watches. Where the events
cannot start (inotify's limit on watches, say), every folder goes back to polling, and
the log says so.

Each watch also tells the preview which files changed (`inputs.Heard`), so that it stamps
those again rather than every file; a folder coming, going or moving, or events lost, it
cannot tell by path, and the preview stamps them all.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    DirMovedEvent,
    EventsLostEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from .inputs import Heard
from .log import log

if TYPE_CHECKING:
    from watchdog.observers.api import BaseObserver, ObservedWatch

CHANGES: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileAttribEvent,
    FileDeletedEvent,
    FileMovedEvent,
    FileClosedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    EventsLostEvent,
]
"""The events that say a file changed (a `touch` too, as MkDocs' poller sees it, and a
lost event, which may have been one); those that say it was read are left out."""


UNTOLD = (DirCreatedEvent, DirDeletedEvent, DirMovedEvent, EventsLostEvent)
"""Changes no list of files tells: the files of a folder come or go without an event each."""


class Hearing(FileSystemEventHandler):
    """A watch's handler (MkDocs'), which tells `heard` first which files changed."""

    def __init__(self, handler: FileSystemEventHandler, heard: Heard) -> None:
        self._handler = handler
        self._heard = heard

    def dispatch(self, event: FileSystemEvent) -> None:
        """Tell `heard`, then the handler."""
        if isinstance(event, UNTOLD):
            self._heard.lose()
        elif not isinstance(event, DirModifiedEvent):  # a poller's, beside its files' events
            paths = (event.src_path, event.dest_path) if event.dest_path else (event.src_path,)
            self._heard.hear(*map(os.fsdecode, paths))
        self._handler.dispatch(event)


def has_file_events() -> bool:
    """Whether this system has file events watchdog can follow (else it would poll)."""
    return Observer is not PollingObserver  # watchdog picks the system's at import


class FolderEvents:
    """An observer for MkDocs' server: folders through file events, files by polling.

    It answers the calls the server makes of its observer (`schedule`, `unschedule`,
    `start`, `stop`, `join`) and hands each watch to the observer that follows it.
    """

    def __init__(self, polling: BaseObserver, heard: Heard | None = None) -> None:
        self._polling = polling
        self.heard = heard
        """Told which files each watch saw change, when given."""
        self._events: BaseObserver = Observer()
        self._folders: dict[ObservedWatch, FileSystemEventHandler] = {}
        """The watches followed through file events, with their handlers, for a fallback."""
        self.polling_only = False
        """Whether every watch is polled: the file events could not start."""

    def schedule(
        self, handler: FileSystemEventHandler, path: str, *, recursive: bool = False
    ) -> ObservedWatch:
        """Watch `path`: a folder watched recursively through file events, the rest polled."""
        if self.heard is not None:
            handler = Hearing(handler, self.heard)
        if recursive and not self.polling_only and Path(path).is_dir():
            try:
                watch = self._events.schedule(handler, path, recursive=True, event_filter=CHANGES)
            except OSError as error:  # the events already run, and cannot take one more
                log.info(f"preview: polling '{path}': file events refused it ({error})")
            else:
                self._folders[watch] = handler
                return watch
        return self._polling.schedule(handler, path, recursive=recursive)

    def unschedule(self, watch: ObservedWatch) -> None:
        """Stop watching what `schedule` returned `watch` for."""
        if watch in self._folders and not self.polling_only:
            del self._folders[watch]
            self._events.unschedule(watch)
        else:
            # After a fallback the polled watch has the same path and flags, so it is equal.
            self._folders.pop(watch, None)
            self._polling.unschedule(watch)

    def start(self) -> None:
        """Start both observers; poll the folders too if the file events cannot start."""
        try:
            self._events.start()
        except OSError as error:
            log.info(f"preview: file events unavailable ({error}); polling every watched folder")
            self.polling_only = True
            for watch, handler in self._folders.items():
                self._polling.schedule(handler, watch.path, recursive=True)
        self._polling.start()

    def stop(self) -> None:
        """Stop both observers."""
        self._events.stop()
        self._polling.stop()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the observers that were started to end."""
        for observer in (self._events, self._polling):
            if observer.is_alive():
                observer.join(timeout)
