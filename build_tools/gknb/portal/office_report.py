"""What `gknb check` tells a disclosure office (政务公开办) about the reports it was given: as text
for the terminal, a self-contained HTML page it can send on to its townships, JSON for programs,
or an Excel workbook. Every form says the same: per report its findings grouped by check, with
whether each is about the report itself or our reading of it and the check's advice (declared
once, in its `@check`), the checks that did not run and why, the files that could not be read,
and one summary line.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from gknb.check.registry import CHECKS, CHECKS_BY_ID, CHECK_TITLES, check_ids, reason_words
from gknb.corpus.pipeline import Rejection
from gknb.model.official_tables import cell_label
from gknb.model.record import (ABOUT_WORDS, SEVERITY_WORDS, STATUS_WORDS, CheckState, Finding, Record,
                               Severity)
from gknb.portal.render import SEVERITY_STATUS, render
from gknb.portal.workbooks import closed, new_workbook

FORMATS = ("text", "html", "json", "xlsx")
SHOWN_CELLS = 10


@dataclass(frozen=True)
class Outcome:
    """The reports read and the paths that gave none, in the order given."""

    records: list[Record]
    unreadable: list[Rejection]

    def count(self, status: str) -> int:
        return sum(1 for r in self.records if r.status == status)

    @property
    def summary(self) -> str:
        """共 N 份：错误 x、警告 y、通过 z (reports, by their worst finding); unreadable files after."""
        total = len(self.records) + len(self.unreadable)
        parts = [f"{STATUS_WORDS[s]} {self.count(s)}" for s in ("fail", "warn", "pass")]
        if self.unreadable:
            parts.append(f"无法读取 {len(self.unreadable)}")
        return f"共 {total} 份：" + "、".join(parts)


def check_groups(record: Record) -> list[dict[str, Any]]:
    """The report's findings grouped by check (registry order), each group with the check's advice."""
    groups = []
    for check_id in check_ids(record.findings):
        found = [f for f in record.findings if f.check == check_id]
        worst = min((f.severity for f in found), key=list(Severity).index)
        declared = CHECKS_BY_ID.get(check_id)
        groups.append({"id": check_id, "title": CHECK_TITLES.get(check_id, check_id), "severity": worst.value,
                       "severity_word": SEVERITY_WORDS[worst], "status": SEVERITY_STATUS[worst],
                       "advice": declared.advice if declared else "",
                       "findings": [finding_view(f, record.template) for f in found]})
    return groups


def finding_view(finding: Finding, template: str | None) -> dict[str, Any]:
    """A finding for the office: its words and the cells it names by their labels in the official tables."""
    return {"severity": finding.severity.value, "about": finding.about.value, "about_word": ABOUT_WORDS[finding.about],
            "message": finding.message, "cells": list(finding.cells),
            "cell_labels": [cell_label(key, template) for key in finding.cells]}


def not_run(record: Record) -> list[dict[str, str]]:
    """Checks that did not run on the report, with the reason; not those it is not about at all (OCR on text)."""
    return [{"id": c.id, "title": c.title, "reason": run.reason or "", "words": reason_words(c.id, run.reason or "")}
            for c in CHECKS if (run := record.checks.get(c.id)) is not None
            and run.state is CheckState.NOT_RUN and c.applies_to(record)]


def report_view(record: Record) -> dict[str, Any]:
    return {"path": record.source.get("path"), "agency": record.agency.get("name") or "（未识别机关）",
            "year": record.year, "template": record.template, "status": record.status,
            "status_word": STATUS_WORDS[record.status], "checks": check_groups(record), "not_run": not_run(record)}


# ---- the four forms ------------------------------------------------------------------------------

def text_report(outcome: Outcome, *, with_unreadable: bool = True) -> str:
    """`with_unreadable`: list the files that gave no report (left out when each was already
    named on stderr, on the same terminal)."""
    lines: list[str] = []
    for record in outcome.records:
        view = report_view(record)
        lines.append(f"{view['path']}：{view['agency']} {view['year'] or '?'} 年度，模板 {view['template'] or '?'}，"
                     f"结论：{view['status_word']}")
        if not view["checks"]:
            lines.append("  未发现问题。")
        for number, group in enumerate(view["checks"], 1):
            lines.append(f"  {number:>2}. [{group['severity_word']}] {group['title']}（{group['id']}）")
            for f in group["findings"]:
                lines.append(f"      · {f['message']}（{f['about_word']}）")
                if f["cells"]:
                    more = " …" if len(f["cells"]) > SHOWN_CELLS else ""
                    lines.append(f"        涉及单元格：{'、'.join(f['cell_labels'][:SHOWN_CELLS])}{more}")
            if group["advice"]:
                lines.append(f"      建议：{group['advice']}")
        if view["not_run"]:
            lines.append("  未检查：" + "；".join(f"{n['title']}（{n['words']}）" for n in view["not_run"]))
        lines.append("")
    for rejection in outcome.unreadable if with_unreadable else ():
        lines.append(f"{rejection.path}：无法读取：{rejection.reason}")
    lines.append(outcome.summary)
    return "\n".join(lines) + "\n"


def json_report(outcome: Outcome) -> str:
    data = {"summary": {"text": outcome.summary, "reports": len(outcome.records) + len(outcome.unreadable),
                        **{s: outcome.count(s) for s in ("fail", "warn", "pass")},
                        "unreadable": len(outcome.unreadable)},
            "reports": [report_view(r) for r in outcome.records],
            "unreadable": [{"path": x.path, "reason": x.reason} for x in outcome.unreadable]}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def html_report(outcome: Outcome) -> str:
    """One self-contained page (its style inline, no script, nothing fetched): report text escaped."""
    return render("office_report.html.j2", reports=[report_view(r) for r in outcome.records],
                  unreadable=outcome.unreadable, summary=outcome.summary)


def xlsx_report(outcome: Outcome) -> bytes:
    buffer = io.BytesIO()
    book, styles = new_workbook(buffer)
    summary = book.add_worksheet("汇总")
    for c, head in enumerate(("文件", "机关", "年度", "结论", "错误", "警告", "未检查的校验项")):
        summary.write_string(0, c, head, styles.head)
    for r, record in enumerate(outcome.records, 1):
        view = report_view(record)
        severities = [f.severity for f in record.findings]
        cells = (view["path"], view["agency"], str(view["year"] or ""), view["status_word"],
                 severities.count(Severity.ERROR), severities.count(Severity.WARNING),
                 "；".join(f"{n['title']}（{n['words']}）" for n in view["not_run"]))
        for c, value in enumerate(cells):
            (summary.write_number if isinstance(value, int) else summary.write_string)(r, c, value)
    for r, rejection in enumerate(outcome.unreadable, len(outcome.records) + 1):
        summary.write_string(r, 0, rejection.path)
        summary.write_string(r, 3, f"无法读取：{rejection.reason}")
    summary.write_string(len(outcome.records) + len(outcome.unreadable) + 2, 0, outcome.summary)
    findings = book.add_worksheet("问题与建议")
    for c, head in enumerate(("文件", "机关", "严重程度", "校验项", "问题所在", "问题说明", "涉及单元格", "建议")):
        findings.write_string(0, c, head, styles.head)
    row = 1
    for record in outcome.records:
        view = report_view(record)
        for group in view["checks"]:
            for f in group["findings"]:
                values = (view["path"], view["agency"], SEVERITY_WORDS[Severity(f["severity"])], group["title"],
                          f["about_word"], f["message"], "；".join(f["cells"]), group["advice"])
                for c, text in enumerate(values):
                    findings.write_string(row, c, text)
                row += 1
    return closed(book, buffer)
