"""Every check, in the order the portal shows them, and the two places they run.

The registry is an explicit list (no module scanning). Per-report checks run as each report is
parsed; cross-report checks once the corpus (or the files given to one `gknb check`) is parsed.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from gknb.check import across_years, one_report
from gknb.check.declare import Check, Scope
from gknb.model.record import Finding, Record

CHECKS: tuple[Check, ...] = (
    one_report.check_balance,
    one_report.check_row_total,
    one_report.check_outcome_total,
    one_report.check_appeal_total,
    one_report.check_old_template,
    one_report.check_completeness,
    one_report.check_fee_statement,
    one_report.check_deadline,
    one_report.check_unit,
    one_report.check_digit_runs,
    one_report.check_narrative,
    one_report.check_region_ambiguous,
    one_report.check_ocr_relation,
    one_report.check_ocr_unconfirmed,
    across_years.check_carry_chain,
    across_years.check_in_force_chain,
    across_years.check_duplicate,
)
CHECKS_BY_ID: dict[str, Check] = {c.id: c for c in CHECKS}
CHECK_TITLES: dict[str, str] = {c.id: c.title for c in CHECKS}
ACROSS_REPORTS = frozenset(c.id for c in CHECKS if c.scope is not Scope.REPORT)


def checks_of(scope: Scope) -> tuple[Check, ...]:
    return tuple(c for c in CHECKS if c.scope is scope)


def run_report_checks(record: Record) -> list[Finding]:
    """The findings of every per-report check, in registry order."""
    return [finding for c in checks_of(Scope.REPORT) for finding in c.findings(record)]


def run_corpus_checks(records: list[Record]) -> None:
    """Add the cross-report findings to the records (in place): same body, same or previous year."""
    same_year, previous_year = checks_of(Scope.SAME_YEAR), checks_of(Scope.PREVIOUS_YEAR)
    for group in across_years.by_body(records).values():
        by_year: dict[int, list[Record]] = defaultdict(list)
        for record in group:
            by_year[record.year or 0].append(record)
        for year, reports in by_year.items():
            for record in reports:
                others = [r for r in reports if r is not record]
                if others:
                    record.findings.extend(f for c in same_year for f in c.findings(record, others))
                for previous in by_year.get(year - 1, [])[:1]:
                    record.findings.extend(f for c in previous_year for f in c.findings(record, previous))


def check_ids(findings: Iterable[Finding]) -> list[str]:
    """The checks these findings come from, in registry order, unknown ids last."""
    found = dict.fromkeys(f.check for f in findings)
    return [c.id for c in CHECKS if c.id in found] + [k for k in found if k not in CHECKS_BY_ID]
