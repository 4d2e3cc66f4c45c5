"""PDFs with a text layer (.pdf): ruled tables by pdfplumber, text lines joined into paragraphs."""

from __future__ import annotations

import base64
import io
import logging
import re
import zlib
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from gknb.model.document import Document, Line
from gknb.model.errors import ReadError
from gknb.read.cleanup import is_page_number
from gknb.read.common import join_wrapped, normalise_space, sha256_of
from gknb.read.layout import PageItems, PageTable, PageText, is_row_continuation, page_lines
from gknb.read.pdf_inline import NOT_CONTENT, InlineImages, filter_names
from gknb.read.pdf_objects import PageContent, pdfium_page, plain_page
from gknb.read.pdf_tables import Row, filter_edges, merge_edges, table_bbox, table_rows
from gknb.read.pdf_text import extract_text, text_lines
from gknb.read.limits import CHUNK, Budget, bounded_inflate, bounded_join, inflating, room, spend

if TYPE_CHECKING:
    from pdfplumber.page import Page


Bbox = tuple[float, float, float, float]
# An intersection of rules: its point, the boxes of the vertical and of the horizontal edges through it
Intersections = dict[tuple[float, float], tuple[set[Bbox], set[Bbox]]]
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
# The page's characters by the height of their centre: (height, index on the page, x of the
# centre, character) sorted by height, and the heights alone (to bisect)
Centres = tuple[list[tuple[float, int, float, dict[str, Any]]], list[float]]
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


@lru_cache(maxsize=4096)  # a table repeats its cells' texts (0 most of all)
def pdf_cell_text(cell: str | None) -> str:
    """A table cell: wrapped lines joined (CJK labels wrap), page numbers that fell in dropped."""
    if not cell:
        return ""
    pieces = [p for p in cell.split("\n") if not is_page_number(p)]
    return normalise_space(join_wrapped(pieces))


def _is_real_table(rows: Sequence[Sequence[str]]) -> bool:
    # A single column of text is a framed paragraph, not a table of the report.
    return any(sum(1 for cell in row if cell) >= 2 for row in rows)




def _outside(chars: Sequence[dict[str, Any]], bboxes: Sequence[Bbox], centres: Centres | None) -> list[dict[str, Any]]:
    """The characters whose centre is in none of the boxes (their edges included). With the
    page's `centres`, each box's characters are found by bisection on their heights."""
    if not bboxes:
        return list(chars)
    if centres is not None:
        by_height, heights = centres
        total = sum(heights)
        if total == total:  # no NaN, which sorts anywhere (bisection could miss a character)
            inside: set[int] = set()
            for x0, top, x1, bottom in bboxes:
                if top != top or bottom != bottom:
                    continue  # a NaN edge: the box holds nothing
                inside.update(index for _, index, h, _ in by_height[bisect_left(heights, top):bisect_right(heights, bottom)]
                              if x0 <= h <= x1)
            return [char for index, char in enumerate(chars) if index not in inside]
    kept = []
    for char in chars:
        cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        for x0, top, x1, bottom in bboxes:
            if x0 <= cx <= x1 and top <= cy <= bottom:
                break
        else:
            kept.append(char)
    return kept


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
                          "bottom": float(y), "width": x1 - x0, "height": 0.0, "orientation": "h"})  # fmt: skip
    return rules


def _page_tables(content: PageContent) -> tuple[list[tuple[Bbox, list[list[str]]]], Centres | None]:
    """The page's ruled tables (pdfplumber's "lines" strategy with its default settings, plus the
    rules `_open_ends` supplies): each one's box and its cells' text row by row; and the page's
    `_centres` when it has a table (None when it has none)."""
    verticals = [e for e in content.edges if e["orientation"] == "v"]
    horizontals = [e for e in content.edges if e["orientation"] == "h"]
    closing = _open_ends(verticals, horizontals, "top") + _open_ends(verticals, horizontals, "bottom")
    edges = filter_edges(verticals, "v", min_length=1) + filter_edges(horizontals, "h", min_length=1) + closing
    edges = filter_edges(merge_edges(edges), min_length=3)
    cells = _cells(_intersections(edges))
    tables = []
    centres = None
    for group in _cells_to_tables(cells):
        centres = centres or _centres(content.chars)
        tables.append((table_bbox(group), _table_text(table_rows(group), centres)))
    return tables, centres


def _cells_to_tables(cells: list[Bbox]) -> list[list[Bbox]]:
    """pdfplumber's `cells_to_tables`: the groups of cells joined corner to corner, top to bottom
    then left to right, each of more than one cell. Its sweeps over the remaining cells close a
    group once no cell touches it, which is the group's connected component: found here once,
    by each corner's cells, instead of sweeping every cell again per cell added."""
    by_corner: dict[tuple[float, float], list[int]] = {}
    for index, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            by_corner.setdefault(corner, []).append(index)
    group_of = [-1] * len(cells)
    groups: list[list[Bbox]] = []
    for start in range(len(cells)):
        if group_of[start] >= 0:
            continue
        group_of[start], pending, members = len(groups), [start], []
        while pending:
            index = pending.pop()
            members.append(cells[index])
            x0, top, x1, bottom = cells[index]
            for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
                for other in by_corner[corner]:
                    if group_of[other] < 0:
                        group_of[other] = len(groups)
                        pending.append(other)
        groups.append(members)
    ordered = sorted(groups, key=lambda group: min((c[1], c[0]) for c in group))
    return [group for group in ordered if len(group) > 1]


def _intersections(edges: list[dict[str, Any]]) -> Intersections:
    """pdfplumber's `edges_to_intersections` (tolerance 3), each point with the boxes of its vertical
    and horizontal edges: each horizontal is compared only with the verticals whose x falls on it,
    found by bisection instead of trying every pair."""
    verticals = sorted((e for e in edges if e["orientation"] == "v"), key=itemgetter("x0", "top"))
    horizontals = sorted((e for e in edges if e["orientation"] == "h"), key=itemgetter("top", "x0"))
    xs = [v["x0"] for v in verticals]
    pairs: list[tuple[int, int]] = []
    for h_index, h in enumerate(horizontals):
        for v_index in range(bisect_left(xs, h["x0"] - 3), bisect_right(xs, h["x1"] + 3)):
            v = verticals[v_index]
            if v["top"] <= h["top"] + 3 and v["bottom"] >= h["top"] - 3:
                pairs.append((v_index, h_index))
    box = itemgetter("x0", "top", "x1", "bottom")
    v_boxes, h_boxes = [box(v) for v in verticals], [box(h) for h in horizontals]
    intersections: Intersections = {}
    for v_index, h_index in sorted(pairs):  # pdfplumber's order: verticals outside, horizontals inside
        found = intersections.setdefault((xs[v_index], horizontals[h_index]["top"]), (set(), set()))
        found[0].add(v_boxes[v_index])
        found[1].add(h_boxes[h_index])
    return intersections


def _cells(intersections: Intersections) -> list[Bbox]:
    """pdfplumber's `intersections_to_cells`: from each intersection, the smallest cell whose four
    corners are intersections joined by edges. Points are indexed by column and by row instead of
    scanning every later point."""
    points = sorted(intersections)
    below: dict[float, list[tuple[float, float]]] = {}
    right: dict[float, list[tuple[float, float]]] = {}
    for point in points:  # sorted: each list runs top to bottom / left to right
        below.setdefault(point[0], []).append(point)
        right.setdefault(point[1], []).append(point)
    # where each point stands in its column and in its row
    in_column = {point: index for column in below.values() for index, point in enumerate(column)}
    in_row = {point: index for row in right.values() for index, point in enumerate(row)}
    cells: list[Bbox] = []
    for point in points:
        cell = _smallest_cell(point, below[point[0]][in_column[point] + 1:], right[point[1]][in_row[point] + 1:],
                              intersections)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest_cell(point: tuple[float, float], later_column: list[tuple[float, float]],
                   later_row: list[tuple[float, float]], intersections: Intersections) -> Bbox | None:
    """pdfplumber's `find_smallest_cell`, each point right of `point` asked once whether it connects
    (pdfplumber asks again for every point below), and only as far as a cell is found.

    pdfplumber's `edge_connects(a, b)` holds when a and b share x and a vertical edge, or share y
    and a horizontal one. Every pair asked here is two points of one column (a vertical edge
    is what joins them) or of one row (a horizontal edge), never both: each is asked only that.
    A coordinate that is NaN equals nothing, not even itself: no cell has it as a corner."""
    if point[0] != point[0] or point[1] != point[1]:
        return None
    verticals, horizontals = intersections[point]
    linked: list[bool] = []  # whether `point` connects to later_row[i], for the first len(linked)
    for below_point in later_column:
        if verticals.isdisjoint(intersections[below_point][0]):
            continue
        below_horizontals = intersections[below_point][1]
        for index, right_point in enumerate(later_row):
            if index == len(linked):
                linked.append(not horizontals.isdisjoint(intersections[right_point][1]))
            if not linked[index]:
                continue
            corner = (right_point[0], below_point[1])
            found = intersections.get(corner) if corner[0] == corner[0] and corner[1] == corner[1] else None
            if (found is not None and not found[0].isdisjoint(intersections[right_point][0])
                    and not found[1].isdisjoint(below_horizontals)):
                return (point[0], point[1], corner[0], corner[1])
    return None


_FIRST, _SECOND = itemgetter(0), itemgetter(1)


def _centres(chars: Sequence[dict[str, Any]]) -> Centres:
    centres = sorted([((c["top"] + c["bottom"]) / 2, index, (c["x0"] + c["x1"]) / 2, c) for index, c in enumerate(chars)],
                     key=_FIRST)
    return centres, list(map(_FIRST, centres))


def _table_text(rows: Sequence[Row], centres: Centres) -> list[list[str]]:
    """pdfplumber's `Table.extract()`: a character belongs to the cell holding its centre; each
    cell's text by `extract_text` and `pdf_cell_text`. The centres are bucketed by row once."""
    by_height, heights = centres
    table: list[list[str]] = []
    for row in rows:
        x0, top, x1, bottom = row.bbox
        # the row's characters by the x of their centre, each cell's found by bisection
        in_row = sorted([(h, index, v, c) for v, index, h, c in by_height[bisect_left(heights, top):bisect_left(heights, bottom)]
                         if x0 <= h < x1], key=_FIRST)
        xs = list(map(_FIRST, in_row))
        cells = []
        for cell in row.cells:
            if cell is None:
                cells.append("")
                continue
            left, upper, right, lower = cell
            inside = sorted([(index, c) for _, index, v, c in in_row[bisect_left(xs, left):bisect_left(xs, right)]
                             if upper <= v < lower], key=_FIRST)  # in the page's order, as pdfplumber
            cells.append(pdf_cell_text(extract_text(list(map(_SECOND, inside)))) if inside else "")
        table.append(cells)
    return table


def _page_text(content: PageContent, boxes: Sequence[Bbox], centres: Centres | None) -> list[PageText]:
    """Text lines outside the tables (pdfplumber's `extract_text_lines`), page numbers removed."""
    raw = [ln for ln in text_lines(_outside(content.chars, boxes, centres)) if ln.text.strip()]
    lines: list[PageText] = []
    for index, ln in enumerate(raw):
        text = normalise_space(ln.text)
        edge = index in (0, len(raw) - 1)
        in_margin = ln.top < content.height * 0.1 or ln.bottom > content.height * 0.9
        if is_page_number(text) or (edge and in_margin and _BARE_NUMBER.match(text)):
            continue
        char_width = (ln.x1 - ln.x0) / max(len(text), 1)
        lines.append(PageText(text, float(ln.top), float(ln.x1), char_width))
    return lines


def _page_items(content: PageContent) -> PageItems:
    """Tables and text lines of one page, top to bottom."""
    tables, centres = _page_tables(content)
    kept = [(bbox, PageTable(rows, float(bbox[1]))) for bbox, rows in tables if _is_real_table(rows)]
    items: PageItems = [item for _, item in kept]
    items.extend(_page_text(content, [bbox for bbox, _ in kept], centres))
    return sorted(items, key=lambda item: item.top)


def plumber_page(page: Page) -> PageContent:
    """A page as pdfplumber (pdfminer) reads it: for what pdfium is not trusted with (`pdfium_pages`)."""
    ruled = page.filter(lambda obj: not _is_background(obj))
    return PageContent(float(page.height), list(page.chars), list(ruled.edges), bool(page.images))


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


_STREAM_START = re.compile(rb"stream\r?\n")
_WORD_BYTES = frozenset(bytes([b]) for b in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")
_FILTER_NAME = re.compile(rb"/([A-Za-z0-9]+)")
_EXPANDING = {b"FlateDecode": "flate", b"Fl": "flate", b"LZWDecode": "lzw", b"LZW": "lzw",
              b"RunLengthDecode": "rl", b"RL": "rl", b"ASCIIHexDecode": "hex", b"AHx": "hex",
              b"ASCII85Decode": "a85", b"A85": "a85"}


def _stream_head(data: bytes, start: int) -> bytes:
    """The dictionary of the stream whose data begins at `start` (as far as 4 KB back)."""
    head = data[max(0, start - 4096):start]
    return head[head.rfind(b"obj") + 1:]


def _stream_filters(head: bytes) -> list[str]:
    """The stream's filters, as far as they are ones that unpack text-layer data (an image filter
    ends the list: pdfium decodes images only to render them)."""
    found = _FILTER.search(head)
    return filter_names(_FILTER_NAME.findall(found.group(1)) if found else [], _EXPANDING)


Sink = Callable[[bytes], None]


def _inflate_in_budget(data: bytes, start: int, keep: bool, sink: Sink) -> bytes:
    """Inflate the Flate stream at `start`, spending the budget chunk by chunk and giving each chunk
    to `sink`; its data is read up to the first "endstream" and on past it while the deflate
    stream has not ended."""
    decompressor = zlib.decompressobj()
    pieces: list[bytes] = []
    position = start
    while position < len(data) and not decompressor.eof:
        end = data.find(b"endstream", position + 1)
        end = len(data) if end < 0 else end + len(b"endstream")
        pending: bytes | memoryview = memoryview(data)[position:end]
        try:
            while pending and not decompressor.eof:
                piece = decompressor.decompress(pending, CHUNK)
                spend(len(piece))
                sink(piece)
                if keep:
                    pieces.append(piece)
                pending = decompressor.unconsumed_tail
        except zlib.error:
            break  # pdfium gives what came before the damage, as this counts
        position = end
    return b"".join(pieces)


def _decode(filters: list[str], raw: bytes) -> bytes:
    """`raw` through the filters, within the budget."""
    for name in filters:
        if name == "flate":
            raw = bounded_inflate(raw)
        elif name == "lzw":
            raw = bounded_lzwdecode(raw)
        elif name == "rl":
            raw = bounded_rldecode(raw)
        elif name == "hex":
            raw = bytes.fromhex(re.sub(rb"[^0-9A-Fa-f]", b"", raw.split(b">")[0]).decode("ascii").ljust(2, "0"))
        else:
            raw = base64.a85decode(raw.split(b"~>")[0].strip(), adobe=False, ignorechars=b" \t\n\r\x0b\x0c")
    return raw


def _decode_chain(data: bytes, start: int, filters: list[str], sink: Sink) -> None:
    """Spend the budget on what the stream at `start` unpacks to through `filters`, and give
    `sink` what it unpacks to (piece by piece when that is a Flate stream's output)."""
    if filters and filters[0] == "flate":
        if len(filters) == 1:
            _inflate_in_budget(data, start, keep=False, sink=sink)
            return
        raw, filters = _inflate_in_budget(data, start, keep=True, sink=lambda piece: None), filters[1:]
    else:
        end = data.find(b"endstream", start)
        raw = data[start:end if end >= 0 else len(data)]
    sink(_decode(filters, raw))


def _ignore(piece: bytes) -> None:
    pass


# Deflate packs at most 1032 bytes into one (a 258-byte match in two bits of code)
DEFLATE_MAX_RATIO = 1032
# A stream dictionary with nothing in it that could hide a key from a regex: names, numbers,
# references and flat arrays only, no string, nested dictionary or #-escaped name (as "bj …": the
# head begins after the "o" of "obj")
_FLAT_DICTIONARY = re.compile(rb"bj\s*<<[/A-Za-z0-9\s.+\-\[\]]*>>\s*")
_LENGTH = re.compile(rb"/Length(?![A-Za-z0-9_])\s*(\d*)(\s+\d+\s+R)?")
# The blanks around "endstream" that make it the word pdfium looks for at the end of a stream
# (fewer than pdfium's blanks, so that the one found is never before pdfium's)
_BLANKS = frozenset(b"\t\n\r ")


def _inflated_bound(data: bytes, start: int, head: bytes, filters: list[str]) -> int | None:
    """At most what pdfium can inflate this Flate stream to, without inflating it; None when that
    cannot be told from its dictionary. pdfium reads a stream's /Length bytes when "endstream"
    follows them, else up to the first "endstream" (or "endobj") standing as a word: never more
    than the larger of the two."""
    if filters != ["flate"] or head.count(b"/Filter") != 1 or not _FLAT_DICTIONARY.fullmatch(head):
        return None  # a second /Filter could be the one pdfium keeps
    lengths = _LENGTH.findall(head)
    if not lengths or any(reference or not digits for digits, reference in lengths):
        return None  # no /Length, or one pdfium reads from another object
    end = _endstream_word(data, start)
    if end < 0:
        return None
    read = max(max(int(digits) for digits, _ in lengths), end - start)
    return DEFLATE_MAX_RATIO * (read + 64)  # a few bytes more, for where pdfium starts reading


def _endstream_word(data: bytes, start: int) -> int:
    """Where the first "endstream" after `start` with a blank on each side (or the file's end after
    it) begins; -1 when there is none."""
    at = data.find(b"endstream", start)
    while at >= 0 and not (data[at - 1] in _BLANKS and (at + 9 == len(data) or data[at + 9] in _BLANKS)):
        at = data.find(b"endstream", at + 1)
    return at


def _streams(data: bytes) -> Iterator[tuple[int, bytes, list[str], InlineImages | None]]:
    """Each stream of the file: where its data starts, its dictionary, its unpacking filters, and
    an inline-image reader when it may hold content operators."""
    at = data.find(b"stream")
    while at >= 0:
        found = _STREAM_START.match(data, at)
        if found and data[at - 1:at] not in _WORD_BYTES:  # "endstream", "xstream" are not the keyword
            head = _stream_head(data, at)
            images = None if NOT_CONTENT.search(head) else InlineImages(_EXPANDING, _decode)
            yield found.end(), head, _stream_filters(head), images
        at = data.find(b"stream", at + 6)


def _measure(data: bytes, start: int, filters: list[str], images: InlineImages | None) -> None:
    """Spend the budget on what the stream at `start` unpacks to, its inline images' too."""
    try:
        if filters or images is not None:
            _decode_chain(data, start, filters, _ignore if images is None else images.feed)
    except (ValueError, zlib.error):
        pass  # undecodable: pdfium gets nothing out of it either
    if images is not None:
        images.close()


def measure_streams(data: bytes) -> None:
    """Spend the current budget on every stream of the file, before pdfium (which inflates with no
    limit) opens it: a Flate, LZW or RunLength bomb is refused here as pdfminer's readers refuse it,
    and so is one in an inline image of a content stream (`pdf_inline`).

    The streams are found in the bytes, not through the cross-reference table, so a stream an
    update replaced is counted too, and a damaged table hides none.

    A Flate stream that holds no content (a font program, most of a text PDF's bytes) has a bound
    its bytes set (`_inflated_bound`): those are inflated, the largest first, only until the bounds
    of the rest fit in what is left of the budget, since the rest cannot then exceed it. Inflating
    every one took about a twentieth of the time a text PDF is read in, to count bytes that are
    far from any limit."""
    bounded: list[tuple[int, int]] = []
    for start, head, filters, images in _streams(data):
        bound = None if images is not None else _inflated_bound(data, start, head, filters)
        if bound is None:
            _measure(data, start, filters, images)
        else:
            bounded.append((bound, start))
    left = sum(bound for bound, _ in bounded)
    for bound, start in sorted(bounded, reverse=True):
        if left <= room():
            return
        _measure(data, start, ["flate"], None)
        left -= bound


def pdfminer_cause(error: Exception) -> Exception:
    """pdfplumber wraps what pdfminer raised in PdfminerException(original)."""
    from pdfplumber.utils.exceptions import PdfminerException

    if isinstance(error, PdfminerException) and error.args and isinstance(error.args[0], Exception):
        return error.args[0]
    return error


def read_pdf(path: Path, data: bytes) -> Document:
    if b"%PDF-" not in data[:1024]:  # readers accept junk before the header, within 1 KB
        raise ReadError(path, "不是有效的 PDF 文件（not a PDF file (no %PDF- header)）")
    pages = pdfium_pages(path, data)
    if pages is None:
        pages = plumber_pages(path, data)
    scanned = [index for index, page in enumerate(pages) if is_scanned(page)]
    if not scanned and not any(page.chars for page in pages):
        raise ReadError(path, "PDF 没有文字层，也没有可供文字识别的扫描图像（no text layer and no scanned image）")
    recognised, engine = _recognised(path, data, scanned) if scanned else ({}, "")
    lines = page_lines([recognised[index] if index in recognised else _page_items(page)
                        for index, page in enumerate(pages)])
    return Document(str(path), "pdf", None, sha256_of(data), lines, ocr_pages=len(scanned), ocr_engine=engine)


def _recognised(path: Path, data: bytes, scanned: list[int]) -> tuple[dict[int, PageItems], str]:
    """The scanned pages read by OCR, and the engine's version. The OCR (and numpy) is imported
    only for a PDF that has such pages: 0.1 s or more of CPU a process otherwise spends for nothing."""
    from gknb.read.ocr import engine_version, recognise_pages

    return dict(zip(scanned, recognise_pages(path, data, scanned))), engine_version()


def pdfium_pages(path: Path, data: bytes) -> list[PageContent] | None:
    """Every page read by pdfium, or None for a file left to pdfplumber: one pdfium cannot open,
    an encrypted one (its streams cannot be measured first), one with a page not `plain_page`."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    if re.search(rb"/Encrypt\b", data):
        return None  # its streams cannot be measured before they are decrypted
    with inflating(Budget(path, "PDF 的数据流")):
        measure_streams(data)
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return None  # pdfplumber says what is wrong (or reads what pdfium would not)
    try:
        if pdfium_c.FPDF_GetSecurityHandlerRevision(document.raw) != -1:
            return None
        pages = [document[index] for index in range(len(document))]
        if not all(plain_page(page) for page in pages):
            return None
        return [pdfium_page(page) for page in pages]
    finally:
        document.close()


def plumber_pages(path: Path, data: bytes) -> list[PageContent]:
    """Every page read by pdfplumber (pdfminer), its streams inflated within the document's budget."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError

    limit_pdfminer()
    try:
        with inflating(Budget(path, "PDF 的数据流")), pdfplumber.open(io.BytesIO(data)) as pdf:
            return [plumber_page(page) for page in pdf.pages]
    except Exception as error:
        cause = pdfminer_cause(error)
        if isinstance(cause, ReadError):
            raise cause from None
        if isinstance(cause, PDFEncryptionError):
            raise ReadError(path, "PDF 已加密，需要密码才能打开，请提供未加密的文件（encrypted PDF: a password is needed）") from error
        raise


def is_scanned(page: PageContent) -> bool:
    """A page whose text is in an image: (almost) no characters in its text layer, an image on it."""
    return len(page.chars) < MIN_TEXT_CHARS and page.has_image


def scanned_page_count(path: Path) -> int:
    """How many pages of a PDF `is_scanned` will send to OCR (for progress): a quick look through
    pdfium's character count and image objects, 0 for anything unreadable.

    A file without the name /Image has no image XObject, so no scanned page as scanners make them
    (an inline image drawing a page is not looked for): it is not opened, since loading its pages
    and their text cost as much again as reading it."""
    try:
        if b"/Image" not in path.read_bytes():
            return 0
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
