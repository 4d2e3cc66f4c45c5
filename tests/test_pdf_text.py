"""The PDF reader's own word/line rules and pdfium objects against pdfplumber's, on real pages."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2
import pytest

from gknb.read.pdf import plumber_page
from gknb.read.pdf_objects import PROVE_PATHS, _pdfium, _Reader, pdfium_page
from gknb.read.pdf_text import extract_text, text_lines

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from pdf_documents import EXPECTED, digest, document_of, pdfplumber_only, repository_pdfs  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
PDFS = ["hongze_district_2023.pdf", "hongze_district_2024.pdf", "report_merged.pdf"]


def boxes(objs: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted((o.get("orientation", o.get("text")), *(round(float(o[k]), 1) for k in ("x0", "top", "x1", "bottom")))
                  for o in objs)


@pytest.mark.parametrize("name", PDFS)
def test_text_rules_give_pdfplumbers_strings(name: str) -> None:
    with pdfplumber.open(FIXTURES / name) as pdf:
        for page in pdf.pages:
            expected = [(ln["text"], ln["x0"], ln["top"], ln["x1"], ln["bottom"])
                        for ln in page.extract_text_lines(layout=False, strip=True, return_chars=False)]
            assert [tuple(ln) for ln in text_lines(page.chars)] == expected
            for top in range(0, int(page.height), 40):  # bands of the page, as table cells are
                band = [c for c in page.chars if top <= c["top"] < top + 40]
                assert extract_text(band) == pdfplumber.utils.extract_text(band)


@pytest.mark.parametrize("name", PDFS)
def test_pdfium_gives_pdfminers_characters_and_rules(name: str) -> None:
    """The same characters and rules, placed alike within the reader's 3 pt tolerances: x within
    half a point (pdfium's advance widths differ from pdfminer's by up to 0.1 pt), y within 3 pt
    (a font whose descent pdfminer takes as 0 and pdfium from the font file)."""
    data = (FIXTURES / name).read_bytes()
    document = pypdfium2.PdfDocument(data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for index, page in enumerate(pdf.pages):
            theirs, ours = plumber_page(page), pdfium_page(document[index])
            for kind in ("edges", "chars"):
                mine, pdfminers = boxes(getattr(ours, kind)), boxes(getattr(theirs, kind))
                assert len(mine) == len(pdfminers)
                for a, b in zip(mine, pdfminers):
                    assert a[0] == b[0] and abs(a[1] - b[1]) < 0.5 and abs(a[3] - b[3]) < 0.5
                    assert abs(a[2] - b[2]) < 3 and abs(a[4] - b[4]) < 3  # fonts' descents: see pdf_objects
    document.close()


OLD_READERS = json.loads(EXPECTED.read_text(encoding="utf-8"))


def test_old_readers_documents_cover_the_repositorys_pdfs() -> None:
    assert sorted(OLD_READERS) == sorted(path.relative_to(ROOT).as_posix() for path in repository_pdfs())


@pytest.mark.parametrize("name", sorted(OLD_READERS))
def test_reader_gives_the_old_readers_documents(name: str) -> None:
    """Every line (kind and cells) or the error the reader gives is what pdfplumber's reader gave
    before issue #18 (tests/data/pdf_documents.json, `scripts/pdf_documents.py expected`)."""
    assert digest(document_of(ROOT / name)) == OLD_READERS[name]


def test_expected_documents_are_pdfplumbers() -> None:
    """The data file holds what the pdfplumber route makes (checked on the smallest report)."""
    name = "tests/fixtures/report_merged.pdf"
    with pdfplumber_only():
        assert digest(document_of(ROOT / name)) == OLD_READERS[name]


def _paths(document: Any) -> list[tuple[Any, Any]]:
    """Every path of the document's pages with the reader that walked it (pages kept open)."""
    found = []
    for index in range(len(document)):
        page = document[index]
        reader = _Reader()
        found.extend((reader, obj) for obj, kind, _ in reader.objects(reader.f.handle(page.raw), False, None)
                     if kind == reader.f.PATH)
        found.append((None, page))  # keeps the page alive while its paths are read
    return found


@pytest.mark.parametrize("name", PDFS)
def test_path_segments_read_in_one_piece_are_pdfiums_answers(name: str) -> None:
    """The pdfium pinned lays out a path's points as `_Reader.segments` reads them: for every path
    of several segments, what it reads at once is what pdfium's functions give segment by segment."""
    document = pypdfium2.PdfDocument((FIXTURES / name).read_bytes())
    pdfium = _pdfium()
    proven, pdfium.proven = pdfium.proven, PROVE_PATHS  # read from memory from the first path
    try:
        compared = 0
        for reader, obj in _paths(document):
            if reader is not None and pdfium.count_segments(obj) > 1:
                assert reader.segments(obj) == reader.asked_segments(obj, pdfium.count_segments(obj))
                compared += 1
        assert compared > 0 and pdfium.in_memory
    finally:
        pdfium.proven = proven
        document.close()


def test_segments_laid_out_otherwise_are_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pdfium whose points are not where the reader looks: found out on the first path compared,
    and every path's segments are then asked for one by one (the same edges as pdfminer's)."""
    pdfium = _pdfium()
    monkeypatch.setattr(pdfium, "proven", 0)
    monkeypatch.setattr(pdfium, "in_memory", True)
    monkeypatch.setattr(pdfium, "memory", lambda address, size: bytes(size))  # not the points
    document = pypdfium2.PdfDocument((FIXTURES / "hongze_district_2023.pdf").read_bytes())
    try:
        for reader, obj in _paths(document):
            if reader is not None:
                count = pdfium.count_segments(obj)
                assert reader.segments(obj) == reader.asked_segments(obj, count)
        assert not pdfium.in_memory
    finally:
        document.close()
    test_pdfium_gives_pdfminers_characters_and_rules("hongze_district_2023.pdf")
