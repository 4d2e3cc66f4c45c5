"""The portal built by plain `mkdocs build` from a content folder: data files and page structure.

The site is built once per session (`built_site`) from the seeds plus test reports: a PDF pair
of the same body, a year chain, run-together digits, inconsistent totals, an unreadable scan,
an unknown file type and a report whose text and name try to inject HTML, Markdown and Jinja.
Generated Markdown is parsed with markdown-it-py and its HTML blocks with lxml; assertions
are on structure and on the values of the records, not on strings of the templates.
"""

from __future__ import annotations

import atexit
import csv
import functools
import gzip
import io
import json
import logging
import os
import re
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from urllib.parse import unquote, urlencode

import lxml.etree
import lxml.html
import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from conftest import gzip_members, keyed_cells
from gknb.portal.dictionary import REPORTS_CSV
from gknb.portal.open_data import csv_text, record_runs
from gknb.portal import pages
from gknb.portal.catalog import division_name
from gknb.portal.pages import (SUMMARY_MIN_REPORTS, Entry, SiteFiles, entries_of, generate, link, page_url,
                               province_name)
from gknb.corpus.pipeline import Corpus, build_corpus
from gknb.model.record import CellState, Record
from gknb.portal.render import CHECK_TITLES, format_number, printed_rows, unread_row
from gknb.model.official_tables import SECTIONS, OFFICIAL_TABLES

pytestmark = pytest.mark.site  # builds whole sites: `pytest -m 'not site and not browser'` skips them

ROOT = Path(__file__).resolve().parent.parent
EXTRA_INPUTS = (
    "tests/cases/chain/下冶镇人民政府-2022.txt",
    "tests/cases/chain/下冶镇人民政府-2023.txt",
    "tests/cases/flattened-2022.txt",
    "tests/cases/inconsistent-2021.txt",
    # three real 福建 2023 reports (平潭): a province-year with reports to rank
    "tests/real/pingtan_zone_2023_page.txt",
    "tests/real/pt7_xingzhengshenpiju_2023_page.txt",
    "tests/real/pt7_ziranziyuanju_2023_page.txt",
    "tests/fixtures/hongze_district_2023.pdf",
    "tests/fixtures/hongze_district_2024.pdf",
    "tests/fixtures/no_text_layer.pdf",
)
# No "|": the reader would take a line with pipes for a table row.
HOSTILE_TEXT = ("<script>alert('x')</script>{{ 7*7 }}{% if true %}*强调*[链接](javascript:alert(1))"
                "`代码`<img src=x onerror=alert(2)>&lt;i&gt;")
HOSTILE_NAME = "<b onmouseover=alert(3)>恶意镇</b>{{ 6*7 }}人民政府"


def write_hostile_report(content: Path) -> None:
    """The 下冶镇 seed with injection attempts in its text and a hostile body name."""
    text = (ROOT / "content/下冶镇人民政府-2021.txt").read_text(encoding="utf-8")
    text = text.replace("2021年，下冶镇政务公开工作", f"2021年，{HOSTILE_TEXT}下冶镇政务公开工作", 1)
    (content / "hostile-2021.txt").write_text(text, encoding="utf-8")
    (content / "hostile-2021.txt.yml").write_text(f"agency: {json.dumps(HOSTILE_NAME, ensure_ascii=False)}\n",
                                                  encoding="utf-8")


def make_content(folder: Path) -> Path:
    shutil.copytree(ROOT / "content", folder)
    for name in EXTRA_INPUTS:
        shutil.copy(ROOT / name, folder / Path(name).name)
    (folder / "notes.xyz").write_bytes(b"\x00\x01 not a report")
    write_hostile_report(folder)
    return folder


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass
class BuiltSite:
    root: Path
    content: Path
    site: Path
    corpus: Corpus
    files: SiteFiles
    warnings: list[str]


@functools.cache
def built_site() -> BuiltSite:
    """`mkdocs build` with the project's mkdocs.yml, content folder and site folder swapped for tmp ones."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = Path(tempfile.mkdtemp(prefix="gknb-site-"))
    atexit.register(shutil.rmtree, root, True)   # shared by test modules, so no pytest tmp_path
    content = make_content(root / "content")
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(root / "site"),
                         plugins={"gknb": {"content_dir": str(content)}})
    handler = Collect()
    logging.getLogger("mkdocs").addHandler(handler)
    try:
        build(config)
    finally:
        logging.getLogger("mkdocs").removeHandler(handler)
    corpus = build_corpus(content)
    return BuiltSite(root, content, root / "site", corpus, generate(corpus, content), handler.messages)


@pytest.fixture(scope="session")
def site() -> BuiltSite:
    return built_site()


# ---- helpers: Markdown and HTML structure --------------------------------------------------------

FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def tokens_of(markdown: str) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(FRONT_MATTER.sub("", markdown))


def headings(tokens: list[Token], level: str) -> list[str]:
    return [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == level]


def html_blocks(tokens: list[Token]) -> list[Any]:
    return [lxml.html.fragment_fromstring(t.content, create_parent="div") for t in tokens if t.type == "html_block"]


def grid_tables(tokens: list[Token]) -> dict[str, Any]:
    return {t.get("data-table"): t for block in html_blocks(tokens) for t in block.iter("table")
            if t.get("data-table")}


def grid_width(table: Any) -> set[int]:
    """The widths of the rows once rowspans and colspans are laid out (one value: rectangular)."""
    below: dict[int, int] = {}   # column → further rows a rowspan still covers
    widths = set()
    for tr in table.iter("tr"):
        occupied = set(below)
        below = {c: n - 1 for c, n in below.items() if n > 1}
        column = 0
        for cell in tr.xpath("th|td"):
            while column in occupied:
                column += 1
            span, down = int(cell.get("colspan", 1)), int(cell.get("rowspan", 1))
            for c in range(column, column + span):
                if down > 1:
                    below[c] = down - 1
            column += span
        widths.add(max([column] + [c + 1 for c in occupied]))
    return widths


def cell_text(td: Any) -> str:
    marks = "".join(m.text_content() for m in td.find_class("gknb-mark"))
    text = td.text_content()
    return text[: len(text) - len(marks)] if marks and text.endswith(marks) else text


def record_of(site: BuiltSite, path: str) -> tuple[str, Record]:
    entry = next(e for e in entries_of(site.corpus.records) if e.record.source["path"] == path)
    return entry.src, entry.record


# ---- the build ---------------------------------------------------------------------------------

def test_build_warns_only_about_rejected_inputs(site: BuiltSite) -> None:
    # One warning per unreadable input (so `mkdocs build --strict` fails on them), nothing else.
    assert sorted(w.split("：")[0] for w in site.warnings) == ["gknb: no_text_layer.pdf 未能读取", "gknb: notes.xyz 未能读取"]


def test_every_input_is_a_report_or_a_rejection(site: BuiltSite) -> None:
    report = json.loads((site.site / "data/build-report.json").read_text(encoding="utf-8"))
    inputs = [p for p in site.content.iterdir() if not p.name.endswith(".yml")]
    assert report["inputs"] == len(inputs)
    assert len(report["published"]) + len(report["rejected"]) == len(inputs)
    rejected = {r["path"]: r["reason"] for r in report["rejected"]}
    assert set(rejected) == {"no_text_layer.pdf", "notes.xyz"}
    assert "没有文字层" in rejected["no_text_layer.pdf"]
    page = lxml.html.parse(str(site.site / "findings/rejected/index.html")).getroot().text_content()
    assert "no_text_layer.pdf" in page and "没有文字层" in page


def test_every_report_has_a_page_its_record_and_its_source(site: BuiltSite) -> None:
    """Each report page links the bulk records file, which holds the report's record (its only copy)."""
    report = json.loads((site.site / "data/build-report.json").read_text(encoding="utf-8"))
    bulk = site.site / "data/reports.jsonl.gz"
    records = {r["portal"]["id"]: r for r in map(json.loads, gzip.decompress(bulk.read_bytes()).splitlines())}
    for item in report["published"]:
        page = site.site / item["page"] / "index.html"
        html = lxml.html.parse(str(page)).getroot()
        links = {unquote(a.get("href")): a for a in html.iter("a")}
        json_link = next(h for h in links if h.endswith("data/reports.jsonl.gz"))
        assert links[json_link].text_content() == "全部报告的 JSON 记录（reports.jsonl.gz，每行一份）"
        assert (page.parent / json_link).resolve() == bulk.resolve()
        data = records[item["id"]]
        assert data["source"]["path"] == item["path"]
        assert data["portal"] == {"id": item["id"], "page": item["page"], "version": data["source"]["sha256"][:12],
                                  "body_page": data["portal"]["body_page"], "body_id": data["portal"]["body_id"]}
        assert item["version"] == data["source"]["sha256"][:12]
        source_link = next(h for h in links if "/data/sources/" in h)
        assert (page.parent / source_link).resolve().read_bytes() == (site.content / item["path"]).read_bytes()


def test_the_bulk_records_are_the_only_copy_in_runs_of_gzip_members(site: BuiltSite) -> None:
    """Each record is published once: reports.jsonl.gz holds every report's record line, in the build
    report's order, in gzip members of a run of reports each (record_runs); no data/reports/ folder."""
    published = json.loads((site.site / "data/build-report.json").read_text(encoding="utf-8"))["published"]
    bulk = (site.site / "data/reports.jsonl.gz").read_bytes()
    lines = gzip.decompress(bulk).splitlines(keepends=True)
    assert len(lines) == len(site.corpus.records) > 1
    assert [json.loads(line)["portal"]["id"] for line in lines] == [item["id"] for item in published]
    runs = record_runs(item["id"] for item in published)
    assert gzip_members(bulk) == [b"".join(lines[i] for i in run) for run in runs]
    assert not (site.site / "data/reports").exists()
    assert not [p for p in site.site.rglob("*.json.gz")]


def test_csv_has_a_bom_one_row_per_report_and_cell_columns(site: BuiltSite) -> None:
    raw = gzip.decompress((site.site / "data" / REPORTS_CSV).read_bytes())
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == len(site.corpus.records)
    hongze = next(r for r in rows if r["source.path"] == "hongze_district_2024.pdf")
    assert hongze["applications.new_received.total"] == "95"
    assert hongze["region.province"] == "江苏省"
    assert {"active.fees.amount_wan_yuan", "review_litigation.litigation_after_review.total",
            "active.procurement.amount"} <= set(rows[0])
    blank = next(r for r in rows if r["source.path"] == "段店乡-2022.txt")
    assert blank["applications.new_received.natural_person"] == ""   # blank in the report, never 0


def test_jsonl_holds_the_records(site: BuiltSite) -> None:
    lines = gzip.decompress((site.site / "data/reports.jsonl.gz").read_bytes()).decode("utf-8").splitlines()
    records = {r.source["path"]: r.to_dict() for r in site.corpus.records}
    assert len(lines) == len(records)
    pages = {e.record.source["path"]: (e.id, page_url(e.src)) for e in entries_of(site.corpus.records)}
    for line in lines:
        data = json.loads(line)
        portal = data.pop("portal")   # what the portal adds to `gknb parse`'s record
        assert data == records[data["source"]["path"]]
        assert (portal["id"], portal["page"]) == pages[data["source"]["path"]]
        assert (site.site / portal["page"] / "index.html").is_file()
        assert portal["version"] == data["source"]["sha256"][:12]
        assert not portal["body_page"] or (site.site / portal["body_page"] / "index.html").is_file()


def test_datapackage_describes_the_files(site: BuiltSite) -> None:
    package = json.loads((site.site / "data/datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        assert (site.site / "data" / resource["path"]).is_file()
    csv_resource = next(r for r in package["resources"] if r["path"] == REPORTS_CSV)
    header = next(csv.reader(csv_text((site.site / "data" / REPORTS_CSV).read_bytes())))
    assert [f["name"] for f in csv_resource["schema"]["fields"]] == header


def test_no_resource_is_loaded_from_another_host(site: BuiltSite) -> None:
    for page in site.site.rglob("*.html"):
        html = lxml.html.parse(str(page)).getroot()
        for element in html.iter("script", "link", "img", "iframe", "source"):
            url = element.get("src") or (element.get("href") if element.tag == "link" else None) or ""
            assert not re.match(r"^(https?:)?//", url), f"{page}: {url}"
        assert "fonts.googleapis" not in page.read_text(encoding="utf-8")


def test_the_theme_files_no_page_asks_for_are_left_out_and_those_asked_for_are_there(site: BuiltSite) -> None:
    served = {str(p.relative_to(site.site)) for p in site.site.rglob("*") if p.is_file()}
    assert not [p for p in served if p.endswith(".map") or p.startswith(("assets/javascripts/lunr/",
                                                                         "assets/javascripts/workers/"))]
    asked = set()
    for page in site.site.rglob("*.html"):
        html = lxml.html.parse(str(page)).getroot()
        for element in html.iter("script", "link"):
            url = element.get("src") or (element.get("href") if element.get("rel") in ("stylesheet", "icon") else None)
            if url and not url.startswith("data:"):
                asked.add(os.path.normpath(os.path.join(str(page.parent.relative_to(site.site)), url)))
    assert "assets/gknb.js" in asked and any(a.startswith("assets/javascripts/bundle.") for a in asked)
    assert asked <= served, asked - served


def test_pagefind_index_is_written(site: BuiltSite) -> None:
    assert (site.site / "pagefind/pagefind.js").is_file()
    assert list((site.site / "pagefind").glob("pagefind.zh*.pf_meta"))
    assert (site.site / "pagefind/filter").is_dir()


# ---- page structure ----------------------------------------------------------------------------

def test_every_page_parses_to_well_formed_blocks_without_scripts(site: BuiltSite) -> None:
    for path, markdown in site.files.pages.items():
        tokens = tokens_of(markdown)
        for block in html_blocks(tokens):
            assert not list(block.iter("script")), path
        inline_html = [c.content for t in tokens if t.children for c in t.children if c.type == "html_inline"]
        assert inline_html == [], path


def test_report_pages_have_the_six_sections_and_tables_of_their_template(site: BuiltSite) -> None:
    for entry in entries_of(site.corpus.records):
        tokens = tokens_of(site.files.pages[entry.src])
        assert headings(tokens, "h2") == [heading for _key, heading, _p in SECTIONS] + ["其他年度"]
        tables = grid_tables(tokens)
        layout = OFFICIAL_TABLES.get(entry.record.template or "")
        if layout is None:
            assert tables == {}
            continue
        assert list(tables) == [t.key for t in layout]
        for table in layout:
            cells = tables[table.key].xpath(".//td")
            # A row none of whose cells could be read is one cell holding its text (render.unread_row).
            assert len(cells) == sum(1 if unread_row(entry.record, table, row, {}, len(row.columns)) else len(row.columns)
                                     for row in printed_rows(entry.record, table))
            assert len(grid_width(tables[table.key])) == 1, (entry.src, table.key)
            assert all(th.get("scope") in {"col", "row", "colgroup", "rowgroup"}
                       for th in tables[table.key].iter("th"))


STATE_CLASSES = {f"cell-{s.value}" for s in CellState}


def test_table_cells_show_the_record_values_and_states(site: BuiltSite) -> None:
    for entry in entries_of(site.corpus.records):
        for table in grid_tables(tokens_of(site.files.pages[entry.src])).values():
            cells = keyed_cells(table)
            assert len(cells) == len(table.xpath(".//td"))
            for key, td in cells.items():
                cell = entry.record.cell(key)
                classes = (td.get("class") or "").split()
                # A plain read number wears no class; every other state its own.
                assert [c for c in classes if c in STATE_CLASSES] == ([] if cell.state is CellState.OK else [f"cell-{cell.state.value}"])
                if cell.is_number:
                    assert cell_text(td) == format_number(cell.value, grouped=True)


def test_cells_named_by_findings_are_highlighted(site: BuiltSite) -> None:
    src, record = record_of(site, "inconsistent-2021.txt")
    flagged = {key for f in record.findings for key in f.cells}
    assert flagged
    tables = grid_tables(tokens_of(site.files.pages[src]))
    shown = {key for t in tables.values() for key, td in keyed_cells(t).items() if "cell-flagged" in (td.get("class") or "")}
    assert shown == {k for k in flagged if k.split(".")[0] in tables}


def test_official_layouts_have_the_spec_cell_counts() -> None:
    """Cell counts of SPEC.md: table 二 10 (2021) / 22 (2019), 三 175 / 161, 四 15."""
    counts = {name: [sum(len(r.columns) for r in t.standard_rows) for t in layout]
              for name, layout in OFFICIAL_TABLES.items()}
    assert counts == {"2021": [10, 175, 15], "2019": [22, 161, 15]}


def test_report_text_is_escaped(site: BuiltSite) -> None:
    src, record = record_of(site, "hostile-2021.txt")
    assert HOSTILE_TEXT in record.section_text("overview")
    html = (site.site / page_url(src) / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html and "<b onmouseover" not in html
    root = lxml.html.fromstring(html)
    text = root.text_content()
    assert HOSTILE_TEXT in text                # shown literally: not run, not Markdown, not Jinja
    assert "恶意镇" in root.xpath("//h1")[0].text_content() and "{{ 6*7 }}" in text
    assert not root.xpath("//article//em[contains(., '强调')]") and "javascript:" not in "".join(
        a.get("href", "") for a in root.iter("a"))
    title = root.xpath("//title")[0].text_content()
    assert "<" not in title and "恶意镇" in title


def test_a_printed_page_says_its_address_as_a_reader_reads_it(site: BuiltSite) -> None:
    for path in ("下冶镇人民政府-2021.txt", "hostile-2021.txt"):
        src, _record = record_of(site, path)
        printed = html_page(site, src).xpath("//p[@class='gknb-print-meta']")[0].text_content()
        assert f"本页地址：{page_url(src)} · " in printed and "%" not in printed   # 下冶镇, not %E4%B8%8B…
    assert "下冶镇" in page_url(record_of(site, "下冶镇人民政府-2021.txt")[0])


def test_report_page_links_the_same_body_in_other_years(site: BuiltSite) -> None:
    src, _record = record_of(site, "下冶镇人民政府-2021.txt")
    page = lxml.html.parse(str(site.site / page_url(src) / "index.html")).getroot()
    years = [a.text_content() for a in page.xpath("//ul[contains(@class,'gknb-years')]//a[not(@class)]")]
    assert years == ["2022 年度", "2023 年度"]
    compare = page.xpath("//ul[contains(@class,'gknb-years')]//a[@class='gknb-compare-link']/@href")
    assert len(compare) == 2 and all(href.startswith("../../../../compare/?r=") for href in compare)
    src, _record = record_of(site, "hongze_district_2023.pdf")
    page = lxml.html.parse(str(site.site / page_url(src) / "index.html")).getroot()
    assert [a.text_content() for a in page.xpath("//ul[contains(@class,'gknb-years')]//a[not(@class)]")] == ["2024 年度"]


def test_report_page_has_the_badges_of_every_check(site: BuiltSite) -> None:
    src, record = record_of(site, "inconsistent-2021.txt")
    page = lxml.html.parse(str(site.site / page_url(src) / "index.html")).getroot()
    verdict = page.xpath("//div[@class='gknb-verdict']/span")[0]
    assert verdict.text_content() == "错误" and "gknb-badge--fail" in verdict.get("class")
    failing = {li.xpath("code")[0].text_content() for li in page.xpath("//li[contains(@class,'gknb-check--fail')]")}
    assert failing == {f.check for f in record.findings if f.severity.value == "error"}


def test_region_pages_nest_with_counts(site: BuiltSite) -> None:
    pages = site.files.pages
    root_tokens = tokens_of(pages["browse/region/index.md"])
    groups = [t for b in html_blocks(root_tokens) for t in b.iter("table") if "gknb-groups" in t.get("class")][0]
    counts = {tr[0].text_content(): int(tr[1].text_content()) for tr in groups.xpath("tbody/tr")}
    assert counts["江苏省"] == 2 and counts["河南省"] == 4 and counts["未识别地区"] >= 1
    assert sum(counts.values()) == len(site.corpus.records)
    for path, listed in (("browse/region/32.md", 0), ("browse/region/3208.md", 0), ("browse/region/320813.md", 2)):
        # the two reports of 洪泽区 are rows of their county's page; the province and the prefecture
        # count them (their own bodies have none here)
        lists = [t for b in html_blocks(tokens_of(pages[path])) for t in b.iter("table")
                 if "gknb-list" in t.get("class") and t.get("data-problems") is None]
        assert sum(len(t.xpath("tbody/tr")) for t in lists) == listed, path
        assert "共 2 份报告" in pages[path]


def test_a_year_or_type_page_counts_its_reports_by_province_and_links_where_they_are_listed(site: BuiltSite) -> None:
    """A national page with a row per report of a year would be tens of megabytes: a year's page links
    each province's ranking page of that year, a type's page the search filtered by type and province."""
    entries = entries_of(site.corpus.records)
    for src, members, target in (
            ("browse/year/2021.md", [e for e in entries if e.record.year == 2021],
             lambda p, n: link("browse/year/2021.md", f"ranking/{p or 'unknown'}-2021.md")),
            ("browse/type/township.md", [e for e in entries if e.record.agency.get("type") == "乡镇"],
             lambda p, n: str(link("browse/type/township.md", "search.md")) + "?" + urlencode({"type": "乡镇", "province": n}))):
        tables = [t for b in html_blocks(tokens_of(site.files.pages[src])) for t in b.iter("table")]
        assert [t.get("class") for t in tables] == ["gknb-groups"], src
        provinces = sorted({e.region_code[:2] for e in members}, key=lambda p: (not p, p))
        expected = [(target(p, n), n, sum(1 for e in members if e.region_code[:2] == p))
                    for p in provinces for n in [province_name(p)]]
        assert [(tr.xpath("th/a")[0].get("href"), tr.xpath("th/a")[0].text_content(), int(tr[1].text_content()))
                for tr in tables[0].xpath("tbody/tr")] == expected, src
        assert len(expected) >= 2


def test_listings_are_sortable_tables_of_reports(site: BuiltSite) -> None:
    for path in ("browse/region/index.md", "browse/type/index.md", "browse/year/index.md"):
        # an index counts its groups; their own pages list the reports (all of them on one page
        # would be megabytes, made again on any change)
        tables = [t for b in html_blocks(tokens_of(site.files.pages[path])) for t in b.iter("table")]
        assert [t.get("class") for t in tables] == ["gknb-groups"]
        assert sum(int(tr[1].text_content()) for tr in tables[0].xpath("tbody/tr")) == len(site.corpus.records)
    for path in ("ranking/41-2021.md", "browse/region/419001.md", "index.md"):
        lists = [t for b in html_blocks(tokens_of(site.files.pages[path])) for t in b.iter("table")
                 if "gknb-list" in t.get("class") and t.get("data-problems") is None]
        assert lists and all(t.get("data-gknb-sortable") is not None for t in lists)
        for table in lists:
            assert [th.text_content() for th in table.xpath("thead/tr/th")] == ["机关", "类型", "地区", "年度", "本年新收", "予以公开率", "行政复议",
                                                                          "行政诉讼", "问题数", "状态"]


def test_findings_index_lists_each_failing_check_and_links_its_page(site: BuiltSite) -> None:
    index = html_page(site, "findings/index.md")
    rows = index.xpath("//table[@data-findings='checks']/tbody/tr")
    checks = {f.check for r in site.corpus.records for f in r.findings if f.severity.value != "info"}
    assert [tr.xpath("td[1]/code")[0].text for tr in rows] == sorted(checks, key=[*CHECK_TITLES, *sorted(checks)].index)
    for tr in rows:
        check = tr.xpath("td[1]/code")[0].text
        target = resolves_to(site, "findings/index.md", tr.xpath("th/a")[0].get("href"))
        assert target == site.site / "findings" / "check" / check / "index.html"
        listed = lxml.html.parse(str(target)).getroot().xpath("//table[@data-findings='list']/tbody/tr")
        assert len(listed) == int(tr.xpath("td[4]")[0].text) == sum(
            1 for r in site.corpus.records for f in r.findings if f.check == check)


def test_generation_is_deterministic(site: BuiltSite) -> None:
    again = generate(build_corpus(site.content), site.content)
    assert again.pages == site.files.pages and again.data == site.files.data


pages_spans = pages.spans


@pytest.mark.parametrize("count, parts", [(1, 8), (7, 2), (1000, 8), (1001, 8), (5, 5)])
def test_report_page_tasks_cover_every_report_once_in_order(count: int, parts: int) -> None:
    tasks = pages.spans(count, parts)
    assert [i for span in tasks for i in span] == list(range(count)) and len(tasks) <= parts


def test_report_pages_rendered_by_workers_are_the_same_pages_in_the_same_order(
        site: BuiltSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages, "PARALLEL_PAGES_FROM", 2)  # the fixture corpus is small:
    monkeypatch.setattr(pages, "spans", lambda count, parts: pages_spans(count, 2))  # two pages a task
    corpus = build_corpus(site.content)
    serial, parallel = generate(corpus, site.content, jobs=1), generate(corpus, site.content, jobs=3)
    assert list(parallel.pages.items()) == list(serial.pages.items())
    assert parallel.data == serial.data and any(p.startswith("data/xlsx/province-") for p in parallel.data)
    assert len(parallel.searchable) == len(corpus.records) > 2


def test_navigation_shows_sections_not_reports(site: BuiltSite) -> None:
    home = lxml.html.parse(str(site.site / "index.html")).getroot()
    nav_links = [a.get("href") for a in home.xpath("//nav[contains(@class,'md-nav--primary')]//a")]
    assert not any("reports/" in (h or "") for h in nav_links)
    assert home.xpath("//html")[0].get("lang") == "zh"


def test_strict_build_stops_on_an_unreadable_input(tmp_path: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, PluginError

    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(ROOT / "content/段店乡-2022.txt", content)
    (content / "notes.xyz").write_bytes(b"\x00 not a report")
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"),
                         plugins={"gknb": {"content_dir": str(content), "strict": True, "search": False}})
    handler = Collect()
    logging.getLogger("mkdocs").addHandler(handler)
    try:
        with pytest.raises((Abort, PluginError)):
            build(config)
    finally:
        logging.getLogger("mkdocs").removeHandler(handler)
    assert any("notes.xyz" in message for message in handler.messages)


# ---- body timelines, summaries, cross-report links ------------------------------------------------

def html_page(site: BuiltSite, src: str) -> Any:
    return lxml.html.parse(str(site.site / page_url(src) / "index.html")).getroot()


def resolves_to(site: BuiltSite, from_src: str, href: str) -> Path:
    """The built file a relative link on a page leads to."""
    target = (site.site / page_url(from_src) / unquote(href)).resolve()
    return target / "index.html" if target.is_dir() else target


def chain(site: BuiltSite) -> list[Any]:
    return sorted((e for e in entries_of(site.corpus.records) if e.record.source["path"].startswith("下冶镇人民政府-")),
                  key=lambda e: e.record.year)


def shown(cell: Any) -> str:
    return format_number(cell.value, grouped=True) if cell.is_number else "—"


def test_timeline_has_a_column_per_year_with_the_numbers_of_each_report(site: BuiltSite) -> None:
    entries = chain(site)
    assert len(entries) == 3 and len({e.body_key for e in entries}) == 1
    src = entries[0].body_src
    table = html_page(site, src).xpath("//table[@data-timeline]")[0]
    assert [th.get("data-year") for th in table.xpath("thead/tr/th[@data-year]")] == ["2021", "2022", "2023"]
    rows = {tr.get("data-row"): tr.xpath("td") for tr in table.xpath("tbody/tr")}
    for label, row in (("本年新收", "new_received"), ("上年结转", "carried_over"), ("办理结果总计", "total_processed"),
                       ("结转下年度", "carried_forward"), ("予以公开", "granted"), ("部分公开", "partial")):
        assert [td.text_content() for td in rows[label]] == [
            shown(e.record.cell(f"applications.{row}.total")) for e in entries], label
    assert [td.text_content() for td in rows["上年结转"]] == ["0", "0", "1"]   # the carry_chain break of 2023
    assert [td.text_content() for td in rows["行政复议"]] == [
        shown(e.record.cell("review_litigation.review.total")) for e in entries]
    assert [td.text_content() for td in rows["status"]] == [{"pass": "通过", "warn": "警告", "fail": "错误"}[
        e.record.status] for e in entries]
    assert [int(td.text_content()) for td in rows["problems"]] == [
        sum(1 for f in e.record.findings if f.severity.value != "info") for e in entries]
    for a, entry in zip(table.xpath("thead/tr/th[@data-year]/a"), entries):
        assert resolves_to(site, src, a.get("href")) == site.site / page_url(entry.src) / "index.html"
    chart = html_page(site, src).xpath("//*[local-name()='svg'][@role='img']")
    assert len(chart) == 1 and len(chart[0].xpath(".//*[local-name()='rect'][@class='gknb-bar']")) == 3


def test_every_report_links_its_timeline(site: BuiltSite) -> None:
    """A body of two reports or more has a timeline every report links; a body of one has none: its
    address is a page that leads to the report (and is not in the sitemap)."""
    entries = entries_of(site.corpus.records)
    by_body = Counter(e.body_key for e in entries if e.body_key is not None)
    assert sorted(set(by_body.values())) == [1, 2, 3]   # lone bodies, 洪泽区 2023–2024, 下冶镇 2021–2023
    sitemap = unquote((site.site / "sitemap.xml").read_text(encoding="utf-8"))
    for entry in entries:
        links = html_page(site, entry.src).xpath("//a[contains(@class,'gknb-timeline-link')]")
        if entry.body_key is None:
            assert links == []
            continue
        body = site.site / page_url(entry.body_src) / "index.html"
        if by_body[entry.body_key] == 1:
            assert links == [] and "本站只有本机关这一份报告" in html_page(site, entry.src).text_content()
            page = lxml.html.parse(str(body)).getroot()
            refresh = page.xpath("//meta[@http-equiv='refresh']/@content")[0].split("url=", 1)[1]
            assert page.xpath("//a/@href") == [refresh] and len(body.read_bytes()) < 1000
            assert resolves_to(site, entry.body_src, refresh) == site.site / page_url(entry.src) / "index.html"
            assert f"<loc>{page_url(entry.body_src)}</loc>" not in sitemap
            continue
        assert links and {resolves_to(site, entry.src, a.get("href")) for a in links} == {body}
        assert f"<loc>{page_url(entry.body_src)}</loc>" in sitemap


def stats_table(page: Any, kind: str) -> dict[str, list[str]]:
    table = page.xpath(f"//table[@data-stats='{kind}']")[0]
    return {tr.xpath("th")[0].text_content(): [td.text_content() for td in tr.xpath("td")] for tr in table.xpath("tbody/tr")}


def numeric_sum(records: list[Record], key: str) -> tuple[str, int]:
    cells = [r.cell(key) for r in records if r.cell(key).is_number]
    return format_number(sum(c.value or 0 for c in cells)), len(cells)


@pytest.mark.parametrize("code", ["35", "3501", "350128", "41", "419001"])
def test_region_summary_totals_equal_the_sum_over_its_reports(site: BuiltSite, code: str) -> None:
    records = [e.record for e in entries_of(site.corpus.records) if e.region_code.startswith(code)]
    page = html_page(site, f"stats/region/{code}.md")
    flows = stats_table(page, "flows")
    for label, row in (("本年新收", "new_received"), ("上年结转", "carried_over"), ("办理结果总计", "total_processed"),
                       ("结转下年度", "carried_forward")):
        total, counted = numeric_sum(records, f"applications.{row}.total")
        assert flows[label] == [total, f"{counted} / {len(records)}"], label
    appeals = stats_table(page, "appeals")
    for label, group in (("行政复议", "review"), ("行政诉讼（直接起诉）", "litigation_direct")):
        keys = [f"review_litigation.{group}.{c}" for c in ("upheld", "corrected", "other", "pending", "total")]
        complete = [r for r in records if all(r.cell(k).is_number for k in keys)]
        assert appeals[label] == [numeric_sum(complete, k)[0] for k in keys] + [f"{len(complete)} / {len(records)}"]
    passing = sum(1 for r in records if r.status == "pass")
    assert page.xpath("//strong[@data-passing]")[0].text_content() == f"{100 * passing / len(records):.1f}%"
    assert len(page.xpath("//*[local-name()='svg'][@role='img']")) >= 2


def test_outcome_shares_are_of_the_reports_with_a_whole_breakdown(site: BuiltSite) -> None:
    page = html_page(site, "stats/region/35.md")
    outcomes = stats_table(page, "outcomes")
    fujian = [e.record for e in entries_of(site.corpus.records) if e.region_code.startswith("35")]
    granted = sum(r.cell("applications.granted.total").value or 0 for r in fujian)
    processed = sum(r.cell("applications.total_processed.total").value or 0 for r in fujian)
    assert outcomes["予以公开"] == [format_number(granted), f"{100 * granted / processed:.1f}%"]
    denied = sum(c.value or 0 for r in fujian for row, cols in r.tables["applications"].items()
                 if row.startswith("denied.") for k, c in cols.items() if k == "total")
    assert outcomes["不予公开"][0] == format_number(denied)


def test_corpus_and_year_summaries_count_their_reports(site: BuiltSite) -> None:
    page = html_page(site, "stats/index.md")
    counts = page.xpath("//p[@class='gknb-counts']/a")[0].text_content()
    assert counts == f"{len(site.corpus.records)} 份报告"
    years = stats_table(page, "years")
    assert sum(int(v[0]) for v in years.values()) == len(site.corpus.records)
    for year in {r.year for r in site.corpus.records if r.year}:
        records = [r for r in site.corpus.records if r.year == year]
        flows = stats_table(html_page(site, f"stats/year/{year}.md"), "flows")
        assert flows["本年新收"] == list(map(str, numeric_sum(records, "applications.new_received.total")[:1])) + [
            f"{numeric_sum(records, 'applications.new_received.total')[1]} / {len(records)}"]


def test_region_and_year_listings_link_their_summary(site: BuiltSite) -> None:
    for listing, summary in (("browse/region/41.md", "stats/region/41.md"), ("browse/region/index.md", "stats/index.md"),
                             ("browse/year/2023.md", "stats/year/2023.md")):
        href = html_page(site, listing).xpath("//a[@class='gknb-stats-link']")[0].get("href")
        assert resolves_to(site, listing, href) == site.site / page_url(summary) / "index.html"


def regions_by_count(entries: list[Entry]) -> dict[str, list[Entry]]:
    codes = {e.region_code[:n] for e in entries for n in (2, 4, 6) if len(e.region_code) >= n}
    return {c: [e for e in entries if e.region_code.startswith(c)] for c in codes}


def refresh_target(site: BuiltSite, src: str) -> Path:
    """Where a page that only leads on (gknb-redirect.html) sends its reader."""
    page = lxml.html.parse(str(site.site / page_url(src) / "index.html")).getroot()
    assert not page.xpath("//*[@data-md-component]"), src          # no theme: the small page
    url = page.xpath("//meta[@http-equiv='refresh']")[0].get("content").split("url=", 1)[1]
    return resolves_to(site, src, url)


def test_a_one_report_region_leads_up_and_the_page_above_links_its_report(site: BuiltSite) -> None:
    regions = regions_by_count(entries_of(site.corpus.records))
    lone = {c: m[0] for c, m in regions.items() if len(m) == 1}
    assert len(lone) >= 4, "the seeds have regions with one report"
    for code, entry in lone.items():
        assert not (site.site / "stats" / "region" / code).exists(), code
        parent = code[:-2] if len(code) > 2 else ""
        above = f"browse/region/{parent}.md" if parent else "browse/region/index.md"
        assert refresh_target(site, f"browse/region/{code}.md") == site.site / page_url(above) / "index.html", code
        if parent and len(regions[parent]) > 1:
            row = html_page(site, above).xpath(f"//table[@class='gknb-groups']//a[text()='{division_name(code)}']")[0]
            assert resolves_to(site, above, row.get("href")) == site.site / page_url(entry.src) / "index.html"


def test_a_region_of_fewer_than_three_reports_has_its_list_but_no_summary(site: BuiltSite) -> None:
    regions = regions_by_count(entries_of(site.corpus.records))
    few = [c for c, m in regions.items() if 1 < len(m) < SUMMARY_MIN_REPORTS]
    many = [c for c, m in regions.items() if len(m) >= SUMMARY_MIN_REPORTS]
    assert few and many
    for code in few:
        assert not (site.site / "stats" / "region" / code).exists(), code
        page = html_page(site, f"browse/region/{code}.md")
        assert not page.xpath("//a[@class='gknb-stats-link']")
        assert page.xpath("//span[@class='gknb-no-summary']")[0].text_content().startswith(f"不足 {SUMMARY_MIN_REPORTS} 份报告")
    for code in many:
        assert (site.site / "stats" / "region" / code / "index.html").is_file(), code


def test_every_link_of_the_summary_and_region_pages_leads_to_a_built_file(site: BuiltSite) -> None:
    """A sub-region's row links its summary, its list or its one report, whichever it has."""
    linked = 0
    for built in [*(site.site / "stats").rglob("index.html"), *(site.site / "browse" / "region").rglob("index.html")]:
        src = built.parent.relative_to(site.site).as_posix() + ".md"
        for a in lxml.html.parse(str(built)).getroot().xpath("//article//a[@href]"):
            href = a.get("href").split("#")[0].split("?")[0]
            if href and "://" not in href:
                assert resolves_to(site, src, href).is_file(), (src, href)
                linked += 1
    assert linked > 100


def test_cross_report_findings_link_the_other_report(site: BuiltSite) -> None:
    entries = chain(site)
    latest, previous = entries[2], entries[1]
    page = html_page(site, latest.src)
    carry = page.xpath("//li[contains(@class,'gknb-check')][code='carry_chain']//li/a")
    assert carry and {a.text_content() for a in carry} == {previous.record.source["path"]}
    assert {resolves_to(site, latest.src, a.get("href")) for a in carry} == {
        site.site / page_url(previous.src) / "index.html"}
    findings = html_page(site, "findings/check/carry_chain.md")
    links = findings.xpath("//tr[@data-check='carry_chain']/td[last()]/a")
    assert links and resolves_to(site, "findings/check/carry_chain.md", links[0].get("href")) == (
        site.site / page_url(previous.src) / "index.html")


def test_navigation_has_the_summaries(site: BuiltSite) -> None:
    home = lxml.html.parse(str(site.site / "index.html")).getroot()
    nav = {a.text_content().strip(): a.get("href") for a in home.xpath("//nav[contains(@class,'md-nav--primary')]//a")}
    assert nav.get("统计") == "stats/"


def test_timeline_and_summary_escape_report_text(site: BuiltSite) -> None:
    entry = next(e for e in entries_of(site.corpus.records) if e.record.source["path"] == "hostile-2021.txt")
    assert entry.body_key is not None
    lone = (site.site / page_url(entry.body_src) / "index.html").read_text(encoding="utf-8")   # one report: leads on
    assert "<b onmouseover" not in lone and lxml.html.fromstring(lone).xpath("//a")[0].text_content() == "本机关只有这一份报告"
    # Its timeline once a second year comes: the page as generated (MkDocs passes its HTML through).
    later = replace(entry.record, year=(entry.record.year or 2021) + 1,
                    source={**entry.record.source, "path": "hostile-2022.txt", "sha256": "f" * 64})
    generated = generate(Corpus(inputs=2, records=[entry.record, later]), site.content).pages[entry.body_src]
    front, html = generated.split("\n---\n", 1)
    assert "<b onmouseover" not in html and "<" not in json.loads(front.split("title:", 1)[1].splitlines()[0])
    root = lxml.html.fromstring(f"<article>{html}</article>")
    assert "恶意镇" in root.xpath("//h1")[0].text_content() and "{{ 6*7 }}" in root.xpath("//h1")[0].text_content()
    chart_title = root.xpath("//*[local-name()='svg']/*[local-name()='title']")[0].text_content()
    assert chart_title.startswith(HOSTILE_NAME)
    assert not root.xpath("//article//b")


def test_home_page_leads_to_the_summaries(site: BuiltSite) -> None:
    home = html_page(site, "index.md")
    hrefs = [a.get("href") for a in home.xpath("//a[contains(@class,'gknb-entry')]")]
    assert any(resolves_to(site, "index.md", h) == site.site / "stats/index.html" for h in hrefs)


def test_feeds_are_announced_and_the_open_data_page_links_feed_and_index(site: BuiltSite) -> None:
    for src, feeds in (("index.md", ["feed.xml"]), ("browse/region/35.md", ["feed.xml", "feeds/35.xml"]),
                       ("findings/region/14.md", ["feed.xml", "feeds/14.xml"])):
        page = html_page(site, src)
        links = page.xpath("//head/link[@type='application/atom+xml']")
        assert all("alternate" in a.get("rel").split() for a in links)   # how feed readers discover them
        assert [resolves_to(site, src, a.get("href")) for a in links] == [site.site / f for f in feeds]
    data = html_page(site, "data.md")
    targets = {resolves_to(site, "data.md", a.get("href")) for a in data.xpath("//article//a[@href]")}
    assert {site.site / "feed.xml", site.site / "data" / "index.json"} <= targets
    index = json.loads((site.site / "data" / "index.json").read_text(encoding="utf-8"))
    for region in index["regions"]:
        for year in region["years"]:
            listed = json.loads((site.site / index["path"].format(code=region["code"], year=year)).read_text(encoding="utf-8"))
            assert all((site.site / r["page"] / "index.html").is_file() for r in listed["reports"])


# ---- addresses: sitemap, canonical links, redirects, report orientation ---------------------------

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def built_pages(site: Path) -> set[str]:
    """Every page MkDocs wrote (an index.html with the theme's CSP), not the redirect files."""
    return {page.parent.relative_to(site).as_posix() + "/" for page in site.rglob("index.html")
            if 'name="gknb-scope"' in page.read_text(encoding="utf-8")}


def test_the_sitemap_lists_every_page_generated_ones_included(site: BuiltSite) -> None:
    tree = lxml.etree.parse(str(site.site / "sitemap.xml"))
    locs = [unquote(loc) for loc in tree.xpath("//s:loc/text()", namespaces=SITEMAP_NS)]
    assert len(locs) == len(set(locs))
    assert {("" if loc == "./" else loc) for loc in locs} == {p.removeprefix("./") for p in built_pages(site.site)}
    assert {page_url(e.src) for e in entries_of(site.corpus.records)} <= set(locs)
    assert not tree.xpath("//s:lastmod", namespaces=SITEMAP_NS)   # no build date: builds stay identical


def test_every_page_names_its_canonical_address(site: BuiltSite) -> None:
    for page in sorted(built_pages(site.site)):
        html = lxml.html.parse(str(site.site / page / "index.html")).getroot()
        canonical = html.xpath("//link[@rel='canonical']/@href")
        assert len(canonical) == 1 and canonical[0] in {"./", "."}, page


def test_old_hash_addresses_lead_to_the_report(site: BuiltSite) -> None:
    for entry in entries_of(site.corpus.records):
        old = site.site / "reports" / entry.legacy / "index.html"
        target = lxml.html.parse(str(old)).getroot().xpath("//a/@href")[0]
        assert resolves_to(site, f"reports/{entry.legacy}.md", target) == site.site / page_url(entry.src) / "index.html"


def test_report_page_orients_the_reader(site: BuiltSite) -> None:
    """Breadcrumbs region › … › body › year, the official title, 原文链接 and publisher, the PDF in the browser."""
    entry = next(e for e in entries_of(site.corpus.records) if e.record.source["path"] == "hongze_district_2024.pdf")
    page = html_page(site, entry.src)
    crumbs = page.xpath("//nav[@class='gknb-trail']")[0]
    assert [a.text_content() for a in crumbs.xpath("a")] == ["全部地区", "江苏省", "淮安市", "洪泽区", "淮安市洪泽区人民政府"]
    assert crumbs.xpath("span[@aria-current='page']")[0].text_content() == "2024 年度"
    targets = [resolves_to(site, entry.src, a.get("href")) for a in crumbs.xpath("a")]
    assert targets == [site.site / p / "index.html" for p in
                       ("browse/region", "browse/region/32", "browse/region/3208", "browse/region/320813",
                        page_url(entry.body_src))]
    assert page.xpath("//h1")[0].text_content() == "淮安市洪泽区人民政府2024年政府信息公开工作年度报告"
    card = {dt.text_content(): dd for dt, dd in zip(page.xpath("//dl[@class='gknb-card']/dt"),
                                                   page.xpath("//dl[@class='gknb-card']/dd"))}
    assert card["发布机关"].text_content() == entry.record.agency["name"]
    assert card["原文链接"].text_content() == "未提供"      # this copy has no sidecar
    view = card["原始文件"].xpath("a[@class='gknb-view']")[0]
    assert view.get("download") is None and view.get("href") == card["原始文件"].xpath("a[@download]")[0].get("href")
    frame = page.xpath("//details[@class='gknb-pdf']/iframe")[0]
    assert resolves_to(site, entry.src, frame.get("src")).read_bytes() == \
        (site.content / "hongze_district_2024.pdf").read_bytes()


def test_no_title_doubles_nian_du(site: BuiltSite) -> None:
    for entry in entries_of(site.corpus.records):
        title = html_page(site, entry.src).xpath("//h1")[0].text_content()
        assert "年度政府信息公开" not in title and title.endswith("政府信息公开工作年度报告"), title
        assert f"{entry.record.year}年" in title


def test_cite_box_gives_permalink_version_date_and_reference(site: BuiltSite) -> None:
    entry = next(e for e in entries_of(site.corpus.records) if e.record.source["path"] == "柱濮镇-2023.txt")
    cite = html_page(site, entry.src).xpath("//section[@class='gknb-cite']")[0]
    rows = dict(zip((dt.text_content() for dt in cite.xpath(".//dt")), cite.xpath(".//dd")))
    permalink = rows["永久链接"].xpath("a")[0]
    assert permalink.get("href") == "./" and permalink.text_content() == "reports/141181106/柱濮镇/2023/"
    assert rows["版本"].xpath("code")[0].text_content() == entry.record.source["sha256"][:12]
    assert rows["数据日期"].text_content().startswith(entry.record.published or "报告未注明")
    assert rows["建议引用"].text_content() == (f"柱濮镇. 柱濮镇2023年政府信息公开工作年度报告[EB/OL]. "
                                           f"({entry.record.published})[引用日期]. reports/141181106/柱濮镇/2023/.")


def test_the_original_address_is_linked_only_when_it_is_a_web_address(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for name, url in (("柱濮镇-2023.txt", "https://www.example.gov.cn/gk/2024/t1.html"),
                      ("段店乡-2022.txt", "javascript:alert(1)")):
        shutil.copy(ROOT / "content" / name, content)
        (content / f"{name}.yml").write_text(f"source_url: {json.dumps(url)}\n", encoding="utf-8")
    files = generate(build_corpus(content), content)
    shown_links = {}
    for src, text in files.pages.items():
        if src.startswith("reports/"):
            page = lxml.html.fromstring(text.split("\n---\n", 1)[1])
            dd = page.xpath("//dt[.='原文链接']/following-sibling::dd[1]")[0]
            shown_links[src] = (dd.xpath("a/@href"), dd.text_content())
    assert shown_links["reports/141181106/柱濮镇/2023.md"][0] == ["https://www.example.gov.cn/gk/2024/t1.html"]
    assert "www.example.gov.cn" in shown_links["reports/141181106/柱濮镇/2023.md"][1]
    assert shown_links["reports/141002200/段店乡/2022.md"] == ([], "未提供")


def test_under_site_url_the_addresses_are_absolute(tmp_path: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(ROOT / "content/柱濮镇-2023.txt", content)
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"), site_url="https://example.org/gknb/",
                         plugins={"gknb": {"content_dir": str(content), "search": False}})
    build(config)
    site = tmp_path / "site"
    address = "https://example.org/gknb/reports/141181106/%E6%9F%B1%E6%BF%AE%E9%95%87/2023/"
    locs = lxml.etree.parse(str(site / "sitemap.xml")).xpath("//s:loc/text()", namespaces=SITEMAP_NS)
    assert address in locs and all(loc.startswith("https://example.org/gknb/") for loc in locs)
    page = lxml.html.parse(str(site / "reports/141181106/柱濮镇/2023/index.html")).getroot()
    assert page.xpath("//link[@rel='canonical']/@href") == [address]
    assert page.xpath("//a[@data-gknb-permalink]/@href") == [address]
    not_found = lxml.html.parse(str(site / "404.html")).getroot()
    assert not_found.xpath("//base/@href") == ["https://example.org/gknb/"]
