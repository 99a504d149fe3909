"""Text made safe to print a line at a time: control characters shown as escapes.

Spec text reaches terminals, CI logs and pull-request comments inside Roadmark's own
lines. A newline in a status would print a second line that looks like a problem of
another file; an ESC sequence could recolour, hide or rewrite what the reader sees; a
bidi override could show the text in another order than it is read (Trojan Source).
"""

from __future__ import annotations

import re

_BEYOND_C0 = "\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"

UNPRINTABLE = re.compile(f"[\x00-\x1f{_BEYOND_C0}]")
"""C0 controls (tab, newline and ESC included), DEL, C1 controls, the Unicode line and
paragraph separators, and the bidi embeddings, overrides and isolates."""

UNPRINTABLE_BEYOND_C0 = re.compile(f"[{_BEYOND_C0}]")
"""UNPRINTABLE but the C0 controls, which json.dumps escapes itself (and whose newline
and spaces lay out its output)."""

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """`text` with each character of UNPRINTABLE written as an escape: `\\n`, `\\x1b`, `\\u202e`.

    Backslashes are left as they are: the aim is one line per message and nothing the
    terminal acts on, not a reversible encoding. The result has no UNPRINTABLE character,
    so escaping twice changes nothing.
    """
    if UNPRINTABLE.search(text) is None:
        return text  # nearly always: keep the common case a single scan
    return UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match[0]
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
