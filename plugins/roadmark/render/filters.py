"""Filterable tables: a filter box, a select per chosen column and the count of rows shown.

Generic, so any table can use it (indexes, the traceability tables): the controls name
their table by id, and `assets/roadmark.js` reads only these data attributes:

- `data-roadmark-filters="<table id>"` on the controls, which stay `hidden` until the
  script runs, so that without JavaScript no control promises what nothing does;
- `data-roadmark-filter-text` on the box, `data-roadmark-filter-column="<index>"` on each
  select, whose values match a cell's text exactly;
- `data-roadmark-count="<table id>"` on the count, with its nouns in `data-roadmark-one`
  and `data-roadmark-many`. Written in full here, so without JavaScript it is true.

Every value is escaped here: options come from specs.
"""

from __future__ import annotations

from collections.abc import Sequence

from .html import attr, escape


def filter_controls(
    table_id: str, noun: str, selects: Sequence[tuple[int, str, Sequence[str]]]
) -> str:
    """The filter box and a select per `(column index, label, values)`, values in order."""
    box = (
        f'<input type="search" class="md-input roadmark-filter__text" data-roadmark-filter-text '
        f'placeholder="Filter {attr(noun)}" aria-label="Filter {attr(noun)}">'
    )
    chosen = "".join(
        f'<label class="roadmark-filter__column">{escape(label)} '
        f'<select data-roadmark-filter-column="{index}"><option value="">All</option>'
        + "".join(f'<option value="{attr(value)}">{escape(value)}</option>' for value in values)
        + "</select></label>"
        for index, label, values in selects
    )
    return (
        f'<div class="roadmark-filters" data-roadmark-filters="{attr(table_id)}" hidden>'
        f"{box}{chosen}</div>\n"
    )


def row_count(table_id: str, rows: int, one: str, many: str) -> str:
    """ "12 of 80 stories", as it is with every row shown; the script keeps it up to date."""
    noun = one if rows == 1 else many
    return (
        f'<p class="roadmark-count" data-roadmark-count="{attr(table_id)}" '
        f'data-roadmark-one="{attr(one)}" data-roadmark-many="{attr(many)}" aria-live="polite">'
        f"{rows} of {rows} {escape(noun)}</p>\n"
    )
