"""A table an office left empty in a Word or HTML report: its cells are blank, not missing.

Table 四 is one row of fifteen numbers under its headers; a body with no review or lawsuit to report
may leave that row empty (a real Word template of the report, filled in with nothing, does, and so
does the PDF Word makes of it). The readers keep a table's last row even when it is empty if only
header rows are above it (other empty rows are layout debris: read/common.kept_rows), and the
appeals reader takes exactly fifteen empty cells after the headers as that row.
"""

from __future__ import annotations

from pathlib import Path

import subprocess

import docx
import pytest

from gknb.corpus.pipeline import read_report
from gknb.model.document import LineKind
from gknb.read import office
from gknb.read.common import grid_lines

SECTIONS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")
RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
# Table 四's header rows as the official layout prints them (merged cells as their first slot).
HEADER = [["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9,
          list(RESULTS) + ["未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
          [""] * 5 + list(RESULTS) * 2]
# The start of table 二 in the 2021 layout, which names the report's template.
ACTIVE = [["第二十条第（一）项", "", "", ""], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
          ["规章", "1", "0", "5"], ["行政规范性文件", "2", "0", "7"]]


def tables(data_row: list[str] | None) -> dict[str, list[list[str]]]:
    """Section number → the rows of its table."""
    return {"二": ACTIVE, "四": HEADER + ([data_row] if data_row is not None else [])}


def html_report(data_row: list[str] | None) -> str:
    grids = {number: "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
             for number, rows in tables(data_row).items()}
    body = "".join(f"<h2>{title}</h2><p>本机关2023年度情况。</p>" + (f"<table>{grids[title[0]]}</table>" if title[0] in grids else "")
                   for title in SECTIONS)
    return f"<html><body><h1>某县民政局2023年政府信息公开工作年度报告</h1>{body}</body></html>"


def docx_report(path: Path, data_row: list[str] | None) -> None:
    document = docx.Document()
    document.add_heading("某县民政局2023年政府信息公开工作年度报告", 1)
    for title in SECTIONS:
        document.add_paragraph(title)
        document.add_paragraph("本机关2023年度情况。")
        rows = tables(data_row).get(title[0])
        if rows:
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"  # ruled, as the official tables are (and so in the PDF)
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
    document.save(str(path))


def pdf_report(path: Path, data_row: list[str] | None) -> None:
    """The DOCX report as LibreOffice prints it to PDF (ruled tables, a text layer)."""
    source = path.with_suffix(".docx")
    docx_report(source, data_row)
    subprocess.run([str(office.soffice()), "--headless", f"-env:UserInstallation={(path.parent / 'profile').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(path.parent), str(source)],
                   check=True, capture_output=True, timeout=120)


def written(tmp_path: Path, kind: str, data_row: list[str] | None) -> Path:
    path = tmp_path / f"report.{kind}"
    if kind == "html":
        path.write_text(html_report(data_row), encoding="utf-8")
    elif kind == "pdf":
        pdf_report(path, data_row)
    else:
        docx_report(path, data_row)
    return path


KINDS = ["html", "docx", pytest.param("pdf", marks=pytest.mark.skipif(
    office.soffice() is None, reason="LibreOffice is not installed (.ci/run installs it)"))]


@pytest.mark.parametrize("kind", KINDS)
def test_table_four_left_empty_reads_as_fifteen_blank_cells(tmp_path: Path, kind: str) -> None:
    record = read_report(written(tmp_path, kind, [""] * 15))
    cells = [cell for row in record.tables["review_litigation"].values() for cell in row.values()]
    assert [cell.state.value for cell in cells] == ["blank"] * 15
    assert not [f for f in record.findings if f.message.startswith("缺少表格：四")]


@pytest.mark.parametrize("kind", KINDS)
def test_table_four_filled_in_reads_its_numbers_and_one_without_its_row_is_missing(tmp_path: Path, kind: str) -> None:
    numbers = ["1", "2", "0", "3", "6"] * 3
    filled = read_report(written(tmp_path, kind, numbers))
    assert [c.value for row in filled.tables["review_litigation"].values() for c in row.values()] == [
        1, 2, 0, 3, 6] * 3
    headers_only = read_report(written(tmp_path, kind, None))
    assert {c.state.value for row in headers_only.tables["review_litigation"].values() for c in row.values()} == {"missing"}


@pytest.mark.parametrize(("rows", "kept"), [
    ([["a", "1"], ["", ""], ["b", "2"]], [["a", "1"], ["b", "2"]]),      # an empty row inside: debris
    ([["a", "b"], ["", ""]], [["a", "b"], ["", ""]]),                    # the last row, under headers: kept
    ([["a", "1"], ["", ""]], [["a", "1"]]),                              # the last row, under numbers: debris
    ([["", ""]], []),                                                    # a table of one empty row
    ([["", ""], ["", ""]], []),                                          # no text at all
    ([["a", "b"], ["", ""], ["", ""]], [["a", "b"], ["", ""]]),          # trailing debris: one row kept
])
def test_grid_lines_drop_empty_rows_but_the_last_under_headers(rows: list[list[str]], kept: list[list[str]]) -> None:
    lines = list(grid_lines(rows))
    assert all(line.kind is LineKind.GRID for line in lines)
    assert [list(line.cells) for line in lines] == kept
