"""Random consistent reports rendered into each input layout read back to the same numbers.

Separated layouts must give every cell `ok` with the true value; flattened text may only give
`recovered` cells equal to the truth, or `ambiguous` ones — never a confident wrong number.
The reports come from `benchmarks/synth.py`, which `benchmarks/accuracy.py` also measures with."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gknb.parse import divisions
from gknb.corpus.pipeline import read_report
from gknb.model.record import CellState

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synth  # noqa: E402

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SEPARATED = [layout for layout in synth.ALL_LAYOUTS if layout != "flattened"]


def parsed(tmp: Path, report: synth.Report):  # type: ignore[no-untyped-def]
    suffix, data = synth.render(report)
    path = tmp / f"report{suffix}"
    path.write_bytes(data)
    return read_report(path)


@given(seed=st.integers(0, 10**9), layout=st.sampled_from(SEPARATED))
@SETTINGS
def test_separated_layouts_read_back_exactly(tmp_path: Path, seed: int, layout: str) -> None:
    report = synth.make_report(random.Random(seed), layout, consistent=True)
    record = parsed(tmp_path, report)
    assert (record.template, record.year, record.agency["name"]) == (report.template, report.year, report.agency)
    # The region is the body's own or, where the name is ambiguous (郊区, 城关镇), one of its
    # ancestors with the ambiguity reported — never another place.
    code = record.region["code"]
    if code != report.region_code.ljust(12, "0"):
        assert code is None or report.region_code.startswith(divisions.short_code(code)), (code, report.agency)
        assert any(f.check == "region_ambiguous" for f in record.findings) or code is None
    for key, expected in report.truth().items():
        cell = record.cell(key)
        assert (key, cell.state, cell.value) == (key, CellState.OK, expected)
    assert not [f for f in record.findings if f.severity.value == "error"]


@given(seed=st.integers(0, 10**9))
@SETTINGS
def test_inconsistent_totals_are_found_in_every_layout(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    report = synth.make_report(rng, rng.choice(SEPARATED), consistent=False)
    record = parsed(tmp_path, report)
    assert {"row_total"} <= {f.check for f in record.findings} and record.status == "fail"


@given(seed=st.integers(0, 10**9))
@SETTINGS
def test_flattened_layout_never_states_a_wrong_number(tmp_path: Path, seed: int) -> None:
    report = synth.make_report(random.Random(seed), "flattened", consistent=True)
    record = parsed(tmp_path, report)
    states = set()
    for key, expected in report.truth().items():
        cell = record.cell(key)
        states.add(cell.state)
        single_column = len(record.tables[key.split(".")[0]][key.split(".", 1)[1].rsplit(".", 1)[0]]) == 1
        allowed = {CellState.RECOVERED, CellState.AMBIGUOUS} | ({CellState.OK} if single_column else set())
        assert cell.state in allowed, (key, cell)  # a glued number alone in a one-cell row is what it says
        assert cell.value == (None if cell.state is CellState.AMBIGUOUS else expected), key
    assert CellState.RECOVERED in states
