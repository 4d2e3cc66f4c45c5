"""What every reader shares: the Reader declaration, and the rules for text and real tables.

The readers agree on the rules for real tables (HTML, DOCX, ruled PDF): every row becomes one
GRID line with one cell per grid column; a merged cell's text sits in its first (top-left)
slot and every other slot it covers is "", so a label merged down several rows appears once.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from gknb.model.document import Document, Line, LineKind

ReadFunction = Callable[[Path, bytes], Document]


@dataclass(frozen=True)
class Reader:
    """A format: its name (Document.format), the extensions it claims, and its read function."""

    name: str
    extensions: tuple[str, ...]
    read: ReadFunction


# Where readers keep what is slow to make again (OCR results, LibreOffice conversions), by
# content; None: nowhere. Set once by the build before its workers fork.
_cache_dir: Path | None = None


def use_cache(directory: Path | None) -> None:
    global _cache_dir
    _cache_dir = directory


def cache_path(kind: str, key: str, suffix: str) -> Path | None:
    return None if _cache_dir is None else _cache_dir / kind / f"{key}{suffix}"


def store_cached(path: Path | None, data: bytes) -> None:
    """Write a cache entry atomically (a crash leaves no half-written entry)."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace (nbsp and U+3000 included) to one space, trim ends."""
    return " ".join(text.split())  # str.split's whitespace is re's \s: the same, five times faster


def join_wrapped(parts: Iterable[str]) -> str:
    """Join pieces of text that a layout wrapped (cell lines, PDF lines) back into one string.

    CJK text has no spaces between words, so wrapped pieces join directly; only when both sides
    of the break are Latin letters or digits is a space put back ("Hello" + "world").
    """
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum():
            out += " "
        out += part
    return out


def text_line(text: str, heading_level: int = 0, confidence: float | None = None) -> Line:
    return Line(LineKind.TEXT, (text,), heading_level, () if confidence is None else (confidence,))


def grid_line(cells: Sequence[str], confidence: Sequence[float | None] = ()) -> Line:
    return Line(LineKind.GRID, tuple(cells), confidence=tuple(confidence))


# A cell holding one number as a converter wrote it (digits, separators, a sign): enough to tell a
# header row from a row of numbers.
NUMERIC_CELL = re.compile(r"^[-+]?\d[\d,.]*$")


def kept_rows(rows: Sequence[Sequence[str]]) -> list[int]:
    """The rows of a table that become lines: those with text. An empty row is layout debris, except
    the last one under header rows alone (text, no number): the row of a table left to be filled in
    (table 四 is one row of numbers under its headers, and an office with nothing to report may leave
    it empty; its cells are blank, not missing). Under rows of numbers an empty last row stays debris
    (a page's part of a table cut by the page break may end in one)."""
    kept = [index for index, row in enumerate(rows) if any(row)]
    last = len(rows) - 1
    if kept and kept[-1] != last and is_header_rows(rows[:-1]):  # the rows above read only then
        kept.append(last)
    return kept


def is_header_rows(rows: Sequence[Sequence[str]]) -> bool:
    """Rows of text alone: no cell holds a number."""
    return not any(NUMERIC_CELL.match(cell.strip()) for row in rows for cell in row)


def grid_lines(rows: Sequence[Sequence[str]], covered: Sequence[frozenset[int]] = ()) -> Iterator[Line]:
    """GRID lines for a table's rows (kept_rows). `covered`: per row, the slots a cell to their left
    spans (see `covered_slots`)."""
    for index in kept_rows(rows):
        yield Line(LineKind.GRID, tuple(rows[index]), covered=covered[index] if index < len(covered) else frozenset())


NOTHING_COVERED: frozenset[int] = frozenset()


def covered_slots(rows: Sequence[Sequence[tuple[str, int, int]]]) -> list[frozenset[int]]:
    """Per row, the grid slots a cell spans to its right in that same row (colspan / gridSpan).

    Such a slot is "" in `expand_spans`'s grid like a cell printed empty, but it is no cell: a
    label spanning two grid columns, or a converter's extra grid column under a merged number,
    must not read as a blank cell beside it. Rowspan slots in the rows below are not listed.
    """
    if not any(rowspan != 1 or colspan != 1 for row in rows for _text, rowspan, colspan in row):
        return [NOTHING_COVERED] * len(rows)  # no merged cell: the common table
    taken: set[tuple[int, int]] = set()
    covered: list[set[int]] = [set() for _ in rows]
    for r, row in enumerate(rows):
        col = 0
        for _text, rowspan, colspan in row:
            while (r, col) in taken:
                col += 1
            for dr in range(min(rowspan, len(rows) - r)):
                for dc in range(colspan):
                    taken.add((r + dr, col + dc))
            covered[r].update(range(col + 1, col + colspan))
            col += colspan
    return [frozenset(c) for c in covered]


def expand_spans(rows: Sequence[Sequence[tuple[str, int, int]]]) -> list[list[str]]:
    """Lay out cells given as (text, rowspan, colspan) per row on a rectangular grid.

    The text goes to the cell's first slot; the other slots it covers, to the right and in the
    rows below, get "" — so a rowspan label appears only in its first row and a merged number
    is counted once. Rows are padded to the widest row.
    """
    if not any(rowspan != 1 or colspan != 1 for row in rows for _text, rowspan, colspan in row):
        width = max(map(len, rows), default=0)  # no merged cell: each row padded to the widest
        return [[text for text, _rowspan, _colspan in row] + [""] * (width - len(row)) for row in rows]
    taken: set[tuple[int, int]] = set()
    grid: list[dict[int, str]] = [{} for _ in rows]
    for r, row in enumerate(rows):
        col = 0
        for text, rowspan, colspan in row:
            while (r, col) in taken:
                col += 1
            for dr in range(min(rowspan, len(rows) - r)):
                for dc in range(colspan):
                    taken.add((r + dr, col + dc))
                    grid[r + dr][col + dc] = text if dr == dc == 0 else ""
            col += colspan
    width = max((max(g) + 1 for g in grid if g), default=0)
    return [[g.get(c, "") for c in range(width)] for g in grid]

