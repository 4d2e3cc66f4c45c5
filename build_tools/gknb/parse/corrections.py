"""Cells corrected by hand in a report's sidecar, with a trail:

    cells:
      applications.granted.total: {value: 41, reason: "原文第3页打印错误，已与报送单位核实", by: 张三, date: 2024-03-02}

The corrected value replaces the cell (state `corrected`, a number the checks use); the cell as
first read is kept in `record.corrections`. A correction that cannot be right (a cell the report's
template does not have, a value that is not a number, no reason, no one who made it, no date)
rejects the report with the reason: a wrong number must not be published as a checked one.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Mapping

from gknb.model.errors import ReadError
from gknb.model.official_tables import OFFICIAL_TABLES
from gknb.model.record import Cell, CellState, Correction, Record, split_cell_key
from gknb.read.yaml_text import brief

ENTRY_KEYS = ("value", "reason", "by", "date")
TEXT_LIMITS = {"reason": 500, "by": 100}
DECIMAL_COLUMNS = ("amount_wan_yuan", "amount")   # money may have decimals; every other cell counts
SIGNED_COLUMNS = ("change",)                     # 本年增/减


def template_keys(template: str) -> set[str]:
    return {f"{t.key}.{r.key}.{c.key}" for t in OFFICIAL_TABLES[template] for r in t.rows for c in r.columns}


def key_problem(key: str, template: str | None) -> str | None:
    if template not in OFFICIAL_TABLES:
        return f"{key}：报告未识别出 2019 或 2021 年版表格，不能更正单元格"
    if key in template_keys(template):
        return None
    others = [t for t in OFFICIAL_TABLES if t != template and key in template_keys(t)]
    if others:
        return f"{key}：{template} 年版表格中没有此单元格（见于 {others[0]} 年版）"
    return f"{key}：未知的单元格（键名形如 applications.granted.total）"


def value_problem(key: str, value: Any) -> str | None:
    column = key.rsplit(".", 1)[-1]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{key}：value 应为数字，实为 {brief(value)}"
    if column not in DECIMAL_COLUMNS and not float(value).is_integer():
        return f"{key}：value 应为整数（件数），实为 {brief(value)}"
    if column not in SIGNED_COLUMNS and value < 0:
        return f"{key}：value 不能为负数"
    return None


def entry_problems(key: str, entry: Any) -> list[str]:
    if not isinstance(entry, Mapping):
        return [f"{key}：应为 {{value, reason, by, date}}"]
    problems = [f"{key}：未知字段 {k}" for k in entry if k not in ENTRY_KEYS]
    problems += [f"{key}：缺少 {k}" for k in ENTRY_KEYS if entry.get(k) in (None, "")]
    if entry.get("value") is not None:
        problems += [p for p in [value_problem(key, entry["value"])] if p]
    for field, longest in TEXT_LIMITS.items():
        text = entry.get(field)
        if text not in (None, "") and (not isinstance(text, str) or len(text) > longest):
            problems.append(f"{key}：{field} 应为不超过 {longest} 字的文本")
    when = entry.get("date")
    if when not in (None, "") and not isinstance(when, date):
        try:
            date.fromisoformat(str(when))
        except ValueError:
            problems.append(f"{key}：date 应为 YYYY-MM-DD 日期，实为 {brief(when)}")
    return problems


def correction_problems(cells: Any, template: str | None) -> list[str]:
    """Everything wrong with a sidecar's `cells:` for a report of this template."""
    if not isinstance(cells, Mapping):
        return ["cells 应为 {单元格键名: {value, reason, by, date}}"]
    problems: list[str] = []
    for key, entry in cells.items():
        problem = key_problem(str(key), template)
        problems += [problem] if problem else []
        problems += entry_problems(str(key), entry)
    return problems


def apply_corrections(record: Record, cells: Any, path: Path) -> None:
    """Put the sidecar's corrected values into the record, keeping each cell as first read."""
    if cells is None:
        return
    problems = correction_problems(cells, record.template)
    if problems:
        raise ReadError(path, "单元格更正有误：" + "；".join(problems))
    for key, entry in cells.items():
        table, row, column = split_cell_key(str(key))
        value = entry["value"] if column in DECIMAL_COLUMNS else int(entry["value"])
        record.corrections[str(key)] = Correction(value, entry["reason"], entry["by"], str(entry["date"]),
                                                  record.cell(str(key)))
        record.tables.setdefault(table, {}).setdefault(row, {})[column] = Cell(value, CellState.CORRECTED, str(value))
