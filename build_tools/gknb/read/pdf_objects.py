"""A PDF page's characters and ruling edges through pdfium, in pdfplumber's terms.

pdfplumber interprets the content stream with pdfminer, in Python: 0.7 s of CPU for a
five-page report, nearly all of it before any table is looked for. pdfium (pypdfium2, also the
OCR's renderer) does the same in C. This module gives what pdfium reads as the objects
pdfplumber would have made: characters as dicts with `text`, `x0`, `x1`, `top`, `bottom`
(top-down coordinates) and `upright`, and the edges of lines, rectangles and curves the way
pdfminer classifies a painted path — so the table and line finding in `read/pdf.py` are the
same algorithm whichever library read the page.

Pages pdfium and pdfminer would not place alike (rotated, a MediaBox not at the origin) are
left to pdfplumber by the caller (`plain_page`).
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

Obj = dict[str, Any]
Matrix = tuple[float, float, float, float, float, float]
Point = tuple[float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass
class PageContent:
    """What the reader needs from a page, whichever library read it."""

    height: float
    chars: list[Obj]
    edges: list[Obj]          # ruling edges, backgrounds (filled areas) left out
    has_image: bool
    char_count: int = field(default=0)

    def __post_init__(self) -> None:
        self.char_count = len(self.chars)


def plain_page(page: Any) -> bool:
    """A page whose coordinates pdfium and pdfminer give alike: unrotated, MediaBox at the origin."""
    box = page.get_mediabox()
    return bool(page.get_rotation() == 0 and box[0] == 0 and box[1] == 0)


# What pdfium inserts between characters (IsGenerated): asked only of these, one call per character saved
_MADE_UP = frozenset(map(ord, " \r\n\u00ad-"))


def _chars(textpage: Any, height: float) -> list[Obj]:
    """The text layer's characters, less those pdfium makes up (spaces and line breaks it infers).

    x0/x1 are the character's origin and advance (pdfium's loose box, as pdfminer's), the
    bottom its baseline less the font's descent and the top one font size above it."""
    import pypdfium2.raw as pdfium_c

    chars: list[Obj] = []
    box = pdfium_c.FS_RECTF()
    matrix = pdfium_c.FS_MATRIX()
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    count = pdfium_c.FPDFText_CountChars(textpage)
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    written = pdfium_c.FPDFText_GetText(textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    units: Sequence[int] = memoryview(buffer.raw[:2 * max(written - 1, 0)]).cast("H")
    if len(units) != count:  # a character beyond the BMP took two units: ask for each one
        units = [pdfium_c.FPDFText_GetUnicode(textpage, index) for index in range(count)]
    for index in range(count):
        code = units[index]
        if code in _MADE_UP and pdfium_c.FPDFText_IsGenerated(textpage, index) == 1:
            continue
        if code in (0, 0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF:
            continue
        pdfium_c.FPDFText_GetLooseCharBox(textpage, index, box)
        pdfium_c.FPDFText_GetMatrix(textpage, index, matrix)
        upright = matrix.a * matrix.d > 0 and matrix.b * matrix.c <= 0
        size = pdfium_c.FPDFText_GetFontSize(textpage, index)
        x0, x1, bottom = box.left, box.right, height - box.bottom
        if upright and box.top - box.bottom > 3 * size * abs(matrix.d):
            # Vertical writing (Identity-V): pdfium's loose box leaves the text matrix out of its
            # size; pdfminer's box is one font size square, its bottom at pdfium's origin.
            pdfium_c.FPDFText_GetCharOrigin(textpage, index, origin_x, origin_y)
            x1, bottom = x0 + size * abs(matrix.a), height - origin_y.value
        top = bottom - size * abs(matrix.d) if upright else height - box.top
        chars.append({"text": chr(code), "x0": x0, "x1": x1, "top": top, "bottom": bottom,
                      "doctop": top, "upright": upright})
    return chars


def _matrix(obj: Any) -> Matrix:
    import pypdfium2.raw as pdfium_c

    m = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj, m)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _objects(container: Any, count: Any, get: Any, outer: Matrix | None) -> Iterator[tuple[Any, int, Matrix]]:
    """Every page object with its matrix to page space, descending into form XObjects (as pdfminer does)."""
    import pypdfium2.raw as pdfium_c

    for index in range(count(container)):
        obj = get(container, index)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind not in (pdfium_c.FPDF_PAGEOBJ_FORM, pdfium_c.FPDF_PAGEOBJ_PATH):
            yield obj, kind, IDENTITY  # text and images: no geometry needed
            continue
        matrix = _matrix(obj) if outer is None else _compose(_matrix(obj), outer)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            yield from _objects(obj, pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject, matrix)
        else:
            yield obj, kind, matrix


def _subpaths(path: Any, matrix: Matrix) -> Iterator[tuple[str, list[Point]]]:
    """pdfminer's view of a path: per subpath the operators (m, l, c, h) and each one's end point."""
    import pypdfium2.raw as pdfium_c

    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    shape, points = "", list[Point]()
    pending_curve = 0
    for index in range(pdfium_c.FPDFPath_CountSegments(path)):
        segment = pdfium_c.FPDFPath_GetPathSegment(path, index)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            if shape:
                yield shape, points
            shape, points, pending_curve = "m", [point], 0
            continue
        if kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            pending_curve += 1  # a curve is three points in pdfium, one operator in pdfminer
            if pending_curve < 3:
                continue
            pending_curve = 0
        shape += "c" if kind == pdfium_c.FPDF_SEGMENT_BEZIERTO else "l"
        points.append(point)
        if pdfium_c.FPDFPathSegment_GetClose(segment) and points:
            shape += "h"
            points.append(points[0])
    if shape:
        yield shape, points


def _box(points: list[Point], height: float) -> Obj:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    return {"x0": x0, "x1": x1, "top": height - y1, "bottom": height - y0, "width": x1 - x0, "height": y1 - y0}


def _line(points: list[Point], height: float) -> Obj:
    edge = _box(points[:2], height)
    edge["orientation"] = "h" if edge["top"] == edge["bottom"] else "v"
    return edge


def _rect_edges(rect: Obj) -> list[Obj]:
    top, bottom, left, right = (dict(rect) for _ in range(4))
    top.update(height=0, bottom=rect["top"], orientation="h")
    bottom.update(height=0, top=rect["top"] + rect["height"], orientation="h")
    left.update(width=0, x1=rect["x0"], orientation="v")
    right.update(width=0, x0=rect["x1"], orientation="v")
    return [top, bottom, left, right]


def _curve_edges(points: list[Point], height: float) -> list[Obj]:
    flipped = [(x, height - y) for x, y in points]
    edges = []
    for (xa, ya), (xb, yb) in zip(flipped, flipped[1:]):
        orientation = "v" if xa == xb else ("h" if ya == yb else None)
        edges.append({"x0": min(xa, xb), "x1": max(xa, xb), "top": min(ya, yb), "bottom": max(ya, yb),
                      "width": abs(xa - xb), "height": abs(ya - yb), "orientation": orientation})
    return edges


def _is_rect(shape: str, points: list[Point]) -> bool:
    if shape not in ("mlllh", "mllll"):
        return False
    (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = points
    square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
    return points[0] == points[4] and square


def _path_edges(shape: str, points: list[Point], filled: bool, stroked: bool, height: float) -> list[Obj]:
    """A subpath as pdfminer and pdfplumber see it (LTLine, LTRect or LTCurve), as edges.

    A filled, unstroked rectangle thicker than 2 pt is a background (see `pdf._is_background`)."""
    if len(shape) > 3 and shape.endswith("lh") and points[-2] == points[0]:
        shape, points = shape[:-2] + "h", points[:-1]  # pdfminer drops a redundant l closed by h
    if shape in ("mlh", "ml"):
        return [_line(points, height)]
    if _is_rect(shape, points):
        rect = _box([points[0], points[2]], height)
        if filled and not stroked and min(rect["width"], rect["height"]) > 2:
            return []
        return _rect_edges(rect)
    return _curve_edges(points, height)


def _page_edges(page: Any, height: float) -> tuple[list[Obj], bool]:
    import pypdfium2.raw as pdfium_c

    edges: list[Obj] = []
    has_image = False
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    for obj, kind, matrix in _objects(page, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, None):
        has_image = has_image or kind == pdfium_c.FPDF_PAGEOBJ_IMAGE
        if kind != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke)
        for shape, points in _subpaths(obj, matrix):
            edges.extend(_path_edges(shape, points, fill.value != 0, bool(stroke.value), height))
    return edges, has_image


def pdfium_page(page: Any) -> PageContent:
    """One pypdfium2 page as pdfplumber's characters and edges."""
    height = float(page.get_height())
    textpage = page.get_textpage()
    try:
        chars = _chars(textpage.raw, height)
    finally:
        textpage.close()
    edges, has_image = _page_edges(page.raw, height)
    return PageContent(height, chars, edges, has_image)
