"""Splitting run-together digits back into cells, using the table's own 勾稽关系 as constraints.

Flattened page text loses the separators between cells: `本年新收政府信息公开申请数量801000081`
is 80, 1, 0, 0, 0, 0, 81. Every way of cutting the run into the row's cells (no leading zeros)
is a candidate; the row's own total, then the column relations across rows (balance, outcome
sums) rule candidates out. One reading left → `recovered`;
several → `ambiguous`; none → `garbled`. A guess is never `ok`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Mapping, Sequence

Reading = tuple[int, ...]
# The value a row's layout forces for its next cell, given the cells cut so far and the row's
# width (a total is the sum of its parts), or None when the next cell is free.
RowConstraint = Callable[[Sequence[int], int], "int | None"]

MAX_CELL_DIGITS = 7        # no cell of these tables holds ten million
MAX_READINGS = 5000        # beyond this a run is hopelessly ambiguous; stop enumerating
MAX_JOINT_SOLUTIONS = 2000


@dataclass
class RunRow:
    """A row whose cells arrived as digit runs (`pieces`), each holding one or more cells."""

    key: str
    pieces: tuple[str, ...]
    readings: list[Reading] = field(default_factory=list)
    truncated: bool = False

    @property
    def raw(self) -> str:
        return " ".join(self.pieces)


def cuts(digits: str, boundaries: Sequence[int], width: int, constraint: RowConstraint,
         budget: int | None = None) -> Iterator[Reading]:
    """Every way to cut `digits` into `width` numbers without leading zeros, cutting at every
    piece boundary; a cell the constraint forces is only tried with its forced value. With a
    `budget`, the cells must add up to exactly it, and a partial cut is dropped as soon as what is
    left of the budget is out of reach of the digits left (too many or too few digits for it, or
    a digit sum above it or of another remainder mod 9)."""
    size = len(digits)
    stops = sorted({*boundaries, size})
    wall_at, pieces_at = walls(stops, size)
    cells: list[int] = []
    # However digits are cut, the cells add up to at least their digit sum and leave the same
    # remainder mod 9 (a number ≡ its digit sum): what is left of a budget must match both.
    digit_sum_from = list(itertools.accumulate(reversed([int(d) for d in digits]), initial=0))[::-1]

    def next_cells(position: int, count: int, total: int, forced: int | None) -> Iterator[tuple[int, int]]:
        """(end, value) for each way the next cell can be cut from `position`."""
        if position == size or width - count < pieces_at[position]:
            return
        if forced is not None:
            text = str(forced)
            ends: Iterable[int] = [position + len(text)] if digits.startswith(text, position) else []
        else:
            longest = 1 if digits[position] == "0" else min(MAX_CELL_DIGITS, wall_at[position] - position)
            ends = range(position + 1, position + longest + 1)
        cells_after = width - count - 1
        for end in ends:
            if end > wall_at[position] or cells_after > size - end:
                continue
            value = int(digits[position:end])
            if budget is not None:
                rest = budget - total - value
                if rest < 0:
                    break  # longer cells only grow
                if size - end > cells_after * len(str(rest)):
                    continue  # what is left cannot fit under the budget
                if cells_after and rest >= 10 ** (size - end - cells_after + 1) + 10 * cells_after:
                    continue  # what is left cannot reach the budget
                if rest < digit_sum_from[end] or (rest - digit_sum_from[end]) % 9:
                    continue  # no cut of what is left adds up to the rest
            yield end, value

    def last_cell(position: int, total: int, forced: int | None) -> int | None:
        """The final cell takes every digit left (most of the search ends here: no recursion)."""
        if position >= size or wall_at[position] != size or size - position > MAX_CELL_DIGITS:
            return None
        if digits[position] == "0" and size - position > 1:
            return None
        value = int(digits[position:])
        if budget is not None and total + value != budget:
            return None
        return value if forced is None or forced == value else None

    def extend(position: int, total: int) -> Iterator[Reading]:
        count = len(cells)
        if count == width:
            if position == size and (budget is None or total == budget):
                yield tuple(cells)
            return
        forced = constraint(cells, width)
        if count == width - 1:
            value = last_cell(position, total, forced)
            if value is not None:
                yield (*cells, value)
            return
        for end, value in next_cells(position, count, total, forced):
            cells.append(value)
            yield from extend(end, total + value)
            cells.pop()

    yield from extend(0, 0)


def walls(stops: Sequence[int], size: int) -> tuple[list[int], list[int]]:
    """For each position: the next piece boundary, and how many pieces start at or after it."""
    wall_at, pieces_at = [0] * (size + 1), [0] * (size + 1)
    index = 0
    for position in range(size):
        while stops[index] <= position:
            index += 1
        wall_at[position], pieces_at[position] = stops[index], len(stops) - index
    return wall_at, pieces_at


def piece_splits(piece: str, parts: int) -> Iterator[Reading]:
    """Every way to cut one digit string into `parts` numbers without leading zeros."""
    return cuts(piece, (), parts, no_constraint)


def total_first(pieces: Sequence[str], width: int) -> Iterator[Reading]:
    """Rows ending in their total: try each possible total (a suffix of the last piece) first,
    then cut the rest into cells adding up to it — the sum bounds every cell."""
    digits = "".join(pieces)
    boundaries = list(itertools.accumulate(len(p) for p in pieces))[:-1]
    for length in range(1, min(MAX_CELL_DIGITS, len(pieces[-1])) + 1):
        total_text = digits[-length:]
        if len(total_text) > 1 and total_text.startswith("0"):
            continue
        prefix = digits[:-length]
        if not width - 1 <= len(prefix) <= (width - 1) * length:
            continue  # every other cell is at most as long as the total, and holds a digit
        digit_sum, total = sum(int(d) for d in prefix), int(total_text)
        if digit_sum > total or (total - digit_sum) % 9:
            continue  # cells add up to at least their digit sum, and to it mod 9
        inside = [b for b in boundaries if b < len(prefix)]
        for cells in cuts(prefix, inside, width - 1, no_constraint, budget=int(total_text)):
            yield (*cells, int(total_text))


def readings(pieces: Sequence[str], width: int, constraint: RowConstraint) -> tuple[list[Reading], bool]:
    """All readings of the pieces that satisfy the row's own constraint (capped)."""
    if constraint is sums_to_last:
        candidates = total_first(pieces, width)
    else:
        boundaries = list(itertools.accumulate(len(p) for p in pieces))[:-1]
        candidates = cuts("".join(pieces), boundaries, width, constraint)
    found: list[Reading] = []
    for reading in candidates:
        found.append(reading)
        if len(found) >= MAX_READINGS:
            return found, True
    return found, False


def readings_or_forced(pieces: Sequence[str], width: int, constraint: RowConstraint) -> tuple[list[Reading], bool]:
    """The readings that satisfy the row; when none does and the run has exactly one digit per cell,
    that one cut (the only one that fills every cell): the relation it breaks is then the report's
    own error, for the checks to name, not a reason to drop the row."""
    found, truncated = readings(pieces, width, constraint)
    digits = "".join(pieces)
    if not found and len(digits) == width and digits.isdigit():
        found = [tuple(int(d) for d in digits)]
    return found, truncated


def sums_to_last(cells: Sequence[int], width: int) -> int | None:
    """Table 三 rows: the six applicant columns add up to 总计, so the last cell is forced."""
    return sum(cells) if len(cells) == width - 1 else None


def groups_sum_to_last(size: int, free: int | None = None) -> RowConstraint:
    """Table 四: each group of five ends with its total (but the `free` group, when one is named)."""
    def forced(cells: Sequence[int], width: int) -> int | None:
        filled = len(cells) % size
        if len(cells) // size == free:
            return None
        return sum(cells[len(cells) - filled:]) if filled == size - 1 else None
    return forced


def readings_with_one_group_free(pieces: Sequence[str], width: int, size: int) -> tuple[int, list[Reading]] | None:
    """A run in groups no cut fits (every group adding up to its total): the one group that, left
    free, lets every other group add up, with the readings then possible. None when no group or
    more than one group could be the one at fault: then nothing says which cells to trust."""
    fits: list[tuple[int, list[Reading]]] = []
    for group in range(width // size):
        found, truncated = readings(pieces, width, groups_sum_to_last(size, group))
        if truncated:
            return None
        if found:
            fits.append((group, found))
    return fits[0] if len(fits) == 1 else None


def no_constraint(cells: Sequence[int], width: int) -> int | None:
    return None


# A column relation across rows: (rows added on the left, rows added on the right).
Relation = tuple[tuple[str, ...], tuple[str, ...]]
Known = Mapping[str, Sequence[float | None]]  # row key -> values per column (None = not a number)


def relation_holds(relation: Relation, values: Mapping[str, Sequence[float | None]], column: int) -> bool | None:
    """True/False when every cell of the relation in this column is a number; None otherwise."""
    left, right = (sum_of(rows, values, column) for rows in relation)
    return None if left is None or right is None else left == right


def consistent(relations: Sequence[Relation], values: Mapping[str, Sequence[float | None]], width: int) -> bool:
    return all(relation_holds(r, values, col) is not False for r in relations for col in range(width))


def joint_solutions(rows: Sequence[RunRow], known: Known, relations: Sequence[Relation],
                    width: int) -> list[dict[str, Reading]]:
    """Assignments of one reading per run row under which every checkable relation holds."""
    solutions: list[dict[str, Reading]] = []
    values: dict[str, Sequence[float | None]] = dict(known)
    if not consistent(relations, values, width):
        return solutions  # the report's own numbers break a relation: no assignment can fit
    # Relations were checked when their other rows were chosen: a new choice can only break
    # the relations it takes part in.
    touching = {row.key: [r for r in relations if row.key in r[0] or row.key in r[1]] for row in rows}
    chosen: dict[str, Reading] = {}

    def search(index: int) -> None:
        if len(solutions) >= MAX_JOINT_SOLUTIONS:
            return
        if index == len(rows):
            solutions.append(dict(chosen))
            return
        row = rows[index]
        before = values.get(row.key)
        for reading in row.readings:
            chosen[row.key] = reading
            values[row.key] = [float(v) for v in reading]
            if consistent(touching[row.key], values, width):
                search(index + 1)
        chosen.pop(row.key, None)
        if before is None:
            values.pop(row.key, None)
        else:
            values[row.key] = before

    search(0)
    return solutions


def spelled_by_relation(row: RunRow, known: Known, relations: Sequence[Relation], width: int) -> Reading | None:
    """The values a relation gives a row that no cut of its own fits, when the run spells exactly them.

    `191000019` fits no cut whose six applicant cells add up to 总计: the report's own row is wrong.
    When the row stands alone on one side of a relation whose every other cell is a number (（七）总计
    = the sum of the outcome rows), the relation gives each of its cells; if those values, written
    out, are the run's digits with its piece breaks on cell boundaries, the source shows exactly them
    and the broken row total is the report's finding, not a reason to drop the row.
    """
    for relation in relations:
        for side, others in ((0, relation[1]), (1, relation[0])):
            if relation[side] != (row.key,) or row.key in others:
                continue
            values = [sum_of(others, known, column) for column in range(width)]
            if all(v is not None and v >= 0 and v == int(v) for v in values):
                reading = tuple(int(v) for v in values if v is not None)
                if spells(row.pieces, reading):
                    return reading
    return None


def sum_of(rows: Sequence[str], known: Known, column: int) -> float | None:
    """These rows' cells in one column added up; None when any of them is not a number."""
    total = 0.0
    for key in rows:
        cells = known.get(key)
        value = cells[column] if cells is not None else None
        if value is None:
            return None
        total += value
    return total


def spells(pieces: Sequence[str], reading: Reading) -> bool:
    """The reading written out digit by digit is the run, and every break between pieces falls
    between two cells."""
    written = [str(v) for v in reading]
    if "".join(written) != "".join(pieces):
        return False
    cell_ends = set(itertools.accumulate(len(w) for w in written))
    return all(end in cell_ends for end in itertools.accumulate(len(p) for p in pieces))


def settle(rows: Sequence[RunRow], known: Known, relations: Sequence[Relation],
           width: int) -> dict[str, list[Reading]]:
    """The readings left for each run row once the relations across rows are applied.

    When no joint assignment fits (the report itself is inconsistent), each row keeps the
    readings its own constraint allows: the cross-row relations cannot be trusted then.
    """
    if not rows:
        return {}
    left = {r.key: list(r.readings) for r in rows}
    # A row in no relation cannot be narrowed; searching it would only multiply the assignments.
    related = {key for relation in relations for side in relation for key in side}
    solvable = [r for r in rows if r.readings and not r.truncated and r.key in related]
    if not relations or not solvable:
        return left
    # Rows with one reading first: they never branch, and they complete most relations before
    # the search reaches the rows that do.
    solvable.sort(key=lambda r: len(r.readings))
    solutions = joint_solutions(solvable, known, relations, width)
    # A search stopped at the cap has not seen every reading: narrowing on it would state a guess.
    if solutions and len(solutions) < MAX_JOINT_SOLUTIONS:
        for row in solvable:
            left[row.key] = sorted({s[row.key] for s in solutions})
    return left
