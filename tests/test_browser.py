"""End to end: the built portal in headless Chromium, served over HTTP on 127.0.0.1 under a sub-path
(as a GitHub Pages project site is). Every test fails on any request to another host.

Needs Debian's chromium (`apt-get install chromium`; .ci/run installs it). Run alone with
`pytest -m browser`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote, unquote, urlsplit

import pytest
from playwright.sync_api import expect

from gknb.check.across_years import body_id
from gknb.portal.pages import entries_of, page_url
from gknb.portal.render import format_number
from conftest import serve_under
from test_site import BuiltSite, built_site

pytestmark = pytest.mark.browser

SUB_PATH = "gknb"
ROOT = Path(__file__).resolve().parent.parent



@pytest.fixture(scope="module")
def site() -> BuiltSite:
    return built_site()


@pytest.fixture(scope="module")
def base_url(site: BuiltSite) -> Iterator[str]:
    """The site at http://127.0.0.1:PORT/gknb/."""
    yield from serve_under(site.root / "www", site.site, SUB_PATH)



@pytest.fixture()
def page(browser: Any, base_url: str) -> Iterator[Any]:
    yield from guarded_page(browser, base_url)


def guarded_page(browser: Any, base_url: str, init_script: str = "") -> Iterator[Any]:
    """A page that lets only the local server answer; anything else is recorded, aborted and fails, as
    does an error in the page (`init_script`: run in the page before its own scripts)."""
    local = urlsplit(base_url).netloc
    outside: list[str] = []
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def guard(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).scheme in {"http", "https", "ws", "wss"} and urlsplit(url).netloc != local:
            outside.append(url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    page.on("request", lambda r: outside.append(r.url) if urlsplit(r.url).scheme in {"http", "https"}
            and urlsplit(r.url).netloc != local else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert outside == [], f"requests to other hosts: {outside}"
    assert errors == [], f"errors in the page: {errors}"


def search(page: Any, base_url: str, query: str = "", **filters: str) -> list[dict[str, str]]:
    """Run a search through the search page's own form; the results as shown."""
    page.goto(base_url + "search/")
    page.wait_for_selector("#gknb-search[data-ready]")
    for name, value in filters.items():
        page.select_option(f"select[data-facet={name}]", value)
    page.fill("#gknb-q", query)
    page.press("#gknb-q", "Enter")
    # expect() polls from Playwright's own script: the page's CSP forbids the eval of wait_for_function.
    expect(page.locator(".gknb-search__status")).to_have_text(re.compile("^找到"))
    return page.eval_on_selector_all(".gknb-result", """items => items.map(i => ({
        title: i.querySelector('.gknb-result__title').textContent,
        href: i.querySelector('.gknb-result__title').href,
        body: i.querySelector('.gknb-result__body').textContent,
        year: i.querySelector('.gknb-result__year').textContent,
        badge: i.querySelector('.gknb-badge').textContent}))""")


def test_search_for_a_topic_returns_the_reports(page: Any, base_url: str, site: BuiltSite) -> None:
    results = search(page, base_url, "行政复议")
    mentioning = [r for r in site.corpus.records if "行政复议" in "".join(s.text for s in r.sections)]
    assert len(results) >= len(mentioning) > 0
    assert all(r["body"] and r["year"].endswith("年度") and r["badge"] in {"通过", "警告", "错误"} for r in results)
    assert all(r["href"].startswith(base_url + "reports/") for r in results)


def test_search_for_a_body_name_finds_its_report(page: Any, base_url: str) -> None:
    results = search(page, base_url, "会宁县乡村振兴局")
    assert [(r["body"], r["year"], r["badge"]) for r in results] == [("会宁县乡村振兴局", "2021 年度", "错误")]
    page.click(".gknb-result__title")
    page.wait_for_selector("h1")
    assert "会宁县乡村振兴局" in page.inner_text("h1")


def test_a_body_is_found_by_its_long_and_short_names(page: Any, base_url: str) -> None:
    """The seed names itself 柱濮镇; people search 柱濮镇人民政府."""
    assert [r["body"] for r in search(page, base_url, "柱濮镇人民政府")][:1] == ["柱濮镇"]
    assert "下冶镇人民政府" in [r["body"] for r in search(page, base_url, "下冶镇")]


def test_filtering_by_province_narrows_the_results(page: Any, base_url: str, site: BuiltSite) -> None:
    everywhere = search(page, base_url, "行政复议")
    in_henan = search(page, base_url, "行政复议", province="河南省")
    henan = {r.agency["name"] for r in site.corpus.records if r.region.get("province") == "河南省"}
    assert 0 < len(in_henan) < len(everywhere)
    assert {r["body"] for r in in_henan} <= henan
    assert "province=" in page.url   # the filtered search can be linked to


def test_report_page_shows_the_numbers_and_the_badge(page: Any, base_url: str, site: BuiltSite) -> None:
    entry = next(e for e in entries_of(site.corpus.records) if e.record.source["path"] == "hongze_district_2024.pdf")
    page.goto(base_url + quote(page_url(entry.src)))
    assert page.inner_text(".gknb-verdict .gknb-badge") == {"pass": "通过", "warn": "警告", "fail": "错误"}[
        entry.record.status]
    for key in ("applications.new_received.total", "applications.new_received.natural_person",
                "applications.granted.total", "active.normative_docs.in_force", "review_litigation.review.total"):
        cell = entry.record.cell(key)
        shown = page.eval_on_selector(f'td[data-key="{key}"]', "td => td.firstChild ? td.firstChild.textContent : ''")
        assert shown == format_number(cell.value, grouped=True), key
    assert page.inner_text('td[data-key="applications.new_received.total"]') == "95"
    headers = page.eval_on_selector_all("table.gknb-table th", "ths => ths.map(t => t.getAttribute('scope'))")
    assert headers and all(h in {"col", "row", "colgroup", "rowgroup"} for h in headers)


def test_listing_filters_and_sorts_in_the_page(page: Any, base_url: str) -> None:
    page.goto(base_url)  # the home page lists the recent reports of every province
    total = page.locator("table.gknb-list tbody tr").count()
    jiangsu = page.eval_on_selector_all("table.gknb-list tbody tr", "rs => rs.filter(r => r.textContent.includes('江苏省')).length")
    box = page.locator("xpath=//div[@class='gknb-filter'][following-sibling::div[1]//table[contains(@class,'gknb-list')]]//input")
    box.fill("江苏省")
    visible = page.eval_on_selector_all("table.gknb-list tbody tr", "rs => rs.filter(r => !r.hidden).length")
    assert 0 < visible == jiangsu < total
    box.fill("")
    page.click("table.gknb-list thead th:nth-child(4) button")
    page.click("table.gknb-list thead th:nth-child(4) button")
    years = page.eval_on_selector_all("table.gknb-list tbody tr td:nth-child(4)", "tds => tds.map(t => t.textContent)")
    assert years == sorted(years, key=lambda y: int(y or 0), reverse=True)


def test_phone_layout_scrolls_tables_not_the_page(browser: Any, base_url: str, site: BuiltSite) -> None:
    entry = next(e for e in entries_of(site.corpus.records) if e.record.source["path"] == "hongze_district_2024.pdf")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(base_url + quote(page_url(entry.src)))
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    scrolls = page.eval_on_selector(".gknb-table--applications", "t => t.parentElement.scrollWidth > t.parentElement.clientWidth")
    context.close()
    assert widths[0] <= widths[1]
    assert scrolls


def test_on_a_phone_a_report_list_is_cards_each_value_after_its_heading(browser: Any, base_url: str) -> None:
    """The list's cells carry no label in the HTML: gknb.js copies each column's heading to its cells,
    and the phone layout prints it before the value."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(base_url + "browse/region/320813/")  # a county's page lists its reports
    heads = page.eval_on_selector_all("table.gknb-reports thead th", "ths => ths.map(t => t.textContent.trim())")
    labels = page.eval_on_selector("table.gknb-reports tbody tr", """tr => Array.from(tr.cells).map(
        td => getComputedStyle(td, '::before').content)""")
    shot(page, "list-cards-phone")
    context.close()
    assert heads[4:6] == ["本年新收", "予以公开率"]
    assert labels[1:] == [f'"{h}"' for h in heads[1:]] and labels[0] == "none"


def test_on_a_phone_without_scripts_a_report_list_stays_a_table_under_its_headings(browser: Any, base_url: str) -> None:
    """Without gknb.js no cell has its heading: the list is not made cards that would show bare values."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "browse/region/320813/")
    head_shown = page.eval_on_selector("table.gknb-reports thead", "h => getComputedStyle(h).position !== 'absolute' && h.offsetHeight > 0")
    row_display = page.eval_on_selector("table.gknb-reports tbody tr", "tr => getComputedStyle(tr).display")
    shot(page, "list-table-phone-no-js")
    context.close()
    assert head_shown
    assert row_display == "table-row"


def test_a_types_province_leads_to_the_search_filtered_by_both(page: Any, base_url: str, site: BuiltSite) -> None:
    townships = [r for r in site.corpus.records if r.agency.get("type") == "乡镇" and r.region.get("province") == "河南省"]
    page.goto(base_url + "browse/type/township/")
    page.click("table.gknb-groups a:text('河南省')")
    expect(page.locator(".gknb-search__status")).to_have_text(f"找到 {len(townships)} 份报告。")
    assert page.locator("select[data-facet='type']").input_value() == "乡镇"
    assert page.locator("select[data-facet='province']").input_value() == "河南省"
    assert len(townships) >= 2


def test_home_and_header_search_boxes_lead_to_results(page: Any, base_url: str) -> None:
    page.goto(base_url)
    page.fill("#gknb-home-q", "海阳市")
    page.press("#gknb-home-q", "Enter")
    expect(page.locator(".gknb-search__status")).to_have_text(re.compile("^找到 1 份"))
    page.goto(base_url + "browse/region/")
    page.fill("#gknb-header-q", "柱濮镇")
    page.press("#gknb-header-q", "Enter")
    expect(page.locator(".gknb-result__body")).to_have_text(["柱濮镇"])
    assert page.url.startswith(base_url + "search/")


def chain_entries(site: BuiltSite) -> list[Any]:
    return sorted((e for e in entries_of(site.corpus.records) if e.record.source["path"].startswith("下冶镇人民政府-")),
                  key=lambda e: e.record.year)


def visible_charts(page: Any) -> list[dict[str, Any]]:
    """Each inline chart's accessible name and drawn size."""
    return page.eval_on_selector_all("svg.gknb-chart", """svgs => svgs.map(s => {
        const box = s.getBoundingClientRect();
        return {title: s.querySelector('title').textContent, width: box.width, height: box.height,
                visible: box.width > 0 && box.height > 0 && getComputedStyle(s).visibility === 'visible',
                bars: s.querySelectorAll('rect.gknb-bar').length};
    })""")


def test_timeline_shows_every_year_and_a_chart(page: Any, base_url: str, site: BuiltSite) -> None:
    entries = chain_entries(site)
    page.goto(base_url + quote(page_url(entries[0].src)))
    page.click("a.gknb-timeline-link >> nth=0")
    page.wait_for_selector("table[data-timeline]")
    assert page.url == base_url + quote(page_url(entries[0].body_src))
    years = page.eval_on_selector_all("table[data-timeline] thead th[data-year]", "ths => ths.map(t => t.textContent)")
    assert years == ["2021 年度", "2022 年度", "2023 年度"]
    carried = page.eval_on_selector_all('tr[data-row="上年结转"] td', "tds => tds.map(t => t.textContent)")
    assert carried == [format_number(e.record.cell("applications.carried_over.total").value, grouped=True) for e in entries]
    charts = visible_charts(page)
    assert len(charts) == 1 and charts[0]["visible"] and charts[0]["width"] > 300 and charts[0]["bars"] == 3
    assert "本年新收" in charts[0]["title"]
    page.click("table[data-timeline] thead th[data-year='2023'] a")
    page.wait_for_selector(".gknb-verdict")
    assert page.url == base_url + quote(page_url(entries[2].src))


def test_summary_page_draws_its_charts_above_the_numbers(page: Any, base_url: str, site: BuiltSite) -> None:
    page.goto(base_url + "browse/region/35/")
    page.click("a.gknb-stats-link")
    page.wait_for_selector("table[data-stats='outcomes']")
    assert page.url == base_url + "stats/region/35/"
    charts = visible_charts(page)
    assert [c["visible"] for c in charts] == [True, True]   # 福建's three reports are of one year: no chart of years
    assert charts[0]["bars"] == 6 and charts[0]["width"] > 300      # one bar per outcome group
    for chart_id, table in (("chart-outcomes", "outcomes"), ("chart-appeals", "appeals")):
        below = page.evaluate(f"""() => document.getElementById('{chart_id}').getBoundingClientRect().bottom
            <= document.querySelector("table[data-stats='{table}']").getBoundingClientRect().top""")
        assert below, chart_id
    new = page.inner_text("table[data-stats='flows'] tbody tr:first-child td")
    records = [e.record for e in entries_of(site.corpus.records) if e.region_code.startswith("35")]
    assert new == format_number(sum(r.cell("applications.new_received.total").value or 0 for r in records), grouped=True)
    page.goto(base_url + "stats/")   # the whole corpus: reports of several years, and their chart
    assert [c["visible"] for c in visible_charts(page)] == [True, True, True]


@pytest.mark.parametrize("path", ["stats/region/35/", "timeline"])
def test_phone_layout_of_timeline_and_summary(browser: Any, base_url: str, site: BuiltSite, path: str) -> None:
    if path == "timeline":
        path = quote(page_url(chain_entries(site)[0].body_src))
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(base_url + path)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    charts = visible_charts(page)
    context.close()
    assert widths[0] <= widths[1]
    assert charts and all(c["visible"] and c["width"] <= 390 for c in charts)


def test_on_a_phone_a_tap_reaches_the_likely_wrong_cells_explanation(browser: Any, base_url: str,
                                                                      site: BuiltSite) -> None:
    entry = next(e for e in entries_of(site.corpus.records) if e.record.source["path"] == "inconsistent-2021.txt")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base_url + quote(page_url(entry.src)))
    # The findings list names the likely wrong cell first, in Chinese; its link opens the explanation.
    link = page.locator("a.gknb-likely-link").first
    assert link.inner_text() == "表三 · （七）总计 · 总计"
    link.click()
    expect(page.locator(".gknb-pop")).to_be_visible()
    text = page.inner_text(".gknb-pop")
    assert text.startswith("最可能出错的单元格") and text.count("问题 ") == 3
    page.click(".gknb-pop-close")
    expect(page.locator(".gknb-pop")).to_have_count(0)
    # A tap on a framed cell opens its own explanation.
    page.locator('td[data-key="applications.new_received.total"]').tap()
    expect(page.locator(".gknb-pop")).to_contain_text("问题 ")
    context.close()
    assert errors == []


def test_the_keyboard_reaches_a_cells_explanation(page: Any, base_url: str, site: BuiltSite) -> None:
    entry = next(e for e in entries_of(site.corpus.records) if e.record.source["path"] == "inconsistent-2021.txt")
    page.goto(base_url + quote(page_url(entry.src)))
    page.focus("td.cell-likely")
    page.keyboard.press("Enter")
    expect(page.locator(".gknb-pop")).to_contain_text("最可能出错的单元格")
    assert page.get_attribute("td.cell-likely", "aria-describedby") == "gknb-pop"
    page.keyboard.press("Escape")
    expect(page.locator(".gknb-pop")).to_have_count(0)
    assert page.evaluate("() => document.activeElement.classList.contains('cell-likely')")


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two CSS `rgb(…)` colours."""
    def luminance(colour: str) -> float:
        channels = [int(v) / 255 for v in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_links_and_badges_meet_wcag_aa_in_light_and_dark(browser: Any, base_url: str, scheme: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(base_url)
    colours = page.evaluate("""() => {
        const bg = getComputedStyle(document.querySelector('.md-main')).backgroundColor !== 'rgba(0, 0, 0, 0)'
            ? getComputedStyle(document.querySelector('.md-main')).backgroundColor : getComputedStyle(document.body).backgroundColor;
        const pick = s => getComputedStyle(document.querySelector(s)).color;
        return {bg, link: pick('.md-typeset a.gknb-entry strong'), table: pick('table.gknb-list td a'),
                badge: pick('.gknb-badge--fail'), badgeBg: getComputedStyle(document.querySelector('.gknb-badge--fail')).backgroundColor,
                scheme: document.body.getAttribute('data-md-color-scheme')};
    }""")
    context.close()
    assert colours["scheme"] == {"light": "default", "dark": "slate"}[scheme]
    assert contrast(colours["link"], colours["bg"]) >= 4.5
    assert contrast(colours["table"], colours["bg"]) >= 4.5
    assert contrast(colours["badge"], colours["badgeBg"]) >= 4.5


def test_the_light_dark_toggle_switches_and_the_choice_holds_on_the_next_page(page: Any, base_url: str) -> None:
    """The toggle is drawn by gknb-palette.js (not written into every page): one button shown, a click
    switches the scheme and the other button, and the next page opens in the chosen scheme."""
    page.goto(base_url + "browse/region/")
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    shown = "[...document.querySelectorAll('form[data-md-component=palette] label')].filter(l => !l.hidden).map(l => l.title)"
    assert page.evaluate(scheme) == "default" and page.evaluate(shown) == ["切换到深色模式"]
    page.click("form[data-md-component=palette] label:not([hidden])")
    assert page.evaluate(scheme) == "slate" and page.evaluate(shown) == ["切换到浅色模式"]
    # the scheme as the parser reaches <main>, long before Material's bundle at the end of the body: the
    # stored choice is applied by the blocking script in the header, so nothing flashes the other scheme
    page.add_init_script("""new MutationObserver((changes, observer) => {
        if (document.querySelector('main')) { window.gknbFirst = document.body.getAttribute('data-md-color-scheme'); observer.disconnect(); }
    }).observe(document, {childList: true, subtree: true});""")
    page.goto(base_url + "stats/")
    assert page.evaluate("window.gknbFirst") == "slate"
    assert page.evaluate(scheme) == "slate" and page.evaluate(shown) == ["切换到浅色模式"]
    page.click("form[data-md-component=palette] label:not([hidden])")
    assert page.evaluate(scheme) == "default"


def test_a_province_findings_page_leads_to_its_region_and_feed_without_errors(page: Any, base_url: str,
                                                                               site: BuiltSite) -> None:
    page.goto(base_url + "findings/")
    page.click("table[data-findings='provinces'] a:text('江苏省')")
    assert page.url == base_url + "findings/region/32/"
    rows = page.locator("table[data-findings='list'] tbody tr")
    jiangsu = [f for r in site.corpus.records if str(r.region.get("code") or "").startswith("32")
               for f in r.findings if f.severity.value != "info"]
    assert len(jiangsu) > 0
    expect(rows).to_have_count(len(jiangsu))   # polls: the click's navigation may still be loading
    feed = page.request.get(base_url + "feeds/32.xml")
    assert feed.ok and b"<entry>" in feed.body()
    page.click("a:text('江苏省的全部报告')")
    assert page.url == base_url + "browse/region/32/"
    page.wait_for_timeout(500)   # the page fixture fails on any 404 or script error meanwhile


# ---- search: name forms, typos, a year in the query, region filters (issue #16) -------------------

SHOTS = Path(os.environ.get("GKNB_SHOTS") or tempfile.gettempdir()) / "gknb-shots"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}


def shot(page: Any, name: str) -> None:
    """A screenshot to look at (GKNB_SHOTS=folder keeps them; default the temp folder)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def shown_bodies(page: Any) -> list[str]:
    return page.eval_on_selector_all(".gknb-result__body", "els => els.map(e => e.textContent)")


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_misspelt_body_name_gets_a_suggestion_that_finds_it(browser: Any, base_url: str, device: str) -> None:
    context = browser.new_context(**(PHONE if device == "phone" else {"viewport": {"width": 1280, "height": 900}}))
    page = context.new_page()
    for query in ("柱璞镇", "柱璞镇人民政府"):
        page.goto(base_url + "search/?q=" + query)
        expect(page.locator(".gknb-search__status")).to_have_text("找到 0 份报告。")
        expect(page.locator(".gknb-suggest__name").first).to_have_text("柱濮镇")
    shot(page, f"search-suggestion-{device}")
    page.click(".gknb-suggest__name >> nth=0")
    expect(page.locator(".gknb-search__status")).to_have_text(re.compile("^找到 1 份"))
    assert shown_bodies(page) == ["柱濮镇"]
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


def test_a_name_with_more_words_retries_with_the_body_name(page: Any, base_url: str) -> None:
    """下冶镇人民政府办公室 is in no report: the search drops the suffix and says so."""
    results = search(page, base_url, "下冶镇人民政府办公室")
    assert [r["body"] for r in results].count("下冶镇人民政府") == 3   # 2021–2023 (the hostile report names it too)
    expect(page.locator(".gknb-search__note")).to_have_text("没有找到“下冶镇人民政府办公室”，以下是“下冶镇”的结果。")
    assert [r["body"] for r in search(page, base_url, "柱濮镇政府")] == ["柱濮镇"]


@pytest.mark.parametrize("query", ["下冶镇人民政府 2022", "下冶镇2022年", "2022年度 下冶镇"])
def test_a_year_in_the_query_becomes_the_year_filter(page: Any, base_url: str, query: str) -> None:
    results = search(page, base_url, query)
    assert [(r["body"], r["year"]) for r in results] == [("下冶镇人民政府", "2022 年度")]
    assert page.input_value("select[data-facet=year]") == "2022"
    expect(page.locator(".gknb-search__note")).to_contain_text("年度 2022 已作为年度筛选条件")
    if query.endswith("年"):
        shot(page, "search-year-desktop")
    page.fill("#gknb-q", "下冶镇人民政府")          # the year gone from the query: the filter goes too
    page.press("#gknb-q", "Enter")
    expect(page.locator(".gknb-search__status")).to_have_text("找到 3 份报告。")
    assert page.input_value("select[data-facet=year]") == ""


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_filtering_by_county_and_regions_in_code_order(browser: Any, base_url: str, site: BuiltSite, device: str) -> None:
    context = browser.new_context(**(PHONE if device == "phone" else {"viewport": {"width": 1280, "height": 900}}))
    page = context.new_page()
    page.goto(base_url + "search/")
    page.wait_for_selector("#gknb-search[data-ready]")
    provinces = page.eval_on_selector_all("select[data-facet=province] option", "os => os.map(o => o.value)")
    codes = {r.region.get("province"): str(r.region.get("code"))[:2] for r in site.corpus.records if r.region.get("code")}
    # 山西省 14, 江苏省 32, 山东省 37, 河南省 41, 甘肃省 62 (pinyin would put 甘肃 first), 未识别 last
    assert [p for p in provinces[1:] if p in codes] == sorted(codes, key=codes.__getitem__)
    assert provinces[len(codes) + 1:] in ([], ["未识别"])
    page.select_option("select[data-facet=province]", "山西省")    # the city list narrows to the province's
    cities = page.eval_on_selector_all("select[data-facet=city] option", "os => os.filter(o => !o.hidden).map(o => o.value)")
    assert cities == ["", "临汾市", "吕梁市"]
    page.select_option("select[data-facet=county]", "吕梁市孝义市")
    page.fill("#gknb-q", "政府信息公开")
    page.press("#gknb-q", "Enter")
    expect(page.locator(".gknb-search__status")).to_have_text(re.compile("^找到 [1-9]"))
    in_county = {r.agency["name"] for r in site.corpus.records if str(r.region.get("code", "")).startswith("141181")}
    assert set(shown_bodies(page)) == in_county == {"柱濮镇"}
    assert "county=" in page.url
    shot(page, f"search-county-{device}")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


def test_snippets_come_from_the_text_not_the_card(page: Any, base_url: str) -> None:
    """The card's labels ran into its values (机关柱濮镇机关类型乡镇); flattened table rows in a section's
    text are left out too (tests/test_search_terms.py; benchmarks/search_eval.py counts digit runs)."""
    search(page, base_url, "柱濮镇")
    excerpt = page.inner_text(".gknb-result__excerpt")
    assert "机关类型" not in excerpt and "柱濮镇" in excerpt
    search(page, base_url, "政府信息公开申请")
    excerpts = page.eval_on_selector_all(".gknb-result__excerpt", "els => els.map(e => e.textContent)")
    assert len(excerpts) > 5 and not any(re.search(r"(?:\d+\s+){5,}\d+|\d{7,}|机关类型|SHA-256", e) for e in excerpts)


# ---- addresses, the cite box, the 404 page, old addresses -----------------------------------------

def test_report_page_cites_its_permalink_as_the_reader_sees_it(page: Any, base_url: str, site: BuiltSite) -> None:
    entry = next(e for e in entries_of(site.corpus.records) if e.record.source["path"] == "hongze_district_2024.pdf")
    page.goto(base_url + quote(page_url(entry.src)))
    shown = base_url + page_url(entry.src)        # decoded: 洪泽区, not %E6%B4%AA…
    assert page.inner_text("a[data-gknb-permalink]") == shown
    reference = page.inner_text(".gknb-citation")
    assert re.fullmatch(rf"淮安市洪泽区人民政府\. 淮安市洪泽区人民政府2024年政府信息公开工作年度报告\[EB/OL\]\. "
                        rf"(\(\d{{4}}-\d\d-\d\d\))?\[\d{{4}}-\d\d-\d\d\]\. {re.escape(shown)}\.", reference), reference
    page.click("nav.gknb-trail a >> text=淮安市洪泽区人民政府")
    page.wait_for_selector("table[data-timeline]")
    assert page.url == base_url + quote(page_url(entry.body_src))


def test_the_pdf_opens_in_the_browser_and_on_the_page(page: Any, base_url: str, site: BuiltSite) -> None:
    entry = next(e for e in entries_of(site.corpus.records) if e.record.source["path"] == "hongze_district_2024.pdf")
    page.goto(base_url + quote(page_url(entry.src)))
    view = page.locator("a.gknb-view")
    assert view.get_attribute("download") is None and view.get_attribute("target") == "_blank"
    response = page.request.get(view.evaluate("a => a.href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert "attachment" not in response.headers.get("content-disposition", "")
    assert response.body() == (site.content / "hongze_district_2024.pdf").read_bytes()
    page.click("details.gknb-pdf summary")
    frame = page.locator("details.gknb-pdf iframe")
    expect(frame).to_be_visible()
    assert frame.bounding_box()["height"] > 300


def test_an_old_hash_address_leads_to_the_report(page: Any, base_url: str, site: BuiltSite) -> None:
    entry = next(e for e in entries_of(site.corpus.records) if e.record.source["path"] == "柱濮镇-2023.txt")
    page.goto(base_url + f"reports/{entry.legacy}/")
    page.wait_for_url(base_url + quote(page_url(entry.src)))
    assert page.inner_text("h1") == "柱濮镇2023年政府信息公开工作年度报告"
    assert entry.body_key is not None
    # 柱濮镇 has this one report: its old and its current body address both lead to it (no timeline).
    page.goto(base_url + f"bodies/{body_id(entry.body_key)}/")
    page.wait_for_url(base_url + quote(page_url(entry.src)))
    page.goto(base_url + quote(page_url(entry.body_src)))
    page.wait_for_url(base_url + quote(page_url(entry.src)))
    assert page.inner_text("h1") == "柱濮镇2023年政府信息公开工作年度报告"


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_a_broken_link_lands_on_a_styled_chinese_404_under_the_sub_path(browser: Any, base_url: str,
                                                                      viewport: dict[str, int]) -> None:
    """Served as GitHub Pages serves it: the site's 404.html at the missing address, any depth below the
    sub-path; its links must lead into the site, not to the server's root."""
    context = browser.new_context(viewport=viewport, is_mobile=viewport["width"] < 600)
    page = context.new_page()
    loaded: list[str] = []
    page.on("request", lambda r: loaded.append(r.url))
    response = page.goto(base_url + "reports/141181106/%E6%9F%B1%E6%BF%AE%E9%95%87/2019/")
    assert response is not None and response.status == 404
    expect(page.locator("html")).to_have_attribute("data-gknb-root", urlsplit(base_url).path)
    assert page.inner_text("h1") == "找不到这个页面（404）"
    header = page.eval_on_selector("header", "h => getComputedStyle(h).backgroundColor")
    assert header == "rgb(198, 40, 40)"          # styled: its style is in the page, nothing to miss
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    assert page.input_value("#gknb-404-q") == "柱濮镇 2019"
    assert all(not urlsplit(u).path.startswith("/assets/") for u in loaded)
    page.click("text=按地区浏览")
    page.wait_for_url(base_url + "browse/region/")
    assert page.inner_text("h1") == "按地区浏览"
    page.go_back()
    expect(page.locator("html")).to_have_attribute("data-gknb-root", urlsplit(base_url).path)
    page.click("form.gknb-404-search button")
    page.wait_for_url(re.compile(re.escape(base_url + "search/") + r"\?q="))
    expect(page.locator(".gknb-search__status")).to_have_text(re.compile("^找到"))
    context.close()


def test_a_re_saved_report_is_found_at_the_same_address(browser: Any, tmp_path: Path) -> None:
    """The journey of issue 16: a report's file saved again (GB18030, CRLF: other bytes) and the site
    rebuilt; the address a reader kept still opens the report, now with the new version."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    content, site_dir = tmp_path / "content", tmp_path / "site"
    content.mkdir()
    seed = ROOT / "content" / "柱濮镇-2023.txt"
    shutil.copy(seed, content)

    def build_site() -> None:
        build(load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site_dir),
                          plugins={"gknb": {"content_dir": str(content), "search": False, "cache_dir": ""}}))

    build_site()
    served = serve_under(tmp_path / "www", site_dir, SUB_PATH)
    base_url = next(served)
    page = browser.new_page()
    address = base_url + "reports/141181106/%E6%9F%B1%E6%BF%AE%E9%95%87/2023/"
    page.goto(address)
    before = page.inner_text(".gknb-cite code")
    (content / seed.name).write_bytes(seed.read_text(encoding="utf-8").replace("\n", "\r\n").encode("gb18030"))
    build_site()
    response = page.goto(address)
    assert response is not None and response.status == 200
    assert page.inner_text("h1") == "柱濮镇2023年政府信息公开工作年度报告"
    after = page.inner_text(".gknb-cite code")
    assert after != before and after == hashlib.sha256((content / seed.name).read_bytes()).hexdigest()[:12]
    page.goto(base_url + f"reports/{after}/")        # the hash address an earlier build would have given it
    page.wait_for_url(address)
    page.close()
    next(served, None)


def test_two_years_of_one_body_side_by_side(page: Any, base_url: str, site: BuiltSite) -> None:
    entries = [e for e in entries_of(site.corpus.records) if e.record.agency.get("name") == "下冶镇人民政府"]
    years = sorted(e.record.year for e in entries)
    assert len(years) >= 2
    page.goto(base_url + page_url(entries[0].body_src))
    page.click("a.gknb-compare-link")
    expect(page.locator(".gknb-compare-table thead th")).to_have_count(len(years) + 1)
    heads = page.eval_on_selector_all(".gknb-compare-table thead th a", "as => as.map(a => a.textContent)")
    assert heads == [f"下冶镇人民政府 {y} 年度" for y in years]
    # The rows that differ are exactly those whose cells differ between the records.
    by_year = {e.record.year: e.record for e in entries}
    label = "表三 · 一、本年新收政府信息公开申请数量 · 总计"
    row = page.locator(".gknb-compare-table tbody tr", has=page.locator(f"th:text-is('{label}')"))
    values = [by_year[y].cell("applications.new_received.total").value for y in years]
    assert row.locator("td").all_inner_texts() == [format_number(v, grouped=True) for v in values]
    assert ("gknb-diff" in (row.get_attribute("class") or "")) == (len(set(values)) > 1)
    page.check("#gknb-compare-diff")
    hidden = page.eval_on_selector_all(".gknb-compare-table tbody tr", "rs => rs.filter(r => r.hidden && r.classList.contains('gknb-diff')).length")
    assert hidden == 0


def test_reports_of_two_bodies_are_added_to_the_comparison(page: Any, base_url: str, site: BuiltSite) -> None:
    first, second = [e for e in entries_of(site.corpus.records) if e.record.source["path"] in
                     ("hongze_district_2024.pdf", "inconsistent-2021.txt")]
    for count, entry in enumerate((first, second), start=1):
        page.goto(base_url + page_url(entry.src))
        page.click("a.gknb-compare-add")
        expect(page.locator(".gknb-compare-table thead th a")).to_have_count(count)   # kept in this browser
    expect(page.locator(".gknb-compare-table thead th a")).to_have_count(2)
    page.click(".gknb-compare__remove >> nth=0")
    expect(page.locator(".gknb-compare-table thead th a")).to_have_count(1)
    expect(page.locator(".gknb-compare__status")).to_contain_text("再加入一份报告")


def two_compared(site: BuiltSite) -> list[Any]:
    return [e for e in entries_of(site.corpus.records) if e.record.source["path"] in
            ("hongze_district_2024.pdf", "inconsistent-2021.txt")]


def compare_address(base_url: str, ids: list[str]) -> str:
    return base_url + "compare/?r=" + ",".join(quote(i, safe="/") for i in ids)


def shown_cells(page: Any, base_url: str, entry: Any) -> dict[str, str]:
    """The report page's cells as a reader sees them: key → the td's text."""
    page.goto(base_url + page_url(entry.src))
    return page.eval_on_selector_all("td[data-key]", "tds => Object.fromEntries(tds.map(td => "
                                                     "[td.getAttribute('data-key'), td.textContent.trim()]))")


def compared_rows(page: Any) -> dict[str, list[str]]:
    """The compare table: row label → the text of each report's cell."""
    rows = page.eval_on_selector_all(".gknb-compare-table tbody tr", "trs => trs.map(tr => "
                                     "[tr.querySelector('th').textContent, [...tr.querySelectorAll('td')].map(td => td.textContent)])")
    return {label: texts for label, texts in rows}


def test_the_compare_page_shows_the_cells_the_report_pages_show(page: Any, base_url: str, site: BuiltSite) -> None:
    entries = two_compared(site)
    on_pages = [shown_cells(page, base_url, e) for e in entries]
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(unquote(r.url)) if "/reports/" in r.url else None)
    page.goto(compare_address(base_url, [e.id for e in entries]))
    expect(page.locator(".gknb-compare-table thead th a")).to_have_count(2)
    assert fetched == [f"{base_url}reports/{e.id}/" for e in entries]   # the report pages, no record file
    rows = compared_rows(page)
    labels = dict(json.loads(page.get_attribute("#gknb-compare", "data-rows")))
    shown = {key for cells in on_pages for key in cells}
    assert {labels[key] for key in shown} | {"机关类型", "发布日期", "表格模板"} == set(rows)
    for key in shown:
        assert rows[labels[key]] == [cells.get(key, "—") for cells in on_pages], key
    # A real value, as the report pages print it, in the row that differs.
    total = rows["表三 · 一、本年新收政府信息公开申请数量 · 总计"]
    values = [e.record.cell("applications.new_received.total").value for e in entries]
    assert total == [format_number(v, grouped=True) for v in values] and len(set(values)) == 2
    row = page.locator(".gknb-compare-table tbody tr", has=page.locator("th:text-is('表三 · 一、本年新收政府信息公开申请数量 · 总计')"))
    assert "gknb-diff" in (row.get_attribute("class") or "")
    assert rows["表格模板"] == [e.record.template or "—" for e in entries]
    heads = page.eval_on_selector_all(".gknb-compare-table thead th a", "as => as.map(a => a.textContent)")
    assert heads == [f"{e.record.agency['name']} {e.record.year} 年度" for e in entries]


def test_a_report_the_site_does_not_have_is_named_on_the_compare_page(browser: Any, base_url: str,
                                                                       site: BuiltSite) -> None:
    entry = two_compared(site)[0]
    page = browser.new_page()   # not the guarded page: the missing report's 404 is logged as an error, rightly
    page.goto(compare_address(base_url, [entry.id, "000000/无此机关/2099"]))
    expect(page.locator(".gknb-compare__status")).to_contain_text("找不到：000000/无此机关/2099")
    expect(page.locator(".gknb-compare-table thead th a")).to_have_count(1)
    assert page.evaluate("() => JSON.parse(localStorage.getItem('gknb-compare'))") == [entry.id]
    page.close()


def test_a_countys_coverage_shows_which_governments_reported(page: Any, base_url: str, site: BuiltSite) -> None:
    page.goto(base_url + "browse/region/419001/")
    table = page.locator("table[data-coverage]")
    expect(table).to_be_visible()
    years = table.locator("thead th").all_inner_texts()[1:]
    row = table.locator("tbody tr", has=page.locator("th:text-is('下冶镇')"))
    assert row.locator("td").all_inner_texts() == ["有"] * len(years)
    others = table.locator("tbody tr", has_not=page.locator("th:text-is('下冶镇')"))
    assert others.count() > 0 and set(others.first.locator("td").all_inner_texts()) == {"缺报"}
    row.locator("a").first.click()
    expect(page.locator("h1")).to_contain_text("下冶镇人民政府")


def test_a_provinces_2023_reports_sorted_by_administrative_review(page: Any, base_url: str, site: BuiltSite) -> None:
    page.goto(base_url + "ranking/")
    years = page.locator("table.gknb-groups thead th").all_inner_texts()
    row = page.locator("table.gknb-groups tbody tr", has=page.locator("th:text-is('福建省')"))
    row.locator("td").nth(years.index("2023") - 1).locator("a").click()
    expect(page.locator("h1")).to_have_text("福建省 · 2023 年度报告排行")
    heads = page.locator("table.gknb-list thead th").all_inner_texts()
    column = next(i for i, h in enumerate(heads) if h.startswith("行政复议"))
    button = page.locator("table.gknb-list thead th").nth(column).locator("button")
    button.click()
    button.click()   # the second click sorts from the most
    shown = page.eval_on_selector_all("table.gknb-list tbody tr", f"""rs => rs.map(r => [
        r.cells[0].textContent, r.cells[{column}].getAttribute('data-sort-value') ?? r.cells[{column}].textContent])""")
    fujian = [r for r in site.corpus.records if str(r.region.get("code") or "").startswith("35") and r.year == 2023]
    assert len(shown) == len(fujian) == 3
    reviews = [float(v) for _name, v in shown if v]
    assert reviews == sorted(reviews, reverse=True) and reviews[0] == 2   # 平潭综合实验区 2023: 2 reviews
