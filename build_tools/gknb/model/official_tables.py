"""The official layouts of the three standard tables, as data (SPEC.md "Table 二/三/四").

Rows are found by their label text, never by position: each row lists the key phrases that
identify its label once the label is normalised (see `labels.normalise_label`). Columns are
positional, in the order the national template prints them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Container, Sequence


class Align(str, Enum):
    LEFT = "left"    # table 二: values follow the label; trailing cells are padding
    RIGHT = "right"  # tables 三/四: the total is last; leading cells are merged label columns


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    phrases: tuple[str, ...]          # any of these, contained in the normalised label, matches
    columns: tuple[Column, ...]
    exact: bool = False               # phrases must equal the normalised label (short labels like 规章)
    group: str = ""                   # merged group label printed beside the row (（三）不予公开 …)
    # An outdated row printed instead of these rows (a single （六）其他处理 row in a 2021 table):
    # kept only when the report prints values on it.
    instead_of: tuple[str, ...] = ()
    column_keys: tuple[str, ...] = field(init=False, compare=False, repr=False)  # the columns' keys, made once

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_keys", tuple(c.key for c in self.columns))


@dataclass(frozen=True, eq=False)  # identity hash: tables are looked up in caches on every label
class Table:
    key: str
    title: str
    align: Align
    rows: tuple[Row, ...]
    first_row: str = ""               # rows are only read once this row's label has been seen
    # Column relations printed in or implied by the layout: rows summed left == rows summed right.
    relations: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    @property
    def standard_rows(self) -> tuple[Row, ...]:
        """The rows of the official layout, without outdated alternatives."""
        return tuple(r for r in self.rows if not r.instead_of)

    def printed_rows(self, printed: Container[str]) -> tuple[Row, ...]:
        """The rows as a report prints them: an outdated alternative row (a single （六）其他处理 in a
        2021 table) replaces the rows it stands for when the report printed it."""
        chosen = [r for r in self.rows if r.instead_of and r.key in printed]
        replaced = {key for r in chosen for key in r.instead_of}
        return tuple(r for r in self.rows if (not r.instead_of or r in chosen) and r.key not in replaced)


def outcome_keys(rows: Sequence[Row]) -> tuple[str, ...]:
    """Table 三's outcome rows among these: from （一）予以公开 up to, not including, （七）总计."""
    keys = [r.key for r in rows]
    return tuple(keys[keys.index("granted"):keys.index("total_processed")])


def _cols(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(k, label) for k, label in pairs)


# ---- Table 二 (active) ------------------------------------------------------------------------
DOCS_2021 = _cols(("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数"))
DECISIONS_2021 = _cols(("decisions", "本年处理决定数量"),)
FEES_2021 = _cols(("amount_wan_yuan", "本年收费金额（单位：万元）"),)

DOCS_2019 = _cols(("new_made", "本年新制作数量"), ("new_published", "本年新公开数量"),
                  ("total_published", "对外公开总数量"))
ITEMS_2019 = _cols(("prev_items", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量"))
FEES_2019 = _cols(("prev_items", "上一年项目数量"), ("change", "本年增/减"))
PROCUREMENT_2019 = _cols(("items", "采购项目数量"), ("amount", "采购总金额"))

ACTIVE_2021 = Table("active", "二、主动公开政府信息情况", Align.LEFT, (
    Row("regulations", "规章", ("规章",), DOCS_2021, exact=True, group="第二十条第（一）项"),
    Row("normative_docs", "行政规范性文件", ("规范性文件",), DOCS_2021, group="第二十条第（一）项"),
    Row("licensing", "行政许可", ("行政许可",), DECISIONS_2021, group="第二十条第（五）项"),
    Row("penalty", "行政处罚", ("行政处罚",), DECISIONS_2021, group="第二十条第（六）项"),
    Row("coercion", "行政强制", ("行政强制",), DECISIONS_2021, group="第二十条第（六）项"),
    Row("fees", "行政事业性收费", ("行政事业性收费", "事业性收"), FEES_2021, group="第二十条第（八）项"),
))

ACTIVE_2019 = Table("active", "二、主动公开政府信息情况", Align.LEFT, (
    Row("regulations", "规章", ("规章",), DOCS_2019, exact=True, group="第二十条第（一）项"),
    Row("normative_docs", "规范性文件", ("规范性文件",), DOCS_2019, group="第二十条第（一）项"),
    Row("licensing", "行政许可", ("行政许可",), ITEMS_2019, group="第二十条第（五）项"),
    Row("other_services", "其他对外管理服务事项", ("对外管理服务",), ITEMS_2019, group="第二十条第（五）项"),
    Row("penalty", "行政处罚", ("行政处罚",), ITEMS_2019, group="第二十条第（六）项"),
    Row("coercion", "行政强制", ("行政强制",), ITEMS_2019, group="第二十条第（六）项"),
    Row("fees", "行政事业性收费", ("行政事业性收费",), FEES_2019, group="第二十条第（八）项"),
    Row("procurement", "政府集中采购", ("集中采购",), PROCUREMENT_2019, group="第二十条第（九）项"),
))

# ---- Table 三 (applications) ------------------------------------------------------------------
APPLICANTS = _cols(("natural_person", "自然人"), ("commercial", "商业企业"), ("research", "科研机构"),
                   ("public_welfare", "社会公益组织"), ("legal_service", "法律服务机构"),
                   ("other_org", "其他"), ("total", "总计"))

_RESULT = "三、本年度办理结果"
_DENIED = "（三）不予公开"
_UNABLE = "（四）无法提供"
_NOT_PROCESSED = "（五）不予处理"
_OTHER = "（六）其他处理"


def _app(key: str, label: str, *phrases: str, group: str = "", exact: bool = False) -> Row:
    return Row(key, label, phrases, APPLICANTS, exact=exact, group=group)


_HEAD_ROWS = (
    _app("new_received", "一、本年新收政府信息公开申请数量", "本年新收"),
    _app("carried_over", "二、上年结转政府信息公开申请数量", "上年结转"),
    _app("granted", "（一）予以公开", "予以公开", group=_RESULT),
    _app("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "部分公开", group=_RESULT),
    _app("denied.state_secret", "1.属于国家秘密", "国家秘密", group=_DENIED),
    # "2.其他法律行政止公开": PDFs seen in the wild drop characters from this label.
    _app("denied.law_prohibited", "2.其他法律行政法规禁止公开", "禁止公开", "其他法律行政", "其他法律法规",
         group=_DENIED),
    _app("denied.security_stability", "3.危及“三安全一稳定”", "三安全一稳定", group=_DENIED),
    _app("denied.third_party", "4.保护第三方合法权益", "第三方合法权益", group=_DENIED),
    _app("denied.internal_affairs", "5.属于三类内部事务信息", "内部事务", group=_DENIED),
    _app("denied.process_info", "6.属于四类过程性信息", "过程性信息", group=_DENIED),
    # 属于行政执法案件: a real report's typo for 案卷 (平潭 市场监督管理局 2025).
    _app("denied.enforcement_file", "7.属于行政执法案卷", "执法案卷", "属于行政执法案件", group=_DENIED),
    _app("denied.admin_inquiry", "8.属于行政查询事项", "行政查询", group=_DENIED),
    _app("unable.not_held", "1.本机关不掌握相关政府信息", "不掌握", group=_UNABLE),
    _app("unable.needs_creation", "2.没有现成信息需要另行制作", "没有现成信息", "另行制作", group=_UNABLE),
    _app("unable.unclear", "3.补正后申请内容仍不明确", "补正后", "仍不明确", group=_UNABLE),
    _app("not_processed.petition", "1.信访举报投诉类申请", "信访举报", group=_NOT_PROCESSED),
    _app("not_processed.duplicate", "2.重复申请", "重复申请", group=_NOT_PROCESSED),
    _app("not_processed.publication", "3.要求提供公开出版物", "公开出版物", group=_NOT_PROCESSED),
    _app("not_processed.excessive", "4.无正当理由大量反复申请", "大量反复", group=_NOT_PROCESSED),
    _app("not_processed.confirm_reissue", "5.要求行政机关确认或重新出具已获取信息", "重新出具", "确认或重新",
         group=_NOT_PROCESSED),
)
_TAIL_ROWS = (
    _app("total_processed", "（七）总计", "七总计", exact=True, group=_RESULT),
    _app("carried_forward", "四、结转下年度继续办理", "结转下年度"),
)
_OTHER_2021 = (
    _app("other.no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
         "逾期不补正", group=_OTHER),
    _app("other.fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
         "收费通知", "缴纳费用", group=_OTHER),
    _app("other.other", "3.其他", "3其他", exact=True, group=_OTHER),
)
_OTHER_2019 = (_app("other", "（六）其他处理", "六其他处理", "其他处理", exact=True, group=_RESULT),)
_OTHER_MERGED = Row("other", "（六）其他处理（未分项）", ("六其他处理", "其他处理"), APPLICANTS, exact=True,
                    group=_RESULT, instead_of=tuple(r.key for r in _OTHER_2021))

OUTCOME_ROWS_2021 = tuple(r.key for r in _HEAD_ROWS[2:] + _OTHER_2021)
OUTCOME_ROWS_2019 = tuple(r.key for r in _HEAD_ROWS[2:] + _OTHER_2019)
BALANCE = (("new_received", "carried_over"), ("total_processed", "carried_forward"))

APPLICATIONS_2021 = Table("applications", "三、收到和处理政府信息公开申请情况", Align.RIGHT,
                          _HEAD_ROWS + _OTHER_2021 + (_OTHER_MERGED,) + _TAIL_ROWS, first_row="new_received",
                          relations=(BALANCE, (OUTCOME_ROWS_2021, ("total_processed",))))
APPLICATIONS_2019 = Table("applications", "三、收到和处理政府信息公开申请情况", Align.RIGHT,
                          _HEAD_ROWS + _OTHER_2019 + _TAIL_ROWS, first_row="new_received",
                          relations=(BALANCE, (OUTCOME_ROWS_2019, ("total_processed",))))

# ---- Table 四 (review_litigation): one data row, three groups of five ---------------------------
APPEAL_COLUMNS = _cols(("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
                       ("pending", "尚未审结"), ("total", "总计"))
APPEAL_GROUPS = (("review", "行政复议"), ("litigation_direct", "行政诉讼 · 未经复议直接起诉"),
                 ("litigation_after_review", "行政诉讼 · 复议后起诉"))
REVIEW_LITIGATION = Table("review_litigation", "四、政府信息公开行政复议、行政诉讼情况", Align.RIGHT, tuple(
    Row(key, label, (), APPEAL_COLUMNS) for key, label in APPEAL_GROUPS))
# Header words of table 四 (尚未 alone: a converter splits 尚未审结 over two header rows); the data row
# is the run of cells after the last of them.
APPEAL_HEADER_WORDS = ("维持", "纠正", "结果", "审结", "尚未", "总计", "起诉", "复议", "诉讼")

OFFICIAL_TABLES: dict[str, tuple[Table, Table, Table]] = {
    "2021": (ACTIVE_2021, APPLICATIONS_2021, REVIEW_LITIGATION),
    "2019": (ACTIVE_2019, APPLICATIONS_2019, REVIEW_LITIGATION),
}

# ---- Template signals (SPEC.md "Templates"), matched against normalised labels -------------------
SIGNALS_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额",
                "逾期不补正", "收费通知")
SIGNALS_2019 = ("本年新制作数量", "对外公开总数量", "上一年项目数量", "本年增减", "第二十条第九项",
                "政府集中采购", "其他对外管理服务事项")

# ---- Sections (SPEC.md "Sections"): key, official heading, phrases identifying its heading --------
SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("overview", "一、总体情况", ("总体情况", "概述")),
    ("proactive", "二、主动公开政府信息情况", ("主动公开",)),
    ("applications", "三、收到和处理政府信息公开申请情况", ("收到和处理", "依申请公开", "申请情况")),
    ("review_litigation", "四、政府信息公开行政复议、行政诉讼情况", ("行政复议", "行政诉讼")),
    ("problems", "五、存在的主要问题及改进情况", ("存在的主要问题", "存在的问题", "主要问题", "改进情况", "改进措施")),
    ("other_matters", "六、其他需要报告的事项", ("其他需要报告", "需要说明的其他", "其他需要说明", "其他事项")),
)

# Which section holds which table.
TABLE_SECTION = {"active": "proactive", "applications": "applications", "review_litigation": "review_litigation"}


# ---- names people read for cell keys ------------------------------------------------------------
TABLE_NAMES = {"active": "表二", "applications": "表三", "review_litigation": "表四"}


def layout_row(table_key: str, row_key: str, template: str | None,
               column_key: str | None = None) -> tuple[Table, Row] | None:
    """The table and row a key names (holding `column_key`, when one is given) in the template's
    layout (2021 when the template is unknown), else in another template's: a cell only the 2019
    layout has, named on a page of 2021 cells."""
    preferred = template or "2021"
    for name in (preferred, *(t for t in OFFICIAL_TABLES if t != preferred)):
        table = next((t for t in OFFICIAL_TABLES.get(name, ()) if t.key == table_key), None)
        row = next((r for r in table.rows if r.key == row_key), None) if table else None
        if table is not None and row is not None and (column_key is None or
                                                      any(c.key == column_key for c in row.columns)):
            return table, row
    return None


def row_text(table_key: str, row: Row) -> str:
    # Table 三's first-level result rows carry the group 三、本年度办理结果: too general to repeat.
    group = row.group if row.group and not row.group.startswith("三、") else ""
    return " · ".join(part for part in (TABLE_NAMES.get(table_key, table_key), group, row.label) if part)


def row_label(table_key: str, row_key: str, template: str | None) -> str:
    """`表三 ·（六）其他处理 · 1.申请人无正当理由…` for a row key; the key itself when unknown."""
    found = layout_row(table_key, row_key, template)
    return f"{table_key}.{row_key}" if found is None else row_text(table_key, found[1])


def run_label(key: str, template: str | None) -> str:
    """A table (`表四`) or one of its rows (`表三 ·（一）予以公开`) for a key `table` or `table.row`."""
    table_key, _, row_key = key.partition(".")
    return row_label(table_key, row_key, template) if row_key else TABLE_NAMES.get(table_key, table_key)


def cell_label(key: str, template: str | None) -> str:
    """`表三 ·（一）予以公开 · 自然人` for `applications.granted.natural_person`."""
    table_key, rest = key.split(".", 1)
    row_key, column_key = rest.rsplit(".", 1)
    found = layout_row(table_key, row_key, template, column_key)
    if found is None:
        return key
    row = found[1]
    column = next(c for c in row.columns if c.key == column_key)
    if table_key == "review_litigation":  # one data row: the group names it
        return f"{TABLE_NAMES[table_key]} · {row.label} · {column.label}"
    return f"{row_text(table_key, row)} · {column.label}"
