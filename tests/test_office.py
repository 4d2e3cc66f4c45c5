"""Word 97 (.doc) and WPS (.wps) reports, read through LibreOffice's DOCX conversion.

The .doc fixture is made at test time by LibreOffice from the DOCX fixture (merged cells, 2021
tables); a modern .wps file is the same Word 97 binary under Kingsoft's extension, so the same
bytes named .wps stand for one. Both must give the DOCX's record."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from gknb.corpus.pipeline import read_report
from gknb.model.errors import ReadError
from gknb.read import office, read_document
from gknb.read.common import use_cache

FIXTURES = Path(__file__).resolve().parent / "fixtures"
needs_soffice = pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is not installed (.ci/run installs it)")


@pytest.fixture(scope="module")
def word97(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("word97")
    shutil.copy(FIXTURES / "report_merged.docx", folder / "report.docx")
    subprocess.run([str(office.soffice()), "--headless", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                    "--convert-to", "doc", "--outdir", str(folder), str(folder / "report.docx")],
                   check=True, capture_output=True, timeout=120)
    return folder / "report.doc"


@needs_soffice
@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_word97_and_wps_give_the_docx_record(word97: Path, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"report{suffix}"
    shutil.copy(word97, path)
    record, expected = read_report(path), read_report(FIXTURES / "report_merged.docx")
    assert record.source["format"] == suffix[1:]
    assert record.tables == expected.tables
    assert [s.key for s in record.sections] == [s.key for s in expected.sections]
    assert (record.agency, record.year, record.template) == (expected.agency, expected.year, expected.template)


@needs_soffice
def test_a_conversion_is_cached_by_content(word97: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_cache(tmp_path / "cache")
    try:
        first = read_document(word97)

        def fail(*_args: object) -> bytes:
            raise AssertionError("converted twice")

        monkeypatch.setattr(office, "convert_to_docx", fail)
        assert read_document(word97).lines == first.lines
    finally:
        use_cache(None)


def test_without_libreoffice_the_reason_names_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "report.doc"
    path.write_bytes(office.OLE2_SIGNATURE + b"\0" * 600)
    monkeypatch.setattr(office, "soffice", lambda: None)
    with pytest.raises(ReadError, match="report.doc: 读取 .doc / .wps 需要 LibreOffice：请安装 Debian 软件包 libreoffice-writer-nogui"):
        read_document(path)


def test_a_file_that_is_not_word97_is_refused_before_conversion(tmp_path: Path) -> None:
    path = tmp_path / "report.wps"
    path.write_text("这不是 WPS 文档", encoding="utf-8")
    with pytest.raises(ReadError, match=r"report.wps: 不是有效的 .wps 文件.*no OLE2 signature"):
        read_document(path)


@needs_soffice
def test_a_damaged_word97_file_is_a_clear_rejection(tmp_path: Path) -> None:
    path = tmp_path / "broken.doc"
    path.write_bytes(office.OLE2_SIGNATURE + bytes(range(256)) * 8)
    with pytest.raises(ReadError, match="broken.doc: (LibreOffice 无法转换此文件|.*未找到|无法按)"):
        read_report(path)
