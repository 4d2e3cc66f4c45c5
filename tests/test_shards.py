"""Split builds (`gknb build --shard province`): one site per province plus a top-level site whose
search merges the shards' Pagefind indexes.

Two seeds of two provinces (山东 37, 甘肃 62, the latter with its sidecar) and an unreadable file
(shard `unknown`, which has nothing to index) are built once per module through the real CLI; the
top-level site is then searched in headless Chromium under a sub-path.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
import pytest

from conftest import serve_under
from gknb import cli
from gknb.portal.dictionary import FINDINGS_CSV, REPORTS_CSV
from gknb.portal.open_data import csv_text
from gknb.publish import shards

pytestmark = pytest.mark.site  # builds whole sites: `pytest -m 'not site and not browser'` skips them

ROOT = Path(__file__).resolve().parent.parent
SEEDS = {"37": ["海阳市行村镇人民政府-2020.txt"], "62": ["会宁县乡村振兴局-2021.txt", "会宁县乡村振兴局-2021.txt.yml"]}
UNREADABLE = "notes.xyz"
PLAN = {**SEEDS, shards.UNKNOWN: [UNREADABLE]}
BODIES = {"37": "海阳市行村镇人民政府", "62": "会宁县乡村振兴局"}
SUB_PATH = "portal"


@dataclass
class Split:
    root: Path
    config: Path
    site: Path
    seconds: float


def write_project(root: Path) -> Path:
    """A project that inherits the repository's mkdocs.yml, with its own content and cache."""
    content = root / "content"
    content.mkdir(parents=True)
    for names in SEEDS.values():
        for name in names:
            shutil.copy(ROOT / "content" / name, content / name)
    (content / UNREADABLE).write_bytes(b"\x00\x01 not a report")
    (content / ".hidden.txt").write_text("not read", encoding="utf-8")  # listed as ignored, in no shard
    config = root / "mkdocs.yml"
    config.write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {ROOT / 'docs'}\n"
                      f"theme:\n  custom_dir: {ROOT / 'overrides'}\n"
                      "plugins:\n  - gknb:\n      content_dir: content\n      cache_dir: cache\n", encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def split(tmp_path_factory: pytest.TempPathFactory) -> Split:
    root = tmp_path_factory.mktemp("split")
    config = write_project(root)
    site = root / "site"
    start = time.perf_counter()
    assert cli.main(["build", "--config", str(config), "--shard", "province", "--site-dir", str(site)]) == 0
    return Split(root, config, site, time.perf_counter() - start)


def html(path: Path) -> Any:
    return lxml.html.parse(str(path)).getroot()


def report_pages(site: Path) -> dict[str, str]:
    """Report page (reports/<region>/<body>/<year>/, not the redirects at hash addresses) → its h1."""
    return {p.parent.relative_to(site).as_posix(): html(p).findtext(".//article//h1").strip()
            for p in sorted((site / "reports").glob("*/*/*/index.html"))}


def test_plan_puts_each_report_with_its_sidecar_in_its_province(tmp_path: Path) -> None:
    write_project(tmp_path)
    plan = shards.plan_shards(tmp_path / "content", cache_dir=tmp_path / "cache")
    assert {k: [p.as_posix() for p in v] for k, v in plan.items()} == PLAN
    assert list(plan) == ["37", "62", shards.UNKNOWN]


def test_shards_command_prints_the_keys(split: Split, capsys: pytest.CaptureFixture[str]) -> None:
    plan = split.root / "plan.json"
    assert cli.main(["shards", "--config", str(split.config), "--save", str(plan)]) == 0
    assert capsys.readouterr().out.split() == ["37", "62", "unknown"]
    assert cli.main(["shards", "--config", str(split.config), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == ["37", "62", "unknown"]
    assert json.loads(plan.read_text(encoding="utf-8")) == PLAN


def test_each_shard_is_a_site_with_its_own_reports_and_index(split: Split) -> None:
    for key, body in BODIES.items():
        shard = split.site / "shards" / key
        titles = list(report_pages(shard).values())
        assert len(titles) == 1 and body in titles[0], titles
        entry = json.loads((shard / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert entry["languages"]["zh"]["page_count"] == 1
        report = json.loads((shard / "data" / "build-report.json").read_text(encoding="utf-8"))
        assert [p["path"] for p in report["published"]] == SEEDS[key][:1]
        # The sidecar travelled with its report: its agency name wins over the parser's.
    record = json.loads(gzip.decompress((split.site / "shards/62/data/reports.jsonl.gz").read_bytes()))
    assert record["agency"]["name"] == BODIES["62"]
    assert not (split.site / "reports").exists() and not (split.site / "pagefind").exists()
    # The unreadable file is listed by the shard `unknown`, which has no report and so no index.
    unknown = split.site / "shards" / shards.UNKNOWN
    report = json.loads((unknown / "data" / "build-report.json").read_text(encoding="utf-8"))
    assert report["published"] == [] and [r["path"] for r in report["rejected"]] == [UNREADABLE]
    assert (unknown / "findings" / "rejected" / "index.html").is_file() and not (unknown / "pagefind").exists()


def test_top_level_site_links_into_both_shards(split: Split) -> None:
    home = html(split.site / "index.html")
    hrefs = {a.get("href") for a in home.iter("a")}
    assert {"shards/37/", "shards/62/", "shards/37/browse/region/37/", "shards/62/browse/region/62/",
            "shards/unknown/", "shards/unknown/findings/rejected/"} <= hrefs
    browse = split.site / "browse" / "region" / "index.html"
    for href in {a.get("href") for a in html(browse).iter("a")}:
        if href and "shards/" in href:
            target = (browse.parent / href).resolve()
            assert (target / "index.html").is_file(), href
    search = html(split.site / "search" / "index.html")
    assert search.get_element_by_id("gknb-search") is not None
    bundles = search.find(".//meta[@name='gknb-search-bundles']")
    assert bundles is not None and bundles.get("content") == "shards/37/pagefind/ shards/62/pagefind/"
    names = search.find(".//meta[@name='gknb-search-names']")
    assert names is not None and names.get("content") == "山东省|甘肃省"
    assert search.find(".//meta[@name='gknb-search-national']") is None  # opt-in: plugin option national_search
    # The theme and its Content-Security-Policy are those of the shards.
    assert search.find(".//meta[@http-equiv='Content-Security-Policy']") is not None


def test_top_level_data_merges_the_shards(split: Split) -> None:
    data = split.site / "data"
    records = [json.loads(line) for line in gzip.decompress((data / "reports.jsonl.gz").read_bytes()).splitlines()]
    assert [r["source"]["path"] for r in records] == [SEEDS["37"][0], SEEDS["62"][0]]
    rows = list(csv.DictReader(csv_text((data / REPORTS_CSV).read_bytes())))
    assert [r["agency.name"] for r in rows] == [BODIES["37"], BODIES["62"]]
    for row in rows:
        assert (split.site / row["page"] / "index.html").is_file()
        assert "json" not in row and (split.site / row["xlsx"]).is_file()
    report = json.loads((data / "build-report.json").read_text(encoding="utf-8"))
    assert report["inputs"] == 3 and [s["key"] for s in report["shards"]] == ["37", "62", "unknown"]
    assert report["rejected"] == [{"path": UNREADABLE, "reason": report["rejected"][0]["reason"], "shard": "unknown"}]
    assert [i["path"] for i in report["ignored"]] == [".hidden.txt"]
    schema = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    fields = [f["name"] for f in schema["resources"][0]["schema"]["fields"]]
    assert fields == list(rows[0])


def test_top_level_has_the_dictionary_findings_feeds_and_index_of_every_shard(split: Split) -> None:
    fields = html(split.site / "fields" / "index.html")
    columns = [td.text_content() for td in fields.xpath("(//table[contains(@class,'gknb-fields')])[1]/tbody/tr/td[1]")]
    header = next(csv.reader(csv_text((split.site / "data" / REPORTS_CSV).read_bytes())))
    assert columns == header
    workbooks = [a.get("href") for a in fields.xpath("//ul[@class='gknb-workbooks']//a")]
    assert workbooks == ["../shards/37/data/xlsx/province-37.xlsx", "../shards/62/data/xlsx/province-62.xlsx"]
    assert all((split.site / "fields" / w).resolve().is_file() for w in workbooks)
    nav = {a.text_content().strip() for a in html(split.site / "index.html").xpath("//nav[contains(@class,'md-nav--primary')]//a")}
    assert {"字段说明", "按校验项与省份"} <= nav
    findings = html(split.site / "findings" / "index.html")
    provinces = {tr.xpath("th")[0].text_content(): tr.xpath("th/a")[0].get("href")
                 for tr in findings.xpath("//table[@data-findings='provinces']/tbody/tr")}
    assert set(provinces) == {"山东省", "甘肃省"}
    assert all((split.site / "findings" / h / "index.html").resolve().is_file() for h in provinces.values())
    checks = {tr.xpath("td[1]/code")[0].text: int(tr.xpath("td[4]")[0].text)
              for tr in findings.xpath("//table[@data-findings='checks']/tbody/tr")}
    rows = [r for r in csv.DictReader(csv_text((split.site / "data" / FINDINGS_CSV).read_bytes())) if r["severity"] != "info"]
    assert checks == {c: sum(1 for r in rows if r["check"] == c) for c in {r["check"] for r in rows}}
    # The feeds and the JSON index: rebuilt from the shards' index files, paths into the shards.
    feed = lxml.etree.fromstring((split.site / "feed.xml").read_bytes())
    atom = "{http://www.w3.org/2005/Atom}"
    entries = {e.findtext(f"{atom}author/{atom}name"): e.find(f"{atom}link").get("href") for e in feed.iter(f"{atom}entry")}
    assert set(entries) == set(BODIES.values())
    assert all((split.site / href / "index.html").is_file() for href in entries.values())
    assert (split.site / "feeds" / "62.xml").is_file() and (split.site / "feeds" / "37.xml").is_file()
    index = json.loads((split.site / "data" / "index.json").read_text(encoding="utf-8"))
    provinces_listed = {r["code"]: r for r in index["regions"] if r["level"] == "province"}
    assert set(provinces_listed) == {"37", "62"} and index["feeds"] == {"37": "feeds/37.xml", "62": "feeds/62.xml"}
    assert provinces_listed["62"]["years"] == {"2021": 1}
    province = json.loads((split.site / index["path"].format(code="62", year=2021)).read_text(encoding="utf-8"))
    assert province["count"] == 1 and province["reports"] == [] and province["regions"] == [
        {"code": "6204", "name": "白银市", "count": 1}]                     # listed by its county's file
    listed = json.loads((split.site / index["path"].format(code="620422", year=2021)).read_text(encoding="utf-8"))
    assert [r["body"] for r in listed["reports"]] == [BODIES["62"]]
    assert listed["reports"][0]["page"].startswith("shards/62/reports/")
    assert (split.site / listed["reports"][0]["page"] / "index.html").is_file()
    assert "json" not in listed["reports"][0] and (split.site / listed["reports"][0]["xlsx"]).is_file()
    record = json.loads(gzip.decompress((split.site / "data/reports.jsonl.gz").read_bytes()).splitlines()[1])
    assert record["portal"]["page"] == listed["reports"][0]["page"]


def test_index_only_rebuilds_the_top_level_from_built_shards(split: Split) -> None:
    shard_home = split.site / "shards" / "37" / "index.html"
    before = shard_home.stat().st_mtime_ns
    (split.site / "index.html").unlink()
    assert cli.main(["build", "--config", str(split.config), "--index-only", "--site-dir", str(split.site)]) == 0
    assert (split.site / "index.html").is_file()
    assert shard_home.stat().st_mtime_ns == before
    assert cli.main(["build", "--config", str(split.config), "--only", "99", "--site-dir", str(split.site)]) == 1
    # --strict fails the build of the shard holding the unreadable file.
    assert cli.main(["build", "--config", str(split.config), "--only", "unknown", "--strict",
                     "--site-dir", str(split.root / "strict")]) == 1


# ---- the merged search in a browser ------------------------------------------------------------


@pytest.fixture(scope="module")
def base_url(split: Split) -> Iterator[str]:
    yield from serve_under(split.root / "www", split.site, SUB_PATH)



@pytest.mark.browser
def test_top_level_search_finds_reports_of_every_shard(browser: Any, base_url: str) -> None:
    from playwright.sync_api import expect

    local = urlsplit(base_url).netloc
    outside: list[str] = []
    errors: list[str] = []
    context = browser.new_context()
    context.route("**/*", lambda route: (outside.append(route.request.url), route.abort())
                  if urlsplit(route.request.url).netloc not in {local, ""} else route.continue_())
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type in {"error", "warning"} else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(urlsplit(r.url).path))

    def search(query: str, scope: str = "all") -> list[str]:
        page.goto(base_url + f"search/?scope={scope}")
        page.wait_for_selector("#gknb-search[data-ready]")
        page.fill("#gknb-q", query)
        page.press("#gknb-q", "Enter")
        expect(page.locator(".gknb-search__status")).to_have_text(re.compile("^找到"))
        return list(page.eval_on_selector_all(".gknb-result__title", "links => links.map(a => a.href)"))

    try:
        for key, body in BODIES.items():
            assert [urlsplit(h).path.split("/")[1:5] for h in search(body)] == [[SUB_PATH, "shards", key, "reports"]]
        both = search("政府信息公开")
        assert sorted(urlsplit(h).path.split("/")[3] for h in both) == ["37", "62"]
        # Every index was read from its own shard, and the hits open the shard's report page.
        assert {f"/{SUB_PATH}/shards/{k}/pagefind/pagefind-entry.json" for k in BODIES} <= set(fetched)
        page.click(".gknb-result__title >> nth=0")
        page.wait_for_selector("article h1")
        assert "/shards/" in page.url and any(b in page.inner_text("article h1") for b in BODIES.values())
        # The province filter lists the provinces of both shards.
        page.goto(base_url + "search/?scope=all")
        page.wait_for_selector("#gknb-search[data-ready]")
        options = page.eval_on_selector_all("select[data-facet=province] option", "os => os.map(o => o.value)")
        assert {"山东省", "甘肃省"} <= set(options)
        # Without `scope`, one shard is searched (each merged index costs downloads on every query):
        # the other province's report is not found there, and only that shard's index is fetched.
        fetched.clear()
        (first, first_body), (second, second_body) = sorted(BODIES.items())
        assert [urlsplit(h).path.split("/")[3] for h in search(first_body, scope=first)] == [first]
        page.goto(base_url + "search/")
        page.wait_for_selector("#gknb-search[data-ready]")
        assert page.eval_on_selector("select[data-scope]", "s => s.value") == first
        assert not [f for f in fetched if f"/shards/{second}/pagefind/" in f]
        # Choosing 全部 in the scope list loads the page with every shard merged.
        page.select_option("select[data-scope]", "all")
        page.wait_for_url(re.compile("scope=all"))
        page.wait_for_selector("#gknb-search[data-ready]")
        page.fill("#gknb-q", second_body)
        page.press("#gknb-q", "Enter")
        expect(page.locator(".gknb-search__status")).to_have_text(re.compile("^找到 1"))
    finally:
        context.close()
    assert outside == [], f"requests to other hosts: {outside}"
    assert errors == [], f"errors in the page: {errors}"
