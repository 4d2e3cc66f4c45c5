"""The PDF reader's shortcuts against the long way they stand for: each gives the same answer on
generated inputs (NaN and infinite coordinates included), so a shortcut taken can never change a
document."""

from __future__ import annotations

import math
from typing import Any

import pdfplumber.table
from hypothesis import given, settings
from hypothesis import strategies as st

from gknb.read.pdf import _cells, _centres, _intersections, _outside
from gknb.read.pdf_objects import LINETO, MOVETO, _is_background_rect, _path_edges, _subpaths

# A few coordinates, so that points coincide and rectangles close as often as not
COORDINATE = st.sampled_from([0.0, 1.0, 2.5, 4.0, 10.0, -3.0, 100.0, math.inf, math.nan])
MATRIX = st.sampled_from([(1.0, 0.0, 0.0, 1.0, 0.0, 0.0), (1.0, 0.0, 0.0, -1.0, 0.0, 842.0),
                          (0.0, 1.0, -1.0, 0.0, 5.0, 0.0), (2.0, 0.0, 0.5, 1.0, 0.0, 0.0)])
SEGMENT = st.tuples(COORDINATE, COORDINATE, st.sampled_from([LINETO, LINETO, LINETO, MOVETO, 1]), st.sampled_from([0, 0, 1]))


def rectangle(x0: float, y0: float, x1: float, y1: float, closes: int) -> list[tuple[float, float, int, int]]:
    return [(x0, y0, MOVETO, 0), (x1, y0, LINETO, 0), (x1, y1, LINETO, 0), (x0, y1, LINETO, 0), (x0, y0, LINETO, closes)]


SEGMENTS = st.one_of(
    st.lists(SEGMENT, min_size=1, max_size=7),
    st.builds(rectangle, COORDINATE, COORDINATE, COORDINATE, COORDINATE, st.sampled_from([0, 1])),
    st.builds(lambda r, i, s: r[:i] + [s] + r[i + 1:],
              st.builds(rectangle, COORDINATE, COORDINATE, COORDINATE, COORDINATE, st.sampled_from([0, 1])),
              st.integers(0, 4), SEGMENT))


def edges_the_long_way(segments: list[Any], matrix: Any, filled: bool, stroked: bool) -> list[dict[str, Any]]:
    return [edge for shape, points in _subpaths(segments, matrix)
            for edge in _path_edges(shape, points, filled, stroked, 842.0)]


def same(a: object, b: object) -> bool:
    return repr(a) == repr(b)  # NaN equal to NaN


@settings(max_examples=1500, deadline=None)
@given(segments=SEGMENTS, matrix=MATRIX)
def test_a_background_told_from_segments_is_one_the_long_way_drops(segments: list[Any], matrix: Any) -> None:
    if _is_background_rect(segments, matrix):
        assert edges_the_long_way(segments, matrix, True, False) == []


def test_the_exporters_background_boxes_are_told_from_their_segments() -> None:
    """The filled boxes behind each line of the real reports' prose (27 pt high), and what is not one."""
    flip = (1.0, 0.0, 0.0, -1.0, 0.0, 842.0)
    for closes in (0, 1):
        box = rectangle(74.3, 176.75, 518.55, 203.75, closes)
        assert _is_background_rect(box, flip)
        assert not _is_background_rect(rectangle(74.3, 176.75, 518.55, 178.0, closes), flip)  # a thin rule
        assert not _is_background_rect(box[:4] + [(74.3, 170.0, LINETO, closes)], flip)  # open at its start
        assert edges_the_long_way(rectangle(74.3, 176.75, 518.55, 178.0, closes), flip, True, False) != []


CHAR = st.builds(lambda x0, width, top, height: {"text": "字", "x0": x0, "x1": x0 + width, "top": top,
                                                  "bottom": top + height, "upright": True},
                 COORDINATE, st.sampled_from([0.0, 5.0, 12.0]), COORDINATE, st.sampled_from([0.0, 5.0, 12.0]))
BOX = st.tuples(COORDINATE, COORDINATE, COORDINATE, COORDINATE).map(lambda b: (min(b[0], b[2]), b[1], max(b[0], b[2]), b[3]))


@settings(max_examples=800, deadline=None)
@given(chars=st.lists(CHAR, max_size=30), boxes=st.lists(BOX, max_size=3))
def test_characters_outside_the_tables_by_bisection_are_those_found_one_by_one(
        chars: list[dict[str, Any]], boxes: list[Any]) -> None:
    assert _outside(chars, boxes, _centres(chars)) == _outside(chars, boxes, None)


def edge(orientation: str, at: float, start: float, end: float) -> dict[str, Any]:
    low, high = min(start, end), max(start, end)
    if orientation == "h":
        return {"orientation": "h", "x0": low, "x1": high, "top": at, "bottom": at, "width": high - low, "height": 0.0}
    return {"orientation": "v", "x0": at, "x1": at, "top": low, "bottom": high, "width": 0.0, "height": high - low}


GRID = st.sampled_from([0.0, 10.0, 20.0, 30.0, 45.0, math.nan, math.inf])
EDGES = st.lists(st.builds(edge, st.sampled_from(["h", "v"]), GRID, GRID, GRID), max_size=14)


@settings(max_examples=800, deadline=None)
@given(edges=EDGES)
def test_cells_are_pdfplumbers(edges: list[dict[str, Any]]) -> None:
    """pdfplumber's `intersections_to_cells` on the same intersections: the same cells."""
    intersections = _intersections(edges)
    theirs = {point: {"v": [dict(zip(("x0", "top", "x1", "bottom"), box)) for box in verticals],
                      "h": [dict(zip(("x0", "top", "x1", "bottom"), box)) for box in horizontals]}
              for point, (verticals, horizontals) in intersections.items()}
    assert same(_cells(intersections), pdfplumber.table.intersections_to_cells(theirs))


def test_a_grid_gives_its_cells() -> None:
    """Two rows of two cells, the right column's bottom rule missing: three cells."""
    edges = [edge("h", 0.0, 0.0, 20.0), edge("h", 10.0, 0.0, 20.0), edge("h", 20.0, 0.0, 10.0),
             edge("v", 0.0, 0.0, 20.0), edge("v", 10.0, 0.0, 20.0), edge("v", 20.0, 0.0, 20.0)]
    assert _cells(_intersections(edges)) == [(0.0, 0.0, 10.0, 10.0), (0.0, 10.0, 10.0, 20.0), (10.0, 0.0, 20.0, 10.0)]
