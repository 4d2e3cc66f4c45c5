"""Every check, in the order the portal shows them, and the two places they run.

The registry is an explicit list (no module scanning). Per-report checks run as each report is
parsed; cross-report checks once the corpus (or the files given to one `gknb check`) is parsed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from gknb.check import across_years, one_report
from gknb.check.declare import KNOWN_YEAR, Check, Requirement, Scope, not_run_because
from gknb.model.record import CheckRun, Finding, Record, Severity

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
REPORT_CHECKS: tuple[Check, ...] = tuple(c for c in CHECKS if c.scope is Scope.REPORT)
CHECK_TITLES: dict[str, str] = {c.id: c.title for c in CHECKS}
ACROSS_REPORTS = frozenset(c.id for c in CHECKS if c.scope is not Scope.REPORT)


@dataclass(frozen=True)
class ProblemKind:
    """A kind of problem a region's readers ask about (逾期发布 …): the checks whose errors or warnings mean it."""

    key: str                 # stable, in the JSON index files
    words: str
    checks: tuple[str, ...]


PROBLEM_KINDS: tuple[ProblemKind, ...] = (
    ProblemKind("late", "逾期发布", (one_report.check_deadline.id,)),
    ProblemKind("no_fee_statement", "未说明收费", (one_report.check_fee_statement.id,)),
    ProblemKind("tables", "表格数字不符", tuple(c.id for c in (
        one_report.check_balance, one_report.check_row_total, one_report.check_outcome_total,
        one_report.check_appeal_total))),
)


def problem_kinds(record: Record) -> list[ProblemKind]:
    """The kinds of problem a report has, in declaration order (`info` findings are notes, not problems)."""
    failed = {f.check for f in record.findings if f.severity is not Severity.INFO}
    return [kind for kind in PROBLEM_KINDS if failed.intersection(kind.checks)]


def checks_of(scope: Scope) -> tuple[Check, ...]:
    return tuple(c for c in CHECKS if c.scope is scope)


def reason_words(check_id: str, reason: str) -> str:
    """A not_run reason as the pages and `gknb check` state it."""
    declared = CHECKS_BY_ID[check_id].requirement(reason) if check_id in CHECKS_BY_ID else None
    shared = next((r for r in across_years.ACROSS_REQUIREMENTS if r.reason == reason), None)
    found = declared or shared
    return found.words if found is not None else reason


def check_report(record: Record) -> None:
    """Run every per-report check (in place): the findings in registry order, and each check's
    state; the cross-report checks are not_run until `run_corpus_checks` compares the report."""
    unmet = {c.id: c.unmet(record) for c in REPORT_CHECKS}  # once per check: findings and state both need it
    record.findings = [c.finding(found) for c in REPORT_CHECKS if unmet[c.id] is None for found in c.function(record)]
    failed = {f.check for f in record.findings}
    record.checks = {c.id: c.state_of(failed, unmet[c.id]) if c.scope is Scope.REPORT
                     else not_run_because(across_years.NOT_COMPARED.reason) for c in CHECKS}


def not_run(reason: Requirement) -> CheckRun:
    return not_run_because(reason.reason)


def run_corpus_checks(records: list[Record]) -> None:
    """Add the cross-report findings to the records (in place): same body, same or previous year,
    and say for each record whether each cross-report check could run."""
    for record in records:
        unknown = next((r for r in (KNOWN_YEAR, across_years.KNOWN_BODY) if not r.met(record)), None)
        for c in CHECKS:
            if c.scope is not Scope.REPORT:
                record.checks[c.id] = not_run(unknown or across_years.HAS_PREVIOUS)
    for group in across_years.by_body(records).values():
        by_year: dict[int, list[Record]] = defaultdict(list)
        for record in group:
            by_year[record.year or 0].append(record)
        for year, reports in by_year.items():
            for record in reports:
                compare_same_year(record, [r for r in reports if r is not record])
                for previous in by_year.get(year - 1, [])[:1]:
                    compare_previous_year(record, previous)


def compare_same_year(record: Record, others: list[Record]) -> None:
    for c in checks_of(Scope.SAME_YEAR):
        if others:
            record.findings.extend(c.findings(record, others))
        record.checks[c.id] = c.run(record.findings, record, others)


def compare_previous_year(record: Record, previous: Record) -> None:
    for c in checks_of(Scope.PREVIOUS_YEAR):
        record.findings.extend(c.findings(record, previous))
        record.checks[c.id] = c.run(record.findings, record, previous)


def check_ids(findings: Iterable[Finding]) -> list[str]:
    """The checks these findings come from, in registry order, unknown ids last."""
    found = dict.fromkeys(f.check for f in findings)
    return [c.id for c in CHECKS if c.id in found] + [k for k in found if k not in CHECKS_BY_ID]
