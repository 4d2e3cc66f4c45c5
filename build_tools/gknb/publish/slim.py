"""Smaller HTML pages: what the build writes, without the indentation Material's templates carry.

A run of whitespace that holds a line break becomes one line break: between tags and in text a browser
renders any such run as one space (or nothing), so the page reads and lays out the same. Inside <pre>,
<textarea>, <script> and <style> whitespace is content (and inline scripts are pinned by hash in the
Content-Security-Policy), so those elements are left byte for byte.
"""

from __future__ import annotations

import re

_KEPT = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.IGNORECASE | re.DOTALL)
_BREAK_RUN = re.compile(r"[ \t\r\f]*\n\s*")


def collapse_whitespace(html: str) -> str:
    """The page with every whitespace run containing a newline reduced to a newline, kept elements aside."""
    parts = _KEPT.split(html)
    # split() with two groups yields: text, whole kept element, tag name, text, ...
    out: list[str] = []
    for index in range(0, len(parts), 3):
        out.append(_BREAK_RUN.sub("\n", parts[index]))
        if index + 1 < len(parts):
            out.append(parts[index + 1])
    return "".join(out).lstrip("\n")
