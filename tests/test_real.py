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
# Findings the source deserves that the parser cannot give yet (report name → check ids), each with
# its reason: listed so that a fix shows here. Every gold finding is found today.
NOT_YET_FOUND: dict[str, set[str]] = {}


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
    assert len(PRESENT) >= 80, "tests/real lost reports"


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


PAIRS = sorted(name[:-len(".txt")] for name in PRESENT
               if name.endswith("_page.txt") and f"{name[:-len('.txt')]}.html" in PRESENT)


def test_the_corpus_holds_reports_in_two_formats() -> None:
    assert len(PAIRS) >= 3


@pytest.mark.parametrize("stem", PAIRS)
def test_page_text_and_saved_html_give_the_same_record(records: dict[str, Record], stem: str) -> None:
    """The crawled text of a page and the saved page itself: the same body, year, template, region and
    date, and wherever both show a number it is the same number. (The HTML may show more: its cells
    keep the separators that run-together digits in the text lost.)"""
    text, html = records[f"{stem}.txt"], records[f"{stem}.html"]
    def meta(r: Record) -> tuple[Any, ...]:
        return r.agency["name"], r.agency["type"], r.year, r.template, r.region["code"], r.published
    assert meta(text) == meta(html)
    both = [(t, r, c) for t, rows in text.tables.items() for r, cols in rows.items() for c in cols
            if text.cell(f"{t}.{r}.{c}").is_number and html.cell(f"{t}.{r}.{c}").is_number]
    assert both, "no cell read as a number from both"
    assert [k for k in both if text.cell(".".join(k)).value != html.cell(".".join(k)).value] == []
    numbers = lambda r: sum(1 for rows in r.tables.values() for cols in rows.values() for c in cols.values() if c.is_number)  # noqa: E731
    assert numbers(html) >= numbers(text)
