"""Splitting run-together digits back into cells, using the table's own 勾稽关系 as constraints.

Flattened page text loses the separators between cells: `本年新收政府信息公开申请数量801000081`
is 80, 1, 0, 0, 0, 0, 81. Every way of cutting the run into the row's cells (no leading zeros)
is a candidate; the row's own total, then the column relations across rows (balance, outcome
sums) and figures stated in the narrative, rule candidates out. One reading left → `recovered`;
several → `ambiguous`; none → `garbled`. A guess is never `ok`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Callable, Iterator, Mapping, Sequence

Reading = tuple[int, ...]
RowConstraint = Callable[[Reading], bool]

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


def piece_splits(piece: str, parts: int) -> Iterator[Reading]:
    """Every way to cut one digit string into `parts` numbers without leading zeros."""
    if parts == 1:
        if len(piece) <= MAX_CELL_DIGITS and (piece == "0" or not piece.startswith("0")):
            yield (int(piece),)
        return
    first_lengths = range(1, 2) if piece.startswith("0") else range(1, min(MAX_CELL_DIGITS, len(piece) - parts + 1) + 1)
    for length in first_lengths:
        for rest in piece_splits(piece[length:], parts - 1):
            yield (int(piece[:length]), *rest)


def part_counts(pieces: Sequence[str], width: int) -> Iterator[tuple[int, ...]]:
    """How many cells each piece holds: at least one, at most its digit count, `width` in all."""
    ranges = [range(1, len(p) + 1) for p in pieces]
    for counts in itertools.product(*ranges):
        if sum(counts) == width:
            yield counts


def readings(pieces: Sequence[str], width: int, constraint: RowConstraint) -> tuple[list[Reading], bool]:
    """All readings of the pieces that satisfy the row's own constraint (capped)."""
    found: list[Reading] = []
    for counts in part_counts(pieces, width):
        for combo in itertools.product(*(list(piece_splits(p, c)) for p, c in zip(pieces, counts))):
            reading = tuple(n for part in combo for n in part)
            if constraint(reading):
                found.append(reading)
                if len(found) >= MAX_READINGS:
                    return found, True
    return found, False


def sums_to_last(reading: Reading) -> bool:
    """Table 三 rows: the six applicant columns add up to 总计."""
    return sum(reading[:-1]) == reading[-1]


def groups_sum_to_last(size: int) -> RowConstraint:
    """Table 四: each group of five ends with its total."""
    def check(reading: Reading) -> bool:
        groups = [reading[i:i + size] for i in range(0, len(reading), size)]
        return all(sum(g[:-1]) == g[-1] for g in groups)
    return check


def no_constraint(reading: Reading) -> bool:
    return True


# A column relation across rows: (rows added on the left, rows added on the right).
Relation = tuple[tuple[str, ...], tuple[str, ...]]
Known = Mapping[str, Sequence[float | None]]  # row key -> values per column (None = not a number)


def relation_holds(relation: Relation, values: Mapping[str, Sequence[float | None]], column: int) -> bool | None:
    """True/False when every cell of the relation in this column is a number; None otherwise."""
    left, right = relation
    cells = [values[row][column] if row in values else None for row in (*left, *right)]
    if any(c is None for c in cells):
        return None
    total_left = sum(c for c in cells[:len(left)] if c is not None)
    return total_left == sum(c for c in cells[len(left):] if c is not None)


def consistent(relations: Sequence[Relation], values: Mapping[str, Sequence[float | None]], width: int) -> bool:
    return all(relation_holds(r, values, col) is not False for r in relations for col in range(width))


def joint_solutions(rows: Sequence[RunRow], known: Known, relations: Sequence[Relation],
                    width: int) -> list[dict[str, Reading]]:
    """Assignments of one reading per run row under which every checkable relation holds."""
    solutions: list[dict[str, Reading]] = []

    def search(index: int, chosen: dict[str, Reading]) -> None:
        if len(solutions) >= MAX_JOINT_SOLUTIONS:
            return
        if index == len(rows):
            solutions.append(dict(chosen))
            return
        row = rows[index]
        for reading in row.readings:
            chosen[row.key] = reading
            merged = {**known, **{k: [float(v) for v in r] for k, r in chosen.items()}}
            # Only relations whose rows are all decided can fail, so pruning early is safe.
            if consistent(relations, merged, width):
                search(index + 1, chosen)
            del chosen[row.key]

    search(0, {})
    return solutions


def settle(rows: Sequence[RunRow], known: Known, relations: Sequence[Relation],
           width: int) -> dict[str, list[Reading]]:
    """The readings left for each run row once the relations across rows are applied.

    When no joint assignment fits (the report itself is inconsistent), each row keeps the
    readings its own constraint allows: the cross-row relations cannot be trusted then.
    """
    if not rows:
        return {}
    left = {r.key: list(r.readings) for r in rows}
    solvable = [r for r in rows if r.readings and not r.truncated]
    if not relations or not solvable:
        return left
    solutions = joint_solutions(solvable, known, relations, width)
    # A search stopped at the cap has not seen every reading: narrowing on it would state a guess.
    if solutions and len(solutions) < MAX_JOINT_SOLUTIONS:
        for row in solvable:
            left[row.key] = sorted({s[row.key] for s in solutions})
    return left
