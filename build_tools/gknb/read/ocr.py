"""Scanned PDF pages read by OCR: pypdfium2 renders, RapidOCR recognises, the rules give the cells.

RapidOCR's wheel ships the PP-OCR detection and recognition models, so nothing is fetched at
run time (intranets have no internet). Each page is rendered at `scan.DPI`, straightened, its
ruled tables found (`read.scan`), and every recognised piece of text placed in the cell whose
box holds its centre; text outside tables becomes lines for the paragraph rules of
`read.layout`. Every item keeps the recogniser's confidence, which the parser carries to
each cell it reads (`Cell.confidence`) and `parse.confirm` weighs against the table's relations.

OCR is the slowest step (seconds per page), so results are cached by the file's content
(`read.common.use_cache`), a page limit stops a 300-page scan up front, pages run on two threads (the
recogniser releases the GIL), and each OCR'd page adds to the file's time limit.
"""

from __future__ import annotations

import hashlib
import json
import signal
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from gknb.model.errors import ReadError
from gknb.read.cleanup import is_page_number
from gknb.read.common import cache_path, join_wrapped, normalise_space, store_cached
from gknb.read.layout import PageItems, PageTable, PageText, lowest
from gknb.read.scan import DPI, Box, Gray, GridTable, find_tables, straighten

MAX_OCR_PAGES = 40          # a disclosure report is 5–20 pages; a longer scan is rejected, not run for an hour
SECONDS_PER_PAGE = 20       # added to the file's time limit for each page recognised (~6 s measured)
THREADS = 2                 # pages recognised at once
SPANNING = 0.25             # a recognised box overlapping another cell by this share of its width spans both
LINE_OVERLAP = 0.5          # boxes whose heights overlap by this share are on one text line
MAX_PIXELS = 40_000_000     # a page larger than ~A2 at DPI is refused, not rendered

@dataclass(frozen=True)
class Word:
    """A piece of text the recogniser found: where, what, and how sure it is."""

    box: Box
    text: str
    score: float


@lru_cache(maxsize=1)
def engine_version() -> str:
    from importlib.metadata import version

    return f"RapidOCR {version('rapidocr')}"


@lru_cache(maxsize=1)
def _recogniser() -> Any:
    """One engine per process (loading the models takes a second)."""
    try:
        from rapidocr import RapidOCR
    except ImportError as exc:
        raise ImportError("rapidocr (pip install rapidocr onnxruntime)", name="rapidocr") from exc
    return RapidOCR(params={"Global.log_level": "error", "Global.use_cls": False,
                            "EngineConfig.onnxruntime.intra_op_num_threads": 1})


def recognise(image: Gray) -> list[Word]:
    result = _recogniser()(image)
    if result.boxes is None:
        return []
    words = []
    for points, text, score in zip(result.boxes, result.txts, result.scores):
        xs, ys = [float(p[0]) for p in points], [float(p[1]) for p in points]
        text = normalise_space(str(text))
        if text:
            words.append(Word(Box(min(xs), min(ys), max(xs), max(ys)), text, round(float(score), 3)))
    return words


# ---- words → table cells and text lines ---------------------------------------------------------

def inside(box: Box, outer: Box) -> bool:
    x, y = box.centre
    return outer.x0 <= x <= outer.x1 and outer.top <= y <= outer.bottom


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def reading_order(words: Sequence[Word]) -> list[list[Word]]:
    """Words grouped into lines (heights overlapping), lines top to bottom, words left to right."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.box.top, w.box.x0)):
        height = word.box.bottom - word.box.top
        for line in lines:
            last = line[-1].box
            shared = overlap(word.box.top, word.box.bottom, last.top, last.bottom)
            if shared >= LINE_OVERLAP * min(height, last.bottom - last.top):
                line.append(word)
                break
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.box.x0) for line in sorted(lines, key=lambda ln: ln[0].box.top)]


def cell_text(words: Sequence[Word]) -> str:
    """A cell's words as one text: pieces on a line separated by a space (two numbers stay two
    and make the cell garbled), wrapped lines joined as the layout wrapped them."""
    return join_wrapped(" ".join(w.text for w in line) for line in reading_order(words))


def spanned_cells(word: Word, table: GridTable) -> list[tuple[int, int, int, int]]:
    """The cells a word lies across: where its centre is, and any other it covers a good share of."""
    width = max(word.box.x1 - word.box.x0, 1.0)
    found = []
    for cell in table.cells:
        box = table.cell_box(cell)
        vertical = overlap(word.box.top, word.box.bottom, box.top, box.bottom) > 0.5 * (word.box.bottom - word.box.top)
        if vertical and (inside(word.box, box) or overlap(word.box.x0, word.box.x1, box.x0, box.x1) >= SPANNING * width):
            found.append(cell)
    return found


def table_item(table: GridTable, words: Sequence[Word]) -> PageTable:
    """The table's rows as cells of text, merged cells' text in their first slot, with confidences.

    A word the recogniser read across a rule (two cells' numbers as one `0 0`) is split on its
    spaces when that gives one piece per cell it covers; otherwise each covered cell gets the
    whole text plus a mark, so it is garbled rather than a number in the wrong column.
    """
    placed: dict[tuple[int, int, int, int], list[Word]] = {}
    for word in words:
        cells = sorted(spanned_cells(word, table), key=lambda c: c[1])
        pieces = word.text.split()
        if len(cells) > 1 and len(pieces) == len(cells):
            for cell, piece in zip(cells, pieces):
                placed.setdefault(cell, []).append(Word(word.box, piece, word.score))
        elif len(cells) > 1:
            for cell in cells:
                placed.setdefault(cell, []).append(Word(word.box, word.text + "?", word.score))
        elif cells:
            placed.setdefault(cells[0], []).append(word)
    height, width = len(table.rows) - 1, len(table.columns) - 1
    rows = [["" for _ in range(width)] for _ in range(height)]
    scores: list[list[float | None]] = [[None] * width for _ in range(height)]
    for cell, cell_words in placed.items():
        rows[cell[0]][cell[1]] = cell_text(cell_words)
        scores[cell[0]][cell[1]] = min(w.score for w in cell_words)
    return PageTable(rows, float(table.rows[0]), scores)


def text_items(words: Sequence[Word], page_height: int) -> list[PageText]:
    """Lines of text outside the tables; page numbers in the margins left out."""
    items = []
    for line in reading_order(words):
        text = join_wrapped(w.text for w in line)
        top, bottom = min(w.box.top for w in line), max(w.box.bottom for w in line)
        in_margin = top < page_height * 0.06 or bottom > page_height * 0.94
        if is_page_number(text) or (in_margin and text.strip("-— ").isdigit()):
            continue
        x0, x1 = min(w.box.x0 for w in line), max(w.box.x1 for w in line)
        items.append(PageText(text, top, x1, (x1 - x0) / max(len(text), 1), lowest(*(w.score for w in line))))
    return items


def page_items(gray: Gray) -> PageItems:
    """One scanned page as tables and text lines, top to bottom."""
    page = straighten(gray)
    tables = find_tables(page)
    words = recognise(page)
    items: PageItems = []
    outside = list(words)
    for table in tables:
        within = [w for w in words if inside(w.box, table.box)]
        outside = [w for w in outside if not inside(w.box, table.box)]
        items.append(table_item(table, within))
    items.extend(text_items(outside, page.shape[0]))
    return sorted(items, key=lambda item: item.top)


# ---- pages of a PDF -----------------------------------------------------------------------------

def render(data: bytes, index: int) -> Gray:
    import pypdfium2

    # One document per page: pages render on two threads, and pdfium's objects are not thread-safe
    # (opening costs milliseconds; recognising the page, seconds).
    document = pypdfium2.PdfDocument(data)
    try:
        page = document[index]
        width, height = page.get_size()
        scale = DPI / 72
        if width * height * scale * scale > MAX_PIXELS:
            raise ValueError(f"page {index + 1} is {width / 72 * 25.4:.0f} × {height / 72 * 25.4:.0f} mm")
        image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
        return np.asarray(image, dtype=np.uint8)
    finally:
        document.close()


def recognised_page(data: bytes, index: int) -> PageItems:
    return page_items(render(data, index))


def _serialise(pages: Sequence[PageItems]) -> str:
    return json.dumps([[{"table" if isinstance(i, PageTable) else "text": asdict(i)} for i in page] for page in pages],
                      ensure_ascii=False, sort_keys=True)


def _deserialise(text: str) -> list[PageItems]:
    pages: list[PageItems] = []
    for page in json.loads(text):
        items: PageItems = []
        for item in page:
            if "table" in item:
                items.append(PageTable(**item["table"]))
            else:
                items.append(PageText(**item["text"]))
        pages.append(items)
    return pages


@lru_cache(maxsize=1)
def ocr_version() -> str:
    """The recogniser and the code that turns its output into items: what a cached result depends on."""
    here = Path(__file__).parent
    digest = hashlib.sha256(engine_version().encode())
    for name in ("ocr.py", "scan.py", "layout.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def _cache_file(data: bytes, indices: Sequence[int]) -> Path | None:
    digest = hashlib.sha256(data)
    digest.update(ocr_version().encode() + repr(list(indices)).encode())
    return cache_path("ocr", digest.hexdigest(), ".json")


def _grant_time(pages: int) -> None:
    """Lengthen the file's time limit (an alarm set by the pipeline) by the pages to recognise."""
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "alarm"):
        left = signal.alarm(0)
        if left:
            signal.alarm(left + pages * SECONDS_PER_PAGE)


def recognise_pages(path: Path, data: bytes, indices: Sequence[int]) -> list[PageItems]:
    """The items of the given (scanned) pages, from the cache when this file was read before."""
    if len(indices) > MAX_OCR_PAGES:
        raise ReadError(path, f"扫描件共 {len(indices)} 页需要文字识别，超过上限 {MAX_OCR_PAGES} 页，未识别"
                              f"（scanned PDF has {len(indices)} pages to OCR; the limit is {MAX_OCR_PAGES}）")
    cache = _cache_file(data, indices)
    if cache is not None and cache.exists():
        try:
            return _deserialise(cache.read_text(encoding="utf-8"))
        except (ValueError, TypeError, KeyError, OSError):
            pass  # a damaged entry is recognised again
    _grant_time(len(indices))
    with ThreadPoolExecutor(max_workers=min(THREADS, len(indices))) as pool:
        pages = list(pool.map(lambda index: recognised_page(data, index), indices))
    store_cached(cache, _serialise(pages).encode("utf-8"))
    return pages

