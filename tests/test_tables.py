"""Rows of table cells: the cheap path for common rows reads them as the general path does."""

from __future__ import annotations

import itertools

from gknb.model.official_tables import APPLICANTS, Align, Row
from gknb.model.record import Cell
from gknb.parse.labels import Token, TokenKind, cell_kind
from gknb.parse.tables import digit_pieces, marked_run_readings, plain_row_cells, row_cells

# A cell as a row collects it: blank, a number, or digits that may be a run; run on from the label
# (glued), loose in running text, or neither.
CELLS = [(raw, glued, loose) for raw in ("", "3", "12") for glued, loose in ((False, False), (True, False), (False, True))]


def general_cells(tokens: list[Token], row: Row, side: Align) -> dict[str, Cell] | None:
    """What read_row_table gives a row without the cheap path, None for a digit or marked run."""
    width = len(row.columns)
    if marked_run_readings(tokens, width) is not None or digit_pieces(tokens, width) is not None:
        return None
    return row_cells(tokens, row, side)


def test_plain_rows_are_read_as_row_cells_reads_them() -> None:
    """Every row of up to four such cells, in a real grid or not, on one to three columns."""
    rows = [Row("r", "r", ("r",), APPLICANTS[:width]) for width in (1, 2, 3)]
    taken = 0
    for size in range(5):
        for cells, exact in itertools.product(itertools.product(CELLS, repeat=size), (False, True)):
            tokens = [Token(cell_kind(raw), raw, 0, glued=glued, exact=exact, loose=loose) for raw, glued, loose in cells]
            for row, side in itertools.product(rows, Align):
                plain = plain_row_cells(tokens, row.column_keys)
                if plain is not None:
                    taken += 1
                    assert plain == general_cells(tokens, row, side), (tokens, len(row.columns), side)
    assert taken > 1000  # the cheap path is taken, not only refused


def test_trailing_empty_cells_and_glued_full_rows_take_the_cheap_path() -> None:
    row = Row("r", "r", ("r",), APPLICANTS[:3])
    tab_row = [Token(TokenKind.NUMBER, n, 0) for n in ("1", "2", "3")] + [Token(TokenKind.EMPTY, "", 0)]
    glued = [Token(TokenKind.NUMBER, n, 0, glued=True) for n in ("4", "5", "6")]
    assert [c.value for c in (plain_row_cells(tab_row, row.column_keys) or {}).values()] == [1, 2, 3]
    assert [c.value for c in (plain_row_cells(glued, row.column_keys) or {}).values()] == [4, 5, 6]
    # two numbers for three columns, whatever the empty cell before them: which columns they fill is unknown
    assert plain_row_cells([Token(TokenKind.EMPTY, "", 0), *glued[:2]], row.column_keys) is None
