"""How a check is declared: id, severity, title, message template and scope, written once.

frictionless-py's error types are the model: a check function yields `Issue`s (the values its
message template names, the cells involved, the other report for cross-report checks) and the
declaration turns each into a `Finding`. A finding's id, severity and wording therefore live in
one place, the `@check(...)` line above the function.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, Iterable, Iterator, Mapping

from gknb.model.numbers import format_number
from gknb.model.record import Cell, Finding, Record, Severity


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


def shown(value: Any) -> Any:
    """Numbers in messages are written as the pages write them: one formatter for both."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value)
    return value


@dataclass(frozen=True)
class Check:
    id: str
    severity: Severity
    title: str
    messages: Mapping[str, str]   # variant → message template (str.format fields)
    scope: Scope
    function: CheckFunction
    basis: str = ""               # where the rule comes from, when it is not the layout itself
    # Which reports the check is about at all (scanned ones, for the OCR checks); None: every report.
    # A report it is not about shows no badge for it, rather than a 通过 it never earned.
    applies: Callable[[Record], bool] | None = None

    def applies_to(self, record: Record) -> bool:
        return self.applies is None or self.applies(record)

    def finding(self, found: Issue) -> Finding:
        values = {name: shown(value) for name, value in found.values.items()}
        if found.other is not None:
            values.setdefault("other", found.other)
        return Finding(self.id, self.severity, self.messages[found.variant].format_map(values),
                       found.cells, found.other)

    def findings(self, *args: Any) -> Iterator[Finding]:
        return (self.finding(found) for found in self.function(*args))

    @property
    def doc(self) -> str:
        """What the check verifies: the first line of its function's docstring."""
        return (self.function.__doc__ or "").strip().splitlines()[0] if self.function.__doc__ else ""


def check(id: str, severity: Severity, title: str, message: str | Mapping[str, str], *,
          scope: Scope = Scope.REPORT, basis: str = "",
          applies: Callable[[Record], bool] | None = None) -> Callable[[CheckFunction], Check]:
    """Declare the function below as a check (it stays callable through `Check.function`)."""
    messages = {"": message} if isinstance(message, str) else dict(message)

    def declare(function: CheckFunction) -> Check:
        return Check(id, severity, title, messages, scope, function, basis, applies)

    return declare


# ---- reading numbers out of a record, shared by the checks ---------------------------------------

def number(cell: Cell) -> float | None:
    return float(cell.value) if cell.is_number and cell.value is not None else None


def values(record: Record, keys: Iterable[str]) -> list[float] | None:
    """The numbers in these cells, or None when any of them shows no number (nothing to verify)."""
    found = []
    for key in keys:  # run for every check of every report: the first cell without a number ends it
        value = number(record.cell(key))
        if value is None:
            return None
        found.append(value)
    return found


@dataclass(frozen=True)
class Sum:
    """Parts that should add up to a total, read from one record: the rule behind four checks."""

    parts: tuple[str, ...]
    total: str

    def broken(self, record: Record) -> tuple[float, float] | None:
        """(sum of the parts, total) when every cell shows a number and they differ, else None."""
        found = values(record, [*self.parts, self.total])
        if found is None:
            return None
        listed, total = sum(found[:-1]), found[-1]
        return (listed, total) if listed != total else None

    @property
    def cells(self) -> tuple[str, ...]:
        return (*self.parts, self.total)
