"""Smaller HTML pages: what the build writes, without the indentation Material's templates carry.

A run of whitespace that holds a line break becomes one line break: between tags and in text a browser
renders any such run as one space (or nothing), so the page reads and lays out the same. Inside <pre>,
<textarea>, <script> and <style> whitespace is content (and inline scripts are pinned by hash in the
Content-Security-Policy), so those elements are left byte for byte.

Material's base.html also writes two empty places on every page that the portal never fills: the
announcement bar (no `announce` block) and the dialog its script fills for "copied to clipboard" (no code
blocks to copy). Its script mounts components it finds, so without them it mounts nothing there.
"""

from __future__ import annotations

import re

_KEPT = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.IGNORECASE | re.DOTALL)
_BREAK_RUN = re.compile(r"[ \t\r\f]*\n\s*")
_UNFILLED = ('<div data-md-component="announce">\n</div>\n',
             '<div class="md-dialog" data-md-component="dialog">\n<div class="md-dialog__inner md-typeset"></div>\n</div>\n')


def slim_page(html: str) -> str:
    """The page as published: whitespace collapsed, without the places Material leaves unfilled."""
    return without_unfilled(collapse_whitespace(html))


def without_unfilled(html: str) -> str:
    """The page without the empty places of `_UNFILLED` (after collapse_whitespace, whose line breaks they match)."""
    for unfilled in _UNFILLED:
        html = html.replace(unfilled, "", 1)
    return html


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
