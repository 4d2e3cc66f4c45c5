"""Key figures of one report and totals over many: the numbers behind the body timelines and the
region and year summaries.

Only numeric cells count (state `ok` or `recovered`): a blank, 不适用, garbled or missing cell is
never read as 0, so a figure built from several cells is a number only when all of them are, and
every total says how many reports it counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from .record import CellState, Record
from .render import layout_for, layout_rows
from .templates import APPEAL_COLUMNS

FLOWS = (("new_received", "本年新收"), ("carried_over", "上年结转"), ("total_processed", "办理结果总计"),
         ("carried_forward", "结转下年度"))
# Outcome rows of table 三 by their key's first part: 不予公开 is eight rows, （六） one or three.
OUTCOMES = (("granted", "予以公开"), ("partial", "部分公开"), ("denied", "不予公开"), ("unable", "无法提供"),
            ("not_processed", "不予处理"), ("other", "其他处理"))
# The groups of table 四 (templates.APPEAL_GROUPS) under names short enough for a chart's label column.
APPEALS = (("review", "行政复议"), ("litigation_direct", "行政诉讼（直接起诉）"),
           ("litigation_after_review", "行政诉讼（复议后起诉）"))
APPEAL_RESULTS = tuple((c.key, c.label.replace("结果", "")) for c in APPEAL_COLUMNS if c.key != "total")


@dataclass(frozen=True)
class Figure:
    """A number read from one report (None: some cell it needs shows no number)."""
    value: float | None
    recovered: bool = False


NOT_A_NUMBER = Figure(None)


def cell_figure(record: Record, key: str) -> Figure:
    cell = record.cell(key)
    if not cell.is_number or cell.value is None:
        return NOT_A_NUMBER
    return Figure(cell.value, cell.state is CellState.RECOVERED)


def add(figures: Sequence[Figure]) -> Figure:
    """The sum, a number only when every part is one."""
    if not figures or any(f.value is None for f in figures):
        return NOT_A_NUMBER
    return Figure(sum(f.value or 0 for f in figures), any(f.recovered for f in figures))


def flow(record: Record, row: str) -> Figure:
    return cell_figure(record, f"applications.{row}.total")


def outcome(record: Record, group: str) -> Figure:
    """One outcome group's 总计: the sum of its rows as the report's layout prints them."""
    layout = layout_for(record)
    if layout is None:
        return NOT_A_NUMBER
    table = next(t for t in layout if t.key == "applications")
    keys = [r.key for r in layout_rows(record, table) if r.key == group or r.key.startswith(group + ".")]
    return add([cell_figure(record, f"applications.{key}.total") for key in keys])


def appeal(record: Record, group: str, column: str = "total") -> Figure:
    return cell_figure(record, f"review_litigation.{group}.{column}")


def litigation(record: Record) -> Figure:
    """行政诉讼 in all: sued directly plus sued after review."""
    return add([appeal(record, "litigation_direct"), appeal(record, "litigation_after_review")])


def key_figures(record: Record) -> list[tuple[str, Figure]]:
    """The rows of a body timeline, in order."""
    return ([(label, flow(record, key)) for key, label in FLOWS]
            + [(label, outcome(record, key)) for key, label in OUTCOMES]
            + [("行政复议", appeal(record, "review")), ("行政诉讼", litigation(record))])


# ---- totals over many reports ----------------------------------------------------------------------

@dataclass(frozen=True)
class Total:
    label: str
    value: float
    counted: int               # reports whose figure is a number
    share: float | None = None  # percent of a base, where the table shows one


@dataclass(frozen=True)
class AppealTotal:
    label: str
    results: tuple[float, ...]  # APPEAL_RESULTS order
    total: float
    counted: int


@dataclass(frozen=True)
class Summary:
    reports: int
    status: dict[str, int]
    flows: list[Total]
    outcomes: list[Total]
    outcome_reports: int        # reports with 办理结果总计 and every outcome group numeric
    outcome_base: float         # their 办理结果总计
    appeals: list[AppealTotal]

    @property
    def passing_share(self) -> float | None:
        return 100 * self.status.get("pass", 0) / self.reports if self.reports else None


def sum_of(figures: Iterable[Figure]) -> tuple[float, int]:
    """The total of the numeric figures and how many there were."""
    values = [f.value for f in figures if f.value is not None]
    return sum(values), len(values)


def flow_totals(records: Sequence[Record]) -> list[Total]:
    return [Total(label, *sum_of(flow(r, key) for r in records)) for key, label in FLOWS]


def outcome_totals(records: Sequence[Record]) -> tuple[list[Total], int, float]:
    """Shares of 办理结果总计, over the reports whose whole outcome breakdown is numeric (so shares compare)."""
    rows = [(flow(r, "total_processed"), [outcome(r, key) for key, _l in OUTCOMES]) for r in records]
    complete = [(base, groups) for base, groups in rows
                if base.value is not None and all(g.value is not None for g in groups)]
    base = sum(b.value or 0 for b, _g in complete)
    totals = []
    for index, (_key, label) in enumerate(OUTCOMES):
        value = sum(groups[index].value or 0 for _b, groups in complete)
        totals.append(Total(label, value, len(complete), 100 * value / base if base else None))
    return totals, len(complete), base


def appeal_totals(records: Sequence[Record]) -> list[AppealTotal]:
    """Per group, over the reports whose four results and total are all numbers."""
    result = []
    for group, label in APPEALS:
        columns = [key for key, _l in APPEAL_RESULTS] + ["total"]
        complete = [[appeal(r, group, c).value or 0 for c in columns] for r in records
                    if all(appeal(r, group, c).value is not None for c in columns)]
        sums = [sum(row[i] for row in complete) for i in range(len(columns))]
        result.append(AppealTotal(label, tuple(sums[:-1]), sums[-1], len(complete)))
    return result


def summarise(records: Sequence[Record]) -> Summary:
    status = {s: sum(1 for r in records if r.status == s) for s in ("pass", "warn", "fail")}
    outcomes, outcome_reports, base = outcome_totals(records)
    return Summary(len(records), status, flow_totals(records), outcomes, outcome_reports, base,
                   appeal_totals(records))
