"""Report and body addresses from what a report is (region, body, year), not from its file's bytes:
the seeds' addresses, a re-saved and a corrected file keeping theirs, two files of one body and year,
hostile names, the redirects from the hash addresses of earlier builds, the cite box."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import pytest

from gknb.corpus.pipeline import Corpus, build_corpus
from gknb.model.record import Record
from gknb.portal.addresses import addresses, distinct, segment
from gknb.portal.pages import entries_of, generate, link, page_url

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "柱濮镇-2023.txt"


def record(name: str | None, year: int | None = 2021, code: str | None = "419001110000", path: str = "a.txt",
           sha: str = "ab", same_as: str | None = None) -> Record:
    rec = Record(source={"path": path, "sha256": sha * (64 // len(sha)), "format": "txt", "encoding": "utf-8"},
                 agency={"name": name, "type": "乡镇"}, year=year,
                 region={"province": "河南省", "city": None, "county": "济源市", "town": None, "code": code})
    rec.same_as = same_as
    return rec


def page_of(content: Path) -> tuple[str, str, str]:
    """(page, version, the body's page) of the one report in `content`, as `generate` publishes it."""
    site = generate(build_corpus(content), content)
    (entry,) = entries_of(build_corpus(content).records)
    assert entry.src in site.pages
    return entry.src, entry.version, entry.body_src


# ---- what a report is gives its address --------------------------------------------------------

def test_the_seeds_live_at_region_body_and_year() -> None:
    entries = entries_of(build_corpus(ROOT / "content").records)
    assert sorted(e.src for e in entries) == [
        "reports/141002200/段店乡/2022.md", "reports/141181106/柱濮镇/2023.md", "reports/370687108/行村镇/2020.md",
        "reports/419001110/下冶镇/2021.md", "reports/620422/乡村振兴局/2021.md"]
    by_path = {e.record.source["path"]: e for e in entries}
    # 海阳市行村镇人民政府 is the 行村镇 of 海阳市: the place prefix and 人民政府 are not part of its name here.
    assert by_path["海阳市行村镇人民政府-2020.txt"].body_src == "bodies/370687108/行村镇.md"
    assert all(e.version == e.record.source["sha256"][:12] == e.legacy for e in entries)


def test_re_saving_a_report_keeps_its_address(tmp_path: Path) -> None:
    """The file saved again as Windows would (GB18030, CRLF): other bytes, same report, same address."""
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(SEED, content / SEED.name)
    before = page_of(content)
    text = SEED.read_text(encoding="utf-8")
    (content / SEED.name).write_bytes(text.replace("\n", "\r\n").encode("gb18030"))
    after = page_of(content)
    assert after[0] == before[0] == "reports/141181106/柱濮镇/2023.md"
    assert after[2] == before[2] == "bodies/141181106/柱濮镇.md"
    assert after[1] != before[1]      # the version is the file's


def test_a_corrected_re_upload_keeps_its_address_under_another_name(tmp_path: Path) -> None:
    """A corrected figure, uploaded under a new file name: the same body and year, so the same address."""
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(SEED, content / SEED.name)
    before = page_of(content)
    (content / SEED.name).unlink()
    text = SEED.read_text(encoding="utf-8")
    assert "行政处罚\t0\n" in text
    (content / "柱濮镇-2023（更正）.txt").write_text(text.replace("行政处罚\t0\n", "行政处罚\t3\n"), encoding="utf-8")
    after = page_of(content)
    assert after[0] == before[0] and after[1] != before[1]
    corrected = build_corpus(content).records[0]
    assert corrected.cell("active.penalty.decisions").value == 3


def test_two_files_of_one_body_and_year_are_told_apart_by_their_paths() -> None:
    first, second = record("下冶镇人民政府", path="a/下冶镇.txt", sha="01"), record("下冶镇", path="b/下冶镇.txt", sha="02")
    for records in ([first, second], [second, first]):   # the order files are read in does not matter
        found = {r.source["path"]: a.report for r, a in zip(records, addresses(records))}
        assert found == {"a/下冶镇.txt": "419001110/下冶镇/2021", "b/下冶镇.txt": "419001110/下冶镇/2021-2"}


def test_bodies_whose_names_give_one_segment_are_told_apart() -> None:
    """甲·乙局 and 甲-乙局 are different bodies with the same path segment; the key order decides."""
    one, other = record("甲·乙局", path="x.txt", sha="01"), record("甲-乙局", path="y.txt", sha="02")
    found = {r.agency["name"]: (a.report, a.body) for r, a in zip([one, other], addresses([one, other]))}
    assert found == {"甲-乙局": ("419001110/甲-乙局/2021", "419001110/甲-乙局"),
                     "甲·乙局": ("419001110/甲-乙局-2/2021", "419001110/甲-乙局-2")}


def test_a_suffix_skips_an_address_another_report_wants() -> None:
    assert distinct([("x", 1), ("x", 2), ("x-2", 0)]) == ["x", "x-3", "x-2"]


def test_unknown_parts_and_same_as() -> None:
    nameless = record(None, year=None, code=None, path="扫描件 (1).pdf")
    joined = record("新名镇人民政府", path="n.txt", sha="03", same_as="xiaye/../旧名")
    found = addresses([nameless, joined])
    assert found[0].report == "unknown/file-扫描件-1/unknown" and found[0].body == ""
    assert found[1].report == "419001110/新名镇/2021" and found[1].body == "same-as/xiaye-旧名"


@pytest.mark.parametrize("text, expected", [
    ("../../etc/passwd", "etc-passwd"),
    ("<script>alert(1)</script>", "script-alert-1-script"),
    ("a/b\\c?d#e%f", "a-b-c-d-e-f"),
    ("ＡＢＣ局　（筹）", "ABC局-筹"),            # full-width forms folded
    ("...", "body"),
    ("\u202e\x00镇", "镇"),                      # controls and direction marks dropped
    ("长" * 50, "长" * 40),
])
def test_untrusted_names_become_one_safe_segment(text: str, expected: str) -> None:
    assert segment(text, "body") == expected


def test_links_to_chinese_addresses_keep_the_characters_and_are_relative() -> None:
    assert link("index.md", "reports/419001110/下冶镇/2021.md") == "reports/419001110/下冶镇/2021/"
    assert link("reports/419001110/下冶镇/2021.md", "bodies/419001110/下冶镇.md") == \
        "../../../../bodies/419001110/下冶镇/"


@pytest.mark.parametrize("path, expected", [
    ("a b/c#d?e.md", "a%20b/c%23d%3Fe/"),                       # would end the path or start a query
    ("100%/x.md", "100%25/x/"),                                 # would read as an escape
    ('say "hi" \'x\'/y.md', "say%20%22hi%22%20%27x%27/y/"),        # would end an attribute
    ("<b>&amp;/z.md", "%3Cb%3E%26amp;/z/"),                     # markup, an entity
    ("c:/x.md", "c%3A/x/"),                                     # a scheme
    ("全角\u3000空格\u200b隐形\u202e反向/x.md", "全角%E3%80%80空格%E2%80%8B隐形%E2%80%AE反向/x/"),  # hidden characters
    ("a+b\\c\tz/x.md", "a%2Bb%5Cc%09z/x/"),
])
def test_links_encode_what_would_break_or_hide_in_an_address(path: str, expected: str) -> None:
    assert link("index.md", path) == expected
    assert unquote(expected) == page_url(path)


# ---- the addresses of earlier builds lead on ----------------------------------------------------

def test_the_hash_addresses_of_earlier_builds_redirect_relatively() -> None:
    site = generate(build_corpus(ROOT / "content"), ROOT / "content")
    entries = entries_of(build_corpus(ROOT / "content").records)
    for entry in entries:
        html = lxml.html.fromstring(site.data[f"reports/{entry.legacy}/index.html"])
        refresh = html.xpath("//meta[@http-equiv='refresh']/@content")[0]
        target = refresh.split("url=", 1)[1]
        assert unquote(target) == "../" + page_url(entry.src).removeprefix("reports/")
        assert html.xpath("//link[@rel='canonical']/@href") == [target]
        assert html.xpath("//a/@href") == [target]
        assert html.xpath("//meta[@name='robots']/@content") == ["noindex"]
    body_redirects = [p for p in site.data if p.startswith("bodies/")]
    assert len(body_redirects) == len({e.body for e in entries}) == 5


def test_redirects_and_permalinks_are_absolute_under_site_url() -> None:
    rec = record("下冶镇人民政府")
    site = generate(Corpus(inputs=1, records=[rec]), Path("/nonexistent"), site_url="https://example.org/gknb")
    redirect = lxml.html.fromstring(site.data["reports/" + "ab" * 6 + "/index.html"])
    address = "https://example.org/gknb/reports/419001110/%E4%B8%8B%E5%86%B6%E9%95%87/2021/"
    assert redirect.xpath("//link[@rel='canonical']/@href") == [address]
    page = lxml.html.fromstring(site.pages["reports/419001110/下冶镇/2021.md"].split("\n---\n", 1)[1])
    permalink = page.xpath("//a[@data-gknb-permalink]")[0]
    assert permalink.get("href") == address
    assert permalink.text_content() == "https://example.org/gknb/reports/419001110/下冶镇/2021/"
