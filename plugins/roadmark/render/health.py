"""Releases' health where a release is shown outside the roadmap: the at-risk flag and its
reasons on item cards (a release, its epics, the PRDs it delivers) and the release index.

The same flag and warning as the roadmap page (`roadmap.py`), so a release at risk
looks the same everywhere. Written as HTML into deferred parts; every reason passes
through the linker's escaping.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..plan.roadmap import ReleasePlan
from ..spec.model import Item
from .html import Markup
from .markdown import admonition

MAX_REASONS = 10
"""Risk reasons listed per release; a release with many late dependencies says how many more."""


def flag(kind: str, label: str) -> str:
    """A flag such as "at risk", styled by `roadmark-flag--<kind>` (a fixed label, not escaped)."""
    return f'<span class="roadmark-flag roadmark-flag--{kind}">{label}</span>'


AT_RISK = flag("at-risk", "at risk")


def health_row(item: Item, plans: Sequence[ReleasePlan], linker: Markup) -> list[str] | None:
    """The card row of an item's release health, or None when there is nothing to show.

    A release's own card is flagged only when at risk; an epic's or a PRD's lists the
    releases holding its work, flagging those at risk.
    """
    if item.kind == "release":
        return ["Health", AT_RISK] if plans and plans[0].at_risk else None
    if not plans:
        return None
    shown = [
        linker.link(plan.release.id) + (f" {AT_RISK}" if plan.at_risk else "") for plan in plans
    ]
    return ["Delivered in", ", ".join(shown)]


def health_warning(item: Item, plans: Sequence[ReleasePlan], linker: Markup) -> str:
    """The warning under a card naming why each of `plans` at risk is, or nothing."""
    risky = [plan for plan in plans if plan.at_risk]
    if not risky:
        return ""
    if item.kind == "release":
        body = _reasons(risky[0], linker)
    else:
        body = "".join(
            f"<p>{linker.link(plan.release.id)} {AT_RISK}</p>\n{_reasons(plan, linker)}"
            for plan in risky
        )
    return admonition("warning roadmark-risk", "At risk", body)


def health_cell(plan: ReleasePlan | None, linker: Markup) -> str:
    """A release index cell: the flag and its reasons, or nothing for a release on track."""
    if plan is None or not plan.at_risk:
        return ""
    reasons = "; ".join(linker.text(risk.reason) for risk in plan.risks[:MAX_REASONS])
    return f"{AT_RISK} {reasons}{_more(plan, '; and ')}"


def _reasons(plan: ReleasePlan, linker: Markup) -> str:
    lines = [f"<li>{linker.text(risk.reason)}</li>" for risk in plan.risks[:MAX_REASONS]]
    more = _more(plan, "and ")
    if more:
        lines.append(f"<li>{more}</li>")
    return "<ul>\n" + "\n".join(lines) + "\n</ul>\n"


def _more(plan: ReleasePlan, lead: str) -> str:
    extra = len(plan.risks) - MAX_REASONS
    return f"{lead}{extra} more dependencies like these" if extra > 0 else ""
