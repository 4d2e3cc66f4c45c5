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
from functools import cache, partial
from struct import Struct
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
_NOT_TEXT = frozenset((0, 0xFFFE, 0xFFFF, *range(0xD800, 0xE000)))  # no character, or half of one
_SPECIAL = _MADE_UP | _NOT_TEXT
_EIGHT_FLOATS, _SIX_FLOATS, _TWO_FLOATS = Struct("8f"), Struct("6f"), Struct("2f")
# A path segment as pdfium keeps it (`CFX_Path::Point`: x, y, type, closes, padding) and as
# `_Reader.segments` gives it; how many paths are read both ways before its memory is trusted
_SEGMENT = Struct("=ffBB2x")
Segment = tuple[float, float, int, int]
PROVE_PATHS = 8


class _Pdfium:
    """The pdfium functions called once per character, page object or path segment, called through
    cffi at the addresses pypdfium2 loaded them at: a ctypes call (pypdfium2's bindings) costs
    half as much again and wraps every handle it returns in a pointer object, and these calls are
    most of the reader's time. Handles are `void*`; out-parameters point into buffers kept per page.

    The C types are made by cffi's backend itself: `cffi.FFI()` would parse them from C
    declarations with pycparser, 0.03-0.05 s of CPU to import in every process, for these few."""

    def __init__(self) -> None:
        import _cffi_backend as backend  # type: ignore[import-untyped]  # cffi's own C module
        import pypdfium2.raw as pdfium_c

        self.backend = backend
        void_p = self.void_p = backend.new_pointer_type(backend.new_void_type())
        integer, unsigned_long = backend.new_primitive_type("int"), backend.new_primitive_type("unsigned long")
        double = backend.new_primitive_type("double")
        self.int_p, self.float_p, self.double_p = (backend.new_pointer_type(backend.new_primitive_type(name))
                                                   for name in ("int", "float", "double"))
        int_p, float_p, double_p = self.int_p, self.float_p, self.double_p

        def declare(function: Any, result: Any, *arguments: Any) -> Any:
            signature = backend.new_function_type(arguments, result, False)
            return backend.cast(signature, ctypes.cast(function, ctypes.c_void_p).value)

        self.is_generated = declare(pdfium_c.FPDFText_IsGenerated, integer, void_p, integer)
        self.loose_box = declare(pdfium_c.FPDFText_GetLooseCharBox, integer, void_p, integer, float_p)
        self.char_matrix = declare(pdfium_c.FPDFText_GetMatrix, integer, void_p, integer, float_p)
        self.font_size = declare(pdfium_c.FPDFText_GetFontSize, double, void_p, integer)
        self.char_origin = declare(pdfium_c.FPDFText_GetCharOrigin, integer, void_p, integer, double_p, double_p)
        self.count_objects = declare(pdfium_c.FPDFPage_CountObjects, integer, void_p)
        self.page_object = declare(pdfium_c.FPDFPage_GetObject, void_p, void_p, integer)
        self.count_form_objects = declare(pdfium_c.FPDFFormObj_CountObjects, integer, void_p)
        self.form_object = declare(pdfium_c.FPDFFormObj_GetObject, void_p, void_p, unsigned_long)
        self.object_type = declare(pdfium_c.FPDFPageObj_GetType, integer, void_p)
        self.object_matrix = declare(pdfium_c.FPDFPageObj_GetMatrix, integer, void_p, float_p)
        self.draw_mode = declare(pdfium_c.FPDFPath_GetDrawMode, integer, void_p, int_p, int_p)
        self.count_segments = declare(pdfium_c.FPDFPath_CountSegments, integer, void_p)
        # segments by address (an integer): `segments` reads a path's at once from there
        address = backend.new_primitive_type("uintptr_t")
        self.segment = declare(pdfium_c.FPDFPath_GetPathSegment, address, void_p, integer)
        self.segment_type = declare(pdfium_c.FPDFPathSegment_GetType, integer, address)
        self.segment_point = declare(pdfium_c.FPDFPathSegment_GetPoint, integer, address, float_p, float_p)
        self.segment_closes = declare(pdfium_c.FPDFPathSegment_GetClose, integer, address)
        self.char_p = backend.new_pointer_type(backend.new_primitive_type("char"))
        self.proven = 0  # paths whose segments in memory were found to be what the API gives
        self.in_memory = True  # until a path's are not
        self.TEXT, self.FORM = pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_FORM
        self.PATH, self.IMAGE = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE

    def handle(self, pointer: Any) -> Any:
        """A pypdfium2 handle (a ctypes pointer) as cffi's `void*`."""
        return self.backend.cast(self.void_p, ctypes.cast(pointer, ctypes.c_void_p).value or 0)

    def array(self, pointer_type: Any, length: int) -> Any:
        """A new zeroed C array (`float[length]` for `float_p`), owned by the object returned."""
        return self.backend.newp(self.backend.new_array_type(pointer_type, length), None)

    def buffer(self, array: Any) -> Any:
        """The array's memory, for struct to read."""
        return self.backend.buffer(array)

    def memory(self, address: int, size: int) -> Any:
        """`size` bytes of pdfium's memory from `address`."""
        return self.backend.buffer(self.backend.cast(self.char_p, address), size)


@cache
def _pdfium() -> _Pdfium:
    return _Pdfium()


def _text_units(textpage: Any, count: int) -> Sequence[int]:
    """The UTF-16 code unit of each character, in one FPDFText_GetText call when each takes one."""
    import pypdfium2.raw as pdfium_c

    buffer = ctypes.create_string_buffer((count + 1) * 2)
    written = pdfium_c.FPDFText_GetText(textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    units: Sequence[int] = memoryview(buffer.raw[:2 * max(written - 1, 0)]).cast("H")
    if len(units) != count:  # a character beyond the BMP took two units: ask for each one
        units = [pdfium_c.FPDFText_GetUnicode(textpage, index) for index in range(count)]
    return units


def _chars(textpage: Any, height: float) -> list[Obj]:
    """The text layer's characters, less those pdfium makes up (spaces and line breaks it infers).

    x0/x1 are the character's origin and advance (pdfium's loose box, as pdfminer's), the
    bottom its baseline less the font's descent and the top one font size above it."""
    import pypdfium2.raw as pdfium_c

    f = _pdfium()
    page = f.handle(textpage)
    # One buffer for the out-parameters: the loose box (left, top, right, bottom), then the matrix,
    # read back in one struct unpack (cheaper than cffi's unpack or indexing it float by float)
    floats = f.array(f.float_p, 10)
    box_at, matrix_at = floats, floats + 4
    read_floats = partial(_EIGHT_FLOATS.unpack_from, f.buffer(floats))
    origin = f.array(f.double_p, 2)
    is_generated, loose_box, char_matrix, font_size = f.is_generated, f.loose_box, f.char_matrix, f.font_size
    chars: list[Obj] = []
    units = _text_units(textpage, pdfium_c.FPDFText_CountChars(textpage))
    append = chars.append
    for index, code in enumerate(units):
        if code in _SPECIAL:
            if code in _NOT_TEXT or (code in _MADE_UP and is_generated(page, index) == 1):
                continue
        loose_box(page, index, box_at)
        char_matrix(page, index, matrix_at)
        size = font_size(page, index)
        left, high, right, low, a, b, c, d = read_floats()
        bottom = height - low
        if a * d > 0 and b * c <= 0:  # upright
            em = size * abs(d)
            if high - low > 3 * size * abs(d):
                # Vertical writing (Identity-V): pdfium's loose box leaves the text matrix out of its
                # size; pdfminer's box is one font size square, its bottom at pdfium's origin.
                f.char_origin(page, index, origin, origin + 1)
                bottom = height - origin[1]
                append({"text": chr(code), "x0": left, "x1": left + size * abs(a), "top": bottom - em,
                        "bottom": bottom, "upright": True})
            else:
                append({"text": chr(code), "x0": left, "x1": right, "top": bottom - em, "bottom": bottom, "upright": True})
        else:
            append({"text": chr(code), "x0": left, "x1": right, "top": height - high, "bottom": bottom, "upright": False})
    return chars


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


class _Reader:
    """Out-parameter buffers shared by one page's calls."""

    def __init__(self) -> None:
        self.f = _pdfium()
        self.floats = self.f.array(self.f.float_p, 6)
        self.ints = self.f.array(self.f.int_p, 2)
        # the floats read back in one struct unpack (cheaper than cffi's unpack or indexing)
        self.six_floats = partial(_SIX_FLOATS.unpack_from, self.f.buffer(self.floats))
        self.two_floats = partial(_TWO_FLOATS.unpack_from, self.f.buffer(self.floats))

    def matrix(self, obj: Any) -> Matrix:
        self.f.object_matrix(obj, self.floats)
        a, b, c, d, e, f = self.six_floats()
        return (a, b, c, d, e, f)

    def objects(self, container: Any, form: bool, outer: Matrix | None) -> Iterator[tuple[Any, int, Matrix]]:
        """Every path and image of the page with its matrix to page space, descending into form
        XObjects (as pdfminer does); text objects are left out (the text page has their characters)."""
        f = self.f
        count, get = (f.count_form_objects, f.form_object) if form else (f.count_objects, f.page_object)
        object_type, TEXT, FORM, PATH, IMAGE = f.object_type, f.TEXT, f.FORM, f.PATH, f.IMAGE
        for index in range(count(container)):
            obj = get(container, index)
            kind = object_type(obj)
            if kind == TEXT:  # most of a page's objects: asked first
                continue
            if kind == IMAGE:
                yield obj, kind, IDENTITY  # no geometry needed
            elif kind == PATH or kind == FORM:
                matrix = self.matrix(obj) if outer is None else _compose(self.matrix(obj), outer)
                if kind == FORM:
                    yield from self.objects(obj, True, matrix)
                else:
                    yield obj, kind, matrix

    def draw_mode(self, path: Any) -> tuple[bool, bool]:
        """Whether the path is filled, whether it is stroked."""
        self.f.draw_mode(path, self.ints, self.ints + 1)
        return self.ints[0] != 0, self.ints[1] != 0

    def segments(self, path: Any) -> list[Segment]:
        """The path's segments: (x, y, type, closes) each, in the path's space.

        FPDFPath_GetPathSegment points into pdfium's array of the path's points (`CFX_Path::Point`:
        two floats, a type byte, a close byte, 12 bytes in all), so all of them are read from there
        in one piece when the last is where that layout puts it, instead of three calls a segment.
        The first paths of a process are read both ways and compared: a pdfium whose points are
        laid out otherwise is asked segment by segment, as is a path of one segment."""
        f = self.f
        count = f.count_segments(path)
        if count > 1 and f.in_memory:
            first = f.segment(path, 0)
            if f.segment(path, count - 1) == first + _SEGMENT.size * (count - 1):
                found = list(_SEGMENT.iter_unpack(f.memory(first, _SEGMENT.size * count)))
                if f.proven >= PROVE_PATHS:
                    return found
                asked = self.asked_segments(path, count)
                if found == asked:
                    f.proven += 1
                else:
                    f.in_memory = False
                return asked
        return self.asked_segments(path, count)

    def asked_segments(self, path: Any, count: int) -> list[Segment]:
        f = self.f
        x_at, y_at, read_point = self.floats, self.floats + 1, self.two_floats
        found = []
        for index in range(count):
            segment = f.segment(path, index)
            f.segment_point(segment, x_at, y_at)
            x, y = read_point()
            found.append((x, y, f.segment_type(segment), int(f.segment_closes(segment) != 0)))
        return found


# pdfium's segment types (fpdf_edit.h): fixed by its API
LINETO, BEZIERTO, MOVETO = 0, 1, 2


def _subpaths(segments: list[Segment], matrix: Matrix) -> Iterator[tuple[str, list[Point]]]:
    """pdfminer's view of a path's segments: per subpath the operators (m, l, c, h) and each one's end point."""
    a, b, c, d, e, f = matrix
    shape, points = "", list[Point]()
    pending_curve = 0
    for x, y, kind, closes in segments:
        if kind == MOVETO:
            if shape:
                yield shape, points
            shape, points, pending_curve = "m", [(a * x + c * y + e, b * x + d * y + f)], 0
            continue
        if kind == BEZIERTO:
            pending_curve += 1  # a curve is three points in pdfium, one operator in pdfminer
            if pending_curve < 3:
                continue
            pending_curve = 0
        shape += "c" if kind == BEZIERTO else "l"
        points.append((a * x + c * y + e, b * x + d * y + f))
        if closes and points:
            shape += "h"
            points.append(points[0])
    if shape:
        yield shape, points


def _is_background_rect(segments: list[Segment], matrix: Matrix) -> bool:
    """Whether a filled, unstroked path is one rectangle thicker than 2 pt drawn as m and four l
    (closed or not): what `_path_edges` drops as a background, told from the segments without
    making the subpath (most paths of some exporters' pages). Any other path: False, and it is
    judged the long way."""
    if len(segments) != 5:
        return False
    (x0, y0, k0, _), (x1, y1, k1, c1), (x2, y2, k2, c2), (x3, y3, k3, c3), (x4, y4, k4, _) = segments
    if k0 != MOVETO or k1 != LINETO or k2 != LINETO or k3 != LINETO or k4 != LINETO or c1 or c2 or c3:
        return False
    a, b, c, d, e, f = matrix  # the same arithmetic as `_subpaths`
    p0, p2 = (a * x0 + c * y0 + e, b * x0 + d * y0 + f), (a * x2 + c * y2 + e, b * x2 + d * y2 + f)
    if (a * x4 + c * y4 + e, b * x4 + d * y4 + f) != p0:  # not closed on its start: no rectangle
        return False
    p1, p3 = (a * x1 + c * y1 + e, b * x1 + d * y1 + f), (a * x3 + c * y3 + e, b * x3 + d * y3 + f)
    return _square(p0, p1, p2, p3) and _background_size(p0, p2)


def _box(points: list[Point], height: float) -> Obj:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    return {"x0": x0, "x1": x1, "top": height - y1, "bottom": height - y0, "width": x1 - x0, "height": y1 - y0}


def _line(points: list[Point], height: float) -> Obj:
    edge = _box(points[:2], height)
    edge["orientation"] = "h" if edge["top"] == edge["bottom"] else "v"
    return edge


def _rect_edges(rect: Obj) -> list[Obj]:
    x0, x1, top, bottom, width, height = rect["x0"], rect["x1"], rect["top"], rect["bottom"], rect["width"], rect["height"]
    return [{"x0": x0, "x1": x1, "top": top, "bottom": top, "width": width, "height": 0, "orientation": "h"},
            {"x0": x0, "x1": x1, "top": top + height, "bottom": bottom, "width": width, "height": 0, "orientation": "h"},
            {"x0": x0, "x1": x0, "top": top, "bottom": bottom, "width": 0, "height": height, "orientation": "v"},
            {"x0": x1, "x1": x1, "top": top, "bottom": bottom, "width": 0, "height": height, "orientation": "v"}]


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
    return points[0] == points[4] and _square(*points[:4])


def _square(p0: Point, p1: Point, p2: Point, p3: Point) -> bool:
    """Four corners, in order, of a rectangle with sides along the axes."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = p0, p1, p2, p3
    return (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)


def _background_size(corner: Point, opposite: Point) -> bool:
    """A rectangle thicker than 2 pt: filled and not stroked, a background, not a rule."""
    (xa, ya), (xb, yb) = corner, opposite
    return min(max(xa, xb) - min(xa, xb), max(ya, yb) - min(ya, yb)) > 2


def _path_edges(shape: str, points: list[Point], filled: bool, stroked: bool, height: float) -> list[Obj]:
    """A subpath as pdfminer and pdfplumber see it (LTLine, LTRect or LTCurve), as edges.

    A filled, unstroked rectangle thicker than 2 pt is a background (see `pdf._is_background`)."""
    if len(shape) > 3 and shape.endswith("lh") and points[-2] == points[0]:
        shape, points = shape[:-2] + "h", points[:-1]  # pdfminer drops a redundant l closed by h
    if shape in ("mlh", "ml"):
        return [_line(points, height)]
    if _is_rect(shape, points):
        if filled and not stroked and _background_size(points[0], points[2]):
            return []  # most paths of some exporters' pages: judged before any edge is made
        return _rect_edges(_box([points[0], points[2]], height))
    return _curve_edges(points, height)


def _page_edges(page: Any, height: float) -> tuple[list[Obj], bool]:
    reader = _Reader()
    IMAGE = reader.f.IMAGE
    edges: list[Obj] = []
    has_image = False
    for obj, kind, matrix in reader.objects(reader.f.handle(page), False, None):
        if kind == IMAGE:
            has_image = True
            continue
        segments = reader.segments(obj)
        # only a rectangle's edges depend on how the path is painted, and it takes four segments
        filled, stroked = reader.draw_mode(obj) if len(segments) >= 4 else (False, False)
        if filled and not stroked and _is_background_rect(segments, matrix):
            continue
        for shape, points in _subpaths(segments, matrix):
            edges.extend(_path_edges(shape, points, filled, stroked, height))
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
