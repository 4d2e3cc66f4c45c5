"""Hostile input, round two (issue 15): one file never stops the build, every input is counted.

Each test reproduces one case of the issue; `tests/hostile2.py` builds the content folder holding
all of them at once (used by the site test below and by benchmarks/hostile_memory.py)."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Callable

import openpyxl
import pytest
from hostile_cases import (billion_laughs, docx_xml_over_limit, encrypted_pdf, flate_bomb_pdf, font_bomb_pdf, font_program,
                           inline_image_bomb_pdf, inline_image_content, lzw_bomb_pdf, lzw_zeros, page_objects,
                           run_length_bomb_pdf)

import gknb.corpus.pipeline as pipeline
from gknb.corpus.pipeline import Options, build_corpus, read_report
from gknb.model.errors import ReadError
from gknb.portal.pages import generate
from gknb.read import read_document
from gknb.read.limits import Budget, TooLarge, bounded_inflate, inflating

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "下冶镇人民政府-2021.txt"
GBK_NAME = os.fsdecode("下冶镇人民政府-2021".encode("gbk") + b".txt")  # as unzipped on Chinese Windows


def outcome_paths(content: Path, **options: object) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """(published paths, rejected path → reason, ignored path → reason) of a build of `content`."""
    corpus = build_corpus(content, Options(jobs=1, **options))  # type: ignore[arg-type]
    assert corpus.inputs == len(corpus.records) + len(corpus.rejected)
    return ([str(r.source["path"]) for r in corpus.records], {r.path: r.reason for r in corpus.rejected},
            {i.path: i.reason for i in corpus.ignored})


# ---- item 1: a published source runs script --------------------------------------------------------

@pytest.mark.parametrize(("name", "published"), [
    ("r.html", "abc.html.txt"), ("r.HTM", "abc.htm.txt"), ("r.md", "abc.md.txt"), ("r.markdown", "abc.markdown.txt"),
    ("r.txt", "abc.txt"), ("r.pdf", "abc.pdf"), ("r.docx", "abc.docx"), ("r.x y", "abc.txt")])
def test_sources_are_published_inert(name: str, published: str) -> None:
    """Only formats a browser shows without running them keep their name; the rest are served as text."""
    from gknb.model.record import Record
    from gknb.portal.open_data import source_path

    assert source_path("abc", Record(source={"path": f"d/{name}"})) == f"data/sources/{published}"


# ---- item 2: one file stops the whole build ---------------------------------------------------------

@pytest.mark.parametrize("cache", [True, False])
def test_a_file_name_that_is_not_utf8_is_published_under_its_decoded_name(tmp_path: Path, cache: bool) -> None:
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(SEED, content / GBK_NAME)
    corpus = build_corpus(content, Options(jobs=1, cache_dir=tmp_path / "cache" if cache else None))
    assert [r.source["path"] for r in corpus.records] == ["下冶镇人民政府-2021.txt"]
    site = generate(corpus, content, jobs=1)
    for path, data in site.data.items():  # every text data file is valid UTF-8 (reports.csv.gz, reports.jsonl.gz …)
        if path.endswith(".xlsx"):  # a zip package: its XML parts were written from the decoded name
            assert any(c.value == "下冶镇人民政府-2021.txt" for row in openpyxl.load_workbook(io.BytesIO(data))
                       .worksheets[0].iter_rows() for c in row) or "province-" in path
            continue
        (gzip.decompress(data) if path.endswith(".gz") else data).decode("utf-8")
    (source,) = site.sources.values()
    assert source.read_bytes() == SEED.read_bytes()


def test_an_unreadable_file_is_a_rejection(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (tmp_path / "mem.txt").symlink_to("/proc/self/mem")  # a regular file of size 0 whose read fails with EIO
    with pytest.raises(ReadError, match="无法打开文件"):
        read_report(tmp_path / "mem.txt")
    (content / "mem.txt").symlink_to("/proc/self/mem")
    shutil.copy(SEED, content / "good.txt")
    for cache in (tmp_path / "cache", None):  # the cache key reads the file too
        published, rejected, _ignored = outcome_paths(content, cache_dir=cache, links_within=Path("/"))
        assert published == ["good.txt"] and "无法" in rejected["mem.txt"]


def test_a_30_gb_sparse_file_is_rejected_on_its_size_without_being_read(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    with (content / "huge.pdf").open("wb") as sparse:
        sparse.truncate(30 * 1024 ** 3)
    reads: list[str] = []
    real_open = Path.open

    def counting_open(self: Path, *args: object, **kwargs: object) -> object:
        reads.append(self.name)
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "open", counting_open)
        _published, rejected, _ignored = outcome_paths(content, cache_dir=tmp_path / "cache")
    assert "文件过大" in rejected["huge.pdf"] and "huge.pdf" not in reads


def test_a_damaged_cache_entry_is_parsed_again_never_trusted(tmp_path: Path) -> None:
    """Random bit flips in the stored entries: every rebuild gives the records of a fresh parse."""
    content, cache = tmp_path / "content", tmp_path / "cache"
    content.mkdir()
    for name in ("会宁县乡村振兴局-2021.txt", "会宁县乡村振兴局-2021.txt.yml", "柱濮镇-2023.txt"):
        shutil.copy(ROOT / "content" / name, content / name)
    (content / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    fresh = build_corpus(content, Options(jobs=1, cache_dir=cache))
    expected = ([r.to_dict() for r in fresh.records], fresh.rejected)
    pristine = {p: p.read_bytes() for p in cache.glob("*.pickle")}
    assert len(pristine) == 3
    rng = random.Random(15)
    for _ in range(150):
        entry, data = rng.choice(sorted(pristine.items()))
        position = rng.randrange(len(data))
        entry.write_bytes(data[:position] + bytes([data[position] ^ 1 << rng.randrange(8)]) + data[position + 1:])
        again = build_corpus(content, Options(jobs=1, cache_dir=cache))
        assert ([r.to_dict() for r in again.records], again.rejected) == expected
        assert entry.read_bytes() == data  # the damaged entry was replaced by the re-parse


def test_an_entry_of_another_format_is_not_loaded(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    payload = b"\x80\x04\x95 not a pickle at all"
    (cache / "k.pickle").write_bytes(hashlib.sha256(payload).digest() + payload)
    assert pipeline.cached(cache, "k") is None
    (cache / "j.pickle").write_bytes(b"\x80\x05K\x01.")  # a bare pickle of 1, as older versions stored
    assert pipeline.cached(cache, "j") is None


def test_1200_nested_folders_are_listed_not_a_recursion_error(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    folders = [content]
    for _ in range(1200):  # one at a time: mkdir(parents=True) itself recurses
        folders.append(folders[-1] / "d")
        folders[-1].mkdir()
    shutil.copy(SEED, folders[-1] / "deep.txt")
    shutil.copy(SEED, content / "d" / "shallow.txt")
    try:
        published, rejected, ignored = outcome_paths(content)
    finally:  # pytest's clean-up of old temporary folders (shutil.rmtree) would recurse too
        (folders[-1] / "deep.txt").unlink()
        for folder in reversed(folders[2:]):
            folder.rmdir()
    assert published == ["d/shallow.txt"] and rejected == {}
    (folder,) = ignored
    assert folder == "/".join(["d"] * pipeline.MAX_DEPTH) and "嵌套" in ignored[folder]


# ---- item 7: inputs silently skipped ------------------------------------------------------------------

def test_skipped_kinds_are_listed_as_ignored_with_the_reason(tmp_path: Path) -> None:
    content, outside = tmp_path / "content", tmp_path / "outside"
    content.mkdir()
    outside.mkdir()
    shutil.copy(SEED, content / "good.txt")
    shutil.copy(SEED, content / ".hidden.txt")
    (content / ".git").mkdir()
    shutil.copy(SEED, content / ".git" / "HEAD.txt")
    os.mkfifo(content / "pipe.txt")
    (content / "orphan.yml").write_text("agency: 无人\n", encoding="utf-8")
    shutil.copy(SEED, outside / "secret.txt")
    (content / "linked.txt").symlink_to(outside / "secret.txt")
    (content / "passwd.txt").symlink_to("/etc/passwd")
    (content / "linked-folder").symlink_to(outside, target_is_directory=True)
    published, rejected, ignored = outcome_paths(content)
    assert published == ["good.txt"] and rejected == {}
    assert sorted(ignored) == [".git", ".hidden.txt", "linked-folder", "linked.txt", "orphan.yml", "passwd.txt",
                               "pipe.txt"]
    assert "隐藏" in ignored[".git"] and "命名管道" in ignored["pipe.txt"] and "没有对应的报告" in ignored["orphan.yml"]
    assert "之外" in ignored["linked.txt"] and "之外" in ignored["passwd.txt"]
    site = generate(build_corpus(content, Options(jobs=1)), content, jobs=1)
    assert all("secret" not in str(path) for path in site.sources.values())
    report = json.loads(site.data["data/build-report.json"])
    assert len(report["published"]) + len(report["rejected"]) + len(report["ignored"]) == 8
    assert "pipe.txt" in site.pages["findings/rejected.md"] and "orphan.yml" in site.pages["findings/rejected.md"]


def test_a_sidecar_linked_to_a_file_elsewhere_is_not_read(tmp_path: Path) -> None:
    content, outside = tmp_path / "content", tmp_path / "outside"
    content.mkdir()
    outside.mkdir()
    shutil.copy(SEED, content / "r.txt")
    (outside / "private.yml").write_text("agency: 不应公开的名称\nsecret: [line-of-the-file\n", encoding="utf-8")
    (content / "r.txt.yml").symlink_to(outside / "private.yml")
    corpus = build_corpus(content, Options(jobs=1))
    assert [r.agency["name"] for r in corpus.records] == ["下冶镇人民政府"] and corpus.rejected == []
    assert [(i.path, "之外" in i.reason) for i in corpus.ignored] == [("r.txt.yml", True)]


def test_a_link_inside_the_content_folder_is_followed(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "a").mkdir(parents=True)
    shutil.copy(SEED, content / "a" / "report.txt")
    (content / "alias.txt").symlink_to(content / "a" / "report.txt")
    published, _rejected, ignored = outcome_paths(content)
    assert published == ["a/report.txt", "alias.txt"] and ignored == {}


def test_a_fifo_given_to_the_cli_does_not_block(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(ReadError, match="不是普通文件"):
        read_report(tmp_path / "pipe.txt")


# ---- item 3: limits on inflated bytes -----------------------------------------------------------------

def in_a_process_of_at_most(megabytes: int, path: Path) -> str:
    """The outcome of reading `path` in a child process whose address space is capped: a reader that
    inflated gigabytes would end in MemoryError there (a memory bound, not a timing)."""
    code = ("import resource, sys; from pathlib import Path; import gknb.corpus.pipeline as p\n"
            f"resource.setrlimit(resource.RLIMIT_AS, ({megabytes} << 20, {megabytes} << 20))\n"
            "o = p.report_or_rejection(Path(sys.argv[1]), 'x', 60, p.MAX_INPUT_BYTES)\n"
            "print(type(o).__name__, getattr(o, 'reason', ''))")
    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def test_a_pdf_stream_inflating_to_gigabytes_is_rejected_within_bounded_memory(tmp_path: Path) -> None:
    path = flate_bomb_pdf(tmp_path / "bomb.pdf")  # 2.2 GB of content stream in a 3 MB file
    assert path.stat().st_size < pipeline.MAX_INPUT_BYTES
    outcome = in_a_process_of_at_most(1024, path)
    assert outcome.startswith("Rejection") and "压缩炸弹" in outcome, outcome


def test_the_docx_xml_has_its_own_limit(tmp_path: Path) -> None:
    """The whole package stays under 200 MB, but 17 MB of XML is more than lxml should build a tree of."""
    path = docx_xml_over_limit(tmp_path / "paragraphs.docx")
    with pytest.raises(ReadError, match="XML 部分解压后过大"):
        read_document(path)


@pytest.mark.parametrize("data", [zlib.compress(b"BT (x) Tj ET " * 1000), zlib.compress(b"abc")[:-2],
                                  zlib.compress(b"abc")[:5] + b"\xff\xff" + zlib.compress(b"abc")[7:], b"\x00\x01junk"])
def test_bounded_inflate_gives_what_pdfminer_gave(data: bytes) -> None:
    """Whole streams, a damaged checksum, damage inside, junk: what pdfminer's own inflate made of them."""
    from pdfminer.pdftypes import decompress_corrupted

    try:
        expected = zlib.decompress(data)
    except zlib.error:
        try:
            expected = decompress_corrupted(data)
        except zlib.error:
            expected = b""
    assert bounded_inflate(data) == expected


def test_the_budget_stops_at_the_first_byte_past_it() -> None:
    data = zlib.compress(b"0" * 5000)
    with inflating(Budget("x.pdf", "PDF 的数据流", limit=5000)):
        assert len(bounded_inflate(data)) == 5000
    with pytest.raises(TooLarge, match="压缩炸弹"), inflating(Budget("x.pdf", "PDF 的数据流", limit=4999)):
        bounded_inflate(data)


@pytest.mark.parametrize("make", [lzw_bomb_pdf, run_length_bomb_pdf])
def test_other_expanding_filters_spend_the_budget(tmp_path: Path, make: Callable[[Path], Path]) -> None:
    outcome = in_a_process_of_at_most(1024, make(tmp_path / "filters.pdf"))
    assert outcome.startswith("Rejection") and "压缩炸弹" in outcome, outcome


@pytest.mark.parametrize("deflated_content", [False, True])
def test_an_inline_image_inflating_to_gigabytes_is_rejected_within_bounded_memory(tmp_path: Path,
                                                                                  deflated_content: bool) -> None:
    path = inline_image_bomb_pdf(tmp_path / "inline.pdf", deflated_content=deflated_content)
    assert path.stat().st_size < pipeline.MAX_INPUT_BYTES
    outcome = in_a_process_of_at_most(1024, path)
    assert outcome.startswith("Rejection") and "压缩炸弹" in outcome, outcome


@pytest.mark.parametrize("filters", [b"/F /Fl", b"/Filter [/FlateDecode]", b"/F [/RL]"])
def test_an_inline_image_spends_what_it_decodes_to(filters: bytes) -> None:
    """Exactly its decoded bytes, in a plain content stream (which costs nothing) and in a deflated one."""
    from gknb.read.pdf import measure_streams
    from hostile_cases import page_objects

    content = inline_image_content(300_000, filters)
    if filters == b"/F [/RL]":  # the same image in runs of 128 zeros (one of 96 at the end), ended at EI
        start, end = content.index(b"ID\n") + 3, content.index(b"\nEI")
        content = content[:start] + b"\x81\0" * (300_000 // 128) + b"\xa1\0\x80" + content[end:]
    plain = b"".join(page_objects(content))
    deflated = b"".join(page_objects(zlib.compress(content), b"/Filter /FlateDecode "))
    for data, spent in ((plain, 300_000), (deflated, len(content) + 300_000)):
        with inflating(Budget("x.pdf", "PDF 的数据流", limit=spent)):
            measure_streams(data)
        with pytest.raises(TooLarge, match="压缩炸弹"), inflating(Budget("x.pdf", "PDF 的数据流", limit=spent - 1)):
            measure_streams(data)


@pytest.mark.parametrize("size", [1, 7, 4096])
def test_an_inline_image_cut_across_pieces_is_still_counted(size: int) -> None:
    """Content arrives in the pieces inflating gives: BI … ID, the image data and EI may be cut anywhere."""
    from gknb.read.pdf import _EXPANDING, _decode
    from gknb.read.pdf_inline import InlineImages

    image = inline_image_content(5000, b"/F /Fl")
    runs = image.replace(b"/F /Fl", b"/F /RL").replace(image[image.index(b"ID\n") + 3:image.index(b"\nEI")],
                                                      b"\x81\0" * 39 + b"\xf9\0\x80")  # 39 x 128 + 8 zeros
    content = b"xBI ID (no image) Tj\n" + image + runs + b"BI /W 1 /H 1 /CS /G /BPC 8 ID\n\0\nEI\n"
    with inflating(Budget("x.pdf", "PDF 的数据流", limit=10_000)) as budget:
        images = InlineImages(_EXPANDING, _decode)
        for at in range(0, len(content), size):
            images.feed(content[at:at + size])
        images.close()
        assert budget.left == 0


def pdf_bytes(objects: list[bytes]) -> bytes:
    return b"".join(b"%d 0 obj\n%s\nendobj\n" % (number, body) for number, body in enumerate(objects, 1))


def spent_on(data: bytes, limit: int) -> int:
    """What measuring the streams of `data` spends of a budget of `limit` bytes."""
    from gknb.read.pdf import measure_streams

    with inflating(Budget("x.pdf", "PDF 的数据流", limit=limit)) as budget:
        measure_streams(data)
    return limit - budget.left


def test_a_font_program_is_inflated_only_when_its_bound_may_exceed_the_budget() -> None:
    """300,000 zeros deflate to a few hundred bytes, which can unpack to at most 1,032 times as
    many: within a roomy budget they are not inflated; within one the bound exceeds, every byte
    is counted, and one byte fewer refuses the file."""
    data = pdf_bytes(page_objects(b"BT ET") + [font_program(300_000)])  # an unfiltered content stream costs nothing
    assert spent_on(data, 100_000_000) == 0
    assert spent_on(data, 300_000) == 300_000
    with pytest.raises(TooLarge, match="压缩炸弹"):
        spent_on(data, 299_999)


@pytest.mark.parametrize(("length", "extra"), [(b"9 0 R", b""), (b"", b"/Note (a string could hide a key)"),
                                               (b"", b"/DecodeParms << /Predictor 1 >>"), (b"", b"/N#61me 1"),
                                               (b"", b"/Filter [/FlateDecode /FlateDecode]")])
def test_a_font_program_whose_dictionary_is_not_plain_is_inflated(length: bytes, extra: bytes) -> None:
    """An indirect /Length, or a dictionary a regex could misread (a string, a nested dictionary, an
    escaped name, a second /Filter), gives no bound: the stream is inflated and counted as before."""
    data = pdf_bytes(page_objects(b"BT ET") + [font_program(300_000, length, extra)])
    assert spent_on(data, 100_000_000) == 300_000


def test_a_font_programs_bound_reaches_the_endstream_pdfium_would_stop_at() -> None:
    """A /Length that lies short, and "endstream" inside the data but not as a word: the bound runs
    to the first "endstream" standing alone, where pdfium stops reading."""
    from gknb.read.pdf import DEFLATE_MAX_RATIO, _inflated_bound, _streams

    data = pdf_bytes([b"<< /Length 10 /Length1 5 /Filter /FlateDecode >>\nstream\n" + b"A" * 100 + b"xendstream "
                      + b"B" * 10_000 + b"\nendstream"])
    (start, head, filters, images), = _streams(data)
    bound = _inflated_bound(data, start, head, filters)
    assert images is None and bound is not None and bound >= DEFLATE_MAX_RATIO * 10_111


def test_a_font_program_bomb_is_rejected_within_bounded_memory(tmp_path: Path) -> None:
    outcome = in_a_process_of_at_most(1024, font_bomb_pdf(tmp_path / "font.pdf"))
    assert outcome.startswith("Rejection") and "压缩炸弹" in outcome, outcome


def test_lzw_zeros_are_what_pdfminer_decodes() -> None:
    from pdfminer.lzw import lzwdecode

    decoded = lzwdecode(lzw_zeros(100_000))  # the last code may run past the total
    assert set(decoded) == {0} and 100_000 <= len(decoded) < 100_000 + 4096


# ---- item 8: the reason says what happened ------------------------------------------------------------

def test_an_encrypted_pdf_says_it_is_encrypted(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="已加密"):
        read_document(encrypted_pdf(tmp_path / "locked.pdf"))


def test_a_time_out_inside_a_reader_is_reported_as_a_time_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The alarm fires inside read_document, whose `except Exception` once called it a damaged file."""
    import time

    import gknb.read.text as text

    def slow(_text: str) -> object:
        time.sleep(5)
        raise AssertionError("not stopped")

    monkeypatch.setattr(text, "text_lines", slow)
    shutil.copy(SEED, tmp_path / "slow.txt")
    outcome = pipeline.report_or_rejection(tmp_path / "slow.txt", "slow.txt", 1, pipeline.MAX_INPUT_BYTES)
    assert isinstance(outcome, pipeline.Rejection) and "超时" in outcome.reason, outcome


def test_a_utf8_report_with_three_bad_bytes_is_still_read(tmp_path: Path) -> None:
    data = SEED.read_bytes()
    cut = data.index("第二十条".encode())
    (tmp_path / "damaged.txt").write_bytes(data[:cut] + b"\xff\xfe\xff" + data[cut:])
    record = read_report(tmp_path / "damaged.txt")
    assert record.source["encoding"] == "utf-8" and record.agency["name"] == "下冶镇人民政府"
    assert record.cell("active.penalty.decisions").value == 4


def test_gbk_text_is_not_taken_for_damaged_utf8(tmp_path: Path) -> None:
    (tmp_path / "gbk.txt").write_bytes(SEED.read_text(encoding="utf-8").encode("gb18030"))
    assert read_report(tmp_path / "gbk.txt").source["encoding"] == "gb18030"


# ---- item 9: time ---------------------------------------------------------------------------------------

def test_a_heading_line_of_spaces_is_read_in_linear_time() -> None:
    """`# a` + 4,000 spaces + `x` took the whole 60 s; a bounded step count, not a clock, shows it is linear."""
    from gknb.read.text import classify_text_line, heading_of

    line = classify_text_line("# a" + " " * 4000 + "x")
    assert (line.heading_level, line.text) == (1, "a x")
    assert heading_of("## 标题 ##") == (2, "标题") and heading_of("#标题") is None and heading_of("#######") == (6, "")


def test_docx_styles_are_looked_up_once_not_per_paragraph(monkeypatch: pytest.MonkeyPatch) -> None:
    """python-docx's lookup is an XPath over every style per paragraph (19 s with thousands of styles)."""
    from docx.oxml.styles import CT_Styles

    def refuse(*_args: object) -> None:
        raise AssertionError("a style looked up by XPath")

    before = [(line.heading_level, line.text) for line in read_document(ROOT / "tests" / "fixtures" / "report_merged.docx").lines]
    monkeypatch.setattr(CT_Styles, "get_by_id", refuse)
    after = [(line.heading_level, line.text) for line in read_document(ROOT / "tests" / "fixtures" / "report_merged.docx").lines]
    assert after == before and any(level for level, _text in after)


@pytest.mark.parametrize("command", ["parse", "check"])
def test_the_cli_has_a_time_limit_and_does_not_wait_on_a_fifo(tmp_path: Path, command: str) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    result = subprocess.run([sys.executable, "-m", "gknb.cli", command, "--seconds", "5", str(tmp_path / "pipe.txt")],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2 and "不是普通文件" in result.stderr


# ---- item 4: sidecar amplification -------------------------------------------------------------------

def sidecar_rejection(tmp_path: Path, sidecar: str, suffix: str = ".txt.yml") -> str:
    shutil.copy(SEED, tmp_path / "r.txt")
    (tmp_path / f"r{suffix}").write_text(sidecar, encoding="utf-8")
    outcome = pipeline.report_or_rejection(tmp_path / "r.txt", "r.txt", 60, pipeline.MAX_INPUT_BYTES)
    assert isinstance(outcome, pipeline.Rejection), outcome
    return outcome.reason


@pytest.mark.parametrize("levels", [6, 9])
def test_yaml_aliases_expanding_to_millions_are_refused_with_a_short_reason(tmp_path: Path, levels: int) -> None:
    reason = sidecar_rejection(tmp_path, billion_laughs(levels))
    assert "展开后超过" in reason and len(reason) < 200 and "lol" not in reason


def test_aliases_in_front_matter_are_refused_too(tmp_path: Path) -> None:
    (tmp_path / "r.md").write_text("---\n" + billion_laughs(6).replace("year", "title") + "---\n"
                                   + SEED.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ReadError, match="展开后超过") as error:
        read_report(tmp_path / "r.md")
    assert len(error.value.reason) < 200


def test_a_few_aliases_are_still_allowed(tmp_path: Path) -> None:
    shutil.copy(SEED, tmp_path / "r.txt")
    (tmp_path / "r.txt.yml").write_text("same_as: &name 下冶镇人民政府\nagency: *name\n", encoding="utf-8")
    assert read_report(tmp_path / "r.txt").agency["name"] == "下冶镇人民政府"


def test_a_large_sidecar_is_refused_before_it_is_read(tmp_path: Path) -> None:
    reason = sidecar_rejection(tmp_path, "agency: " + "局" * (10 * 1024 * 1024 // 3) + "\n")
    assert "过大" in reason


def test_a_long_agency_is_refused(tmp_path: Path) -> None:
    assert "agency 过长" in sidecar_rejection(tmp_path, "agency: " + "局" * 5000 + "\n")


def test_a_yaml_error_names_the_line_without_quoting_the_file(tmp_path: Path) -> None:
    reason = sidecar_rejection(tmp_path, "agency: 下冶镇\nsecret: [password-123\n")
    assert "第 3 行" in reason and "password-123" not in reason


def test_a_wrong_value_is_shown_in_brief(tmp_path: Path) -> None:
    reason = sidecar_rejection(tmp_path, "year: [" + ", ".join(["2021"] * 5000) + "]\n")
    assert "year 应为" in reason and len(reason) < 200


# ---- item 5: numbers are exact, or garbled --------------------------------------------------------------

NUMBER_CASES = [  # cell text → (state, value)
    ("12345678901234567", ("ok", 12345678901234567)),
    ("9" * 19, ("garbled", None)),                     # more than a 64-bit count
    ("9" * 400, ("garbled", None)),                    # was Infinity, which is not JSON
    (str(2 ** 63 - 1), ("ok", 2 ** 63 - 1)),
    ("4¹", ("garbled", None)),                         # a footnote mark, not 41
    ("②", ("garbled", None)),
    ("1,23", ("garbled", None)),                       # not 123
    ("1,234", ("ok", 1234)),
    ("1，234，567", ("ok", 1234567)),
    ("１２", ("ok", 12)),                              # full-width digits are digits
    ("18651.0641", ("ok", 18651.0641)),
    ("0.1234567890123456789", ("garbled", None)),      # more digits than an amount keeps
    ("3.0", ("ok", 3.0)),
]


@pytest.mark.parametrize(("raw", "expected"), NUMBER_CASES)
def test_a_cell_number_is_exact_or_garbled(raw: str, expected: tuple[str, object]) -> None:
    from gknb.parse.labels import cell_from_token, classify_cell

    cell = cell_from_token(classify_cell(raw))
    assert (cell.state.value, cell.value) == expected and type(cell.value) is type(expected[1])


def test_huge_numbers_in_a_report_keep_reports_jsonl_valid_json(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    for cell, value in (("行政处罚\t4", "12345678901234567"), ("行政强制\t5", "9" * 400), ("规章\t0\t0\t0", "4¹\t1,23\t0")):
        text = text.replace(cell, cell.split("\t")[0] + "\t" + value)
    (tmp_path / "big.txt").write_text(text, encoding="utf-8")
    corpus = build_corpus(tmp_path, Options(jobs=1))
    (record,) = corpus.records
    assert record.cell("active.penalty.decisions").value == 12345678901234567
    assert [record.cell(f"active.regulations.{c}").state.value for c in ("issued", "repealed")] == ["garbled"] * 2
    jsonl = gzip.decompress(generate(corpus, tmp_path, jobs=1).data["data/reports.jsonl.gz"]).decode("utf-8")

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    (line,) = jsonl.splitlines()
    assert json.loads(line, parse_constant=refuse)["tables"]["active"]["penalty"]["decisions"]["value"] == 12345678901234567


# ---- item 10: deterministic files ------------------------------------------------------------------------

def test_sitemap_gz_is_rewritten_without_a_date(tmp_path: Path) -> None:
    import gzip

    from gknb.publish.build import rezip_sitemap

    (tmp_path / "sitemap.xml").write_bytes(b"<urlset/>")
    for day in (1, 2):
        with gzip.GzipFile(tmp_path / "sitemap.xml.gz", "wb", mtime=day * 86400) as dated:
            dated.write(b"<urlset/>")
        rezip_sitemap(tmp_path)
        assert (tmp_path / "sitemap.xml.gz").read_bytes() == gzip.compress(b"<urlset/>", mtime=0)
