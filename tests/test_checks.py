"""Checks on parsed reports: files written to break them (tests/cases/) and seeds. The per-check case
tables are in tests/checks/."""

from __future__ import annotations

from pathlib import Path

import pytest

from gknb.check.registry import CHECKS, check_report
from gknb.corpus.pipeline import read_report
from gknb.model.record import CellState, Record, Severity

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"


@pytest.fixture(scope="module")
def inconsistent() -> Record:
    return read_report(CASES / "inconsistent-2021.txt")


def pairs(record: Record, check: str) -> list[tuple[str, ...]]:
    return [f.cells for f in record.findings if f.check == check]


def test_balance_names_both_broken_columns(inconsistent: Record) -> None:
    assert [cells[0] for cells in pairs(inconsistent, "balance")] == [
        "applications.new_received.natural_person", "applications.new_received.total"]
    message = next(f.message for f in inconsistent.findings if f.check == "balance")
    assert "3 + 上年结转 1 = 4" in message and "= 3" in message


def test_row_total_flags_rows_whose_columns_do_not_add_up(inconsistent: Record) -> None:
    assert [cells[-1] for cells in pairs(inconsistent, "row_total")] == [
        "applications.new_received.total", "applications.total_processed.total"]
    assert "本年新收政府信息公开申请数量”行：各类申请人合计 3，但总计栏为 4" in next(
        f.message for f in inconsistent.findings if f.check == "row_total")


def test_outcome_total_compares_outcomes_with_total_processed(inconsistent: Record) -> None:
    (cells,) = pairs(inconsistent, "outcome_total")
    assert cells[-1] == "applications.total_processed.total"
    assert "applications.other.other.total" in cells and len(cells) == 22


def test_appeal_total_per_group(inconsistent: Record) -> None:
    assert [cells[-1] for cells in pairs(inconsistent, "appeal_total")] == ["review_litigation.review.total"]


def test_deadline_for_a_late_publication(inconsistent: Record) -> None:
    assert inconsistent.published == "2022-04-20"
    (finding,) = [f for f in inconsistent.findings if f.check == "deadline"]
    assert "2022-03-31" in finding.message


def test_unit_is_not_judged_without_a_body_type(inconsistent: Record) -> None:
    """25,000 万元 is a lot for a county office and little for a prefecture's government: 测试县 is no
    division, so the body's type (and the yardstick) is unknown and the check does not run. The case
    tables (tests/checks) judge the same amount for a county government."""
    assert inconsistent.cell("active.fees.amount_wan_yuan").value == 25000
    assert pairs(inconsistent, "unit") == []
    assert inconsistent.to_dict()["checks"]["unit"] == {"state": "not_run", "reason": "no_body_type"}


def test_not_applicable_mark_is_kept_distinct_from_zero(inconsistent: Record) -> None:
    cell = inconsistent.cell("active.penalty.decisions")
    assert (cell.value, cell.state, cell.raw) == (None, CellState.NA, "/")


def test_fee_statement_present_and_no_old_template(inconsistent: Record) -> None:
    checks = {f.check for f in inconsistent.findings}
    assert "fee_statement" not in checks and "old_template" not in checks and "completeness" not in checks
    assert inconsistent.status == "fail"


def test_old_template_and_fee_statement_on_seed() -> None:
    record = read_report(ROOT / "content" / "会宁县乡村振兴局-2021.txt")
    assert [f.severity for f in record.findings if f.check == "old_template"] == [Severity.ERROR]
    assert any(f.check == "fee_statement" for f in record.findings)


def test_completeness_lists_blank_and_garbled_cells() -> None:
    record = read_report(ROOT / "content" / "会宁县乡村振兴局-2021.txt")
    cells = {c for f in record.findings if f.check == "completeness" for c in f.cells}
    assert "applications.not_processed.petition.total" in cells
    assert "active.regulations.new_made" in cells


def test_narrative_quotes_the_sentence_that_disagrees(inconsistent: Record) -> None:
    (finding,) = [f for f in inconsistent.findings if f.check == "narrative"]
    assert "正文称收到申请 9 件，表格为 4 件" in finding.message and "共收到政府信息公开申请9件" in finding.message
    assert finding.cells == ("applications.new_received.total",)  # 复议 2 件 agrees with the table


def test_narrative_agreeing_with_tables_is_silent() -> None:
    record = read_report(CASES / "flattened-2022.txt")  # states 81 件, table recovers 81
    assert not [f for f in record.findings if f.check == "narrative"]


def test_findings_carry_their_registry_severity(inconsistent: Record) -> None:
    severity = {c.id: c.severity for c in CHECKS}
    assert all(f.severity is severity[f.check] for f in inconsistent.findings)


def test_checks_are_idempotent(inconsistent: Record) -> None:
    findings, states = list(inconsistent.findings), dict(inconsistent.checks)
    check_report(inconsistent)
    assert (inconsistent.findings, inconsistent.checks) == (findings, states)


def test_every_registered_check_is_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for check in CHECKS:
        assert f"| `{check.id}` | {check.severity.value} |" in readme, f"README's check table lacks {check.id}"
        assert check.doc, f"check {check.id} has no docstring"
        assert check.messages and all(check.messages.values()), f"check {check.id} declares no message"
