"""Reports of the same body across years: identity, and the checks that compare consecutive years.

`carry_chain` and `in_force_chain` (SPEC.md "Checks") need two reports; they run once the whole
corpus is parsed, one small function each in `PAIR_CHECKS`, and add their findings to the later
report, naming the earlier one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from gknb.check.report_checks import fmt, number
from gknb.model.record import Finding, Record, Severity
from gknb.model.official_tables import APPLICANTS

GOVERNMENT_SUFFIX_RE = re.compile(r"(人民政府|政府)$")


def body_key(record: Record) -> str | None:
    """The same body across years: sidecar `same_as`, else region code + name without place prefixes."""
    if record.same_as:
        return f"same_as:{record.same_as}"
    name = record.agency.get("name")
    if not name:
        return None
    code = record.region.get("code") or ""
    return f"{code}|{short_body_name(name, record)}"


def short_body_name(name: str, record: Record) -> str:
    """会宁县乡村振兴局 → 乡村振兴局; 柱濮镇人民政府 → 柱濮镇 (names differ in these ways between years)."""
    short = GOVERNMENT_SUFFIX_RE.sub("", re.sub(r"\s+", "", name))
    for level in ("province", "city", "county"):
        place = record.region.get(level) or ""
        if place and short.startswith(place) and len(short) > len(place):
            short = short[len(place):]
    return short or name


PairFunction = Callable[[Record, Record], Iterator[Finding]]


@dataclass(frozen=True)
class PairCheck:
    id: str
    severity: Severity
    title: str
    function: PairFunction


def check_carry_chain(record: Record, previous: Record) -> Iterator[Finding]:
    """Cross-report: 上年结转 this year = 结转下年度继续办理 last year, per applicant column."""
    for column in APPLICANTS:
        this_key = f"applications.carried_over.{column.key}"
        this, last = number(record.cell(this_key)), number(previous.cell(f"applications.carried_forward.{column.key}"))
        if this is not None and last is not None and this != last:
            yield Finding("carry_chain", Severity.WARNING,
                          f"“{column.label}”列：本年上年结转 {fmt(this)} 件，但 {previous.year} 年度报告"
                          f"（{previous.source['path']}）结转下年度 {fmt(last)} 件", (this_key,))


def check_in_force_chain(record: Record, previous: Record) -> Iterator[Finding]:
    """Cross-report (2021 template, soft): 现行有效 = 上年现行有效 + 本年制发 − 本年废止."""
    if record.template != "2021" or previous.template != "2021":
        return
    for row, label in (("regulations", "规章"), ("normative_docs", "行政规范性文件")):
        keys = [f"active.{row}.{c}" for c in ("in_force", "issued", "repealed")]
        in_force, issued, repealed = (number(record.cell(k)) for k in keys)
        last = number(previous.cell(f"active.{row}.in_force"))
        if None in (in_force, issued, repealed, last):
            continue
        expected = (last or 0) + (issued or 0) - (repealed or 0)
        if in_force != expected:
            yield Finding("in_force_chain", Severity.WARNING,
                          f"{label}：现行有效 {fmt(in_force or 0)} 件，按上年（{previous.source['path']}）现行有效 "
                          f"{fmt(last or 0)} + 本年制发 {fmt(issued or 0)} − 废止 {fmt(repealed or 0)} 应为 {fmt(expected)} 件",
                          tuple(keys))


PAIR_CHECKS: tuple[PairCheck, ...] = (
    PairCheck("carry_chain", Severity.WARNING, "跨年度结转衔接", check_carry_chain),
    PairCheck("in_force_chain", Severity.WARNING, "现行有效件数衔接", check_in_force_chain),
)
HISTORY_CHECK_TITLES = {**{c.id: c.title for c in PAIR_CHECKS}, "duplicate": "同一年度重复报告"}


def duplicate_findings(group: list[Record]) -> Iterator[tuple[Record, Finding]]:
    """Two reports for the same body and year: both are published, each names the other."""
    for record in group:
        others = [r.source["path"] for r in group if r is not record]
        yield record, Finding("duplicate", Severity.WARNING,
                              f"同一机关同一年度另有报告：{'、'.join(others)}")


def by_body(records: Iterable[Record]) -> dict[str, list[Record]]:
    groups: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        key = body_key(record)
        if key is not None and record.year is not None:
            groups[key].append(record)
    return groups


def apply_history(records: list[Record]) -> None:
    """Add the cross-report findings to every record of the corpus (in place)."""
    for group in by_body(records).values():
        by_year: dict[int, list[Record]] = defaultdict(list)
        for record in group:
            by_year[record.year or 0].append(record)
        for year, same_year in by_year.items():
            if len(same_year) > 1:
                for record, finding in duplicate_findings(same_year):
                    record.findings.append(finding)
            for record in same_year:
                for previous in by_year.get(year - 1, [])[:1]:
                    record.findings.extend(f for check in PAIR_CHECKS for f in check.function(record, previous))
