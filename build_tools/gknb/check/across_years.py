"""Checks across reports: the same body's reports of consecutive years, and of the same year.

A body is the same across years when its region code and its name without place prefix or
人民政府 agree, or when sidecars give the same `same_as`. Findings go to the later report (or to
every report of a duplicated year) and carry the other report's path as data (`Finding.other`),
so the portal links it without reading the message.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from typing import Iterable, Iterator

from gknb.check.declare import KNOWN_YEAR, Issue, Requirement, Scope, check, issue, number
from gknb.model.official_tables import APPLICANTS
from gknb.model.record import About, Record, Severity

GOVERNMENT_SUFFIX_RE = re.compile(r"(人民政府|政府)$")


def body_key(record: Record) -> str | None:
    """The same body across years: sidecar `same_as`, else region code + name without place prefixes."""
    if record.same_as:
        return f"same_as:{record.same_as}"
    named = body_name(record)
    return None if named is None else "|".join(named)


def body_name(record: Record) -> tuple[str, str] | None:
    """(region code, name without place prefixes): the body as its own report names it, whatever a
    sidecar's `same_as` joins it to; None when the report names no body."""
    name = record.agency.get("name")
    if not name:
        return None
    return str(record.region.get("code") or ""), short_body_name(name, record)


def body_id(key: str) -> str:
    """A body's public id (CSV `body_id`, its timeline page): the key holds report text, so a hash of it."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def record_body_id(record: Record) -> str | None:
    key = body_key(record)
    return None if key is None else body_id(key)


# Why a cross-report check did not run on a report (the registry decides, when it groups the corpus).
NOT_COMPARED = Requirement("not_compared", "未与其他报告比对（单独解析一份报告）")
KNOWN_BODY = Requirement("no_body", "机关名称未识别，无法与其他年度比对", lambda record: body_key(record) is not None)
HAS_PREVIOUS = Requirement("no_previous_year", "未找到同一机关上一年度的报告")
ACROSS_REQUIREMENTS = (NOT_COMPARED, KNOWN_YEAR, KNOWN_BODY, HAS_PREVIOUS)


def short_body_name(name: str, record: Record) -> str:
    """会宁县乡村振兴局 → 乡村振兴局; 柱濮镇人民政府 → 柱濮镇 (names differ in these ways between years)."""
    short = GOVERNMENT_SUFFIX_RE.sub("", re.sub(r"\s+", "", name))
    for level in ("province", "city", "county"):
        place = record.region.get(level) or ""
        if place and short.startswith(place) and len(short) > len(place):
            short = short[len(place):]
    return short or name


@check("carry_chain", Severity.WARNING, "跨年度结转衔接",
       "“{column}”列：本年上年结转 {this} 件，但 {year} 年度报告（{other}）结转下年度 {last} 件",
       about=About.SOURCE, scope=Scope.PREVIOUS_YEAR,
       advice="本年“上年结转”应等于上一年度报告的“结转下年度继续办理”；核对两份报告并改正错误的一份。")
def check_carry_chain(record: Record, previous: Record) -> Iterator[Issue]:
    """Same body, consecutive years: 上年结转 this year = 结转下年度 last year, per column."""
    for column in APPLICANTS:
        this_key = f"applications.carried_over.{column.key}"
        this, last = number(record.cell(this_key)), number(previous.cell(f"applications.carried_forward.{column.key}"))
        if this is not None and last is not None and this != last:
            yield issue(this_key, other=previous.source["path"], column=column.label, this=this,
                        year=previous.year, last=last)


IN_FORCE_ROWS = (("regulations", "规章"), ("normative_docs", "行政规范性文件"))


@check("in_force_chain", Severity.WARNING, "现行有效件数衔接",
       "{row}：现行有效 {in_force} 件，按上年（{other}）现行有效 {last} + 本年制发 {issued} − 废止 {repealed} "
       "应为 {expected} 件", about=About.SOURCE, scope=Scope.PREVIOUS_YEAR,
       requires=(Requirement("not_2021_template", "两年报告须均为 2021 年版表格",
                             lambda record, previous: record.template == previous.template == "2021"),),
       advice="核对现行有效件数：上年现行有效加本年制发、减本年废止；另有文件到期失效的，请在正文说明。",
       basis="soft: 现行有效 also changes when documents expire")
def check_in_force_chain(record: Record, previous: Record) -> Iterator[Issue]:
    """Same body, consecutive years (2021 template): 现行有效 = last year's + 制发 − 废止."""
    for row, label in IN_FORCE_ROWS:
        keys = [f"active.{row}.{c}" for c in ("in_force", "issued", "repealed")]
        in_force, issued, repealed = (number(record.cell(k)) for k in keys)
        last = number(previous.cell(f"active.{row}.in_force"))
        if in_force is None or issued is None or repealed is None or last is None:
            continue
        expected = last + issued - repealed
        if in_force != expected:
            yield issue(*keys, other=previous.source["path"], row=label, in_force=in_force, last=last,
                        issued=issued, repealed=repealed, expected=expected)


@check("duplicate", Severity.WARNING, "同一年度重复报告", "同一机关同一年度另有报告：{other}",
       about=About.SOURCE, scope=Scope.SAME_YEAR,
       advice="同一机关同一年度只应有一份年度报告；撤下重复或过时的一份；若实为两个机关，请在配套 .yml 中写明各自的 agency。")
def check_duplicate(record: Record, others: list[Record]) -> Iterator[Issue]:
    """Two reports for the same body and year: both published, each names the other."""
    for other in others:
        yield issue(other=other.source["path"])


def by_body(records: Iterable[Record]) -> dict[str, list[Record]]:
    groups: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        key = body_key(record)
        if key is not None and record.year is not None:
            groups[key].append(record)
    return groups
