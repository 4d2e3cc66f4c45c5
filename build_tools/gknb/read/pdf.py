"""PDFs with a text layer (.pdf): ruled tables by pdfplumber, text lines joined into paragraphs."""

from __future__ import annotations

import io
import logging
import re
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from gknb.model.document import Document, Line, LineKind
from gknb.model.errors import ReadError
from gknb.read.cleanup import is_number_row, is_page_number
from gknb.read.common import grid_line, grid_lines, join_wrapped, normalise_space, sha256_of, text_line
from gknb.read.limits import Budget, bounded_inflate, bounded_join, inflating, room, spend

if TYPE_CHECKING:
    from pdfplumber.page import Page
    from pdfplumber.table import Table as PdfTable


_BARE_NUMBER = re.compile(r"^\d{1,4}$")
# Only these end a paragraph: a line may wrap right after a comma, colon or semicolon.
_SENTENCE_END = tuple("。！？!?")
# Lines that start a new heading or numbered item never continue the line before them.
_BLOCK_START = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|第[一二三四五六七八九十\d]+[条章节])")


# pdfminer warns through logging on every damaged stream; with no handler of the application's
# own, Python would print each to stderr. A NullHandler keeps them out of the CLI's output and
# still lets them propagate to any logging the application configures.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())


def _is_background(obj: dict[str, Any]) -> bool:
    """A filled, unstroked area (text highlight, cell shading): its edges are not table rules.

    Some exporters put a white box behind every line of prose; pdfplumber would see a
    one-column table in them. Thin filled rectangles stay: they are how rules are often drawn.
    """
    if obj.get("object_type") != "rect" or obj.get("stroke"):
        return False
    return bool(obj.get("fill")) and min(obj["width"], obj["height"]) > 2


def pdf_cell_text(cell: str | None) -> str:
    """A table cell: wrapped lines joined (CJK labels wrap), page numbers that fell in dropped."""
    if not cell:
        return ""
    pieces = [p for p in cell.split("\n") if not is_page_number(p)]
    return normalise_space(join_wrapped(pieces))


def _is_real_table(rows: Sequence[Sequence[str]]) -> bool:
    # A single column of text is a framed paragraph, not a table of the report.
    return any(sum(1 for cell in row if cell) >= 2 for row in rows)


@dataclass
class _PdfText:
    text: str
    top: float
    x1: float
    char_width: float


@dataclass
class _PdfTable:
    rows: list[list[str]]
    top: float


_PageItems = list[_PdfText | _PdfTable]


def _outside(bboxes: Sequence[tuple[float, float, float, float]]) -> Callable[[dict[str, Any]], bool]:
    def keep(obj: dict[str, Any]) -> bool:
        if "x0" not in obj or "top" not in obj:
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in bboxes)

    return keep


def _open_ends(verticals: Sequence[dict[str, Any]], horizontals: Sequence[dict[str, Any]], end: str) -> list[dict[str, Any]]:
    """Horizontal rules closing a table whose verticals stop at a page break with no rule there.

    A table split across pages often has its last row on the page drawn without the bottom
    rule (or the first row without the top one); pdfplumber then loses that row and any cell
    merged into it. Where two or more verticals end at the same height with no horizontal
    rule across them, this supplies the missing rule.
    """
    groups: dict[int, list[dict[str, Any]]] = {}
    for edge in verticals:
        groups.setdefault(round(float(edge[end])), []).append(edge)
    rules: list[dict[str, Any]] = []
    for y, edges in groups.items():
        x0, x1 = min(float(e["x0"]) for e in edges), max(float(e["x1"]) for e in edges)
        covered = any(
            abs(float(h["top"]) - y) <= 3 and float(h["x0"]) <= x0 + 3 and float(h["x1"]) >= x1 - 3
            for h in horizontals
        )
        if len(edges) >= 2 and x1 - x0 > 10 and not covered:
            rules.append({"object_type": "line", "x0": x0, "x1": x1, "top": float(y),
                          "bottom": float(y), "width": x1 - x0, "height": 0.0})  # fmt: skip
    return rules


def _page_tables(page: Page) -> list[PdfTable]:
    ruled = page.filter(lambda obj: not _is_background(obj))
    edges = ruled.edges
    verticals = [e for e in edges if e["orientation"] == "v"]
    horizontals = [e for e in edges if e["orientation"] == "h"]
    closing = _open_ends(verticals, horizontals, "top") + _open_ends(verticals, horizontals, "bottom")
    return list(ruled.find_tables({"explicit_horizontal_lines": closing}))


def _page_text(page: Page, tables: Sequence[PdfTable]) -> list[_PdfText]:
    """Text lines outside the tables, page numbers removed."""
    outside = page.filter(_outside([t.bbox for t in tables]))
    raw = [ln for ln in outside.extract_text_lines(layout=False, strip=True) if str(ln["text"]).strip()]
    lines: list[_PdfText] = []
    for index, ln in enumerate(raw):
        text = normalise_space(str(ln["text"]))
        edge = index in (0, len(raw) - 1)
        in_margin = float(ln["top"]) < page.height * 0.1 or float(ln["bottom"]) > page.height * 0.9
        if is_page_number(text) or (edge and in_margin and _BARE_NUMBER.match(text)):
            continue
        char_width = (float(ln["x1"]) - float(ln["x0"])) / max(len(text), 1)
        lines.append(_PdfText(text, float(ln["top"]), float(ln["x1"]), char_width))
    return lines


def _page_items(page: Page) -> _PageItems:
    """Tables and text lines of one page, top to bottom."""
    kept: list[tuple[PdfTable, _PdfTable]] = []
    for table in _page_tables(page):
        rows = [[pdf_cell_text(cell) for cell in row] for row in table.extract()]
        if _is_real_table(rows):
            kept.append((table, _PdfTable(rows, float(table.bbox[1]))))
    items: _PageItems = [item for _, item in kept]
    items.extend(_page_text(page, [table for table, _ in kept]))
    return sorted(items, key=lambda item: item.top)


def _right_margin(pages: Sequence[_PageItems]) -> float:
    """Where wrapped lines end: the commonest right edge of text lines in the document.

    Justified prose ends every wrapped line at the same x; headings and last lines of
    paragraphs end short. The mode is robust to a stray long line (a URL in the margin).
    """
    edges = [round(item.x1) for items in pages for item in items if isinstance(item, _PdfText)]
    if not edges:
        return 0.0
    return float(max(set(edges), key=lambda x: (sum(1 for e in edges if abs(e - x) <= 2), x)))


_SECTION_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+、[^\d]{1,38}$")


def _continues(previous: _PdfText, line: _PdfText, right: float) -> bool:
    """Does `line` carry on the paragraph of `previous` (wrapped at the right margin)?

    A section heading that happens to reach the margin ends its line, and a row of numbers
    (an unruled table's data) is never part of a paragraph."""
    if previous.x1 < right - 1.5 * previous.char_width:
        return False
    if _SECTION_HEADING.match(previous.text) or is_number_row(line.text):
        return False
    return not previous.text.endswith(_SENTENCE_END) and not _BLOCK_START.match(line.text)


_NUMERIC = re.compile(r"^[-+]?\d[\d,.]*$")


def is_row_continuation(previous: Sequence[str], row: Sequence[str]) -> bool:
    """Is `row` the rest of `previous`, a row that a page break cut in two?

    Only the safe case: the new part holds no number, and every piece of text in it lies
    under a text cell of the part before (a wrapped label such as 5.属于三类内部事 / 务信息).
    """
    if len(previous) != len(row):
        return False
    pieces = [(before, after) for before, after in zip(previous, row) if after]
    return bool(pieces) and all(before and not _NUMERIC.match(before) and not _NUMERIC.match(after)
                                for before, after in pieces)  # fmt: skip


def _table_lines(rows: list[list[str]], lines: list[Line], page_start: bool) -> None:
    """Append a table's rows, first mending a row cut by the page break above it."""
    previous = lines[-1] if lines and lines[-1].kind is LineKind.GRID else None
    if page_start and previous is not None and rows and is_row_continuation(previous.cells, rows[0]):
        cells = [join_wrapped([a, b]) for a, b in zip(previous.cells, rows[0])]
        lines[-1] = grid_line(cells)
        rows = rows[1:]
    lines.extend(grid_lines(rows))


def pdf_lines(pages: Iterable[Page]) -> list[Line]:
    items_by_page = [_page_items(page) for page in pages]
    right = _right_margin(items_by_page)
    lines: list[Line] = []
    previous: _PdfText | None = None  # the open paragraph, if the last item was text
    for items in items_by_page:
        for index, item in enumerate(items):
            if isinstance(item, _PdfTable):
                _table_lines(item.rows, lines, page_start=index == 0)
                previous = None
            elif previous is not None and _continues(previous, item, right):
                previous = _PdfText(join_wrapped([previous.text, item.text]), previous.top, item.x1, item.char_width)
                lines[-1] = text_line(previous.text)
            else:
                lines.append(text_line(item.text))
                previous = item
    return lines


# RunLength expands at most 64-fold, and pdfminer decodes it into a list of ints (8 bytes a byte): a
# stream that could exceed this is refused before decoding. Real reports do not use the filter for text.
MAX_RUN_LENGTH_BYTES = 8 * 1024 * 1024


def bounded_rldecode(data: bytes) -> bytes:
    from pdfminer.runlength import rldecode

    if len(data) * 64 > MAX_RUN_LENGTH_BYTES:
        spend(room() + 1)  # it might: refused (outside a budget, decoded as pdfminer would)
    decoded = rldecode(data)
    spend(len(decoded))
    return decoded


def bounded_lzwdecode(data: bytes) -> bytes:
    from pdfminer.lzw import LZWDecoder

    return bounded_join(LZWDecoder(io.BytesIO(data)).run())


def limit_pdfminer() -> None:
    """Route pdfminer's stream filters that expand (Flate, LZW, RunLength) through the unpack budget.

    pdfminer inflates every stream whole, with no limit: a 2 MB file with one 2 GB Flate stream took
    31 s and 4.6 GB and was published. Within `limits.inflating` each filter spends the document's
    budget and stops at the first byte past it; outside one, they behave as pdfminer's own."""
    from pdfminer import pdftypes

    bounded_zlib = SimpleNamespace(decompress=bounded_inflate, decompressobj=zlib.decompressobj, error=zlib.error)
    setattr(pdftypes, "zlib", bounded_zlib)
    setattr(pdftypes, "lzwdecode", bounded_lzwdecode)
    setattr(pdftypes, "rldecode", bounded_rldecode)


def pdfminer_cause(error: Exception) -> Exception:
    """pdfplumber wraps what pdfminer raised in PdfminerException(original)."""
    from pdfplumber.utils.exceptions import PdfminerException

    if isinstance(error, PdfminerException) and error.args and isinstance(error.args[0], Exception):
        return error.args[0]
    return error


def read_pdf(path: Path, data: bytes) -> Document:
    if b"%PDF-" not in data[:1024]:  # readers accept junk before the header, within 1 KB
        raise ReadError(path, "不是有效的 PDF 文件（not a PDF file (no %PDF- header)）")
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError

    limit_pdfminer()
    try:
        with inflating(Budget(path, "PDF 的数据流")), pdfplumber.open(io.BytesIO(data)) as pdf:
            if not any(page.chars for page in pdf.pages):
                raise ReadError(path, "PDF 没有文字层，可能是扫描件，需要先做文字识别（no text layer (scanned PDF?)）")
            lines = pdf_lines(pdf.pages)
    except Exception as error:
        cause = pdfminer_cause(error)
        if isinstance(cause, ReadError):
            raise cause from None
        if isinstance(cause, PDFEncryptionError):
            raise ReadError(path, "PDF 已加密，需要密码才能打开，请提供未加密的文件（encrypted PDF: a password is needed）") from error
        raise
    return Document(str(path), "pdf", None, sha256_of(data), lines)
