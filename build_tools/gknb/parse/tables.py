"""Mapping a report's table lines onto the official template's cells.

Rows are located by label text; a row's cells are the cell tokens after its label up to the
next label. Columns are positional, aligned to the side the official layout fixes (the total
is the last column of tables 三 and 四, so those rows are right-aligned).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from gknb.model.document import Line, LineKind
from gknb.read.cleanup import is_number_row
from gknb.parse.labels import (Token, TokenKind, cell_from_token, cell_kind, cell_of, classify_cell, is_subsequence, normalise_label,
                               split_label_numbers)
from gknb.model.record import MISSING_CELL, Cell, CellState
from gknb.parse.confirm import relations_of, sides
from gknb.parse.digit_runs import (Reading, RowConstraint, RunRow, groups_sum_to_last, no_constraint, readings_or_forced,
                                   readings_with_one_group_free, settle, spelled_by_relation, sums_to_last)
from gknb.model.official_tables import APPEAL_COLUMNS, APPEAL_HEADER_WORDS, Align, Row, Table

MAX_LABEL_LENGTH = 50  # longer text is narrative, not a row label
TABLE_START_RE = re.compile(r"^(第二十条|信息内容|本列数据|申请人情况|勾稽关系|行政复议|结果维持)")
# Share of indented two-cell lines above which a region is laid out one cell per line (DOCX text dumps).
ONE_CELL_PER_LINE_SHARE = 0.6

NumberedLine = tuple[int, Line]


@dataclass
class TableResult:
    cells: dict[str, dict[str, Cell]]
    span: tuple[int, int] | None  # first and last line index the table occupies
    # Readings still possible for rows recovered from run-together digits (row key -> readings).
    readings: dict[str, list[Reading]] | None = None


# ---- lines → tokens -----------------------------------------------------------------------------

def is_one_cell_per_line(lines: Sequence[NumberedLine]) -> bool:
    """DOCX text dumps put each cell on its own tab-indented line, rows separated by blank lines."""
    tab_lines = [line for _, line in lines if line.kind is LineKind.TABS and line.text]  # text: its non-blank cells
    if not tab_lines:
        return False
    indented = sum(1 for line in tab_lines if len(line.cells) == 2 and not line.cells[0].strip())
    return indented / len(tab_lines) >= ONE_CELL_PER_LINE_SHARE


def text_cells(line: Line) -> tuple[str, ...]:
    """The cells a pipe or text line contributes: pipe fragments lose their empty noise, and a text line
    of space-separated numbers (layout-preserving PDF text) is a row of cells."""
    if line.kind is LineKind.TEXT and len(line.cells) == 1 and is_number_row(line.cells[0]):
        return tuple(line.cells[0].split())
    return tuple(c for c in line.cells if c.strip())


def tokenise(lines: Sequence[NumberedLine]) -> list[Token]:
    one_per_line = is_one_cell_per_line(lines)
    tokens: list[Token] = []
    append, make, kind_of, noise = tokens.append, tuple.__new__, cell_kind, TokenKind.NOISE
    grid, tabs, text = LineKind.GRID, LineKind.TABS, LineKind.TEXT
    for index, line in lines:
        line_kind = line.kind
        # A grid row's cells are as they are, and a tab row's, but in the one-cell-per-line layout, where
        # a row is its indented cell (the indentation dropped); inline, as this runs for every line
        cells = line.cells
        if line_kind is tabs and one_per_line:
            if len(cells) == 2 and not cells[0].strip():
                cells = cells[1:]
        elif line_kind is not grid and line_kind is not tabs:
            cells = text_cells(line)
        exact, loose = line_kind is grid, line_kind is text
        if not line.confidence and not line.covered:  # text that was not OCR'd, no merged cells: the common line
            # Token(cell_kind(cell), cell, index, exact=exact, loose=loose) built as the tuple it is: keyword
            # arguments and the named tuple's __new__ (or _make) cost more than the rest of this loop
            for cell in cells:
                kind = kind_of(cell)
                if kind is not noise:
                    append(make(Token, (kind, cell, index, False, exact, loose, None)))
            continue
        tokens.extend(token for slot, (cell, confidence) in enumerate(zip(cells, cell_confidences(line, len(cells))))
                      if slot not in line.covered  # a merged cell's other slots are no cells
                      and (token := classify_cell(cell, index, exact, loose, confidence)).kind is not noise)
    return tokens


def cell_confidences(line: Line, count: int) -> Sequence[float | None]:
    """The OCR confidence of each of a line's `count` cells: per cell for a grid row, the line's
    for every piece of a text line; None throughout for text that was not OCR'd."""
    if line.kind is LineKind.GRID and len(line.confidence) == count:
        return line.confidence
    known = [c for c in line.confidence if c is not None]
    return [min(known) if known else None] * count


# ---- tokens → rows ------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def group_labels(table: Table) -> frozenset[str]:
    """Merged group labels (（六）其他处理 …) that may be printed on the same line as a row label."""
    return frozenset(normalise_label(row.group) for row in table.rows if row.group)


ARTICLE_REFERENCE_RE = re.compile(r"^第二十条第?[一二三四五六七八九十]*项?")


def row_matches(row: Row, label: str, groups: frozenset[str], loose: bool = False) -> bool:
    label = ARTICLE_REFERENCE_RE.sub("", label)  # unruled PDF text puts 第二十条第（一）项 before 规章
    if loose:
        return any(is_subsequence(p, label) for p in row.phrases)
    if row.exact:
        return any(label.endswith(p) and (label[:-len(p)] in groups or len(label) <= len(p) + 2)
                   for p in row.phrases)
    return any(p in label for p in row.phrases)


@lru_cache(maxsize=1 << 16)  # the same labels recur in every report
def match_row(raw: str, table: Table, interleaved: bool = False) -> Row | None:
    """The row this label names; a label broken up by numbers may match its phrase loosely."""
    label = normalise_label(raw)
    if not label or len(label) > MAX_LABEL_LENGTH:
        return None
    groups = group_labels(table)
    found = next((row for row in table.rows if row_matches(row, label, groups)), None)
    if found is None and interleaved:
        found = next((row for row in table.rows if row_matches(row, label, groups, loose=True)), None)
    return found


def has_values(tokens: list[Token]) -> bool:
    return any(t.kind is not TokenKind.EMPTY for t in tokens)


@dataclass
class Orphan:
    """A grid row of numbers with no label in it (a converter set the labels apart from the numbers),
    and the row read with values last before it in the document."""

    after: str | None
    tokens: list[Token]


def collect_rows(tokens: Sequence[Token], table: Table, orphans: list[Orphan] | None = None) -> dict[str, list[Token]]:
    """Cell tokens per row key. A label seen again after its row has values is a continuation.
    Grid rows of numbers outside any label's row go to `orphans` (when given), in document order."""
    rows: dict[str, list[Token]] = {}
    # has_values of the rows, kept as they grow: asked at every label and every text after a row
    valued: set[str] = set()
    current: list[Token] | None = None
    current_valued = False  # has_values(current)
    label: Token | None = None
    label_key: str | None = None  # the row `current` collects for
    last_valued: str | None = None
    started = not table.first_row
    text, empty = TokenKind.TEXT, TokenKind.EMPTY
    for token in tokens:
        if token.kind is not text:
            # in_label_row(label, token), inline: this runs for every cell of every table
            if current is not None and token.exact and not (label is not None and label.exact and label.line == token.line):
                # A grid cell outside its label's grid row (a converter left the labels beside the
                # table): which row it belongs to is not shown, so it goes to none.
                current = None
            if current is not None and label_key is not None:
                current.append(token)
                if token.kind is not empty and not current_valued:
                    current_valued = True
                    valued.add(label_key)
                if not token.loose:  # a lone number on a text line says nothing of where rows stand
                    last_valued = label_key
            elif orphans is not None and started and token.exact:
                if orphans and orphans[-1].tokens and orphans[-1].tokens[-1].line == token.line:
                    orphans[-1].tokens.append(token)
                else:
                    orphans.append(Orphan(last_valued, [token]))
            continue
        parts = split_label_numbers(token.raw)
        row = match_row(parts.label, table, parts.interleaved)
        if row is not None and (started or row.key == table.first_row):
            started, label, label_key = True, token, row.key
            if row.key in valued:  # seen again after its row has values: a continuation
                current = None
            else:
                numbers = parts.numbers  # most labels have none run on: no list to make, nothing to look at
                current = rows[row.key] = glued_tokens(numbers, token.line) if numbers else []
                current_valued = bool(numbers) and has_values(current)
                if current_valued:
                    valued.add(row.key)
                    last_valued = row.key
        elif current is not None and current_valued:
            current = None  # unmatched text after the values: a group label or the table's end
        elif current is not None and parts.numbers and label_key is not None and wrapped_values(parts.numbers, table.row(label_key)):
            # The row's label wrapped onto this line, its values after the tail (`形，不计其他情形） 447 7 …`).
            current.extend(glued_tokens(parts.numbers, token.line))
            current_valued = has_values(current)
            if current_valued:
                valued.add(label_key)
                last_valued = label_key
    return rows


# A wrapped label's values are taken only for rows this wide: one or two numbers on a line of text
# after a short label (表二's 行政许可, 行政事业性收费) may as well be a note's as the row's.
WRAPPED_MIN_COLUMNS = 3


def wrapped_values(numbers: Sequence[str], row: Row) -> bool:
    """Numbers on a text line after a label without values: that row's own only when there is one
    for each of its columns, and it has WRAPPED_MIN_COLUMNS or more (else they may be a sentence's,
    or another row's)."""
    return len(numbers) == len(row.columns) >= WRAPPED_MIN_COLUMNS


def glued_tokens(numbers: Sequence[str], line: int) -> list[Token]:
    """Numbers run on from a label as tokens: Token(NUMBER, n, line, glued=True) built as the tuple it is,
    as tokenise does (the named tuple's keyword __new__ cost more than the rest of collecting a row)."""
    make, number = tuple.__new__, TokenKind.NUMBER
    return [make(Token, (number, n, line, True, False, False, None)) for n in numbers]


def place_orphans(found: dict[str, list[Token]], orphans: Sequence[Orphan], table: Table) -> dict[str, list[Token]]:
    """Unlabelled number rows given to the rows whose values are missing, by position.

    Between two rows read with values, the official layout says which rows lie in between; when
    exactly as many unlabelled rows of the right width stand between them in the document, they
    are those rows, in order. Only by position, so the caller keeps them as inferred (`recovered`)
    and only when the table's relations then hold."""
    order = list(table.standard_rows)
    valued = [row.key for row in order if is_full_row(found.get(row.key, []), row, table.align)]
    position: dict[str, int] = {}
    for index, row in enumerate(order):
        position.setdefault(row.key, index)
    is_valued = set(valued)
    after_row: dict[str | None, list[list[Token]]] = {}
    for orphan in orphans:
        after_row.setdefault(orphan.after, []).append(orphan.tokens)
    placed: dict[str, list[Token]] = {}
    for before, after in zip([None, *valued], [*valued, None]):
        start = 0 if before is None else position[before] + 1
        end = len(order) if after is None else position[after]
        gap = [row for row in order[start:end] if row.key not in is_valued]
        lines = after_row.get(before, [])
        if gap and len(gap) == len(lines) and all(len(t) == len(r.columns) for t, r in zip(lines, gap)):
            placed.update((row.key, tokens) for row, tokens in zip(gap, lines))
    return placed


def is_full_row(tokens: list[Token], row: Row, side: Align) -> bool:
    """The row's values can be laid out on its columns (not garbled for want of numbers)."""
    width = len(row.columns)
    if plain_row_cells(tokens, row.column_keys) is not None:
        return has_values(tokens)  # the common row, checked first as it is cheap: it is placeable
    return has_values(tokens) and not is_unplaceable(tokens, width) and align(tokens, width, side) is not None


def placed_cells(table: Table, cells: dict[str, dict[str, Cell]],
                 unplaced: dict[str, list[Token] | None]) -> dict[str, dict[str, Cell]]:
    """Rows filled from unlabelled number rows: `recovered` when the relations they take part in
    hold with them (none broken, at least one beyond their own row totals), else read as if they
    had not been placed (blank or missing)."""
    keys = set(unplaced)
    relations = [r for r in relations_of(table, cells) if keys & {k.rsplit(".", 1)[0] for k in (*r[0], *r[1])}]
    evaluated = [(r, sides(r, cells)) for r in relations]
    broken = any(found is not None and found[0] != found[1] for _, found in evaluated)
    across = any(found is not None and len({k.rsplit(".", 1)[0] for k in (*r[0], *r[1])}) > 1 for r, found in evaluated)
    if not broken and across:
        return {key: {c: Cell(v.value, CellState.RECOVERED, v.raw) for c, v in cells[key].items()} for key in keys}
    return {key: row_cells(tokens, table.row(key), table.align) for key, tokens in unplaced.items()}


def in_label_row(label: Token | None, cell: Token) -> bool:
    """A grid cell in the same grid row as the row label it would be read under."""
    return label is not None and label.exact and label.line == cell.line


def is_grid_row(tokens: Sequence[Token]) -> bool:
    return bool(tokens) and all(t.exact for t in tokens)


def align_grid(tokens: list[Token], width: int) -> list[Token | None] | None:
    """A real grid's cells keep their columns, blank ones included: only surplus empty cells at the
    ends (a converter's trailing pipe) are dropped. None when the cells cannot fill the columns."""
    cells = list(tokens)
    while len(cells) > width and cells[-1].kind is TokenKind.EMPTY:
        cells.pop()
    while len(cells) > width and cells[0].kind is TokenKind.EMPTY:
        cells.pop(0)
    return list(cells) if len(cells) == width else None


def align(tokens: list[Token], width: int, side: Align) -> list[Token | None] | None:
    """Exactly `width` slots (None = nothing printed), or None when the row has more values than columns
    (or, in a real grid, other than as many cells as columns)."""
    if is_grid_row(tokens):
        return align_grid(tokens, width)
    cells = list(tokens)
    while cells and cells[-1].kind is TokenKind.EMPTY:
        cells.pop()
    while len(cells) > width and cells[0].kind is TokenKind.EMPTY:
        cells.pop(0)
    if len(cells) > width:
        return None
    padding: list[Token | None] = [None] * (width - len(cells))
    filled: list[Token | None] = list(cells)
    return padding + filled if side is Align.RIGHT else filled + padding


def is_unplaceable(tokens: list[Token], width: int) -> bool:
    """Fewer numbers than columns with nothing to say where they stand (digits run on from the label,
    numbers in running text): which cells they belong to is unknown."""
    values = [t for t in tokens if t.kind is not TokenKind.EMPTY]
    return any(t.glued or t.loose for t in values) and 0 < len(values) < width


def row_cells(tokens: list[Token] | None, row: Row, side: Align) -> dict[str, Cell]:
    keys = row.column_keys
    if tokens is None:
        return dict.fromkeys(keys, MISSING_CELL)
    if is_unplaceable(tokens, len(keys)):
        raw = " ".join(t.raw.strip() for t in tokens)
        return {k: Cell(None, CellState.GARBLED, raw) for k in keys}
    slots = align(tokens, len(keys), side)
    if slots is None:  # more numbers than columns (or a grid row short of cells): no cell can be trusted
        raw = " ".join(t.raw.strip() for t in tokens if t.kind is not TokenKind.EMPTY)
        return {k: Cell(None, CellState.GARBLED, raw) for k in keys}
    return {k: cell_from_token(t) for k, t in zip(keys, slots)}


def plain_row_cells(tokens: list[Token], keys: Sequence[str]) -> dict[str, Cell] | None:
    """The common row, checked first as it is cheap: no token signed or OCR'd, a value for every column
    if some ran on from the label or stand loose in text, and, once the empty cells `align` drops are
    dropped (a tab row's trailing tab, a grid's surplus end cells), as many cells as columns. Its cells
    are then the tokens in order, as row_cells gives them: no digit run (that needs fewer values than
    columns) and no marked run (a sign, or one glued value for two columns). None for any other row."""
    width = len(keys)
    if not tokens or len(tokens) < width:
        return None
    grid, unplaced, values, empty = True, False, 0, TokenKind.EMPTY
    for token in tokens:
        if token.confidence is not None or "+" in token.raw or "-" in token.raw:
            return None
        grid = grid and token.exact
        unplaced = unplaced or token.glued or token.loose
        values += token.kind is not empty
    if unplaced and values < width:
        return None  # is_unplaceable, or a digit run: which columns the values fill is not shown
    start, end = 0, len(tokens)
    if not grid:  # align: a text row's trailing empty cells go, whatever is left
        while end > start and tokens[end - 1].kind is empty:
            end -= 1
    while end - start > width and tokens[end - 1].kind is empty:  # align_grid: surplus empty ends
        end -= 1
    while end - start > width and tokens[start].kind is empty:
        start += 1
    if end - start != width:
        return None  # padded, or more values than columns: row_cells lays it out or garbles it
    return {key: cell_of(token.kind, token.raw) for key, token in zip(keys, tokens[start:end])}


def span_of(lines: Sequence[NumberedLine], used: Sequence[Token]) -> tuple[int, int] | None:
    starts = [i for i, line in lines
              if line.kind is not LineKind.TEXT or TABLE_START_RE.match(normalise_label(line.text))]
    ends = [t.line for t in used] + [i for i, line in lines if line.kind is not LineKind.TEXT]
    if not starts or not ends:
        return None
    return min(starts), max(ends)


def digit_pieces(tokens: Sequence[Token], width: int) -> tuple[str, ...] | None:
    """The digit runs of a row whose separators were lost, or None for an ordinary row.

    A row is a run when its values are bare digit strings, fewer than its columns yet with at
    least one digit per column, and either ran on from the label or came with no empty cells
    (a row laid out with empty cells has kept its separators)."""
    values = [t for t in tokens if t.kind is not TokenKind.EMPTY]
    if not values or len(values) >= width:
        return None  # every column has its own value (the common row): no run, checked first as it is cheap
    if any(t.kind is not TokenKind.NUMBER or not t.raw.strip().isdigit() for t in values):
        return None
    if is_grid_row(values) and len(values) > 1:
        return None  # separate grid cells never ran together
    pieces = tuple(t.raw.strip() for t in values)
    glued = any(t.glued for t in values)
    if len(pieces) >= width or sum(map(len, pieces)) < width:
        return None
    if not glued and len(values) != len(tokens):
        return None
    return pieces


def run_cells(row: Row, run: RunRow, left: list[Reading]) -> dict[str, Cell]:
    keys, raw = [c.key for c in row.columns], run.raw
    if len(left) == 1:
        return {k: Cell(v, CellState.RECOVERED, raw) for k, v in zip(keys, left[0])}
    state = CellState.AMBIGUOUS if left else CellState.GARBLED
    return {k: Cell(None, state, raw) for k in keys}


def row_constraint(table: Table) -> RowConstraint:
    return sums_to_last if table.align is Align.RIGHT else no_constraint


def known_values(cells: dict[str, dict[str, Cell]]) -> dict[str, list[float | None]]:
    return {key: [float(c.value) if c.is_number and c.value is not None else None for c in row.values()]
            for key, row in cells.items()}


def spell_unfitted_runs(runs: Sequence[RunRow], left: dict[str, list[Reading]],
                        cells: dict[str, dict[str, Cell]], table: Table, width: int) -> None:
    """A run no cut of its own fits takes the values a relation spells out in its digits
    (digit_runs.spelled_by_relation); the other rows are the cells read and the runs settled to one."""
    known: dict[str, Sequence[float | None]] = dict(known_values(cells))
    known.update({run.key: [float(v) for v in left[run.key][0]] for run in runs if len(left[run.key]) == 1})
    for run in runs:
        if not left[run.key] and not run.truncated:
            spelled = spelled_by_relation(run, known, table.relations, width)
            if spelled is not None:
                left[run.key] = [spelled]


def read_row_table(lines: Sequence[NumberedLine], table: Table) -> TableResult:
    """Tables 二 and 三: one labelled row per template row; digit runs split under the relations."""
    tokens = tokenise(lines)
    orphans: list[Orphan] = []
    found = collect_rows(tokens, table, orphans)
    placed = place_orphans(found, orphans, table) if table.align is Align.RIGHT and orphans else {}
    unplaced = {key: found.get(key) for key in placed}
    found.update(placed)
    cells: dict[str, dict[str, Cell]] = {}
    runs: list[RunRow] = []
    marked_runs: dict[str, list[Reading]] = {}
    for row in table.rows:
        row_tokens = found.get(row.key)
        plain = plain_row_cells(row_tokens, row.column_keys) if row_tokens is not None else None
        if plain is not None:
            cells[row.key] = plain
            continue
        marked = marked_run_readings(found[row.key], len(row.columns)) if row.key in found else None
        if marked is not None:
            run = RunRow(row.key, tuple(t.raw for t in found[row.key]))
            cells[row.key], marked_runs[row.key] = run_cells(row, run, marked), marked
            continue
        pieces = digit_pieces(found[row.key], len(row.columns)) if row.key in found else None
        if pieces is None:
            cells[row.key] = row_cells(found.get(row.key), row, table.align)
            continue
        run = RunRow(row.key, pieces)
        run.readings, run.truncated = readings_or_forced(pieces, len(row.columns), row_constraint(table))
        runs.append(run)
    left: dict[str, list[Reading]] = {}
    if runs:  # settle and spell_unfitted_runs have nothing to do without runs (their known values cost)
        width = len(table.rows[0].columns)
        left = settle(runs, known_values(cells), table.relations, width)
        spell_unfitted_runs(runs, left, cells, table, width)
    for run in runs:
        cells[run.key] = run_cells(table.row(run.key), run, left[run.key])
    ordered = {row.key: cells[row.key] for row in table.rows
               if not row.instead_of or has_values(found.get(row.key, []))}
    if placed:
        ordered.update(placed_cells(table, ordered, unplaced))
    used = [t for row_tokens in found.values() for t in row_tokens]
    return TableResult(ordered, span_of(lines, used) if found else None,
                       {**{run.key: left[run.key] for run in runs}, **marked_runs} or None)


SIGNED_RUN_RE = re.compile(r"^(\d+)([+\-])(\d+)$")
DECIMAL_RUN_RE = re.compile(r"^(\d{2,})\.(\d+)$")


def decimal_readings(whole: str, fraction: str) -> list[Reading]:
    """采购项目数量 and 采购总金额 run together (`156805947.43`): the count is some leading digits, the
    amount (with the decimals) the rest; every cut without leading zeros is a reading."""
    return [(int(whole[:i]), float(f"{whole[i:]}.{fraction}")) for i in range(1, len(whole))  # type: ignore[misc]
            if whole[:i] == str(int(whole[:i])) and whole[i:] == str(int(whole[i:]))]
INNER_SIGN_RE = re.compile(r"\d[+\-]")


def marked_run_readings(tokens: Sequence[Token], width: int) -> list[Reading] | None:
    """A 2019 table 二 row whose digits ran together around a mark that opens a cell: the sign of
    本年增/减 (`88-720`: 上一年项目数量 88, then 本年增/减 −7 and 处理决定数量 20, or −72 and 0) or the
    decimals of 采购总金额. The digits after the mark are cut every way (no leading zeros). None when
    the row holds no such run; no readings (garbled) when a sign stands where no layout puts one."""
    values = [t for t in tokens if t.kind is not TokenKind.EMPTY]
    decimal = DECIMAL_RUN_RE.match(values[0].raw.strip()) if len(values) == 1 and values[0].glued else None
    if decimal is not None and width == 2:
        return decimal_readings(*decimal.groups())
    if not any(("+" in t.raw or "-" in t.raw) and INNER_SIGN_RE.search(t.raw) for t in values):  # most rows: no sign
        return None
    match = SIGNED_RUN_RE.match(values[0].raw.strip()) if len(values) == 1 and width in (2, 3) else None
    if match is None:
        return []  # signs where no layout puts them: garbled
    first, sign, rest = match.groups()
    factor = -1 if sign == "-" else 1
    if first != str(int(first)):
        return []
    splits = [(rest,)] if width == 2 else [(rest[:i], rest[i:]) for i in range(1, len(rest))]
    return [(int(first), factor * int(parts[0]), *map(int, parts[1:])) for parts in splits
            if all(p == str(int(p)) for p in parts)]


# ---- table 四: one unlabelled row of 15 numbers --------------------------------------------------

MAX_APPEAL_HEADER_LENGTH = 150  # flattened text runs table 四's whole header into one line


def is_appeal_header(token: Token) -> bool:
    label = normalise_label(split_label_numbers(token.raw).label)
    return len(label) <= MAX_APPEAL_HEADER_LENGTH and any(word in label for word in APPEAL_HEADER_WORDS)


APPEAL_CONTEXT_TOKENS = 40  # how far back the header must name 复议 or 诉讼


def names_appeals(tokens: Sequence[Token]) -> bool:
    """Table 三 also has a 总计 header: only a header that speaks of 复议/诉讼 opens table 四."""
    return any(t.kind is TokenKind.TEXT and ("复议" in t.raw or "诉讼" in t.raw) for t in tokens)


def appeal_data_tokens(tokens: Sequence[Token], in_section: bool, width: int) -> list[Token] | None:
    """The cells after the last header line that has cells after it, up to the next text.

    Numbers run on at the end of the header text itself (a wrapped PDF line) open the data. With no
    values after any header, a row of exactly `width` empty cells after the last one is the table's
    row left empty (a Word or HTML table filled in with nothing): its cells are blank, not missing."""
    empty_row: list[Token] | None = None
    for start in reversed(range(len(tokens))):
        if tokens[start].kind is not TokenKind.TEXT or not is_appeal_header(tokens[start]):
            continue
        if not in_section and not names_appeals(tokens[max(0, start - APPEAL_CONTEXT_TOKENS):start + 1]):
            continue
        parts = split_label_numbers(tokens[start].raw)
        glued = [] if parts.interleaved else parts.numbers
        data = glued_tokens(glued, tokens[start].line)
        for token in tokens[start + 1:]:
            if token.kind is TokenKind.TEXT:
                break
            data.append(token)
        if has_values(data):
            return data
        if empty_row is None and len(data) == width:
            empty_row = data
    return empty_row


def read_appeal_run(pieces: tuple[str, ...], table: Table, width: int) -> TableResult:
    """Table 四 flattened into digit runs: each group of five must end with its total."""
    run = RunRow("review_litigation", pieces)
    size = len(APPEAL_COLUMNS)
    run.readings, run.truncated = readings_or_forced(pieces, width, groups_sum_to_last(size))
    one_free = None if run.readings or run.truncated else readings_with_one_group_free(pieces, width, size)
    if one_free is None:
        cells = {row.key: run_cells(row, run, group_readings(run.readings, index, size))
                 for index, row in enumerate(table.rows)}
        return TableResult(cells, None, {"review_litigation": run.readings})
    # Every group but one adds up in every cut: those are read; the readings of the one whose own
    # total fits no cut are kept, for the checks to name the report's error (see appeal_total).
    _, found = one_free
    per_group = {row.key: group_readings(found, index, size) for index, row in enumerate(table.rows)}
    return TableResult({row.key: run_cells(row, run, per_group[row.key]) for row in table.rows}, None, per_group)


def group_readings(readings: Sequence[Reading], index: int, size: int) -> list[Reading]:
    return sorted({r[index * size:(index + 1) * size] for r in readings})


def group_named(token: Token) -> str | None:
    """The one table 四 group a heading or header cell names (行政复议 / 未经复议直接起诉 / 复议后起诉)."""
    label = normalise_label(token.raw)
    if "复议后起诉" in label:
        return "litigation_after_review"
    if "未经复议" in label or "直接起诉" in label:
        return "litigation_direct"
    if "行政复议" in label and "诉讼" not in label:
        return "review"
    return None


def grouped_appeal_rows(tokens: Sequence[Token], table: Table) -> dict[str, list[Token]] | None:
    """Table 四 printed as three small tables, each under a heading naming its group and over its own
    row of five numbers (a converter's Markdown): every group found once, else None."""
    width = len(APPEAL_COLUMNS)
    found: dict[str, list[Token]] = {}
    group: str | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind is TokenKind.TEXT:
            group = group_named(token) or group
            index += 1
            continue
        run = list(itertools.takewhile(lambda t: t.kind is not TokenKind.TEXT, tokens[index:]))
        values = [t for t in run if t.kind is not TokenKind.EMPTY]
        if group is not None and group not in found and len(values) == width:
            found[group] = values
        index += len(run)
    return found if set(found) == {row.key for row in table.rows} else None


def read_appeal_table(lines: Sequence[NumberedLine], table: Table, in_section: bool = False) -> TableResult:
    tokens = tokenise(lines)
    grouped = grouped_appeal_rows(tokens, table)
    if grouped is not None:
        by_group = {row.key: {c.key: cell_from_token(t) for c, t in zip(row.columns, grouped[row.key])}
                    for row in table.rows}
        return TableResult(by_group, span_of(lines, [t for run in grouped.values() for t in run]))
    width = sum(len(row.columns) for row in table.rows)
    data = appeal_data_tokens(tokens, in_section, width)
    pieces = digit_pieces(data, width) if data is not None else None
    if pieces is not None:
        result = read_appeal_run(pieces, table, width)
        result.span = span_of(lines, data or [])
        return result
    slots = align(data, width, table.align) if data is not None else None
    cells: dict[str, dict[str, Cell]] = {}
    for index, row in enumerate(table.rows):
        keys = [c.key for c in row.columns]
        if data is None:
            cells[row.key] = dict.fromkeys(keys, MISSING_CELL)
        elif slots is None:
            cells[row.key] = {k: Cell(None, CellState.GARBLED, "") for k in keys}
        else:
            group = slots[index * len(keys):(index + 1) * len(keys)]
            cells[row.key] = {k: cell_from_token(t) for k, t in zip(keys, group)}
    return TableResult(cells, span_of(lines, data or []) if data is not None else None)


def read_table(lines: Sequence[NumberedLine], table: Table, in_section: bool = False) -> TableResult:
    """The table's cells from its lines; `in_section`: the lines are its own section, not the whole report."""
    if table.key == "review_litigation":
        return read_appeal_table(lines, table, in_section)
    return read_row_table(lines, table)
