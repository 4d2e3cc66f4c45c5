"""The portal built without our MkDocs plugin (#16): `gknb pages` output and the theme handed to Zensical
(pinned in the Makefile, installed by `make setup`), Pagefind over the built report pages. Checked for
its report pages and tables, and every link inside the content."""

from __future__ import annotations

import html
import posixpath
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest

from conftest import keyed_cells
from gknb.corpus.pipeline import build_corpus
from gknb.model.numbers import format_number
from gknb.portal.pages import entries_of, page_url
from gknb.publish.without_plugin import build_without_plugin, from_file

pytestmark = pytest.mark.site

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / ".venv" / "zensical" / "bin" / "zensical"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert ENGINE.is_file(), "Zensical is not installed: run `make setup` (the Makefile pins it)"
    content = tmp_path_factory.mktemp("content")
    for report in sorted((ROOT / "content").iterdir()):
        if report.is_file():
            shutil.copy(report, content / report.name)
    shutil.copy(ROOT / "tests" / "fixtures" / "hongze_district_2024.pdf", content)
    shutil.copy(ROOT / "tests" / "cases" / "inconsistent-2021.txt", content)
    out = tmp_path_factory.mktemp("zensical")
    return build_without_plugin(ROOT, content, out, str(ENGINE)).site


def test_every_report_page_is_built_with_its_tables_and_numbers(built: Path) -> None:
    entries = entries_of(build_corpus(ROOT / "content").records)
    assert entries
    for entry in entries:
        page = lxml.html.parse(str(built / page_url(entry.src) / "index.html")).getroot()
        tables = page.xpath("//table[contains(@class,'gknb-table')]/@data-table")
        assert tables == ["active", "applications", "review_litigation"], entry.src
        cells = keyed_cells(page)
        for key in ("applications.new_received.total", "applications.total_processed.total"):
            cell = cells[key]
            assert (cell.text or "") == format_number(entry.record.cell(key).value, grouped=True), (entry.src, key)


def test_every_link_inside_the_content_leads_to_a_built_file(built: Path) -> None:
    checked = 0
    for page in built.rglob("index.html"):
        folder = page.parent.relative_to(built).as_posix()
        article = page.read_text(encoding="utf-8").split("<article", 1)[-1].split("</article>", 1)[0]
        for href in re.findall(r'\s(?:href|src)="([^"]*)"', article):
            href = html.unescape(href)
            if re.match(r"^[a-z][a-z0-9+.-]*:|^[#?/]", href):
                continue
            target = posixpath.normpath(posixpath.join("" if folder == "." else folder, unquote(urlsplit(href).path)))
            assert (built / target).is_file() or (built / target / "index.html").is_file(), (folder, href)
            checked += 1
    assert checked > 300


def test_the_report_pages_are_indexed_for_search(built: Path) -> None:
    assert (built / "pagefind" / "pagefind-entry.json").is_file()
    assert any((built / "pagefind").glob("index/*.pf_index"))


@pytest.mark.parametrize(("src", "page", "expected"), [
    # a page served one folder below its file: links move one level up into the file's folder
    ("reports/a/2021.md", '<a href="../../browse/">x</a>', '<a href="../browse/">x</a>'),
    ("reports/a/2021.md", '<a href="./">x</a>', '<a href="2021/">x</a>'),
    ("reports/a/2021.md", '<iframe src="../../../data/x.pdf">', '<iframe src="../../data/x.pdf">'),
    ("reports/a/2021.md", '<a href="#cell-x">x</a> <a href="https://e.org/">y</a>', '<a href="#cell-x">x</a> <a href="https://e.org/">y</a>'),
    ("browse/index.md", '<a href="../data/">x</a>', '<a href="../data/">x</a>'),  # an index page is its folder
])
def test_links_are_given_from_the_files_folder(src: str, page: str, expected: str) -> None:
    assert from_file(src, page) == expected
