"""Check front matter values against the configured field types.

Turns a file's raw front matter into a typed `Item`: dates become `date`
objects, and a value of the wrong type is reported and left out, so nothing
downstream ever sees it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from ..text.printable import UNPRINTABLE
from ..text.suggest import did_you_mean
from ..text.words import clipped, with_article
from .frontmatter import FrontMatter
from .ids import is_address, is_id
from .model import Item, Position
from .settings import PAGE_KEYS, FieldSpec, Settings

Report = Callable[[str, Position, str], None]
"""Reports a problem: rule code, where, message."""

SPEC_MARKERS = ("id", "kind", "status")
"""Front matter with any of these fields makes a file a spec; without, it is a plain page."""

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_METRIC_KEYS = ("name", "baseline", "target")
_TOO_LARGE = "a number too large to show"

NUMBER_LIMIT = 10**12
"""The largest size of a number in any field, either way: far beyond any estimate or metric,
and small enough that every total stays exact and finite. Floats hold whole numbers exactly
to 2**53 (about 9e15), so thousands of stories at the limit still add up exactly; and
beyond 1.8e308 a YAML number does not even convert to a float (`1` and 309 zeros)."""
_LIMIT_TEXT = "1e12"


class _Invalid(Exception):
    """A value does not fit its type; carries the rule code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def is_bounded(value: Any) -> bool:
    """Whether `value` is a number every number field accepts, and so every total may add:
    finite and within NUMBER_LIMIT."""
    # `abs(x) <= limit` is false for NaN and infinities, and exact for integers of any size.
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and abs(value) <= NUMBER_LIMIT
    )


def is_spec(data: dict[str, Any] | None) -> bool:
    """Whether front matter `data` describes a spec item rather than a plain page."""
    return data is not None and any(marker in data for marker in SPEC_MARKERS)


def build_item(path: str, front: FrontMatter, settings: Settings, report: Report) -> Item:
    """Type-check `front` (which must describe a spec) into an item, reporting every problem."""
    data = front.data or {}
    top = Position(1, 1)
    kind = _kind(data, front, settings, report)
    allowed = settings.fields_for(kind) if kind else settings.fields
    typed: dict[str, Any] = {}
    for name, value in data.items():
        if name in PAGE_KEYS:
            try:
                typed[name] = _page_value(name, value)
            except _Invalid as problem:
                report(problem.code, front.positions[name], f"{name}: {problem.message}")
            continue
        spec = allowed.get(name)
        if spec is None:
            report("RM004", front.key_positions[name], _unknown_field(name, kind, settings))
            continue
        if value is None or _blank(value) or (value == [] and not spec.required):
            continue  # blank is absent: `id: ''` is one missing field, not also an invalid id
        try:
            typed[name] = _check(spec, value, settings, kind)
        except _Invalid as problem:
            report(problem.code, front.positions[name], f"{name}: {problem.message}")
    for spec in allowed.values():
        if spec.required and typed.get(spec.name) is None and spec.name != "kind":
            if spec.name in data and not (data[spec.name] is None or _blank(data[spec.name])):
                continue  # present but invalid: already reported
            report("RM003", top, f"missing required field '{spec.name}'")
    return Item(
        id=typed.get("id", ""),
        kind=kind or "",
        title=typed.get("title", ""),
        status=typed.get("status", ""),
        path=path,
        fields=typed,
        positions=front.positions,
        body=front.body,
        body_line=front.body_line,
    )


def _blank(value: Any) -> bool:
    """Whether `value` is text with nothing but spaces in it, which counts as absent."""
    return isinstance(value, str) and not value.strip()


def _kind(data: dict[str, Any], front: FrontMatter, settings: Settings, report: Report) -> str:
    kind = data.get("kind")
    if kind is None or _blank(kind):
        report("RM003", Position(1, 1), "missing required field 'kind'")
        return ""
    try:
        # Not str(kind): an alias bomb would print a billion elements.
        kind = _string(kind)
    except _Invalid as problem:
        report(problem.code, front.positions["kind"], f"kind: {problem.message}")
        return ""
    if kind not in settings.kinds:
        hint = did_you_mean(kind, settings.kinds)
        known = ", ".join(settings.kinds)
        report("RM016", front.positions["kind"], f"unknown kind '{kind}'{hint}; known: {known}")
        return ""
    return kind


def _unknown_field(name: str, kind: str, settings: Settings) -> str:
    spec = settings.fields.get(name)
    if spec is not None and kind:
        kinds = ", ".join(sorted(spec.kinds or ()))
        return f"field '{name}' does not apply to {kind} items (only to: {kinds})"
    choices = [*(settings.fields_for(kind) if kind else settings.fields), *PAGE_KEYS]
    return f"unknown field '{name}'{did_you_mean(name, choices)}"


def _check(spec: FieldSpec, value: Any, settings: Settings, kind: str) -> Any:
    if spec.type == "id":
        return _id(value)
    if spec.type == "kind":
        return value  # checked by _kind
    if spec.type == "status":
        status = _string(value)
        statuses = settings.kinds[kind].all_statuses if kind else None
        if statuses is not None and status not in statuses:
            hint = did_you_mean(status, statuses)
            raise _Invalid(
                "RM006",
                f"'{status}' is not {with_article(kind)} status{hint}; "
                f"use one of {', '.join(statuses)}",
            )
        return status
    if spec.type == "list":
        if not isinstance(value, list):
            raise _Invalid("RM005", f"expected a list, e.g. [{_example(spec)}], got {_show(value)}")
        return [_scalar(spec, spec.items or "string", element) for element in value]
    return _scalar(spec, spec.type, value)


def _scalar(spec: FieldSpec, type_: str, value: Any) -> Any:
    if type_ == "string":
        text = _string(value)
        if spec.name == "title" and "\n" in text.strip():
            raise _Invalid("RM005", "must be a single line")
        if spec.printable:
            # A folded title (`title: >`) ends in a newline, harmlessly; a name must be exact.
            _printable(text.strip() if spec.name == "title" else text)
        return text
    if type_ == "number":
        return _number(value, spec.minimum)
    if type_ == "date":
        return _date(value)
    if type_ == "enum":
        text = _string(value)
        if text not in spec.values:
            hint = did_you_mean(text, spec.values)
            raise _Invalid("RM005", f"'{text}' is not one of {', '.join(spec.values)}{hint}")
        return text
    if type_ == "reference":
        return _id(value)
    if type_ == "address":
        text = _string(value)
        if not is_address(text):
            raise _Invalid("RM005", f"'{text}' is not a requirement address like PRD-1/R-2")
        return text
    if type_ == "metric":
        return _metric(value)
    raise AssertionError(f"unhandled field type {type_}")  # settings validate types


def _number(value: Any, minimum: float | None = None) -> int | float:
    """A number within the limits of every number field, else why not."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Invalid("RM005", f"expected a number, got {_show(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        # `.nan` and `.inf` are YAML floats, but no estimate; JSON cannot even carry them.
        raise _Invalid("RM005", f"expected a finite number, got {_show(value)}")
    if minimum is not None and value < minimum:
        raise _Invalid("RM005", f"must be at least {minimum:g}, got {_show(value)}")
    if not is_bounded(value):
        low = f"{minimum:g}" if minimum is not None else f"-{_LIMIT_TEXT}"
        raise _Invalid("RM005", f"must be between {low} and {_LIMIT_TEXT}, got {_show(value)}")
    return value


def _printable(text: str) -> None:
    """Refuse text with a control character: it would print, compare and sort as another."""
    found = UNPRINTABLE.search(text)
    if found is not None:
        raise _Invalid(
            "RM005",
            f"contains the control character U+{ord(found[0]):04X}; write it as plain text",
        )


def _page_value(name: str, value: Any) -> Any:
    """Check a key that MkDocs or Material reads from the page: bad values crash their templates."""
    if name in ("render_macros", "comments"):
        if not isinstance(value, bool):
            raise _Invalid("RM005", f"expected true or false, got {_show(value)}")
        return value
    if name == "hide":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _Invalid(
                "RM005", f"expected a list such as [toc, navigation], got {_show(value)}"
            )
        return value
    if name == "search":
        if not isinstance(value, dict) or set(value) - {"exclude", "boost"}:
            raise _Invalid("RM005", "expected a mapping such as {exclude: true} or {boost: 2}")
        if not isinstance(value.get("exclude", False), bool):
            raise _Invalid("RM005", "search.exclude must be true or false")
        boost = value.get("boost", 1)
        if isinstance(boost, bool) or not isinstance(boost, int | float):
            raise _Invalid("RM005", "search.boost must be a number")
        return value
    return _string(value)  # description, subtitle


def _string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return str(value)
        except ValueError:  # an integer too long to print
            pass
    raise _Invalid("RM005", f"expected text, got {_show(value)}")


def _id(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid("RM017", f"expected an id such as STORY-1, got {_show(value)}")
    if not is_id(value):
        raise _Invalid(
            "RM017",
            f"'{value}' is not a valid id (a letter, then letters, digits, '.', '_' or '-')",
        )
    return value


def _date(value: Any) -> date:
    text = value if isinstance(value, str) else None
    if text is None or not _DATE.fullmatch(text):
        raise _Invalid("RM007", f"expected an ISO date like 2026-03-31, got {_show(value)}")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise _Invalid("RM007", f"'{text}' is not a valid date ({exc})") from None


def _metric(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _Invalid(
            "RM005", f"a metric is a mapping {{name, baseline, target}}, got {_show(value)}"
        )
    extra = [key for key in value if key not in _METRIC_KEYS]
    if extra:
        raise _Invalid("RM005", f"unknown metric key '{extra[0]}'; use name, baseline, target")
    if not value.get("name"):
        raise _Invalid("RM005", "a metric needs a 'name'")
    for key in ("baseline", "target"):
        number = value.get(key)
        if isinstance(number, int | float) and not isinstance(number, bool):
            try:
                _number(number)
            except _Invalid as problem:
                raise _Invalid(problem.code, f"{key}: {problem.message}") from None
    return {key: _string(value[key]) for key in _METRIC_KEYS if value.get(key) is not None}


def _example(spec: FieldSpec) -> str:
    return {"address": "PRD-1/R-1", "reference": "STORY-1", "metric": "{name: …}"}.get(
        spec.items or "", "a, b"
    )


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, set):  # from `!!set`; its repr's order changes from run to run
        return "a set"
    if isinstance(value, list):
        return "a list"
    try:
        text = repr(value)
    except ValueError:  # Python refuses to print integers of thousands of digits
        return _TOO_LARGE
    return clipped(text, 40)
