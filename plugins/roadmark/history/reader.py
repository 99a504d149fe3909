"""Read the plan's history from git into a `History` (the contract with the renderers).

What the renderers and the CLI call:

- `read_history(root, settings, *, ref=None, cache_dir=None, today) -> History`: never
  raises for a bad repository; `History(available=False, reason=...)` (the reason says the
  fix) when git is missing, `root` is not in a repository, the clone is shallow or the ref
  names no commit. It fills `available`, `reason`, `head`, `items` (every item at the head,
  by current id), `releases` (burn-up, forecast, scope added and removed, per release),
  `sprints` (burndown, scope added and removed, carry-over, per sprint with a start),
  `trends` (weekly throughput, flow, cycle times, slips), `suspects` (requirement and epic
  rewordings; see `suspects.criterion_suspects` for test reports), `skipped` and
  `reworded`.
- `velocity.velocity_samples(closed, today) -> tuple[float, ...]`: closed sprints' points per
  week, which `read_history(..., velocity=...)` draws the points releases' forecasts from
  instead of weekly throughput.
- `suspects.criterion_suspects(history, tested) -> tuple[Suspect, ...]`: criteria reworded
  after the test report that verified them ran, from {address: ISO timestamp}.
- `suspects.run_time(stamp) -> float | None`: a test report's timestamp, in epoch seconds.
- `export.history_rows(history) -> list[Row]`: one row per item, field, value, commit, date.
- `cache_folder(root) -> Path`: where the build keeps the cache (`.cache/roadmark/`).

A second call for the same commit with the same cache file and the same `HistoryMemo`
returns the same `History` object, so `mkdocs serve` rebuilds do not derive it again. Symbolic
links, submodules and files the loader would not read (attachments, hidden files) hold no
item; a version larger than `SPEC_LIMIT`, or not UTF-8, or whose front matter is broken, is
skipped at that commit and counted in `skipped`.

One `git log --first-parent` pass over the ref (`gitlog.py`), its new blobs read in one
batch and parsed once each (`replay.py`), replayed into events that `cache.py` keeps by
commit, from which `timeline.py`, `burnup.py`, `sprints.py`, `trends.py` and `suspects.py`
derive the rest.
A build after a few new commits loads the cache (flat columns, checked a column at a time),
replays only those commits (writing the cache again once `REFRESH` of them pile up), and walks
the days once for the burn-up, the sprints' burndowns and the flow.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..plan.schedule import RoadmapOptions, Schedule
from ..review.git import GitError, Repository, open_repository
from ..review.revisions import product_folder
from ..spec.entries import SPEC_LIMIT
from ..spec.graph import build_graph
from ..spec.loader import load_bytes
from ..spec.model import Item
from ..spec.settings import Settings
from . import cache
from .burnup import Days, Tallier, current_ids, release_histories
from .gitlog import LogCommit, read_log
from .model import Commit, History
from .replay import SKIPPED, Parsed, Replay, Replayer, parse_blob
from .sprints import sprint_histories, sprint_of, sprint_spans
from .states import daily_states, item_from_view
from .suspects import reworded, suspects
from .timeline import commits_of, item_histories, slips
from .trends import Counted, FlowCounter, trends

SHALLOW = "the clone is shallow: fetch the whole history (actions/checkout `fetch-depth: 0`)"
REFRESH = 24
"""New commits (or new file versions) replayed after which the cache is written again; fewer
are replayed again by the next build, which costs less than writing the whole file."""
BATCH_BYTES = 64 * 1024 * 1024
"""Most blob bytes read by one `git cat-file` call, so memory stays bounded."""


def cache_folder(root: Path) -> Path:
    """Where a project keeps its history cache: outside the product folder, never published."""
    return root / ".cache" / "roadmark"


def read_history(
    root: Path,
    settings: Settings,
    *,
    ref: str | None = None,
    cache_dir: Path | None = None,
    today: date,
    memo: HistoryMemo | None = None,
    one_shot: bool = False,
    velocity: tuple[float, ...] = (),
) -> History:
    """The history of the product folder on the first-parent line of `ref` (HEAD if None).

    With a `memo` (and a cache), a second read of the same commit returns the first's result.
    `one_shot` says the process ends soon after (`mkdocs build`, the CLI): what the read
    made is then frozen out of the collector's way, as `load_product` does. `velocity`:
    closed sprints' points per week (`velocity.velocity_samples`), which the forecasts of
    releases counted in points draw from instead of the weekly throughput, when any is set.
    """
    # One pause for the whole read: the cache loaded and the history derived are many small
    # objects that all stay alive, which cyclic collections would walk again and again.
    with cache.paused_gc(freeze=one_shot):
        return _read(root, settings, ref, cache_dir, (today, velocity), memo)


def _read(
    root: Path,
    settings: Settings,
    ref: str | None,
    cache_dir: Path | None,
    asked: tuple[date, tuple[float, ...]],
    memo: HistoryMemo | None,
) -> History:
    root = root.resolve()
    today, velocity = asked
    try:
        repo = open_repository(root)
        if repo.run("rev-parse", "--is-shallow-repository").strip() == b"true":
            return History(available=False, reason=SHALLOW)
        head = _head(repo, ref)
        folder = product_folder(repo, root, settings)
        key = cache.settings_key(settings)
        path = cache.cache_file(cache_dir, folder, key) if cache_dir else None
        seen = (str(root), folder, head, key, asked, _stamp(path))
        known = memo.get(seen) if memo is not None and path is not None else None
        if known is not None:
            return known  # a rebuild of the same commit (`mkdocs serve`)
        replay = _replay(repo, head, folder, settings, (path, key))
        head_commit = _commit(repo, head)
    except GitError as exc:
        return History(available=False, reason=_reason(str(exc), ref))
    history = derive(replay, settings, head_commit, today, velocity)
    if memo is not None and path is not None:
        memo.keep((*seen[:5], _stamp(path)), history)
    return history


class HistoryMemo:
    """The last history read with a cache, kept for the next build of the same commit: the
    plugin holds one for as long as `mkdocs serve` runs."""

    def __init__(self) -> None:
        self._key: tuple[object, ...] | None = None
        self._history: History | None = None

    def get(self, key: tuple[object, ...]) -> History | None:
        """The history kept under `key`, if it is the last one read."""
        return self._history if key == self._key else None

    def keep(self, key: tuple[object, ...], history: History) -> None:
        """Keep `history` as the last one read, under `key`."""
        self._key, self._history = key, history


def _stamp(path: Path | None) -> tuple[int, int] | None:
    """The cache file's size and time: a memo is only good while the file is unchanged."""
    try:
        stat = path.stat() if path is not None else None
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns) if stat is not None else None


def derive(
    replay: Replay,
    settings: Settings,
    head: Commit,
    today: date,
    velocity: tuple[float, ...] = (),
) -> History:
    """Everything the pages show, from the replayed events; `velocity` as `read_history`."""
    commits = commits_of(replay)
    items = item_histories(replay, commits, settings)
    graph = build_graph(_head_releases(replay), settings)
    schedule = Schedule(graph, settings, RoadmapOptions(today=today))
    found_slips = slips(items, schedule.release_rank)
    changed = reworded(replay, commits, items)
    days, counted, sprint_days = walk_days(replay, commits, settings, bool(sprint_spans(replay)))
    return History(
        available=True,
        head=head,
        items=items,
        releases=release_histories(replay, commits, items, settings, head, days, velocity),
        sprints=sprint_histories(replay, items, settings, max(today, head.day), sprint_days),
        trends=trends(replay, commits, items, settings, head, tuple(found_slips), counted),
        suspects=suspects(replay, commits, items, changed),
        skipped=replay.skipped,
        reworded=changed,
    )


def walk_days(
    replay: Replay, commits: list[Commit], settings: Settings, sprints: bool = False
) -> tuple[Days, Counted, Days]:
    """The burn-up's tallies, the flow's counts and (when `sprints`, else none) the sprints'
    tallies of every day, from one walk of the events (each walk rebuilds every item's
    fields, day by day)."""
    final = current_ids(replay)
    tallier, counter = Tallier(settings, final), FlowCounter(settings)
    by_sprint = Tallier(settings, final, sprint_of) if sprints else None
    days: Days = []
    counted: Counted = []
    sprint_days: Days = []
    for day, state, changed in daily_states(replay, commits):
        days.append((day, tallier.update(state, changed)))
        counted.append((day, counter.update(state, changed)))
        if by_sprint is not None:
            sprint_days.append((day, by_sprint.update(state, changed)))
    return days, counted, sprint_days


def _head(repo: Repository, ref: str | None) -> str:
    try:
        return repo.commit(ref or "HEAD")
    except GitError:
        if ref:
            raise GitError(f"history_ref '{ref}' names no commit") from None
        raise GitError("the repository has no commit yet") from None


def _reason(message: str, ref: str | None) -> str:
    if "not inside a git" in message or "not a git repository" in message:
        return "the project is not in a git repository: build from a git clone to see history"
    if "not installed" in message:
        return "git is not installed: install git to see history"
    if message.startswith("history_ref"):
        return f"{message}: set `history_ref` to a branch or commit of this repository"
    return f"git could not read the history ({message})"


def _commit(repo: Repository, sha: str) -> Commit:
    line = repo.run("log", "-1", "--format=%ct %s", sha).decode("utf-8", "replace").strip()
    stamp, _, subject = line.partition(" ")
    if not stamp.isdecimal():
        raise GitError(f"cannot read commit {sha}")
    return commits_of(Replay(commits=[(sha, int(stamp), subject)]))[0]


def _replay(
    repo: Repository,
    head: str,
    folder: str,
    settings: Settings,
    stored: tuple[Path | None, str],
) -> Replay:
    path, key = stored
    replay = (cache.load(path, key) if path else None) or Replay()
    if replay.head == head:
        return replay
    if replay.head is not None and not _ancestor(repo, replay.head, head):
        replay = Replay()  # the branch was rewritten: read it cold
    since = replay.head
    commits = read_log(repo, head, folder, since)
    parsed = _parse_blobs(repo, commits, settings)
    replayer = Replayer(replay, lambda at, blob: _item_at(repo, at, blob, settings))
    for commit in commits:
        replayer.apply(commit, parsed)
    replay.head = head
    # A few new commits are cheaper to replay again next time than the whole file is to write:
    # the file stays at its older head (still an ancestor) until enough work piles up. A head
    # that moved without touching the product is written at once: nothing is left to replay.
    if path is not None and (
        since is None or not commits or max(len(commits), len(parsed)) >= REFRESH
    ):
        cache.save(path, replay, key)
    return replay


def _ancestor(repo: Repository, old: str, head: str) -> bool:
    try:
        repo.run("merge-base", "--is-ancestor", old, head)
    except GitError:
        return False
    return True


def _parse_blobs(
    repo: Repository, commits: list[LogCommit], settings: Settings
) -> dict[str, Parsed]:
    """Every new blob parsed once, read in batches; too large or missing is SKIPPED."""
    paths: dict[str, str] = {}
    for commit in commits:
        for change in commit.changes:
            if change.blob:
                paths.setdefault(change.blob, change.path)
    sizes = repo.blob_sizes(list(paths))
    parsed: dict[str, Parsed] = dict.fromkeys(paths, SKIPPED)
    batch: list[str] = []
    total = 0
    for blob in [blob for blob in paths if sizes.get(blob, SPEC_LIMIT + 1) <= SPEC_LIMIT]:
        batch.append(blob)
        total += sizes[blob]
        if total >= BATCH_BYTES:
            _parse_batch(repo, batch, paths, settings, parsed)
            batch, total = [], 0
    _parse_batch(repo, batch, paths, settings, parsed)
    return parsed


def _parse_batch(
    repo: Repository,
    batch: list[str],
    paths: dict[str, str],
    settings: Settings,
    parsed: dict[str, Parsed],
) -> None:
    for blob, data in repo.read_blobs(batch).items():
        parsed[blob] = parse_blob(paths[blob], data, settings)


def _item_at(repo: Repository, path: str, blob: str, settings: Settings) -> Item | None:
    sizes = repo.blob_sizes([blob])
    if sizes.get(blob, SPEC_LIMIT + 1) > SPEC_LIMIT:
        return None
    data = repo.read_blobs([blob])[blob]
    return load_bytes(path, data, settings).source.item


def _head_releases(replay: Replay) -> list[Item]:
    """The releases of the head, as light items (fields as text, dates as dates): enough for
    `Schedule` to order them by date as the roadmap does."""
    return [
        item_from_view(path, view)
        for path, (_, view) in sorted(replay.files.items())
        if view.kind == "release"
    ]
