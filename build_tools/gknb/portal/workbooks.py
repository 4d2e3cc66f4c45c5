"""Excel workbooks (XlsxWriter): one per report in the official layout of tables 二, 三 and 四
(merged headers as printed), and one per province and year with a row per report.

Codes (region codes, report ids) are written as text, so Excel keeps their digits. The bytes are
deterministic: a fixed creation date in the workbook properties (XlsxWriter then stamps every part
of the package with it), no other clock, rows in the order given.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from gknb.check.registry import CHECK_TITLES
from gknb.model.official_tables import APPEAL_COLUMNS, APPEAL_GROUPS, APPLICANTS, OFFICIAL_TABLES, Row, Table
from gknb.model.record import ABOUT_WORDS, SEVERITY_WORDS, STATUS_WORDS, Cell, CellState, Record
from gknb.portal.dictionary import FINDING_FIELDS, METADATA_FIELDS, Field, cell_field

# Not the build's date: two builds of the same content give the same bytes.
FIXED_CREATED = datetime(2000, 1, 1)


@dataclass
class Styles:
    head: Format
    label: Format
    text: Format
    number: Format
    inferred: Format      # recovered, uncertain or corrected: a value we did not read as printed
    no_number: Format     # blank, /, garbled, missing: the source's text, never a 0
    title: Format


def new_workbook(buffer: io.BytesIO) -> tuple[xlsxwriter.Workbook, Styles]:
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"created": FIXED_CREATED, "author": "gknb", "title": "政府信息公开工作年度报告"})
    border = {"border": 1, "valign": "vcenter", "text_wrap": True}
    styles = Styles(
        head=book.add_format({**border, "bold": True, "align": "center", "bg_color": "#EDEDED"}),
        label=book.add_format(border),
        text=book.add_format({"num_format": "@"}),
        number=book.add_format({**border, "align": "right"}),
        inferred=book.add_format({**border, "align": "right", "bg_color": "#FFF1D6", "italic": True}),
        no_number=book.add_format({**border, "align": "center", "font_color": "#6A6A6A"}),
        title=book.add_format({"bold": True, "font_size": 13}),
    )
    return book, styles


def closed(book: xlsxwriter.Workbook, buffer: io.BytesIO) -> bytes:
    book.close()
    return buffer.getvalue()


def write_cell(sheet: Worksheet, row: int, col: int, cell: Cell, styles: Styles) -> None:
    """A number where the report shows one (inferred values shaded); otherwise its text, never 0."""
    if cell.value is not None and cell.state in (CellState.OK, CellState.RECOVERED, CellState.UNCERTAIN,
                                                 CellState.CORRECTED):
        style = styles.number if cell.state is CellState.OK else styles.inferred
        sheet.write_number(row, col, float(cell.value), style)
    else:
        shown = cell.raw.strip() if cell.state not in (CellState.MISSING, CellState.BLANK) else ""
        sheet.write_string(row, col, shown, styles.no_number)


# ---- one report, official layout -----------------------------------------------------------------

def write_table_2(sheet: Worksheet, top: int, table: Table, record: Record, styles: Styles) -> int:
    """Table 二: per 第二十条 item a header with the columns, then its rows (as the template prints it)."""
    row_at, last_group = top, None
    for row in table.rows:
        if (row.group, row.columns) != last_group:
            width = len(row.columns)
            sheet.merge_range(row_at, 0, row_at, width, row.group, styles.head)
            sheet.write_string(row_at + 1, 0, "信息内容", styles.head)
            for i, column in enumerate(row.columns, 1):
                sheet.write_string(row_at + 1, i, column.label, styles.head)
            row_at, last_group = row_at + 2, (row.group, row.columns)
        sheet.write_string(row_at, 0, row.label, styles.label)
        for i, column in enumerate(row.columns, 1):
            write_cell(sheet, row_at, i, record.cell(f"{table.key}.{row.key}.{column.key}"), styles)
        row_at += 1
    return row_at


RESULT_GROUP = "三、本年度办理结果"


Span = tuple[int, int, int, int, str]  # first row, first column, last row, last column, text


def label_spans(rows: tuple[Row, ...]) -> list[Span]:
    """Table 三's label cells as printed: 三、本年度办理结果 down column A beside the outcome rows,
    （三）不予公开 … down column B beside their items, each label in the columns left to it."""
    keys = [r.key for r in rows]
    first, last = keys.index("granted"), keys.index("total_processed")
    spans: list[Span] = [(k, 0, k, 2, rows[k].label) for k in range(len(rows)) if not first <= k <= last]
    spans.append((first, 0, last, 0, RESULT_GROUP))
    k = first
    while k <= last:
        group = rows[k].group
        if group == RESULT_GROUP:
            spans.append((k, 1, k, 2, rows[k].label))
            k += 1
            continue
        end = k
        while end + 1 <= last and rows[end + 1].group == group:
            end += 1
        spans.append((k, 1, end, 1, group))
        spans.extend((i, 2, i, 2, rows[i].label) for i in range(k, end + 1))
        k = end + 1
    return spans


def merge(sheet: Worksheet, r1: int, c1: int, r2: int, c2: int, text: str, style: Format) -> None:
    if (r1, c1) == (r2, c2):
        sheet.write_string(r1, c1, text, style)
    else:
        sheet.merge_range(r1, c1, r2, c2, text, style)


def write_table_3(sheet: Worksheet, top: int, table: Table, record: Record, styles: Styles) -> int:
    rows = table.printed_rows(record.tables.get("applications", {}))
    merge(sheet, top, 0, top + 2, 2, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", styles.head)
    merge(sheet, top, 3, top, 9, "申请人情况", styles.head)
    merge(sheet, top + 1, 3, top + 2, 3, APPLICANTS[0].label, styles.head)
    merge(sheet, top + 1, 4, top + 1, 8, "法人或其他组织", styles.head)
    for i, column in enumerate(APPLICANTS[1:6], 4):
        sheet.write_string(top + 2, i, column.label, styles.head)
    merge(sheet, top + 1, 9, top + 2, 9, APPLICANTS[6].label, styles.head)
    body = top + 3
    for r1, c1, r2, c2, text in label_spans(rows):
        merge(sheet, body + r1, c1, body + r2, c2, text, styles.label)
    for r, row in enumerate(rows):
        for c, column in enumerate(APPLICANTS, 3):
            write_cell(sheet, body + r, c, record.cell(f"applications.{row.key}.{column.key}"), styles)
    return body + len(rows)


def write_table_4(sheet: Worksheet, top: int, record: Record, styles: Styles) -> int:
    width = len(APPEAL_COLUMNS)
    merge(sheet, top, 0, top + 1, width - 1, "行政复议", styles.head)
    merge(sheet, top, width, top, 3 * width - 1, "行政诉讼", styles.head)
    merge(sheet, top + 1, width, top + 1, 2 * width - 1, "未经复议直接起诉", styles.head)
    merge(sheet, top + 1, 2 * width, top + 1, 3 * width - 1, "复议后起诉", styles.head)
    for g, (group, _label) in enumerate(APPEAL_GROUPS):
        for c, column in enumerate(APPEAL_COLUMNS):
            sheet.write_string(top + 2, g * width + c, column.label, styles.head)
            write_cell(sheet, top + 3, g * width + c, record.cell(f"review_litigation.{group}.{column.key}"), styles)
    return top + 4


def metadata_lines(record: Record) -> list[tuple[str, str]]:
    region = "".join(record.region.get(k) or "" for k in ("province", "city", "county", "town"))
    return [("机关名称", record.agency.get("name") or ""), ("机关类型", record.agency.get("type") or ""),
            ("地区", region), ("统计用区划代码", record.region.get("code") or ""),
            ("报告年度", str(record.year or "")), ("表格模板", record.template or ""),
            ("发布日期", record.published or ""), ("来源网址", str(record.source.get("url") or "")),
            ("输入文件", str(record.source.get("path") or "")), ("校验结论", STATUS_WORDS[record.status])]


def report_workbook(record: Record) -> bytes:
    """One report: its metadata and tables 二–四 as the template prints them; its findings."""
    buffer = io.BytesIO()
    book, styles = new_workbook(buffer)
    sheet = book.add_worksheet("年度报告")
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 2, 18)
    sheet.set_column(3, 15, 11)
    row = 0
    for name, value in metadata_lines(record):
        sheet.write_string(row, 0, name, styles.head)
        sheet.write_string(row, 1, value, styles.text)  # codes stay text
        row += 1
    sheet.write_string(row, 0, "说明：斜体底色的数字为推断（连写拆分）、待核（扫描识别）或人工更正；非数字单元格照录原文，不作 0。")
    tables = OFFICIAL_TABLES.get(record.template or "")
    if tables is not None:
        active, applications, review = tables
        row = title(sheet, row + 2, active.title, styles)
        row = write_table_2(sheet, row, active, record, styles)
        row = title(sheet, row + 1, applications.title, styles)
        row = write_table_3(sheet, row, applications, record, styles)
        row = title(sheet, row + 1, review.title, styles)
        write_table_4(sheet, row, record, styles)
    findings_sheet(book.add_worksheet("校验问题"), [("", record)], styles, with_report=False)
    return closed(book, buffer)


def title(sheet: Worksheet, row: int, text: str, styles: Styles) -> int:
    sheet.write_string(row, 0, text, styles.title)
    return row + 1


# ---- many reports: a row each --------------------------------------------------------------------

def write_value(sheet: Worksheet, row: int, col: int, field: Field, value: Any, styles: Styles) -> None:
    if value is None or value == "":
        return
    if field.type in ("integer", "number") and isinstance(value, (int, float)):
        sheet.write_number(row, col, float(value))
    else:
        sheet.write_string(row, col, str(value), styles.text)


def findings_sheet(sheet: Worksheet, reports: list[tuple[str, Record]], styles: Styles, *, with_report: bool = True) -> None:
    names = ["id", "agency.name", "year", "check", "check_title", "severity", "about", "message", "cells"]
    fields = [f for f in FINDING_FIELDS if f.name in names and (with_report or f.name not in ("id", "agency.name", "year"))]
    for c, f in enumerate(fields):
        sheet.write_string(0, c, f.title, styles.head)
    row = 1
    for report_id, record in reports:
        for finding in record.findings:
            values = {"id": report_id, "agency.name": record.agency.get("name"), "year": record.year,
                      "check": finding.check, "check_title": CHECK_TITLES.get(finding.check, finding.check),
                      "severity": SEVERITY_WORDS[finding.severity], "about": ABOUT_WORDS[finding.about],
                      "message": finding.message, "cells": "；".join(finding.cells)}
            for c, f in enumerate(fields):
                write_value(sheet, row, c, f, values[f.name], styles)
            row += 1


def region_workbook(rows: list[dict[str, Any]], reports: list[tuple[str, Record]], keys: list[str]) -> bytes:
    """Reports of one province and year: a row each (Chinese titles; a sheet explains each column)."""
    buffer = io.BytesIO()
    book, styles = new_workbook(buffer)
    sheet = book.add_worksheet("报告")
    fields = [*METADATA_FIELDS, *map(cell_field, keys)]
    for c, f in enumerate(fields):
        sheet.write_string(0, c, f.title, styles.head)
    for r, (meta, (_id, record)) in enumerate(zip(rows, reports), 1):
        for c, f in enumerate(fields):
            if c < len(METADATA_FIELDS):
                write_value(sheet, r, c, f, meta.get(f.name), styles)
            else:
                cell = record.cell(f.name)
                if cell.is_number and cell.value is not None:
                    sheet.write_number(r, c, float(cell.value))
    sheet.freeze_panes(1, 0)
    findings_sheet(book.add_worksheet("校验问题"), reports, styles)
    legend = book.add_worksheet("字段说明")
    for c, head in enumerate(("中文标题", "列名", "类型", "说明")):
        legend.write_string(0, c, head, styles.head)
    for r, f in enumerate(fields, 1):
        for c, text in enumerate((f.title, f.name, f.type, f.description)):
            legend.write_string(r, c, text)
    return closed(book, buffer)


def region_year_key(record: Record) -> str:
    """The workbook a report goes to: province code (2 digits) and year, `unknown` where not known."""
    code = str(record.region.get("code") or "")[:2] or "unknown"
    return f"{code}-{record.year or 'unknown'}"


def grouped(items: Iterable[tuple[str, Record, dict[str, Any]]]) -> dict[str, list[tuple[str, Record, dict[str, Any]]]]:
    groups: dict[str, list[tuple[str, Record, dict[str, Any]]]] = {}
    for item in items:
        groups.setdefault(region_year_key(item[1]), []).append(item)
    return dict(sorted(groups.items()))
