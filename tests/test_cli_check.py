"""`gknb check` as a county 政务公开办 uses it: Chinese help with examples, files and folders,
a missing path in one line, the summary line, advice per check, text / html / json / xlsx, exit codes."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import lxml.html
import openpyxl
import pytest

from gknb.check.registry import CHECKS_BY_ID, check_report
from gknb.cli import main
from gknb.portal.office_report import Outcome, html_report

from tests.checks.reports import report

ROOT = Path(__file__).resolve().parent.parent
PASSING = ROOT / "content" / "海阳市行村镇人民政府-2020.txt"
WARNING = ROOT / "content" / "柱濮镇-2023.txt"
FAILING = ROOT / "tests" / "cases" / "inconsistent-2021.txt"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_help_is_chinese_with_examples_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["check", "--help"])
    out = capsys.readouterr().out
    assert stop.value.code == 0
    assert out.startswith("用法：gknb check")
    assert "示例：" in out and "gknb check 报送/ --format html -o 校验结果.html" in out
    assert "退出码：0 没有报告有错误" in out and "2 有文件无法读取" in out
    assert "show this help" not in out and "positional arguments" not in out


@pytest.mark.parametrize(("files", "code"), [([PASSING], 0), ([WARNING], 0), ([FAILING], 1),
                                             ([PASSING, FAILING], 1), ([PASSING, Path("无此文件.docx")], 2)])
def test_exit_codes(capsys: pytest.CaptureFixture[str], files: list[Path], code: int) -> None:
    assert run(capsys, *map(str, files))[0] == code


def test_a_folder_is_checked_recursively(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "乡镇" / "柱濮镇").mkdir(parents=True)
    shutil.copy(PASSING, tmp_path / PASSING.name)
    shutil.copy(FAILING, tmp_path / "乡镇" / "柱濮镇" / FAILING.name)
    (tmp_path / ".hidden.txt").write_text("not a report", encoding="utf-8")
    code, out, err = run(capsys, str(tmp_path))
    assert code == 1 and err == ""
    assert f"{tmp_path}/乡镇/柱濮镇/{FAILING.name}：测试县统计局 2021 年度" in out
    assert out.rstrip().splitlines()[-1] == "共 2 份：错误 1、警告 0、通过 1"


def test_a_missing_path_is_one_clear_line_never_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "无此文件.docx", str(PASSING))
    assert code == 2
    assert err == "gknb: 无此文件.docx: 文件或文件夹不存在（no such file or directory）\n"
    assert out.rstrip().splitlines()[-1] == "共 2 份：错误 0、警告 0、通过 1、无法读取 1"


def test_an_empty_folder_says_so(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _out, err = run(capsys, str(tmp_path))
    assert code == 2 and "文件夹中没有可检查的报告文件" in err


def test_each_check_with_findings_gives_its_advice_once(capsys: pytest.CaptureFixture[str]) -> None:
    _code, out, _err = run(capsys, str(FAILING))
    for check in ("balance", "row_total", "outcome_total"):
        assert out.count(f"建议：{CHECKS_BY_ID[check].advice}") == 1
    assert "（报告本身）" in out
    assert "未检查：" in out and "跨年度结转衔接（未找到同一机关上一年度的报告）" in out


def test_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, str(PASSING), str(FAILING), "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["summary"] == {"text": "共 2 份：错误 1、警告 0、通过 1", "reports": 2, "fail": 1, "warn": 0,
                               "pass": 1, "unreadable": 0}
    failing = data["reports"][1]
    assert [g["id"] for g in failing["checks"]][:3] == ["balance", "row_total", "outcome_total"]
    assert failing["checks"][0]["advice"] == CHECKS_BY_ID["balance"].advice
    assert {f["about"] for g in failing["checks"] for f in g["findings"]} == {"source"}


def test_html_format_is_a_page_an_office_can_send_on(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "校验结果.html"
    code, out, err = run(capsys, str(FAILING), "无此文件.docx", "--format", "html", "-o", str(target))
    assert code == 2 and out == ""
    assert err.splitlines()[-1] == "共 2 份：错误 1、警告 0、通过 0、无法读取 1"
    page = lxml.html.fromstring(target.read_text(encoding="utf-8"))
    assert page.findtext(".//p[@class='summary']") == "共 2 份：错误 1、警告 0、通过 0、无法读取 1"
    assert "建议：" + CHECKS_BY_ID["balance"].advice in page.text_content()
    assert "无此文件.docx" in page.text_content()
    assert not page.xpath("//script | //link | //img | //iframe")  # nothing to run, nothing fetched


def test_html_report_escapes_report_text() -> None:
    record = report({"applications.granted.total": 9}, name='<script>alert(1)</script><img src="http://x">镇人民政府')
    check_report(record)
    page = lxml.html.fromstring(html_report(Outcome([record], [])))
    assert not page.xpath("//script | //img")
    assert "<script>alert(1)</script>" in page.findtext(".//h2")


def test_xlsx_format(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "校验结果.xlsx"
    code, _out, _err = run(capsys, str(PASSING), str(FAILING), "--format", "xlsx", "-o", str(target))
    book = openpyxl.load_workbook(io.BytesIO(target.read_bytes()))
    assert code == 1 and book.sheetnames == ["汇总", "问题与建议"]
    summary = list(book["汇总"].iter_rows(min_row=2, max_row=3, values_only=True))
    assert [(row[1], row[3], row[4]) for row in summary] == [("海阳市行村镇人民政府", "通过", 0), ("测试县统计局", "错误", 6)]
    findings = list(book["问题与建议"].iter_rows(min_row=2, values_only=True))
    assert findings[0][3] == "申请数量勾稽关系" and findings[0][7] == CHECKS_BY_ID["balance"].advice
