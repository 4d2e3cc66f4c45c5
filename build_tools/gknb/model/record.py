"""The normalised record of one report and its JSON form (the public contract: data/record.schema.json, README)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Any


class CellState(str, Enum):
    OK = "ok"                # the source shows this number in this cell
    BLANK = "blank"          # nothing written
    NA = "na"                # "/", "—", "-", "无": not applicable
    GARBLED = "garbled"      # text or several numbers where one number belongs
    RECOVERED = "recovered"  # inferred, e.g. run-together digits split back using the checks
    AMBIGUOUS = "ambiguous"  # several readings fit; value is null
    UNCERTAIN = "uncertain"  # read by OCR, not confirmed by the table's relations; value is what was read
    CORRECTED = "corrected"  # set by hand in the report's sidecar (`cells:`), with a reason; the reading is kept
    MISSING = "missing"      # the row or table is absent from the report


NUMERIC_STATES = (CellState.OK, CellState.RECOVERED, CellState.CORRECTED)


@dataclass(frozen=True)
class Cell:
    value: float | int | None
    state: CellState
    raw: str = ""
    # Read by OCR: the recogniser's confidence (0–1). Its presence is the cell's provenance
    # "由扫描件识别"; None for every cell read from text.
    confidence: float | None = None

    @property
    def is_number(self) -> bool:
        return self.state in NUMERIC_STATES and self.value is not None

    def to_dict(self) -> dict[str, Any]:
        data = {"value": self.value, "state": self.state.value, "raw": self.raw}
        if self.confidence is not None:
            data["confidence"] = self.confidence
        return data

    def __reduce__(self) -> tuple[Any, tuple[float | int | None, str, str, float | None]]:
        # Records cross processes (parse workers, the cache) as pickles of ~300 cells each, most
        # of them alike (0, blank): rebuilt through one shared instance per distinct cell.
        return shared_cell, (self.value, self.state.value, self.raw, self.confidence)


@lru_cache(maxsize=1 << 16, typed=True)  # typed: Cell(1) and Cell(1.0) stay distinct
def shared_cell(value: float | int | None, state: str, raw: str, confidence: float | None = None) -> Cell:
    """A cell; equal cells are one object (cells are immutable)."""
    return Cell(value, CellState(state), raw, confidence)


MISSING_CELL = Cell(None, CellState.MISSING, "")
# Stand-ins for an absent table or row in lookups (never written to).
NO_CELLS: dict[str, dict[str, Cell]] = {}
NO_ROW: dict[str, Cell] = {}


@lru_cache(maxsize=4096)  # the templates have a few hundred keys; checks look them up per record
@lru_cache(maxsize=1 << 16)  # the checks ask for the same few hundred keys in every report
def split_cell_key(key: str) -> tuple[str, str, str]:
    """`applications.denied.state_secret.total` → table, row (may contain a dot), column."""
    table, rest = key.split(".", 1)
    row, column = rest.rsplit(".", 1)
    return table, row, column


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_WORDS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}
STATUS_WORDS = {"pass": "通过", "warn": "警告", "fail": "错误"}


class About(str, Enum):
    """Whose doubt a finding raises: it tells an office what to fix and a researcher what to trust."""

    SOURCE = "source"    # the report's own numbers or text break a rule: the office's to correct
    READING = "reading"  # our extraction is uncertain (split digits, OCR, unreadable cells): compare the original


ABOUT_WORDS = {About.SOURCE: "报告本身", About.READING: "读取结果"}


class CheckState(str, Enum):
    PASS = "pass"        # the check ran and found nothing
    FAIL = "fail"        # the check ran and found something (its findings say how serious)
    NOT_RUN = "not_run"  # the report lacks what the check needs (its reason says what)


CHECK_STATE_WORDS = {CheckState.PASS: "通过", CheckState.FAIL: "有问题", CheckState.NOT_RUN: "未检查"}


@dataclass(frozen=True)
class CheckRun:
    """Whether one check ran on a report; a check that did not run is never shown as passed."""

    state: CheckState
    reason: str | None = None  # not_run only: a stable code, e.g. "no_publication_date"

    def to_dict(self) -> dict[str, Any]:
        return {"state": self.state.value} if self.reason is None else {"state": self.state.value,
                                                                         "reason": self.reason}


@dataclass(frozen=True)
class Finding:
    check: str
    severity: Severity
    message: str
    cells: tuple[str, ...] = ()
    other: str | None = None  # a cross-report finding: the source path of the report compared with
    about: About = About.SOURCE

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"check": self.check, "severity": self.severity.value, "about": self.about.value,
                                "message": self.message, "cells": list(self.cells)}
        if self.other is not None:
            data["other"] = self.other
        return data


@dataclass
class Section:
    key: str
    title: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "text": self.text}


@dataclass(frozen=True)
class Correction:
    """A cell corrected by hand: the value, why, who and when, and the cell as it was first read.
    Git history of the sidecar is the audit trail; the record keeps both values."""

    value: float | int
    reason: str
    by: str
    date: str           # YYYY-MM-DD
    read: Cell

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "reason": self.reason, "by": self.by, "date": self.date,
                "read": self.read.to_dict()}


# tables[table_key][row_key][column_key] -> Cell
Tables = dict[str, dict[str, dict[str, Cell]]]

REGION_LEVELS = ("province", "city", "county", "town")


@dataclass
class Record:
    source: dict[str, Any]
    agency: dict[str, Any] = field(default_factory=lambda: {"name": None, "type": None})
    year: int | None = None
    template: str | None = None
    region: dict[str, Any] = field(default_factory=lambda: {k: None for k in (*REGION_LEVELS, "code")})
    published: str | None = None
    doc_number: str | None = None
    sections: list[Section] = field(default_factory=list)
    tables: Tables = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # Check id → whether it ran (registry order); filled by check.registry, which knows the checks.
    checks: dict[str, CheckRun] = field(default_factory=dict)
    inferred: list[str] = field(default_factory=list)
    # Readings still possible for rows split from run-together digits ("table.row" -> readings);
    # reported through findings, not part of the JSON.
    readings: dict[str, list[tuple[int, ...]]] = field(default_factory=dict)
    # Divisions the region could not decide between (region_ambiguous); not part of the JSON.
    region_candidates: list[str] = field(default_factory=list)
    same_as: str | None = None  # sidecar: joins a renamed body's reports across years
    corrections: dict[str, Correction] = field(default_factory=dict)  # cell key → sidecar correction

    @property
    def status(self) -> str:
        severities = {f.severity for f in self.findings}
        if Severity.ERROR in severities:
            return "fail"
        return "warn" if Severity.WARNING in severities else "pass"

    def cell(self, key: str) -> Cell:
        """A cell by its dotted key, e.g. `applications.denied.state_secret.total`."""
        table, row, column = split_cell_key(key)
        return self.tables.get(table, NO_CELLS).get(row, NO_ROW).get(column, MISSING_CELL)

    def section_text(self, key: str) -> str:
        return next((s.text for s in self.sections if s.key == key), "")

    def to_dict(self) -> dict[str, Any]:
        data = {
            "source": self.source,
            "agency": self.agency,
            "year": self.year,
            "template": self.template,
            "region": self.region,
            "published": self.published,
            "doc_number": self.doc_number,
            "sections": [s.to_dict() for s in self.sections],
            "tables": {t: {r: {c: cell.to_dict() for c, cell in cols.items()} for r, cols in rows.items()}
                       for t, rows in self.tables.items()},
            "findings": [f.to_dict() for f in self.findings],
            "checks": {key: run.to_dict() for key, run in self.checks.items()},
            "inferred": self.inferred,
            "status": self.status,
        }
        if self.corrections:  # present only where a sidecar corrected cells, like source.ocr for scans
            data["corrections"] = {key: c.to_dict() for key, c in self.corrections.items()}
        return data
