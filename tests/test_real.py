"""Real reports as they were found (tests/real/), against gold read from each source by hand and checked
with the table's own arithmetic (tests/real/gold.yaml; provenance in tests/real/SOURCES.tsv).

The same judgement as ../shared/tools/score.py: a gold number is matched by an `ok` or `recovered` cell
of that value; a blank by `blank`; `na` by `na` or `blank`; `garbled`/`ambiguous` by either. A wrong
number in an `ok` cell is *silent*, the worst defect: there must be none."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from gknb.corpus.pipeline import read_report
from gknb.model.record import Cell, CellState, Record

REAL = Path(__file__).resolve().parent / "real"
GOLD: dict[str, dict[str, Any]] = yaml.safe_load((REAL / "gold.yaml").read_text(encoding="utf-8"))
PRESENT = sorted(name for name in GOLD if (REAL / name).is_file())
APPLICANTS = ("natural_person", "commercial", "research", "public_welfare", "legal_service", "other_org", "total")
RESULTS = ("upheld", "corrected", "other", "pending", "total")
MIN_CELLS_RIGHT = 0.97
# Findings the source deserves that the parser cannot give yet, each for one reason: the report's own
# inconsistency sits inside digits that ran together, so no split of the run satisfies the relation
# and the row is `garbled` (its numbers unknown) instead of checked. Listed so that a fix shows here.
NOT_YET_FOUND = {
    "pingtan_haitanpianqu_2021_page.txt": {"row_total", "balance", "outcome_total"},  # a stray 1 in （七）总计
    "pingtan_shehuishiyeju_2024_page.txt": {"appeal_total"},  # no split of 复议后起诉 adds up
    "pingtan2_nongyenongcunju_2023_page.txt": {"row_total", "narrative"},  # 新收's 总计 slipped a row down
    # The text's 无法提供 2 / 其他 2 against the table's 其他处理 4: figures per outcome are not compared yet.
    "pingtan3_shichangjianguanju_2025_page.txt": {"narrative"},
}


def gold_cells(gold: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for row, columns in (gold.get("active") or {}).items():
        for column, value in columns.items():
            yield f"active.{row}.{column}", value
    for table, columns in (("applications", APPLICANTS), ("review_litigation", RESULTS)):
        for row, values in (gold.get(table) or {}).items():
            for column, value in zip(columns, values):
                yield f"{table}.{row}.{column}", value


def judged(gold: Any, cell: Cell) -> str:
    """'right', 'wrong', or 'silent' (a wrong number shown as certain)."""
    if isinstance(gold, (int, float)) and not isinstance(gold, bool):
        right = cell.is_number and cell.value is not None and abs(float(cell.value) - float(gold)) < 1e-6
    elif gold is None:
        right = cell.state is CellState.BLANK
    elif gold == "na":
        right = cell.state in (CellState.NA, CellState.BLANK)
    else:  # garbled / ambiguous
        right = cell.state in (CellState.GARBLED, CellState.AMBIGUOUS)
    return "right" if right else ("silent" if cell.state is CellState.OK else "wrong")


@pytest.fixture(scope="module")
def records() -> dict[str, Record]:
    return {name: read_report(REAL / name, display_path=name) for name in PRESENT}


def test_the_corpus_is_there() -> None:
    assert len(PRESENT) >= 45, "tests/real lost reports"


@pytest.mark.parametrize("name", PRESENT)
def test_no_wrong_number_is_shown_as_certain(records: dict[str, Record], name: str) -> None:
    silent = [(key, value, records[name].cell(key)) for key, value in gold_cells(GOLD[name])
              if judged(value, records[name].cell(key)) == "silent"]
    assert silent == []


def test_cells_right_across_the_corpus(records: dict[str, Record]) -> None:
    verdicts = [judged(value, records[name].cell(key)) for name in PRESENT for key, value in gold_cells(GOLD[name])]
    assert verdicts.count("right") / len(verdicts) >= MIN_CELLS_RIGHT


@pytest.mark.parametrize("name", PRESENT)
def test_findings_the_gold_names_and_rules_out(records: dict[str, Record], name: str) -> None:
    raised = {f.check for f in records[name].findings if f.severity.value in ("error", "warning")}
    gold = GOLD[name]
    assert set(gold.get("findings") or []) - raised == NOT_YET_FOUND.get(name, set()), \
        "a finding the source deserves is missing (or one listed as not yet found is found now)"
    assert set(gold.get("no_findings") or []) & raised == set(), "a finding the gold rules out was raised"


@pytest.mark.parametrize("name", PRESENT)
def test_metadata(records: dict[str, Record], name: str) -> None:
    record, gold = records[name], GOLD[name]
    assert (record.year, record.template) == (gold["year"], str(gold["template"]))
    if gold.get("agency_type"):
        assert record.agency.get("type") == gold["agency_type"]
