"""The small pieces every history view writes: commit links, slip chains, "unavailable".

A commit links to `<repo_url>/commit/<sha>` when `repo_url` is set in `mkdocs.yml`,
and is shown as its short id otherwise; its subject is the tooltip. Commit subjects
and field values come from git and specs: every one is escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..history.model import UNAVAILABLE_NOTE, Commit, History, Slip
from .html import attr, escape, title_attr

SHORT_SHA = 7

_TIMES = {1: "once", 2: "twice"}


def commit_link(commit: Commit, repo_url: str | None) -> str:
    """A commit's short id, linked to its page on the forge when `repo_url` is known."""
    short = f"<code>{escape(commit.sha[:SHORT_SHA])}</code>"
    tooltip = title_attr(commit.subject)
    if not repo_url:
        return f"<span{tooltip}>{short}</span>"
    url = f"{repo_url.rstrip('/')}/commit/{commit.sha}"
    return f'<a href="{attr(url)}"{tooltip}>{short}</a>'


def unavailable_note(history: History) -> str:
    """The note every history view shows instead of itself: why, and the fix."""
    reason = history.reason or "history was not read"
    # A quiet line, not an admonition: every site outside git shows it on every page.
    return (
        f'<p class="roadmark-history-unavailable"><strong>{UNAVAILABLE_NOTE}</strong>: '
        f"{escape(reason)}</p>\n"
    )


def times(count: int) -> str:
    """`once`, `twice`, `3 times`."""
    return _TIMES.get(count, f"{count} times")


def slip_chain(slips: Sequence[Slip]) -> str:
    """The values one field went through, e.g. `R1 → R2 → R3`, from its slips in order.

    A value moved earlier between two slips (not a slip itself) still shows in the chain.
    """
    chain: list[str] = []
    for slip in slips:
        if not chain or chain[-1] != slip.before:
            chain.append(slip.before)
        chain.append(slip.after)
    return " → ".join(chain)


def slip_sentence(field: str, slips: Sequence[Slip]) -> str:
    """E.g. `Release slipped twice: R1 → R2 → R3` (plain text, not yet escaped)."""
    label = "Release" if field == "release" else field.replace("_", " ").capitalize()
    return f"{label} slipped {times(len(slips))}: {slip_chain(slips)}"
