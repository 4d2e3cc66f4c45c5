"""Pages of a PDF as items (text lines and tables, top to bottom) and the document lines they make.

Text-layer pages (pdfplumber) and scanned pages (OCR) both come out as these items, so the
rules that rejoin wrapped paragraphs and mend a table row cut by a page break are one.
An OCR'd item carries the recogniser's confidence per cell or line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from gknb.model.document import Line, LineKind
from gknb.read.cleanup import is_number_row
from gknb.read.common import NUMERIC_CELL, grid_line, join_wrapped, kept_rows, text_line

_SENTENCE_END = tuple("。！？!?")
_BLOCK_START = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|第[一二三四五六七八九十\d]+[条章节])")


@dataclass
class PageText:
    text: str
    top: float
    x1: float
    char_width: float
    confidence: float | None = None  # OCR'd lines only


@dataclass
class PageTable:
    rows: list[list[str]]
    top: float
    # OCR'd tables only: one per cell, None where nothing was recognised
    confidence: list[list[float | None]] = field(default_factory=list)


PageItems = list[PageText | PageTable]


def right_margin(pages: Sequence[PageItems]) -> float:
    """Where wrapped lines end: the commonest right edge of text lines in the document.

    Justified prose ends every wrapped line at the same x; headings and last lines of
    paragraphs end short. The mode is robust to a stray long line (a URL in the margin).
    """
    edges = [round(item.x1) for items in pages for item in items if isinstance(item, PageText)]
    if not edges:
        return 0.0
    return float(max(set(edges), key=lambda x: (sum(1 for e in edges if abs(e - x) <= 2), x)))


_SECTION_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+、[^\d]{1,38}$")


def continues(previous: PageText, line: PageText, right: float) -> bool:
    """Does `line` carry on the paragraph of `previous` (wrapped at the right margin)?

    A section heading that happens to reach the margin ends its line, and a row of numbers
    (an unruled table's data) is never part of a paragraph."""
    if previous.x1 < right - 1.5 * previous.char_width:
        return False
    if _SECTION_HEADING.match(previous.text) or is_number_row(line.text):
        return False
    return not previous.text.endswith(_SENTENCE_END) and not _BLOCK_START.match(line.text)


def is_row_continuation(previous: Sequence[str], row: Sequence[str]) -> bool:
    """Is `row` the rest of `previous`, a row that a page break cut in two?

    Only the safe case: the new part holds no number, and every piece of text in it lies
    under a text cell of the part before (a wrapped label such as 5.属于三类内部事 / 务信息).
    """
    if len(previous) != len(row):
        return False
    pieces = [(before, after) for before, after in zip(previous, row) if after]
    return bool(pieces) and all(before and not NUMERIC_CELL.match(before) and not NUMERIC_CELL.match(after)
                                for before, after in pieces)  # fmt: skip


def table_lines(table: PageTable, lines: list[Line], page_start: bool) -> None:
    """Append a table's rows, first mending a row cut by the page break above it."""
    rows, confidence = table.rows, table.confidence or [[] for _ in table.rows]
    previous = lines[-1] if lines and lines[-1].kind is LineKind.GRID else None
    if page_start and previous is not None and rows and is_row_continuation(previous.cells, rows[0]):
        cells = [join_wrapped([a, b]) for a, b in zip(previous.cells, rows[0])]
        lines[-1] = grid_line(cells, previous.confidence)
        rows, confidence = rows[1:], confidence[1:]
    lines.extend(grid_line(rows[index], tuple(confidence[index]) if index < len(confidence) else ())
                 for index in kept_rows(rows))


def page_lines(items_by_page: Sequence[PageItems]) -> list[Line]:
    """The document's lines: tables row by row, paragraphs rejoined where a line wrapped."""
    right = right_margin(items_by_page)
    lines: list[Line] = []
    previous: PageText | None = None  # the open paragraph, if the last item was text
    for items in items_by_page:
        for index, item in enumerate(items):
            if isinstance(item, PageTable):
                table_lines(item, lines, page_start=index == 0)
                previous = None
            elif previous is not None and continues(previous, item, right):
                previous = PageText(join_wrapped([previous.text, item.text]), previous.top, item.x1, item.char_width,
                                    lowest(previous.confidence, item.confidence))
                lines[-1] = text_line(previous.text, confidence=previous.confidence)
            else:
                lines.append(text_line(item.text, confidence=item.confidence))
                previous = item
    return lines


def lowest(*scores: float | None) -> float | None:
    known = [s for s in scores if s is not None]
    return min(known) if known else None


