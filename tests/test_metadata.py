"""Sidecar metadata, region and body type wired into the record."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gknb.corpus.pipeline import build_corpus, read_report
from gknb.model.errors import ReadError

ROOT = Path(__file__).resolve().parent.parent
HUINING = ROOT / "content" / "会宁县乡村振兴局-2021.txt"

SEED_REGIONS = {
    "下冶镇人民政府-2021.txt": ("河南省", "济源市", "下冶镇", "乡镇"),
    "柱濮镇-2023.txt": ("山西省", "孝义市", "柱濮镇", "乡镇"),
    "会宁县乡村振兴局-2021.txt": ("甘肃省", "会宁县", None, "县级部门"),
    "海阳市行村镇人民政府-2020.txt": ("山东省", "海阳市", "行村镇", "乡镇"),
    "段店乡-2022.txt": ("山西省", "尧都区", "段店乡", "乡镇"),
}


@pytest.mark.parametrize("name", sorted(SEED_REGIONS))
def test_seed_region_and_type(name: str) -> None:
    record = read_report(ROOT / "content" / name)
    province, county, town, kind = SEED_REGIONS[name]
    assert (record.region["province"], record.region["county"], record.region["town"]) == (province, county, town)
    assert record.agency["type"] == kind
    assert record.region["code"] and len(record.region["code"]) == 12
    assert "agency.type" in record.inferred and "region.code" in record.inferred


def test_untitled_report_without_sidecar_keeps_what_text_supports(tmp_path: Path) -> None:
    copy = tmp_path / "untitled.txt"
    shutil.copy(HUINING, copy)
    record = read_report(copy)
    assert record.agency == {"name": None, "type": "县级部门"}  # 我局 + 县委县政府
    assert (record.region["county"], record.region["town"]) == ("会宁县", None)  # “会宁乡村振兴” in the text


def test_sidecar_values_win_and_are_not_marked_inferred(tmp_path: Path) -> None:
    copy = tmp_path / "report.txt"
    shutil.copy(HUINING, copy)
    (tmp_path / "report.txt.yml").write_text(
        "agency: 会宁县乡村振兴局\ntype: 县级部门\nregion: '620422'\nyear: 2021\npublished: 2022-01-20\n"
        "source_url: https://www.huining.gov.cn/\n", encoding="utf-8")
    record = read_report(copy)
    assert record.region["code"] == "620422000000" and record.region["city"] == "白银市"
    assert record.published == "2022-01-20" and record.source["url"] == "https://www.huining.gov.cn/"
    assert not {"year", "agency.type", "region.code", "region.county"} & set(record.inferred)
    assert not any(f.check == "deadline" for f in record.findings)  # 20 Jan is within a department's deadline


def test_sidecar_by_stem_and_region_by_names(tmp_path: Path) -> None:
    copy = tmp_path / "report.txt"
    shutil.copy(HUINING, copy)
    (tmp_path / "report.yml").write_text("region: 甘肃省白银市会宁县\n", encoding="utf-8")
    assert read_report(copy).region["code"] == "620422000000"


@pytest.mark.parametrize("sidecar, words", [
    ("agency: [unclosed\n", "无法解析"),
    ("- a list\n- not a mapping\n", "键值映射"),
    ("type: 村委会\n", "type"),
    ("year: next\n", "year"),
    ("region: 火星省\n", "region"),
    ("colour: red\n", "未知字段"),
])
def test_malformed_sidecar_rejects_that_report_only(tmp_path: Path, sidecar: str, words: str) -> None:
    shutil.copy(HUINING, tmp_path / "bad.txt")
    shutil.copy(ROOT / "content" / "段店乡-2022.txt", tmp_path / "good.txt")
    (tmp_path / "bad.txt.yml").write_text(sidecar, encoding="utf-8")
    with pytest.raises(ReadError):
        read_report(tmp_path / "bad.txt")
    corpus = build_corpus(tmp_path)
    assert corpus.inputs == 2 and len(corpus.records) == 1
    (rejection,) = corpus.rejected
    assert rejection.path == "bad.txt" and words in rejection.reason


def test_markdown_front_matter_is_a_sidecar(tmp_path: Path) -> None:
    text = HUINING.read_text(encoding="utf-8")
    (tmp_path / "report.md").write_text("---\nagency: 会宁县乡村振兴局\n---\n" + text, encoding="utf-8")
    record = read_report(tmp_path / "report.md")
    assert record.agency["name"] == "会宁县乡村振兴局" and record.region["county"] == "会宁县"


def test_region_ambiguous_is_reported_not_guessed(tmp_path: Path) -> None:
    text = (ROOT / "content" / "段店乡-2022.txt").read_text(encoding="utf-8").replace("段店乡", "城关镇")
    (tmp_path / "chengguan.txt").write_text(text, encoding="utf-8")
    record = read_report(tmp_path / "chengguan.txt")
    assert record.region["town"] is None
    assert [f.check for f in record.findings if f.check == "region_ambiguous"] == ["region_ambiguous"]
