"""Tiny records built directly from cell values, for the per-check case tables (no parsing)."""

from __future__ import annotations

from typing import Any, Mapping

from gknb.model.official_tables import OFFICIAL_TABLES, SECTIONS
from gknb.model.record import Cell, CellState, Record, Section, Tables

FEE_SENTENCE = "本年度未收取信息处理费。"


def cell(value: Any) -> Cell:
    """A number is `ok`; None is blank; "/" not applicable; any other text garbled."""
    if value is None:
        return Cell(None, CellState.BLANK, "")
    if isinstance(value, str):
        return Cell(None, CellState.NA if value == "/" else CellState.GARBLED, value)
    return Cell(value, CellState.OK, str(value))


def zero_tables(template: str) -> Tables:
    """Every cell of the template's standard rows at 0: a report that passes every arithmetic check."""
    return {table.key: {row.key: {c.key: cell(0) for c in row.columns} for row in table.standard_rows}
            for table in OFFICIAL_TABLES[template]}


def report(cells: Mapping[str, Any] | None = None, *, year: int = 2021, template: str = "2021",
           body_type: str | None = "县级政府", name: str = "某县人民政府", published: str | None = None,
           other_matters: str = FEE_SENTENCE, overview: str = "", path: str = "r.txt",
           drop_rows: tuple[str, ...] = (), sections: tuple[str, ...] | None = None) -> Record:
    """A report of `template` with all cells 0, these `cells` (dotted key → value) set on top."""
    tables = zero_tables(template)
    for key in drop_rows:
        table, row = key.split(".", 1)
        tables[table].pop(row)
    for key, value in (cells or {}).items():
        table, rest = key.split(".", 1)
        row, column = rest.rsplit(".", 1)
        tables.setdefault(table, {}).setdefault(row, {})[column] = cell(value)
    texts = {"overview": overview, "other_matters": other_matters}
    kept = [s for s in SECTIONS if sections is None or s[0] in sections]
    record = Record(source={"path": path, "sha256": "", "format": "txt", "encoding": "utf-8"}, year=year,
                    template=template, published=published, tables=tables,
                    sections=[Section(key, title, texts.get(key, "")) for key, title, _p in kept])
    record.agency = {"name": name, "type": body_type}
    record.region = {"province": "甘肃省", "city": "白银市", "county": "会宁县", "town": None, "code": "620422000000"}
    return record
