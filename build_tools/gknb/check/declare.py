"""How a check is declared: id, severity, title, message template, scope, what it is about
(the source or our reading of it), what it needs to run and the advice to the office, written once.

frictionless-py's error types are the model: a check function yields `Issue`s (the values its
message template names, the cells involved, the other report for cross-report checks) and the
declaration turns each into a `Finding`. A finding's id, severity and wording therefore live in
one place, the `@check(...)` line above the function. So do the reasons a check may not run
(`Requirement`): a check whose requirement a report does not meet is `not_run` with that reason,
never a 通过 it did not earn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property, lru_cache
from typing import Any, Callable, Container, Iterable, Iterator, Mapping

from gknb.model.numbers import format_number
from gknb.model.record import (MISSING_CELL, NO_CELLS, NO_ROW, NUMERIC_STATES, About, Cell, CellState, CheckRun,
                               CheckState, Finding, Record, Severity, split_cell_key)


class Scope(str, Enum):
    REPORT = "report"                # one report on its own: function(record)
    PREVIOUS_YEAR = "previous_year"  # the same body's report of the year before: function(record, previous)
    SAME_YEAR = "same_year"          # the same body's other reports of the same year: function(record, others)


@dataclass(frozen=True)
class Issue:
    """What a check found: the values its message names, the cells involved, the other report."""

    values: Mapping[str, Any] = field(default_factory=dict)
    cells: tuple[str, ...] = ()
    other: str | None = None   # source path of the other report a cross-report finding compares with
    variant: str = ""          # which of the check's messages applies, for checks with several


def issue(*cells: str, other: str | None = None, variant: str = "", **values: Any) -> Issue:
    return Issue(values, tuple(cells), other, variant)


CheckFunction = Callable[..., Iterator[Issue]]


def always(*_args: Any) -> bool:
    return True


@dataclass(frozen=True)
class Requirement:
    """What a check needs of a report (per-report checks: of the record; cross-report ones: of the
    record and the report compared with) to verify anything at all."""

    reason: str                            # stable code in the record's `checks` when unmet
    words: str                             # the reason as the pages and `gknb check` state it
    met: Callable[..., bool] = always
    # False: a report the check is not about at all (the OCR checks on a text report) shows no
    # badge for it; the record still says not_run with the reason.
    badge: bool = True


def is_scanned(record: Record) -> bool:
    return "ocr" in record.source


KNOWN_YEAR = Requirement("no_year", "报告年度未识别", lambda record: record.year is not None)
SCANNED = Requirement("not_scanned", "不是扫描件（仅检查由扫描件识别的报告）", is_scanned, badge=False)


# Message fields that hold no quantity: a year is written 2021, never 2,021.
PLAIN_FIELDS = frozenset({"year"})


def shown(name: str, value: Any) -> Any:
    """Numbers in messages are written as the pages write them: one formatter for both."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value, grouped=name not in PLAIN_FIELDS)
    return value


# A check's state on a report, one instance each (they are immutable): a record holds one per check.
PASSED, FAILED = CheckRun(CheckState.PASS), CheckRun(CheckState.FAIL)


@lru_cache(maxsize=256)  # the declared reasons: a few dozen
def not_run_because(reason: str) -> CheckRun:
    return CheckRun(CheckState.NOT_RUN, reason)


@dataclass(frozen=True)
class Check:
    id: str
    severity: Severity
    title: str
    messages: Mapping[str, str]   # variant → message template (str.format fields)
    scope: Scope
    function: CheckFunction
    about: Mapping[str, About]    # variant → whether its findings concern the source or our reading
    advice: str                   # what the office should do about a finding, in one sentence
    basis: str = ""               # where the rule comes from, when it is not the layout itself
    requires: tuple[Requirement, ...] = ()

    def applies_to(self, record: Record) -> bool:
        """Whether the report is one the check is about at all (see `Requirement.badge`)."""
        return all(r.met(record) for r in self.requires if not r.badge)

    def unmet(self, *args: Any) -> Requirement | None:
        """The first requirement these reports do not meet: the reason the check did not run."""
        for requirement in self.requires:  # a loop, not next() over a generator: asked of every check and report
            if not requirement.met(*args):
                return requirement
        return None

    def requirement(self, reason: str) -> Requirement | None:
        return next((r for r in self.requires if r.reason == reason), None)

    def finding(self, found: Issue) -> Finding:
        values = {name: shown(name, value) for name, value in found.values.items()}
        if found.other is not None:
            values.setdefault("other", found.other)
        return Finding(self.id, self.severity, self.messages[found.variant].format_map(values),
                       found.cells, found.other, self.about[found.variant])

    def findings(self, *args: Any) -> Iterator[Finding]:
        """The findings on these reports; none when a requirement is not met (the check did not run)."""
        if self.unmet(*args) is not None:
            return iter(())
        return (self.finding(found) for found in self.function(*args))

    def run(self, findings: list[Finding], *args: Any) -> CheckRun:
        """The check's state on these reports, given the findings it produced."""
        return self.state(findings, self.unmet(*args))

    def state(self, findings: list[Finding], missing: Requirement | None) -> CheckRun:
        """`run` with the unmet requirement already known (None: every requirement met)."""
        return self.state_of({f.check for f in findings}, missing)

    def state_of(self, failed: Container[str], missing: Requirement | None) -> CheckRun:
        """`state` with the ids of the checks that found something already known."""
        if missing is not None:
            return not_run_because(missing.reason)
        return FAILED if self.id in failed else PASSED

    @property
    def doc(self) -> str:
        """What the check verifies: the first line of its function's docstring."""
        return (self.function.__doc__ or "").strip().splitlines()[0] if self.function.__doc__ else ""


def check(id: str, severity: Severity, title: str, message: str | Mapping[str, str], *,
          about: About | Mapping[str, About], advice: str, scope: Scope = Scope.REPORT, basis: str = "",
          requires: tuple[Requirement, ...] = ()) -> Callable[[CheckFunction], Check]:
    """Declare the function below as a check (it stays callable through `Check.function`)."""
    messages = {"": message} if isinstance(message, str) else dict(message)
    abouts = dict.fromkeys(messages, about) if isinstance(about, About) else dict(about)
    assert abouts.keys() == messages.keys(), f"{id}: every message variant says what it is about"

    def declare(function: CheckFunction) -> Check:
        return Check(id, severity, title, messages, scope, function, abouts, advice, basis, requires)

    return declare


# ---- reading numbers out of a record, shared by the checks ---------------------------------------

def number(cell: Cell) -> float | None:
    return float(cell.value) if cell.is_number and cell.value is not None else None


def values(record: Record, keys: tuple[str, ...]) -> list[float] | None:
    """The numbers in these cells, or None when any of them shows no number (nothing to verify)."""
    found = []
    tables = record.tables
    for table, row, columns in split_rows(keys):  # run for every check of every report: the first cell
        # without a number ends it; record.cell and number(), inline: the checks' inner loop
        cells = tables.get(table, NO_CELLS).get(row, NO_ROW)
        for column in columns:
            cell = cells.get(column, MISSING_CELL)
            value = cell.value
            if value is None or cell.state not in NUMERIC_STATES:
                return None
            found.append(float(value))
    return found


@lru_cache(maxsize=4096)  # the checks' relations are the same few hundred tuples for every report
def split_rows(keys: tuple[str, ...]) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """The keys as (table, row, columns) for each run of keys in one row, in order (a row total's
    cells are one row: its dict is looked up once)."""
    rows: list[tuple[str, str, tuple[str, ...]]] = []
    for key in keys:
        table, row, column = split_cell_key(key)
        if rows and rows[-1][:2] == (table, row):
            rows[-1] = (table, row, (*rows[-1][2], column))
        else:
            rows.append((table, row, (column,)))
    return tuple(rows)


@dataclass(frozen=True)
class Sum:
    """Parts that should add up to a total, read from one record: the rule behind four checks."""

    parts: tuple[str, ...]
    total: str

    def broken(self, record: Record) -> tuple[float, float] | None:
        """(sum of the parts, total) when every cell shows a number and they differ, else None."""
        found = values(record, self.cells)
        if found is None:
            return None
        total = found.pop()  # a list of our own: the parts are left, summed in the same order
        listed = sum(found)
        return (listed, total) if listed != total else None

    @cached_property  # the rules are made once and asked on every report
    def cells(self) -> tuple[str, ...]:
        return (*self.parts, self.total)


# ---- what the checks need, shared by several -------------------------------------------------------

def has_table(record: Record, table: str) -> bool:
    return any(cell.state is not CellState.MISSING
               for row in record.tables.get(table, {}).values() for cell in row.values())


def table_present(table: str, words: str) -> Requirement:
    return Requirement("missing_table", f"报告中未找到{words}（片段或缺表）",
                       lambda record: has_table(record, table))


Relations = Callable[[Record], Iterable[tuple[str, ...]]]


def complete_relation(relations: Relations) -> Requirement:
    """At least one relation whose cells all show a number: otherwise the check verified nothing."""
    return Requirement("no_complete_relation", "没有一组齐全的数字可核对（单元格空白、无法识别、待核或缺失）",
                       lambda record: any(values(record, keys) is not None for keys in relations(record)))
