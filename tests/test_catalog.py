"""What programs and followers read, and the findings as pages people can open: the JSON index
files per region and year, the Atom feeds (read back with feedparser as a feed reader would), the
findings split by check and by province (no page lists them all, and together they list each
finding once), the problem list of each region page, and page addresses under `site_url`.

The corpora are records built from cell values (tests/checks/reports.py) in three provinces, with
problems of every kind the region pages list; checks run on them as in a build."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import feedparser
import jsonschema
import lxml.etree
import lxml.html
import pytest

from gknb.check.registry import PROBLEM_KINDS, check_report, problem_kinds, run_corpus_checks
from gknb.corpus.pipeline import Corpus
from gknb.model.record import Correction, Record, Severity
from gknb.portal import pages
from gknb.portal.catalog import INDEX
from gknb.portal.dictionary import REPORTS_CSV
from gknb.portal.open_data import csv_text
from gknb.portal.feeds import FEED, FEED_SIZE, feed_path
from gknb.portal.pages import Entry, bodies, entries_of, findings_pages, generate, link, page_url
from gknb.publish.shards import prefixed, prefixed_record

from tests.checks.reports import report

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "build_tools/gknb/data/record.schema.json").read_text(encoding="utf-8"))
ATOM = "{http://www.w3.org/2005/Atom}"
# (code, province, city, county): three provinces, two counties in one of them.
REGIONS = (("141002000000", "山西省", "临汾市", "尧都区"), ("141181000000", "山西省", "吕梁市", "孝义市"),
           ("370687000000", "山东省", "烟台市", "海阳市"), ("620422000000", "甘肃省", "白银市", "会宁县"))
BROKEN_BALANCE = {"applications.new_received.total": 5}   # 5 new requests, no outcome: balance and row total fail


def synthetic(count: int) -> list[Record]:
    """`count` county-government reports, 2021–2023, round the regions; every third is late, every
    fourth has no fee statement, every fifth has broken tables, one in seven has no date at all."""
    records = []
    for i in range(count):
        code, province, city, county = REGIONS[i % len(REGIONS)]
        year = 2021 + i % 3
        published = None if i % 7 == 6 else (f"{year + 1}-06-0{1 + i % 9}" if i % 3 == 0 else f"{year + 1}-02-1{i % 10}")
        record = report(BROKEN_BALANCE if i % 5 == 0 else None, year=year, published=published,
                        name=f"{county}第{i // 12}号人民政府", other_matters="" if i % 4 == 0 else "本年度未收取信息处理费。",
                        path=f"r{i:05d}.txt")
        record.region = {"province": province, "city": city, "county": county, "town": None, "code": code}
        record.source = {**record.source, "sha256": hashlib.sha256(f"report {i}".encode()).hexdigest()}
        check_report(record)
        records.append(record)
    run_corpus_checks(records)
    return records


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return synthetic(48)


def site_of(records: list[Record], site_url: str = "") -> pages.SiteFiles:
    return generate(Corpus(inputs=len(records), records=records), ROOT, jobs=1, site_url=site_url)


@pytest.fixture(scope="module")
def site(records: list[Record]) -> pages.SiteFiles:
    return site_of(records)


def json_of(site: pages.SiteFiles, path: str) -> Any:
    return json.loads(site.data[path].decode("utf-8"))


# ---- the JSON index files ---------------------------------------------------------------------

def test_each_region_and_year_file_counts_its_reports_and_lists_each_report_once(
        site: pages.SiteFiles, records: list[Record]) -> None:
    entries = entries_of(records)
    index = json_of(site, INDEX)
    assert index["count"] == len(records) and index["site_url"] is None
    listed = {(r["code"], int(year)): count for r in index["regions"] for year, count in r["years"].items()}
    expected: dict[tuple[str, int], set[str]] = {}
    for entry in entries:
        code = entry.record.region["code"]
        for region in (code[:2], code[:4], code[:6]):
            expected.setdefault((region, entry.record.year or 0), set()).add(entry.id)
    assert set(listed) == set(expected)
    seen: list[str] = []
    for (region, year), ids in expected.items():
        data = json_of(site, index["path"].format(code=region, year=year))
        assert data["region"]["code"] == region and data["year"] == year and data["count"] == len(ids)
        assert listed[(region, year)] == len(ids)
        # A county lists all its reports; a province or prefecture only its own bodies', and counts
        # the rest by the sub-regions whose files list them.
        own = {e.id for e in entries if e.region_code == region} if len(region) < 6 else ids
        assert {r["id"] for r in data["reports"]} == own
        below = {(r["code"], r["count"]) for r in data["regions"]}
        assert sum(count for _code, count in below) == len(ids) - len(own)
        assert all(listed[(code, year)] == count and code.startswith(region) for code, count in below)
        seen += [r["id"] for r in data["reports"]]
    assert sorted(seen) == sorted(e.id for e in entries)      # each report in exactly one file
    assert {r["code"]: r["level"] for r in index["regions"]}["1410"] == "city"
    assert {r["code"]: r["parent"] for r in index["regions"]}["141002"] == "1410"
    assert index["feed"] == FEED and index["feeds"] == {p: feed_path(p) for p in ("14", "37", "62")}
    assert len(site.data[INDEX]) < 200 * len(index["regions"])   # compact: one line


def test_an_index_row_carries_the_record_values_and_resolves(site: pages.SiteFiles, records: list[Record]) -> None:
    entry = next(e for e in entries_of(records) if e.record.source["path"] == "r00000.txt")
    row = next(r for r in json_of(site, "data/index/141002/2021.json")["reports"] if r["id"] == entry.id)
    record = entry.record
    assert row["page"] == page_url(entry.src) and entry.src in site.pages
    assert "json" not in row and row["xlsx"] in site.data   # the record is in data/reports.jsonl.gz only
    assert row["version"] == record.source["sha256"][:12] and row["published"] == record.published == "2022-06-01"
    assert row["status"] == record.status == "fail"
    assert row["findings"] == {s.value: sum(1 for f in record.findings if f.severity is s) for s in Severity}
    # r00000: late (June), no fee statement, broken balance: every kind, in declaration order.
    assert row["problems"] == [k.key for k in PROBLEM_KINDS] == ["late", "no_fee_statement", "tables"]
    assert json_of(site, INDEX)["problems"] == {k.key: k.words for k in PROBLEM_KINDS}


# ---- the Atom feeds ----------------------------------------------------------------------------

def read_feed(site: pages.SiteFiles, path: str, at: str = "https://example.org/portal/") -> Any:
    """The feed as a reader fetching it from `at` + path sees it (relative links resolved by xml:base)."""
    parsed = feedparser.parse(site.data[path], response_headers={
        "content-location": at + path, "content-type": "application/atom+xml; charset=utf-8"})
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def expected_date(record: Record) -> str:
    return record.published or f"{record.year + 1}-01-01" if record.year else "1970-01-01"


def test_the_national_feed_lists_the_newest_reports_with_stable_ids(site: pages.SiteFiles,
                                                                    records: list[Record]) -> None:
    entries = entries_of(records)
    feed = read_feed(site, FEED)
    newest = sorted(sorted(entries, key=lambda e: e.id), key=lambda e: expected_date(e.record), reverse=True)
    assert [e.id for e in feed.entries] == [f"urn:gknb:report:{e.id}" for e in newest[:FEED_SIZE]]
    first, record = feed.entries[0], newest[0].record
    assert first.link == "https://example.org/portal/" + page_url(newest[0].src)
    assert first.updated == expected_date(record) + "T00:00:00+08:00"
    assert first.author == record.agency["name"]
    assert {t.term for t in first.tags} == {record.status, *(k.key for k in problem_kinds(record))}
    assert record.source["sha256"][:12] in first.summary
    assert feed.feed.updated == first.updated and feed.feed.link == "https://example.org/portal/"


def test_a_province_feed_lists_only_that_province_and_links_its_region_page(site: pages.SiteFiles,
                                                                            records: list[Record]) -> None:
    feed = read_feed(site, feed_path("14"))
    ids = {f"urn:gknb:report:{e.id}" for e in entries_of(records) if e.record.region["code"].startswith("14")}
    assert {e.id for e in feed.entries} == ids and len(ids) == 24
    assert feed.feed.link == "https://example.org/portal/browse/region/14/"
    assert all(e.link.startswith("https://example.org/portal/reports/") for e in feed.entries)
    undated = [e for e in feed.entries if "发布日期：未识别" in e.summary]
    assert undated and all(e.updated.endswith("-01-01T00:00:00+08:00") for e in undated)


def test_a_feed_caps_its_entries_and_a_correction_dates_its_change() -> None:
    records = synthetic(FEED_SIZE + 20)
    corrected = records[-1]
    corrected.corrections = {"applications.granted.total": Correction(1, "核实", "某人", "2099-05-01",
                                                                      corrected.cell("applications.granted.total"))}
    feed = read_feed(site_of(records), FEED)
    assert len(feed.entries) == FEED_SIZE
    assert feed.entries[0].id.endswith(entries_of([corrected])[0].id)
    assert feed.entries[0].updated.startswith("2099-05-01") and "人工更正：2099-05-01" in feed.entries[0].summary


def test_untrusted_text_with_control_characters_still_gives_well_formed_feeds() -> None:
    records = synthetic(4)
    records[0].agency["name"] = "<b>恶意&\x00\x07镇</b>]]>人民政府"
    site = site_of(records)
    for path in (FEED, feed_path("14")):
        root = lxml.etree.fromstring(site.data[path])  # raises on a document that is not well-formed
        names = [a.text for a in root.iter(f"{ATOM}name")]
        assert "<b>恶意&镇</b>]]>人民政府" in names


def test_feeds_and_index_are_the_same_bytes_from_the_same_records(records: list[Record]) -> None:
    first, second = site_of(records), site_of(list(reversed(synthetic(48))))
    written = [p for p in first.data if p == FEED or p.startswith(("feeds/", "data/index"))]
    assert len(written) > 20 and all(first.data[p] == second.data[p] for p in written)


def bulk_record(site: pages.SiteFiles, report_id: str) -> Any:
    """The report's record as published: its line of data/reports.jsonl.gz (its only copy)."""
    lines = gzip.decompress(site.data["data/reports.jsonl.gz"]).splitlines()
    return next(r for r in map(json.loads, lines) if r["portal"]["id"] == report_id)


# ---- page addresses under site_url --------------------------------------------------------------

def test_site_url_makes_every_page_address_absolute(records: list[Record]) -> None:
    base = "https://example.org/gknb/"
    site = site_of(records, base)
    entry = entries_of(records)[0]
    address = base + page_url(entry.src)
    rows = list(csv.DictReader(csv_text(site.data[f"data/{REPORTS_CSV}"])))
    assert {r["page"] for r in rows} == {base + page_url(e.src) for e in entries_of(records)}
    record = bulk_record(site, entry.id)
    jsonschema.validate(record, SCHEMA)
    assert record["portal"] == {"id": entry.id, "page": address, "body_id": rows[0]["body_id"],
                                "version": entry.record.source["sha256"][:12],
                                "body_page": base + page_url(entry.body_src) if entry.body_src else ""}
    line = json.loads(gzip.decompress(site.data["data/reports.jsonl.gz"]).splitlines()[0])
    assert line["portal"]["page"] == address
    index = json_of(site, INDEX)
    assert index["site_url"] == base
    rows_62 = json_of(site, "data/index/62/2021.json")["reports"]
    assert all(r["page"].startswith(base + "reports/") for r in rows_62)
    feed = lxml.etree.fromstring(site.data[feed_path("62")])
    assert feed.get("{http://www.w3.org/XML/1998/namespace}base") is None
    assert {e.get("href") for e in feed.iter(f"{ATOM}link") if e.get("rel") == "self"} == {base + "feeds/62.xml"}
    assert all(e.get("href").startswith(base) for e in feed.iter(f"{ATOM}link"))


def test_without_site_url_addresses_are_site_paths(site: pages.SiteFiles, records: list[Record]) -> None:
    entry = entries_of(records)[0]
    record = bulk_record(site, entry.id)
    jsonschema.validate(record, SCHEMA)
    assert record["portal"]["page"] == page_url(entry.src)
    feed = lxml.etree.fromstring(site.data[feed_path("62")])
    assert feed.get("{http://www.w3.org/XML/1998/namespace}base") == "../"


def test_a_split_build_prefixes_site_paths_and_keeps_absolute_addresses() -> None:
    assert prefixed("62", "reports/x/") == "shards/62/reports/x/"
    assert prefixed("62", "https://example.org/shards/62/reports/x/") == "https://example.org/shards/62/reports/x/"
    record = {"source": {}, "portal": {"id": "x", "page": "reports/x/", "body_id": None}}
    assert prefixed_record("62", record)["portal"]["page"] == "shards/62/reports/x/"


# ---- findings pages: by check, by province, never all on one page ------------------------------

def hrefs(markdown: str) -> list[str]:
    """Every link of a generated page (its HTML blocks, entities decoded)."""
    tree = lxml.html.fragment_fromstring(markdown.split("\n---\n", 1)[1], create_parent="div")
    return [a.get("href") for a in tree.iter("a")]


def list_rows(markdown: str) -> list[Any]:
    """The rows of a findings page's list table."""
    rows = []
    for block in re.findall(r"<div class=\"gknb-scroll\".*?</div>", markdown, re.S):
        tree = lxml.html.fragment_fromstring(block)
        for table in tree.iter("table"):
            if table.get("data-findings") == "list":
                rows += table.xpath("tbody/tr")
    return rows


def problems_of(entries: list[Entry]) -> list[tuple[str, str, str]]:
    return [(e.src, f.check, f.message) for e in entries for f in e.record.findings if f.severity is not Severity.INFO]


def shown(src: str, row: Any) -> tuple[str, str, str]:
    """(report page, check, message) of a list row."""
    target = posixpath_join(src, row.xpath("td[1]/a")[0].get("href"))
    return target, row.get("data-check"), row.xpath("td[last()]")[0].text_content()


def posixpath_join(src: str, href: str) -> str:
    """The page a link leads to (links carry Chinese path segments percent-encoded)."""
    import posixpath
    from urllib.parse import unquote

    goal = posixpath.normpath(posixpath.join(page_url(src) or ".", unquote(href)))
    return f"{goal}.md"


def test_check_pages_together_list_each_finding_once_and_none_lists_all(records: list[Record]) -> None:
    entries = entries_of(records)
    made = findings_pages(entries, bodies(entries), per_page=10)
    everything = problems_of(entries)
    check_pages = {src: text for src, text in made.items() if src.startswith("findings/check/")}
    listed = [shown(src, row) for src, text in sorted(check_pages.items()) for row in list_rows(text)]
    assert sorted(listed) == sorted(everything) and len(everything) > 40
    assert max(len(list_rows(text)) for text in made.values()) == 10
    for src, text in check_pages.items():
        check = re.sub(r"-[0-9]+$", "", Path(src).stem)   # balance.md, fee_statement-2.md …
        assert {row.get("data-check") for row in list_rows(text)} == {check}
    # balance has one finding per fifth report (10 of 48): one page; fee_statement 12: two, linked both ways.
    assert "findings/check/fee_statement-2.md" in made
    for src in ("findings/check/fee_statement.md", "findings/check/fee_statement-2.md"):
        targets = {posixpath_join(src, h) for h in hrefs(made[src])}
        assert {"findings/check/fee_statement.md", "findings/check/fee_statement-2.md"} - {src} <= targets


def test_province_pages_hold_their_own_findings_by_body(records: list[Record]) -> None:
    entries = entries_of(records)
    made = findings_pages(entries, bodies(entries), per_page=1000)
    for province in ("14", "37", "62"):
        mine = [e for e in entries if e.region_code.startswith(province)]
        text = made[f"findings/region/{province}.md"]
        rows = [shown(f"findings/region/{province}.md", row) for row in list_rows(text)]
        assert rows == problems_of(mine)   # in listing order: region, body, year, then registry order
    index = made["findings/index.md"]
    targets = {posixpath_join("findings/index.md", h) for h in hrefs(index)}
    assert {"findings/region/14.md", "findings/region/37.md", "findings/region/62.md",
            "findings/check/balance.md", "findings/check/deadline.md"} <= targets
    counts = lxml.html.fragment_fromstring(re.search(r'<table[^>]*data-findings="checks".*?</table>', index, re.S)[0])
    found = {tr.xpath("td[1]/code")[0].text: int(tr.xpath("td[4]")[0].text) for tr in counts.xpath("tbody/tr")}
    assert found["balance"] == sum(1 for e in entries for f in e.record.findings if f.check == "balance")


def test_at_5000_reports_every_findings_page_stays_small() -> None:
    base = synthetic(len(REGIONS) * 30)
    records = [replace(r, source={**r.source, "sha256": hashlib.sha256(f"{i}".encode()).hexdigest(),
                                  "path": f"copy{i:05d}.txt"})
               for i, r in enumerate(base[j % len(base)] for j in range(5000))]
    entries = entries_of(records)
    made = findings_pages(entries, bodies(entries))
    total = len(problems_of(entries))
    sizes = {src: len(text.encode("utf-8")) for src, text in made.items()}
    assert total > 4000 and all(len(list_rows(t)) <= pages.FINDINGS_PER_PAGE for t in made.values())
    assert max(sizes.values()) < 200_000, max(sizes.items(), key=lambda item: item[1])
    assert len([s for s in made if s.startswith("findings/region/14")]) > 5  # 2,500 reports of 山西: paged


# ---- region pages: which reports each lists one by one -----------------------------------------

def listed_sources(page: str, src: str) -> list[str]:
    block = re.search(r'<table class="gknb-list gknb-reports".*?</table>', page, re.S)
    rows = lxml.html.fragment_fromstring(block[0]).xpath("tbody/tr") if block else []
    return [posixpath_join(src, r.xpath("td[1]/a")[0].get("href")) for r in rows]


def test_a_county_lists_all_its_reports_and_a_province_or_prefecture_only_its_own_bodies() -> None:
    """A province's and a prefecture's departments sit on their pages; every other report is a row of
    its county's page only (the levels above count them)."""
    records = synthetic(24)
    for record, (code, city, body) in zip(records[:2], (("140000000000", None, "山西省教育厅"),
                                                        ("141000000000", "临汾市", "临汾市教育局"))):
        record.region = {"province": "山西省", "city": city, "county": None, "town": None, "code": code}
        record.agency = {"name": body, "type": "省级部门" if city is None else "市级部门"}
    made = site_of(records)
    entries = entries_of(records)
    expected = {"14": [e.src for e in entries if e.region_code == "14"],
                "1410": [e.src for e in entries if e.region_code == "1410"],
                "141002": [e.src for e in entries if e.region_code.startswith("141002")]}
    assert [len(v) for v in expected.values()] == [1, 1, 5]
    for code, sources in expected.items():
        src = f"browse/region/{code}.md"
        assert listed_sources(made.pages[src], src) == sources, code
        total = sum(1 for e in entries if e.region_code.startswith(code))
        assert f"共 {total} 份报告" in made.pages[src]
    assert "下级地区的报告逐份列在其所属县区的页面上（只有一份报告的地区，链接直接指向那份报告）；本页列出本级机关的报告。" in made.pages["browse/region/14.md"]
    assert "下级地区的报告逐份列在其所属县区的页面上" not in made.pages["browse/region/141002.md"]


# ---- region pages: the problems by body ---------------------------------------------------------

def test_region_pages_list_each_report_with_a_problem_and_its_kinds(site: pages.SiteFiles,
                                                                    records: list[Record]) -> None:
    entries = entries_of(records)
    for code in ("14", "1410", "141002", "62"):
        src = f"browse/region/{code}.md"
        block = re.search(r"<table[^>]*data-problems.*?</table>", site.pages[src], re.S)
        assert block is not None, src
        rows = lxml.html.fragment_fromstring(block[0]).xpath("tbody/tr")
        expected = [(e.src, [k.key for k in problem_kinds(e.record)]) for e in entries
                    if e.region_code.startswith(code) and problem_kinds(e.record)]
        assert [(posixpath_join(src, r.xpath("td[1]/a")[0].get("href")),
                 [s.get("data-kind") for s in r.xpath("td[4]/span")]) for r in rows] == expected
        assert any(kinds == ["late", "no_fee_statement", "tables"] for _src, kinds in expected) == (code[:2] == "14")
    page = site.pages["browse/region/62.md"]
    assert 'gknb_feed: "feeds/62.xml"' in page
    assert link("browse/region/62.md", "findings/region/62.md") in page
