"""The whole build, as a person runs it: `gknb build` twice gives byte-identical sites; --strict
fails on a rejected input while the default build lists it; the cache is used and bypassed."""

from __future__ import annotations

import csv
import filecmp
import gzip
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.etree
import pytest
from conftest import site_project

from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config

from gknb.portal.dictionary import REPORTS_CSV
from gknb.portal.open_data import csv_text
from gknb.publish import plugin
from gknb.publish.search import PagefindFeed, SearchIndexError, read_pagefind_file, run_pagefind

pytestmark = pytest.mark.site  # builds whole sites: `pytest -m 'not site and not browser'` skips them

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's site configuration with the seeds, a hostile report and a broken file."""
    folder = site_project(tmp_path_factory.mktemp("project"), ROOT / "content")
    (folder / "content" / "broken.pdf").write_bytes(b"not a pdf at all")
    return folder


def gknb(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gknb.cli", "build", *args], cwd=project,
                          capture_output=True, text=True, check=False, timeout=600)


def digest_tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_content_gives_byte_identical_sites(project: Path) -> None:
    first = gknb(project, "--site-dir", "site-a")
    second = gknb(project, "--no-cache", "--site-dir", "site-b")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    a, b = digest_tree(project / "site-a"), digest_tree(project / "site-b")
    assert len(a) > 50 and any(name.startswith("pagefind/filter/") for name in a)
    assert any(name.startswith("data/xlsx/province-") for name in a)  # workbooks too: fixed dates
    assert {"feed.xml", "feeds/62.xml", "data/index.json", "data/index/62/2021.json",
            "findings/check/completeness/index.html", "findings/region/62/index.html"} <= set(a)
    assert a == b


def test_with_site_url_the_data_carries_absolute_page_addresses(project: Path) -> None:
    base = "https://example.org/gknb/"
    (project / "mkdocs-url.yml").write_text(f"INHERIT: mkdocs.yml\nsite_url: {base}\n", encoding="utf-8")
    result = gknb(project, "--config", "mkdocs-url.yml", "--site-dir", "site-url")
    assert result.returncode == 0, result.stderr[-2000:]
    site = project / "site-url"
    rows = list(csv.DictReader(csv_text((site / "data" / REPORTS_CSV).read_bytes())))
    assert rows and all(r["page"].startswith(base + "reports/") for r in rows)
    records = [json.loads(line) for line in gzip.decompress((site / "data/reports.jsonl.gz").read_bytes()).splitlines()]
    assert [r["portal"]["page"] for r in records] == [row["page"] for row in rows]
    for row in rows:
        assert (site / row["page"][len(base):] / "index.html").is_file()
    atom = "{http://www.w3.org/2005/Atom}"
    feed = lxml.etree.fromstring((site / "feed.xml").read_bytes())
    pages = {e.find(f"{atom}link").get("href") for e in feed.iter(f"{atom}entry")}
    assert pages == {r["page"] for r in rows}
    index = json.loads((site / "data" / "index.json").read_text(encoding="utf-8"))
    assert index["site_url"] == base


def test_strict_build_fails_on_a_rejected_input(project: Path) -> None:
    result = gknb(project, "--strict", "--site-dir", "site-strict")
    assert result.returncode != 0
    assert "broken.pdf" in result.stderr and "不是有效的 PDF 文件" in result.stderr


def test_default_build_lists_the_rejection_and_uses_the_cache(project: Path) -> None:
    result = gknb(project, "--site-dir", "site-c")
    assert result.returncode == 0
    report = (project / "site-c" / "data" / "build-report.json").read_text(encoding="utf-8")
    assert "broken.pdf" in report
    assert len(list((project / ".gknb-cache").glob("*.pickle"))) == 6  # 5 seeds + the rejection
    assert filecmp.cmp(project / "site-a" / "data" / "reports.jsonl.gz", project / "site-c" / "data" / "reports.jsonl.gz",
                       shallow=False)


def test_a_portal_of_unreadable_files_still_builds_with_a_search_index(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "broken.pdf").write_bytes(b"junk")
    (tmp_path / "p").mkdir()
    folder = site_project(tmp_path / "p", content)
    result = gknb(folder, "--site-dir", "site")
    assert result.returncode == 0, result.stderr[-2000:]
    assert (folder / "site" / "pagefind" / "pagefind.js").is_file()
    assert "broken.pdf" in (folder / "site" / "findings" / "rejected" / "index.html").read_text(encoding="utf-8")


def test_a_markdown_report_is_offered_as_received_not_rendered(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    text = (ROOT / "content" / "下冶镇人民政府-2021.txt").read_text(encoding="utf-8")
    (content / "报告.md").write_text("---\nyear: 2021\n---\n" + text, encoding="utf-8")
    (tmp_path / "p").mkdir()
    folder = site_project(tmp_path / "p", content)
    assert gknb(folder, "--site-dir", "site").returncode == 0
    sources = list((folder / "site" / "data" / "sources").rglob("*"))
    assert [p.name.endswith(".md.txt") for p in sources if p.is_file()] == [True]
    assert (next(p for p in sources if p.is_file())).read_text(encoding="utf-8").startswith("---\nyear: 2021")


def index_summary(pagefind: Path) -> tuple[list[int], dict[str, dict[str, int]]]:
    """What an index holds, independent of page order: word counts of its pages, pages per filter value."""
    meta = read_pagefind_file(next(pagefind.glob("pagefind.*.pf_meta")))
    filters = {}
    for _name, file_hash in meta[3]:
        name, values = read_pagefind_file(pagefind / "filter" / f"{file_hash}.pf_filter")
        filters[name] = {value: len(pages) for value, pages in values}
    return sorted(page[1] for page in meta[1]), filters  # a page: [hash, word count, fragment group]


def test_pages_fed_while_rendering_index_as_the_built_site_would(project: Path, tmp_path: Path) -> None:
    """The build streams report pages to `pagefind --service`; indexing the built pages from disk
    (what a dirty rebuild falls back to) must give an index of the same pages, words and filters."""
    assert gknb(project, "--site-dir", "site-feed").returncode == 0
    copy = tmp_path / "site"
    shutil.copytree(project / "site-feed", copy)
    run_pagefind(copy, [p.relative_to(copy).as_posix() for p in copy.glob("reports/*/*/*/index.html")])
    fed, from_disk = index_summary(project / "site-feed" / "pagefind"), index_summary(copy / "pagefind")
    assert fed == from_disk
    assert len(fed[0]) == 5 and fed[1]["year"]["2021"] == 2  # the five seeds: two of 2021


def test_a_feed_whose_service_stopped_raises_instead_of_waiting() -> None:
    feed = PagefindFeed()
    feed.process.kill()
    feed.process.wait()
    with pytest.raises(SearchIndexError):
        for _ in range(100):  # the pipe may take a few writes to report the dead reader
            feed.add_page("/r/", "<p>行政复议</p>")
        feed.write(Path("/nonexistent/pagefind"))
    feed.close()


class FailingFeed(PagefindFeed):
    """A service that stops after two pages, as a crashed or incompatible Pagefind would."""

    def add_page(self, url: str, content_html: str) -> None:
        if self.pages == 2:
            raise SearchIndexError("pagefind --service stopped: simulated")
        super().add_page(url, content_html)


def test_a_failing_search_service_falls_back_to_indexing_the_built_pages(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plugin, "PagefindFeed", FailingFeed)
    monkeypatch.chdir(project)
    config = load_config("mkdocs.yml", site_dir=str(tmp_path / "site"))
    mkdocs_build.build(config)
    entry = json.loads((tmp_path / "site" / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["zh"]["page_count"] == 5
    words, filters = index_summary(tmp_path / "site" / "pagefind")
    assert len(words) == 5 and filters["year"]["2021"] == 2  # every report page, not the two fed


def test_pages_rendered_on_a_second_core_give_the_same_site(project: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from gknb.publish import parallel

    monkeypatch.chdir(project)

    def built(site: Path, jobs: int) -> dict[str, str]:
        config = load_config("mkdocs.yml", site_dir=str(site))
        config.plugins["gknb"].config["jobs"] = jobs
        config.plugins.on_startup(command="build", dirty=False)
        mkdocs_build.build(config)
        return digest_tree(site)

    one_core = built(tmp_path / "one", 1)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)  # the seeds' few pages: forked all the same
    forks: list[int] = []
    real_start = parallel.start
    monkeypatch.setattr(parallel, "start", lambda *a: forks.append(1) or real_start(*a))
    two_cores = built(tmp_path / "two", 2)
    assert forks == [1]
    assert one_core == two_cores  # the sitemap too: it lists the child's pages again
