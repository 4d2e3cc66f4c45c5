"""A corpus → the portal's generated files: Markdown pages, data files and the sources as received.

Everything here is plain data in, strings/bytes out, so it is tested without MkDocs; the plugin
only hands the result to MkDocs as generated files. Links inside HTML blocks are not rewritten by
MkDocs, so they are made relative here (the site must work under any sub-path).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import posixpath
import re
import unicodedata
import shutil
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import quote, unquote, urlencode, urljoin, urlsplit

from markupsafe import Markup

from gknb.parse import divisions
from gknb.check.across_years import ACROSS_REQUIREMENTS, body_id, body_key
from gknb.portal.addresses import addresses, name_parts, version
from gknb.check.declare import Scope
from gknb.check.registry import CHECK_TITLES, CHECKS, CHECKS_BY_ID, PROBLEM_KINDS, check_ids, problem_kinds
from gknb.portal.charts import Series, bar_chart, column_chart, stacked_chart
from gknb.corpus.pipeline import Corpus, build_corpus, frozen_heap
from gknb.model.official_tables import cell_label
from gknb.model.body_types import BodyType, body_type
from gknb.model.numbers import format_number
from gknb.model.record import SEVERITY_WORDS, STATUS_WORDS, Finding, Record, Severity
from gknb.portal.render import (REGION_UNKNOWN, TYPE_UNKNOWN, SEVERITY_STATUS, agency_name, check_views,
                                LAYOUTS_SCRIPT, correction_views, layouts_script,
                                grids, legend, finding_message, inferred_words, ocr_note, pagefind_value, plain_title, region_text, render,
                                report_title, section_views)
from gknb.portal.search_terms import BODIES_FILE, TERMS_FILE, bodies_json, name_aliases, region_filters, terms_json
from gknb.portal.dictionary import FINDING_FIELDS, FINDINGS_CSV, METADATA_FIELDS, REPORTS_CSV, cell_field
from gknb.portal.catalog import (REGION_LEVELS as INDEX_LEVELS, absolute, division_name, index_files, index_row, next_level,
                                 lists_own_level)
from gknb.portal.feeds import feed_files, feed_map, feed_path, feed_title
from gknb.portal.scope import PageScope, each, per_record, wanted
from gknb.portal.open_data import BULK_RECORDS, DATA_DIR, Published, cell_keys, data_files, group_workbook, record_keys, workbook_groups, region_xlsx_path, report_xlsx_path, source_path
from gknb.portal.workbooks import province_key
from gknb.portal.stats import (APPEAL_RESULTS, Figure, Figures, Summary, appeal, figures_of, flow, key_figures, litigation,
                               outcome, summarise)

REGION_LEVELS = tuple((length, words) for length, _key, words in INDEX_LEVELS)


@dataclass
class SiteFiles:
    pages: dict[str, str] = field(default_factory=dict)        # docs-relative .md path → Markdown
    data: dict[str, bytes] = field(default_factory=dict)       # site path → bytes
    sources: dict[str, Path] = field(default_factory=dict)     # site path → the input file as received
    searchable: set[str] = field(default_factory=set)          # the report pages, which search indexes


@dataclass(frozen=True)
class Entry:
    """One report as the listings and its page see it; its addresses come from `addresses.addresses`."""
    id: str                 # the address below reports/ (419001110/下冶镇/2021), stable across re-saves
    record: Record
    body: str = ""          # its body's address below bodies/, "" when the report names no body
    legacy: str = ""        # the hash address earlier builds gave it, now a redirect

    @property
    def src(self) -> str:
        return f"reports/{self.id}.md"

    @property
    def version(self) -> str:
        return version(self.record)

    @property
    def body_src(self) -> str:
        """The body's timeline page, "" when there is none."""
        return f"bodies/{self.body}.md" if self.body else ""

    @cached_property
    def region_code(self) -> str:
        """The division code without trailing zero levels (2, 4, 6 or 9 digits), "" when unknown."""
        code = self.record.region.get("code")
        return divisions.short_code(str(code)) if code else ""

    @cached_property
    def body_key(self) -> str | None:
        """The same body across years (across_years.body_key: sidecar same_as, or code + short name)."""
        return body_key(self.record)

    @cached_property
    def figures(self) -> Figures:
        """The numbers the summaries add up, read once: every region level sums them again."""
        return figures_of(self.record)

    @cached_property
    def row(self) -> dict[str, Any]:
        """The report as a row of a list, but for its link: read once for the five or so lists it
        is in (its region's levels, its type, its year), and kept across live updates (same_entry)."""
        record = self.record
        return {"name": agency_name(record), "type": record.agency.get("type") or TYPE_UNKNOWN,
                "region": region_text(record), "year": record.year or "", "status": record.status,
                "word": STATUS_WORDS[record.status], "figures": [figure(record) for _name, figure in LIST_FIGURES]}


# ---- URLs --------------------------------------------------------------------------------------

def page_url(src: str) -> str:
    """`reports/x.md` → `reports/x/`, `index.md` → `` (MkDocs directory URLs)."""
    stem = src[:-3]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def link(from_src: str, target: str) -> str:
    """Relative URL from a page to a page (`.md`) or a file of the site (`url_path`: body names stay
    Chinese, 3 bytes a character; the browser encodes them on the way out). Markup: `url_path` leaves
    nothing an HTML attribute or Markdown would read (`check/row_total/`, not `row&#95;total`)."""
    base = page_url(from_src) or "."
    if target.endswith(".md"):
        goal = page_url(target)
        relative = relative_path(goal or ".", base)
        return Markup("./" if relative == "." else url_path(relative) + "/")
    return Markup(url_path(relative_path(target, base)))


# What a path in an HTML attribute must not hold as is: ASCII that ends or changes a URL or an attribute
# (space, quotes, <>, #, ?, %, &, a colon that would read as a scheme, backslash …) and, beyond ASCII,
# controls, invisible formatting, separators and unassigned code points (they would hide in an address).
_URL_UNSAFE = re.compile(r'[\x00-\x20\x7f"#%&\'+<>?\\^`{|}:\[\]]')
_URL_OTHER = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"))


def url_path(path: str) -> str:
    """A site path as a relative URL for an HTML attribute: percent-encoded only where it must be
    (`_URL_UNSAFE`, `_URL_OTHER`); other non-ASCII stays UTF-8, which HTML allows in URLs (9 bytes a
    Chinese character encoded, 3 as is). XML that wants URIs (sitemap, feeds) uses `absolute_url`."""
    if path.isascii() and not _URL_UNSAFE.search(path):
        return path
    return "".join(quote(ch, safe="") if _URL_UNSAFE.match(ch) or (ch > "\x7f" and unicodedata.category(ch) in _URL_OTHER)
                   else ch for ch in path)


def relative_path(path: str, start: str) -> str:
    """posixpath.relpath of two site paths, without its two calls of os.getcwd (a listing page makes
    a link per report)."""
    if not path or path.startswith("/") or start.startswith("/") or ".." in path or ".." in start:
        return posixpath.relpath(path, start)
    to, at = [p for p in path.split("/") if p not in ("", ".")], [p for p in start.split("/") if p not in ("", ".")]
    common = 0
    while common < min(len(to), len(at)) and to[common] == at[common]:
        common += 1
    return "/".join([".."] * (len(at) - common) + to[common:]) or "."


def absolute_url(site_url: str, src: str) -> str:
    """A page's address under `site_url` (mkdocs.yml), "" when no site_url is set."""
    return urljoin(site_url.rstrip("/") + "/", quote(page_url(src))) if site_url else ""


# ---- grouping ----------------------------------------------------------------------------------

def entries_of(records: Iterable[Record], scope: PageScope | None = None) -> list[Entry]:
    """Every record with its addresses (from what the report is, `addresses`), in listing order;
    what each record wants of them remembered in the `scope`."""
    records = list(records)
    parts = per_record(scope, "name", name_parts)
    return sorted((Entry(a.report, r, a.body, a.legacy) for r, a in zip(records, addresses(records, parts), strict=True)),
                  key=sort_key)


def data_date(records: Iterable[Record]) -> str:
    """How current the portal is: the newest publication date among its reports ("" when none is
    known). Taken from the reports, not the clock, so that two builds of one corpus are identical."""
    return max((str(r.published) for r in records if r.published), default="")


def bodies(entries: Iterable[Entry]) -> dict[str, list[Entry]]:
    """The reports of each body (Entry.body_key), in the order given."""
    by_body: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.body_key is not None:
            by_body.setdefault(entry.body_key, []).append(entry)
    return by_body


def sort_key(entry: Entry) -> tuple[str, str, int, str]:
    return (entry.region_code or "~", agency_name(entry.record), entry.record.year or 0, entry.id)


def status_counts(entries: Iterable[Entry]) -> dict[str, int]:
    counts = Counter(e.record.status for e in entries)
    return {status: counts.get(status, 0) for status in STATUS_WORDS}


def shown_figure(figure: Figure) -> tuple[str, str]:
    """(text, sort value): a figure the report does not give is "—" and sorts last."""
    if figure.value is None:
        return "—", ""
    return format_number(figure.value, grouped=True) + ("≈" if figure.recovered else ""), str(figure.value)


def granted_share(record: Record) -> tuple[str, str]:
    """予以公开 of the requests 办结 (（七）总计), as a percentage."""
    granted, total = outcome(record, "granted"), flow(record, "total_processed")
    if granted.value is None or not total.value:
        return "—", ""
    share = 100 * granted.value / total.value
    return f"{share:.1f}%", f"{share:.4f}"


def problem_count(record: Record) -> tuple[str, str]:
    problems = sum(1 for f in record.findings if f.severity in (Severity.ERROR, Severity.WARNING))
    return str(problems), str(problems)


# The figure columns of every report list, in order: name and (text, sort value) of one report.
LIST_FIGURES: tuple[tuple[str, Callable[[Record], tuple[str, str]]], ...] = (
    ("本年新收", lambda record: shown_figure(flow(record, "new_received"))),
    ("予以公开率", granted_share),
    ("行政复议", lambda record: shown_figure(appeal(record, "review"))),
    ("行政诉讼", lambda record: shown_figure(litigation(record))),
    ("问题数", problem_count),
)
FIGURE_NAMES = tuple(name for name, _figure in LIST_FIGURES)


def row_view(entry: Entry, from_src: str) -> dict[str, Any]:
    return {"url": link(from_src, entry.src), **entry.row}


def region_src(code: str) -> str:
    return f"browse/region/{code or 'unknown'}.md"


def region_children(entries: list[Entry], code: str) -> dict[str, list[Entry]]:
    """The entries under a region, by the code of the next level down ("" for no code)."""
    length = next_level(code)
    children: dict[str, list[Entry]] = {}
    for entry in entries:
        if length and len(entry.region_code) >= length and entry.region_code.startswith(code):
            children.setdefault(entry.region_code[:length], []).append(entry)
    return children


def listed_here(code: str, members: list[Entry]) -> list[Entry]:
    """The reports a region's page lists one by one (none on the whole corpus's index). A county (the
    lowest level with pages) lists all of its own; a province or prefecture only those of bodies of
    its own level (its departments): the others are on their county's page, one click down. Else each
    report would be a row on three pages, and a province's page of a province's corpus (tens of
    thousands of reports) would be megabytes."""
    if not code:
        return []
    if lists_own_level(code):
        return [e for e in members if e.region_code == code]
    return members


def group_view(src: str, target: str, name: str, entries: list[Entry]) -> dict[str, Any]:
    return group_row(link(src, target), name, entries)


def group_row(url: str, name: str, entries: list[Entry]) -> dict[str, Any]:
    """A row of a table of groups: the group's link, its name, its count of reports and their states."""
    return {"url": url, "name": name, "count": len(entries), "status": status_counts(entries)}


# ---- pages -------------------------------------------------------------------------------------

def listing_page(src: str, title: str, entries: list[Entry], *, groups: list[dict[str, Any]] | None = None,
                 group_label: str = "", trail: list[dict[str, str]] | None = None, intro: str = "",
                 stats: str = "", problems: list[dict[str, Any]] | None = None,
                 links: tuple[tuple[str, str], ...] = (), feed: str = "",
                 bodies: tuple[list[int], list[dict[str, Any]]] | None = None,
                 coverage: tuple[list[int], list[dict[str, Any]]] | None = None,
                 listed: list[Entry] | None = None, own_level: bool = False, too_few: bool = False) -> str:
    """`stats`: the summary page of the same reports, if there is one; `too_few`: the page says its
    region has too few reports for one (summarised); `problems`: the region's
    problem list (problem_rows); `links`: (words, target) beside the counts; `feed`: the province
    whose Atom feed the page announces; `bodies`, `coverage`: (years, rows) of body_rows and
    coverage_rows; `listed`: the reports listed one by one, all of `entries` unless said (none on an
    index of groups, which only counts them: the whole corpus on one page is megabytes, and any
    change would make it again; a region's own bodies above the county level, listed_here), and
    `own_level` says it is the latter."""
    body_years, body_list = bodies or ([], [])
    coverage_years, coverage_list = coverage or ([], [])
    return render("listing.md.j2", title=title, plain_title=plain_title(title), intro=intro, figure_names=FIGURE_NAMES,
                  rows=[row_view(e, src) for e in (entries if listed is None else listed)], total=len(entries),
                  own_level=own_level,
                  groups=groups or [], group_label=group_label,
                  trail=trail or [], counts=status_counts(entries), statuses=STATUS_WORDS,
                  stats_url=link(src, stats) if stats else "", too_few=too_few, summary_min=SUMMARY_MIN_REPORTS,
                  problems=problems or [],
                  kinds=[k.words for k in PROBLEM_KINDS],
                  links=[{"url": link(src, target), "name": words} for words, target in links], **feed_meta(feed),
                  body_years=body_years, body_rows=body_list, coverage_years=coverage_years,
                  coverage_rows=coverage_list, coverage_counts=covered_counts(coverage_list), missing_word=MISSING)


def covered_counts(rows: list[dict[str, Any]]) -> list[int]:
    """Per year, how many of the coverage table's governments have a report."""
    return [sum(1 for row in rows if row["cells"][i]["url"]) for i in range(len(rows[0]["cells"]))] if rows else []


def feed_meta(province: str) -> dict[str, str]:
    """The front matter by which a page announces its province's Atom feed (overrides/main.html)."""
    return {"feed": feed_path(province), "feed_title": feed_title(province)} if province else {"feed": "", "feed_title": ""}


def problem_rows(entries: list[Entry], src: str) -> list[dict[str, Any]]:
    """One row per report of a region with a problem of a kind its readers ask about (逾期发布 …)."""
    rows = []
    for entry in entries:
        kinds = problem_kinds(entry.record)
        if kinds:
            rows.append({"url": link(src, entry.src), "name": agency_name(entry.record), "year": entry.record.year or "",
                         "region": region_text(entry.record), "kinds": [{"key": k.key, "words": k.words} for k in kinds]})
    return rows


# The governments a region's coverage table expects a report from: the divisions one level down and
# the body types their governments have (a county's 乡镇 and 街道, a prefecture's counties).
GOVERNMENT_TYPES = frozenset({BodyType.CITY_GOV.value, BodyType.COUNTY_GOV.value, BodyType.TOWNSHIP.value,
                              BodyType.SUBDISTRICT.value})
MISSING = "缺报"


def report_years(entries: Iterable[Entry]) -> list[int]:
    return sorted({e.record.year for e in entries if e.record.year})


def year_cells(src: str, reports: dict[int, Entry], years: list[int]) -> list[dict[str, str]]:
    """One cell per year: a link to that year's report, or 缺报."""
    return [{"text": f"{year}", "url": link(src, reports[year].src)} if year in reports else {"text": MISSING, "url": ""}
            for year in years]


def body_rows(members: list[Entry], src: str, all_bodies: dict[str, list[Entry]] | None = None
              ) -> tuple[list[int], list[dict[str, Any]]]:
    """The region's bodies, each with its timeline (a body with one report: that report) and a cell per
    year the region has reports for; `all_bodies`: every body's reports (default: the region's)."""
    all_bodies = bodies(members) if all_bodies is None else all_bodies
    years = report_years(members)
    by_body: dict[str, dict[int, Entry]] = {}
    for entry in members:
        if entry.body_key is not None and entry.record.year:
            by_body.setdefault(entry.body_key, {})[entry.record.year] = entry
    rows = []
    for reports in by_body.values():
        latest = reports[max(reports)]
        rows.append({"name": agency_name(latest.record), "type": latest.record.agency.get("type") or TYPE_UNKNOWN,
                     "url": link(src, timeline_src(latest, all_bodies) or latest.src) if latest.body_src else "",
                     "cells": year_cells(src, reports, years),
                     "missing": sum(1 for y in years if y not in reports)})
    return years, sorted(rows, key=lambda r: (r["type"], r["name"]))


def several_years(code: str, members: list[Entry]) -> bool:
    """A prefecture's or county's page has its bodies table (a row per body, a cell per year) when its
    reports span more than one year: with one year every row says 有 once and repeats the report list."""
    return len(code) >= 4 and len(report_years(members)) > 1


def coverage_rows(code: str, members: list[Entry], src: str) -> tuple[list[int], list[dict[str, Any]]]:
    """Which governments (the region's own, then those one level down, from the division codes) have a
    report for each year."""
    years = report_years(members)
    own = divisions.division(code)
    governments = [d for d in ([own] if own else []) + divisions.children(code) if d.display] if len(code) in (4, 6) else []
    if not years or not governments:
        return years, []
    reports: dict[str, dict[int, Entry]] = {}
    for entry in members:
        if entry.record.agency.get("type") in GOVERNMENT_TYPES and entry.record.year:
            reports.setdefault(entry.region_code, {})[entry.record.year] = entry
    return years, [{"name": d.display, "cells": year_cells(src, reports.get(d.code, {}), years)} for d in governments]


def listed_apart(members: list[Entry]) -> bool:
    """A region has a page of its own when it has more than one report: a page listing one report
    would cost a page of chrome per county of a scattered corpus, where most counties have one; the
    pages above it count that report and link it."""
    return len(members) > 1


def region_target(code: str, members: list[Entry]) -> str:
    """Where a link to a region's reports leads: its page, or its one report."""
    return region_src(code) if listed_apart(members) else members[0].src


def lone_region_page(code: str, above: tuple[str, str], site_url: str) -> str:
    """The address of a region with one report leads up to the page above (`above`: its source and
    name), which counts and links that report. Up, not to the report: the report's own breadcrumb
    links this address. Permanent: it becomes the region's page when a second report comes."""
    src, (parent, parent_name) = region_src(code), above
    url = link(src, parent)
    return render("lone_region.md.j2", url=url, canonical=absolute_url(site_url, parent) or url,
                  parent=parent_name, region=division_name(code))


def region_pages(entries: list[Entry], scope: PageScope | None = None, site_url: str = "") -> dict[str, str]:
    """Province → prefecture → county pages, each with its children's counts and all its reports; a
    region of one report has the small page that leads up (lone_region_page)."""
    pages: dict[str, str] = {}
    known = [e for e in entries if e.region_code]
    unknown = [e for e in entries if not e.region_code]
    by_body = bodies(entries)

    def visit(code: str, members: list[Entry], trail: list[tuple[str, str]]) -> None:
        src = "browse/region/index.md" if not code else region_src(code)
        children = region_children(members, code)
        for child, child_members in children.items():
            if len(child) <= REGION_LEVELS[-1][0]:
                visit(child, child_members, trail + [(src, division_name(code) if code else "全部地区")])
        if not wanted(scope, src, members if code else entries):
            return
        if code and not listed_apart(members):
            pages[src] = lone_region_page(code, trail[-1], site_url)
            return
        groups = [group_view(src, region_target(c, m), division_name(c), m) for c, m in sorted(children.items())]
        if not code and unknown:
            groups.append(group_view(src, region_src(""), REGION_UNKNOWN, unknown))
        level = next((label for n, label in REGION_LEVELS if n > len(code)), "")
        title = "按地区浏览" if not code else f"{division_name(code)}的年度报告"
        crumbs = [{"url": link(src, s), "name": n} for s, n in trail]
        province = code[:2]
        links = ((f"{division_name(province)}的校验问题", findings_region_src(province)),
                 ("订阅更新（Atom）", feed_path(province))) if code else (("校验问题", FINDINGS_INDEX),)
        own = listed_here(code, members)
        pages[src] = listing_page(src, title, members if code else entries, groups=groups, listed=own,
                                  own_level=lists_own_level(code),
                                  group_label=level, trail=crumbs,
                                  stats=region_stats_src(code) if not code or summarised(members) else "",
                                  too_few=bool(code) and not summarised(members),
                                  problems=problem_rows(members, src) if code else None, links=links,
                                  feed=province, bodies=body_rows(own, src, by_body) if several_years(code, own) else None,
                                  coverage=coverage_rows(code, members, src) if code else None)

    visit("", known, [])
    if unknown and wanted(scope, region_src(""), unknown):
        src = region_src("")
        pages[src] = listing_page(src, REGION_UNKNOWN, unknown, intro="未能确定地区的报告（可用旁注文件补充地区）。",
                                  trail=[{"url": link(src, "browse/region/index.md"), "name": "全部地区"}])
    return pages


# Where a province's reports of one value of a facet are listed, as a URL from the facet's page:
# (the value, the facet page, the province code, its name) → URL, "" for none.
ProvinceLink = Callable[[str, str, str, str], str]


def facet_pages(entries: list[Entry], kind: str, title: str, value: Callable[[Entry], str],
                slug: Callable[[str], str], order: Callable[[str], Any], by_province: ProvinceLink,
                stats: Callable[[str], str] = lambda _v: "", scope: PageScope | None = None) -> dict[str, str]:
    """An index of the values of one field (type, year) and a page per value with its reports counted
    by province, each province linking to where they are listed (`by_province`; a value whose
    provinces have no such page lists its reports). Every report a row of one national page (a
    year's 140,000) would be tens of megabytes; `stats`: a value's summary page, "" when it has none."""
    grouped: dict[str, list[Entry]] = {}
    for entry in entries:
        grouped.setdefault(value(entry), []).append(entry)
    index = f"browse/{kind}/index.md"
    values = sorted(grouped, key=order)
    pages = {index: listing_page(index, title, entries, listed=[], group_label=title[1:].replace("浏览", ""), groups=[
        group_view(index, f"browse/{kind}/{slug(v)}.md", v, grouped[v]) for v in values])}
    for v in values:
        src = f"browse/{kind}/{slug(v)}.md"
        if wanted(scope, src, grouped[v]):
            groups = province_groups(grouped[v], lambda code, name: by_province(v, src, code, name))
            pages[src] = listing_page(src, v, grouped[v], trail=[{"url": link(src, index), "name": title}],
                                      stats=stats(v), groups=groups or None, group_label="省份",
                                      listed=[] if groups else None, intro=FACET_NOTES[kind] if groups else "")
    return pages


FACET_NOTES = {"year": "各省本年度的报告逐份列在该省的年度排行页上（点击列名可按任一列排序）。",
               "type": "点击省份，在检索页按本类型和该省筛选报告（检索页需要浏览器运行脚本）；各报告也列在其所属县区的页面上。"}


def province_groups(members: list[Entry], target: Callable[[str, str], str]) -> list[dict[str, Any]]:
    """The members by province (unknown last), each linking to `target(code, name)`; [] when a province
    has no target."""
    provinces: dict[str, list[Entry]] = {}
    for entry in members:
        provinces.setdefault(entry.region_code[:2], []).append(entry)
    groups = []
    for code in sorted(provinces, key=lambda p: (not p, p)):
        url = target(code, province_name(code))
        if not url:
            return []
        groups.append(group_row(url, province_name(code), provinces[code]))
    return groups


def year_ranking(year: str, src: str, province: str, _name: str) -> str:
    """A province's reports of a year: its ranking page (none for an unknown year)."""
    return link(src, ranking_src(province, int(year))) if year.isdigit() else ""


def type_search(body_type: str, src: str, province: str, name: str) -> str:
    """A province's reports of a body type: the search page filtered by both (the filters' values are
    the words the report pages give Pagefind; an unknown province is 未识别)."""
    query = urlencode({"type": pagefind_value(body_type), "province": pagefind_value(name if province else "未识别")})
    return f"{link(src, 'search.md')}?{query}"


def type_of(entry: Entry) -> str:
    return str(entry.record.agency.get("type") or TYPE_UNKNOWN)


def type_slug(name: str) -> str:
    known = body_type(name)
    if known is not None and known.value == name:
        return known.slug
    return "unknown" if name == TYPE_UNKNOWN else f"type-{sum(map(ord, name))}"


def year_of(entry: Entry) -> str:
    return str(entry.record.year or "未知")


def type_order(name: str) -> tuple[int, str]:
    order = [t.value for t in BodyType]
    return (order.index(name) if name in order else len(order), name)


def other_reports(entry: Entry, by_body: dict[str, list[Entry]], from_src: str) -> dict[str, str]:
    """The other reports of the same body: source path (as `Finding.other` names them) → URL."""
    if entry.body_key is None:
        return {}
    return {str(other.record.source.get("path")): link(from_src, other.src)
            for other in by_body[entry.body_key] if other is not entry and other.record.source.get("path")}


def other_years(entry: Entry, by_body: dict[str, list[Entry]]) -> list[dict[str, Any]]:
    if entry.body_key is None:
        return []
    return [{"url": link(entry.src, other.src), "year": other.record.year or "年度未知",
             "status": other.record.status, "word": STATUS_WORDS[other.record.status],
             "compare": compare_link(entry.src, [other, entry])}
            for other in sorted(by_body[entry.body_key], key=lambda e: e.record.year or 0) if other is not entry]


def region_trail(src: str, code: str) -> list[dict[str, str]]:
    """全部地区 › 省 › 地市 › 县区: the region pages above a page about `code` (short division code)."""
    crumbs = [{"url": link(src, "browse/region/index.md"), "name": "全部地区"}]
    if not code:
        crumbs.append({"url": link(src, region_src("")), "name": REGION_UNKNOWN})
    return crumbs + [{"url": link(src, region_src(code[:length])), "name": division_name(code[:length])}
                     for length, _level in REGION_LEVELS if len(code) >= length]


def report_trail(entry: Entry, by_body: dict[str, list[Entry]]) -> list[dict[str, str]]:
    """The region pages, then the body's timeline: what a report page sits under."""
    crumbs = region_trail(entry.src, entry.region_code)
    if timeline_src(entry, by_body):
        crumbs.append({"url": link(entry.src, entry.body_src), "name": agency_name(entry.record)})
    return crumbs


def original_link(record: Record) -> dict[str, str] | None:
    """The sidecar's `source_url` as a link, only when it is a web address (text from a sidecar:
    never a `javascript:` or `data:` link)."""
    url = str(record.source.get("url") or "")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return {"url": url, "host": parts.hostname}


def citation(record: Record, title: str) -> str:
    """A reference after GB/T 7714-2015 for an online document, up to the date of citing:
    责任者. 题名[EB/OL]. (发布日期). The page adds [引用日期] (the reader's: its script fills it in) and the address."""
    published = f"({record.published})" if record.published else ""
    return f"{agency_name(record)}. {title}[EB/OL]. {published}"


def cite_view(entry: Entry, title: str, site_url: str) -> dict[str, Any]:
    """The cite box: permalink (absolute under site_url, else the address from the site's root, which
    the page's script turns into the address in the reader's bar), version, date of the data, a reference."""
    absolute = absolute_url(site_url, entry.src)
    return {"href": absolute or "./", "text": unquote(absolute) if absolute else page_url(entry.src),
            "version": entry.version, "sha256": entry.record.source.get("sha256") or "",
            "published": entry.record.published or "", "reference": citation(entry.record, title)}


def report_page(entry: Entry, by_body: dict[str, list[Entry]], site_url: str = "") -> str:
    record = entry.record
    title = report_title(record)
    source = source_path(entry.id, record)
    tables = grids(record)
    return render("report.md.j2", r=record, title=title, plain_title=plain_title(title),
                  name=agency_name(record), agency_type=record.agency.get("type") or TYPE_UNKNOWN,
                  region=region_text(record), status_word=STATUS_WORDS[record.status],
                  crumbs=report_trail(entry, by_body), year_label=f"{record.year} 年度" if record.year else "年度未知",
                  original=original_link(record), cite=cite_view(entry, title, site_url),
                  checks=check_views(record, other_reports(entry, by_body, entry.src)),
                  sections=section_views(record, tables), grids=tables, ocr_note=ocr_note(record),
                  inferred=inferred_words(record), aliases=name_aliases(record.agency.get("name")),
                  regions=region_filters(record),
                  corrections=correction_views(record),
                  legend=legend(tables),
                  source_url=link(entry.src, source), viewable=source.endswith(".pdf"),
                  source_name=Path(str(record.source.get("path") or "")).name,
                  json_url=link(entry.src, f"{DATA_DIR}/{BULK_RECORDS}"),
                  xlsx_url=link(entry.src, report_xlsx_path(record)),
                  others=other_years(entry, by_body), compare_add=compare_link(entry.src, [entry], add=True),
                  timeline_url=link(entry.src, entry.body_src) if timeline_src(entry, by_body) else "",
                  timeline_years=len(by_body[entry.body_key]) if entry.body_key else 0,
                  home=link(entry.src, "index.md"), region_url=link(entry.src, region_src(entry.region_code[:6])))


# ---- compare: two to four reports side by side ----------------------------------------------------

COMPARE_SRC = "compare.md"
COMPARED_AT_MOST = 4


def compare_link(from_src: str, entries: list[Entry], add: bool = False) -> str:
    """The compare page with these reports (`?r=` replaces the reader's choice, `?add=` adds to it)."""
    ids = ",".join(url_path(e.id) for e in entries)
    return f"{link(from_src, COMPARE_SRC)}?{'add' if add else 'r'}={ids}"


def compare_rows(keys: list[str]) -> list[tuple[str, str]]:
    """Every cell the compared reports may hold (cell_keys), in the official order, with its Chinese
    label (the 2021 layout's; a cell only the 2019 layout has, the 2019 one's)."""
    return [(key, cell_label(key, "2021")) for key in keys]


def compare_page(keys: list[str]) -> str:
    return render("compare.md.j2", rows_json=json.dumps(compare_rows(keys), ensure_ascii=False),
                  pages_base=link(COMPARE_SRC, "reports/") + "/")


# ---- findings: an index, a page per check and a page per province ------------------------------
# At 5,000 reports the findings fill megabytes: no page lists them all. Each list is cut into
# pages of FINDINGS_PER_PAGE rows (findings/check/balance.md, balance-2.md …) in listing order.

FINDINGS_INDEX = "findings/index.md"
FINDINGS_PER_PAGE = 200


def problem_findings(entry: Entry) -> list[Finding]:
    """Errors and warnings: `info` findings (region_ambiguous, ocr_unconfirmed) are notes, not problems."""
    return [f for f in entry.record.findings if f.severity is not Severity.INFO]


def numbered(stem: str, number: int) -> str:
    return f"{stem}.md" if number == 1 else f"{stem}-{number}.md"


def check_stem(check: str) -> str:
    return f"findings/check/{check}"


def findings_region_stem(province: str) -> str:
    return f"findings/region/{province or 'unknown'}"


def check_src(check: str) -> str:
    return numbered(check_stem(check), 1)


def findings_region_src(province: str) -> str:
    return numbered(findings_region_stem(province), 1)


def province_name(province: str) -> str:
    return division_name(province) if province else REGION_UNKNOWN


Found = tuple[Entry, Finding]


def finding_rows(found: list[Found], src: str, by_body: dict[str, list[Entry]]) -> list[dict[str, Any]]:
    return [{**row_view(e, src), "check": f.check, "check_title": CHECK_TITLES.get(f.check, f.check),
             "severity": SEVERITY_STATUS[f.severity], "severity_word": SEVERITY_WORDS[f.severity],
             # Only a cross-report finding names another report to link.
             "message": finding_message(f, other_reports(e, by_body, src) if f.other else {})} for e, f in found]


def count_rows(src: str, groups: list[tuple[str, str, str, list[Found]]]) -> list[dict[str, Any]]:
    """(name, code shown beside it, page, findings) → a row of the counts table."""
    return [{"name": name, "code": code, "url": link(src, target) if target else "",
             "reports": len({id(e) for e, _f in found}), "findings": len(found),
             "errors": sum(1 for _e, f in found if f.severity is Severity.ERROR),
             "warnings": sum(1 for _e, f in found if f.severity is Severity.WARNING)}
            for name, code, target, found in groups]


@dataclass(frozen=True)
class FindingsList:
    """One list of findings (a check's, a province's), cut into pages: stem.md, stem-2.md …"""
    stem: str
    title: str
    found: list[Found]
    counts: list[tuple[str, str, str, list[Found]]]  # the counts table: name, code, page, findings
    counts_label: str
    about: list[str]
    show_check: bool
    feed: str = ""  # the province whose Atom feed the pages announce
    links: tuple[tuple[str, str], ...] = ()  # (words, target) shown under the title


def findings_list_pages(listing: FindingsList, by_body: dict[str, list[Entry]], per_page: int,
                        scope: PageScope | None = None) -> dict[str, str]:
    found = listing.found
    chunks = [found[i:i + per_page] for i in range(0, len(found), per_page)] or [[]]
    reports = len({id(e) for e, _f in found})
    # Every page of a list shows its count and pager: all of them are made again together.
    everyone = [e for e, _f in found] + [e for c in listing.counts for e, _f in c[3]]
    pages = {}
    for number, chunk in enumerate(chunks, start=1):
        src = numbered(listing.stem, number)
        if not wanted(scope, src, everyone):
            continue
        pager = [{"number": n, "url": link(src, numbered(listing.stem, n)), "current": n == number}
                 for n in range(1, len(chunks) + 1)] if len(chunks) > 1 else []
        pages[src] = render(
            "findings_list.md.j2", title=listing.title, plain_title=plain_title(listing.title),
            rows=finding_rows(chunk, src, by_body), first=(number - 1) * per_page + 1, pager=pager,
            counts=count_rows(src, [c for c in listing.counts if c[3]]) if number == 1 else [],
            counts_label=listing.counts_label, about=listing.about, show_check=listing.show_check,
            total=len(found), reports=reports, trail=[{"url": link(src, FINDINGS_INDEX), "name": "校验问题"}],
            links=[{"url": link(src, target), "name": words} for words, target in listing.links],
            **feed_meta(listing.feed))
    return pages


def check_about(check: str) -> list[str]:
    declared = CHECKS_BY_ID.get(check)
    if declared is None:
        return []
    lines = [f"依据：{declared.basis}" if declared.basis else "", f"建议：{declared.advice}" if declared.advice else ""]
    return [line for line in lines if line]


def findings_pages(entries: list[Entry], by_body: dict[str, list[Entry]],
                   per_page: int = FINDINGS_PER_PAGE, scope: PageScope | None = None) -> dict[str, str]:
    """The findings index (checks and provinces, with counts), a page per check and one per province,
    each cut into pages of `per_page` findings; cross-report findings link the other report."""
    found = [(e, f) for e in entries for f in problem_findings(e)]
    by_check: dict[str, list[Found]] = {}
    by_province: dict[str, list[Found]] = {}
    for e, f in found:
        by_check.setdefault(f.check, []).append((e, f))
        by_province.setdefault(e.region_code[:2], []).append((e, f))
    checks = check_ids(f for _e, f in found)
    # Every province with reports has its page (its region pages link it), problems or not.
    provinces = sorted({e.region_code[:2] for e in entries}, key=lambda p: (not p, p))
    lists = [FindingsList(check_stem(c), f"{CHECK_TITLES.get(c, c)}（{c}）", by_check[c],
                          [(province_name(p), p, findings_region_src(p), [x for x in by_check[c] if x[0].region_code[:2] == p])
                           for p in provinces], "按省份", check_about(c), show_check=False) for c in checks]
    kinds = "、".join(k.words for k in PROBLEM_KINDS)
    lists += [FindingsList(findings_region_stem(p), f"{province_name(p)}的校验问题", by_province.get(p, []),
                           [(CHECK_TITLES.get(c, c), c, check_src(c), [x for x in by_province.get(p, []) if x[1].check == c])
                            for c in checks], "按校验项",
                           [f"按机关排列（地区、机关名称、年度）。各地区的页面另有{kinds}的报告一览。"],
                           show_check=True, feed=p,
                           links=((f"{province_name(p)}的全部报告", region_src(p)),
                                  *((("订阅更新（Atom）", feed_path(p)),) if p else ()))) for p in provinces]
    pages: dict[str, str] = {}
    for listing in lists:
        pages.update(findings_list_pages(listing, by_body, per_page, scope))
    src = FINDINGS_INDEX
    checks_view = [{**row, "severity": SEVERITY_WORDS[CHECKS_BY_ID[row["code"]].severity] if row["code"] in CHECKS_BY_ID
                    else ""} for row in count_rows(src, [(CHECK_TITLES.get(c, c), c, check_src(c), by_check[c]) for c in checks])]
    pages[src] = render("findings.md.j2", checks=checks_view, csv_url=link(src, f"data/{FINDINGS_CSV}"),
                        rejected_url=link(src, "findings/rejected.md"),
                        provinces=count_rows(src, [(province_name(p), p, findings_region_src(p),
                                                    by_province.get(p, [])) for p in provinces]))
    return pages


def workbook_views(workbooks: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The province workbooks (site path, `workbooks.province_key`), as the fields page lists them."""
    return [{"url": link("fields.md", path), "name": region_xlsx_name(key)} for path, key in workbooks]


def region_xlsx_name(key: str) -> str:
    return division_name(key.ljust(12, "0")) if key.isdigit() else "地区未识别"


def fields_page(keys: list[str], workbooks: list[dict[str, Any]]) -> str:
    """字段说明: every column of the CSV files, from the data dictionary; the Excel workbooks."""
    tables = [{"file": REPORTS_CSV, "fields": [*METADATA_FIELDS, *map(cell_field, keys)],
               "about": "每份报告一行：元数据，以及三张表的每个单元格一列（单元格不是数字时为空）。"},
              {"file": FINDINGS_CSV, "fields": list(FINDING_FIELDS),
               "about": f"每条校验问题一行，按 {REPORTS_CSV} 的报告顺序。"}]
    return render("fields.md.j2", tables=tables, reasons=not_run_reasons(), workbooks=workbooks,
                  datapackage_url=link("fields.md", "data/datapackage.json"))


def not_run_reasons() -> list[dict[str, Any]]:
    """Each reason a check may not run, its words (the first check's) and the checks it stops."""
    found: dict[str, dict[str, Any]] = {}
    for check in CHECKS:
        shared = ACROSS_REQUIREMENTS if check.scope is not Scope.REPORT else ()
        for requirement in (*check.requires, *shared):
            entry = found.setdefault(requirement.reason, {"code": requirement.reason, "words": requirement.words,
                                                          "checks": []})
            entry["checks"].append(check.id)
    return list(found.values())


def rejected_page(corpus: Corpus) -> str:
    return render("rejected.md.j2", rejected=corpus.rejected, inputs=corpus.inputs, ignored=corpus.ignored)


def home_page(corpus: Corpus, entries: list[Entry]) -> str:
    src = "index.md"
    return render("index.md.j2", figure_names=FIGURE_NAMES, reports=len(entries), bodies=len({e.body_key or e.id for e in entries}),
                  years=sorted({e.record.year for e in entries if e.record.year}),
                  counts=status_counts(entries), statuses=STATUS_WORDS, rejected=len(corpus.rejected),
                  search=link(src, "search.md"),
                  links={k: link(src, v) for k, v in {
                      "region": "browse/region/index.md", "type": "browse/type/index.md",
                      "year": "browse/year/index.md", "stats": STATS_INDEX, "findings": "findings/index.md",
                      "rejected": "findings/rejected.md", "data": "data.md"}.items()},
                  recent=[row_view(e, src) for e in sorted(entries, key=lambda e: -(e.record.year or 0))[:10]])


# ---- body timelines ----------------------------------------------------------------------------

def figure_view(figure: Figure) -> dict[str, Any]:
    """A timeline cell: the number, or "—" (never 0) when a cell it needs shows no number."""
    return {"text": "—" if figure.value is None else format_number(figure.value, grouped=True),
            "recovered": figure.recovered, "number": figure.value is not None}


def problems(record: Record) -> int:
    """Errors and warnings: `info` findings (region_ambiguous) are notes, not problems."""
    return sum(1 for f in record.findings if f.severity is not Severity.INFO)


def year_label(record: Record) -> str:
    return f"{record.year}" if record.year else "年度未知"


def timeline_page(members: list[Entry]) -> str:
    """Every report of one body side by side: a column per report, oldest first."""
    src = members[0].body_src
    members = sorted(members, key=lambda e: (e.record.year or 0, e.id))
    latest = members[-1].record
    name = agency_name(latest)
    columns = [{"year": year_label(e.record), "url": link(src, e.src), "status": e.record.status,
                "word": STATUS_WORDS[e.record.status], "template": e.record.template or "未识别",
                "problems": problems(e.record)} for e in members]
    figures = [key_figures(e.record) for e in members]
    rows = [{"label": label, "cells": [figure_view(f[index][1]) for f in figures]}
            for index, (label, _figure) in enumerate(figures[0])]
    chart = column_chart("chart-new", f"{name}：历年本年新收政府信息公开申请数量（件）",
                         [(year_label(e.record), flow(e.record, "new_received").value) for e in members], unit="")
    title = f"{name} 历年报告"
    names = list(dict.fromkeys(agency_name(e.record) for e in members))
    present = {e.record.year for e in members if e.record.year}
    missing = [y for y in range(min(present), max(present) + 1) if y not in present] if present else []
    return render("timeline.md.j2", title=title, plain_title=plain_title(title), name=name, missing=missing,
                  compare=compare_link(src, members[-COMPARED_AT_MOST:]) if len(members) > 1 else "",
                  crumbs=region_trail(src, members[-1].region_code),
                  columns=columns, rows=rows, chart=chart, names=names if len(names) > 1 else [],
                  agency_type=latest.agency.get("type") or TYPE_UNKNOWN)


def timeline_src(entry: Entry, by_body: dict[str, list[Entry]]) -> str:
    """The body's timeline page; "" without a body or when the body has this one report: a timeline of
    one column would repeat the report page, so the body's address leads to the report instead."""
    return entry.body_src if entry.body_src and len(body_mates(entry, by_body)) > 1 else ""


def lone_body_page(entry: Entry, site_url: str) -> str:
    """The address of a body with one report, leading to it (lone_body.md.j2)."""
    url = link(entry.body_src, entry.src)
    return render("lone_body.md.j2", url=url, canonical=absolute_url(site_url, entry.src) or url)


def timeline_pages(by_body: dict[str, list[Entry]], scope: PageScope | None = None, site_url: str = "") -> dict[str, str]:
    return {members[0].body_src: timeline_page(members) if len(members) > 1 else lone_body_page(members[0], site_url)
            for members in by_body.values() if wanted(scope, members[0].body_src, members)}


# ---- the addresses of earlier builds ------------------------------------------------------------

def redirect_page(from_src: str, target: str, site_url: str) -> bytes:
    """A page at an old address that sends the reader on: meta refresh, canonical link, a plain link;
    relative, so it works under any sub-path (absolute canonical under site_url)."""
    return render("redirect.html.j2", url=link(from_src, target),
                  canonical=absolute_url(site_url, target) or link(from_src, target)).encode("utf-8")


def redirects(entries: list[Entry], by_body: dict[str, list[Entry]], site_url: str,
              scope: PageScope | None = None) -> dict[str, bytes]:
    """reports/<hash12>/ and bodies/<hash of the body key>/, the addresses earlier builds gave, lead on."""
    files = {}
    for entry in entries:
        old = f"reports/{entry.legacy}.md"
        if wanted(scope, page_url(old) + "index.html", [entry]):
            files[page_url(old) + "index.html"] = redirect_page(old, entry.src, site_url)
    for key, members in by_body.items():
        old = f"bodies/{body_id(key)}.md"
        if wanted(scope, page_url(old) + "index.html", members):
            files[page_url(old) + "index.html"] = redirect_page(
                old, members[0].body_src if len(members) > 1 else members[0].src, site_url)
    return files


# ---- region and year summaries -------------------------------------------------------------------

STATS_INDEX = "stats/index.md"


def region_stats_src(code: str) -> str:
    """Summaries exist for the whole corpus and for each province, prefecture and county."""
    if not code:
        return STATS_INDEX
    return f"stats/region/{code}.md" if len(code) <= REGION_LEVELS[-1][0] else ""


# A region has a summary page from this many reports: the totals and shares of one or two reports are
# those reports' own figures, which the region's list gives row by row (a summary page repeating them
# would cost a page of chrome and charts per county of a scattered corpus, where most have one or two).
SUMMARY_MIN_REPORTS = 3


def summarised(members: list[Entry]) -> bool:
    return len(members) >= SUMMARY_MIN_REPORTS


def summary_part_target(code: str, members: list[Entry]) -> str:
    """Where a summary links a sub-region: its summary page, else its list or its one report; "" for
    a level without summaries."""
    if not region_stats_src(code):
        return ""
    return region_stats_src(code) if summarised(members) else region_target(code, members)


def year_stats_src(year: str) -> str:
    return f"stats/year/{year}.md" if year.isdigit() else ""


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def summary_charts(summary: Summary) -> dict[str, Markup]:
    outcomes = bar_chart("chart-outcomes", f"办理结果占办理结果总计的比例（计入 {summary.outcome_reports} 份报告）",
                         [(t.label, t.share) for t in summary.outcomes], unit="%", maximum=100, decimals=1)
    appeals = stacked_chart("chart-appeals", "行政复议和行政诉讼的结果（件）", [a.label for a in summary.appeals],
                            [Series(label, tuple(a.results[i] if a.counted else None for a in summary.appeals))
                             for i, (_key, label) in enumerate(APPEAL_RESULTS)],
                            totals=[a.total if a.counted else None for a in summary.appeals])
    return {"outcomes": outcomes, "appeals": appeals}


def breakdown(src: str, groups: list[tuple[str, str, list[Entry]]]) -> list[dict[str, Any]]:
    """One row per part (sub-region or year): name, link (may be ""), reports, 本年新收, share passing."""
    rows = []
    for name, target, members in groups:
        summary = summarise([e.figures for e in members])
        rows.append({"name": name, "url": link(src, target) if target else "", "reports": summary.reports,
                     "new": format_number(summary.flows[0].value, grouped=True), "new_counted": summary.flows[0].counted,
                     "passing": percent(summary.passing_share), "summary": summary})
    return rows


def by_year(entries: list[Entry]) -> list[tuple[str, str, list[Entry]]]:
    years: dict[str, list[Entry]] = {}
    for entry in entries:
        years.setdefault(year_of(entry), []).append(entry)
    return [(y, year_stats_src(y), years[y]) for y in sorted(years, key=lambda y: (not y.isdigit(), y))]


def summary_page(src: str, title: str, entries: list[Entry], *, listing: str, trail: list[tuple[str, str]],
                 parts: list[tuple[str, str, list[Entry]]], part_label: str) -> str:
    """Totals, outcome shares, review and litigation results and share passing of a set of reports."""
    summary = summarise([e.figures for e in entries])
    years = breakdown(src, by_year(entries))
    year_chart = column_chart("chart-years", f"{title}：各年度本年新收申请数量（件）",
                              [(str(y["name"]), y["summary"].flows[0].value if y["new_counted"] else None)
                               for y in years]) if len(years) > 1 else Markup("")
    return render("summary.md.j2", title=title, plain_title=plain_title(title), s=summary, percent=percent,
                  charts=summary_charts(summary), results=[label for _k, label in APPEAL_RESULTS],
                  listing_url=link(src, listing), statuses=STATUS_WORDS,
                  trail=[{"url": link(src, s), "name": n} for s, n in trail],
                  parts=breakdown(src, parts), part_label=part_label, years=years, year_chart=year_chart)


def region_stats_pages(entries: list[Entry], scope: PageScope | None = None) -> dict[str, str]:
    """The whole corpus, then province → prefecture → county, like the browse-by-region pages."""
    pages: dict[str, str] = {}
    known = [e for e in entries if e.region_code]

    def visit(code: str, members: list[Entry], trail: list[tuple[str, str]]) -> None:
        src = region_stats_src(code)
        children = region_children(members, code)
        for child, child_members in children.items():
            if region_stats_src(child) and summarised(child_members):
                visit(child, child_members, trail + [(src, division_name(code) if code else "全部报告")])
        if not wanted(scope, src, entries if not code else members):
            return
        parts = [(division_name(c), summary_part_target(c, m), m) for c, m in sorted(children.items())]
        if not code and len(known) < len(entries):
            parts.append((REGION_UNKNOWN, "", [e for e in entries if not e.region_code]))
        level = next((label for n, label in REGION_LEVELS if n > len(code)), "")
        title = "全部报告统计" if not code else f"{division_name(code)}统计"
        pages[src] = summary_page(src, title, entries if not code else members,
                                  listing=region_src(code) if code else "browse/region/index.md", trail=trail,
                                  parts=parts, part_label=level)

    visit("", known, [])
    return pages


def year_stats_pages(entries: list[Entry], scope: PageScope | None = None) -> dict[str, str]:
    pages = {}
    for year, src, members in by_year(entries):
        if not src or not wanted(scope, src, members):
            continue
        provinces: dict[str, list[Entry]] = {}
        for entry in members:
            provinces.setdefault(entry.region_code[:2], []).append(entry)
        parts = [(division_name(c) if c else REGION_UNKNOWN, "", m)
                 for c, m in sorted(provinces.items(), key=lambda item: (not item[0], item[0]))]
        pages[src] = summary_page(src, f"{year} 年度统计", members, listing=f"browse/year/{year}.md",
                                  trail=[(STATS_INDEX, "全部报告")], parts=parts, part_label="省")
    return pages


# ---- report pages on every core ---------------------------------------------------------------
# Report pages and the province workbooks are most of generate()'s time and independent of one
# another: forked workers make them (inheriting the entries, nothing pickled on the way in) while
# this process writes the listing and statistics pages; results come back in submission order, so
# output is stable. A part is a span of report pages or one workbook.

PARALLEL_PAGES_FROM = 200


@dataclass(frozen=True)
class Farmed:
    """What the workers are given (by fork): the report pages to make, the workbooks to write."""
    entries: list[Entry]
    by_body: dict[str, list[Entry]]
    site_url: str
    workbooks: list[tuple[str, list[Published]]]
    keys: list[str]


_SHARED: Farmed | None = None
Part = tuple[str, int, int]  # ("pages", start, stop) or ("workbook", index, 0)


def made_part(part: Part) -> list[str] | bytes:
    assert _SHARED is not None
    return farmed_part(_SHARED, part)


def farmed_part(farmed: Farmed, part: Part) -> list[str] | bytes:
    kind, first, last = part
    if kind == "pages":
        return [report_page(farmed.entries[i], farmed.by_body, farmed.site_url) for i in range(first, last)]
    return group_workbook(farmed.workbooks[first][1], farmed.keys)


def spans(count: int, parts: int) -> list[range]:
    size = max(1, -(-count // parts))
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def farm_parts(farmed: Farmed, jobs: int) -> list[Part]:
    return ([("pages", span.start, span.stop) for span in spans(len(farmed.entries), jobs * 4)]
            + [("workbook", index, 0) for index in range(len(farmed.workbooks))])


def start_farm(farmed: Farmed, jobs: int) -> Callable[[], tuple[list[str], dict[str, bytes]]]:
    """Begin making the report pages and workbooks; the returned function waits and gives the pages
    in order and the workbooks by site path."""
    global _SHARED
    parts = farm_parts(farmed, jobs)

    def assembled(made: list[list[str] | bytes]) -> tuple[list[str], dict[str, bytes]]:
        pages = [page for out in made if isinstance(out, list) for page in out]
        books = {farmed.workbooks[part[1]][0]: out for part, out in zip(parts, made) if isinstance(out, bytes)}
        return pages, books

    if (jobs <= 1 or len(farmed.entries) + len(farmed.workbooks) < PARALLEL_PAGES_FROM
            or "fork" not in multiprocessing.get_all_start_methods()):
        return lambda: assembled([farmed_part(farmed, part) for part in parts])
    _SHARED = farmed
    with frozen_heap():  # the workers fork when tasks are submitted
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"))
        futures = [pool.submit(made_part, part) for part in parts]

    def collect() -> tuple[list[str], dict[str, bytes]]:
        global _SHARED
        try:
            return assembled([future.result() for future in futures])
        finally:
            pool.shutdown()
            _SHARED = None
    return collect


def page_address(src: str, site_url: str) -> str:
    """A page's address in the data (CSV, JSON records, index files, feeds): absolute under mkdocs
    `site_url` when it is set, else relative to the site root."""
    return absolute(page_url(src), site_url)


def catalog_files(published: list[Published], site_url: str, scope: PageScope | None = None) -> dict[str, bytes]:
    """The Atom feeds and the JSON index files, from one row per report."""
    rows = each(scope, "index", published, index_row)
    feeds = feed_files(rows, site_url, lambda province: page_url(region_src(province)))
    by_row = {id(row): item for row, item in zip(rows, published)}
    return {**feeds, **index_files(rows, site_url, feed_map(feeds),
                                   lambda path, members: wanted(scope, path, [by_row[id(r)] for r in members]))}


def published(entry: Entry, site_url: str) -> Published:
    """The report as the open data names it, its addresses absolute under `site_url`."""
    body = page_address(entry.body_src, site_url) if entry.body_src else ""
    return Published(entry.id, entry.record, page_address(entry.src, site_url), body)


def body_mates(entry: Entry, by_body: dict[str, list[Entry]]) -> list[Entry]:
    """The reports a report's page shows beside itself: its body's other years (or only itself)."""
    return by_body[entry.body_key] if entry.body_key is not None else [entry]


def same_entry(scope: PageScope, entry: Entry) -> Entry:
    """The entry of an unchanged record as the last run had it, with the figures it has read."""
    before: Entry = scope.remembered("entry", entry, lambda: entry)
    return before if before.body == entry.body and before.legacy == entry.legacy else entry


def report_wanted(scope: PageScope | None, entry: Entry, by_body: dict[str, list[Entry]]) -> bool:
    return wanted(scope, entry.src, body_mates(entry, by_body))


def generate(corpus: Corpus, content_dir: Path, jobs: int | None = None, site_url: str = "",
             scope: PageScope | None = None, touched: set[str] | None = None) -> SiteFiles:
    """Every generated page and file of the portal for this corpus (`jobs`: worker processes for
    the report pages; default all cores; `site_url`: mkdocs' `site_url`, "" when not set). With a
    `scope` that made the last run's files, and the source paths of the reports `touched` since,
    only what shows one of them is made; the scope's `kept` lists the rest (portal/scope.py)."""
    shown, rest = generate_staged(corpus, content_dir, jobs, site_url, scope, touched)
    try:
        later = rest()  # while the workers make the report pages
    finally:  # the workers are waited for (and stopped) even when a page failed
        first = shown()
    return whole(first, later)


# The families of generated pages and data files, in the order a build adds them (MkDocs' files, and
# so the sitemap, follow it): generate_staged makes them in two stages, `whole` puts them in order.
PAGE_FAMILIES = ("home", "regions", "types", "years", "timelines", "region_stats", "year_stats", "ranking",
                 "findings", "rejected", "compare", "fields", "reports")
DATA_FAMILIES = ("open_data", "catalog", "redirects", "terms", "layouts", "bodies", "workbooks")


@dataclass
class Staged:
    """Part of a run of generate: pages and data files by family (PAGE_FAMILIES, DATA_FAMILIES)."""
    pages: dict[str, dict[str, str]] = field(default_factory=dict)
    data: dict[str, dict[str, bytes]] = field(default_factory=dict)
    sources: dict[str, Path] = field(default_factory=dict)
    searchable: set[str] = field(default_factory=set)

    def files(self) -> SiteFiles:
        return SiteFiles(pages={p: t for part in self.pages.values() for p, t in part.items()},
                         data={p: b for part in self.data.values() for p, b in part.items()},
                         sources=self.sources, searchable=self.searchable)


def whole(shown: Staged, rest: Staged) -> SiteFiles:
    pages, data = {**shown.pages, **rest.pages}, {**shown.data, **rest.data}
    return SiteFiles(pages={p: t for family in PAGE_FAMILIES for p, t in pages.get(family, {}).items()},
                     data={p: b for family in DATA_FAMILIES for p, b in data.get(family, {}).items()},
                     sources=rest.sources, searchable=shown.searchable)


def generate_staged(corpus: Corpus, content_dir: Path, jobs: int | None = None, site_url: str = "",
                    scope: PageScope | None = None, touched: set[str] | None = None
                    ) -> tuple[Callable[[], Staged], Callable[[], Staged]]:
    """generate in two stages, each given by one of the returned functions: what shows a report (its
    pages, the listings it is in, its addresses), and the rest (home, statistics, findings, the open
    data, workbooks, feeds and index files, the copies of the sources; in a build the workers make
    the workbooks with the report pages). A live update
    (publish/live.py) writes the first before it makes the second; a build makes the second while
    the workers make the report pages. Call both: the first waits for the workers."""
    entries = entries_of(corpus.records, scope)
    if scope is not None:
        entries = [same_entry(scope, e) for e in entries]
    by_body = bodies(entries)
    if scope is not None:
        scope.begin({str(e.record.source.get("path")): e.id for e in entries}, touched)
    rendered_entries = [e for e in entries if report_wanted(scope, e, by_body)]
    listed = [published(e, site_url) for e in entries]
    keys = cell_keys([], each(scope, "keys", entries, lambda e: record_keys(e.record)))
    # The workers' rows are not remembered in the scope (they live in the workers): in a live update
    # there are a few workbooks, made here, in the second stage (they are open data, not pages).
    live = scope is not None and scope.changed is not None
    books = workbook_groups(listed, scope)
    farm = start_farm(Farmed(rendered_entries, by_body, site_url, [] if live else books, keys),
                      1 if live else jobs or os.cpu_count() or 1)
    shown = Staged(searchable={e.src for e in entries})
    try:
        shown.pages["regions"] = region_pages(entries, scope, site_url)
        shown.pages["types"] = facet_pages(entries, "type", "按机关类型浏览", type_of, type_slug, type_order,
                                           type_search, scope=scope)
        shown.pages["years"] = facet_pages(entries, "year", "按年度浏览", year_of, lambda y: y,
                                           lambda y: (not y.isdigit(), y), year_ranking, year_stats_src, scope=scope)
        shown.pages["timelines"] = timeline_pages(by_body, scope, site_url)
        shown.pages["ranking"] = ranking_pages(entries, scope)
        shown.data["redirects"] = redirects(entries, by_body, site_url, scope)
    except BaseException:
        farm()  # the workers are waited for (and stopped) even when a page above failed
        raise

    def first() -> Staged:
        rendered, workbooks = farm()
        shown.pages["reports"] = {entry.src: page for entry, page in zip(rendered_entries, rendered, strict=True)}
        shown.data["workbooks"] = workbooks
        return shown

    def rest() -> Staged:
        made = Staged()
        made.pages["home"] = {"index.md": home_page(corpus, entries)}
        made.pages["region_stats"] = region_stats_pages(entries, scope)
        made.pages["year_stats"] = year_stats_pages(entries, scope)
        made.pages["findings"] = findings_pages(entries, by_body, scope=scope)
        made.pages["rejected"] = {"findings/rejected.md": rejected_page(corpus)}
        made.pages["compare"] = {COMPARE_SRC: compare_page(keys)}
        made.pages["fields"] = {"fields.md": fields_page(keys, workbook_views(
            [(region_xlsx_path(key), key) for key in sorted({province_key(e.record) for e in entries})]))}
        made.data["open_data"], made.sources = data_files(corpus, listed, content_dir, scope, keys, workbooks=False)
        made.data["catalog"] = catalog_files(listed, site_url, scope)
        made.data["terms"] = {TERMS_FILE: terms_json(e.record for e in entries)}
        made.data["layouts"] = {LAYOUTS_SCRIPT: layouts_script()}
        made.data["bodies"] = {BODIES_FILE: bodies_json((str(e.record.agency.get("name") or ""), region_text(e.record))
                                                        for e in entries)}
        if live:
            made.data["workbooks"] = start_farm(Farmed([], by_body, site_url, books, keys), 1)()[1]
        return made
    return first, rest


def ranking_src(province: str, year: int | None) -> str:
    return f"ranking/{province or 'unknown'}-{year or 'unknown'}.md"


# A province's year of reports is ranked in full up to this many; above it (a province of the national
# corpus has thousands a year: a page of megabytes) the page gives each figure's leaders, TOP_RANKED
# each, and the workbook of the province's year holds every report.
RANKED_IN_FULL = 100
TOP_RANKED = 50


def ranking_page(src: str, title: str, members: list[Entry]) -> str:
    """A province's year: every report, most requests first, or above RANKED_IN_FULL each list
    figure's leaders (a 率 ranks by the highest, the counts by the most)."""
    trail = [{"url": link(src, "ranking/index.md"), "name": "排行"}]
    if len(members) <= RANKED_IN_FULL:
        ordered = sorted(members, key=lambda e: (-(flow(e.record, "new_received").value or -1), sort_key(e)))
        return listing_page(src, title, ordered, trail=trail,
                            intro="按本年新收申请数从多到少排列；点击列名可按任一列排序。“—”表示报告没有给出该数字。")
    most = {name: f"{name}{'最高' if name.endswith('率') else '最多'}" for name in FIGURE_NAMES}
    tops = [{"heading": f"{most[name]}的 {TOP_RANKED} 份", "caption": most[name],
             "rows": [row_view(e, src) for e in leaders(members, index)]} for index, name in enumerate(FIGURE_NAMES)]
    return render("ranking_tops.md.j2", title=title, plain_title=plain_title(title), trail=trail, tops=tops,
                  total=len(members), counts=status_counts(members), statuses=STATUS_WORDS, figure_names=FIGURE_NAMES,
                  limit=TOP_RANKED, xlsx_url=link(src, report_xlsx_path(members[0].record)))


def leaders(members: list[Entry], figure: int) -> list[Entry]:
    """The TOP_RANKED reports with the highest value of one list figure (LIST_FIGURES), those not
    giving it or giving 0 left out; ties in list order."""
    values = {e.id: float(e.row["figures"][figure][1] or 0) for e in members}
    given = [e for e in members if values[e.id] > 0]
    return sorted(given, key=lambda e: (-values[e.id], sort_key(e)))[:TOP_RANKED]


def ranking_pages(entries: list[Entry], scope: PageScope | None = None) -> dict[str, str]:
    """排行: for each province and year, its reports with their figures, most requests first (every
    column sorts), and an index of provinces × years. "The 2023 reports of 江苏 with the most 行政复议"
    is one click on the 行政复议 column of 江苏省 · 2023."""
    groups: dict[tuple[str, int | None], list[Entry]] = {}
    for entry in entries:
        groups.setdefault((entry.region_code[:2], entry.record.year), []).append(entry)
    pages: dict[str, str] = {}
    years = sorted({year for _p, year in groups if year}, reverse=True)
    rows = []
    for province in sorted({p for p, _y in groups}, key=lambda p: (not p, p)):
        name = division_name(province.ljust(12, "0")) if province else REGION_UNKNOWN
        cells = []
        for year in years:
            members = groups.get((province, year))
            if not members:
                cells.append({"url": "", "count": 0})
                continue
            src = ranking_src(province, year)
            cells.append({"url": link("ranking/index.md", src), "count": len(members)})
            if not wanted(scope, src, members):
                continue
            pages[src] = ranking_page(src, f"{name} · {year} 年度报告排行", members)
        rows.append({"name": name, "cells": cells})
    pages["ranking/index.md"] = render("ranking.md.j2", title="排行", plain_title="排行", years=years, rows=rows,
                                       in_full=RANKED_IN_FULL, top=TOP_RANKED)
    return pages


def write_pages(content_dir: Path, out_dir: Path) -> int:
    """`gknb pages OUT`: the generated Markdown tree (and data files) on disk; returns the page count."""
    site = generate(build_corpus(content_dir), content_dir)
    write_site(site, out_dir)
    return len(site.pages)


def write_site(site: SiteFiles, out_dir: Path, page_text: Callable[[str, str], str] = lambda _src, text: text,
               with_sources: bool = False) -> None:
    """The generated pages (each through `page_text(src, text)`), data files and, `with_sources`, the
    inputs as received, written under `out_dir`."""
    files: list[tuple[str, bytes | Path]] = [(path, page_text(path, text).encode("utf-8")) for path, text in site.pages.items()]
    files += list(site.data.items()) + (list(site.sources.items()) if with_sources else [])
    for path, content in files:
        target = out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copyfile(content, target)
        else:
            target.write_bytes(content)
