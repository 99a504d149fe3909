"""Requirements and acceptance criteria parsed from spec bodies."""

from __future__ import annotations

import textwrap

import pytest

from roadmark.spec.clauses import ParsedClauses, parse_clauses
from roadmark.spec.loader import load_text
from roadmark.spec.model import Position
from roadmark.spec.settings import Settings


def parse(body: str, first_line: int = 1) -> ParsedClauses:
    """Parse an inline body (dedented) owned by STORY-1."""
    return parse_clauses(textwrap.dedent(body).lstrip("\n"), first_line, "STORY-1")


def texts(parsed: ParsedClauses) -> dict[str, str]:
    """Every clause's text by local id, requirements first."""
    return {clause.local_id: clause.text for clause in parsed.requirements + parsed.criteria}


@pytest.mark.roadmark("STORY-3/AC-2")
def test_given_when_then_over_several_lines_is_one_criterion() -> None:
    """Continuation lines belong to the criterion they continue."""
    parsed = parse("""
        ## Acceptance criteria

        - AC-1: Given a story at ready,
          when it is checked,
          then nothing is reported.
        - AC-2: Given a story at ready with no criteria,
          when it is checked,
          then a warning names its status line.
    """)
    assert texts(parsed) == {
        "AC-1": "Given a story at ready,\nwhen it is checked,\nthen nothing is reported.",
        "AC-2": (
            "Given a story at ready with no criteria,\nwhen it is checked,\n"
            "then a warning names its status line."
        ),
    }
    assert [c.position for c in parsed.criteria] == [Position(3, 3), Position(6, 3)]
    assert parsed.unnumbered == []


def test_nested_sub_bullets_are_one_criterion() -> None:
    """Given/When/Then written as sub-bullets stay inside their criterion."""
    parsed = parse("""
        ## Acceptance criteria

        - AC-1:
          - Given a folder with two specs
          - When it is checked
          - Then both are listed
        - AC-2: Given nothing, when checked, then nothing.
    """)
    assert texts(parsed) == {
        "AC-1": "- Given a folder with two specs\n- When it is checked\n- Then both are listed",
        "AC-2": "Given nothing, when checked, then nothing.",
    }
    assert parsed.unnumbered == []


def test_nested_ids_do_not_split_a_criterion() -> None:
    """A sub-bullet that looks like an id is still part of its parent item."""
    parsed = parse("""
        ## Acceptance criteria
        - AC-1: Given a parent
          - AC-2: this is a note inside AC-1
    """)
    assert list(texts(parsed)) == ["AC-1"]


def test_lazy_and_paragraph_continuations() -> None:
    """A lazy continuation line and an indented paragraph after a blank line both continue."""
    parsed = parse("""
        ## Acceptance criteria
        - AC-1: Given a long line
        that the editor did not indent
        - AC-2: Given a first paragraph

          and a second, indented paragraph

        A paragraph that is not indented ends the list item.
        - AC-3: Next.
    """)
    assert texts(parsed) == {
        "AC-1": "Given a long line\nthat the editor did not indent",
        "AC-2": "Given a first paragraph\n\nand a second, indented paragraph",
        "AC-3": "Next.",
    }


def test_local_ids_are_stable_under_reordering() -> None:
    """An id addresses the same text wherever the item moves in the list."""
    items = ["- R-1: Check specs.", "- R-2: Report problems.", "- R-10: Export the graph."]
    forward = parse("## Requirements\n" + "\n".join(items) + "\n")
    backward = parse("## Requirements\n" + "\n".join(reversed(items)) + "\n")
    assert texts(forward) == texts(backward)
    assert [r.local_id for r in backward.requirements] == ["R-10", "R-2", "R-1"]
    assert {r.address for r in backward.requirements} == {
        "STORY-1/R-1",
        "STORY-1/R-2",
        "STORY-1/R-10",
    }


@pytest.mark.roadmark("STORY-3/AC-4", "STORY-15/AC-3")
def test_criteria_keep_id_address_and_anchor_when_reordered() -> None:
    """AC-3, AC-1, AC-2 in that order are still AC-1..3, each with its own address and anchor."""
    front = "---\nid: STORY-7\nkind: story\ntitle: T\nstatus: ready\n---\n## Acceptance criteria\n"
    items = {n: f"- AC-{n}: Given case {n}, when checked, then result {n}." for n in (1, 2, 3)}

    def criteria(order: tuple[int, ...]) -> dict[str, tuple[str, str, str]]:
        text = front + "\n".join(items[n] for n in order) + "\n"
        item = load_text("stories/STORY-7.md", text, Settings()).source.item
        assert item is not None
        return {c.local_id: (c.address, c.anchor, c.text) for c in item.criteria}

    in_order, reordered = criteria((1, 2, 3)), criteria((3, 1, 2))
    assert reordered == in_order
    assert reordered["AC-3"] == (
        "STORY-7/AC-3",
        "ac-3",
        "Given case 3, when checked, then result 3.",
    )
    assert [address for address, _, _ in in_order.values()] == [
        "STORY-7/AC-1",
        "STORY-7/AC-2",
        "STORY-7/AC-3",
    ]


@pytest.mark.parametrize("fence", ["```", "~~~", "````", "```yaml"])
def test_fenced_code_is_not_parsed(fence: str) -> None:
    """List items inside a fenced block under the heading are example text, not clauses."""
    close = fence.rstrip("yaml")
    parsed = parse(f"## Acceptance criteria\n{fence}\n- AC-9: An example\n{close}\n- AC-1: Real\n")
    assert list(texts(parsed)) == ["AC-1"]
    assert parsed.criteria[0].position.line == 5


def test_shorter_fence_inside_longer_fence() -> None:
    """A ``` line inside a ```` block does not close it (CommonMark)."""
    parsed = parse("""
        ## Acceptance criteria
        ````markdown
        ```
        - AC-9: Example inside an example
        ```
        - AC-8: Still inside the outer block
        ````
        - AC-1: Real
    """)
    assert list(texts(parsed)) == ["AC-1"]


def test_fence_with_info_string_does_not_close() -> None:
    """A line like ```python inside a block opens nothing and closes nothing."""
    parsed = parse("## Acceptance criteria\n```\n```python\n- AC-9: no\n```\n- AC-1: yes\n")
    assert list(texts(parsed)) == ["AC-1"]


def test_fence_inside_an_item_belongs_to_the_item() -> None:
    """Code indented under a criterion is part of its text."""
    parsed = parse("""
        ## Acceptance criteria
        - AC-1: Given this front matter:
          ```yaml
          - AC-7: not a criterion
          ```
        - AC-2: Next.
    """)
    assert texts(parsed) == {
        "AC-1": "Given this front matter:\n```yaml\n- AC-7: not a criterion\n```",
        "AC-2": "Next.",
    }


def test_heading_inside_fence_starts_no_section() -> None:
    """A `## Requirements` line in a code block is not a heading."""
    parsed = parse("```\n## Requirements\n- R-1: no\n```\n- R-2: no\n")
    assert texts(parsed) == {}


@pytest.mark.roadmark("STORY-3/AC-3")
def test_section_ends_at_heading_of_same_or_higher_level() -> None:
    """Deeper headings stay in the section; a sibling or parent heading ends it."""
    parsed = parse("""
        # Story
        ## Acceptance criteria
        - AC-1: In the section.
        ### Edge cases
        - AC-2: Under a deeper heading, still in the section.
        ## Notes
        - AC-3: A note, not a criterion.
        ## Requirements
        - R-1: In the requirements section.
        # Appendix
        - R-2: After a higher heading, not a requirement.
    """)
    assert list(texts(parsed)) == ["R-1", "AC-1", "AC-2"]


def test_prose_mentioning_a_section_is_no_heading() -> None:
    """Only a heading opens a section, not a sentence or a list item with the same words."""
    parsed = parse("Acceptance criteria\n- AC-1: no\n\n- Requirements\n- R-1: no\n")
    assert texts(parsed) == {}


@pytest.mark.parametrize(
    "heading",
    [
        "## Acceptance criteria",
        "## Acceptance Criteria:",
        "### acceptance criteria ###",
        "#  Acceptance criteria",
    ],
)
def test_heading_spellings(heading: str) -> None:
    """Section headings match whatever their level, case, trailing colon or closing hashes."""
    assert list(texts(parse(f"{heading}\n- AC-1: yes\n"))) == ["AC-1"]


@pytest.mark.parametrize(
    ("line", "col"),
    [
        ("- **AC-1**: Given bold", 5),
        ("- **AC-1:** Given bold with the colon inside", 5),
        ("- __AC-1__: Given underscores", 5),
        ("* AC-1: Given a star bullet", 3),
        ("+ AC-1: Given a plus bullet", 3),
    ],
)
def test_bold_ids_and_bullets(line: str, col: int) -> None:
    """Bold ids and every bullet marker give the id, its column and the text after the colon."""
    parsed = parse(f"## Acceptance criteria\n{line}\n")
    (criterion,) = parsed.criteria
    assert criterion.local_id == "AC-1"
    assert criterion.text.startswith("Given")
    assert criterion.position == Position(2, col)


def test_numbered_lists() -> None:
    """`1.` and `1)` lists carry ids too, and the position points at the id."""
    parsed = parse(
        "## Requirements\n1. R-1: First.\n2) R-2: Second.\n10. R-3: Tenth,\n    wrapped.\n"
    )
    assert texts(parsed) == {"R-1": "First.", "R-2": "Second.", "R-3": "Tenth,\nwrapped."}
    assert [r.position for r in parsed.requirements] == [
        Position(2, 4),
        Position(3, 4),
        Position(4, 5),
    ]


def test_dotted_local_ids() -> None:
    """Sub-numbered ids like R-1.2 are ids of their own."""
    parsed = parse("## Requirements\n- R-1: Parent.\n- R-1.2: Refinement.\n")
    assert list(texts(parsed)) == ["R-1", "R-1.2"]


def test_unnumbered_items_are_reported_and_do_not_hide_the_next() -> None:
    """An item without an id is listed as unnumbered; the numbered items after it still count."""
    parsed = parse("""
        ## Acceptance criteria
        - Given no id, when checked, then warned.
          More text of the unnumbered item.
        - AC-1: Given an id.
        - `AC-2`: an id in a code span is not an id
        - AC-3: Given another id.
    """)
    assert list(texts(parsed)) == ["AC-1", "AC-3"]
    assert parsed.unnumbered == [("criterion", Position(2, 3)), ("criterion", Position(5, 3))]


def test_crlf_body() -> None:
    """Carriage returns do not leak into clause text."""
    parsed = parse("## Acceptance criteria\r\n- AC-1: Given a\r\n  when b\r\n")
    assert texts(parsed) == {"AC-1": "Given a\nwhen b"}


def test_requirements_and_criteria_in_one_body() -> None:
    """Each section yields its own kind of clause."""
    parsed = parse("## Requirements\n- R-1: Shall.\n## Acceptance criteria\n- AC-1: Given.\n")
    assert [(c.kind, c.local_id) for c in parsed.requirements + parsed.criteria] == [
        ("requirement", "R-1"),
        ("criterion", "AC-1"),
    ]


@pytest.mark.roadmark("STORY-3/AC-1")
def test_positions_are_file_lines_through_the_loader() -> None:
    """Clause lines count from the top of the file, front matter included."""
    text = textwrap.dedent("""\
        ---
        id: PRD-3
        kind: prd
        title: T
        status: draft
        ---
        Intro.

        ## Requirements

        - R-1: The system shall check.
        - R-2: The system shall report.
    """)
    item = load_text("prds/PRD-3.md", text, Settings()).source.item
    assert item is not None
    assert [(r.address, r.position.line, r.anchor) for r in item.requirements] == [
        ("PRD-3/R-1", 11, "r-1"),
        ("PRD-3/R-2", 12, "r-2"),
    ]
    assert [r.text for r in item.requirements] == [
        "The system shall check.",
        "The system shall report.",
    ]
