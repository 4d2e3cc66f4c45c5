"""The ruled tables of a scanned page: straightening the image and finding its grid of cells.

A scanned report's tables are drawn with rules, so the rules give the cells exactly, merged
cells included, where OCR text positions alone would have to guess columns. The page is first
turned level (scans lean 1–2°), then horizontal and vertical rules are found by morphology.
A cell boundary exists where a rule covers most of it: that is how merged cells (申请人情况
over seven columns, 三、本年度办理结果 down seventeen rows) come out as one cell.

Sizes are in pixels of a page rendered at `DPI`; the OCR reader always renders at that scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

DPI = 200
MM = DPI / 25.4                      # pixels per millimetre
MAX_TILT_DEGREES = 5.0               # a scan leaning more is not straightened (and not a table page)
HORIZONTAL_RULE_MIN = int(8 * MM)    # a horizontal stroke this long is a rule, not part of a character
VERTICAL_RULE_MIN = int(4 * MM)      # rows are at least ~6 mm high; digit strokes are shorter than 4 mm
RULE_TOUCH = int(1.2 * MM)           # a vertical rule's ends lie this close to horizontal rules
LONG_RULE = int(10 * MM)             # no character stroke is this tall: a vertical this long is a rule
SAME_LINE = int(1.5 * MM)            # rule positions closer than this are one grid line
BOUNDARY_COVERED = 0.6               # share of a cell edge a rule must cover to separate two cells
MIN_TABLE_WIDTH = int(60 * MM)       # smaller ruled boxes are stamps or frames, not tables

Gray = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Rule:
    """A straight rule: horizontal (fixed y, from x0 to x1) or vertical (fixed x, from y0 to y1)."""

    at: int
    start: int
    end: int


@dataclass(frozen=True)
class Box:
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.top + self.bottom) / 2


@dataclass(frozen=True)
class GridTable:
    """A ruled table: its grid lines and the cells (merged ones spanning several slots)."""

    rows: tuple[int, ...]            # y of each horizontal grid line, top to bottom
    columns: tuple[int, ...]         # x of each vertical grid line, left to right
    cells: tuple[tuple[int, int, int, int], ...]  # (row, column, last row, last column) of each cell

    @property
    def box(self) -> Box:
        return Box(self.columns[0], self.rows[0], self.columns[-1], self.rows[-1])

    def cell_box(self, cell: tuple[int, int, int, int]) -> Box:
        r0, c0, r1, c1 = cell
        return Box(self.columns[c0], self.rows[r0], self.columns[c1 + 1], self.rows[r1 + 1])


def binarise(gray: Gray) -> Gray:
    """Ink as 255 on 0: a local threshold copes with uneven scan lighting."""
    import cv2

    return np.asarray(cv2.adaptiveThreshold(255 - gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -10),
                      dtype=np.uint8)


def rule_mask(ink: Gray, horizontal: bool) -> Gray:
    import cv2

    size = (HORIZONTAL_RULE_MIN, 1) if horizontal else (1, VERTICAL_RULE_MIN)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, size)
    return np.asarray(cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel), dtype=np.uint8)


def tilt(ink: Gray) -> float:
    """The turn (degrees, as OpenCV counts) that levels the page, from its long horizontal rules (0: none).

    Each long rule's slope is fitted from its pixels; the median over rules resists strokes
    of text that happen to be long. A tilted rule still survives a one-pixel-high opening
    over 8 mm at these angles (1° drifts 0.3 mm over that length).
    """
    import cv2

    count, labels, stats, _ = cv2.connectedComponentsWithStats(rule_mask(ink, horizontal=True))
    slopes: list[float] = []
    for index in range(1, count):
        x, y, width, height = (int(v) for v in stats[index][:4])
        if width < ink.shape[1] // 4:
            continue
        ys, xs = np.nonzero(labels[y:y + height, x:x + width] == index)
        if np.ptp(xs) > 0:
            slopes.append(float(np.polyfit(xs, ys, 1)[0]))
    if not slopes:
        return 0.0
    angle = float(np.degrees(np.arctan(np.median(slopes))))
    return angle if abs(angle) <= MAX_TILT_DEGREES else 0.0


def straighten(gray: Gray) -> Gray:
    """The page rotated level (white fills the corners)."""
    import cv2

    angle = tilt(binarise(gray))
    if abs(angle) < 0.05:
        return gray
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return np.asarray(cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255),
                      dtype=np.uint8)


def rules(mask: Gray, horizontal: bool) -> list[Rule]:
    import cv2

    count, _, stats, _ = cv2.connectedComponentsWithStats(mask)
    found: list[Rule] = []
    for x, y, width, height, _area in (tuple(int(v) for v in s) for s in stats[1:count]):
        if horizontal:
            found.append(Rule(y + height // 2, x, x + width - 1))
        else:
            found.append(Rule(x + width // 2, y, y + height - 1))
    return found


def touches(vertical: Rule, horizontals: Sequence[Rule], y: int) -> bool:
    return any(abs(h.at - y) <= RULE_TOUCH and h.start - RULE_TOUCH <= vertical.at <= h.end + RULE_TOUCH
               for h in horizontals)


def is_vertical_rule(vertical: Rule, horizontals: Sequence[Rule]) -> bool:
    """A vertical stroke that runs from one horizontal rule to another, or a long one that meets
    a rule at one end (a table cut by the page edge). A tall digit 1 in a cell is neither."""
    ends = touches(vertical, horizontals, vertical.start) + touches(vertical, horizontals, vertical.end)
    return ends == 2 or (vertical.end - vertical.start >= LONG_RULE and ends == 1) or vertical.end - vertical.start >= 2 * LONG_RULE


def open_ends(verticals: Sequence[Rule], horizontals: Sequence[Rule]) -> list[Rule]:
    """Horizontal rules closing a table where its verticals stop with no rule drawn.

    A table broken across pages is often drawn without the rule at the break; where two or
    more verticals end at the same height and nothing covers them there, the rule is supplied.
    """
    closing: list[Rule] = []
    for y in grid_positions([v.start for v in verticals] + [v.end for v in verticals]):
        ending = [v for v in verticals if abs(v.start - y) <= SAME_LINE or abs(v.end - y) <= SAME_LINE]
        if len(ending) < 2:
            continue
        x0, x1 = min(v.at for v in ending), max(v.at for v in ending)
        if not covered([*horizontals, *closing], y, x0, x1):
            closing.append(Rule(y, x0, x1))
    return closing


def table_rules(ink: Gray) -> tuple[list[Rule], list[Rule]]:
    """The page's horizontal rules (with those a page break left out) and vertical rules."""
    horizontals = rules(rule_mask(ink, horizontal=True), horizontal=True)
    verticals = [v for v in rules(rule_mask(ink, horizontal=False), horizontal=False) if is_vertical_rule(v, horizontals)]
    return horizontals + open_ends(verticals, horizontals), verticals


def grid_positions(values: Sequence[int]) -> list[int]:
    """Positions closer than SAME_LINE merged into one (their mean)."""
    merged: list[list[int]] = []
    for value in sorted(values):
        if merged and value - merged[-1][-1] <= SAME_LINE:
            merged[-1].append(value)
        else:
            merged.append([value])
    return [round(sum(group) / len(group)) for group in merged]


def covered(rule_list: Sequence[Rule], at: int, start: int, end: int) -> bool:
    """Do rules at position `at` cover most of the span start..end?"""
    length = sum(max(0, min(r.end, end) - max(r.start, start))
                 for r in rule_list if abs(r.at - at) <= SAME_LINE)
    return length >= BOUNDARY_COVERED * max(end - start, 1)


def clusters(horizontals: Sequence[Rule], verticals: Sequence[Rule]) -> list[tuple[list[Rule], list[Rule]]]:
    """Rules grouped into separate tables: verticals joined through the horizontals they touch."""
    groups: list[tuple[list[Rule], list[Rule]]] = []
    for v in sorted(verticals, key=lambda r: r.start):
        for hs, vs in groups:
            if any(h.start - RULE_TOUCH <= v.at <= h.end + RULE_TOUCH and v.start - RULE_TOUCH <= h.at <= v.end + RULE_TOUCH
                   for h in hs):
                vs.append(v)
                hs.extend(h for h in horizontals if h not in hs and _crosses(h, v))
                break
        else:
            groups.append(([h for h in horizontals if _crosses(h, v)], [v]))
    return [(hs, vs) for hs, vs in groups if len(vs) >= 2 and len(hs) >= 2]


def _crosses(h: Rule, v: Rule) -> bool:
    return (h.start - RULE_TOUCH <= v.at <= h.end + RULE_TOUCH) and (v.start - RULE_TOUCH <= h.at <= v.end + RULE_TOUCH)


def grid_table(horizontals: Sequence[Rule], verticals: Sequence[Rule]) -> GridTable | None:
    rows = grid_positions([h.at for h in horizontals])
    columns = grid_positions([v.at for v in verticals])
    if len(rows) < 2 or len(columns) < 2 or columns[-1] - columns[0] < MIN_TABLE_WIDTH:
        return None
    parent = {(r, c): (r, c) for r in range(len(rows) - 1) for c in range(len(columns) - 1)}

    def root(slot: tuple[int, int]) -> tuple[int, int]:
        while parent[slot] != slot:
            parent[slot] = parent[parent[slot]]
            slot = parent[slot]
        return slot

    for r, c in list(parent):
        if c + 1 < len(columns) - 1 and not covered(verticals, columns[c + 1], rows[r], rows[r + 1]):
            parent[root((r, c + 1))] = root((r, c))
        if r + 1 < len(rows) - 1 and not covered(horizontals, rows[r + 1], columns[c], columns[c + 1]):
            parent[root((r + 1, c))] = root((r, c))
    spans: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for slot in parent:
        spans.setdefault(root(slot), []).append(slot)
    cells = tuple(sorted((min(r for r, _ in s), min(c for _, c in s), max(r for r, _ in s), max(c for _, c in s))
                         for s in spans.values()))
    return GridTable(tuple(rows), tuple(columns), cells)


def find_tables(gray: Gray) -> list[GridTable]:
    """The ruled tables of a (straightened) page, top to bottom."""
    horizontals, verticals = table_rules(binarise(gray))
    tables = [grid_table(hs, vs) for hs, vs in clusters(horizontals, verticals)]
    return sorted((t for t in tables if t is not None), key=lambda t: t.rows[0])
