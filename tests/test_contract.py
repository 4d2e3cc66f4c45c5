"""The record JSON is a public contract: every record the parser emits validates against the schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from gknb.corpus.pipeline import read_report

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "build_tools" / "gknb" / "data" / "record.schema.json").read_text(encoding="utf-8"))
REPORTS = sorted((ROOT / "content").glob("*.txt")) + sorted((ROOT / "tests" / "cases").glob("*.txt"))


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.name)
def test_record_validates_against_schema(report: Path) -> None:
    record = json.loads(json.dumps(read_report(report).to_dict(), ensure_ascii=False))
    jsonschema.validate(record, SCHEMA)


def test_schema_rejects_a_cell_that_invents_a_number() -> None:
    record = json.loads(json.dumps(read_report(REPORTS[0]).to_dict()))
    record["tables"]["applications"]["new_received"]["total"] = {"value": 0, "state": "blank", "raw": ""}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record, SCHEMA)


def test_cli_parse_prints_one_json_line_per_file(capsys: pytest.CaptureFixture[str]) -> None:
    from gknb.cli import main

    assert main(["parse", *map(str, REPORTS[:2])]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [json.loads(line)["source"]["sha256"] for line in lines] == [
        read_report(p).source["sha256"] for p in REPORTS[:2]]


def test_cli_check_exits_1_on_errors_and_names_cells(capsys: pytest.CaptureFixture[str]) -> None:
    from gknb.cli import main

    assert main(["check", str(ROOT / "tests" / "cases" / "inconsistent-2021.txt")]) == 1
    out = capsys.readouterr().out
    assert "申请数量勾稽关系（balance）" in out and "表三 · 一、本年新收政府信息公开申请数量 · 总计" in out
    assert main(["check", str(ROOT / "content" / "海阳市行村镇人民政府-2020.txt")]) == 0
