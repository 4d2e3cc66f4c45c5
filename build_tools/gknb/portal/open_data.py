"""The portal's open data: reports.csv.gz, findings.csv.gz, reports.jsonl.gz (the one published copy
of each record), datapackage.json, build-report.json, the Excel workbooks and each source file as it
was received. What each CSV column means is declared in `dictionary.py`.

All writers return bytes and are deterministic (no timestamps, stable order), so two builds of
the same content give the same files.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zlib
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import IO, Any, Iterable, NamedTuple

from gknb.check.across_years import record_body_id
from gknb.check.registry import CHECK_TITLES
from gknb.portal.addresses import version
from gknb.corpus.pipeline import Corpus
from gknb.model.record import CheckState, Finding, Record
from gknb.model.official_tables import OFFICIAL_TABLES
from gknb.portal.dictionary import (FINDING_FIELDS, FINDINGS_CSV, METADATA_NAMES, REPORTS_CSV, findings_schema,
                                    reports_schema)
from gknb.portal.scope import PageScope, each, run_of, wanted
from gknb.portal.workbooks import province_key, region_workbook, year_order

DATA_DIR = "data"


class Published(NamedTuple):
    """A report as the open data names it: its id (the address below reports/), the record, and the
    addresses of its page and its body's timeline ("" when it has none): absolute under mkdocs
    `site_url` when it is set, else relative to the site root."""
    id: str
    record: Record
    page: str
    body_page: str = ""

    @property
    def version(self) -> str:
        return version(self.record)

    def portal(self) -> dict[str, str | None]:
        """Where the report is on the portal, added to its published record (not part of `gknb parse`)."""
        return {"id": self.id, "page": self.page, "version": self.version, "body_page": self.body_page,
                "body_id": record_body_id(self.record)}

    def record_dict(self) -> dict[str, Any]:
        return {**self.record.to_dict(), "portal": self.portal()}


def report_xlsx_path(record: Record) -> str:
    """The Excel file holding the report: its province's workbook (a row per report). A workbook
    per report in the official layout weighed ~10 KB each, two thirds of it a workbook's fixed parts
    (theme, styles, zip entries), for numbers the report page, the CSV and this row already carry."""
    return region_xlsx_path(province_key(record))


def region_xlsx_path(key: str) -> str:
    """The workbook of a province (`workbooks.province_key`: 62, unknown)."""
    return f"{DATA_DIR}/xlsx/province-{key}.xlsx"


def workbook_groups(published: list[Published], scope: PageScope | None = None) -> list[tuple[str, list[Published]]]:
    """The province workbooks to write (site path, its reports year by year, in order within a year):
    all of them, or in a live update those holding a changed report."""
    by_key: dict[str, list[Published]] = {}
    for item in sorted(published, key=lambda item: year_order(item.record)):
        by_key.setdefault(province_key(item.record), []).append(item)
    return [(region_xlsx_path(key), items) for key, items in sorted(by_key.items())
            if wanted(scope, region_xlsx_path(key), items)]


def group_workbook(items: list[Published], keys: list[str], scope: PageScope | None = None) -> bytes:
    """An .xlsx of one province (a row per report)."""
    return region_workbook(each(scope, "meta", items, metadata_row), [(i.id, i.record) for i in items], keys)


def region_workbooks(published: list[Published], keys: list[str], scope: PageScope | None = None) -> dict[str, bytes]:
    return {path: group_workbook(items, keys, scope) for path, items in workbook_groups(published, scope)}


# Formats a browser shows without running anything of the file's own. Any other source (HTML, Markdown)
# is published with `.txt` added: served as text/plain, its bytes as received, it cannot run script on the
# portal's origin, refresh to another site or fetch from one (MkDocs would also render a .md as a page).
INERT_SUFFIXES = {".txt", ".pdf", ".docx"}


def source_path(report_id: str, record: Record) -> str:
    """The input file under a safe name; its original name is on the report page."""
    suffix = PurePosixPath(str(record.source.get("path") or "")).suffix.lower()
    safe = suffix if suffix[1:].isalnum() else ""
    if safe not in INERT_SUFFIXES:
        safe += ".txt"
    return f"{DATA_DIR}/sources/{report_id}{safe}"


OFFICIAL_KEYS = tuple(dict.fromkeys(f"{table.key}.{row.key}.{column.key}" for template in OFFICIAL_TABLES.values()
                                    for table in template for row in table.rows for column in row.columns))


def record_keys(record: Record) -> frozenset[str]:
    """The cell keys a record holds that no official layout has."""
    return frozenset(f"{t}.{r}.{c}" for t, rows in record.tables.items() for r, cols in rows.items()
                     for c in cols) - OFFICIAL_KEY_SET


OFFICIAL_KEY_SET = frozenset(OFFICIAL_KEYS)


def cell_keys(records: Iterable[Record], extras: Iterable[frozenset[str]] | None = None) -> list[str]:
    """Every cell key of the official layouts (2021 first), then any other key a record holds
    (`extras`: record_keys of each record, when already known)."""
    found = extras if extras is not None else (record_keys(r) for r in records)
    return list(OFFICIAL_KEYS) + sorted(frozenset().union(*found))


def metadata_row(published: Published) -> dict[str, Any]:
    record = published.record
    data = record.to_dict()
    row: dict[str, Any] = {**published.portal(), "xlsx": report_xlsx_path(record)}
    for name in METADATA_NAMES:
        if "." in name:
            group, key = name.split(".", 1)
            row[name] = (data.get(group) or {}).get(key)
        elif name in data and name not in row:
            row[name] = data[name]
    row["findings"] = len(record.findings)
    row["checks"] = ";".join(dict.fromkeys(f.check for f in record.findings))
    row["not_run"] = ";".join(f"{key}:{run.reason}" for key, run in record.checks.items()
                              if run.state is CheckState.NOT_RUN)
    row["inferred"] = ";".join(record.inferred)
    return row


def csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def csv_row(item: Published, keys: list[str]) -> list[str]:
    meta = metadata_row(item)
    cells = [item.record.cell(k) for k in keys]
    return [csv_value(meta.get(n)) for n in METADATA_NAMES] + [csv_value(c.value) if c.is_number else "" for c in cells]


def csv_lines(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def csv_file(text: str) -> bytes:
    """A published CSV file (REPORTS_CSV, FINDINGS_CSV): UTF-8 with a BOM, which lets Excel open the
    unpacked file as UTF-8, gzip-compressed without a date (two builds give the same bytes). Level 6,
    not gzip's 9: on reports.csv 9 takes seven times as long (0.3 s against 0.045 s a 1,000 reports,
    paid again by each live update, which compresses the whole file) for 3 % fewer bytes."""
    return gzip.compress(text.encode("utf-8-sig"), compresslevel=6, mtime=0)


def csv_text(data: bytes) -> IO[str]:
    """The text of a published CSV file for csv.reader, decompressed as it is read (a national
    reports.csv.gz holds ~150 MB of text, and a header is often all that is wanted)."""
    return io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(data)), encoding="utf-8-sig", newline="")


def reports_csv(published: list[Published], keys: list[str], scope: PageScope | None = None) -> bytes:
    """One row per report; a cell column is empty when the cell shows no number (states: JSONL)."""
    lines = each(scope, f"csv:{len(keys)}:{hash(tuple(keys))}", published, lambda item: csv_lines([csv_row(item, keys)]))
    return csv_file(csv_lines([[*METADATA_NAMES, *keys]]) + "".join(lines))


def finding_row(report_id: str, record: Record, finding: Finding) -> dict[str, Any]:
    return {"id": report_id, "agency.name": record.agency.get("name"), "body_id": record_body_id(record),
            "region.code": record.region.get("code"), "year": record.year, "check": finding.check,
            "check_title": CHECK_TITLES.get(finding.check, finding.check), "severity": finding.severity.value,
            "about": finding.about.value, "message": finding.message, "cells": ";".join(finding.cells),
            "other": finding.other}


def finding_rows(item: Published) -> list[list[str]]:
    names = [f.name for f in FINDING_FIELDS]
    return [[csv_value(row[n]) for n in names]
            for row in (finding_row(item.id, item.record, finding) for finding in item.record.findings)]


def findings_csv(published: list[Published], scope: PageScope | None = None) -> bytes:
    """One row per finding, in the order of reports.csv.gz and of each record's findings."""
    lines = each(scope, "findings", published, lambda item: csv_lines(finding_rows(item)))
    return csv_file(csv_lines([[f.name for f in FINDING_FIELDS]]) + "".join(lines))


def json_bytes(data: Any, *, indent: int | None = 2) -> bytes:
    """Indented for the files people open (datapackage.json, build-report.json); on one line, without the
    spaces after `,` and `:`, for those read by programs (a record, an index file): a tenth of a record."""
    separators = (",", ": ") if indent is not None else (",", ":")
    return (json.dumps(data, ensure_ascii=False, indent=indent, separators=separators) + "\n").encode("utf-8")


def record_line(item: Published) -> bytes:
    """The published record on one line: a line of reports.jsonl.gz (indenting 1,000 records takes the
    pure-Python encoder seconds)."""
    return json_bytes(item.record_dict(), indent=None)


# The bulk file is the records' lines gzip-compressed, the one published copy of each record (the
# compare page reads the report pages, not records). Its gzip members (RFC 1952: members concatenated
# read as their data concatenated; gunzip, zcat and Python's gzip read the whole file) each hold a run
# of records in order: a run ends after a record whose id's CRC-32 is a multiple of RUN_RECORDS. So a
# member holds about RUN_RECORDS records, and its ends depend on the ids alone: a report added or
# removed changes its own run, and a live update compresses again only the runs with a record read
# again. A member per record compressed 1,000 records' 13.0 MB to 2.19 MB; runs of about 16, to 0.90
# MB (a run's records share their keys and wording), in the same time. A member carries no time or
# name, so two builds give the same bytes.
BULK_RECORDS = "reports.jsonl.gz"
RUN_RECORDS = 16


def run_ends_after(report_id: str) -> bool:
    return zlib.crc32(report_id.encode("utf-8")) % RUN_RECORDS == 0


def record_runs(ids: Iterable[str]) -> list[range]:
    """The runs of records, as positions in `ids`, that make the bulk file's gzip members."""
    runs, start, end = [], 0, 0
    for end, report_id in enumerate(ids, start=1):
        if run_ends_after(report_id):
            runs.append(range(start, end))
            start = end
    return runs + [range(start, end)] if end > start else runs


def gzip_member(lines: Iterable[bytes]) -> bytes:
    return gzip.compress(b"".join(lines), compresslevel=6, mtime=0)


def bulk_records(keyed_lines: list[tuple[str, bytes]], scope: PageScope | None = None) -> bytes:
    """reports.jsonl.gz from (report id, record line) pairs in order (the site's, and the merged site's
    of shards.py); with a scope, a run's member is compressed again only when one of its lines changed."""
    return b"".join(run_of(scope, BULK_RECORDS, keyed_lines[run.start][0],
                           tuple(keyed_lines[i][1] for i in run), gzip_member)
                    for run in record_runs(k for k, _ in keyed_lines))


def read_bulk_records(data: bytes) -> list[bytes]:
    """The record lines of a reports.jsonl.gz."""
    return gzip.decompress(data).splitlines(keepends=True)


# The JSON resources are files to frictionless ("type": "file"): left to itself it reads
# build-report.json as one of its own validation reports and record.schema.json as a Table Schema.
CSV_DIALECT = {"delimiter": ",", "lineTerminator": "\r\n", "header": True}


def datapackage(keys: list[str]) -> dict[str, Any]:
    return {
        "profile": "data-package",
        "name": "gknb-reports",
        "title": "公开年报：政府信息公开工作年度报告数据",
        "description": "由 gknb 从政府信息公开工作年度报告解析、校验得到的规范化记录。",
        "resources": [
            {"name": "reports-csv", "path": REPORTS_CSV, "profile": "tabular-data-resource",
             "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig", "compression": "gz",
             "title": "每份报告一行：元数据与全部表格单元格",
             "dialect": CSV_DIALECT, "schema": reports_schema(keys)},
            {"name": "findings-csv", "path": FINDINGS_CSV, "profile": "tabular-data-resource",
             "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig", "compression": "gz",
             "title": "每条校验问题一行：报告、机关、地区、年度、校验项、严重程度、问题所在与说明",
             "dialect": CSV_DIALECT, "schema": findings_schema()},
            {"name": "reports-jsonl", "type": "file", "path": BULK_RECORDS, "profile": "data-resource",
             "format": "jsonl", "mediatype": "application/jsonl", "encoding": "utf-8", "compression": "gz",
             "title": "每份报告一个 JSON 对象（gknb parse 的输出），含单元格状态、问题与各校验项是否运行",
             # A JSON Schema, not a Table Schema: named in its own resource, which frictionless accepts.
             "description": "每行的结构由 JSON Schema record.schema.json 描述；每份报告一个 gzip 成员，与 reports.csv.gz 的行同序"},
            {"name": "record-schema", "type": "file", "path": "record.schema.json", "profile": "data-resource",
             "format": "json", "mediatype": "application/schema+json", "encoding": "utf-8",
             "title": "reports.jsonl.gz 每行记录的 JSON Schema"},
            {"name": "build-report", "type": "file", "path": "build-report.json", "profile": "data-resource",
             "format": "json", "mediatype": "application/json", "encoding": "utf-8",
             "title": "本次构建的输入文件数、已发布报告与无法读取的文件及原因"},
        ],
    }


def build_report(corpus: Corpus, published: list[Published]) -> dict[str, Any]:
    return {"inputs": corpus.inputs,
            "published": [{"path": p.record.source.get("path"), "id": p.id, "page": p.page, "version": p.version,
                           "status": p.record.status} for p in published],
            "rejected": [{"path": x.path, "reason": x.reason} for x in corpus.rejected],
            "ignored": [{"path": x.path, "reason": x.reason} for x in corpus.ignored]}


def record_schema() -> bytes:
    return resources.files("gknb").joinpath("data/record.schema.json").read_bytes()


def source_file(corpus: Corpus, content_dir: Path, path: str) -> Path:
    """The input file a record was read from (its path is shown decoded when the name is not UTF-8)."""
    return corpus.origins.get(path, content_dir / path)


def data_files(corpus: Corpus, published: list[Published], content_dir: Path, scope: PageScope | None = None,
               keys: list[str] | None = None, workbooks: bool = True) -> tuple[dict[str, bytes], dict[str, Path]]:
    """Site path → bytes for the data files; site path → input file for the sources (`keys`: cell_keys
    of the records, when already known; `workbooks`: False when the caller writes them)."""
    keys = keys if keys is not None else cell_keys(p.record for p in published)
    lines = each(scope, "jsonl", published, record_line)
    data = {
        f"{DATA_DIR}/{REPORTS_CSV}": reports_csv(published, keys, scope),
        f"{DATA_DIR}/{FINDINGS_CSV}": findings_csv(published, scope),
        f"{DATA_DIR}/{BULK_RECORDS}": bulk_records([(p.id, line) for p, line in zip(published, lines)], scope),
        f"{DATA_DIR}/datapackage.json": json_bytes(datapackage(keys)),
        f"{DATA_DIR}/build-report.json": json_bytes(build_report(corpus, published)),
        f"{DATA_DIR}/record.schema.json": record_schema(),
    }
    if workbooks:
        data.update(region_workbooks(published, keys, scope))
    sources = {source_path(p.id, p.record): source_file(corpus, content_dir, str(p.record.source.get("path")))
               for p in published}
    return data, sources
