"""Rendering without MkDocs: escaping, text cleanup, official table layouts, links, data files, search copy."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import yaml
import markdown
import pytest
from markdown_it import MarkdownIt
from mkdocs.utils.meta import get_data

from conftest import keyed_cells

from gknb.portal.pages import bodies, entries_of, generate, link, page_url, report_page
from gknb.corpus.pipeline import Corpus, Rejection, read_report
from gknb.model.record import Cell, CellState, Finding, Record, Section, Severity
from gknb.portal.render import (GRID_BUILDERS, LIKELY_WRONG, Grid, check_views, format_number, grids, likely_wrong_cells,
                         identifier, lift_html_blocks, neutralise, numbered_findings, paragraphs, plain_title, render,
                         restore_html_blocks)
from gknb.publish.search import spaced_html, spaced_text
from gknb.portal.open_data import Published, cell_keys, csv_text, reports_csv
from gknb.model.official_tables import SECTIONS, OFFICIAL_TABLES

ATTACKS = [
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "{% for x in y %}",
    "*强调* _下划线_ **粗体**",
    "[链接](javascript:alert(1))",
    "| a | b |",
    "`代码`",
    "&lt;i&gt; & 原样",
    '" onmouseover="alert(1)',
]


ROOT = Path(__file__).resolve().parent.parent


def record(**changes: object) -> Record:
    """A 2021-template record with a few numbers, a blank, a garbled and a recovered cell."""
    tables: dict[str, dict[str, dict[str, Cell]]] = {"active": {}, "applications": {}, "review_litigation": {}}
    for table in OFFICIAL_TABLES["2021"]:
        for row in table.standard_rows:
            tables[table.key][row.key] = {c.key: Cell(1, CellState.OK, "1") for c in row.columns}
    tables["applications"]["new_received"]["total"] = Cell(95, CellState.OK, "95")
    tables["applications"]["granted"]["total"] = Cell(None, CellState.BLANK, "")
    tables["applications"]["partial"]["total"] = Cell(None, CellState.GARBLED, "0 0")
    tables["active"]["fees"]["amount_wan_yuan"] = Cell(0.35, CellState.OK, "0.35")
    tables["review_litigation"]["review"]["total"] = Cell(2, CellState.RECOVERED, "")
    base = Record(source={"path": "x-2021.txt", "sha256": "ab" * 32, "format": "txt", "encoding": "utf-8"},
                  agency={"name": "测试县人民政府", "type": "县级政府"}, year=2021, template="2021",
                  region={"province": "河南省", "city": None, "county": "济源市", "town": None, "code": "419001000000"},
                  sections=[Section(key, heading, "第一段。\n第二段。") for key, heading, _p in SECTIONS],
                  tables=tables,
                  findings=[Finding("balance", Severity.ERROR, "不平衡", ("applications.new_received.total",)),
                            Finding("fee_statement", Severity.WARNING, "未说明信息处理费")])
    for name, value in changes.items():
        setattr(base, name, value)
    return base


def report_markdown(rec: Record) -> str:
    site = generate(Corpus(inputs=1, records=[rec]), Path("/nonexistent"))
    return next(text for path, text in site.pages.items() if path.startswith("reports/"))


def html_of(markdown: str) -> lxml.html.HtmlElement:
    body = markdown.split("\n---\n", 1)[1]
    return lxml.html.fromstring(f"<div>{MarkdownIt('commonmark').render(body)}</div>")


# ---- escaping ----------------------------------------------------------------------------------

@pytest.mark.parametrize("attack", ATTACKS)
def test_neutralised_text_reads_back_as_itself(attack: str) -> None:
    html = str(neutralise(attack))
    assert "<" not in html and "{" not in html and "*" not in html and "[" not in html
    assert lxml.html.fromstring(f"<p>{html}</p>").text_content() == attack


@pytest.mark.parametrize("attack", ATTACKS)
def test_report_text_and_name_arrive_literally_on_the_page(attack: str) -> None:
    rec = record(agency={"name": f"{attack}镇", "type": "乡镇"},
                 sections=[Section("overview", "一、总体情况", f"前{attack}后")])
    page = html_of(report_markdown(rec))
    assert not page.xpath("//script|//a[starts-with(@href,'javascript')]")
    assert not page.xpath("(//h1|//div[@data-section])//*[not(self::p)]")   # no markup made from the text
    assert f"前{attack}后" in [p.text_content() for p in page.xpath("//div[@data-section='overview']/p")]
    assert page.xpath("//h1")[0].text_content().startswith(f"{attack}镇")


def test_line_breaks_in_report_text_cannot_end_an_html_block() -> None:
    assert "\n" not in neutralise("第一段\n\n<div>第二段</div>\r\n")
    page = html_of(report_markdown(record(agency={"name": "甲\n\n乙镇", "type": "乡镇"})))
    assert page.xpath("//h1")[0].text_content().startswith("甲  乙镇")


def test_front_matter_title_carries_no_markup() -> None:
    assert plain_title('<b>"x"</b> & y\n') == "＜b＞＂x＂＜/b＞ ＆ y"
    markdown = report_markdown(record(agency={"name": "<i>镇</i>", "type": None}))
    front = markdown.split("---\n", 2)[1]
    assert "<" not in json.loads(front.split("title: ", 1)[1].split("\n", 1)[0])


def test_templates_cannot_print_unescaped_values() -> None:
    """finalize escapes every {{ }}: even a template that forgets a filter prints text, not markup."""
    page = html_of(render("rejected.md.j2", rejected=[Rejection("<x>.pdf", "{{ bad }}")], inputs=1))
    assert not page.xpath("//x")
    assert [td.text_content() for td in page.xpath("//tbody//td")] == ["<x>.pdf", "{{ bad }}"]


# ---- text cleanup ------------------------------------------------------------------------------

@pytest.mark.parametrize("trusted", ["not_run", "denied.third_party", "review litigation_direct", "2019", ""])
def test_our_identifiers_are_printed_as_they_are(trusted: str) -> None:
    assert str(identifier(trusted)) == trusted and str(neutralise(identifier(trusted))) == trusted


@pytest.mark.parametrize("untrusted", ['x" onmouseover="alert(1)', "a<b", "a&#95;b", "下冶镇", "a\nb", "a*b*", "a/b", "a#b"])
def test_anything_but_an_identifier_is_refused_the_unescaped_way(untrusted: str) -> None:
    with pytest.raises(ValueError):
        identifier(untrusted)


def test_identifiers_in_tables_and_badges_are_unescaped() -> None:
    page = report_markdown(record())
    assert 'data-row="denied.third_party"' in page and 'data-check="row_total"' in page
    assert "gknb-checks-rest--pass" in page and "&#95;" not in page


def test_converter_debris_is_removed_from_paragraphs() -> None:
    text = "正文一。[bookmark: _GoBack]\n-1-\n— 2 —\n第 3 页 共 8 页\n 3/8 \n\n正文二 -3- 之间。"
    assert paragraphs(text) == ["正文一。", "正文二 -3- 之间。"]


# ---- tables ------------------------------------------------------------------------------------

def test_grids_follow_the_template_and_count_the_cells() -> None:
    built = grids(record())
    assert {k: sum(1 for row in g.body for c in row if not c.header) for k, g in built.items()} == {
        "active": 10, "applications": 175, "review_litigation": 15}
    assert set(GRID_BUILDERS) == {t.key for t in OFFICIAL_TABLES["2021"]}


def test_2019_layout_has_its_own_rows() -> None:
    rec = record(template="2019", tables={})
    built = grids(rec)
    assert sum(1 for row in built["active"].body for c in row if not c.header) == 22
    assert all("cell-missing" in c.classes for g in built.values() for row in g.body for c in row if not c.header)
    assert built["active"].note


def test_legacy_reports_have_no_tables() -> None:
    assert grids(record(template="legacy")) == {}
    assert "没有识别出固定格式的表格" in report_markdown(record(template="legacy"))


def cells_by_key(grid: Grid) -> dict[str, tuple[str, tuple[str, ...], str]]:
    return {c.key: (c.text, c.classes, c.mark) for row in grid.body for c in row if not c.header}


def test_cells_show_state_marks_and_findings() -> None:
    cells = cells_by_key(grids(record())["applications"])
    assert cells["applications.new_received.total"] == ("95", ("cell-ok", "cell-flagged"), "")
    assert cells["applications.granted.total"][1:] == (("cell-blank",), "空")
    assert cells["applications.partial.total"][0] == "0 0"
    review = cells_by_key(grids(record())["review_litigation"])
    assert review["review_litigation.review.total"] == ("2", ("cell-recovered",), "≈")
    assert cells_by_key(grids(record())["active"])["active.fees.amount_wan_yuan"][0] == "0.35"


def test_merged_other_row_replaces_the_three_2021_rows_when_printed() -> None:
    rec = record()
    applications = rec.tables["applications"]
    for key in ("other.no_correction", "other.fee_unpaid", "other.other"):
        del applications[key]
    applications["other"] = {c.key: Cell(0, CellState.OK, "0") for c in OFFICIAL_TABLES["2021"][1].rows[0].columns}
    keys = {k.rsplit(".", 1)[0] for k in cells_by_key(grids(rec)["applications"])}
    assert "applications.other" in keys and "applications.other.other" not in keys
    assert sum(1 for row in grids(rec)["applications"].body for c in row if not c.header) == 23 * 7


def test_format_number_never_prints_exponents() -> None:
    assert [format_number(v) for v in (0, 12, 12.0, 0.35, 1234567.5, None)] == ["0", "12", "12", "0.35", "1234567.5", ""]


def test_numbers_for_people_are_grouped_by_thousands() -> None:
    assert [format_number(v, grouped=True) for v in (0, 2650, 96171.6, 1234567.5, -1234.5, -0.5, 0.35)] == [
        "0", "2,650", "96,171.6", "1,234,567.5", "-1,234.5", "-0.5", "0.35"]


# ---- checks ------------------------------------------------------------------------------------

def test_every_check_has_a_badge_and_failing_ones_their_messages() -> None:
    views = {v.id: v for v in check_views(record())}
    assert views["balance"].status == "fail" and views["balance"].findings[0]["cells"] == [
        {"key": "applications.new_received.total", "label": "表三 · 一、本年新收政府信息公开申请数量 · 总计", "likely": False}]
    assert views["fee_statement"].status == "warn"
    assert views["row_total"].status == "pass" and "carry_chain" in views


def test_the_likely_wrong_cell_is_where_row_and_column_findings_cross() -> None:
    # One wrong （七）总计 (4 for 3): its row's sum, its column's sum and the balance all name it,
    # and no other cell is named by as many findings.
    rec = read_report(ROOT / "tests" / "cases" / "inconsistent-2021.txt")
    assert likely_wrong_cells(rec) == {"applications.total_processed.total"}
    table = grids(rec)["applications"]
    marked = [c.key for row in table.body for c in row if "cell-likely" in c.classes]
    assert marked == ["applications.total_processed.total"]
    views = [f for v in check_views(rec) for f in v.findings]
    assert [f["number"] for f in views] == list(range(1, len(views) + 1))
    outcome = next(f for v in check_views(rec) if v.id == "outcome_total" for f in v.findings)
    assert outcome["cells"][0] == {"key": "applications.total_processed.total", "label": "表三 · （七）总计 · 总计",
                                   "likely": True}


def test_a_cell_names_its_findings_by_number() -> None:
    rec = read_report(ROOT / "tests" / "cases" / "inconsistent-2021.txt")
    cell = next(c for row in grids(rec)["applications"].body for c in row
                if c.key == "applications.total_processed.total")
    numbers = [n for n, f in numbered_findings(rec) if "applications.total_processed.total" in f.cells]
    assert cell.title.startswith(LIKELY_WRONG) and all(f"问题 {n}" in cell.title for n in numbers) and len(numbers) == 3


def test_the_reports_own_problems_are_listed_apart_from_reading_notes() -> None:
    rec = read_report(ROOT / "tests" / "real" / "pingtan_shehuishiyeju_2024_page.txt")
    numbered = numbered_findings(rec)
    abouts = [f.about.value for _n, f in numbered]
    assert abouts == sorted(abouts, key=["source", "reading"].index) and {"source", "reading"} <= set(abouts)
    entries = entries_of([rec])
    page = report_page(entries[0], bodies(entries))
    source, reading = page.index('data-about="source"'), page.index('data-about="reading"')
    assert source < reading and "appeal_total" in page[source:reading] and "digit_runs" in page[reading:]


def test_no_likely_cell_when_every_cell_is_named_once() -> None:
    assert likely_wrong_cells(record()) == set()


# ---- links and data ----------------------------------------------------------------------------

@pytest.mark.parametrize("source, target, expected", [
    ("index.md", "reports/ab.md", "reports/ab/"),
    ("reports/ab.md", "index.md", "../../"),
    ("reports/ab.md", "data/reports/ab.json", "../../data/reports/ab.json"),
    ("browse/region/index.md", "browse/region/41.md", "41/"),
    ("browse/region/41.md", "browse/region/index.md", "../"),
    ("browse/region/41.md", "browse/region/41.md", "./"),
])
def test_links_are_relative_so_the_site_works_under_a_sub_path(source: str, target: str, expected: str) -> None:
    assert link(source, target) == expected


def test_page_urls_are_directory_urls() -> None:
    assert [page_url(p) for p in ("index.md", "reports/x.md", "browse/type/index.md")] == ["", "reports/x/", "browse/type/"]


def test_csv_columns_are_metadata_then_every_cell_key() -> None:
    rec = record()
    keys = cell_keys([rec])
    assert keys[0] == "active.regulations.issued" and "active.procurement.amount" in keys
    rows = list(csv.reader(csv_text(reports_csv([Published("abc", rec, "reports/abc/")], keys))))
    values = dict(zip(rows[0], rows[1]))
    assert values["applications.new_received.total"] == "95"
    assert values["applications.granted.total"] == ""      # blank stays blank
    assert values["active.fees.amount_wan_yuan"] == "0.35"
    assert values["checks"] == "balance;fee_statement" and values["status"] == "fail"


# ---- search copy -------------------------------------------------------------------------------

def test_search_copy_spaces_chinese_text_but_not_attributes() -> None:
    assert spaced_text("2021年行政复议 PDF文件") == "2021年 行 政 复 议 PDF文 件"
    html = '<div data-pagefind-filter="province:河南省"><h1>下冶镇</h1>行政复议</div>'
    assert spaced_html(html) == '<div data-pagefind-filter="province:河南省"><h1>下 冶 镇</h1>行 政 复 议</div>'


# ---- timelines, summaries, linked findings -------------------------------------------------------

def pages_of(*records: Record) -> dict[str, str]:
    return generate(Corpus(inputs=len(records), records=list(records)), Path("/nonexistent")).pages


def timeline_rows(pages: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Row label → (text, class) of each year's cell, from the one timeline page."""
    page = html_of(next(text for path, text in pages.items() if path.startswith("bodies/")))
    return {tr.get("data-row"): [(td.text_content(), td.get("class") or "") for td in tr.xpath("td")]
            for tr in page.xpath("//table[@data-timeline]/tbody/tr")}


def test_timeline_shows_a_dash_not_zero_where_a_cell_is_not_a_number() -> None:
    later = record(year=2022, source={"path": "x-2022.txt", "sha256": "cd" * 32, "format": "txt", "encoding": "utf-8"})
    rows = timeline_rows(pages_of(record(), later))
    assert rows["本年新收"] == [("95", "")] * 2
    assert rows["予以公开"] == [("—", "cell-none")] * 2     # blank in the report
    assert rows["部分公开"] == [("—", "cell-none")] * 2     # garbled
    assert rows["行政复议"] == [("2≈", "cell-recovered")] * 2
    assert rows["不予公开"] == [("8", "")] * 2              # the eight rows of （三）, each 1
    assert rows["行政诉讼"] == [("2", "")] * 2              # sued directly + after review


def test_a_body_with_one_report_has_its_address_lead_to_the_report() -> None:
    """No timeline of one column (it would repeat the report page): the body's address is a page that
    leads to the report, the report page says it is the body's only one, the old hash address goes
    straight to the report; with a second year the address is the timeline again."""
    site = generate(Corpus(inputs=1, records=[record()]), Path("/nonexistent"))
    (body,) = [path for path in site.pages if path.startswith("bodies/")]
    report_src = next(path for path in site.pages if path.startswith("reports/"))
    front = site.pages[body].split("\n---\n", 1)[0]
    target = link(body, report_src)
    assert yaml.safe_load(front.split("---\n", 1)[1]) == {"template": "gknb-redirect.html", "gknb_redirect": target,
                                                          "gknb_canonical": target}
    assert target == "../../../reports/419001/测试县/2021/"
    assert html_of(site.pages[body]).xpath("//a/@href") == [target]
    page = html_of(site.pages[report_src])
    assert page.xpath("//a[contains(@class,'gknb-timeline-link')]") == []
    assert "本站只有本机关这一份报告" in page.text_content()
    assert [a.text_content() for a in page.xpath("//nav[@class='gknb-trail']/a")][-1] != "下冶镇人民政府"
    (old,) = [path for path in site.data if path.startswith("bodies/")]
    refresh = lxml.html.fromstring(site.data[old]).xpath("//meta[@http-equiv='refresh']/@content")[0]
    assert unquote(refresh.split("url=", 1)[1]) == "../../" + page_url(report_src)
    later = record(year=2022, source={"path": "x-2022.txt", "sha256": "cd" * 32, "format": "txt", "encoding": "utf-8"})
    assert "gknb-redirect" not in pages_of(record(), later)[body]


def test_timeline_puts_the_years_of_one_body_side_by_side() -> None:
    later = record(year=2022, source={"path": "x-2022.txt", "sha256": "cd" * 32, "format": "txt", "encoding": "utf-8"})
    pages = pages_of(later, record())
    assert len([p for p in pages if p.startswith("bodies/")]) == 1
    assert [t for t, _c in timeline_rows(pages)["本年新收"]] == ["95", "95"]
    page = html_of(next(text for path, text in pages.items() if path.startswith("bodies/")))
    assert [a.text_content() for a in page.xpath("//thead//a")] == ["2021 年度", "2022 年度"]


def test_cross_report_findings_link_the_other_file_and_nothing_else() -> None:
    other = '<b>"x"</b>-2020.txt'
    earlier = record(year=2020, source={"path": other, "sha256": "ef" * 32, "format": "txt", "encoding": "utf-8"})
    rec = record(findings=[Finding("carry_chain", Severity.WARNING, f"上年结转 1 件，但 2020 年度报告（{other}）结转 0 件",
                                   ("applications.carried_over.total",), other=other),
                           Finding("fee_statement", Severity.WARNING, f"提到 {other}")])
    page = html_of(pages_of(earlier, rec)["reports/419001/测试县/2021.md"])
    carry = page.xpath("//li[code='carry_chain']//li")[0]
    assert [(a.text_content(), a.get("href")) for a in carry.xpath("a")] == [(other, "../2020/")]
    assert not carry.xpath(".//b") and other in carry.text_content()
    assert page.xpath("//li[code='fee_statement']//li/a") == []   # only cross-report findings link


def test_summary_counts_only_numeric_cells() -> None:
    blank = record(source={"path": "y-2021.txt", "sha256": "cd" * 32, "format": "txt", "encoding": "utf-8"},
                   agency={"name": "另一县人民政府", "type": "县级政府"})
    blank.tables["applications"]["new_received"]["total"] = Cell(None, CellState.BLANK, "")
    pages = pages_of(record(), blank)
    page = html_of(pages["stats/index.md"])
    flows = {tr.xpath("th")[0].text_content(): [td.text_content() for td in tr.xpath("td")]
             for tr in page.xpath("//table[@data-stats='flows']/tbody/tr")}
    assert flows["本年新收"] == ["95", "1 / 2"]
    outcomes = page.xpath("//table[@data-stats='outcomes']/caption")[0].text_content()
    assert "计入 0 份" in outcomes       # 予以公开 is blank and 部分公开 garbled in both: no whole breakdown
    assert "stats/year/2021.md" in pages
    regions = ("41", "4190", "419001")   # two reports: their lists, no summaries (SUMMARY_MIN_REPORTS)
    assert {f"browse/region/{c}.md" for c in regions} <= set(pages)
    assert not {f"stats/region/{c}.md" for c in regions} & set(pages)


# ---- HTML blocks set aside from Markdown ---------------------------------------------------------

def test_pages_with_html_blocks_set_aside_convert_to_the_same_html() -> None:
    """What the plugin does on every page: Python-Markdown (MkDocs' engine, our extensions) gives
    the same HTML whether our HTML blocks go through it or round it — hostile text included."""
    hostile = record(agency={"name": "甲\n\n<div>乙</div>镇", "type": "乡镇"}, year=2022,
                     sections=[Section("overview", "一、总体情况", "前\n\n<p>" + "".join(ATTACKS) + "后")])
    pages = pages_of(record(), hostile)
    engine = markdown.Markdown(extensions=["attr_list", "tables", "toc"])
    lifted_total = 0
    for path, text in pages.items():
        lifted_text, lifted = lift_html_blocks(text)
        expected = engine.reset().convert(get_data(text)[0])
        restored, count = restore_html_blocks(engine.reset().convert(get_data(lifted_text)[0]), lifted)
        assert count == len(lifted), path
        assert restored == expected, path
        lifted_total += len(lifted)
        if path.startswith("reports/"):
            assert len(lifted) >= 8 and "data-table" not in lifted_text  # the tables really went round
    assert lifted_total > 20


def test_report_lists_carry_the_figures_a_reader_ranks_by() -> None:
    """本年新收 as read, 予以公开率 only where both cells are numbers (— here: the 予以公开 总计 is blank),
    行政复议 recovered (≈), 行政诉讼 the two groups added, 问题数 the errors and warnings."""
    pages = pages_of(record())
    rows = html_of(pages["ranking/41-2021.md"]).xpath("//table[contains(@class, 'gknb-list')]/tbody/tr")
    cells = [(td.text_content(), td.get("data-sort-value")) for td in rows[0].xpath("td")[4:9]]
    # A sort value only where the text is not the number (gknb.js sorts by the text otherwise).
    assert cells == [("95", None), ("—", ""), ("2≈", "2"), ("2", None), ("2", None)]


def test_ranking_index_links_each_province_and_year() -> None:
    other = record(year=2022, source={"path": "y-2022.txt", "sha256": "cd" * 32, "format": "txt", "encoding": "utf-8"})
    pages = pages_of(record(), other)
    index = html_of(pages["ranking/index.md"])
    assert [a.get("href") for a in index.xpath("//tbody//a")] == ["41-2022/", "41-2021/"]
    assert [th.text_content() for th in index.xpath("//tbody/tr/th")] == ["河南省"]


def many_reports(count: int) -> list[Record]:
    """`count` reports of one province and year, 本年新收 0, 1, 2, … (the first gives none: blank)."""
    made = []
    for n in range(count):
        rec = record(agency={"name": f"第{n}镇人民政府", "type": "乡镇"},
                     source={"path": f"r{n}.txt", "sha256": f"{n:064x}", "format": "txt", "encoding": "utf-8"})
        rec.tables["applications"]["new_received"]["total"] = Cell(n, CellState.OK, str(n)) if n else Cell(
            None, CellState.BLANK, "")
        made.append(rec)
    return made


def test_a_province_year_of_up_to_100_reports_is_ranked_in_full() -> None:
    page = html_of(pages_of(*many_reports(100))["ranking/41-2021.md"])
    (table,) = page.xpath("//table[contains(@class, 'gknb-list')]")
    assert [tr.xpath("td")[4].text_content() for tr in table.xpath("tbody/tr")][:3] == ["99", "98", "97"]
    assert len(table.xpath("tbody/tr")) == 100


def test_a_larger_province_year_gives_each_figures_leaders_and_the_workbook_for_the_rest() -> None:
    page = html_of(pages_of(*many_reports(130))["ranking/41-2021.md"])
    tables = page.xpath("//table[contains(@class, 'gknb-list')]")
    assert [h.text_content() for h in page.xpath("//h2")] == [
        "本年新收最多的 50 份", "予以公开率最高的 50 份", "行政复议最多的 50 份", "行政诉讼最多的 50 份", "问题数最多的 50 份"]
    received = [int(tr.xpath("td")[4].text_content()) for tr in tables[0].xpath("tbody/tr")]
    assert received == list(range(129, 79, -1))
    # 予以公开率: the 予以公开 总计 is blank in every report, so no report gives it: an empty list.
    assert [len(t.xpath("tbody/tr")) for t in tables] == [50, 0, 50, 50, 50]
    assert page.xpath("//a[contains(@href, 'province-41.xlsx')]")
    assert "全部 130 份报告" in page.text_content()
    bigger = html_of(pages_of(*many_reports(260))["ranking/41-2021.md"])
    assert len(bigger.xpath("//table[contains(@class, 'gknb-list')]/tbody/tr")) == 200   # as many rows: bounded


def test_an_unreadable_row_shows_its_text_once_and_only_numbers_wear_the_error_frame() -> None:
    rec = record()
    rec.tables["applications"]["denied.third_party"] = {c: Cell(None, CellState.GARBLED, "6324215913311357768")
                                                        for c in rec.tables["applications"]["granted"]}
    rec.findings.append(Finding("digit_runs", Severity.WARNING, "连写", ("applications.denied.third_party.total",)))
    page = html_of(report_markdown(rec))
    cells = keyed_cells(page)
    row = cells["applications.denied.third_party.natural_person"]
    assert row.text_content().startswith("原文：6324215913311357768") and row.get("colspan") == "7"
    assert "applications.denied.third_party.total" not in cells
    assert "cell-flagged" not in row.get("class")
    balance = cells["applications.new_received.total"]
    assert "cell-flagged" in balance.get("class")  # 95, a number the balance finding names


def test_the_legend_names_the_marks_the_tables_show_and_the_checks_without_findings_one_line_each() -> None:
    """record(): a blank, a garbled and a recovered cell, a finding on 本年新收 总计 (flagged, not the
    likely wrong cell: one finding names it); no cell is n/a, missing, uncertain or corrected."""
    page = html_of(report_markdown(record()))
    swatches = [span.get("class").split()[1:] for span in page.xpath("//div[@class='gknb-legend']//span")]
    assert swatches == [["cell-ok"], ["cell-recovered"], ["cell-blank"], ["cell-garbled"], ["cell-flagged"]]
    rest = page.xpath("//ul[@class='gknb-checks-rest']/li")
    assert [li.get("class") for li in rest] == ["gknb-checks-rest--pass", "gknb-checks-rest--not_run"][:len(rest)]
    passed = [span.get("data-check") for span in rest[0].xpath("span[@data-check]")]
    assert "balance" not in passed and "fee_statement" not in passed and "outcome_total" in passed
