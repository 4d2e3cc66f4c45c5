"""What search knows besides the text: name forms, region filters to the county in code order, the
body list for suggestions, and section lines that are flattened table rows (kept out of snippets)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gknb.corpus.pipeline import Corpus, build_corpus
from gknb.model.record import Cell, CellState, Finding, Record, Severity
from gknb.portal.pages import generate
from gknb.portal.search_terms import (BODIES_FILE, TERMS_FILE, bare_name, name_aliases, region_filters,
                                      table_residue)
from test_render import html_of, record, report_markdown

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("name", "forms"), [
    ("柱濮镇", ["柱濮镇人民政府", "柱濮镇政府"]),
    ("柱濮镇人民政府", ["柱濮镇", "柱濮镇政府"]),
    ("下冶镇政府", ["下冶镇", "下冶镇人民政府"]),
    ("城关街道", ["城关街道办事处", "城关街道办"]),
    ("城关街道办事处", ["城关街道", "城关街道办"]),
    ("会宁县乡村振兴局", []),
    ("海阳市人民政府", ["海阳市", "海阳市政府"]),
    ("人民政府", []),
    (None, []),
])
def test_a_body_name_has_its_long_and_short_forms(name: str | None, forms: list[str]) -> None:
    assert name_aliases(name) == forms


def test_only_a_unit_name_loses_its_suffix() -> None:
    assert bare_name("柱濮镇人民政府") == "柱濮镇"
    assert bare_name("扬中市财政局") == "扬中市财政局"
    assert bare_name("市政府") == "市政府"         # no name left before the suffix


def region(code: str) -> Record:
    return record(region={"province": None, "city": None, "county": None, "town": None, "code": code})


def test_region_filters_go_down_to_the_county_named_with_its_city() -> None:
    assert region_filters(region("141181106000")) == {
        "province": ("山西省", "14"), "city": ("吕梁市", "1411"), "county": ("吕梁市孝义市", "141181")}
    # 朝阳区 is in 北京市 and in 长春市: the county filter tells them apart; 北京's 市辖区 is no city.
    assert region_filters(region("110105000000")) == {"province": ("北京市", "11"), "county": ("北京市朝阳区", "110105")}
    assert region_filters(region("220104000000"))["county"] == ("长春市朝阳区", "220104")
    assert region_filters(region("320000000000")) == {"province": ("江苏省", "32")}
    assert region_filters(region("")) == {}


def test_the_published_terms_list_regions_in_code_order() -> None:
    records = [region(code) for code in ("620422000000", "141181000000", "320000000000", "110105000000")]
    site = generate(Corpus(inputs=len(records), records=records), Path("/nonexistent"))
    terms = json.loads(site.data[TERMS_FILE])
    assert list(terms["regions"]["province"]) == ["北京市", "山西省", "江苏省", "甘肃省"]  # codes 11, 14, 32, 62
    assert terms["regions"]["county"] == {"北京市朝阳区": "110105", "吕梁市孝义市": "141181", "白银市会宁县": "620422"}
    assert "人民政府" in terms["suffixes"]


def test_report_pages_carry_city_and_county_filters_and_the_name_forms() -> None:
    seeds = build_corpus(ROOT / "content")
    site = generate(seeds, ROOT / "content")
    page = next(text for path, text in site.pages.items() if path.startswith("reports/") and "body:柱濮镇" in text)
    tree = html_of(page)
    filters = [s.get("data-pagefind-filter") for s in tree.iter("span") if s.get("data-pagefind-filter")]
    assert filters[:3] == ["province:山西省", "city:吕梁市", "county:吕梁市孝义市"]
    terms = tree.find(".//p[@class='gknb-search-terms']")
    assert terms is not None and terms.get("hidden") is not None
    assert terms.text_content().startswith("柱濮镇、柱濮镇人民政府、柱濮镇政府 · 山西省吕梁市孝义市柱濮镇 · 乡镇")
    assert tree.find(".//dl[@class='gknb-card']").get("data-pagefind-ignore") is not None
    bodies = json.loads(site.data[BODIES_FILE])["bodies"]
    assert ["柱濮镇", "山西省吕梁市孝义市柱濮镇"] in bodies and len(bodies) == len({r.agency["name"] for r in seeds.records})


# Lines of real reports (tests/real/pingtan2_*) whose tables a converter flattened into the text.
@pytest.mark.parametrize("line", [
    "一、本年新收政府信息公开申请数量 0 0 00 0 0 0",
    "（七）总计 0 0 00 0 0 0",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形） 0 0 00 0 0 0",
    "（有关情况附表）行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉结果维持结果纠正"
    "其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计 00 00 0 0 0 000 00 0 00",
    "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
    "6324215913311357768",
])
def test_flattened_table_rows_are_table_residue(line: str) -> None:
    assert table_residue(line)


@pytest.mark.parametrize("line", [
    "（二）主动公开情况。全年通过政府门户网站主动公开99条政策，其中，政策、规范性文件类信息5条，民政扶贫救灾社会保障就业类信息11条。",
    "本报告所列数据的统计期限自2024年1月1日起至2024年12月31日止。",
    "（地址：平潭县岚城乡中湖村岚湖庄1号，邮编：350400，电话：0591—86177916，传真：0591—86177916）。",
    "本年度共收到行政复议 2 件。",
])
def test_sentences_with_numbers_are_text(line: str) -> None:
    assert not table_residue(line)


def test_table_residue_is_shown_but_not_indexed() -> None:
    rec = record()
    rec.sections[2].text = "本年度收到申请3件。\n（七）总计 0 0 00 0 0 0"
    tree = html_of(report_markdown(rec))
    shown = [(p.text_content(), p.get("data-pagefind-ignore")) for p in tree.iterfind(".//div[@class='gknb-text']/p")]
    assert ("本年度收到申请3件。", None) in shown
    assert ("（七）总计 0 0 00 0 0 0", "") in shown


def read_whole_applications() -> Record:
    """The test record with table 三 read whole: every cell a number read in place, no finding on it."""
    rec = record(findings=[])
    for row in rec.tables["applications"].values():
        for key in row:
            row[key] = Cell(1, CellState.OK, "1")
    rec.sections[2].text = "本年度收到申请3件。\n（六）其他处理 0 0 0 0 0 0 0\n（七）总计 0 0 1 0 0 0 1"
    return rec


def shown_paragraphs(rec: Record) -> list[str]:
    tree = html_of(report_markdown(rec))
    return [p.text_content() for p in tree.findall(".//div[@data-section='applications']/p")]


def test_the_rows_of_a_table_read_whole_are_left_off_its_section() -> None:
    assert shown_paragraphs(read_whole_applications()) == ["本年度收到申请3件。"]


@pytest.mark.parametrize("state", [CellState.RECOVERED, CellState.GARBLED, CellState.AMBIGUOUS, CellState.MISSING])
def test_the_rows_stay_beside_a_table_with_a_cell_not_read_as_written(state: CellState) -> None:
    rec = read_whole_applications()
    rec.tables["applications"]["partial"]["total"] = Cell(None, state, "")
    assert len(shown_paragraphs(rec)) == 2


def test_the_rows_stay_beside_a_table_a_finding_names() -> None:
    rec = read_whole_applications()
    rec.findings = [Finding("balance", Severity.ERROR, "不平衡", ("applications.partial.total",))]
    assert len(shown_paragraphs(rec)) == 2


def test_a_run_of_table_rows_is_one_block_a_line_each() -> None:
    rec = record()
    rec.sections[2].text = "本年度收到申请3件。\n（六）其他处理 0 0 0 0 0 0 0\n（七）总计 0 0 1 0 0 0 1\n说明<b>。\n四、结转 0 0 0 0 0 0 0"
    tree = html_of(report_markdown(rec))
    blocks = tree.findall(".//div[@data-section='applications']/p")
    assert [(p.get("class"), [p.text or ""] + [br.tail or "" for br in p.iterfind("br")]) for p in blocks] == [
        (None, ["本年度收到申请3件。"]),
        ("gknb-tabletext", ["（六）其他处理 0 0 0 0 0 0 0", "（七）总计 0 0 1 0 0 0 1"]),
        (None, ["说明<b>。"]),
        ("gknb-tabletext", ["四、结转 0 0 0 0 0 0 0"])]
