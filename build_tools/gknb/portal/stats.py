"""Key figures of one report and totals over many: the numbers behind the body timelines and the
region and year summaries.

Only numeric cells count (state `ok` or `recovered`): a blank, 不适用, garbled or missing cell is
never read as 0, so a figure built from several cells is a number only when all of them are, and
every total says how many reports it counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from gknb.model.record import CellState, Record
from gknb.portal.render import layout_for, printed_rows
from gknb.model.official_tables import APPEAL_COLUMNS

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
    keys = [r.key for r in printed_rows(record, table) if r.key == group or r.key.startswith(group + ".")]
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


@dataclass(frozen=True)
class Figures:
    """What the summaries need of one report, read once (a summary is built for every region level)."""
    status: str
    flows: tuple[Figure, ...]                  # FLOWS order
    outcomes: tuple[Figure, ...]               # OUTCOMES order
    appeals: tuple[tuple[Figure, ...], ...]    # APPEALS order; APPEAL_RESULTS then total


def figures_of(record: Record) -> Figures:
    columns = [key for key, _l in APPEAL_RESULTS] + ["total"]
    return Figures(record.status, tuple(flow(record, key) for key, _l in FLOWS),
                   tuple(outcome(record, key) for key, _l in OUTCOMES),
                   tuple(tuple(appeal(record, group, c) for c in columns) for group, _l in APPEALS))


def sum_of(figures: Iterable[Figure]) -> tuple[float, int]:
    """The total of the numeric figures and how many there were."""
    values = [f.value for f in figures if f.value is not None]
    return sum(values), len(values)


def numeric(figures: Iterable[Figure]) -> bool:
    return all(f.value is not None for f in figures)


def flow_totals(reports: Sequence[Figures]) -> list[Total]:
    return [Total(label, *sum_of(r.flows[index] for r in reports)) for index, (_k, label) in enumerate(FLOWS)]


def outcome_totals(reports: Sequence[Figures]) -> tuple[list[Total], int, float]:
    """Shares of 办理结果总计, over the reports whose whole outcome breakdown is numeric (so shares compare)."""
    processed = [key for key, _l in FLOWS].index("total_processed")
    complete = [r for r in reports if numeric([r.flows[processed], *r.outcomes])]
    base = sum(r.flows[processed].value or 0 for r in complete)
    totals = []
    for index, (_key, label) in enumerate(OUTCOMES):
        value = sum(r.outcomes[index].value or 0 for r in complete)
        totals.append(Total(label, value, len(complete), 100 * value / base if base else None))
    return totals, len(complete), base


def appeal_totals(reports: Sequence[Figures]) -> list[AppealTotal]:
    """Per group, over the reports whose four results and total are all numbers."""
    result = []
    for index, (_group, label) in enumerate(APPEALS):
        complete = [r.appeals[index] for r in reports if numeric(r.appeals[index])]
        sums = [sum(row[i].value or 0 for row in complete) for i in range(len(APPEAL_RESULTS) + 1)]
        result.append(AppealTotal(label, tuple(sums[:-1]), sums[-1], len(complete)))
    return result


def summarise(reports: Sequence[Figures]) -> Summary:
    status = {s: sum(1 for r in reports if r.status == s) for s in ("pass", "warn", "fail")}
    outcomes, outcome_reports, base = outcome_totals(reports)
    return Summary(len(reports), status, flow_totals(reports), outcomes, outcome_reports, base,
                   appeal_totals(reports))
