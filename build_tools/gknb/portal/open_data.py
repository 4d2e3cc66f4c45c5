"""The portal's open data: reports.csv, reports.jsonl, datapackage.json, build-report.json, one JSON
file per report and each source file as it was received.

All writers return bytes and are deterministic (no timestamps, stable order), so two builds of
the same content give the same files.
"""

from __future__ import annotations

import csv
import io
import json
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

from gknb.corpus.pipeline import Corpus
from gknb.model.record import Record
from gknb.model.official_tables import OFFICIAL_TABLES

DATA_DIR = "data"
# (id, record, page URL relative to the site root)
Published = tuple[str, Record, str]

METADATA_COLUMNS: tuple[tuple[str, str, str], ...] = (
    # name, Table Schema type, title
    ("id", "string", "报告编号"),
    ("page", "string", "报告页面（相对站点根目录）"),
    ("json", "string", "报告 JSON（相对站点根目录）"),
    ("source.path", "string", "输入文件"),
    ("source.sha256", "string", "输入文件 SHA-256"),
    ("source.format", "string", "输入格式"),
    ("source.encoding", "string", "输入编码"),
    ("agency.name", "string", "机关名称"),
    ("agency.type", "string", "机关类型"),
    ("year", "integer", "报告年度"),
    ("template", "string", "表格模板"),
    ("region.province", "string", "省"),
    ("region.city", "string", "地市"),
    ("region.county", "string", "县区"),
    ("region.town", "string", "乡镇街道"),
    ("region.code", "string", "统计用区划代码"),
    ("published", "date", "发布日期"),
    ("doc_number", "string", "文号"),
    ("status", "string", "校验结论 pass|warn|fail"),
    ("findings", "integer", "问题条数"),
    ("checks", "string", "有问题的校验项（分号分隔）"),
    ("inferred", "string", "推断而非读出的字段（分号分隔）"),
)


def report_json_path(report_id: str) -> str:
    return f"{DATA_DIR}/reports/{report_id}.json"


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


def cell_keys(records: Iterable[Record]) -> list[str]:
    """Every cell key of the official layouts (2021 first), then any other key a record holds."""
    keys: dict[str, None] = {}
    for template in OFFICIAL_TABLES.values():
        for table in template:
            for row in table.rows:
                for column in row.columns:
                    keys[f"{table.key}.{row.key}.{column.key}"] = None
    extra = {f"{t}.{r}.{c}" for record in records for t, rows in record.tables.items()
             for r, cols in rows.items() for c in cols}
    return list(keys) + sorted(extra - keys.keys())


def metadata_row(report_id: str, record: Record, page: str) -> dict[str, Any]:
    data = record.to_dict()
    row: dict[str, Any] = {"id": report_id, "page": page, "json": report_json_path(report_id)}
    for name, _type, _title in METADATA_COLUMNS:
        if "." in name:
            group, key = name.split(".", 1)
            row[name] = (data.get(group) or {}).get(key)
        elif name in data:
            row[name] = data[name]
    row["findings"] = len(record.findings)
    row["checks"] = ";".join(dict.fromkeys(f.check for f in record.findings))
    row["inferred"] = ";".join(record.inferred)
    return row


def csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def reports_csv(published: list[Published], keys: list[str]) -> bytes:
    """One row per report; a cell column is empty when the cell shows no number (states: JSONL)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = [name for name, _t, _title in METADATA_COLUMNS]
    writer.writerow(names + keys)
    for report_id, record, page in published:
        meta = metadata_row(report_id, record, page)
        cells = [record.cell(k) for k in keys]
        writer.writerow([csv_value(meta.get(n)) for n in names]
                        + [csv_value(c.value) if c.is_number else "" for c in cells])
    # The BOM lets Excel open the file as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


def json_bytes(data: Any, *, indent: int | None = 2) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=indent) + "\n").encode("utf-8")


def reports_jsonl(published: list[Published]) -> bytes:
    return "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for _i, r, _p in published).encode("utf-8")


def cell_field(key: str) -> dict[str, Any]:
    number = key.endswith(("amount_wan_yuan", ".amount"))
    return {"name": key, "type": "number" if number else "integer",
            "description": "单元格数值；空白、不适用、无法识别或缺失时为空（状态见 reports.jsonl）"}


def datapackage(keys: list[str]) -> dict[str, Any]:
    fields = [{"name": n, "type": t, "title": title} for n, t, title in METADATA_COLUMNS]
    return {
        "profile": "data-package",
        "name": "gknb-reports",
        "title": "公开年报：政府信息公开工作年度报告数据",
        "description": "由 gknb 从政府信息公开工作年度报告解析、校验得到的规范化记录。",
        "resources": [
            {"name": "reports-csv", "path": "reports.csv", "profile": "tabular-data-resource",
             "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig",
             "title": "每份报告一行：元数据与全部表格单元格",
             "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
             "schema": {"fields": fields + [cell_field(k) for k in keys], "primaryKey": ["id"]}},
            {"name": "reports-jsonl", "path": "reports.jsonl", "profile": "data-resource",
             "format": "jsonl", "mediatype": "application/jsonl", "encoding": "utf-8",
             "title": "每份报告一个 JSON 对象（gknb parse 的输出），含单元格状态与问题",
             "schema": "record.schema.json"},
            {"name": "build-report", "path": "build-report.json", "profile": "data-resource",
             "format": "json", "mediatype": "application/json", "encoding": "utf-8",
             "title": "本次构建的输入文件数、已发布报告与无法读取的文件及原因"},
        ],
    }


def build_report(corpus: Corpus, published: list[Published]) -> dict[str, Any]:
    return {"inputs": corpus.inputs,
            "published": [{"path": r.source.get("path"), "id": i, "page": p, "status": r.status}
                          for i, r, p in published],
            "rejected": [{"path": x.path, "reason": x.reason} for x in corpus.rejected],
            "ignored": [{"path": x.path, "reason": x.reason} for x in corpus.ignored]}


def record_schema() -> bytes:
    return resources.files("gknb").joinpath("data/record.schema.json").read_bytes()


def source_file(corpus: Corpus, content_dir: Path, path: str) -> Path:
    """The input file a record was read from (its path is shown decoded when the name is not UTF-8)."""
    return corpus.origins.get(path, content_dir / path)


def data_files(corpus: Corpus, published: list[Published], content_dir: Path
               ) -> tuple[dict[str, bytes], dict[str, Path]]:
    """Site path → bytes for the data files; site path → input file for the sources."""
    keys = cell_keys(r for _i, r, _p in published)
    data = {
        f"{DATA_DIR}/reports.csv": reports_csv(published, keys),
        f"{DATA_DIR}/reports.jsonl": reports_jsonl(published),
        f"{DATA_DIR}/datapackage.json": json_bytes(datapackage(keys)),
        f"{DATA_DIR}/build-report.json": json_bytes(build_report(corpus, published)),
        f"{DATA_DIR}/record.schema.json": record_schema(),
    }
    for report_id, record, _page in published:
        # One line like reports.jsonl: indenting 1,000 records takes the pure-Python encoder seconds.
        data[report_json_path(report_id)] = json_bytes(record.to_dict(), indent=None)
    sources = {source_path(i, r): source_file(corpus, content_dir, str(r.source.get("path"))) for i, r, _p in published}
    return data, sources
