"""The five seed reports parse exactly: whole records compared with the files in tests/expected/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gknb.corpus.pipeline import read_report
from gknb.model.record import Record

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "content").glob("*.txt"))
CASES = sorted((ROOT / "tests" / "cases").glob("*.txt"))


def parsed(name: str) -> Record:
    path = ROOT / "content" / name
    return read_report(path, display_path=path.relative_to(ROOT).as_posix())


def findings(record: Record) -> set[tuple[str, str]]:
    return {(f.check, cell) for f in record.findings for cell in (f.cells or ("",))}


@pytest.mark.parametrize("seed", SEEDS + CASES, ids=lambda p: p.stem)
def test_whole_record_matches_expected(seed: Path) -> None:
    expected = json.loads((ROOT / "tests" / "expected" / f"{seed.stem}.json").read_text(encoding="utf-8"))
    actual = read_report(seed, display_path=seed.relative_to(ROOT).as_posix()).to_dict()
    assert json.loads(json.dumps(actual, ensure_ascii=False)) == expected


def test_xiaye_2021_reads_table_two_and_lacks_fee_statement() -> None:
    record = parsed("下冶镇人民政府-2021.txt")
    assert (record.agency["name"], record.year, record.template) == ("下冶镇人民政府", 2021, "2021")
    assert [record.cell(f"active.normative_docs.{c}").value for c in ("issued", "repealed", "in_force")] == [1, 1, 1]
    assert record.cell("active.penalty.decisions").value == 4
    assert record.cell("active.coercion.decisions").value == 5
    assert {f.check for f in record.findings} == {"fee_statement"}
    assert record.status == "warn"


def test_zhupu_2023_keeps_blank_cells_blank() -> None:
    record = parsed("柱濮镇-2023.txt")
    assert record.doc_number == "柱政发〔2024〕3号"
    assert record.published == "2024-01-24"
    assert record.year == 2023 and record.agency["name"] == "柱濮镇"
    granted = record.tables["applications"]["granted"]
    assert [c.state.value for c in granted.values()] == ["blank"] * 6 + ["ok"]
    assert granted["total"].value == 0
    review = record.tables["review_litigation"]["review"]
    assert {c.state.value for c in review.values()} == {"blank"}
    assert record.cell("review_litigation.litigation_after_review.total").value == 0
    assert ("completeness", "applications.granted.natural_person") in findings(record)
    assert "fee_statement" not in {f.check for f in record.findings}
    assert record.section_text("other_matters") == "本机关 2023 年度未收取政府信息公开信息处理费。"


def test_huining_2021_is_untitled_old_template_with_garbled_cell() -> None:
    record = parsed("会宁县乡村振兴局-2021.txt")
    assert record.agency == {"name": "会宁县乡村振兴局", "type": "县级部门"}  # name from the sidecar
    assert (record.year, record.template) == (2021, "2019")
    garbled = record.cell("applications.not_processed.petition.total")
    assert (garbled.value, garbled.state.value, garbled.raw) == (None, "garbled", "0 0")
    assert record.cell("applications.not_processed.petition.natural_person").value == 0
    assert record.cell("active.regulations.new_made").state.value == "missing"
    assert record.cell("active.procurement.amount").value == 0
    assert record.cell("applications.other.total").value == 0
    checks = {f.check for f in record.findings}
    assert {"old_template", "completeness", "fee_statement"} <= checks
    assert record.status == "fail"
    assert "year" in record.inferred


def test_xingcun_2020_two_line_title_and_2019_template_passes() -> None:
    record = parsed("海阳市行村镇人民政府-2020.txt")
    assert (record.agency["name"], record.year, record.template) == ("海阳市行村镇人民政府", 2020, "2019")
    assert record.cell("applications.unable.needs_creation.total").value == 0
    assert record.cell("active.other_services.decisions").value == 0
    assert record.findings == [] and record.status == "pass"
    assert record.region == {"province": "山东省", "city": "烟台市", "county": "海阳市", "town": "行村镇",
                             "code": "370687108000"}


def test_duandian_2022_one_cell_per_line_layout() -> None:
    record = parsed("段店乡-2022.txt")
    assert (record.agency["name"], record.year, record.template) == ("段店乡", 2022, "2021")
    assert record.cell("active.licensing.decisions").value == 1660
    new = record.tables["applications"]["new_received"]
    assert [c.state.value for c in new.values()] == ["blank"] * 6 + ["ok"]
    assert all(c.value == 0 and c.state.value == "ok"
               for row in record.tables["review_litigation"].values() for c in row.values())
    assert record.sections[0].text.startswith("2022年，段店乡")
    assert "[bookmark" not in json.dumps(record.to_dict(), ensure_ascii=False)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_every_seed_has_six_sections_and_complete_template(seed: Path) -> None:
    record = read_report(seed)
    assert [s.key for s in record.sections] == ["overview", "proactive", "applications",
                                                "review_litigation", "problems", "other_matters"]
    rows = record.tables["applications"]
    assert len(rows) == (25 if record.template == "2021" else 23)
    assert all(len(cols) == 7 for cols in rows.values())
    assert sum(len(cols) for cols in record.tables["review_litigation"].values()) == 15
