"""Random consistent tables rendered into each text layout read back to the same numbers.

Separated layouts must give every cell `ok` with the right value; flattened text may only give
`recovered` cells equal to the truth, or `ambiguous` ones — never a confident wrong number."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gknb.pipeline import parse_file
from gknb.record import CellState
from gknb.templates import APPEAL_COLUMNS, APPEAL_GROUPS, APPLICANTS
from layouts import LAYOUTS, appeal_values, consistent_values

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def truth_cells(values: dict[str, list[int]], appeal: list[int]) -> dict[str, int]:
    cells = {f"applications.{row}.{col.key}": v
             for row, numbers in values.items() for col, v in zip(APPLICANTS, numbers)}
    keys = [f"review_litigation.{g}.{c.key}" for g, _label in APPEAL_GROUPS for c in APPEAL_COLUMNS]
    cells.update(zip(keys, appeal))
    return cells


@given(seed=st.integers(0, 10**9), layout=st.sampled_from(["tabs", "pipes", "one_cell_per_line"]))
@SETTINGS
def test_separated_layouts_read_back_exactly(tmp_path: Path, seed: int, layout: str) -> None:
    rng = random.Random(seed)
    values, appeal = consistent_values(rng), appeal_values(rng)
    record = parse_file(write(tmp_path, f"{layout}.txt", LAYOUTS[layout](values, appeal)))
    assert record.template == "2021"
    for key, expected in truth_cells(values, appeal).items():
        cell = record.cell(key)
        assert (key, cell.state, cell.value) == (key, CellState.OK, expected)
    assert not [f for f in record.findings if f.severity.value == "error"]


@given(seed=st.integers(0, 10**9))
@SETTINGS
def test_flattened_layout_never_states_a_wrong_number(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    values, appeal = consistent_values(rng), appeal_values(rng)
    record = parse_file(write(tmp_path, "flat.txt", LAYOUTS["flattened"](values, appeal)))
    states = set()
    for key, expected in truth_cells(values, appeal).items():
        cell = record.cell(key)
        states.add(cell.state)
        assert cell.state in {CellState.RECOVERED, CellState.AMBIGUOUS}, (key, cell)
        if cell.state is CellState.RECOVERED:
            assert cell.value == expected, key
        else:
            assert cell.value is None
    assert CellState.RECOVERED in states
