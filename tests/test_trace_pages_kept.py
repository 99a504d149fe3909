"""The trace hub's key (`_hub_key`) is compared before and after each edit under `serve`:
when it is equal, the hub's parts (the gaps) are not made again, so parts made from equal
keys must be equal. The key holds the gap lists as they are, in which an unchanged item's
clauses are the same objects, so it costs nothing to make and little to compare. The
fixture is `tests/fixtures/trace` (see `test_trace.py`), traced as the preview traces it.
"""

from __future__ import annotations

from collections.abc import Hashable
from itertools import combinations
from pathlib import Path

import pytest

from roadmark.render.trace_pages import trace_pages
from roadmark.trace.coverage import KeptTrace, build_trace
from roadmark.trace.evidence import read_evidence
from roadmark.trace.lists import plan_lists
from test_trace_kept import EDITS, Traced

MORE_EDITS = [
    # A story with no criteria cancelled: it leaves that gap, and no other.
    ("product/stories/STORY-3.md", "status: backlog", "status: cancelled"),
    # A criterion's text: the gaps show its address only.
    ("product/stories/STORY-1.md", "- AC-1: ", "- AC-1: Reworded, "),
]
ADDED = ("product/stories/STORY-1.md", "- AC-1: ", "- AC-9: Given more, then more.\n- AC-1: ")
"""A criterion added to a story that has some: one more untested, and no other gap."""
NEW_REQUIREMENT = (
    "product/prds/PRD-1.md",
    "- R-1: ",
    "- R-9: The system shall do more.\n- R-1: ",
)
"""A requirement added: one more with no story, and no other gap."""


def _hub(traced: Traced, kept: KeptTrace) -> tuple[Hashable, dict[str, str]]:
    """The hub's key and parts, planned as the preview plans them."""
    product = traced.load()
    evidence = read_evidence(traced.root, ["reports/*.xml"], product.graph, traced.settings)
    trace = build_trace(product, evidence, kept)
    hub = trace_pages(trace, plan_lists(trace, product.graph))[0]
    assert hub.key is not None and hub.parts is not None
    return hub.key(), hub.parts(lambda item, anchor: f"{item}.html#{anchor}")


@pytest.mark.roadmark("STORY-89/AC-2")
def test_hub_parts_made_from_equal_keys_are_equal(tmp_path: Path) -> None:
    traced, kept = Traced(tmp_path), KeptTrace()
    made = [_hub(traced, kept)]
    for edit in [*MORE_EDITS, *EDITS, ADDED, NEW_REQUIREMENT]:
        traced.edit(*edit)
        made.append(_hub(traced, kept))
    same = 0
    for (key, parts), (other_key, other_parts) in combinations(made, 2):
        if key == other_key:
            same += 1
            assert parts == other_parts
    # A title or a criterion's text leaves the key equal: the gaps are not made again.
    reworded, titled = made[2], made[3]
    assert titled[0] == reworded[0] == made[1][0]
    assert same >= 3 and made[0][0] != made[1][0]
