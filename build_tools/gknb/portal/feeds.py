"""Atom feeds (RFC 4287) of new and changed reports: `feed.xml` for the whole portal and
`feeds/<province code>.xml` per province, built from the index rows (catalog.index_row).

An entry's id is the report's (`urn:gknb:report:<id>`), so it stays the same across versions; its
`updated` is the latest date the record carries (publication, or a sidecar correction of a cell),
its version the input file's SHA-256. Nothing depends on the time of the build: two builds of the
same content give the same bytes. Without `site_url` links are site paths, resolved through
`xml:base` against the feed's own address (so the feed works under any sub-path).
"""

from __future__ import annotations

import posixpath
import re
from typing import Any, Callable
from xml.sax.saxutils import escape, quoteattr

from gknb.check.registry import PROBLEM_KINDS
from gknb.model.record import SEVERITY_WORDS, STATUS_WORDS, Severity
from gknb.portal.catalog import UNKNOWN, absolute, division_name, region_of

FEED = "feed.xml"
FEED_SIZE = 100              # entries per feed: the most recently dated reports
NO_DATE = "1970-01-01"       # a report with neither a date nor a year: listed last
TIME_OF_DAY = "T00:00:00+08:00"  # the reports' dates are Beijing dates
PROBLEM_SCHEME = "urn:gknb:problem"
STATUS_SCHEME = "urn:gknb:status"
KIND_WORDS = {kind.key: kind.words for kind in PROBLEM_KINDS}
# Characters XML 1.0 cannot hold at all: report text is untrusted and may carry them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def feed_path(province: str) -> str:
    return f"feeds/{province}.xml"


def text(value: Any) -> str:
    return escape(_NOT_XML.sub("", "" if value is None else str(value)))


def attribute(value: Any) -> str:
    return quoteattr(_NOT_XML.sub("", str(value)))


def entry_date(row: dict[str, Any]) -> str:
    """The row's latest date; without one, 1 January after the report's year: the earliest day it can
    have been published (its summary says the publication date was not found)."""
    if row.get("updated"):
        return str(row["updated"])
    year = row.get("year")
    return f"{year + 1:04d}-01-01" if isinstance(year, int) else NO_DATE


def timestamp(date: str) -> str:
    return date + TIME_OF_DAY


def newest_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = sorted(rows, key=lambda row: str(row["id"]))
    return sorted(by_id, key=entry_date, reverse=True)[:FEED_SIZE]


def summary(row: dict[str, Any]) -> str:
    counts = row.get("findings") or {}
    found = "、".join(f"{SEVERITY_WORDS[s]} {counts.get(s.value, 0)}" for s in (Severity.ERROR, Severity.WARNING))
    parts = [str((row.get("region") or {}).get("name") or ""), f"{row['year']} 年度" if row.get("year") else "年度未知",
             f"校验结论：{STATUS_WORDS.get(str(row.get('status')), row.get('status'))}（{found}）"]
    if row.get("problems"):
        parts.append("问题：" + "、".join(KIND_WORDS.get(k, k) for k in row["problems"]))
    parts.append(f"发布日期：{row.get('published') or '未识别'}")
    if row.get("updated") and row.get("updated") != row.get("published"):
        parts.append(f"人工更正：{row['updated']}")
    parts.append(f"版本（原始文件 SHA-256）：{row.get('version') or '—'}")
    return " · ".join(p for p in parts if p)


def entry(row: dict[str, Any], site_url: str) -> str:
    status = str(row.get("status"))
    lines = [
        "  <entry>",
        f"    <id>urn:gknb:report:{text(row['id'])}</id>",
        f"    <title>{text(row.get('title'))}</title>",
        f'    <link rel="alternate" type="text/html" href={attribute(absolute(str(row["page"]), site_url))}/>',
        f"    <updated>{timestamp(entry_date(row))}</updated>",
    ]
    if row.get("published"):
        lines.append(f"    <published>{timestamp(row['published'])}</published>")
    lines += [f"    <author><name>{text(row.get('body') or '机关名称未识别')}</name></author>",
              f'    <category scheme="{STATUS_SCHEME}" term={attribute(status)} '
              f'label={attribute(STATUS_WORDS.get(status, status))}/>']
    lines += [f'    <category scheme="{PROBLEM_SCHEME}" term={attribute(k)} label={attribute(KIND_WORDS.get(k, k))}/>'
              for k in row.get("problems") or []]
    lines += [f"    <summary>{text(summary(row))}</summary>", "  </entry>"]
    return "\n".join(lines)


def atom(rows: list[dict[str, Any]], *, path: str, key: str, title: str, home: str, site_url: str) -> bytes:
    """One feed at site path `path`; `home`: the site path of the page it follows (region page, home)."""
    listed = newest_first(rows)
    # Site paths resolve against the feed's own address: xml:base climbs from its folder to the site root.
    base = "" if site_url else posixpath.relpath(".", posixpath.dirname(path) or ".")
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN"'
             + (f' xml:base="{base}/"' if base not in ("", ".") else "") + ">",
             f"  <id>urn:gknb:feed:{text(key)}</id>",
             f"  <title>{text(title)}</title>",
             "  <subtitle>新增与更新的政府信息公开工作年度报告，按报告自身的日期（发布日期、人工更正日期）排列</subtitle>",
             f'  <link rel="self" type="application/atom+xml" href={attribute(absolute(path, site_url))}/>',
             f'  <link rel="alternate" type="text/html" href={attribute(absolute(home, site_url) or "./")}/>',
             f"  <updated>{timestamp(max(map(entry_date, listed), default=NO_DATE))}</updated>",
             "  <author><name>公开年报（gknb）</name></author>",
             "  <generator>gknb</generator>",
             *(entry(row, site_url) for row in listed),
             "</feed>", ""]
    return "\n".join(lines).encode("utf-8")


def feed_title(province: str) -> str:
    return f"{division_name(province)}：新增与更新的政府信息公开工作年度报告"


def feed_files(rows: list[dict[str, Any]], site_url: str, region_page: Callable[[str], str]) -> dict[str, bytes]:
    """`feed.xml` and one feed per province of the rows; `region_page`: province code → its page's site path."""
    provinces: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        province = region_of(row)[:2]
        if province:
            provinces.setdefault(province, []).append(row)
    files = {FEED: atom(rows, path=FEED, key="all", title="公开年报：新增与更新的政府信息公开工作年度报告",
                        home="", site_url=site_url)}
    for province in sorted(provinces):
        path = feed_path(province)
        files[path] = atom(provinces[province], path=path, key=province, title=feed_title(province),
                           home=region_page(province), site_url=site_url)
    return files


def feed_map(files: dict[str, bytes]) -> dict[str, str]:
    """Region → its feed's site path, as catalog.index_files lists them ("" → the national feed)."""
    found = {"": FEED} if FEED in files else {}
    found.update({p[len("feeds/"):-len(".xml")]: p for p in files if p.startswith("feeds/")})
    found.pop(UNKNOWN, None)
    return found
