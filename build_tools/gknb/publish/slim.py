"""Smaller HTML pages: what the build writes, without the indentation Material's templates carry.

A run of whitespace that holds a line break becomes one line break: between tags and in text a browser
renders any such run as one space (or nothing), so the page reads and lays out the same. Inside <pre>,
<textarea>, <script> and <style> whitespace is content (and inline scripts are pinned by hash in the
Content-Security-Policy), so those elements are left byte for byte.

Material's base.html also writes two empty places on every page that the portal never fills: the
announcement bar (no `announce` block) and the dialog its script fills for "copied to clipboard" (no code
blocks to copy). Its script mounts components it finds, so without them it mounts nothing there.

HTML lets a page leave out some end tags ("Optional tags" in the HTML standard): a table cell's when the
next cell follows at once, a row's and its last cell's when the next row or the end of the row group
follows. A browser builds the same table from either. A report's official tables alone have ~280 cells,
so this is ~1.7 KB a report page; listing tables gain in proportion.
"""

from __future__ import annotations

import re
from typing import Callable

_KEPT = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.IGNORECASE | re.DOTALL)
_BREAK_RUN = re.compile(r"[ \t\r\f]*\n\s*")
_UNFILLED = ('<div data-md-component="announce">\n</div>\n',
             '<div class="md-dialog" data-md-component="dialog">\n<div class="md-dialog__inner md-typeset"></div>\n</div>\n')


# Our pages and Material's templates write tags in lower case, cells of a row side by side.
_CELL_END = re.compile(r"</t[dh]>(?=<t[dh][\s>])")
# The line break between rows goes with the row's end tag: in the row group it is a text node of
# whitespace, drawn as nothing; left in, it would become the last cell's text.
_ROW_END = re.compile(r"</t[dh]></tr>\n?(?=<tr[\s>]|</t(?:body|head|foot)>|</table>)")


def slim_page(html: str) -> str:
    """The page as published: whitespace collapsed, optional table end tags left out (in one pass
    over the page's text outside the kept elements), without the places Material leaves unfilled."""
    return without_unfilled(outside_kept(html, lambda text: _end_tags_left_out(_collapsed(text))).lstrip("\n"))


def outside_kept(html: str, change: Callable[[str], str]) -> str:
    """`change` applied to the page outside the kept elements (pre, textarea, script, style)."""
    parts = _KEPT.split(html)
    # split() with two groups yields: text, whole kept element, tag name, text, ...
    out: list[str] = []
    for index in range(0, len(parts), 3):
        out.append(change(parts[index]))
        if index + 1 < len(parts):
            out.append(parts[index + 1])
    return "".join(out)


def without_optional_end_tags(html: str) -> str:
    """The page without the end tags of table cells and rows that HTML lets it leave out."""
    return outside_kept(html, _end_tags_left_out)


def _end_tags_left_out(text: str) -> str:
    return _CELL_END.sub("", _ROW_END.sub("", text))


def _collapsed(text: str) -> str:
    return _BREAK_RUN.sub("\n", text)


def without_unfilled(html: str) -> str:
    """The page without the empty places of `_UNFILLED` (after collapse_whitespace, whose line breaks they match)."""
    for unfilled in _UNFILLED:
        html = html.replace(unfilled, "", 1)
    return html


def collapse_whitespace(html: str) -> str:
    """The page with every whitespace run containing a newline reduced to a newline, kept elements aside."""
    return outside_kept(html, _collapsed).lstrip("\n")
