"""The intermediate every reader produces: a list of lines, each a paragraph or a row of table cells.

One table mapper serves every input format because readers agree on this shape (pelican's
readers → one intermediate). A `Line` keeps how its cells were separated, since that decides
whether an empty cell means "blank" (tabs, real grids) or is converter noise (pipe fragments).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class LineKind(str, Enum):
    TEXT = "text"      # a paragraph or heading: one cell
    TABS = "tabs"      # tab-separated cells from text extracted out of a table; empty cells count
    PIPES = "pipes"    # pipe fragments from a PDF-to-Markdown converter; empty cells are noise
    GRID = "grid"      # a row of a real table (HTML, DOCX, ruled PDF): cells are exact


@dataclass(frozen=True)
class Line:
    kind: LineKind
    cells: tuple[str, ...]
    heading_level: int = 0  # Markdown heading depth when the source marked one, else 0
    # Read by OCR: the recogniser's confidence per cell (GRID) or for the whole line (TEXT),
    # None for a cell where nothing was recognised. Empty for every other source.
    confidence: tuple[float | None, ...] = ()
    # GRID lines of HTML/DOCX: slots a merged cell spans to its right in this row ("" but no cell).
    # Not compared: the same table read from a PDF, whose grid cannot say so, is the same line.
    covered: frozenset[int] = field(default=frozenset(), compare=False)

    text: str = field(init=False, compare=False, repr=False)
    """The line as one string (cells joined by a space): every stage asks for it, so made once."""

    def __post_init__(self) -> None:
        cells = self.cells
        if len(cells) == 1:  # a paragraph: the join below, without a generator for one cell
            object.__setattr__(self, "text", cells[0] if cells[0].strip() else "")
        else:
            object.__setattr__(self, "text", " ".join(c for c in cells if c.strip()))


@dataclass
class Document:
    """What a reader hands on: the source's lines plus facts about the file itself."""

    path: str
    format: str
    encoding: str | None
    sha256: str
    lines: list[Line] = field(default_factory=list)
    front_matter: dict[str, object] = field(default_factory=dict)
    ocr_pages: int = 0       # pages read by OCR (a scan), 0 for a text layer
    ocr_engine: str = ""     # the recogniser and its version, when ocr_pages
