"""What a program reads like an API: one row per report (id, body, year, page address, record JSON,
status, finding counts, problem kinds, version and date), grouped into static JSON index files per
region and year, with a top-level index of what exists. The Atom feeds (feeds.py) are built from
the same rows, so a split build's top-level site rebuilds both from its shards' index files.

Dates come from the record (publication date, dates of sidecar corrections), the version is the
input file's SHA-256: nothing depends on when the site was built, so builds stay byte-identical.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from gknb.check.registry import PROBLEM_KINDS, problem_kinds
from gknb.model.record import Record, Severity
from gknb.parse import divisions
from gknb.portal.open_data import DATA_DIR, Published, json_bytes, report_xlsx_path
from gknb.portal.render import TYPE_UNKNOWN, region_text, report_title

# The region levels that have pages and index files: code length, key in the index files, words on pages.
REGION_LEVELS: tuple[tuple[int, str, str], ...] = ((2, "province", "省"), (4, "city", "地市"), (6, "county", "县区"))
UNKNOWN = "unknown"
INDEX = f"{DATA_DIR}/index.json"
INDEX_PATH = DATA_DIR + "/index/{code}/{year}.json"  # as data/index.json states it for programs


def division_name(code: str) -> str:
    found = divisions.division(code)
    if found is None:
        return code
    return found.display or found.name


def absolute(path: str, site_url: str) -> str:
    """A site path as an address: absolute under `site_url` when there is one, else unchanged."""
    if not site_url or "://" in path:
        return path
    return site_url.rstrip("/") + "/" + path


def year_key(year: int | None) -> str:
    return str(year or UNKNOWN)


def index_path(region: str, year: int | None) -> str:
    return INDEX_PATH.format(code=region, year=year_key(year))


def latest_date(record: Record) -> str | None:
    """The latest date the record itself carries: publication, or a correction of one of its cells."""
    dates = [d for d in (record.published, *(c.date for c in record.corrections.values())) if d]
    return max(dates) if dates else None


def index_row(report: Published) -> dict[str, Any]:
    """One report as the index files and the feeds list it."""
    record = report.record
    counts = {s.value: sum(1 for f in record.findings if f.severity is s) for s in Severity}
    portal = report.portal()
    return {"id": portal["id"], "title": report_title(record), "body": record.agency.get("name"),
            "body_id": portal["body_id"], "type": record.agency.get("type") or TYPE_UNKNOWN,
            "region": {"code": record.region.get("code"), "name": region_text(record)}, "year": record.year,
            "published": record.published, "updated": latest_date(record),
            "version": portal["version"], "page": portal["page"], "body_page": portal["body_page"],
            "xlsx": report_xlsx_path(record), "status": record.status, "findings": counts,
            "problems": [kind.key for kind in problem_kinds(record)]}


def region_of(row: dict[str, Any]) -> str:
    code = (row.get("region") or {}).get("code")
    return divisions.short_code(str(code)) if code else ""


def regions_of(row: dict[str, Any]) -> list[str]:
    """The regions whose index lists the report: its province, prefecture and county ("unknown" if none)."""
    code = region_of(row)
    return [code[:n] for n, _level, _words in REGION_LEVELS if len(code) >= n] or [UNKNOWN]


def level_of(region: str) -> str | None:
    return next((level for n, level, _words in REGION_LEVELS if len(region) == n), None)


def parent_of(region: str) -> str | None:
    shorter = [region[:n] for n, _level, _words in REGION_LEVELS if n < len(region)]
    return shorter[-1] if shorter and region != UNKNOWN else None


def region_order(region: str) -> tuple[bool, str]:
    return (region == UNKNOWN, region)


def year_order(year: int | None) -> tuple[bool, int]:
    return (year is None, year or 0)


def grouped(rows: Iterable[dict[str, Any]]) -> dict[str, dict[int | None, list[dict[str, Any]]]]:
    """Region → year → rows, rows in the order given (reports.csv's)."""
    groups: dict[str, dict[int | None, list[dict[str, Any]]]] = {}
    for row in rows:
        for region in regions_of(row):
            groups.setdefault(region, {}).setdefault(row.get("year"), []).append(row)
    return groups


def region_view(region: str) -> dict[str, Any]:
    return {"code": region, "name": division_name(region) if region != UNKNOWN else "未识别地区",
            "level": level_of(region), "parent": parent_of(region)}


def lists_own_level(region: str) -> bool:
    """A province's or prefecture's page or index file: it lists only its own bodies' reports (its
    departments); the others are on their county's, one step down. A county (the lowest level with
    pages) lists all of its own, townships too. Else each report would be listed three times, and a
    province's file of a province's corpus (tens of thousands of reports) would be megabytes."""
    return region != UNKNOWN and 0 < len(region) < REGION_LEVELS[-1][0]


def next_level(region: str) -> int:
    """The code length of the level below `region` (2, the provinces, below "", the whole country);
    0 below a county, the lowest level with pages."""
    return next((n for n, _level, _words in REGION_LEVELS if n > len(region)), 0)


def region_listing(region: str, members: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What a region's index file of a year holds: the rows it lists (lists_own_level) and its
    sub-regions holding the others, each with its count (and a file of its own)."""
    if not lists_own_level(region):
        return members, []
    below = next_level(region)
    counts: dict[str, int] = {}
    for row in members:
        code = region_of(row)
        if code != region:
            counts[code[:below]] = counts.get(code[:below], 0) + 1
    own = [row for row in members if region_of(row) == region]
    return own, [{"code": code, "name": division_name(code), "count": counts[code]} for code in sorted(counts)]


def index_file(region: str, year: int | None, members: list[dict[str, Any]]) -> bytes:
    own, below = region_listing(region, members)
    return json_bytes({"region": region_view(region), "year": year, "count": len(members), "reports": own,
                       "regions": below}, indent=None)


def index_files(rows: list[dict[str, Any]], site_url: str, feeds: dict[str, str],
                made: Callable[[str, list[dict[str, Any]]], bool] = lambda _path, _rows: True) -> dict[str, bytes]:
    """`data/index/<region>/<year>.json` for every region level and year, and `data/index.json`
    listing them (compact: 2,500 regions at 5,000 reports); `feeds`: region → its Atom feed's site
    path ("" → the national one); `made(path, rows)`: whether an index file is written, given all
    the reports it counts (a live update writes only those counting a changed report)."""
    files: dict[str, bytes] = {}
    regions = []
    groups = grouped(rows)
    for region in sorted(groups, key=region_order):
        years: dict[str, int] = {}
        for year in sorted(groups[region], key=year_order):
            members = groups[region][year]
            if made(index_path(region, year), members):
                files[index_path(region, year)] = index_file(region, year, members)
            years[year_key(year)] = len(members)
        regions.append({**region_view(region), "count": sum(years.values()), "years": years})
    files[INDEX] = json_bytes({
        "site_url": site_url or None, "count": len(rows), "path": INDEX_PATH,
        "feed": feeds.get(""), "feeds": {k: v for k, v in feeds.items() if k},
        "problems": {kind.key: kind.words for kind in PROBLEM_KINDS}, "regions": regions}, indent=None)
    return files
