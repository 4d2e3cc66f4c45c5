"""OCR'd numbers are certain only when the table's own arithmetic confirms them.

A recogniser can read 8 as 0 with high confidence, so its confidence alone never makes a
number `ok`. The tables carry their own check: a row's applicant columns add up to its 总计,
each column balances (新收 + 结转 = 办结 + 结转下年), the outcome rows add up to （七）总计, a
group of table 四 adds up to its 总计. A misread digit breaks every relation it is in, so an
OCR'd number that takes part in at least one relation that holds exactly is kept as `ok`;
every other OCR'd number (table 二 has no relations; a row with a misread cell) becomes
`uncertain`, its value kept as what was read. Cells read from text are left as they are.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from gknb.model.official_tables import OFFICIAL_TABLES, Align, Table, outcome_keys
from gknb.model.record import Cell, CellState, Tables, shared_cell

Relation = tuple[tuple[str, ...], tuple[str, ...]]  # cell keys summed on the left == on the right


def row_relations(table: Table, rows: dict[str, dict[str, Cell]]) -> Iterator[Relation]:
    """Tables 三 and 四 end each row (table 四: each group) with its total."""
    if table.align is not Align.RIGHT:
        return
    for row in table.rows:
        if row.key in rows:
            keys = tuple(f"{row.key}.{column.key}" for column in row.columns)
            yield keys[:-1], keys[-1:]


def column_relations(table: Table, rows: dict[str, dict[str, Cell]]) -> Iterator[Relation]:
    """The layout's column relations, with the outcome rows as this report prints them."""
    relations = [r for r in table.relations if r[1] != ("total_processed",)]
    if "total_processed" in rows:  # the outcome rows: a 2021 table may print one merged （六） row
        relations.append((outcome_keys(table.printed_rows(rows)), ("total_processed",)))
    for left, right in relations:
        for column in table.rows[0].columns:
            yield (tuple(f"{r}.{column.key}" for r in left), tuple(f"{r}.{column.key}" for r in right))


def sides(relation: Relation, rows: dict[str, dict[str, Cell]],
          states: Sequence[CellState] = (CellState.OK,)) -> tuple[float, float] | None:
    """The sums of the relation's two sides, when every cell of it shows a number in `states`."""
    def value(key: str) -> float | None:
        row, column = key.rsplit(".", 1)
        cell = rows.get(row, {}).get(column)
        return cell.value if cell is not None and cell.state in states and cell.value is not None else None

    left, right = [value(k) for k in relation[0]], [value(k) for k in relation[1]]
    if any(v is None for v in (*left, *right)):
        return None
    return sum(v for v in left if v is not None), sum(v for v in right if v is not None)


def holds(relation: Relation, rows: dict[str, dict[str, Cell]]) -> bool:
    """Every cell of the relation shows a number (OCR'd or not) and the two sides are equal."""
    found = sides(relation, rows)
    return found is not None and found[0] == found[1]


def relations_of(table: Table, rows: dict[str, dict[str, Cell]]) -> list[Relation]:
    return [*row_relations(table, rows), *column_relations(table, rows)]


def confirmed_keys(table: Table, rows: dict[str, dict[str, Cell]]) -> set[str]:
    return {key for relation in relations_of(table, rows) if holds(relation, rows)
            for key in (*relation[0], *relation[1])}


@dataclass(frozen=True)
class Broken:
    """A relation the numbers as read do not satisfy: the report's error or a misread digit."""

    table: Table
    relation: Relation
    left: float
    right: float


def broken_relations(tables: Tables, template: str | None) -> Iterator[Broken]:
    """Relations among read numbers (certain or not) whose sides differ."""
    for table in OFFICIAL_TABLES.get(template or "", ()):
        rows = tables.get(table.key, {})
        for relation in relations_of(table, rows):
            found = sides(relation, rows, (CellState.OK, CellState.UNCERTAIN))
            if found is not None and found[0] != found[1]:
                yield Broken(table, relation, *found)


def confirm_ocr_cells(tables: Tables, template: str | None) -> int:
    """Mark OCR'd numbers no holding relation confirms as uncertain; returns how many were marked."""
    marked = 0
    for table in OFFICIAL_TABLES.get(template or "", ()):
        rows = tables.get(table.key, {})
        confirmed = confirmed_keys(table, rows)
        for row_key, cells in rows.items():
            for column, cell in cells.items():
                if cell.confidence is None or cell.state is not CellState.OK or f"{row_key}.{column}" in confirmed:
                    continue
                cells[column] = shared_cell(cell.value, CellState.UNCERTAIN.value, cell.raw, cell.confidence)
                marked += 1
    return marked
