"""The checks run on every record: one small function per check, in one explicit registry.

Each check yields `Finding`s carrying its stable id (SPEC.md "Checks"), a severity, a message
in Chinese naming the cells and the numbers, and the dotted keys of the cells involved
(frictionless-py: typed errors with a stable id and a message template).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterable, Iterator

from gknb.parse.statements import statements
from gknb.model.record import Cell, CellState, Finding, Record, Severity
from gknb.model.official_tables import APPLICANTS, APPEAL_COLUMNS, APPEAL_GROUPS, OUTCOME_ROWS_2019, OUTCOME_ROWS_2021, SECTIONS, TEMPLATES

CheckFunction = Callable[[Record], Iterator[Finding]]


@dataclass(frozen=True)
class Check:
    id: str
    severity: Severity
    title: str
    function: CheckFunction


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


def fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def has_table(record: Record, table: str) -> bool:
    return any(cell.state is not CellState.MISSING
               for row in record.tables.get(table, {}).values() for cell in row.values())


# ---- 勾稽关系 printed in the tables ---------------------------------------------------------------

def check_balance(record: Record) -> Iterator[Finding]:
    """Table 三 header: 第一项加第二项之和，等于第三项加第四项之和 (per column)."""
    for column in APPLICANTS:
        keys = [f"applications.{row}.{column.key}"
                for row in ("new_received", "carried_over", "total_processed", "carried_forward")]
        found = values(record, keys)
        if found is None:
            continue
        received, carried, processed, forward = found
        if received + carried != processed + forward:
            yield Finding("balance", Severity.ERROR,
                          f"“{column.label}”列：本年新收 {fmt(received)} + 上年结转 {fmt(carried)} = "
                          f"{fmt(received + carried)}，但办理结果总计 {fmt(processed)} + 结转下年度 "
                          f"{fmt(forward)} = {fmt(processed + forward)}", tuple(keys))


APPLICATION_ROW_LABELS = {r.key: r.label for t in TEMPLATES.values() for r in t[1].rows}


def check_row_total(record: Record) -> Iterator[Finding]:
    """Table 三 layout: the six applicant columns of a row add up to its 总计."""
    parts = [c.key for c in APPLICANTS[:-1]]
    for row_key in record.tables.get("applications", {}):
        keys = [f"applications.{row_key}.{c}" for c in [*parts, "total"]]
        found = values(record, keys)
        if found is None:
            continue
        total, listed = found[-1], sum(found[:-1])
        if listed != total:
            yield Finding("row_total", Severity.ERROR,
                          f"“{APPLICATION_ROW_LABELS.get(row_key, row_key)}”行：各类申请人合计 {fmt(listed)}，但总计栏为 {fmt(total)}", tuple(keys))


def outcome_rows(record: Record) -> tuple[str, ...]:
    """The outcome rows the report prints: a 2021 table may carry one merged （六） row instead of three."""
    if record.template != "2021" or "other" in record.tables.get("applications", {}):
        return OUTCOME_ROWS_2019
    return OUTCOME_ROWS_2021


def check_outcome_total(record: Record) -> Iterator[Finding]:
    """Each request has exactly one outcome: （七）总计 = （一）…（六） summed, per column."""
    rows = outcome_rows(record)
    for column in APPLICANTS:
        keys = [f"applications.{row}.{column.key}" for row in rows]
        total_key = f"applications.total_processed.{column.key}"
        found = values(record, [*keys, total_key])
        if found is None:
            continue
        listed, total = sum(found[:-1]), found[-1]
        if listed != total:
            yield Finding("outcome_total", Severity.ERROR,
                          f"“{column.label}”列：各办理结果合计 {fmt(listed)}，但（七）总计为 {fmt(total)}",
                          (*keys, total_key))


def check_appeal_total(record: Record) -> Iterator[Finding]:
    """Table 四 layout: 结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计, per group."""
    for group, label in APPEAL_GROUPS:
        keys = [f"review_litigation.{group}.{c.key}" for c in APPEAL_COLUMNS]
        found = values(record, keys)
        if found is None:
            continue
        listed, total = sum(found[:-1]), found[-1]
        if listed != total:
            yield Finding("appeal_total", Severity.ERROR,
                          f"{label}：维持、纠正、其他、尚未审结合计 {fmt(listed)}，但总计为 {fmt(total)}", tuple(keys))


# ---- template, completeness, statements -----------------------------------------------------------

def check_old_template(record: Record) -> Iterator[Finding]:
    """国办公开办函〔2021〕30号: reports for 2021 onward use the 2021 template."""
    if record.year is not None and record.year >= 2021 and record.template == "2019":
        yield Finding("old_template", Severity.ERROR,
                      f"{record.year} 年度报告仍使用 2019 年版表格（国办公开办函〔2019〕60号），"
                      "应使用 2021 年版（国办公开办函〔2021〕30号）")


def cells_in_state(record: Record, states: set[CellState]) -> list[str]:
    return [f"{t}.{r}.{c}" for t, rows in record.tables.items() for r, cols in rows.items()
            for c, cell in cols.items() if cell.state in states]


def check_completeness(record: Record) -> Iterator[Finding]:
    """All six sections and three tables present; no blank, garbled or unresolved cell."""
    present = {s.key for s in record.sections}
    absent = [title for key, title, _p in SECTIONS if key not in present]
    if absent:
        yield Finding("completeness", Severity.WARNING, "缺少章节：" + "、".join(absent))
    if record.template in TEMPLATES:
        missing_tables = [t.title for t in TEMPLATES[record.template] if not has_table(record, t.key)]
        if missing_tables:
            yield Finding("completeness", Severity.WARNING, "缺少表格：" + "、".join(missing_tables))
    wording = {CellState.MISSING: "缺少的行", CellState.BLANK: "空白单元格",
               CellState.GARBLED: "无法识别的单元格", CellState.AMBIGUOUS: "无法确定的单元格"}
    for state, words in wording.items():
        keys = [k for k in cells_in_state(record, {state})
                if state is not CellState.MISSING or has_table(record, k.split(".")[0])]
        if keys:
            shown = "、".join(f"{k}（{record.cell(k).raw}）" if state is CellState.GARBLED else k
                             for k in keys[:8])
            more = f" 等 {len(keys)} 处" if len(keys) > 8 else ""
            yield Finding("completeness", Severity.WARNING, f"{words}：{shown}{more}", tuple(keys))


FEE_RE = re.compile(r"(信息处理费|处理费|收取.{0,12}费|收费|费用)")


def check_fee_statement(record: Record) -> Iterator[Finding]:
    """国办函〔2020〕109号 (from 2021): section 六 states whether an information processing fee was charged."""
    if record.year is not None and record.year < 2021:
        return
    if not FEE_RE.search(record.section_text("other_matters")):
        yield Finding("fee_statement", Severity.WARNING,
                      "“六、其他需要报告的事项”未说明本年度是否收取政府信息公开信息处理费")


GOVERNMENT_TYPES = {"省级政府", "市级政府", "县级政府", "乡镇", "街道", "开发区管委会"}


def check_deadline(record: Record) -> Iterator[Finding]:
    """条例 art. 49: departments publish by 31 January, governments by 31 March of the next year."""
    if record.published is None or record.year is None:
        return
    is_department = record.agency.get("type") not in GOVERNMENT_TYPES and record.agency.get("type") is not None
    due = date(record.year + 1, 1, 31) if is_department else date(record.year + 1, 3, 31)
    if date.fromisoformat(record.published) > due:
        yield Finding("deadline", Severity.WARNING,
                      f"发布日期 {record.published} 晚于法定期限 {due.isoformat()}（《条例》第四十九条）")


UNIT_LIMIT_WAN_YUAN = 10_000  # 1 亿元: beyond any one non-provincial body's fee income in a year


def check_unit(record: Record) -> Iterator[Finding]:
    """行政事业性收费 is in 万元; a figure about 10⁴ too large was most likely written in 元."""
    key = "active.fees.amount_wan_yuan"
    amount = number(record.cell(key))
    provincial = record.agency.get("type") in {"省级政府", "省级部门"}
    if amount is not None and amount >= UNIT_LIMIT_WAN_YUAN and not provincial:
        yield Finding("unit", Severity.WARNING,
                      f"行政事业性收费金额 {fmt(amount)} 万元异常偏大，可能误以“元”为单位填报", (key,))


def reading_text(reading: tuple[int, ...]) -> str:
    return "、".join(map(str, reading))


def run_cells(record: Record, key: str) -> list[str]:
    table, _, row = key.partition(".")
    rows = record.tables.get(table, {})
    chosen = {row: rows[row]} if row else rows
    return [f"{table}.{r}.{c}" for r, cols in chosen.items() for c in cols]


def check_digit_runs(record: Record) -> Iterator[Finding]:
    """Digits run together (separators lost) are split only where the table's relations allow one reading.

    Recovered rows are reported together per table; each ambiguous row with its candidate readings."""
    recovered: dict[str, list[str]] = {}
    for key, readings in record.readings.items():
        cells = run_cells(record, key)
        raw = record.cell(cells[0]).raw if cells else ""
        if len(readings) == 1:
            recovered.setdefault(key.split(".")[0], []).append(key)
        elif readings:
            shown = "；".join(reading_text(r) for r in readings[:5])
            more = f" 等 {len(readings)} 种" if len(readings) > 5 else f" 共 {len(readings)} 种"
            yield Finding("digit_runs", Severity.WARNING,
                          f"{key}：数字连写为“{raw}”，可拆分为 {shown}{more}，无法确定，未采用任何一种",
                          tuple(cells))
    for table, keys in recovered.items():
        cells = [c for key in keys for c in run_cells(record, key)]
        yield Finding("digit_runs", Severity.WARNING,
                      f"{table}：{len(keys)} 行数字连写（分隔丢失），已按勾稽关系唯一拆分，均为推断值：" + "、".join(keys[:6])
                      + (" 等" if len(keys) > 6 else ""), tuple(cells))


NARRATIVE_CELLS: dict[str, tuple[tuple[str, ...], ...]] = {
    # quantity -> readings of it the tables support (each a sum of cells); a statement matching any passes
    "received": (("applications.new_received.total",),
                 ("applications.new_received.total", "applications.carried_over.total")),
    "processed": (("applications.total_processed.total",),),
    "review": (("review_litigation.review.total",),),
    "litigation": (("review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total"),),
}
QUANTITY_WORDS = {"received": "收到申请", "processed": "办结申请", "review": "行政复议", "litigation": "行政诉讼"}


def check_narrative(record: Record) -> Iterator[Finding]:
    """Reviewers check that figures stated in the text (收到申请、办结、复议、诉讼件数) match the tables."""
    text = "\n".join(s.text for s in record.sections)
    for statement in statements(text):
        readings = [values(record, keys) for keys in NARRATIVE_CELLS[statement.quantity]]
        sums = [sum(r) for r in readings if r is not None]
        if sums and statement.value not in sums:
            keys = NARRATIVE_CELLS[statement.quantity][0]
            yield Finding("narrative", Severity.WARNING,
                          f"正文称{QUANTITY_WORDS[statement.quantity]} {statement.value} 件，表格为 {fmt(sums[0])} 件："
                          f"“{statement.sentence[:80]}”", keys)


def check_region_ambiguous(record: Record) -> Iterator[Finding]:
    """SPEC "Metadata": township names repeat (城关镇 × 88); a level the text cannot decide is left open."""
    if record.region_candidates:
        known = "".join(record.region.get(k) or "" for k in ("province", "city", "county", "town")) or "（未确定）"
        yield Finding("region_ambiguous", Severity.INFO,
                      f"地区只能确定到 {known}；候选：{'；'.join(record.region_candidates[:6])}")


CHECKS: tuple[Check, ...] = (
    Check("balance", Severity.ERROR, "申请数量勾稽关系", check_balance),
    Check("row_total", Severity.ERROR, "申请人合计", check_row_total),
    Check("outcome_total", Severity.ERROR, "办理结果合计", check_outcome_total),
    Check("appeal_total", Severity.ERROR, "复议诉讼合计", check_appeal_total),
    Check("old_template", Severity.ERROR, "使用旧版表格", check_old_template),
    Check("completeness", Severity.WARNING, "内容完整性", check_completeness),
    Check("fee_statement", Severity.WARNING, "信息处理费说明", check_fee_statement),
    Check("deadline", Severity.WARNING, "发布期限", check_deadline),
    Check("unit", Severity.WARNING, "收费金额单位", check_unit),
    Check("digit_runs", Severity.WARNING, "连写数字拆分", check_digit_runs),
    Check("narrative", Severity.WARNING, "正文与表格数字一致", check_narrative),
    Check("region_ambiguous", Severity.INFO, "地区无法唯一确定", check_region_ambiguous),
)
CHECK_TITLES = {c.id: c.title for c in CHECKS}


def run_checks(record: Record) -> list[Finding]:
    return [finding for check in CHECKS for finding in check.function(record)]
