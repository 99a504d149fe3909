"""What tracing keeps between the plannings of a served site (`KeptTrace`) traces exactly
what tracing afresh traces, after each edit of a spec or of the test results, and is reused
where nothing it read changed. The fixture is `tests/fixtures/trace` (see `test_trace.py`)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from roadmark.spec.loader import SpecCache
from roadmark.spec.product import Product, load_product
from roadmark.spec.settings import settings_from_options
from roadmark.trace.coverage import KeptTrace, Trace, build_trace
from roadmark.trace.evidence import read_evidence

FIXTURE = Path(__file__).parent / "fixtures" / "trace"


class Traced:
    """The fixture copied, loaded through one parsed-spec cache as the preview loads it."""

    def __init__(self, root: Path) -> None:
        self.root = root / "project"
        shutil.copytree(FIXTURE, self.root)
        self.cache, self.settings = SpecCache(), settings_from_options({})
        self._stamp = 0

    def load(self) -> Product:
        return load_product(self.root, self.settings, self.cache)

    def trace(self, kept: KeptTrace | None) -> Trace:
        """Load the specs and the test results again, and trace them."""
        product = self.load()
        evidence = read_evidence(self.root, ["reports/*.xml"], product.graph, self.settings)
        return build_trace(product, evidence, kept)

    def edit(self, path: str, old: str, new: str) -> None:
        """Replace `old` by `new` in `path`, with a later stamp, as an editor's save."""
        file = self.root / path
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {path}"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")
        self._stamp = max(file.stat().st_mtime_ns, self._stamp) + 1_000_000
        os.utime(file, ns=(self._stamp, self._stamp))


EDITS = [
    # A title: the story's trace holds the story.
    ("product/stories/STORY-1.md", "title: ", "title: Renamed, "),
    # A requirement no longer implemented: the story's trace and PRD-2's R-1 change.
    ("product/stories/STORY-2.md", "PRD-1/R-1, PRD-2/R-1", "PRD-1/R-1"),
    # A requirement gone from its PRD: STORY-2, unchanged, implements one fewer that exists.
    ("product/prds/PRD-2.md", "- R-1: The system shall publish specs.", "Nothing yet."),
    # A story cancelled: it leaves the trace and every figure.
    ("product/stories/STORY-4.md", "status: ready", "status: cancelled"),
    # A criterion added: untested, in its story's trace and in the figures.
    (
        "product/stories/STORY-3.md",
        "Not written yet.",
        "## Acceptance criteria\n\n- AC-1: Given a rule, when read, then it is explained.",
    ),
    # The test results: a failing test passes.
    ("reports/junit.xml", '<failure message="expected line 3, got 4">AssertionError</failure>', ""),
]


@pytest.mark.roadmark("STORY-89/AC-2")
@pytest.mark.parametrize(("path", "old", "new"), EDITS)
def test_the_kept_trace_is_the_trace_after_an_edit(
    tmp_path: Path, path: str, old: str, new: str
) -> None:
    traced, kept = Traced(tmp_path), KeptTrace()
    before = traced.trace(None)
    assert traced.trace(kept) == before
    traced.edit(path, old, new)
    fresh = traced.trace(None)
    assert traced.trace(kept) == fresh
    assert fresh != before, "the edit changes the trace"


def test_the_kept_trace_makes_again_only_what_an_edit_reached(tmp_path: Path) -> None:
    traced, kept = Traced(tmp_path), KeptTrace()
    first = traced.trace(kept)
    made = kept.items.made, kept.requirements.made, kept.prds.made
    again = traced.trace(kept)
    assert (kept.items.made, kept.requirements.made, kept.prds.made) == made
    assert again.stories["STORY-6"] is first.stories["STORY-6"]
    traced.edit(*EDITS[0])
    edited = traced.trace(kept)
    # STORY-1's part; PRD-1's R-1, which it implements; the traces of PRD-1, which holds it.
    assert kept.items.made - made[0] == 1
    assert kept.requirements.made - made[1] == 1
    assert kept.prds.made - made[2] == 1
    assert edited.by_prd["PRD-2"] is first.by_prd["PRD-2"]
    # Which requirements each story implements reads the links into the PRDs alone: a title
    # leaves them equal; an `implements` edit changes them, and they are made again.
    assert kept.implemented.made == 1
    traced.edit(*EDITS[1])
    assert traced.trace(kept).stories["STORY-2"].implements == ("PRD-1/R-1",)
    assert kept.implemented.made == 2
