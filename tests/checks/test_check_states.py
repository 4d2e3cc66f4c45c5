"""Which checks ran on a report (`Record.checks`: pass / fail / not_run with the reason), and whether
each finding is about the source or about our reading of it: small tables of cases, as for the checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gknb.check import across_years
from gknb.check.registry import CHECKS, CHECKS_BY_ID, check_report, reason_words, run_corpus_checks
from gknb.model.official_tables import APPLICANTS, APPLICATIONS_2021
from gknb.model.record import About, Record

from tests.checks.reports import report
from tests.checks.test_check_cases import CONSISTENT_ROW, REPORT_CASES, scanned

A = "applications"
SCHEMA = json.loads((Path(__file__).parents[2] / "build_tools/gknb/data/record.schema.json").read_text("utf-8"))


def checked(record: Record) -> Record:
    check_report(record)
    return record


def states(record: Record) -> dict[str, Any]:
    return {key: run.to_dict() for key, run in record.checks.items()}


# (check id, record, the state it must be in: "pass", "fail" or the not_run reason)
STATE_CASES: list[tuple[str, str, Record, str]] = [
    ("deadline", "no publication date", report(published=None), "no_publication_date"),
    ("deadline", "a date on time", report(published="2022-03-01"), "pass"),
    ("deadline", "a date too late", report(published="2022-05-01"), "fail"),
    ("deadline", "no year", report(year=None, published="2022-05-01"), "no_year"),
    ("fee_statement", "a 2020 report", report(year=2020, template="2019", other_matters=""), "before_2021"),
    ("fee_statement", "a 2021 report that states the fee", report(), "pass"),
    ("balance", "table 三 absent (a fragment)",
     report(drop_rows=tuple(f"{A}.{r.key}" for r in APPLICATIONS_2021.standard_rows)), "missing_table"),
    ("balance", "every column has a blank",
     report({f"{A}.carried_forward.{c.key}": None for c in APPLICANTS}), "no_complete_relation"),
    ("balance", "one column complete", report(CONSISTENT_ROW), "pass"),
    ("appeal_total", "table 四 absent", report(drop_rows=("review_litigation.review", "review_litigation.litigation_direct",
                                                          "review_litigation.litigation_after_review")), "missing_table"),
    ("unit", "a 2019 table has no amount", report(year=2020, template="2019"), "no_fee_amount"),
    ("unit", "a provincial body is not judged", report({"active.fees.amount_wan_yuan": 25000}, body_type="省级部门"),
     "provincial"),
    ("unit", "a body of unknown type has no yardstick", report({"active.fees.amount_wan_yuan": 25000}, body_type=None),
     "no_body_type"),
    ("unit", "an amount to judge", report({"active.fees.amount_wan_yuan": 3}), "pass"),
    ("narrative", "the text states no figure", report(CONSISTENT_ROW), "no_statement"),
    ("narrative", "the text states a figure", report(CONSISTENT_ROW, overview="全年共收到政府信息公开申请3件。"), "pass"),
    ("ocr_relation", "a report read from text", report(), "not_scanned"),
    ("ocr_relation", "a scan that adds up", scanned(report(CONSISTENT_ROW)), "pass"),
    ("ocr_unconfirmed", "a report read from text", report(), "not_scanned"),
    ("carry_chain", "one report parsed alone", report(), "not_compared"),
    ("completeness", "everything present", report(), "pass"),
]


@pytest.mark.parametrize(("check_id", "record", "expected"),
                         [pytest.param(c, r, e, id=f"{c}: {n}") for c, n, r, e in STATE_CASES])
def test_check_state(check_id: str, record: Record, expected: str) -> None:
    run = checked(record).checks[check_id]
    assert (run.state.value if run.reason is None else run.reason) == expected


def test_every_check_has_a_state_in_registry_order() -> None:
    record = checked(report())
    assert list(record.checks) == [c.id for c in CHECKS]
    assert record.to_dict()["checks"]["deadline"] == {"state": "not_run", "reason": "no_publication_date"}


def test_a_check_that_did_not_run_gives_no_finding() -> None:
    record = checked(report(year=2020, template="2019", other_matters=""))
    assert not [f for f in record.findings if f.check == "fee_statement"]


def corpus(*records: Record) -> list[Record]:
    for record in records:
        check_report(record)
    run_corpus_checks(list(records))
    return list(records)


CORPUS_STATE_CASES: list[tuple[str, list[Record], dict[str, str]]] = [
    ("a body's only report", [report(path="a.txt")],
     {"carry_chain": "no_previous_year", "in_force_chain": "no_previous_year", "duplicate": "pass"}),
    ("two consecutive years", [report(year=2021, path="a.txt"), report(year=2022, path="b.txt")],
     {"carry_chain": "pass", "in_force_chain": "pass", "duplicate": "pass"}),
    ("the previous year on the 2019 tables", [report(year=2020, template="2019", path="a.txt"),
                                              report(year=2021, path="b.txt")],
     {"carry_chain": "pass", "in_force_chain": "not_2021_template"}),
    ("two reports for one year", [report(path="a.txt"), report(path="b.txt")], {"duplicate": "fail"}),
    ("no body name", [report(name="", path="a.txt")],
     {"carry_chain": "no_body", "in_force_chain": "no_body", "duplicate": "no_body"}),
]


@pytest.mark.parametrize(("records", "expected"),
                         [pytest.param(r, e, id=n) for n, r, e in CORPUS_STATE_CASES])
def test_cross_report_state(records: list[Record], expected: dict[str, str]) -> None:
    later = corpus(*records)[-1]
    assert {k: later.checks[k].reason or later.checks[k].state.value for k in expected} == expected


# ---- what a finding is about --------------------------------------------------------------------

READING_CHECKS = {"digit_runs", "ocr_relation", "ocr_unconfirmed", "region_ambiguous"}


def test_each_finding_says_what_it_is_about_as_declared() -> None:
    """Every failing case of the per-check tables: the finding's `about` is its declaration's."""
    for check_id, cases in REPORT_CASES.items():
        for case in cases:
            for finding in CHECKS_BY_ID[check_id].findings(case.record):
                expected = About.READING if check_id in READING_CHECKS else About.SOURCE
                if check_id == "completeness" and finding.message.startswith("无法识别"):
                    expected = About.READING
                assert finding.about is expected, (check_id, case.name)
                assert finding.to_dict()["about"] == expected.value


def test_an_unreadable_cell_is_about_the_reading_a_blank_one_about_the_source() -> None:
    record = checked(report({f"{A}.granted.research": "0 0", f"{A}.granted.legal_service": None}))
    about = {f.message.split("：")[0]: f.about.value for f in record.findings if f.check == "completeness"}
    assert about == {"空白单元格": "source", "无法识别的单元格": "reading"}


# ---- declarations and contract stay in step -----------------------------------------------------

def declared_reasons() -> set[str]:
    return {r.reason for c in CHECKS for r in c.requires} | {r.reason for r in across_years.ACROSS_REQUIREMENTS}


def test_every_reason_is_in_the_schema_and_has_words() -> None:
    reason = SCHEMA["properties"]["checks"]["additionalProperties"]["properties"]["reason"]["enum"]
    assert set(reason) == declared_reasons()
    for c in CHECKS:
        for r in c.requires:
            assert reason_words(c.id, r.reason) == r.words and r.words


def test_every_check_declares_advice() -> None:
    assert all(c.advice.endswith("。") for c in CHECKS)
