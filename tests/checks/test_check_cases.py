"""Every check on small tables of cases: each case is a tiny record and the (check, cell) pairs it must
raise (frictionless-py's `checks/*/__spec__/`). A case with no pairs passes the check."""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest

from gknb.check.registry import CHECKS, CHECKS_BY_ID, run_corpus_checks
from gknb.check.declare import Scope
from gknb.model.record import Cell, Record
from gknb.parse.confirm import confirm_ocr_cells

from tests.checks.reports import report


class Case(NamedTuple):
    name: str
    record: Record
    pairs: list[tuple[str, str]]  # (check id, last cell the finding names; "" for a finding without cells)


def found(record: Record, check_id: str) -> list[tuple[str, str]]:
    check = CHECKS_BY_ID[check_id]
    return [(f.check, f.cells[-1] if f.cells else "") for f in check.findings(record)]


A = "applications"
CONSISTENT_ROW = {f"{A}.new_received.natural_person": 3, f"{A}.new_received.total": 3,
                  f"{A}.granted.natural_person": 3, f"{A}.granted.total": 3,
                  f"{A}.total_processed.natural_person": 3, f"{A}.total_processed.total": 3}

REPORT_CASES: dict[str, list[Case]] = {
    "balance": [
        Case("a consistent column", report(CONSISTENT_ROW), []),
        Case("received + carried ≠ processed + forward, in two columns",
             report({**CONSISTENT_ROW, f"{A}.carried_over.natural_person": 1, f"{A}.carried_over.total": 1}),
             [("balance", f"{A}.carried_forward.natural_person"), ("balance", f"{A}.carried_forward.total")]),
        Case("a blank cell leaves its column unchecked",
             report({**CONSISTENT_ROW, f"{A}.carried_over.natural_person": 1, f"{A}.carried_over.total": 1,
                      f"{A}.carried_forward.natural_person": None}),
             [("balance", f"{A}.carried_forward.total")]),
    ],
    "row_total": [
        Case("applicant columns add up", report(CONSISTENT_ROW), []),
        Case("总计 differs from the columns", report({**CONSISTENT_ROW, f"{A}.granted.total": 4}),
             [("row_total", f"{A}.granted.total")]),
        Case("a garbled cell leaves its row unchecked",
             report({**CONSISTENT_ROW, f"{A}.granted.total": 4, f"{A}.granted.research": "0 0"}), []),
    ],
    "outcome_total": [
        Case("outcomes add up to （七）总计", report(CONSISTENT_ROW), []),
        Case("an outcome row off by one",
             report({**CONSISTENT_ROW, f"{A}.other.other.natural_person": 1, f"{A}.other.other.total": 1}),
             [("outcome_total", f"{A}.total_processed.natural_person"), ("outcome_total", f"{A}.total_processed.total")]),
        Case("a 2021 table with one merged （六） row counts that row instead of the three",
             report({**CONSISTENT_ROW, f"{A}.granted.natural_person": 2, f"{A}.granted.total": 2,
                     f"{A}.other.natural_person": 1, f"{A}.other.total": 1}), []),
        Case("the 2019 table's single （六） row",
             report({**CONSISTENT_ROW, f"{A}.other.total": 2}, year=2019, template="2019"),
             [("outcome_total", f"{A}.total_processed.total")]),
    ],
    "appeal_total": [
        Case("groups add up", report({"review_litigation.review.upheld": 2, "review_litigation.review.total": 2}), []),
        Case("a group's 总计 differs",
             report({"review_litigation.litigation_direct.pending": 1}),
             [("appeal_total", "review_litigation.litigation_direct.total")]),
    ],
    "old_template": [
        Case("2021 report on the 2021 tables", report(), []),
        Case("2021 report on the 2019 tables", report(year=2021, template="2019"), [("old_template", "")]),
        Case("2020 report on the 2019 tables", report(year=2020, template="2019"), []),
    ],
    "completeness": [
        Case("everything present", report(), []),
        Case("a section missing", report(sections=("overview", "proactive", "applications", "review_litigation",
                                                   "other_matters")), [("completeness", "")]),
        Case("a blank cell", report({f"{A}.granted.research": None}), [("completeness", f"{A}.granted.research")]),
        Case("a garbled cell", report({f"{A}.granted.research": "0 0"}), [("completeness", f"{A}.granted.research")]),
    ],
    "fee_statement": [
        Case("section 六 states the fee", report(), []),
        Case("section 六 silent on fees", report(other_matters="无其他需要报告的事项。"), [("fee_statement", "")]),
        Case("before 2021 no statement is required", report(year=2020, template="2019", other_matters=""), []),
    ],
    "deadline": [
        Case("a government by 31 March", report(published="2022-03-31"), []),
        Case("a government after 31 March", report(published="2022-04-01"), [("deadline", "")]),
        Case("a department after 31 January", report(published="2022-02-01", body_type="县级部门"),
             [("deadline", "")]),
        Case("no publication date: not judged", report(published=None), []),
    ],
    "unit": [
        Case("fees in 万元", report({"active.fees.amount_wan_yuan": 3.5}), []),
        Case("fees that look like 元", report({"active.fees.amount_wan_yuan": 25000}),
             [("unit", "active.fees.amount_wan_yuan")]),
        Case("a province may collect that much", report({"active.fees.amount_wan_yuan": 25000}, body_type="省级部门"),
             []),
        Case("a body of unknown type has no yardstick", report({"active.fees.amount_wan_yuan": 25000}, body_type=None),
             []),
    ],
    "narrative": [
        Case("the text agrees", report(CONSISTENT_ROW, overview="全年共收到政府信息公开申请3件。"), []),
        Case("the text says otherwise", report(CONSISTENT_ROW, overview="全年共收到政府信息公开申请9件。"),
             [("narrative", f"{A}.new_received.total")]),
        Case("the text counts the carried-over requests too",
             report({**CONSISTENT_ROW, f"{A}.carried_over.natural_person": 1, f"{A}.carried_over.total": 1},
                    overview="全年共收到政府信息公开申请4件。"), []),
        Case("a 新收 总计 slipped into the 结转 row does not make the sum agree",
             report({**CONSISTENT_ROW, f"{A}.new_received.total": 0, f"{A}.carried_over.total": 3},
                    overview="全年共收到政府信息公开申请3件。"),
             [("narrative", f"{A}.new_received.total")]),
        Case("an outcome the text counts otherwise (其他处理 = the （六） rows summed)",
             report({**CONSISTENT_ROW, f"{A}.granted.natural_person": 1, f"{A}.granted.total": 1,
                     f"{A}.other.no_correction.natural_person": 2, f"{A}.other.no_correction.total": 2},
                    overview="全年共收到政府信息公开申请3件，予以公开1件，其他处理1件。"),
             [("narrative", f"{A}.other.other.total")]),
        Case("an outcome the text counts as the table does",
             report({**CONSISTENT_ROW, f"{A}.granted.natural_person": 1, f"{A}.granted.total": 1,
                     f"{A}.other.no_correction.natural_person": 2, f"{A}.other.no_correction.total": 2},
                    overview="全年共收到政府信息公开申请3件，予以公开1件，其他处理2件。"), []),
    ],
}


def with_readings(record: Record, readings: dict[str, list[tuple[int, ...]]]) -> Record:
    record.readings = readings
    return record


def with_candidates(record: Record, candidates: list[str]) -> Record:
    record.region_candidates = candidates
    return record


REPORT_CASES["digit_runs"] = [
    Case("no run-together digits", report(), []),
    Case("a row split one way only", with_readings(report(), {f"{A}.granted": [(3, 0, 0, 0, 0, 0, 3)]}),
         [("digit_runs", f"{A}.granted.total")]),
    Case("a row no split makes add up", with_readings(report(), {f"{A}.granted": []}),
         [("digit_runs", f"{A}.granted.total")]),
    Case("a row split several ways",
         with_readings(report(), {f"{A}.granted": [(1, 2, 0, 0, 0, 0, 3), (2, 1, 0, 0, 0, 0, 3)]}),
         [("digit_runs", f"{A}.granted.total")]),
]
REPORT_CASES["region_ambiguous"] = [
    Case("a decided region", report(), []),
    Case("a repeated township name", with_candidates(report(), ["甘肃省兰州市永登县城关镇（620121100000）"]),
         [("region_ambiguous", "")]),
]


def scanned(record: Record) -> Record:
    """The record as if read by OCR: every cell carries a confidence, then parse.confirm weighs it."""
    for rows in record.tables.values():
        for cells in rows.values():
            for column, c in cells.items():
                cells[column] = Cell(c.value, c.state, c.raw, 0.99)
    record.source["ocr"] = {"pages": 1, "engine": "test", "unconfirmed": confirm_ocr_cells(record.tables, record.template)}
    return record


REPORT_CASES["ocr_relation"] = [
    Case("a scan whose numbers add up", scanned(report(CONSISTENT_ROW)), []),
    Case("a scan with a 总计 that does not add up (misread or the report's error)",
         scanned(report({**CONSISTENT_ROW, f"{A}.granted.total": 8})),
         [("ocr_relation", f"{A}.granted.total"), ("ocr_relation", f"{A}.total_processed.total")]),
    Case("a report read from text is left to the arithmetic checks", report({**CONSISTENT_ROW, f"{A}.granted.total": 8}), []),
]
REPORT_CASES["ocr_unconfirmed"] = [
    Case("a report read from text", report(), []),
    Case("a scan: table 二 has no relations to confirm it", scanned(report()),
         [("ocr_unconfirmed", "")]),
]


def all_report_cases() -> list[Any]:
    return [pytest.param(check_id, case, id=f"{check_id}: {case.name}")
            for check_id, cases in REPORT_CASES.items() for case in cases]


@pytest.mark.parametrize(("check_id", "case"), all_report_cases())
def test_report_check(check_id: str, case: Case) -> None:
    assert found(case.record, check_id) == case.pairs


# ---- across reports: the record under test is the last one ----------------------------------------

def named(path: str, year: int, cells: dict[str, Any] | None = None, template: str = "2021") -> Record:
    return report(cells, year=year, template=template, path=path)


IN_FORCE = {"active.normative_docs.in_force": 5, "active.normative_docs.issued": 2, "active.normative_docs.repealed": 0}
CORPUS_CASES: dict[str, list[tuple[str, list[Record], list[tuple[str, str]]]]] = {
    "in_force_chain": [
        ("现行有效 = last year's + 制发 − 废止",
         [named("a.txt", 2021, {"active.normative_docs.in_force": 3}), named("b.txt", 2022, IN_FORCE)], []),
        ("现行有效 does not follow",
         [named("a.txt", 2021, {"active.normative_docs.in_force": 4}), named("b.txt", 2022, IN_FORCE)],
         [("in_force_chain", "active.normative_docs.repealed")]),
        ("not compared across templates",
         [named("a.txt", 2020, {"active.normative_docs.in_force": 4}, template="2019"),
          named("b.txt", 2021, IN_FORCE)], []),
    ],
    "duplicate": [
        ("one report a year", [named("a.txt", 2021), named("b.txt", 2022)], []),
        ("two reports for one year", [named("a.txt", 2021), named("b.txt", 2021)], [("duplicate", "")]),
    ],
}
CORPUS_CASES["carry_chain"] = [
    ("上年结转 = last year's 结转下年度",
     [named("a.txt", 2021, {f"{A}.carried_forward.total": 2, f"{A}.carried_forward.natural_person": 2}),
      named("b.txt", 2022, {f"{A}.carried_over.total": 2, f"{A}.carried_over.natural_person": 2})], []),
    ("上年结转 differs in one column",
     [named("a.txt", 2021, {f"{A}.carried_forward.total": 2, f"{A}.carried_forward.natural_person": 2}),
      named("b.txt", 2022, {f"{A}.carried_over.total": 2, f"{A}.carried_over.commercial": 2})],
     [("carry_chain", f"{A}.carried_over.natural_person"), ("carry_chain", f"{A}.carried_over.commercial")]),
    ("a gap year is not compared",
     [named("a.txt", 2020, {f"{A}.carried_forward.total": 9}, template="2019"), named("b.txt", 2022)], []),
]


def all_corpus_cases() -> list[Any]:
    return [pytest.param(check_id, records, pairs, id=f"{check_id}: {name}")
            for check_id, cases in CORPUS_CASES.items() for name, records, pairs in cases]


@pytest.mark.parametrize(("check_id", "records", "pairs"), all_corpus_cases())
def test_corpus_check(check_id: str, records: list[Record], pairs: list[tuple[str, str]]) -> None:
    run_corpus_checks(records)
    later = records[-1]
    assert [(f.check, f.cells[-1] if f.cells else "") for f in later.findings if f.check == check_id] == pairs
    assert all(f.other == records[0].source["path"] for f in later.findings if f.check == check_id)


# ---- the registry itself --------------------------------------------------------------------------

def test_every_check_has_failing_and_passing_cases() -> None:
    for check in CHECKS:
        if check.scope is Scope.REPORT:
            outcomes = [bool(case.pairs) for case in REPORT_CASES.get(check.id, [])]
        else:
            outcomes = [bool(pairs) for _n, _r, pairs in CORPUS_CASES.get(check.id, [])]
        assert True in outcomes and False in outcomes, f"check {check.id} lacks a failing or a passing case"


def test_findings_take_id_severity_and_wording_from_the_declaration() -> None:
    record = report({f"{A}.granted.total": 1234567.5})
    (finding,) = CHECKS_BY_ID["row_total"].findings(record)
    declared = CHECKS_BY_ID["row_total"]
    assert (finding.check, finding.severity) == (declared.id, declared.severity)
    assert finding.message == "“（一）予以公开”行：各类申请人合计 0，但总计栏为 1,234,567.5"  # the pages' formatter
