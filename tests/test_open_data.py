"""The open data for researchers: the data dictionary (Chinese titles, Frictionless Table Schemas
validated by frictionless-py), findings.csv.gz, body_id across years, and the Excel workbooks read
back with openpyxl. The seed corpus's data files are those of the golden site (tests/golden/seeds)."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from frictionless import Package

from gknb.check.across_years import record_body_id
from gknb.check.registry import check_report
from gknb.model.record import Record
from gknb.portal.dictionary import FINDINGS_CSV, METADATA_FIELDS, REPORTS_CSV, cell_title
from gknb.portal.open_data import Published, cell_keys, csv_text, data_files, record_runs, run_ends_after
from gknb.portal.workbooks import region_workbook

from conftest import gzip_members
from tests.checks.reports import report

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "golden" / "seeds" / "data"


def rows_of(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(csv_text((DATA / name).read_bytes())))


def records() -> list[dict[str, object]]:
    return [json.loads(line) for line in gzip.decompress((DATA / "reports.jsonl.gz").read_bytes()).splitlines()]


# ---- the data dictionary ------------------------------------------------------------------------

def test_frictionless_validates_the_published_package() -> None:
    report = Package(str(DATA / "datapackage.json")).validate()
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])
    assert [task.name for task in report.tasks] == ["reports-csv", "findings-csv", "reports-jsonl", "record-schema",
                                                    "build-report"]


def test_the_bulk_file_is_the_published_records_gzipped_in_runs_without_a_date() -> None:
    """reports.jsonl.gz, the one published copy of the records: gzip members each holding the record
    lines of one run (record_runs), in the order of reports.csv.gz, each naming no time or file (two
    builds give the same bytes); what zcat or Python's gzip reads from it is, line by line, each
    report's record. No per-report record file is published beside it."""
    data = (DATA / "reports.jsonl.gz").read_bytes()
    lines = gzip.decompress(data).splitlines(keepends=True)
    ids = [json.loads(line)["portal"]["id"] for line in lines]
    assert len(ids) == 5 and ids == [row["id"] for row in rows_of(REPORTS_CSV)]
    members = gzip_members(data)
    assert members == [b"".join(lines[i] for i in run) for run in record_runs(ids)]
    assert data.count(b"\x1f\x8b\x08\x00\x00\x00\x00\x00") == len(members)   # magic, deflate, no flags, mtime 0
    assert len(data) * 3 < sum(map(len, lines))
    assert not (DATA / "reports").exists() and "json" not in rows_of(REPORTS_CSV)[0]


RUN_IDS = [f"{code}/民政局/{year}" for code in range(110101, 110131) for year in (2021, 2022, 2023)]


def test_a_run_of_the_bulk_file_ends_after_each_id_that_ends_one_and_only_there() -> None:
    runs = record_runs(RUN_IDS)
    assert [i for run in runs for i in run] == list(range(len(RUN_IDS)))
    assert [run_ends_after(RUN_IDS[run[-1]]) for run in runs[:-1]] == [True] * (len(runs) - 1)
    assert not [i for run in runs for i in run[:-1] if run_ends_after(RUN_IDS[i])]
    assert 3 <= len(runs) <= len(RUN_IDS) // 4  # about 16 a run: 90 ids give a handful of runs
    assert record_runs([]) == []


ENDS_A_RUN = next(i for i, report_id in enumerate(RUN_IDS) if run_ends_after(report_id))


@pytest.mark.parametrize("removed", [0, 17, ENDS_A_RUN, ENDS_A_RUN + 1, len(RUN_IDS) - 1])
def test_a_report_removed_changes_its_own_run_of_the_bulk_file_and_no_other(removed: int) -> None:
    """So a live update compresses again only that run (one that ended with it joins the next)."""
    def runs_of(ids: list[str]) -> list[list[str]]:
        return [[ids[i] for i in run] for run in record_runs(ids)]
    before = runs_of(RUN_IDS)
    own = next(k for k, run in enumerate(before) if RUN_IDS[removed] in run)
    joins_next = run_ends_after(RUN_IDS[removed]) and own < len(before) - 1
    merged = [i for i in before[own] if i != RUN_IDS[removed]] + (before[own + 1] if joins_next else [])
    expected = before[:own] + ([merged] if merged else []) + before[own + 1 + joins_next:]
    assert runs_of(RUN_IDS[:removed] + RUN_IDS[removed + 1:]) == expected


def test_the_csv_files_are_published_gzipped_without_a_date_and_described_so() -> None:
    """reports.csv.gz and findings.csv.gz: one gzip member each naming no time or file, holding UTF-8
    CSV with a BOM; the data package says so, and no uncompressed copy is published beside them."""
    package = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    described = {r["path"]: r for r in package["resources"] if r["format"] == "csv"}
    assert set(described) == {REPORTS_CSV, FINDINGS_CSV} == {"reports.csv.gz", "findings.csv.gz"}
    for name, resource in described.items():
        data = (DATA / name).read_bytes()
        assert data.startswith(b"\x1f\x8b\x08\x00\x00\x00\x00\x00") and data.count(b"\x1f\x8b\x08") == 1
        text = gzip.decompress(data)
        assert text.startswith(b"\xef\xbb\xbf") and text.endswith(b"\r\n")
        assert (resource["compression"], resource["encoding"], resource["mediatype"]) == ("gz", "utf-8-sig", "text/csv")
    assert len((DATA / REPORTS_CSV).read_bytes()) * 3 < len(gzip.decompress((DATA / REPORTS_CSV).read_bytes()))
    assert sorted(p.name for p in DATA.glob("*.csv*")) == ["findings.csv.gz", "reports.csv.gz"]


def test_every_column_has_a_chinese_title_and_a_description() -> None:
    package = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        if resource["format"] != "csv":
            continue
        fields = resource["schema"]["fields"]
        header = next(csv.reader(csv_text((DATA / resource["path"]).read_bytes())))
        assert [f["name"] for f in fields] == header
        assert all(f["title"] and f["description"] and f["title"] != f["name"] for f in fields)
        assert len({f["title"] for f in fields}) == len(fields), "two columns share a title"


@pytest.mark.parametrize(("key", "title"), [
    ("applications.new_received.natural_person", "表三 · 本年新收 · 自然人"),
    ("applications.carried_forward.total", "表三 · 结转下年度 · 总计"),
    ("applications.granted.commercial", "表三 · 办理结果 · 予以公开 · 商业企业"),
    ("applications.denied.state_secret.total", "表三 · 不予公开 · 属于国家秘密 · 总计"),
    ("applications.total_processed.research", "表三 · 办理结果 · 总计 · 科研机构"),
    ("active.normative_docs.in_force", "表二 · 行政规范性文件 · 现行有效件数"),
    ("active.fees.amount_wan_yuan", "表二 · 行政事业性收费 · 本年收费金额"),
    ("active.procurement.amount", "表二 · 政府集中采购 · 采购总金额"),
    ("review_litigation.litigation_direct.upheld", "表四 · 行政诉讼 · 未经复议直接起诉 · 结果维持"),
])
def test_cell_titles_use_the_official_words(key: str, title: str) -> None:
    assert cell_title(key) == title


def test_region_codes_are_text_in_the_schema() -> None:
    package = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"][:2]:
        code = next(f for f in resource["schema"]["fields"] if f["name"] == "region.code")
        assert code["type"] == "string" and code["constraints"]["pattern"] == "^[0-9]{2,12}$"


# ---- body_id, source_url, findings.csv.gz -------------------------------------------------------

def test_body_id_is_the_same_across_years_and_names_and_is_the_timeline_key() -> None:
    earlier = report(name="会宁县人民政府", year=2021, path="a.txt")
    later = report(name="白银市会宁县人民政府", year=2022, path="b.txt")
    other = report(name="会宁县乡村振兴局", year=2022, path="c.txt")
    assert record_body_id(earlier) == record_body_id(later) != record_body_id(other)
    rows = rows_of(REPORTS_CSV)
    assert all(len(r["body_id"]) == 12 for r in rows)
    golden = ROOT / "tests/golden/seeds"
    # The timeline lives at its readable address; the body_id address of earlier builds leads there.
    assert all((golden / (r["body_page"].rstrip("/") + ".md")).is_file() for r in rows)
    assert all((golden / "bodies" / r["body_id"] / "index.html").is_file() for r in rows)


def test_source_url_from_the_sidecar_is_a_column() -> None:
    record = report()
    record.source["url"] = "http://www.example.gov.cn/gk/2022/1.html"
    check_report(record)
    data, _sources = data_files_of([record])
    (row,) = csv.DictReader(csv_text(data[f"data/{REPORTS_CSV}"]))
    assert row["source.url"] == record.source["url"]
    assert row["region.code"] == "620422000000"
    assert row["not_run"].startswith("deadline:no_publication_date;")


def data_files_of(records_: list[Record]) -> tuple[dict[str, bytes], object]:
    class NoCorpus:  # data_files reads only these three attributes of the corpus
        inputs, rejected, ignored, origins = len(records_), [], [], {}
    published = [Published(f"r{i:011d}", r, f"reports/r{i:011d}/") for i, r in enumerate(records_)]
    return data_files(NoCorpus(), published, ROOT)  # type: ignore[arg-type]


def test_findings_csv_has_a_row_per_finding() -> None:
    rows, published = rows_of(FINDINGS_CSV), records()
    expected = [(r["source"]["path"], f["check"], f["severity"], f["about"], f["message"], ";".join(f["cells"]))
                for r in published for f in r["findings"]]  # type: ignore[index, union-attr]
    paths = {row["id"]: row["source.path"] for row in rows_of(REPORTS_CSV)}
    assert [(paths[r["id"]], r["check"], r["severity"], r["about"], r["message"], r["cells"]) for r in rows] == expected
    assert {r["about"] for r in rows} <= {"source", "reading"}
    assert all(r["region.code"].isdigit() and r["check_title"] for r in rows)


# ---- Excel --------------------------------------------------------------------------------------

def sheet_of(data: bytes, name: str) -> openpyxl.worksheet.worksheet.Worksheet:
    return openpyxl.load_workbook(io.BytesIO(data))[name]


def test_workbooks_are_deterministic_and_carry_a_fixed_date() -> None:
    record = report()
    check_report(record)
    def book() -> bytes:
        return region_workbook([{"id": "abc"}], [("abc", record)], cell_keys([record]))
    first, second = book(), book()
    assert first == second
    assert openpyxl.load_workbook(io.BytesIO(first)).properties.created.year == 2000


def test_the_province_workbook_has_a_row_per_report_with_text_codes() -> None:
    golden = sorted((DATA / "xlsx").glob("province-*.xlsx"))
    per_key = {}
    for row in rows_of(REPORTS_CSV):
        per_key.setdefault(f"province-{row['region.code'][:2] or 'unknown'}.xlsx", []).append(row)
    assert sorted(p.name for p in golden) == sorted(per_key)
    assert len(per_key) < len({(row["region.code"][:2], row["year"]) for row in rows_of(REPORTS_CSV)})  # years share one
    titles = [f.title for f in METADATA_FIELDS]
    for path in golden:
        sheet = sheet_of(path.read_bytes(), "报告")
        header = [c.value for c in next(sheet.iter_rows())]
        assert header[:len(titles)] == titles
        rows = list(sheet.iter_rows(min_row=2))
        expected = sorted(per_key[path.name], key=lambda e: (not e["year"], int(e["year"] or 0)))  # year by year
        assert [r[header.index("统计用区划代码")].value for r in rows] == [e["region.code"] for e in expected]
        assert all(r[header.index("统计用区划代码")].data_type == "s" for r in rows)
        total = header.index("表三 · 本年新收 · 总计")
        assert [r[total].value for r in rows] == [float(e["applications.new_received.total"]) if
                                                  e["applications.new_received.total"] else None for e in expected]


def test_every_report_has_its_workbook() -> None:
    for row in rows_of(REPORTS_CSV):
        assert (DATA.parent / row["xlsx"]).is_file()


def test_region_workbook_lists_each_finding() -> None:
    record = report({"applications.granted.total": 9})
    check_report(record)
    data = region_workbook([{"id": "abc"}], [("abc", record)], cell_keys([record]))
    sheet = sheet_of(data, "校验问题")
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(record.findings) and rows[0][0] == "abc"


# ---- addresses in the open data -------------------------------------------------------------------

def test_records_carry_their_page_address_and_version() -> None:
    """reports.csv.gz, reports.jsonl.gz and each report's record file name the page by what the report is, and
    give the file's hash as its version; the published records validate against the record schema."""
    golden = ROOT / "tests/golden/seeds"
    rows = rows_of(REPORTS_CSV)
    assert {r["page"] for r in rows} == {"reports/141002200/段店乡/2022/", "reports/141181106/柱濮镇/2023/",
                                         "reports/370687108/行村镇/2020/", "reports/419001110/下冶镇/2021/",
                                         "reports/620422/乡村振兴局/2021/"}
    schema = json.loads((ROOT / "build_tools/gknb/data/record.schema.json").read_text(encoding="utf-8"))
    lines = records()
    for row, line in zip(rows, lines, strict=True):
        assert row["page"] == f"reports/{row['id']}/" and (golden / f"reports/{row['id']}.md").is_file()
        assert row["version"] == row["source.sha256"][:12]
        assert line["portal"] == {"id": row["id"], "page": row["page"], "version": row["version"],
                                  "body_page": row["body_page"], "body_id": row["body_id"] or None}
        jsonschema.validate(line, schema)
