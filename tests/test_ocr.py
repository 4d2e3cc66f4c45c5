"""Scanned reports read by OCR: real 洪泽区 PDFs turned into scans (tests/scans.py) must give their gold
(tests/real/gold.yaml) wherever a number is shown as certain, and say where it is not."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import lxml.html
import numpy as np
import pytest

from conftest import keyed_cells
from gknb.corpus.pipeline import read_report
from gknb.model.errors import ReadError
from gknb.model.record import CellState, Record
from gknb.read import ocr, scan
from gknb.read.common import use_cache

from tests.scans import image_pdf, scanned_pdf
from tests.test_real import GOLD, REAL, gold_cells, judged

pytestmark = pytest.mark.ocr

SCANS = [  # (real PDF, scanner dpi, tilt in degrees)
    ("kiro_hongzequ_2023_report.pdf", 150, 1.5),
    ("kiro_hongzequ_2024_report.pdf", 200, -1.0),
]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Record]:
    folder = tmp_path_factory.mktemp("scans")
    use_cache(folder / "cache")
    records = {}
    try:
        for name, dpi, tilt in SCANS:
            path = folder / f"scan-{dpi}-{name}"
            path.write_bytes(scanned_pdf(REAL / name, dpi, tilt))
            records[name] = read_report(path, display_path=name)
    finally:
        use_cache(None)
    return records


@pytest.mark.parametrize("name", [s[0] for s in SCANS])
def test_a_scan_never_shows_a_wrong_number_as_certain(scanned: dict[str, Record], name: str) -> None:
    record = scanned[name]
    verdicts = [(key, value, judged(value, record.cell(key))) for key, value in gold_cells(GOLD[name])]
    assert [v for v in verdicts if v[2] == "silent"] == []


@pytest.mark.parametrize("name", [s[0] for s in SCANS])
def test_a_scan_reads_table_three_as_the_text_layer_does(scanned: dict[str, Record], name: str) -> None:
    """Table 三's relations hold in these reports, so every one of its OCR'd numbers is confirmed."""
    record = scanned[name]
    table_three = [(key, value) for key, value in gold_cells(GOLD[name]) if key.startswith("applications.")]
    right = [key for key, value in table_three if judged(value, record.cell(key)) == "right"]
    assert len(right) == len(table_three)
    assert all(record.cell(key).confidence is not None for key in right)


@pytest.mark.parametrize("name", [s[0] for s in SCANS])
def test_unconfirmed_numbers_are_uncertain_with_what_was_read(scanned: dict[str, Record], name: str) -> None:
    """Table 二 has no relations: its numbers are shown as read, as uncertain, never as certain."""
    record = scanned[name]
    active = [(key, value) for key, value in gold_cells(GOLD[name]) if key.startswith("active.")]
    assert {record.cell(key).state for key, _ in active} == {CellState.UNCERTAIN}
    read_right = sum(1 for key, value in active if record.cell(key).value == value)
    assert read_right == len(active)
    assert record.source["ocr"]["unconfirmed"] >= len(active)
    assert any(f.check == "ocr_unconfirmed" for f in record.findings)


def test_the_report_s_own_table_four_error_is_named_not_blamed(scanned: dict[str, Record]) -> None:
    """The 2023 PDF prints 总计 0 under 10 / 1 and 5 (appeal_total on its text layer): read from the scan,
    those cells are uncertain and ocr_relation names the broken groups."""
    record = scanned["kiro_hongzequ_2023_report.pdf"]
    assert record.cell("review_litigation.review.total").state is CellState.UNCERTAIN
    named = [f for f in record.findings if f.check == "ocr_relation"]
    assert [f.cells[-1] for f in named] == ["review_litigation.review.total",
                                            "review_litigation.litigation_after_review.total"]
    assert all(f.check != "appeal_total" for f in record.findings)


@pytest.mark.parametrize("name", [s[0] for s in SCANS])
def test_a_scan_keeps_the_metadata(scanned: dict[str, Record], name: str) -> None:
    record, gold = scanned[name], GOLD[name]
    assert (record.year, record.template, record.agency["name"]) == (gold["year"], gold["template"], gold["agency"])
    assert record.region["county"] == gold["region"]["county"]
    assert len(record.sections) == 6


def test_a_file_is_recognised_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """OCR results are cached by file content: the second read recognises nothing."""
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf(REAL / "kiro_hongzequ_2024_report.pdf", 150, 0.0))
    use_cache(tmp_path / "cache")
    try:
        first = read_report(path)

        def fail(*_args: Any) -> Any:
            raise AssertionError("recognised twice")

        monkeypatch.setattr(ocr, "recognised_page", fail)
        again = read_report(path)
    finally:
        use_cache(None)
    assert again.tables == first.tables


def test_a_long_scan_is_refused_up_front(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "book.pdf"
    path.write_bytes(image_pdf(ocr.MAX_OCR_PAGES + 1))

    def fail(*_args: Any) -> Any:
        raise AssertionError("a page was recognised")

    monkeypatch.setattr(ocr, "recognised_page", fail)
    with pytest.raises(ReadError, match=rf"book.pdf: 扫描件共 {ocr.MAX_OCR_PAGES + 1} 页需要文字识别，超过上限"):
        read_report(path)


def test_the_progress_counts_scanned_pages_and_opens_no_pdf_without_an_image(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from gknb.read import pdf

    path = tmp_path / "scan.pdf"
    path.write_bytes(image_pdf(3))
    assert pdf.scanned_page_count(path) == 3
    assert pdf.scanned_page_count(tmp_path / "missing.pdf") == 0

    import pypdfium2

    opened: list[Any] = []
    document = pypdfium2.PdfDocument
    monkeypatch.setattr(pypdfium2, "PdfDocument", lambda *args: opened.append(args) or document(*args))
    assert pdf.scanned_page_count(REAL / "kiro_hongzequ_2023_report.pdf") == 0
    assert pdf.scanned_page_count(path) == 3 and len(opened) == 1  # the scan alone


def drawn_table() -> np.ndarray[Any, np.dtype[np.uint8]]:
    """A white page with a ruled 3 × 3 table whose first row is one merged cell, and a tall 1 in a cell."""
    page = np.full((800, 1000), 255, dtype=np.uint8)
    top, left, size = 50, 100, 200  # 200 px at 200 dpi: cells 25 mm wide, the table 76 mm
    for r in range(4):
        page[top + r * size - 1:top + r * size + 2, left:left + 3 * size] = 0
    for c in range(4):
        start = top if c in (0, 3) else top + size  # inner rules stop under the merged first row
        page[start:top + 3 * size, left + c * size - 1:left + c * size + 2] = 0
    page[top + size + 40:top + size + 75, left + 70:left + 73] = 0  # a digit 1: a short stroke, no rule
    return page


def test_ruled_grid_with_a_merged_cell() -> None:
    tables = scan.find_tables(drawn_table())
    assert len(tables) == 1
    assert tables[0].cells == ((0, 0, 0, 2), (1, 0, 1, 0), (1, 1, 1, 1), (1, 2, 1, 2),
                               (2, 0, 2, 0), (2, 1, 2, 1), (2, 2, 2, 2))


def test_a_tilted_page_is_straightened() -> None:
    import cv2

    page = drawn_table()
    matrix = cv2.getRotationMatrix2D((500, 400), -1.5, 1.0)
    tilted = cv2.warpAffine(page, matrix, (1000, 800), borderValue=255)
    assert abs(scan.tilt(scan.binarise(tilted)) - 1.5) < 0.2  # the turn that levels it back
    assert scan.find_tables(scan.straighten(tilted))[0].cells == scan.find_tables(page)[0].cells


def test_the_report_page_says_how_a_scan_was_read(scanned: dict[str, Record]) -> None:
    """The page of a scanned report: the OCR line above the tables, every OCR'd cell marked with its
    confidence, unconfirmed ones shown with what was read and the 待 mark."""
    from gknb.corpus.pipeline import Corpus
    from gknb.portal.pages import generate

    record = scanned["kiro_hongzequ_2023_report.pdf"]
    pages = generate(Corpus(inputs=1, records=[record]), Path("/nonexistent"), jobs=1).pages
    page = next(text for name, text in pages.items() if name.startswith("reports/") and "洪泽区" in text)
    assert "本报告为扫描件：5 页由文字识别（RapidOCR" in page
    cell = keyed_cells(lxml.html.fromstring(f"<div>{page}</div>"))["active.penalty.decisions"]
    assert cell.get("class") == "cell-uncertain cell-ocr"
    assert re.fullmatch(r"4,?119", cell.text or "") and cell[0].get("class") == "gknb-mark"
    assert "由扫描件识别（识别置信度 100%）" in page
    assert "扫描件数字勾稽不符" in page
