"""The checks of one report on its own: one small function each, declared where it is written.

Each `@check(...)` line is the check's whole declaration (id, severity, title, message template);
the function only yields `Issue`s with the values the template names and the cells involved.
The order of the portal's badges is the order of `registry.CHECKS`, not of this file.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Container, Iterable, Iterator

from gknb.check.declare import (KNOWN_YEAR, SCANNED, Issue, Requirement, Sum, check, complete_relation, has_table,
                                issue, number, table_present, values)
from gknb.model.body_types import BodyType, body_type
from gknb.model.official_tables import (cell_label, row_label, run_label, TABLE_NAMES, APPEAL_COLUMNS, APPEAL_GROUPS, APPLICANTS, OFFICIAL_TABLES, SECTIONS,
                                        Row, Table, outcome_keys)
from gknb.model.record import About, CellState, Record, Severity, split_cell_key
from gknb.model.numbers import format_number
from gknb.parse.confirm import Broken, broken_relations
from gknb.parse.statements import OUTCOMES, Statement, statements

# ---- table arithmetic (勾稽关系) -------------------------------------------------------------------

BALANCE_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")
TABLE_3 = table_present("applications", "表三（收到和处理政府信息公开申请情况）")
TABLE_4 = table_present("review_litigation", "表四（行政复议、行政诉讼情况）")


BALANCE_COLUMNS = tuple(tuple(f"applications.{row}.{column.key}" for row in BALANCE_ROWS) for column in APPLICANTS)


def balance_columns(record: Record) -> Iterator[tuple[str, ...]]:
    return iter(BALANCE_COLUMNS)


@check("balance", Severity.ERROR, "申请数量勾稽关系",
       "“{column}”列：本年新收 {received} + 上年结转 {carried} = {left}，"
       "但办理结果总计 {processed} + 结转下年度 {forward} = {right}",
       about=About.SOURCE, requires=(TABLE_3, complete_relation(balance_columns)),
       advice="核对表三该列四项数字：本年新收与上年结转之和应等于办理结果总计与结转下年度之和，改正填错的一项。",
       basis="表三表头：第一项加第二项之和，等于第三项加第四项之和")
def check_balance(record: Record) -> Iterator[Issue]:
    """Per column of table 三: 本年新收 + 上年结转 = 办理结果总计 + 结转下年度."""
    for column, keys in zip(APPLICANTS, balance_columns(record)):
        found = values(record, keys)
        if found is None:
            continue
        received, carried, processed, forward = found
        if received + carried != processed + forward:
            yield issue(*keys, column=column.label, received=received, carried=carried, left=received + carried,
                        processed=processed, forward=forward, right=processed + forward)


APPLICATION_ROW_LABELS = {r.key: r.label for tables in OFFICIAL_TABLES.values() for r in tables[1].rows}
APPLICANT_PARTS = tuple(c.key for c in APPLICANTS[:-1])


def applicant_sums(record: Record) -> Iterator[Sum]:
    return (applicant_sum(row_key) for row_key in record.tables.get("applications", {}))


@lru_cache(maxsize=1024)  # the rules are the same for every report: made once per row
def applicant_sum(row_key: str) -> Sum:
    return Sum(tuple(f"applications.{row_key}.{c}" for c in APPLICANT_PARTS), f"applications.{row_key}.total")


@check("row_total", Severity.ERROR, "申请人合计", "“{row}”行：各类申请人合计 {listed}，但总计栏为 {total}",
       about=About.SOURCE, requires=(TABLE_3, complete_relation(lambda r: (s.cells for s in applicant_sums(r)))),
       advice="核对该行各类申请人的数字与总计栏，使六类申请人之和等于总计。")
def check_row_total(record: Record) -> Iterator[Issue]:
    """Per row of table 三: the six applicant columns add up to 总计."""
    for rule in applicant_sums(record):
        broken = rule.broken(record)
        if broken:
            row_key = split_row(rule.total)
            yield issue(*rule.cells, row=APPLICATION_ROW_LABELS.get(row_key, row_key), listed=broken[0], total=broken[1])


def printed_outcome_rows(record: Record) -> tuple[str, ...]:
    """The outcome rows as the report prints them (a 2021 table may carry one merged （六） row)."""
    tables = OFFICIAL_TABLES.get(record.template or "")
    if tables is None:
        return ()
    table = tables[1]
    return printed_outcome_keys(table, printed_alternatives(table, record.tables.get("applications", {})))


@lru_cache(maxsize=256)  # asked by several checks of every report: made once for each set of alternatives
def printed_outcome_keys(table: Table, alternatives: tuple[str, ...]) -> tuple[str, ...]:
    return outcome_keys(printed_rows_with(table, alternatives))


@lru_cache(maxsize=None)  # the few official tables
def alternative_rows(table: Table) -> tuple[str, ...]:
    return tuple(row.key for row in table.rows if row.instead_of)


def printed_alternatives(table: Table, printed: Container[str]) -> tuple[str, ...]:
    """The table's outdated alternative rows that the report printed: all printed_rows depends on."""
    return tuple(key for key in alternative_rows(table) if key in printed)


@lru_cache(maxsize=256)
def printed_rows_with(table: Table, alternatives: tuple[str, ...]) -> tuple[Row, ...]:
    """table.printed_rows(printed), which depends only on the alternative rows printed."""
    return table.printed_rows(alternatives)


@lru_cache(maxsize=256)
def printed_row_keys(table: Table, alternatives: tuple[str, ...]) -> frozenset[str]:
    return frozenset(row.key for row in printed_rows_with(table, alternatives))


def split_row(key: str) -> str:
    return key.split(".", 1)[1].rsplit(".", 1)[0]


def outcome_sums(record: Record) -> Iterator[Sum]:
    return iter(outcome_rules(printed_outcome_rows(record)))


@lru_cache(maxsize=64)  # a template's printed outcome rows: a few tuples for every report
def outcome_rules(rows: tuple[str, ...]) -> tuple[Sum, ...]:
    return tuple(Sum(tuple(f"applications.{row}.{column.key}" for row in rows), f"applications.total_processed.{column.key}")
                 for column in (APPLICANTS if rows else ()))


@check("outcome_total", Severity.ERROR, "办理结果合计", "“{column}”列：各办理结果合计 {listed}，但（七）总计为 {total}",
       about=About.SOURCE, requires=(TABLE_3, complete_relation(lambda r: (s.cells for s in outcome_sums(r)))),
       advice="核对该列（一）至（六）各项办理结果与（七）总计，每件申请只计一种办理结果。",
       basis="每件申请只有一种办理结果")
def check_outcome_total(record: Record) -> Iterator[Issue]:
    """Per column of table 三: （七）总计 = the outcome rows （一）…（六） summed."""
    for column, rule in zip(APPLICANTS, outcome_sums(record)):
        broken = rule.broken(record)
        if broken:
            yield issue(*rule.cells, column=column.label, listed=broken[0], total=broken[1])


def appeal_rule(group: str) -> Sum:
    keys = [f"review_litigation.{group}.{c.key}" for c in APPEAL_COLUMNS]
    return Sum(tuple(keys[:-1]), keys[-1])


APPEAL_SUMS = tuple(appeal_rule(group) for group, _label in APPEAL_GROUPS)


def appeal_sums(_record: Record) -> Iterator[Sum]:
    return iter(APPEAL_SUMS)


@check("appeal_total", Severity.ERROR, "复议诉讼合计", {
    "": "{group}：维持、纠正、其他、尚未审结合计 {listed}，但总计为 {total}",
    "every_reading": "{group}：数字连写为“{raw}”，无论怎样拆分，维持、纠正、其他、尚未审结之和都不等于总计",
}, about=About.SOURCE, requires=(TABLE_4, complete_relation(lambda r: (s.cells for s in appeal_sums(r)))),
   advice="核对表四该组的结果维持、结果纠正、其他结果、尚未审结与总计，使四项之和等于总计。")
def check_appeal_total(record: Record) -> Iterator[Issue]:
    """Per group of table 四: 结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计."""
    for (group, label), rule in zip(APPEAL_GROUPS, appeal_sums(record)):
        broken = rule.broken(record)
        if broken:
            yield issue(*rule.cells, group=label, listed=broken[0], total=broken[1])
        elif every_reading_breaks(record.readings.get(f"review_litigation.{group}")):
            yield issue(*rule.cells, variant="every_reading", group=label, raw=record.cell(rule.total).raw)


def every_reading_breaks(readings: list[tuple[int, ...]] | None) -> bool:
    """A group split from run-together digits in several ways, none adding up (digit_runs keeps such
    a group's readings when it alone spoils every cut of the table): the report's own error."""
    return readings is not None and len(readings) > 1 and all(sum(r[:-1]) != r[-1] for r in readings)


# ---- template, completeness, statements -----------------------------------------------------------

@check("old_template", Severity.ERROR, "使用旧版表格",
       "{year} 年度报告仍使用 2019 年版表格（国办公开办函〔2019〕60号），应使用 2021 年版（国办公开办函〔2021〕30号）",
       about=About.SOURCE, requires=(KNOWN_YEAR,),
       advice="2021 年度起请按国办公开办函〔2021〕30号的新版格式填报表二至表四。",
       basis="国办公开办函〔2021〕30号")
def check_old_template(record: Record) -> Iterator[Issue]:
    """A report for 2021 or later still uses the 2019 tables."""
    if record.year is not None and record.year >= 2021 and record.template == "2019":
        yield issue(year=record.year)


def cells_in_state(record: Record, state: CellState) -> list[str]:
    return cells_in_states(record, (state,))[state]


def cells_in_states(record: Record, states: Iterable[CellState]) -> dict[CellState, list[str]]:
    """The keys of the cells in each of these states, in table order: one pass over the cells."""
    found: dict[CellState, list[str]] = {state: [] for state in states}
    for t, rows in record.tables.items():
        for r, cols in rows.items():
            for c, cell in cols.items():
                if cell.state in found:
                    found[cell.state].append(f"{t}.{r}.{c}")
    return found


# Cells our reading could not decide (`ambiguous`: digits that split several ways) are reported by
# `digit_runs`. A garbled cell (stray text, several numbers) is about our reading: the source may
# be fine where our reader lost a separator; blank cells and absent rows are what the source shows.
CELL_STATE_VARIANTS = {CellState.MISSING: "missing", CellState.BLANK: "blank", CellState.GARBLED: "garbled"}
SHOWN_CELLS = 8


@check("completeness", Severity.WARNING, "内容完整性", {
    "sections": "缺少章节：{items}", "tables": "缺少表格：{items}", "missing": "缺少的行：{items}",
    "blank": "空白单元格：{items}", "garbled": "无法识别的单元格：{items}",
}, about={"sections": About.SOURCE, "tables": About.SOURCE, "missing": About.SOURCE, "blank": About.SOURCE,
          "garbled": About.READING},
       advice="补齐缺少的章节、表格和行；没有发生的事项填 0，不要留空；无法识别的单元格请对照原件核实。")
def check_completeness(record: Record) -> Iterator[Issue]:
    """Six sections and three tables present; blank, garbled, missing cells listed."""
    present = {s.key for s in record.sections}
    absent = [title for key, title, _p in SECTIONS if key not in present]
    if absent:
        yield issue(variant="sections", items="、".join(absent))
    if record.template in OFFICIAL_TABLES:
        missing_tables = [t.title for t in OFFICIAL_TABLES[record.template] if not has_table(record, t.key)]
        if missing_tables:
            yield issue(variant="tables", items="、".join(missing_tables))
    split_runs = set(run_cell_keys(record))  # digit_runs reports those
    by_state = cells_in_states(record, CELL_STATE_VARIANTS)
    tables_present: dict[str, bool] = {}
    for state, variant in CELL_STATE_VARIANTS.items():
        keys = [k for k in by_state[state] if k not in split_runs
                and (state is not CellState.MISSING or (table_is_present(record, k.split(".")[0], tables_present)
                                                        and is_printed_row(record, k)))]
        if keys:
            yield issue(*keys, variant=variant, items=listed_cells(record, state, keys))


def table_is_present(record: Record, table: str, known: dict[str, bool]) -> bool:
    """has_table, asked once per table for the many missing cells of one report (`known` keeps the answers)."""
    if table not in known:
        known[table] = has_table(record, table)
    return known[table]


def is_printed_row(record: Record, key: str) -> bool:
    """A row the report's layout has: the three （六） sub-rows are not missing where the report
    prints the single （六）其他处理 row instead (outcome_total counts that row)."""
    table_key, row_key, _column = split_cell_key(key)
    table = next((t for t in OFFICIAL_TABLES.get(record.template or "", ()) if t.key == table_key), None)
    if table is None:
        return True
    return row_key in printed_row_keys(table, printed_alternatives(table, record.tables.get(table_key, {})))


def listed_cells(record: Record, state: CellState, keys: list[str]) -> str:
    """The cells in the table's own words: a missing row once (not its seven cells), a garbled cell
    with what it held."""
    if state is CellState.MISSING:
        rows = [row.split(".", 1) for row in dict.fromkeys(k.rsplit(".", 1)[0] for k in keys)]
        names = [row_label(table, row, record.template) for table, row in rows]
    else:
        names = []
        by_row: dict[str, list[str]] = {}
        for key in keys:
            by_row.setdefault(key.rsplit(".", 1)[0], []).append(key)
        for row, cells in by_row.items():
            table, row_key = row.split(".", 1)
            if state is CellState.BLANK and len(cells) == len(record.tables[table][row_key]) > 1:
                names.append(f"{row_label(table, row_key, record.template)}（整行）")
                continue
            names.extend(cell_label(k, record.template) + (f"（{record.cell(k).raw}）" if state is CellState.GARBLED else "")
                         for k in cells)
    more = f" 等 {len(names)} 处" if len(names) > SHOWN_CELLS else ""
    return "、".join(names[:SHOWN_CELLS]) + more


# An unknown year is judged: most reports in the corpus are for 2021 on.
FROM_2021 = Requirement("before_2021", "2021 年度以前的报告无此要求",
                        lambda record: record.year is None or record.year >= 2021)
FEE_RE = re.compile(r"(信息处理费|处理费|收取.{0,12}费|收费|费用)")
# Later reports give the fee its own part with a small table (五、信息处理费收取情况: 通知收取件数,
# 通知收取金额, 实际收取金额) instead of a sentence in 六: that table is the statement.
FEE_TABLE_RE = re.compile(r"信息处理费收取情况.{0,40}(通知收取|实际收取)")


@check("fee_statement", Severity.WARNING, "信息处理费说明",
       "“六、其他需要报告的事项”未说明本年度是否收取政府信息公开信息处理费",
       about=About.SOURCE, requires=(FROM_2021,),
       advice="在“六、其他需要报告的事项”中写明本年度是否收取信息处理费（未收取也应说明），收取的写明件数和金额。",
       basis="国办函〔2020〕109号")
def check_fee_statement(record: Record) -> Iterator[Issue]:
    """Section 六 says whether an information processing fee was charged (reports for 2021 on)."""
    if FEE_RE.search(record.section_text("other_matters")):
        return
    if not any(FEE_TABLE_RE.search(section.text) for section in record.sections):
        yield issue()


def is_department(record: Record) -> bool:
    """A body known to be a department; unknown bodies get the governments' later deadline."""
    kind = body_type(record.agency.get("type")) if record.agency.get("type") else None
    return kind is not None and not kind.is_government


PUBLISHED = Requirement("no_publication_date", "未找到发布日期（可在配套 .yml 中填写 published）",
                        lambda record: record.published is not None)


@check("deadline", Severity.WARNING, "发布期限", "发布日期 {published} 晚于法定期限 {due}（《条例》第四十九条）",
       about=About.SOURCE, requires=(KNOWN_YEAR, PUBLISHED),
       advice="部门应于次年 1 月 31 日前、政府应于次年 3 月 31 日前发布年度报告；请按期发布。",
       basis="《政府信息公开条例》第四十九条")
def check_deadline(record: Record) -> Iterator[Issue]:
    """Published by 31 Jan (departments) / 31 Mar (governments) of the next year."""
    assert record.published is not None and record.year is not None  # the requirements
    due = date(record.year + 1, 1, 31) if is_department(record) else date(record.year + 1, 3, 31)
    if date.fromisoformat(record.published) > due:
        yield issue(published=record.published, due=due.isoformat())


UNIT_LIMIT_WAN_YUAN = 10_000  # 1 亿元: beyond a county-level body's fee income in a year
# A prefecture-level government, department or zone can collect several 亿元 (平潭综合实验区: 1.9 亿元
# in 2024); 10 亿元 is beyond them. Provincial bodies are not judged.
CITY_LEVEL_LIMIT_WAN_YUAN = 100_000
CITY_LEVEL = (BodyType.CITY_GOV, BodyType.CITY_DEPT, BodyType.ZONE)


FEE_AMOUNT = "active.fees.amount_wan_yuan"


def kind_of(record: Record) -> BodyType | None:
    return body_type(record.agency.get("type")) if record.agency.get("type") else None


def is_provincial(record: Record) -> bool:
    kind = kind_of(record)
    return kind is not None and kind.is_provincial


@check("unit", Severity.WARNING, "收费金额单位", "行政事业性收费金额 {amount} 万元异常偏大，可能误以“元”为单位填报",
       about=About.SOURCE, advice="表二“本年收费金额”以万元为单位，请确认是否误填为元（元数除以 10000 即为万元）。",
       requires=(Requirement("no_fee_amount", "表二无收费金额（2019 年版表格无此栏，或单元格无数字）",
                             lambda record: number(record.cell(FEE_AMOUNT)) is not None),
                 Requirement("provincial", "省级机关收费规模大，不作判断", lambda record: not is_provincial(record)),
                 # The plausible size of a year's fees depends on who collects them: a county office
                 # or a prefecture's whole government. Without the body type there is no yardstick.
                 Requirement("no_body_type", "机关类型未识别，无从判断收费规模", lambda record: kind_of(record) is not None)))
def check_unit(record: Record) -> Iterator[Issue]:
    """行政事业性收费 in 万元 looks like it was written in 元."""
    key = FEE_AMOUNT
    amount = number(record.cell(key))
    kind = kind_of(record)
    assert amount is not None  # the requirement
    limit = CITY_LEVEL_LIMIT_WAN_YUAN if kind in CITY_LEVEL else UNIT_LIMIT_WAN_YUAN
    if amount >= limit:
        yield issue(key, amount=amount)


def reading_text(reading: tuple[int, ...]) -> str:
    return "、".join(map(str, reading))


def run_cells(record: Record, key: str) -> list[str]:
    table, _, row = key.partition(".")
    rows = record.tables.get(table, {})
    chosen = {row: rows[row]} if row else rows
    return [f"{table}.{r}.{c}" for r, cols in chosen.items() for c in cols]


SHOWN_READINGS = 5
SHOWN_ROWS = 6


def row_in_table(key: str, template: str | None) -> str:
    """A run's row named inside its table's message (`（一）予以公开`); 整表 for a whole-table run."""
    table, _, row = key.partition(".")
    return run_label(key, template).removeprefix(TABLE_NAMES.get(table, table) + " · ") if row else "整表"


def run_cell_keys(record: Record) -> list[str]:
    """The cells of every row read from run-together digits."""
    return [cell for key in record.readings for cell in run_cells(record, key)]


@check("digit_runs", Severity.WARNING, "连写数字拆分", {
    "unsplit": "{row}：数字连写为“{raw}”，没有一种拆分能满足本表的勾稽关系（报告本身的数字可能有误），未取值",
    "ambiguous": "{row}：数字连写为“{raw}”，可拆分为 {readings}，无法确定，未采用任何一种",
    "recovered": "{table}：{count} 行数字连写（分隔丢失），已按勾稽关系唯一拆分，均为推断值：{rows}",
}, about=About.READING,
   advice="表格数字在文本中连写、分隔丢失：请提供带表格的原件（DOCX、PDF 或网页），或对照原件核实拆分结果。")
def check_digit_runs(record: Record) -> Iterator[Issue]:
    """Cells whose digits ran together were split back: one reading (`recovered`) or several (`ambiguous`)."""
    recovered: dict[str, list[str]] = {}
    for key, readings in record.readings.items():
        cells = run_cells(record, key)
        raw = record.cell(cells[0]).raw if cells else ""
        if len(readings) == 1:
            recovered.setdefault(key.split(".")[0], []).append(key)
        elif not readings:
            yield issue(*cells, variant="unsplit", row=run_label(key, record.template), raw=raw)
        else:
            shown = "；".join(reading_text(r) for r in readings[:SHOWN_READINGS])
            more = f" 等 {len(readings)} 种" if len(readings) > SHOWN_READINGS else f" 共 {len(readings)} 种"
            yield issue(*cells, variant="ambiguous", row=run_label(key, record.template), raw=raw,
                        readings=shown + more)
    for table, keys in recovered.items():
        cells = [c for key in keys for c in run_cells(record, key)]
        listed = "、".join(row_in_table(key, record.template) for key in keys[:SHOWN_ROWS]) + \
            (" 等" if len(keys) > SHOWN_ROWS else "")
        yield issue(*cells, variant="recovered", table=TABLE_NAMES.get(table, table), count=len(keys), rows=listed)


NARRATIVE_CELLS: dict[str, tuple[tuple[str, ...], ...]] = {
    # quantity -> readings of it the tables support (each a sum of cells); a statement matching any passes
    "received": (("applications.new_received.total",),
                 ("applications.new_received.total", "applications.carried_over.total")),
    "processed": (("applications.total_processed.total",),),
    "review": (("review_litigation.review.total",),),
    "litigation": (("review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total"),),
}
QUANTITY_WORDS = {"received": "收到申请", "processed": "办结申请", "review": "行政复议", "litigation": "行政诉讼",
                  "partial": "部分公开", "unable": "无法提供", "not_processed": "不予处理",
                  "other": "其他处理", "carried_forward": "结转下年度"}
QUOTED_CHARACTERS = 80


def narrative_readings(record: Record, quantity: str) -> tuple[tuple[str, ...], ...]:
    """The cell sums a stated quantity may be compared with. A quantity stated per outcome
    (区分处理后公开11件，因无法提供相关信息答复2件) is the 总计 of the rows the table prints under that
    outcome (（三）不予公开 = its eight reasons; a merged （六） row counts once)."""
    if quantity not in OUTCOMES:
        return NARRATIVE_CELLS[quantity]
    rows = [row for row in (*printed_outcome_rows(record), "carried_forward")
            if row == quantity or row.startswith(quantity + ".")]
    return (tuple(f"applications.{row}.total" for row in rows),) if rows else ()


def stated_figures(record: Record) -> bool:
    """The text states a figure the tables can be compared with."""
    return any(any(values(record, keys) is not None for keys in narrative_readings(record, s.quantity))
               for s in stated(all_text(record)))


@lru_cache(maxsize=8)  # the requirement and the check read the same text of a report
def stated(text: str) -> tuple[Statement, ...]:
    return tuple(statements(text))


def all_text(record: Record) -> str:
    return "\n".join(s.text for s in record.sections)


def rows_add_up(record: Record, totals: Iterable[str]) -> bool:
    """Every row whose total these cells are adds up in itself. A stated figure is read as a sum of
    totals (新收 + 上年结转) only from rows that do: a 总计 slipped into the next row (新收 6,1,…,0 over
    结转 0,…,0,7) must not make the text's 7 agree."""
    for key in totals:
        rule = total_rule(record, key)
        if rule is not None and rule.broken(record) is not None:
            return False
    return True


APPEAL_TOTALS = {rule.total: rule for rule in APPEAL_SUMS}


def total_rule(record: Record, key: str) -> Sum | None:
    """The row rule (applicant_sums, appeal_sums) whose total is this cell, if the record has one."""
    if key in APPEAL_TOTALS:
        return APPEAL_TOTALS[key]
    table, row, column = split_cell_key(key)
    if table == "applications" and column == "total" and row in record.tables.get("applications", {}):
        return applicant_sum(row)
    return None


@check("narrative", Severity.WARNING, "正文与表格数字一致", "正文称{quantity} {stated} 件，表格为 {table} 件：“{sentence}”",
       about=About.SOURCE, advice="核对正文所述件数与表格数字，改正其中错误的一处。",
       requires=(Requirement("no_statement", "正文未陈述可与表格核对的件数", stated_figures),),
       basis="审查时核对正文与表格")
def check_narrative(record: Record) -> Iterator[Issue]:
    """Figures stated in the text (收到申请、办结、行政复议、行政诉讼 件数) match the tables; the sentence is quoted."""
    for statement in stated(all_text(record)):
        compared = narrative_readings(record, statement.quantity)
        readings = [values(record, keys) for keys in compared if len(keys) == 1 or rows_add_up(record, keys)]
        sums = [sum(r) for r in readings if r is not None]
        if sums and statement.value not in sums:
            yield issue(*compared[0], quantity=QUANTITY_WORDS[statement.quantity],
                        stated=statement.value, table=sums[0], sentence=statement.sentence[:QUOTED_CHARACTERS])


@check("region_ambiguous", Severity.INFO, "地区无法唯一确定", "地区只能确定到 {known}；候选：{candidates}",
       about=About.READING, advice="在标题或正文中写明所属县（市、区），或在配套 .yml 中填写 region（名称或区划代码）。",
       basis="SPEC “Metadata”")
def check_region_ambiguous(record: Record) -> Iterator[Issue]:
    """The region stops at the level the name and text can decide (城关镇 × 88); the candidates are listed."""
    if record.region_candidates:
        known = "".join(record.region.get(k) or "" for k in ("province", "city", "county", "town")) or "（未确定）"
        yield issue(known=known, candidates="；".join(record.region_candidates[:6]))


# ---- scanned reports ----------------------------------------------------------------------------

def relation_text(broken: Broken) -> str:
    """Where a relation fails, in the words of the arithmetic checks (row, column, group)."""
    (first, *_), right = broken.relation
    row, column = first.rsplit(".", 1)
    listed, total = format_number(broken.left, grouped=True), format_number(broken.right, grouped=True)
    if broken.table.key == "review_litigation":
        return f"{dict(APPEAL_GROUPS)[row]}：维持、纠正、其他、尚未审结合计 {listed}，总计识别为 {total}"
    if right[0].rsplit(".", 1)[0] == row:
        return f"“{APPLICATION_ROW_LABELS.get(row, row)}”行：各类申请人合计 {listed}，总计栏识别为 {total}"
    label = next((c.label for c in APPLICANTS if c.key == column), column)
    if right == (f"total_processed.{column}",):
        return f"“{label}”列：各办理结果合计 {listed}，（七）总计识别为 {total}"
    return f"“{label}”列：本年新收与上年结转之和 {listed}，办理结果总计与结转下年度之和 {total}"


@check("ocr_relation", Severity.WARNING, "扫描件数字勾稽不符",
       "{where}（由扫描件识别：报告本身的数字有误，或识别有误，请对照原件）",
       about=About.READING, requires=(SCANNED,),
       advice="对照扫描原件核对这些数字；原件有误的请改正，并尽量发布带文字层的 PDF 或 DOCX。")
def check_ocr_relation(record: Record) -> Iterator[Issue]:
    """In a scanned report, a relation the numbers as read do not satisfy. Its cells are shown as
    uncertain, so the arithmetic checks skip them: this names what failed, without deciding whose
    error it is (about our reading, then, until someone compares the original)."""
    for broken in broken_relations(record.tables, record.template):
        cells = [f"{broken.table.key}.{key}" for key in (*broken.relation[0], *broken.relation[1])]
        yield issue(*cells, where=relation_text(broken))


@check("ocr_unconfirmed", Severity.INFO, "扫描件识别待核",
       "{count} 个由扫描件识别的数字未能由成立的勾稽关系确认（表二各项没有勾稽关系），显示为待核（待）：{cells}",
       about=About.READING, requires=(SCANNED,),
       advice="标“待”的数字由扫描件识别、未经勾稽关系确认，请对照原件核对；发布带文字层的 PDF 可避免识别。")
def check_ocr_unconfirmed(record: Record) -> Iterator[Issue]:
    """OCR'd numbers shown as uncertain (parse.confirm): certain only where the tables' arithmetic confirms them."""
    keys = [f"{t}.{r}.{c}" for t, rows in record.tables.items() for r, cols in rows.items()
            for c, cell in cols.items() if cell.state is CellState.UNCERTAIN]
    if keys:
        titles = {t.key: t.title.split("、", 1)[-1] for t in OFFICIAL_TABLES.get(record.template or "", ())}
        per_table = {table: sum(1 for k in keys if k.startswith(f"{table}.")) for table in record.tables}
        listed = "，".join(f"{titles.get(t, t)} {n} 个" for t, n in per_table.items() if n)
        # No cells named: each already wears its 待 mark; framing them all again would say nothing more.
        yield issue(count=len(keys), cells=listed)
