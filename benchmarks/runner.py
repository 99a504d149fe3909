"""Run a command as a child process and measure it: wall time, CPU time and peak memory."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Run:
    """One measured run of a command."""

    wall: float
    """Elapsed seconds."""
    cpu: float
    """User + system CPU seconds of the child."""
    max_rss_mb: float
    """Peak resident memory of the child, in MB."""
    returncode: int
    output: str
    """stdout and stderr, interleaved."""


def run_measured(
    command: Sequence[str | Path], cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> Run:
    """Run `command` to completion and measure it."""
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(part) for part in command],
            cwd=cwd,
            env=None if env is None else {**os.environ, **env},
            stdin=subprocess.DEVNULL,
            # A file, not a pipe: a chatty build must not block on a full pipe while we wait.
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        # wait4 gives this child's own rusage; RUSAGE_CHILDREN would mix in earlier runs.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    return Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        max_rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        returncode=proc.returncode,
        output=output,
    )


def median_run(runs: Sequence[Run]) -> Run:
    """The run with the median wall time (the lower middle one for an even count)."""
    ordered = sorted(runs, key=lambda run: run.wall)
    return ordered[(len(ordered) - 1) // 2]


def spread(runs: Sequence[Run]) -> str:
    """Every wall time of `runs`, for judging noise; the minimum is the least disturbed."""
    walls = ", ".join(f"{run.wall:.2f}" for run in runs)
    if len(runs) < 2:
        return walls
    fastest = min(run.wall for run in runs)
    return f"{walls} (min {fastest:.2f}, stdev {statistics.stdev(run.wall for run in runs):.2f})"


def venv_script(name: str) -> Path:
    """A console script installed next to this interpreter, else found on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return beside
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"cannot find the '{name}' console script; is roadmark installed?")
    return Path(found)


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, to judge whether the box was quiet."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"


def tree_size(folder: Path) -> tuple[int, int]:
    """Number of files under `folder` and their total size in bytes."""
    count = size = 0
    for root, _, files in os.walk(folder):
        for name in files:
            count += 1
            size += (Path(root) / name).stat().st_size
    return count, size


@contextmanager
def work_dir(given: Path | None, keep: bool, prefix: str) -> Iterator[Path]:
    """`given`, or a temporary folder that is removed afterwards unless `keep`."""
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        yield given
        return
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        if keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def tail(text: str, lines: int = 20) -> str:
    """The last `lines` lines of `text`."""
    return "\n".join(text.rstrip().splitlines()[-lines:])
