"""pdfplumber's edge merging and table rows (`table.merge_edges`, `utils.filter_edges`, `Table.rows`),
with its default tolerances, without importing pdfplumber.

Importing any part of pdfplumber imports all of it (pdfminer's interpreter, its PDF classes):
0.08 s of CPU in every process that reads a PDF, though pages pdfium reads need none of it. The
results are pdfplumber's, value for value: the same arithmetic in the same order
(tests/data/pdf_documents.json holds the reader to them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from gknb.read.pdf_text import cluster_ids

Obj = dict[str, Any]
Bbox = tuple[float, float, float, float]
SNAP = JOIN = 3  # pdfplumber's DEFAULT_SNAP_TOLERANCE and DEFAULT_JOIN_TOLERANCE


def filter_edges(edges: Iterable[Obj], orientation: str | None = None, min_length: float = 1) -> list[Obj]:
    """`pdfplumber.utils.filter_edges` (no edge type): the edges of that orientation, at least that long."""
    return [e for e in edges if (orientation is None or e["orientation"] == orientation)
            and e["height" if e["orientation"] == "v" else "width"] >= min_length]


def _moved(obj: Obj, axis: str, value: float) -> Obj:
    """`pdfplumber.utils.move_object`."""
    if axis == "h":
        return {**obj, "x0": obj["x0"] + value, "x1": obj["x1"] + value}
    moved = {**obj, "top": obj["top"] + value, "bottom": obj["bottom"] + value}
    if "doctop" in obj:
        moved["doctop"] = obj["doctop"] + value
    if "y0" in obj:
        moved["y0"], moved["y1"] = obj["y0"] - value, obj["y1"] - value
    return moved


def _snapped(objs: list[Obj], attr: str) -> list[Obj]:
    """`pdfplumber.utils.snap_objects` (tolerance 3): each cluster of `attr` moved to its mean."""
    axis = "h" if attr in ("x0", "x1") else "v"
    ids = cluster_ids([obj[attr] for obj in objs])  # pdfplumber's make_cluster_dict, tolerance 3
    ordered = sorted(objs, key=lambda obj: ids[obj[attr]])  # stable, as pdfplumber's
    snapped: list[Obj] = []
    for _, members in groupby(ordered, key=lambda obj: ids[obj[attr]]):
        cluster = list(members)
        mean = sum(map(itemgetter(attr), cluster)) / len(cluster)
        snapped.extend(_moved(obj, axis, mean - obj[attr]) for obj in cluster)
    return snapped


def _resized(obj: Obj, key: str, value: float) -> Obj:
    """`pdfplumber.utils.resize_object` for the keys joining uses (x1, bottom)."""
    if key == "x1":
        return {**obj, "x1": value, "width": value - obj["x0"]}
    diff = value - obj["bottom"]
    resized = {**obj, "bottom": value, "height": obj["height"] + diff}
    if "y0" in obj:
        resized["y0"] = obj["y0"] - diff
    return resized


def _joined(edges: Iterable[Obj], orientation: str) -> list[Obj]:
    """`pdfplumber.table.join_edge_group` (tolerance 3): edges on one line that touch, made one."""
    low, high = ("x0", "x1") if orientation == "h" else ("top", "bottom")
    ordered = sorted(edges, key=itemgetter(low))
    joined = [ordered[0]]
    for edge in ordered[1:]:
        last = joined[-1]
        if edge[low] <= last[high] + JOIN:
            if edge[high] > last[high]:
                joined[-1] = _resized(last, high, edge[high])
        else:
            joined.append(edge)
    return joined


def _line_of(edge: Obj) -> tuple[str, float]:
    return ("h", edge["top"]) if edge["orientation"] == "h" else ("v", edge["x0"])


def merge_edges(edges: list[Obj]) -> list[Obj]:
    """`pdfplumber.table.merge_edges(edges, 3, 3, 3, 3)`: snapped, then joined line by line."""
    snapped = (_snapped([e for e in edges if e["orientation"] == "v"], "x0")
               + _snapped([e for e in edges if e["orientation"] == "h"], "top"))
    merged: list[Obj] = []
    for line, members in groupby(sorted(snapped, key=_line_of), key=_line_of):
        merged.extend(_joined(members, line[0]))
    return merged


class Row(NamedTuple):
    """pdfplumber's table `Row`: its cells (None where the table has no cell in that column) and box."""

    cells: list[Bbox | None]
    bbox: Bbox


def table_bbox(cells: Sequence[Bbox]) -> Bbox:
    """`Table.bbox`."""
    return (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))


def table_rows(cells: Sequence[Bbox]) -> list[Row]:
    """`Table.rows`: the cells by top, each row's cells by the table's column lefts."""
    lefts = sorted({cell[0] for cell in cells})
    rows = []
    for _, members in groupby(sorted(cells, key=itemgetter(1, 0)), itemgetter(1)):
        by_left = {cell[0]: cell for cell in members}
        row = [by_left.get(x) for x in lefts]
        rows.append(Row(row, table_bbox([cell for cell in row if cell])))
    return rows
