"""The whole build, as a person runs it: `gknb build` twice gives byte-identical sites; --strict
fails on a rejected input while the default build lists it; the cache is used and bypassed."""

from __future__ import annotations

import filecmp
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import site_project

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
    assert a == b


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
    assert filecmp.cmp(project / "site-a" / "data" / "reports.jsonl", project / "site-c" / "data" / "reports.jsonl",
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
