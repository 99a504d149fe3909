"""Templates for new specs and new spec sites, the next free id, and where a kind's files go."""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from ..spec.clauses import TEMPLATES
from ..spec.graph import natural_key
from ..spec.model import Item
from ..spec.settings import SPRINT_KIND
from ..text.words import plural
from .atomic import write_files

DEFAULT_PREFIXES = {
    "prd": "PRD-",
    "epic": "EPIC-",
    "story": "STORY-",
    "release": "R",
    SPRINT_KIND: "SPRINT-",
}
"""Id prefixes of the built-in kinds when none of their items exist yet."""

SPRINT_DAYS = 14
"""The length of a new sprint when nothing else is known: two weeks, `end` its last day."""

_NUMBERED = re.compile(r"^(.*?)(\d+)$")
_LETTERS = re.compile(r"^[^\d]*")

# The clause lines are RM024's placeholders (clauses.TEMPLATES): reported once the item
# leaves its first state without them being rewritten.
BODIES = {
    "prd": f"""
## Problem

Who has the problem, how do we know, and what does it cost them?

## Goals

- …

## Non-goals

- …

## Requirements

- {TEMPLATES["requirement"]}

## Success metrics

- …
""",
    "epic": """
What this epic delivers, and why now.

## Scope

- …

## Done when

- …
""",
    "story": f"""
As a …, I want …, so that ….

## Acceptance criteria

- {TEMPLATES["criterion"]}.
""",
    "release": """
What this release brings, and for whom.

## Scope

- …
""",
    SPRINT_KIND: """
What the team commits to in this sprint. Its stories name it in their `sprint` field.

## Notes

- …
""",
}
GENERIC_BODY = "\nDescribe this {kind}.\n"


def next_id(kind: str, items: Iterable[Item]) -> str:
    """The id after the highest one of `kind` (STORY-941 → STORY-942, R0.3 → R0.4), unused."""
    items = list(items)
    taken = {item.id for item in items}
    numbered = [item.id for item in items if item.kind == kind and _NUMBERED.match(item.id)]
    if numbered:
        # The most common leading letters win, so one stray `US-7` does not change the scheme;
        # within them the highest id by natural order (R1.0 after R0.9).
        letters = Counter(_letters(i) for i in numbered).most_common(1)[0][0]
        last = max((i for i in numbered if _letters(i) == letters), key=natural_key)
        match = _NUMBERED.match(last)
        assert match is not None  # every id in `numbered` matched
        prefix, digits = match.groups()
        number, width = int(digits), len(digits)
    else:
        prefix, number, width = DEFAULT_PREFIXES.get(kind, f"{kind.upper()}-"), 0, 1
    while True:
        number += 1
        candidate = f"{prefix}{number:0{width}d}"
        if candidate not in taken:
            return candidate


def _letters(item_id: str) -> str:
    """The id's leading non-digits: `STORY-` of `STORY-12`."""
    match = _LETTERS.match(item_id)
    return match[0] if match else ""  # never None: the pattern also matches emptily


def sprint_dates(items: Iterable[Item], today: date) -> tuple[date, date]:
    """The first and last day of a new sprint: two weeks from today, or from the day after
    the last sprint ends when that is later, so sprints made one after another follow on."""
    ends = [
        end
        for item in items
        if item.kind == SPRINT_KIND and isinstance(end := item.fields.get("end"), date)
    ]
    start = max([today, *(end + timedelta(days=1) for end in ends)])
    return start, start + timedelta(days=SPRINT_DAYS - 1)


def kind_folder(kind: str, items: Iterable[Item]) -> str:
    """The folder (relative to the product folder) holding most files of `kind`, else its plural."""
    folders = Counter(posixpath.dirname(item.path) for item in items if item.kind == kind)
    return folders.most_common(1)[0][0] if folders else plural(kind)


def spec_text(kind: str, fields: Mapping[str, Any]) -> str:
    """A new spec file: front matter with `fields` in order, then the kind's skeleton body."""
    front = yaml.safe_dump(
        dict(fields), sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000
    )
    body = BODIES.get(kind, GENERIC_BODY.format(kind=kind))
    return f"---\n{front}---\n{body}"


def site_files(site_name: str, today: date) -> dict[str, str]:
    """The files of a new spec site, by path: config, docs index and one linked spec per kind."""
    start, ship = today.isoformat(), (today + timedelta(weeks=6)).isoformat()
    name = yaml.safe_dump(site_name, default_style='"').strip()
    return {
        "mkdocs.yml": _SITE_CONFIG.format(name=name),
        "docs/index.md": _DOCS_INDEX.format(name=site_name),
        "product/prds/PRD-1.md": _SAMPLE_PRD,
        "product/epics/EPIC-1.md": _SAMPLE_EPIC.format(start=start, target=ship),
        "product/stories/STORY-1.md": _SAMPLE_STORY,
        "product/releases/R1.md": _SAMPLE_RELEASE.format(start=start, date=ship),
    }


def write_new(folder: Path, files: Mapping[str, str]) -> list[Path]:
    """Write `files` under `folder`, or nothing at all if any of them exists already.

    Raises FileExistsError (also for a file created meanwhile) or CannotWrite (a full disk);
    either way, no file or folder made by this call is left behind.
    """
    existing = [path for path in files if (folder / path).exists()]
    if existing:
        raise FileExistsError(", ".join(existing))
    return write_files({folder / path: text for path, text in files.items()}, overwrite=False)


_SITE_CONFIG = """\
site_name: {name}

theme:
  name: material
  features:
    - navigation.indexes
    - navigation.sections
    - search.highlight

plugins:
  - search
  - roadmark:
      product_dir: product

markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.superfences
"""

_DOCS_INDEX = """\
# {name}

This site is built by Roadmark from the product specs in the `product/` folder:
Markdown files with YAML front matter, checked and cross-linked.

The sample plan to start from: PRD-1 states the problem and the requirements,
EPIC-1 delivers it, STORY-1 carries the acceptance criteria, and release R1
ships it. Change them, or replace them with your own.

## Working on the specs

- `roadmark new story --title "Export saved searches" --epic EPIC-1` adds a story
  with the next free id.
- `roadmark check` reports broken references and rule violations.
- `roadmark diff` shows what a branch changes in the plan.
- `mkdocs serve` previews the site while you write.
"""

_SAMPLE_PRD = """\
---
id: PRD-1
kind: prd
title: Saved searches
status: draft
release: R1
owner: you
priority: P1
theme: Faster discovery
metrics:
  - {name: "Searches run again from a saved search, per week", baseline: "0", target: "500"}
---

## Problem

Shoppers repeat the same searches every week and type them again each time.

## Goals

- Let a shopper save a search and run it again in one click.

## Non-goals

- Notifying shoppers about new results; a later PRD.

## Requirements

- R-1: The system shall let a signed-in shopper save the current search under a name.
- R-2: The system shall list a shopper's saved searches and run one with a single click.

## Success metrics

The metric in the front matter is read from the search logs each week.
"""

_SAMPLE_EPIC = """\
---
id: EPIC-1
kind: epic
title: Save and rerun searches
status: planned
prd: PRD-1
release: R1
owner: you
start: {start}
target: {target}
---

Everything a shopper needs to save a search and run it again.

## Scope

- Saving the current search, listing saved searches, running one.
"""

_SAMPLE_STORY = """\
---
id: STORY-1
kind: story
title: Save the current search
status: ready
epic: EPIC-1
release: R1
implements: [PRD-1/R-1, PRD-1/R-2]
type: feature
estimate: 3
owner: you
---

As a shopper, I want to save my current search, so that I can run it again later.

## Acceptance criteria

- AC-1: Given a signed-in shopper on a results page, when they save the search
  as "Red shoes", then "Red shoes" appears in their saved searches.
- AC-2: Given a saved search, when the shopper selects it, then its results are shown.
"""

_SAMPLE_RELEASE = """\
---
id: R1
kind: release
title: First release
status: planned
start: {start}
date: {date}
---

The first release: shoppers can save searches and run them again.
"""
