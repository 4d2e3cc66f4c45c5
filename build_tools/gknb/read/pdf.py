"""PDFs with a text layer (.pdf): ruled tables by pdfplumber, text lines joined into paragraphs."""

from __future__ import annotations

import io
import logging
import re
import zlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from gknb.model.document import Document, Line
from gknb.model.errors import ReadError
from gknb.read.cleanup import is_page_number
from gknb.read.common import join_wrapped, normalise_space, sha256_of
from gknb.read.ocr import engine_version, recognise_pages
from gknb.read.layout import PageItems, PageTable, PageText, is_row_continuation, page_lines
from gknb.read.limits import Budget, bounded_inflate, bounded_join, inflating, room, spend

if TYPE_CHECKING:
    from pdfplumber.page import Page
    from pdfplumber.table import Table as PdfTable


_BARE_NUMBER = re.compile(r"^\d{1,4}$")
MIN_TEXT_CHARS = 20  # a page with fewer characters in its text layer is a scan (or a stamp on a scan)


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


def _page_text(page: Page, tables: Sequence[PdfTable]) -> list[PageText]:
    """Text lines outside the tables, page numbers removed."""
    outside = page.filter(_outside([t.bbox for t in tables]))
    raw = [ln for ln in outside.extract_text_lines(layout=False, strip=True) if str(ln["text"]).strip()]
    lines: list[PageText] = []
    for index, ln in enumerate(raw):
        text = normalise_space(str(ln["text"]))
        edge = index in (0, len(raw) - 1)
        in_margin = float(ln["top"]) < page.height * 0.1 or float(ln["bottom"]) > page.height * 0.9
        if is_page_number(text) or (edge and in_margin and _BARE_NUMBER.match(text)):
            continue
        char_width = (float(ln["x1"]) - float(ln["x0"])) / max(len(text), 1)
        lines.append(PageText(text, float(ln["top"]), float(ln["x1"]), char_width))
    return lines


def _page_items(page: Page) -> PageItems:
    """Tables and text lines of one page, top to bottom."""
    kept: list[tuple[PdfTable, PageTable]] = []
    for table in _page_tables(page):
        rows = [[pdf_cell_text(cell) for cell in row] for row in table.extract()]
        if _is_real_table(rows):
            kept.append((table, PageTable(rows, float(table.bbox[1]))))
    items: PageItems = [item for _, item in kept]
    items.extend(_page_text(page, [table for table, _ in kept]))
    return sorted(items, key=lambda item: item.top)


def pdf_lines(pages: Iterable[Page]) -> list[Line]:
    return page_lines([_page_items(page) for page in pages])


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
            scanned = [index for index, page in enumerate(pdf.pages) if is_scanned(page)]
            if not scanned and not any(page.chars for page in pdf.pages):
                raise ReadError(path, "PDF 没有文字层，也没有可供文字识别的扫描图像（no text layer and no scanned image）")
            recognised = dict(zip(scanned, recognise_pages(path, data, scanned))) if scanned else {}
            lines = page_lines([recognised[index] if index in recognised else _page_items(page)
                                for index, page in enumerate(pdf.pages)])
    except Exception as error:
        cause = pdfminer_cause(error)
        if isinstance(cause, ReadError):
            raise cause from None
        if isinstance(cause, PDFEncryptionError):
            raise ReadError(path, "PDF 已加密，需要密码才能打开，请提供未加密的文件（encrypted PDF: a password is needed）") from error
        raise
    return Document(str(path), "pdf", None, sha256_of(data), lines,
                    ocr_pages=len(scanned), ocr_engine=engine_version() if scanned else "")


def is_scanned(page: Page) -> bool:
    """A page whose text is in an image: (almost) no characters in its text layer, an image on it."""
    return len(page.chars) < MIN_TEXT_CHARS and bool(page.images)



def scanned_page_count(path: Path) -> int:
    """How many pages of a PDF `is_scanned` will send to OCR (for progress): a quick look through
    pdfium's character count and image objects, 0 for anything unreadable."""
    try:
        import pypdfium2
        import pypdfium2.raw as pdfium_c

        document = pypdfium2.PdfDocument(str(path))
    except Exception:  # noqa: BLE001 — the reader reports what is wrong with the file
        return 0
    try:
        count = 0
        for page in document:
            text = page.get_textpage()
            few_chars = text.count_chars() < MIN_TEXT_CHARS
            text.close()
            count += few_chars and next(iter(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,))), None) is not None
            page.close()
        return count
    finally:
        document.close()
