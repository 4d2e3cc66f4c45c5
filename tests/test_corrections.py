"""Corrections with a trail: a sidecar's `cells:` corrects a cell (value, reason, who, when); the
checks run on the corrected value, the page shows 人工更正 with the reason and the value first read,
the data keeps both; an invalid correction rejects the report with a clear reason."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from gknb.corpus.pipeline import build_corpus, read_report
from gknb.model.errors import ReadError
from gknb.model.record import CellState
from gknb.portal.pages import generate

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "tests" / "cases" / "inconsistent-2021.txt"
SCHEMA = json.loads((ROOT / "build_tools/gknb/data/record.schema.json").read_text(encoding="utf-8"))
KEY = "applications.new_received.total"
GOOD = f"""cells:
  {KEY}: {{value: 3, reason: "原文第3页打印错误，已与报送单位核实", by: 县政务公开办张三, date: 2024-03-02}}
"""


def content_with(tmp_path: Path, sidecar: str) -> Path:
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(REPORT, content / REPORT.name)
    (content / f"{REPORT.name}.yml").write_text(sidecar, encoding="utf-8")
    return content / REPORT.name


def test_the_corrected_value_is_checked_and_the_reading_kept(tmp_path: Path) -> None:
    before = read_report(REPORT)
    after = read_report(content_with(tmp_path, GOOD))
    assert (before.cell(KEY).value, after.cell(KEY).value, after.cell(KEY).state) == (4, 3, CellState.CORRECTED)
    assert after.corrections[KEY].read == before.cell(KEY)
    # 新收 row: 3 = 3 now; the 总计 column: 3 + 1 = 4 + 0. Both findings were about that one cell.
    pairs = [{(f.check, f.cells[-1] if f.cells else "") for f in r.findings} for r in (before, after)]
    gone = pairs[0] - pairs[1]
    assert gone == {("row_total", KEY), ("balance", "applications.carried_forward.total")}
    data = after.to_dict()
    jsonschema.validate(data, SCHEMA)
    assert data["corrections"][KEY] == {"value": 3, "reason": "原文第3页打印错误，已与报送单位核实",
                                        "by": "县政务公开办张三", "date": "2024-03-02",
                                        "read": {"value": 4, "state": "ok", "raw": "4"}}
    assert data["tables"]["applications"]["new_received"]["total"] == {"value": 3, "state": "corrected", "raw": "3"}
    assert "corrections" not in before.to_dict()


def test_the_page_shows_the_correction(tmp_path: Path) -> None:
    path = content_with(tmp_path, GOOD)
    site = generate(build_corpus(path.parent), path.parent, jobs=1)
    (page,) = [text for src, text in site.pages.items() if src.startswith("reports/")]
    assert "人工更正" in page and "原文第3页打印错误，已与报送单位核实" in page
    assert "原读取为 4，更正为 <strong>3</strong>" in page
    assert 'class="cell-corrected' in page


@pytest.mark.parametrize(("cells", "reason"), [
    ("{applications.granted.totl: {value: 1, reason: r, by: b, date: 2024-01-01}}",
     "applications.granted.totl：未知的单元格"),
    (f"{{{KEY}: {{value: 三, reason: r, by: b, date: 2024-01-01}}}}", f"{KEY}：value 应为数字，实为 '三'"),
    ("{active.procurement.items: {value: 1, reason: r, by: b, date: 2024-01-01}}",
     "active.procurement.items：2021 年版表格中没有此单元格（见于 2019 年版）"),
    (f"{{{KEY}: {{value: 3, by: b, date: 2024-01-01}}}}", f"{KEY}：缺少 reason"),
    (f"{{{KEY}: {{value: 3, reason: r, date: 2024-01-01}}}}", f"{KEY}：缺少 by"),
    (f"{{{KEY}: {{value: 3.5, reason: r, by: b, date: 2024-01-01}}}}", f"{KEY}：value 应为整数（件数），实为 3.5"),
    (f"{{{KEY}: {{value: -1, reason: r, by: b, date: 2024-01-01}}}}", f"{KEY}：value 不能为负数"),
    (f"{{{KEY}: {{value: 3, reason: r, by: b, date: 昨天}}}}", f"{KEY}：date 应为 YYYY-MM-DD 日期"),
    (f"{{{KEY}: 3}}", f"{KEY}：应为 {{value, reason, by, date}}"),
    ("[1, 2]", "cells 应为 {单元格键名: {value, reason, by, date}}"),
])
def test_an_invalid_correction_rejects_the_report(tmp_path: Path, cells: str, reason: str) -> None:
    path = content_with(tmp_path, f"cells: {cells}\n")
    with pytest.raises(ReadError) as error:
        read_report(path)
    assert error.value.reason.startswith("单元格更正有误：") and reason in error.value.reason
    corpus = build_corpus(path.parent)
    assert not corpus.records and reason in corpus.rejected[0].reason
