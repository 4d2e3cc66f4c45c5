"""A synthetic corpus of annual reports with known numbers, in every input layout.

Used by the accuracy measurement (`accuracy.py`), the performance benchmark (`bench.py`) and the
round-trip property tests. Bodies and regions are real names from the vendored division codes;
the numbers are random but consistent (or deliberately inconsistent), so the truth of every cell
is known. The official layouts come from `gknb.model.official_tables`, never written out again here.
"""

from __future__ import annotations

import html
import io
import random
from dataclasses import dataclass, field
from typing import Callable

from gknb.parse import divisions
from gknb.model.official_tables import APPEAL_COLUMNS, APPEAL_GROUPS, OFFICIAL_TABLES, Row, Table

Numbers = list[float]
TEXT_LAYOUTS = ("tabs", "pipes", "one_cell_per_line", "flattened")
ALL_LAYOUTS = (*TEXT_LAYOUTS, "html", "docx", "md", "layout")
# What arrives in practice, every format but PDF and scans (issue #18's mix): no flattened digits.
MIXED_LAYOUTS = ("tabs", "one_cell_per_line", "pipes", "md", "layout", "html", "docx")
DEPARTMENTS = ("财政局", "民政局", "自然资源局", "交通运输局", "卫生健康委员会", "市场监督管理局", "乡村振兴局")


@dataclass
class Report:
    """One synthetic report: who, when, which template, every cell's true value, and its layout."""

    agency: str
    region_code: str
    year: int
    template: str
    layout: str
    consistent: bool
    tables: dict[str, dict[str, Numbers]] = field(default_factory=dict)
    ruled: bool = True  # DOCX tables drawn with rules (as official reports are); False: bare text columns

    def truth(self) -> dict[str, float]:
        """Dotted cell key → the number printed in the report."""
        cells: dict[str, float] = {}
        for table in OFFICIAL_TABLES[self.template]:
            for row in table.standard_rows:
                for column, value in zip(row.columns, self.tables[table.key][row.key]):
                    cells[f"{table.key}.{row.key}.{column.key}"] = value
        return cells


# ---- numbers -----------------------------------------------------------------------------------

def small(rng: random.Random) -> int:
    return rng.choice([0, 0, 0, 0, 1, 2, 3, 5, 8, 13, 40, 120])


def application_rows(rng: random.Random, table: Table) -> dict[str, Numbers]:
    """Table 三 whose rows, columns, balance and outcome sums hold."""
    outcome_keys = [r.key for r in table.standard_rows[2:-2]]
    rows: dict[str, list[int]] = {k: [small(rng) if rng.random() < 0.35 else 0 for _ in range(6)] for k in outcome_keys}
    processed = [sum(rows[k][c] for k in outcome_keys) for c in range(6)]
    forward = [rng.choice([0, 0, 1, 2]) for _ in range(6)]
    carried = [rng.randint(0, p + f) for p, f in zip(processed, forward)]
    rows.update(total_processed=processed, carried_forward=forward, carried_over=carried,
                new_received=[p + f - c for p, f, c in zip(processed, forward, carried)])
    return {k: [float(v) for v in (*values, sum(values))] for k, values in rows.items()}


def active_rows(rng: random.Random, table: Table) -> dict[str, Numbers]:
    out: dict[str, Numbers] = {}
    for row in table.standard_rows:
        if row.key == "fees" and row.columns[0].key == "amount_wan_yuan":
            out[row.key] = [rng.choice([0.0, 0.0, 1.25, 36.8, 512.0])]
        else:
            out[row.key] = [float(small(rng)) for _ in row.columns]
    return out


def appeal_rows(rng: random.Random) -> dict[str, Numbers]:
    out: dict[str, Numbers] = {}
    for key, _label in APPEAL_GROUPS:
        parts = [rng.choice([0, 0, 1, 2, 3]) for _ in range(4)]
        out[key] = [float(v) for v in (*parts, sum(parts))]
    return out


def break_one_total(rng: random.Random, tables: dict[str, dict[str, Numbers]]) -> None:
    """A deliberately inconsistent report: one printed total is off by one."""
    row = rng.choice(["new_received", "total_processed", "granted"])
    tables["applications"][row][-1] += 1


# ---- who and where -------------------------------------------------------------------------------

def pick_body(rng: random.Random, within: divisions.Division | None = None) -> tuple[str, str]:
    """A real township government or county department (of the province `within`), with its division code."""
    provinces = [within] if within else divisions.children("")
    county = None
    while county is None:
        province = rng.choice(provinces)
        cities = divisions.children(province.code) or [province]
        counties = divisions.children(rng.choice(cities).code)
        county = rng.choice(counties) if counties else None
    towns = [t for t in divisions.children(county.code) if (t.display or t.name).endswith(("镇", "乡", "街道"))]
    county_name = county.display or county.name
    if len(divisions.named(county_name)) > 1:  # 河东区 is in several cities: reports then name the city too
        named_ancestors = [d for d in divisions.chain(county.code)[:-1] if d.display]
        county_name = (named_ancestors[-1].display or "") + county_name if named_ancestors else county_name
    if towns and rng.random() < 0.6:
        town = rng.choice(towns)
        name = town.display or town.name
        return f"{county_name}{name}{'办事处' if name.endswith('街道') else '人民政府'}", town.code
    # A 市辖区 (嘉峪关市 has no counties) is no body's seat: a department named after it is the city's.
    seat = divisions.chain(county.code)[-2] if county.display is None else county
    return f"{county_name}{rng.choice(DEPARTMENTS)}", seat.code


YEARS = (2019, 2020, 2021, 2022, 2023, 2024)


def make_report(rng: random.Random, layout: str | None = None, consistent: bool | None = None,
                body: tuple[str, str] | None = None, year: int | None = None) -> Report:
    """A report of a random body and year, or of `body` (name, division code) in `year`."""
    agency, code = body or pick_body(rng)
    year = year or rng.choice(YEARS)
    template = "2021" if year >= 2021 else "2019"
    report = Report(agency, code, year, template, layout or rng.choice(ALL_LAYOUTS),
                    consistent if consistent is not None else rng.random() < 0.8)
    active, applications, _appeals = OFFICIAL_TABLES[template]
    report.tables = {"active": active_rows(rng, active), "applications": application_rows(rng, applications),
                     "review_litigation": appeal_rows(rng)}
    if not report.consistent:
        break_one_total(rng, report.tables)
    return report


def province_reports(rng: random.Random, count: int, layouts: tuple[str, ...]) -> list[Report]:
    """`count` reports as one province's portal holds them: its bodies (township governments and
    county departments of a few dozen counties) each reporting every year, 2019–2024."""
    province = rng.choice([p for p in divisions.children("") if divisions.children(p.code)])
    bodies: list[tuple[str, str]] = []
    while len(bodies) * len(YEARS) < count:
        body = pick_body(rng, province)
        if body not in bodies:
            bodies.append(body)
    pairs = [(body, year) for body in bodies for year in YEARS][:count]
    return [make_report(rng, rng.choice(layouts), body=body, year=year) for body, year in pairs]


# ---- rendering -----------------------------------------------------------------------------------

def num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def row_labels(table: Table) -> list[tuple[str, Row]]:
    """(merged group label printed on the row, row): a group label stands on its first row only."""
    out: list[tuple[str, Row]] = []
    previous = ""
    for row in table.standard_rows:
        group = row.group if row.group != previous else ""
        previous = row.group
        out.append((group, row))
    return out


def heading_text(report: Report) -> tuple[str, str, str]:
    title = f"{report.agency}{report.year}年政府信息公开工作年度报告"
    received = int(report.tables["applications"]["new_received"][-1])
    overview = f"{report.year}年，本机关共收到政府信息公开申请{received}件，均在法定期限内答复。"
    closing = f"本机关{report.year}年度未收取信息处理费。"
    return title, overview, closing


def table_rows(report: Report) -> dict[str, list[list[str]]]:
    """Each table as rows of cells: label cells then numbers (table 四: headers then one row)."""
    out: dict[str, list[list[str]]] = {}
    for table in OFFICIAL_TABLES[report.template][:2]:
        out[table.key] = [[group, row.label, *map(num, report.tables[table.key][row.key])]
                          for group, row in row_labels(table)]
    appeal = [v for key, _ in APPEAL_GROUPS for v in report.tables["review_litigation"][key]]
    out["review_litigation"] = [["行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"],
                                [c.label for c in APPEAL_COLUMNS] * 3, [num(v) for v in appeal]]
    return out


SECTION_HEADS = ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况")


def text_report(report: Report, render_rows: Callable[[list[list[str]], bool], str]) -> str:
    title, overview, closing = heading_text(report)
    tables = table_rows(report)
    parts = [title, "一、总体情况", overview]
    for head, key in zip(SECTION_HEADS, ("active", "applications", "review_litigation")):
        parts += [head, render_rows(tables[key], key == "review_litigation")]
    parts += ["五、存在的主要问题及改进情况", "政策解读的形式还不够丰富。", "六、其他需要报告的事项", closing]
    return "\n".join(parts) + "\n"


def tabs(rows: list[list[str]], appeal: bool) -> str:
    return "\n".join("\t".join(r) for r in rows)


def pipes(rows: list[list[str]], appeal: bool) -> str:
    # PDF-to-Markdown converters break rows after random cells and sprinkle empty pipes.
    lines = []
    for r in rows:
        cells = [c for c in r if c]
        cut = max(1, len(cells) // 2)
        lines.append("| " + " | ".join(cells[:cut]) + "\n| " + " | ".join(cells[cut:]) + " | ||")
    return "\n".join(lines)


def one_cell_per_line(rows: list[list[str]], appeal: bool) -> str:
    return "\n\n".join("\n".join(f"\t{c}" for c in r if c) for r in rows)


def flattened(rows: list[list[str]], appeal: bool) -> str:
    return "\n".join("".join(r) for r in rows)


def layout(rows: list[list[str]], appeal: bool) -> str:
    """`pdftotext -layout`: a row per line, label columns padded to the widest label, numbers
    right-aligned in columns, at least two spaces between cells."""
    labels = [max((len(r[i]) for r in rows if len(r) > i and not appeal), default=0) for i in range(2)]
    lines = []
    for r in rows:
        if appeal:
            lines.append("  ".join(c.rjust(4) for c in r))
            continue
        head = "  ".join(c.ljust(width) for c, width in zip(r[:2], labels))
        lines.append((head + "  " + "".join(c.rjust(6) for c in r[2:])).rstrip())
    return "\n".join(lines)


def html_table(rows: list[list[str]]) -> str:
    body = []
    for r in rows:
        cells = [c for c in r if c] if len(r) > 3 and not r[0] else r
        body.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    return "<table border='1'>" + "".join(body) + "</table>"


def html_report(report: Report) -> str:
    title, overview, closing = heading_text(report)
    tables = table_rows(report)
    sections = "".join(f"<h2>{head}</h2>{html_table(tables[key])}"
                       for head, key in zip(SECTION_HEADS, ("active", "applications", "review_litigation")))
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<nav>首页 政务公开</nav><div class='article'><h1>{title}</h1><h2>一、总体情况</h2><p>{overview}</p>"
            f"{sections}<h2>五、存在的主要问题及改进情况</h2><p>政策解读的形式还不够丰富。</p>"
            f"<h2>六、其他需要报告的事项</h2><p>{closing}</p></div><footer>版权所有</footer></body></html>")


def md_report(report: Report) -> str:
    def gfm(rows: list[list[str]], appeal: bool) -> str:
        width = max(len(r) for r in rows)
        padded = [r + [""] * (width - len(r)) for r in rows]
        head = "| " + " | ".join(f"列{i}" for i in range(width)) + " |\n|" + "---|" * width
        return head + "\n" + "\n".join("| " + " | ".join(c or " " for c in r) + " |" for r in padded) + "\n"
    return text_report(report, gfm).replace("\n一、总体情况", "\n\n## 一、总体情况")


def docx_report(report: Report) -> bytes:
    from docx import Document

    title, overview, closing = heading_text(report)
    tables = table_rows(report)
    document = Document()
    document.add_heading(title, level=1)
    document.add_heading("一、总体情况", level=2)
    document.add_paragraph(overview)
    for head, key in zip(SECTION_HEADS, ("active", "applications", "review_litigation")):
        document.add_heading(head, level=2)
        rows = tables[key]
        width = max(len(r) for r in rows)
        grid = document.add_table(rows=len(rows), cols=width)
        if report.ruled:
            grid.style = "Table Grid"  # ruled, as official reports print them (a PDF keeps the rules)
        for grid_row, cells in zip(grid.rows, rows):  # Table.cell(r, c) rescans the whole table each call
            for grid_cell, text in zip(grid_row.cells, cells):
                grid_cell.text = text
    document.add_heading("五、存在的主要问题及改进情况", level=2)
    document.add_paragraph("政策解读的形式还不够丰富。")
    document.add_heading("六、其他需要报告的事项", level=2)
    document.add_paragraph(closing)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


TEXT_RENDERERS: dict[str, Callable[[list[list[str]], bool], str]] = {
    "tabs": tabs, "pipes": pipes, "one_cell_per_line": one_cell_per_line, "flattened": flattened, "layout": layout}
SUFFIX = {"html": ".html", "docx": ".docx", "md": ".md"}


def render(report: Report) -> tuple[str, bytes]:
    """The file suffix and bytes of the report in its layout."""
    if report.layout in TEXT_RENDERERS:
        return ".txt", text_report(report, TEXT_RENDERERS[report.layout]).encode("utf-8")
    if report.layout == "html":
        return ".html", html_report(report).encode("utf-8")
    if report.layout == "md":
        return ".md", md_report(report).encode("utf-8")
    return ".docx", docx_report(report)
