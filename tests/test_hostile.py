"""Broken and hostile input: every file ends as a record or a rejection with a reason, nothing is lost."""

from __future__ import annotations

import json
import random
import shutil
import time
import zipfile
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gknb.corpus.pipeline as pipeline
from gknb.corpus.pipeline import Options, build_corpus, read_report
from gknb.model.errors import ReadError
from gknb.read import read_document

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "下冶镇人民政府-2021.txt"
SCHEMA = json.loads((ROOT / "build_tools" / "gknb" / "data" / "record.schema.json").read_text(encoding="utf-8"))
NEWS = """县政府召开全县安全生产工作会议

11月20日，县政府召开全县安全生产工作会议，传达学习上级会议精神，部署冬春季安全生产工作。
会议要求，各乡镇、各部门要压实责任，狠抓落实，确保全县安全生产形势持续稳定。
"""


def hostile_corpus(folder: Path) -> dict[str, str]:
    """A content folder of broken files; returns the words each rejection reason must contain."""
    shutil.copy(SEED, folder / "正常 报告 2021.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "random.pdf").write_bytes(random.Random(1).randbytes(4096))
    (folder / "random.docx").write_bytes(random.Random(2).randbytes(4096))
    shutil.copy(ROOT / "tests" / "fixtures" / "report_merged.docx", folder / "truncated.docx")
    data = (folder / "truncated.docx").read_bytes()
    (folder / "truncated.docx").write_bytes(data[: len(data) // 2])
    shutil.copy(ROOT / "tests" / "fixtures" / "no_text_layer.pdf", folder / "scanned.pdf")
    (folder / "news.txt").write_text(NEWS, encoding="utf-8")
    (folder / "huge.txt").write_bytes(b"0\t" * (15 * 1024 * 1024))  # 30 MB
    (folder / "notes.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    return {"empty.txt": "", "random.pdf": "", "random.docx": "", "truncated.docx": "", "scanned.pdf": "text layer",
            "news.txt": "不是政府信息公开工作年度报告", "huge.txt": "文件过大", "notes.xlsx": ""}


def test_every_input_is_a_record_or_a_rejection_with_a_reason(tmp_path: Path) -> None:
    expected = hostile_corpus(tmp_path)
    corpus = build_corpus(tmp_path, Options(jobs=1))
    assert corpus.inputs == len(corpus.records) + len(corpus.rejected) == 9
    assert [r.source["path"] for r in corpus.records] == ["正常 报告 2021.txt"]
    reasons = {r.path: r.reason for r in corpus.rejected}
    assert set(reasons) == set(expected)
    for name, words in expected.items():
        assert reasons[name].strip() and words in reasons[name], (name, reasons[name])


def test_a_file_that_takes_too_long_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(SEED, tmp_path / "slow.txt")
    shutil.copy(SEED, tmp_path / "fast.txt")
    real = pipeline.read_report

    def slow_parse(path: Path, **kwargs: object) -> object:
        if path.name == "slow.txt":
            time.sleep(5)
        return real(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "read_report", slow_parse)
    corpus = build_corpus(tmp_path, Options(jobs=1, seconds_per_file=1))  # without the alarm: slow.txt parses
    assert [r.path for r in corpus.rejected] == ["slow.txt"] and "超时" in corpus.rejected[0].reason
    assert len(corpus.records) == 1


def test_cache_reparses_only_the_changed_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content, cache = tmp_path / "content", tmp_path / "cache"
    content.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        shutil.copy(SEED, content / name)
    first = build_corpus(content, Options(cache_dir=cache, jobs=1))
    calls: list[str] = []
    real = pipeline.read_report

    def counting(path: Path, **kwargs: object) -> object:
        calls.append(path.name)
        return real(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "read_report", counting)
    (content / "b.txt").write_text(SEED.read_text(encoding="utf-8").replace("行政处罚\t4", "行政处罚\t7"), encoding="utf-8")
    second = build_corpus(content, Options(cache_dir=cache, jobs=1))
    assert calls == ["b.txt"]
    assert [r.to_dict() for r in first.records][0] == second.records[0].to_dict()
    assert second.records[1].cell("active.penalty.decisions").value == 7
    calls.clear()
    build_corpus(content, Options(cache_dir=None, jobs=1))  # --no-cache
    assert calls == ["a.txt", "b.txt", "c.txt"]


def test_parallel_and_serial_builds_agree(tmp_path: Path) -> None:
    for index in range(pipeline.PARALLEL_FROM):
        shutil.copy(ROOT / "content" / sorted(p.name for p in (ROOT / "content").glob("*.txt"))[index % 5],
                    tmp_path / f"r{index:03d}.txt")
    serial = build_corpus(tmp_path, Options(jobs=1))
    parallel = build_corpus(tmp_path, Options(jobs=2))
    assert [r.to_dict() for r in serial.records] == [r.to_dict() for r in parallel.records]


NEAR_REPORT = SEED.read_text(encoding="utf-8")


@st.composite
def near_reports(draw: st.DrawFn) -> str:
    """The seed with random cuts, duplications and junk spliced in."""
    text = NEAR_REPORT
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 400)))
        junk = draw(st.text(alphabet=st.sampled_from(list("0123456789\t|\n 一二三（）、.总计合计其他/—")), max_size=40))
        op = draw(st.sampled_from(["cut", "dup", "junk"]))
        text = {"cut": text[:start] + text[end:], "dup": text[:end] + text[start:end] + text[end:],
                "junk": text[:start] + junk + text[end:]}[op]
    return text


@given(text=near_reports())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_near_reports_give_valid_records_or_rejections(tmp_path: Path, text: str) -> None:
    path = tmp_path / "near.txt"
    path.write_text(text, encoding="utf-8")
    try:
        record = read_report(path)
    except ReadError as error:
        assert error.reason
        return
    jsonschema.validate(json.loads(json.dumps(record.to_dict(), ensure_ascii=False)), SCHEMA)


@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".md", ".html", ".pdf", ".docx"]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_bytes_never_crash_the_pipeline(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"junk{suffix}"
    path.write_bytes(data)
    outcome = pipeline.report_or_rejection(path, path.name, 10, pipeline.MAX_INPUT_BYTES)
    assert isinstance(outcome, (pipeline.Rejection, pipeline.Record))
    if isinstance(outcome, pipeline.Rejection):
        assert outcome.reason and "内部错误" not in outcome.reason


CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                 b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                 b'"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
                 b'document.main+xml"/></Types>')
PACKAGE_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
                b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                b'2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
PARAGRAPH = "<w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>".encode()


def docx_package(path: Path, paragraphs: int) -> Path:
    """A valid package whose document.xml holds this many paragraphs (streamed: never in memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", PACKAGE_RELS)
        with package.open("word/document.xml", "w", force_zip64=True) as document:
            document.write(b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats'
                           b'.org/wordprocessingml/2006/main"><w:body>')
            block = PARAGRAPH * 10_000
            for _ in range(paragraphs // 10_000):
                document.write(block)
            document.write(PARAGRAPH * (paragraphs % 10_000) + b"</w:body></w:document>")
    return path


def test_the_bomb_package_is_a_valid_docx(tmp_path: Path) -> None:
    document = read_document(docx_package(tmp_path / "small.docx", 3))
    assert [line.text for line in document.lines] == ["一、总体情况"] * 3


def test_docx_inflating_to_gigabytes_is_rejected_before_inflating(tmp_path: Path) -> None:
    path = docx_package(tmp_path / "bomb.docx", 40_000_000)  # document.xml: 2.4 GB, the file 14 MB
    assert path.stat().st_size < pipeline.MAX_INPUT_BYTES
    with pytest.raises(ReadError, match="解压后过大"):
        read_document(path)
    outcome = pipeline.report_or_rejection(path, path.name, 60, pipeline.MAX_INPUT_BYTES)
    assert isinstance(outcome, pipeline.Rejection) and "解压后过大" in outcome.reason


