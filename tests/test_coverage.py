"""Coverage of a region's governments and its bodies' years (#16): from the division codes and the
reports the portal holds, 缺报 where a year has none."""

from __future__ import annotations

from pathlib import Path

import pytest

from gknb.corpus.pipeline import read_report
from gknb.parse import divisions
from gknb.portal.pages import MISSING, body_rows, coverage_rows, entries_of, region_pages, timeline_pages, bodies

ROOT = Path(__file__).resolve().parent.parent
CHAIN = ROOT / "tests" / "cases" / "chain"


@pytest.fixture(scope="module")
def xiaye() -> list:  # 下冶镇人民政府 2021 (content), 2022, 2023 (tests/cases/chain): 济源市 419001
    records = [read_report(ROOT / "content" / "下冶镇人民政府-2021.txt"),
               read_report(CHAIN / "下冶镇人民政府-2022.txt"), read_report(CHAIN / "下冶镇人民政府-2023.txt")]
    return entries_of(records)


def test_a_countys_governments_each_have_a_row_and_a_cell_per_year(xiaye: list) -> None:
    years, rows = coverage_rows("419001", xiaye, "browse/region/419001.md")
    assert years == [2021, 2022, 2023]
    expected = [d.display for d in [divisions.division("419001"), *divisions.children("419001")] if d and d.display]
    assert [r["name"] for r in rows] == expected and "下冶镇" in expected
    for row in rows:
        texts = [c["text"] for c in row["cells"]]
        assert texts == (["2021", "2022", "2023"] if row["name"] == "下冶镇" else [MISSING] * 3), row["name"]


def test_a_missing_year_reads_missing_for_the_body_and_on_its_timeline(xiaye: list) -> None:
    kept = [e for e in xiaye if e.record.year != 2022]
    years, rows = body_rows(kept, "browse/region/419001.md")
    assert years == [2021, 2023]   # the region's years: 2022 is nobody's here
    page = next(iter(timeline_pages(bodies(kept)).values()))
    assert "缺报</strong>：本站没有 2022 年度的报告" in page
    full = next(iter(timeline_pages(bodies(xiaye)).values()))
    assert "缺报</strong>" not in full


def test_region_pages_carry_the_coverage_of_counties_and_cities(xiaye: list) -> None:
    pages = region_pages(xiaye)
    assert "政府报告覆盖情况" in pages["browse/region/419001.md"] and "政府报告覆盖情况" in pages["browse/region/4190.md"]
    assert "政府报告覆盖情况" not in pages["browse/region/41.md"]   # a province lists its cities, not every county
    assert "1 / " in pages["browse/region/419001.md"].split("<tfoot>")[1]
