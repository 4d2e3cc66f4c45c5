"""Excel workbooks (XlsxWriter): one per province with a row per report, its years in order. (A workbook
per report in the official layout is no longer published: ~10 KB each, mostly a workbook's fixed parts,
for numbers the report page shows in that layout and this row, the CSV and the JSON carry. A workbook per
province and year was ~9 KB of fixed parts each too, six times a province's: 1.4 KB per report of a
1,000-report site.)

Codes (region codes, report ids) are written as text, so Excel keeps their digits. The bytes are
deterministic: a fixed creation date in the workbook properties (XlsxWriter then stamps every part
of the package with it), no other clock, rows in the order given.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Iterable

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from gknb.check.registry import CHECK_TITLES
from gknb.model.record import ABOUT_WORDS, SEVERITY_WORDS, Record
from gknb.portal.dictionary import FINDING_FIELDS, METADATA_FIELDS, Field, cell_field

# Not the build's date: two builds of the same content give the same bytes.
FIXED_CREATED = datetime(2000, 1, 1)


@dataclass
class Styles:
    head: Format
    label: Format
    text: Format
    number: Format


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
    )
    return book, styles


def closed(book: xlsxwriter.Workbook, buffer: io.BytesIO) -> bytes:
    book.close()
    return buffer.getvalue()


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


@lru_cache(maxsize=4)
def workbook_fields(keys: tuple[str, ...]) -> list[Field]:
    """The columns of a province workbook: metadata, then every cell key (cell_field is not cheap)."""
    return [*METADATA_FIELDS, *map(cell_field, keys)]


def region_workbook(rows: list[dict[str, Any]], reports: list[tuple[str, Record]], keys: list[str]) -> bytes:
    """Reports of one province: a row each under Chinese titles, and their findings."""
    buffer = io.BytesIO()
    book, styles = new_workbook(buffer)
    sheet = book.add_worksheet("报告")
    fields = workbook_fields(tuple(keys))
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
    # What each column means is on the 字段说明 page (one page for every workbook): a sheet of it in
    # each workbook was two thirds of a small workbook's bytes and of its writing time.
    return closed(book, buffer)


def province_key(record: Record) -> str:
    """The workbook a report goes to: its province code (2 digits), `unknown` where not known."""
    return str(record.region.get("code") or "")[:2] or "unknown"


def year_order(record: Record) -> tuple[bool, int]:
    """A province workbook's rows: year by year, reports of no known year last."""
    return record.year is None, record.year or 0
