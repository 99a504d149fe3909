"""Standard output that says when it cannot be written, for the one entry point to report.

`roadmark export > /dev/full` or a full disk under `roadmark check > log` fail in a
`write` deep inside a command, or only when the buffer is flushed at exit, where Python
prints a traceback-like warning and exits 120. Every write goes through `GuardedStdout`,
which turns such a failure into `StdoutFailed`: an exception no command catches by
accident (it is not an OSError), so `main` reports it once, the same way for every command.
"""

from __future__ import annotations

import contextlib
import errno
import os
from typing import Any, TextIO


class StdoutFailed(Exception):
    """Standard output could not be written."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(cause.strerror or str(cause))
        self.cause = cause

    @property
    def broken_pipe(self) -> bool:
        """Whether the reader went away (`roadmark check | head`): not worth a message."""
        return isinstance(self.cause, BrokenPipeError) or self.cause.errno == errno.EPIPE


class GuardedStdout:
    """Wraps the real standard output; writes and flushes raise StdoutFailed on an OSError."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except OSError as exc:
            raise StdoutFailed(exc) from None

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError as exc:
            raise StdoutFailed(exc) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)  # encoding, isatty, fileno: as the real stream


def abandon(stream: TextIO) -> None:
    """Point `stream`'s descriptor at the null device, so the interpreter's final flush of
    what is still buffered succeeds silently instead of failing a second time."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        fd = stream.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, fd)
        finally:
            os.close(null)
