"""The data dictionary: every column of the published CSV files with a Chinese title and a
description, declared once here and published three ways: the Frictionless Table Schemas of
`datapackage.json`, the 字段说明 page, and the header rows of the Excel workbooks.

Cell columns are described from the official layouts (model.official_tables), so a row label
written there is the one a researcher reads: 表三 · 本年新收 · 自然人.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

from gknb.model.official_tables import OFFICIAL_TABLES, TABLE_NAMES, Column, Row, Table

# The two CSV files described here, as the portal publishes them: gzip-compressed (open_data.csv_file).
# reports.csv has a column per cell, ~1.1 KB a report: 150 MB at the national scale (140,000 reports a
# year), over GitHub Pages' 100 MB a file; compressed, about a fifth (0.25 KB a report on the synthetic
# corpus, whose numbers are random). pandas reads .csv.gz directly.
REPORTS_CSV = "reports.csv.gz"
FINDINGS_CSV = "findings.csv.gz"


@dataclass(frozen=True)
class Field:
    name: str
    type: str            # Table Schema type: string, integer, number, date
    title: str
    description: str
    constraints: dict[str, Any] = field(default_factory=dict)

    def schema(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "type": self.type, "title": self.title,
                                "description": self.description}
        if self.constraints:
            data["constraints"] = self.constraints
        return data


REGION_CODE = {"pattern": "^[0-9]{2,12}$"}
RELATIVE = "相对站点根目录的地址"
ADDRESS = "站点设置了 site_url 时为完整网址，否则为相对站点根目录的地址"

METADATA_FIELDS: tuple[Field, ...] = (
    Field("id", "string", "报告编号",
          "地区代码/机关名称/年度（如 419001110/下冶镇/2021）：由报告是什么而定，原始文件重新保存或更正后不变；"
          "同一机关同一年度有两份文件时，按文件路径顺序第二份起加 -2、-3；报告页面、JSON 与 Excel 文件以此命名",
          {"required": True, "unique": True}),
    Field("page", "string", "报告页面", f"该报告的网页：{ADDRESS}（网址中的中文按 UTF-8 百分号编码）"),
    Field("version", "string", "版本", "原始文件 SHA-256 的前 12 位：文件内容改变时随之改变，报告编号与页面不变",
          {"pattern": "^[0-9a-f]{12}$"}),
    Field("xlsx", "string", "报告 Excel", f"含该报告一行的本省 Excel 工作簿，{RELATIVE}"),
    Field("body_id", "string", "机关编号",
          "同一机关跨年度不变的编号（区划代码与去掉地名、“人民政府”后的机关名称，或配套文件的 same_as）；"
          "机关名称未识别时为空"),
    Field("body_page", "string", "机关历年报告页", f"该机关历年报告对比的网页，{RELATIVE}；机关名称未识别时为空"),
    Field("source.path", "string", "输入文件", "content/ 下的文件路径"),
    Field("source.sha256", "string", "输入文件 SHA-256", "原始文件内容的 SHA-256"),
    Field("source.format", "string", "输入格式", "txt、md、html、docx、doc、wps 或 pdf"),
    Field("source.encoding", "string", "输入编码", "文本类输入的字符编码"),
    Field("source.url", "string", "来源网址", "报告发布的原始网址（配套 .yml 的 source_url）"),
    Field("agency.name", "string", "机关名称", "报告标题中的机关名称"),
    Field("agency.type", "string", "机关类型", "省级政府、市级政府、县级政府、乡镇、街道、开发区管委会、各级部门等"),
    Field("year", "integer", "报告年度", "报告统计的年度（不是发布年份）"),
    Field("template", "string", "表格模板", "2021（国办公开办函〔2021〕30号）、2019（〔2019〕60号）或 legacy"),
    Field("region.province", "string", "省", "省级行政区"),
    Field("region.city", "string", "地市", "地级行政区"),
    Field("region.county", "string", "县区", "县级行政区"),
    Field("region.town", "string", "乡镇街道", "乡级行政区"),
    Field("region.code", "string", "统计用区划代码",
          "2023 年统计用区划代码，按文本保存（保留前导数字，不作数值）", REGION_CODE),
    Field("published", "date", "发布日期", "报告的发布日期，未找到时为空"),
    Field("doc_number", "string", "文号", "报告的文号"),
    Field("status", "string", "校验结论", "pass（通过）、warn（有警告）或 fail（有错误）",
          {"enum": ["pass", "warn", "fail"]}),
    Field("findings", "integer", "问题条数", f"该报告的校验问题数，明细见 {FINDINGS_CSV}"),
    Field("checks", "string", "有问题的校验项", "有问题的校验项编号，分号分隔"),
    Field("not_run", "string", "未检查的校验项", "因缺少条件未运行的校验项及原因代码（编号:原因），分号分隔"),
    Field("inferred", "string", "推断字段", "由解析推断而非从报告读出的字段，分号分隔"),
)
METADATA_NAMES = tuple(f.name for f in METADATA_FIELDS)

FINDING_FIELDS: tuple[Field, ...] = (
    Field("id", "string", "报告编号", f"与 {REPORTS_CSV} 的 id 相同", {"required": True}),
    Field("agency.name", "string", "机关名称", "报告标题中的机关名称"),
    Field("body_id", "string", "机关编号", f"同一机关跨年度不变的编号（同 {REPORTS_CSV}）"),
    Field("region.code", "string", "统计用区划代码", "按文本保存的统计用区划代码", REGION_CODE),
    Field("year", "integer", "报告年度", "报告统计的年度"),
    Field("check", "string", "校验项", "校验项编号，如 balance、deadline"),
    Field("check_title", "string", "校验项名称", "校验项的中文名称"),
    Field("severity", "string", "严重程度", "error（错误）、warning（警告）或 info（提示）",
          {"enum": ["error", "warning", "info"]}),
    Field("about", "string", "问题所在", "source：报告本身的数字或文字不符；reading：读取结果不确定，以原件为准",
          {"enum": ["source", "reading"]}),
    Field("message", "string", "问题说明", "问题的中文说明"),
    Field("cells", "string", "涉及单元格", "问题涉及的单元格键名（如 applications.granted.total），分号分隔"),
    Field("other", "string", "对照报告", "跨报告校验所对照的另一份报告的输入文件"),
)

# Numbering and the words every label of its kind repeats: 一、本年新收政府信息公开申请数量 → 本年新收.
_NUMBERING_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)")
_REPEATED_RE = re.compile(r"政府信息公开申请数量$|（[^）]*）$")


def short_label(label: str) -> str:
    short = _REPEATED_RE.sub("", _NUMBERING_RE.sub("", label))
    return {"本年度办理结果": "办理结果", "结转下年度继续办理": "结转下年度"}.get(short, short) or label


@lru_cache(maxsize=None)
def cell_layout() -> dict[str, tuple[Table, Row, Column, tuple[str, ...]]]:
    """Cell key → where the official layouts print it (2021 first) and the templates that have it."""
    found: dict[str, tuple[Table, Row, Column, tuple[str, ...]]] = {}
    for template, tables in OFFICIAL_TABLES.items():
        for table in tables:
            for row in table.rows:
                for column in row.columns:
                    key = f"{table.key}.{row.key}.{column.key}"
                    table_, row_, column_, templates = found.get(key, (table, row, column, ()))
                    found[key] = (table_, row_, column_, (*templates, template))
    return found


def cell_title(key: str) -> str:
    """表三 · 不予公开 · 属于国家秘密 · 自然人: table, merged group, row, column, in the official words."""
    layout = cell_layout().get(key)
    if layout is None:
        return key
    table, row, column, _templates = layout
    group = short_label(row.group) if row.group and not row.group.startswith("第") else ""
    parts = [TABLE_NAMES[table.key], group, short_label(row.label), short_label(column.label)]
    return " · ".join(p for p in dict.fromkeys(parts) if p)


def cell_description(key: str) -> str:
    layout = cell_layout().get(key)
    note = "单元格数值；报告中空白、不适用、无法识别、待核或缺失时为空（状态见 reports.jsonl.gz 或各报告的 JSON）"
    if layout is None:
        return note
    table, row, column, templates = layout
    where = "、".join(f"{t} 年版" for t in templates)
    group = f"{row.group} " if row.group else ""
    unit = "（万元，可有小数）" if column.key == "amount_wan_yuan" else ""
    return f"{table.title}：{group}{row.label}，{column.label}{unit}。见于 {where} 表格。{note}"


def cell_field(key: str) -> Field:
    number = key.endswith(("amount_wan_yuan", ".amount"))
    return Field(key, "number" if number else "integer", cell_title(key), cell_description(key))


def reports_schema(cell_keys: Iterable[str]) -> dict[str, Any]:
    return {"fields": [f.schema() for f in (*METADATA_FIELDS, *map(cell_field, cell_keys))], "primaryKey": ["id"]}


def findings_schema() -> dict[str, Any]:
    return {"fields": [f.schema() for f in FINDING_FIELDS],
            "foreignKeys": [{"fields": ["id"], "reference": {"resource": "reports-csv", "fields": ["id"]}}]}
