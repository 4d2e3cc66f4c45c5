"""Records → Markdown pages through the Jinja2 templates in `templates/*.j2`.

Report text is untrusted: anything a template prints goes through `neutralise` (HTML escape plus
entities for Markdown and Jinja syntax), and report text is only ever printed inside HTML blocks,
so neither Python-Markdown nor markdown-it-py interprets it. Only strings built here from
trusted data (`Markup`) pass through unchanged.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Iterator, Mapping, Sequence

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from gknb.check.registry import CHECK_TITLES, CHECKS_BY_ID, check_ids, reason_words
from gknb.model.numbers import format_number
from gknb.read.cleanup import clean_line
from gknb.model.record import (CHECK_STATE_WORDS, SEVERITY_WORDS, STATUS_WORDS, About, Cell, CellState, CheckState,
                               Finding, Record, Severity)
from gknb.model.official_tables import SECTIONS, TABLE_SECTION, OFFICIAL_TABLES, Row, Table, cell_label
from gknb.portal.dictionary import FINDINGS_CSV, REPORTS_CSV
from gknb.portal.search_terms import table_residue

# ---- escaping ---------------------------------------------------------------------------------

# After html.escape: characters inline Markdown, tables or Jinja could still read as syntax. Text
# sits in HTML blocks where Markdown is off; this holds even if it ever lands outside one.
MARKDOWN_ENTITIES = {c: f"&#{ord(c)};" for c in "\\`*_[]{}|~"}
_MARKDOWN_CHARS = re.compile("[" + re.escape("".join(MARKDOWN_ENTITIES)) + "]")
# Front matter ends up unescaped in some theme templates (header title): no markup characters at all.
FULLWIDTH = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇", "\n": " ", "\r": " "})


def neutralise(value: Any) -> Markup:
    """Untrusted text as inert HTML: escaped, and no character Markdown or Jinja reads as syntax."""
    if isinstance(value, Markup):
        return value
    return neutralised_text("" if value is None else str(value))


@lru_cache(maxsize=1 << 16)  # the same labels and numbers fill every report's tables
def neutralised_text(text: str) -> Markup:
    # Line breaks become spaces (the same in HTML): a blank line in report text would otherwise end
    # the raw HTML block it sits in, for both Markdown engines and for lift_html_blocks.
    escaped = html.escape(text.replace("\r", " ").replace("\n", " "), quote=True)
    return Markup(_MARKDOWN_CHARS.sub(lambda m: MARKDOWN_ENTITIES[m.group()], escaped))


# Our own identifiers (check ids, table, row and section keys, states, template years) are declared in
# code, never taken from a report: ASCII words, printed as they are (`not_run`, not `not&#95;run`).
_IDENTIFIER = re.compile(r"[A-Za-z0-9_.\- ]*")


def identifier(value: Any) -> Markup:
    """One of our identifiers, unescaped; anything but plain ASCII words raises, so that report text
    cannot take this way past `neutralise`."""
    text = str(value)
    if not _IDENTIFIER.fullmatch(text):
        raise ValueError(f"not an identifier: {text!r}")
    return Markup(text)


def pagefind_value(value: Any) -> str:
    """A value for data-pagefind-filter/meta: Pagefind splits those attributes at ASCII commas."""
    return str("" if value is None else value).replace(",", "，")


def linked_text(text: str, links: Mapping[str, str]) -> Markup:
    """Untrusted text with each occurrence of a key of `links` (a report's file name) made a link to
    its URL; everything else neutralised. Longest keys first, so `a-2022.txt` wins over `2022.txt`."""
    if not links:
        return neutralise(text)
    pattern = re.compile("|".join(re.escape(k) for k in sorted(links, key=len, reverse=True)))
    parts: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        parts.append(neutralise(text[last:match.start()]))
        parts.append(f'<a href="{neutralise(links[match.group()])}">{neutralise(match.group())}</a>')
        last = match.end()
    parts.append(neutralise(text[last:]))
    return Markup("".join(parts))


def plain_title(text: str) -> str:
    """A title safe for YAML front matter and for theme templates that print it unescaped."""
    return text.translate(FULLWIDTH).strip()


def environment() -> Environment:
    # finalize runs on every {{ … }}: nothing reaches a page unescaped unless it is Markup.
    env = Environment(loader=PackageLoader("gknb.portal", "page_templates"), autoescape=True, finalize=neutralise,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["number"] = lambda value: format_number(value, grouped=True)
    env.filters["plain_number"] = format_number
    env.filters["pf"] = pagefind_value
    env.filters["identifier"] = identifier
    env.filters["grid_html"] = grid_html
    env.globals.update(reports_csv=REPORTS_CSV, findings_csv=FINDINGS_CSV)   # the open data's file names
    return env


_ENV: Environment | None = None


def render(template: str, **context: Any) -> str:
    global _ENV
    if _ENV is None:
        _ENV = environment()
    return _ENV.get_template(template).render(**context)


# ---- words shown on the pages -------------------------------------------------------------------

SEVERITY_STATUS = {Severity.ERROR: "fail", Severity.WARNING: "warn", Severity.INFO: "info"}
REGION_UNKNOWN = "未识别地区"
AGENCY_UNKNOWN = "（未识别机关）"
TYPE_UNKNOWN = "未识别类型"

# How each cell state is shown: mark (visible without colour), legend text.
STATE_MARKS: dict[CellState, tuple[str, str]] = {
    CellState.OK: ("", "报告中的数字"),
    CellState.RECOVERED: ("≈", "推断：连写数字按勾稽关系拆分"),
    CellState.BLANK: ("空", "空白：报告未填写"),
    CellState.NA: ("／", "不适用：报告填“/”“—”“无”等"),
    CellState.GARBLED: ("?", "无法识别：数字位数不符或夹杂文字"),
    CellState.AMBIGUOUS: ("≟", "多种拆分均成立，未取值"),
    CellState.UNCERTAIN: ("待", "待核：由扫描件识别，未能由勾稽关系确认，请对照原件"),
    CellState.MISSING: ("缺", "缺失：报告中没有这一行或这张表"),
    CellState.CORRECTED: ("更", "人工更正：依配套文件更正，理由和原读取值列在校验结论下方"),
}


def read_text(cell: Cell) -> str:
    """A cell as first read, in words: its number, or what stood there."""
    if cell.value is not None:
        return format_number(cell.value, grouped=True)
    return f"{STATE_MARKS[cell.state][1].split('：')[0]}{f'“{cell.raw}”' if cell.raw.strip() else ''}"


def correction_views(record: Record) -> list[dict[str, Any]]:
    """The cells corrected by hand: key, value first read, corrected value, reason, who, when."""
    return [{"key": key, "label": cell_label(key, record.template), "read": read_text(c.read),
             "value": format_number(c.value, grouped=True), "reason": c.reason, "by": c.by, "date": c.date}
            for key, c in record.corrections.items()]


OCR_CELL_NOTE = "由扫描件识别（识别置信度 {confidence:.0%}）"


def ocr_note(record: Record) -> str:
    """The line above a scanned report's tables: how its numbers were read and how far to trust them."""
    ocr = record.source.get("ocr")
    if not isinstance(ocr, dict):
        return ""
    return (f"本报告为扫描件：{ocr.get('pages')} 页由文字识别（{ocr.get('engine')}）读出。"
            "识别出的数字只有在所在行、列的勾稽关系成立时才显示为确定值；"
            f"其余 {ocr.get('unconfirmed')} 个标“待”，表示待核，请对照原件。")


# The record's field names as the report page says them (推断字段: what was inferred, not read).
FIELD_WORDS = {"year": "报告年度", "agency.name": "机关名称（按形近字更正）", "agency.type": "机关类型",
               "region.province": "省", "region.city": "市", "region.county": "县（区）", "region.town": "乡镇（街道）",
               "region.code": "区划代码", "published": "发布日期"}


def inferred_words(record: Record) -> str:
    """The inferred fields in Chinese, region levels as one 地区（省、市…）."""
    region = [FIELD_WORDS[f] for f in record.inferred if f.startswith("region.") and f in FIELD_WORDS]
    others = [FIELD_WORDS.get(f, f) for f in record.inferred if not f.startswith("region.")]
    return "、".join(others + ([f"地区（{'、'.join(region)}）"] if region else []))


def agency_name(record: Record) -> str:
    return str(record.agency.get("name") or AGENCY_UNKNOWN)


def report_title(record: Record) -> str:
    """The official title, 《下冶镇人民政府2021年政府信息公开工作年度报告》 without the marks
    (the year is 2021年: 年度 is already in 年度报告)."""
    if not record.year:
        return f"{agency_name(record)}政府信息公开工作年度报告（年度未知）"
    return f"{agency_name(record)}{record.year}年政府信息公开工作年度报告"


def region_text(record: Record) -> str:
    parts = [record.region.get(k) for k in ("province", "city", "county", "town")]
    return "".join(p for p in parts if p) or REGION_UNKNOWN


def paragraphs(text: str) -> list[str]:
    """A section's text as paragraphs, converter debris removed (read.cleanup, as the parser does)."""
    return [line for line in map(clean_line, text.splitlines()) if line]


def paragraph_views(text: str) -> list[dict[str, Any]]:
    """The paragraphs as blocks of `lines`, each saying whether it is flattened table rows (kept out of
    the search index): a run of such rows is one block, a line each (one element, not ~24 per report)."""
    blocks: list[dict[str, Any]] = []
    for line in paragraphs(text):
        table = table_residue(line)
        if table and blocks and blocks[-1]["table"]:
            blocks[-1]["lines"].append(line)
        else:
            blocks.append({"lines": [line], "table": table})
    return blocks


# ---- tables laid out like the official ones -----------------------------------------------------

@dataclass(frozen=True)
class GridCell:
    text: str
    header: bool = False
    scope: str = ""
    colspan: int = 1
    rowspan: int = 1
    key: str = ""
    classes: tuple[str, ...] = ()
    mark: str = ""
    title: str = ""


@dataclass
class Grid:
    key: str
    caption: str
    head: list[list[GridCell]] = field(default_factory=list)
    body: list[list[GridCell]] = field(default_factory=list)
    note: str = ""
    template: str = ""


# Tables are built here rather than by a Jinja macro per cell: a report has ~280 cells, and macro
# calls were two thirds of the time to render a report page. Every value passes through neutralise.

OK_CLASS = f"cell-{CellState.OK.value}"  # the usual state: its cells carry no class


def grid_cell_html(c: GridCell) -> str:
    if c.header:
        span = (f' colspan="{c.colspan}"' if c.colspan > 1 else "") + (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "")
        return f'<th scope="{neutralise(c.scope)}"{span}>{neutralise(c.text)}</th>'
    # A plain read number is a bare <td>: its key and #cell- id follow from the row's data-row and the
    # official layout (row_cell_keys; assets/gknb-cells.js sets them in the browser), so that a report's
    # ~280 cells do not each carry their key twice. Other states keep their class, seen without script.
    classes = " ".join(c for c in c.classes if c != OK_CLASS)
    title = neutralise(c.title)
    # A cell with an explanation is reachable by keyboard and opens it on tap (assets/gknb-cells.js).
    title_attribute = f' title="{title}" tabindex="0"' if c.title else ""
    mark = f'<span class="gknb-mark" aria-label="{title}">{neutralise(c.mark)}</span>' if c.mark else ""
    colspan = f' colspan="{c.colspan}"' if c.colspan > 1 else ""
    class_attribute = f' class="{neutralise(classes)}"' if classes else ""
    return f"<td{class_attribute}{colspan}{title_attribute}>{neutralise(c.text)}{mark}</td>"


def row_of(key: str) -> str:
    """The row part of a cell key: table.row.column, where a row key may hold dots (denied.third_party)."""
    return key[key.index(".") + 1:key.rindex(".")]


def grid_row_html(row: list[GridCell]) -> str:
    rows = " ".join(dict.fromkeys(row_of(c.key) for c in row if not c.header and c.key))
    data_row = f' data-row="{identifier(rows)}"' if rows else ""
    return f"<tr{data_row}>{''.join(grid_cell_html(c) for c in row)}</tr>\n"


def grid_rows_html(rows: list[list[GridCell]]) -> str:
    return "".join(grid_row_html(row) for row in rows)


def grid_html(grid: Grid) -> Markup:
    """One official table as HTML: merged header cells, then a row per template row."""
    caption, key, template = neutralise(grid.caption), identifier(grid.key), identifier(grid.template)
    head = f"<thead>\n{grid_rows_html(grid.head)}</thead>\n" if grid.head else ""
    note = f'\n<p class="gknb-note">{neutralise(grid.note)}</p>\n' if grid.note else ""
    return Markup(f'<div class="gknb-scroll" role="region" tabindex="0" aria-label="{caption}" data-pagefind-ignore>\n'
                  f'<table class="gknb-table gknb-table--{key}" data-table="{key}" data-template="{template}">\n'
                  f"<caption>{caption}</caption>\n{head}<tbody>\n{grid_rows_html(grid.body)}</tbody>\n</table>\n</div>\n{note}")


def layout_columns() -> dict[str, dict[str, dict[str, list[str]]]]:
    """template → table → row → its column keys: what a page's data-row attributes index."""
    return {template: {table.key: {row.key: [column.key for column in row.columns] for row in table.rows}
                       for table in layout} for template, layout in sorted(OFFICIAL_TABLES.items())}


LAYOUTS_SCRIPT = "assets/gknb-layouts.js"


def layouts_script() -> bytes:
    """The shared asset gknb-cells.js reads the cell keys from (one file for every report page)."""
    data = json.dumps(layout_columns(), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return f"/* generated from gknb.model.official_tables */\nwindow.gknbLayouts={data};\n".encode()


def row_cell_keys(template: str, table_key: str, rows: str, raw_first: Sequence[bool]) -> list[str]:
    """The keys of a table row's <td>s, in order, as gknb-cells.js derives them: each row key of
    data-row gives its columns, except a row printed as one run of unread text (cell-row-raw), whose
    single cell is its first column's. `raw_first`: for each <td>, whether it is such a cell."""
    columns = layout_columns()[template][table_key]
    keys: list[str] = []
    for row in rows.split():
        wanted = columns[row][:1] if len(keys) < len(raw_first) and raw_first[len(keys)] else columns[row]
        keys.extend(f"{table_key}.{row}.{column}" for column in wanted)
    return keys


def th(text: str, scope: str = "col", colspan: int = 1, rowspan: int = 1) -> GridCell:
    return GridCell(text, header=True, scope=scope, colspan=colspan, rowspan=rowspan)


def data_cell(cell: Cell, key: str, flags: dict[str, list[str]], colspan: int = 1) -> GridCell:
    """A table cell: the number, or what the source showed, its state mark and the findings naming it."""
    shown = format_number(cell.value, grouped=True) if cell.is_number or cell.state is CellState.UNCERTAIN else {
        CellState.NA: cell.raw, CellState.GARBLED: cell.raw}.get(cell.state, "")
    mark, legend = STATE_MARKS[cell.state]
    classes = [f"cell-{cell.state.value}"]
    titles = [legend] if cell.state is not CellState.OK else []
    if cell.confidence is not None:
        classes.append("cell-ocr")
        titles.append(OCR_CELL_NOTE.format(confidence=cell.confidence))
    if key in flags:
        # The red frame says "the report's numbers disagree here": only a number the report shows
        # can do that. A recovered, garbled or blank cell a finding names keeps its own mark.
        if cell.state is CellState.OK:
            classes.append("cell-flagged")
        if flags[key] and flags[key][0] == LIKELY_WRONG:
            classes.append("cell-likely")
        titles.extend(flags[key])
    # Keys and class names come from the layout data, not from the report: trusted.
    return GridCell(shown, key=Markup(key), colspan=colspan, classes=tuple(Markup(c) for c in classes),
                    mark=mark, title="；".join(titles))


UNREAD_ROW_STATES = (CellState.GARBLED, CellState.AMBIGUOUS)


def unread_row(record: Record, table: Table, row: Row, flags: dict[str, list[str]], width: int) -> list[GridCell] | None:
    """A row none of whose cells could be read, all from one piece of text (digits run together):
    that text once across the row, not in every cell."""
    keys = [f"{table.key}.{row.key}.{column.key}" for column in row.columns]
    cells = [record.cell(key) for key in keys]
    raws = {cell.raw for cell in cells}
    if len(cells) < 2 or len(raws) != 1 or not next(iter(raws)) or any(c.state not in UNREAD_ROW_STATES for c in cells):
        return None
    first = data_cell(cells[0], keys[0], flags, width)
    return [GridCell(f"原文：{cells[0].raw}", key=first.key, colspan=width, classes=(*first.classes, Markup("cell-row-raw")),
                     mark=first.mark, title=first.title)]


def row_cells(record: Record, table: Table, row: Row, flags: dict[str, list[str]], width: int) -> list[GridCell]:
    """A row's data cells; the last one spans what is left of `width`."""
    unread = unread_row(record, table, row, flags, width)
    if unread is not None:
        return unread
    cells = []
    for index, column in enumerate(row.columns):
        key = f"{table.key}.{row.key}.{column.key}"
        span = width - len(row.columns) + 1 if index == len(row.columns) - 1 else 1
        cells.append(data_cell(record.cell(key), key, flags, span))
    return cells


def printed_rows(record: Record, table: Table) -> tuple[Row, ...]:
    """The official rows as this report prints them (Table.printed_rows)."""
    return table.printed_rows(record.tables.get(table.key, {}))


def runs(rows: Iterable[Row]) -> Iterator[list[Row]]:
    """Consecutive rows sharing a group label."""
    current: list[Row] = []
    for row in rows:
        if current and row.group != current[0].group:
            yield current
            current = []
        current.append(row)
    if current:
        yield current


def active_grid(record: Record, table: Table, flags: dict[str, list[str]]) -> Grid:
    """Table 二: per 第二十条 item, a group header, a column header row, then the rows."""
    rows = printed_rows(record, table)
    width = max(len(r.columns) for r in rows)
    grid = Grid(table.key, table.title)
    for group in runs(rows):
        grid.body.append([th(group[0].group, "colgroup", colspan=width + 1)])
        columns = group[0].columns
        grid.body.append([th("信息内容")] + [th(c.label, colspan=width - len(columns) + 1 if i == len(columns) - 1 else 1)
                                         for i, c in enumerate(columns)])
        for row in group:
            grid.body.append([th(row.label, "row")] + row_cells(record, table, row, flags, width))
    return grid


BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def applications_head(table: Table) -> list[list[GridCell]]:
    columns = table.rows[0].columns
    return [
        [th(BALANCE_NOTE, colspan=3, rowspan=3), th("申请人情况", "colgroup", colspan=len(columns))],
        [th(columns[0].label, rowspan=2), th("法人或其他组织", "colgroup", colspan=len(columns) - 2),
         th(columns[-1].label, rowspan=2)],
        [th(c.label) for c in columns[1:-1]],
    ]


def applications_grid(record: Record, table: Table, flags: dict[str, list[str]]) -> Grid:
    """Table 三: rows without a group span three label columns; the outcome rows sit under
    三、本年度办理结果, and the （三）–（六） rows under their own merged label."""
    rows = printed_rows(record, table)
    result = table.row("granted").group
    outcome_count = sum(1 for r in rows if r.group)
    width = len(rows[0].columns)
    grid = Grid(table.key, table.title, head=applications_head(table))
    first_outcome = True
    for group in runs(rows):
        for index, row in enumerate(group):
            labels: list[GridCell] = []
            if row.group and first_outcome:
                labels.append(th(result, "rowgroup", rowspan=outcome_count))
                first_outcome = False
            if not row.group:
                labels.append(th(row.label, "row", colspan=3))
            elif row.group == result:
                labels.append(th(row.label, "row", colspan=2))
            else:
                if index == 0:
                    labels.append(th(row.group, "rowgroup", rowspan=len(group)))
                labels.append(th(row.label, "row"))
            grid.body.append(labels + row_cells(record, table, row, flags, width))
    return grid


def review_grid(record: Record, table: Table, flags: dict[str, list[str]]) -> Grid:
    """Table 四: 行政复议 | 行政诉讼 (未经复议直接起诉 | 复议后起诉), five columns each, one data row."""
    grid = Grid(table.key, table.title)
    rows = printed_rows(record, table)
    parts = [row.label.split(" · ", 1) for row in rows]
    top: list[GridCell] = []
    subs: list[GridCell] = []
    for index, part in enumerate(parts):
        span = len(rows[index].columns)
        if top and index > 0 and parts[index - 1][0] == part[0]:
            previous = top[-1]
            top[-1] = th(previous.text, "colgroup", colspan=previous.colspan + span, rowspan=previous.rowspan)
        else:
            top.append(th(part[0], "colgroup", colspan=span, rowspan=1 if len(part) > 1 else 2))
        if len(part) > 1:
            subs.append(th(part[1], "colgroup", colspan=span))
    labels = [th(c.label) for row in rows for c in row.columns]
    grid.head = [top, subs, labels]
    grid.body = [[cell for row in rows for cell in row_cells(record, table, row, flags, len(row.columns))]]
    return grid


GRID_BUILDERS = {"active": active_grid, "applications": applications_grid, "review_litigation": review_grid}


def layout_for(record: Record) -> tuple[Table, Table, Table] | None:
    """The official layout the record's tables follow; legacy reports have no fixed tables."""
    if record.template in OFFICIAL_TABLES:
        return OFFICIAL_TABLES[record.template]
    return None


def shown_checks(record: Record) -> list[str]:
    """The checks a report page lists, in its order: the badge checks that apply, then any other."""
    ids = [c for c in BADGE_CHECKS if CHECKS_BY_ID[c].applies_to(record)] + check_ids(record.findings)
    return list(dict.fromkeys(ids))


def numbered_findings(record: Record) -> list[tuple[int, Finding]]:
    """The findings numbered 1, 2 … in the order the page lists them, so that a cell's explanation
    and the list name a finding alike (问题 2)."""
    # The report's own problems first, then our reading notes (the page lists them apart), each in
    # the order of the checks; the sort is stable, so a check's findings keep theirs.
    position = {check: index for index, check in enumerate(shown_checks(record))}
    ordered = sorted(record.findings, key=lambda f: (f.about is not About.SOURCE, position[f.check]))
    return list(enumerate(ordered, start=1))


def likely_wrong_cells(record: Record) -> set[str]:
    """The cells where the report's own disagreements cross: a wrong （七）总计 breaks its row's sum and
    its column's, and only the cell both name explains both. The cells named by the most findings
    about the source, when that is two or more; none when every cell is named once."""
    counts = Counter(key for finding in record.findings if finding.about is About.SOURCE
                     and finding.severity is Severity.ERROR for key in dict.fromkeys(finding.cells))
    most = max(counts.values(), default=0)
    return {key for key, count in counts.items() if count == most} if most >= 2 else set()


LIKELY_WRONG = "最可能出错的单元格：几项校验问题在此交汇"


def cell_flags(record: Record) -> dict[str, list[str]]:
    """Cell key → what the page says of it: a correction, then the numbered findings naming it."""
    flags: dict[str, list[str]] = {}
    for view in correction_views(record):
        flags.setdefault(view["key"], []).append(
            f"人工更正：原读取为 {view['read']}，更正为 {view['value']}；理由：{view['reason']}（{view['by']}，{view['date']}）")
    for number, finding in numbered_findings(record):
        for key in finding.cells:
            flags.setdefault(key, []).append(f"问题 {number}（{SEVERITY_WORDS[finding.severity]}）：{finding.message}")
    return flags


FLAG_LEGEND = (("flagged", "12", "校验问题涉及的单元格（点按、悬停或用 Tab 键选中后查看问题）"),
               ("flagged cell-likely", "12", "最可能出错的单元格：几项校验问题在此交汇"))


def legend(tables: Mapping[str, Grid]) -> list[tuple[str, str, str]]:
    """(class after `cell-`, swatch text, words) for the marks these tables show: the plain number
    always, every other state and the finding frames only where a cell has them (most reports show
    two or three of the eleven)."""
    shown = {c for grid in tables.values() for row in grid.body for cell in row for c in cell.classes}
    states = [(s.value, mark or "12", text) for s, (mark, text) in STATE_MARKS.items()
              if s is CellState.OK or f"cell-{s.value}" in shown]
    flags = [item for item, present in zip(FLAG_LEGEND, ("cell-flagged" in shown, "cell-likely" in shown)) if present]
    return states + flags


def grids(record: Record) -> dict[str, Grid]:
    layout = layout_for(record)
    if layout is None:
        return {}
    flags = cell_flags(record)
    for key in likely_wrong_cells(record):
        flags[key].insert(0, LIKELY_WRONG)
    result = {}
    for table in layout:
        grid = GRID_BUILDERS[table.key](record, table, flags)
        grid.template = record.template or ""
        if table.key not in record.tables:
            grid.note = "报告中未找到此表，全部单元格标为缺失。"
        result[table.key] = grid
    return result


# ---- checks shown as badges -------------------------------------------------------------------

@dataclass(frozen=True)
class CheckView:
    id: str
    title: str
    status: str                       # pass | warn | fail | info | not_run
    findings: list[dict[str, Any]]
    reason: str = ""                  # not_run: why, in words

    @property
    def word(self) -> str:
        return {**STATUS_WORDS, "info": "提示", "not_run": CHECK_STATE_WORDS[CheckState.NOT_RUN]}[self.status]


# Checks whose badge every report page shows, passed or not: all but `duplicate`, which concerns
# only the reports that have a twin.
BADGE_CHECKS = tuple(k for k in CHECK_TITLES if k != "duplicate")


def finding_message(finding: Finding, links: Mapping[str, str]) -> Markup:
    """A cross-report finding names the other report (`Finding.other`): that name links to its page."""
    other = finding.other
    return linked_text(finding.message, {other: links[other]} if other is not None and other in links else {})


def finding_view(finding: Finding, links: Mapping[str, str] | None = None, number: int = 0,
                 template: str | None = None, likely: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A finding as the page lists it: its number, words, and the cells it names by their Chinese
    labels (the likely wrong one first)."""
    cells = sorted(finding.cells, key=lambda key: key not in likely)
    return {"severity": SEVERITY_STATUS[finding.severity], "word": SEVERITY_WORDS[finding.severity],
            "message": finding_message(finding, links or {}), "number": number, "about": finding.about.value,
            "cells": [{"key": key, "label": cell_label(key, template), "likely": key in likely} for key in cells]}


def check_views(record: Record, links: Mapping[str, str] | None = None) -> list[CheckView]:
    """Every check with its findings (a check without findings passed), then any other finding.
    `links`: the other reports of the same body, file name → URL, for the cross-report findings."""
    numbered = numbered_findings(record)
    likely = frozenset(likely_wrong_cells(record))
    views = []
    for check in shown_checks(record):
        found = [(n, f) for n, f in numbered if f.check == check]
        run = record.checks.get(check)
        status, reason = "pass", ""
        if found:
            status = SEVERITY_STATUS[min((f.severity for _n, f in found), key=list(Severity).index)]
        elif run is not None and run.state is CheckState.NOT_RUN:
            status, reason = "not_run", reason_words(check, run.reason or "")
        views.append(CheckView(check, CHECK_TITLES.get(check, check), status,
                               [finding_view(f, links, n, record.template, likely) for n, f in found], reason))
    return views


# A cell the table shows as the source wrote it: a number read in its place, or stated blank or not
# applicable, with no finding naming it.
SETTLED_CLASSES = frozenset({OK_CLASS, f"cell-{CellState.BLANK.value}", f"cell-{CellState.NA.value}"})


def read_whole(grid: Grid) -> bool:
    """Whether the table shows every cell as the source wrote it: then its rows flattened into the
    section's text say nothing the table does not (and the source file is linked on the page)."""
    return not grid.note and all(set(c.classes) <= SETTLED_CLASSES for row in grid.body for c in row if not c.header)


def section_views(record: Record, tables: Mapping[str, Grid]) -> list[dict[str, Any]]:
    """The six sections under their official headings, in order, with the table each one holds; a
    section's flattened table rows are left out when its table (`tables`, from grids) is read whole."""
    by_key = {s.key: s for s in record.sections}
    table_of = {section: table for table, section in TABLE_SECTION.items()}
    views = []
    for key, heading, _phrases in SECTIONS:
        table = table_of.get(key, "")
        blocks = paragraph_views(by_key[key].text) if key in by_key else []
        if table in tables and read_whole(tables[table]):
            blocks = [block for block in blocks if not block["table"]]
        views.append({"key": key, "heading": heading, "present": key in by_key, "table": table, "paragraphs": blocks})
    return views


# ---- HTML blocks kept out of Markdown ----------------------------------------------------------
# Our pages are mostly HTML blocks (tables, cards, lists) that Markdown passes through unchanged,
# yet Python-Markdown's raw-HTML preprocessor parses every tag of them: half of MkDocs' time on a
# report page. The plugin hands MkDocs each page with its top-level HTML blocks replaced by a
# placeholder and puts the blocks back into the converted HTML (`on_page_content`): the same
# page, without parsing HTML we wrote ourselves. Headings stay Markdown (table of contents,
# anchors). The templates keep every HTML block free of blank lines, so a blank-line-separated
# block that opens with a block-level tag is one raw block to both Markdown engines.

_HTML_BLOCK_START = re.compile(r"<(?:div|table|figure|ul|ol|dl|nav|p|h[1-6]|form|section)[\s>]")
_PLACEHOLDER = '<div data-gknb-block="{}"></div>'
_PLACEHOLDER_RE = re.compile(r'<div data-gknb-block="(\d+)"></div>')


def lift_html_blocks(markdown: str) -> tuple[str, list[str]]:
    """The page with each top-level HTML block replaced by a placeholder, and the blocks in order."""
    blocks = markdown.split("\n\n")
    lifted: list[str] = []
    for index, block in enumerate(blocks):
        body = block.lstrip("\n")
        if _HTML_BLOCK_START.match(body) and body.rstrip("\n").endswith(">"):
            lead, trail = block[:len(block) - len(body)], body[len(body.rstrip("\n")):]
            blocks[index] = lead + _PLACEHOLDER.format(len(lifted)) + trail
            lifted.append(body.rstrip("\n"))
    return "\n\n".join(blocks), lifted


def searchable_blocks(lifted: list[str]) -> list[str]:
    """The blocks with those search skips (`data-pagefind-ignore` on their outer tag) left empty:
    the page as the search index needs it, without the tables."""
    return ["" if "data-pagefind-ignore" in block[:block.find(">")] else block for block in lifted]


def restore_html_blocks(html_text: str, lifted: list[str]) -> tuple[str, int]:
    """Converted HTML with the placeholders replaced by their blocks; also how many were replaced."""
    restored, count = _PLACEHOLDER_RE.subn(lambda m: lifted[int(m.group(1))], html_text)
    return restored, count
