"""Live rebuilds under `mkdocs serve` (publish/live.py): after reports are edited, added and removed,
the live-updated site is the site a full build of the new content gives, file for file."""

from __future__ import annotations

import json
import random
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import site_project
from mkdocs.commands.build import build
from mkdocs.config import load_config

from gknb.publish.live import LiveBuilder

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import live  # noqa: E402
import synth  # noqa: E402

pytestmark = pytest.mark.site
SERVE_URL = live.SERVE_URL


def served(project: Path) -> tuple[Any, live.Server, list[int]]:
    """The project built as `mkdocs serve` builds it, and its server's builder (full builds counted)."""
    config, server, full_builds, _seconds = live.served(project, project / "site")
    return config, server, full_builds


def built(project: Path, site: Path) -> None:
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
    config.site_url = SERVE_URL
    config.plugins.on_startup(command="build", dirty=False)
    build(config)


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def synthetic(seed: int, layout: str = "tabs") -> tuple[str, bytes]:
    return synth.render(synth.make_report(random.Random(seed), layout))


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    for seed in range(3):
        suffix, data = synthetic(seed)
        (content / f"synth-{seed}{suffix}").write_bytes(data)
    (tmp_path / "project").mkdir()
    return site_project(tmp_path / "project", content)


def test_a_live_update_gives_the_site_a_full_build_gives(project: Path, tmp_path: Path) -> None:
    _config, server, full_builds = served(project)
    content = project / "content"
    edited = content / "柱濮镇-2023.txt"
    edited.write_text(edited.read_text(encoding="utf-8").replace("本年新收政府信息公开申请数量", "本年新收政府信息公开申请数量 ", 1),
                      encoding="utf-8")
    suffix, data = synthetic(7)
    (content / f"added{suffix}").write_bytes(data)
    (content / "synth-1.txt").unlink(missing_ok=True)
    for path in content.glob("synth-1.*"):
        path.unlink()
    server.builder()
    builder: LiveBuilder = server.builder
    assert isinstance(builder, LiveBuilder) and not full_builds
    assert builder.last is not None and builder.last.touched >= 3 and builder.last.pages >= 3
    if builder.search is not None:
        builder.search.join()
    built(project, tmp_path / "full")
    live, full = tree(project / "site"), tree(tmp_path / "full")
    assert sorted(live) == sorted(full)
    assert [path for path in full if live[path] != full[path]] == []


def test_a_second_year_turns_a_lone_bodys_address_into_its_timeline_and_back(project: Path, tmp_path: Path) -> None:
    """柱濮镇 has one report: its body address leads to it. A 2024 report added live makes that address
    the timeline (a page where a redirect page was), and 孝义市's summary page appear; removed again, the
    address leads to the report and the summary is gone."""
    _config, server, full_builds = served(project)
    site, content = project / "site", project / "content"
    body = next((site / "bodies").rglob("柱濮镇/index.html"))
    assert "gknb-scope" not in body.read_text(encoding="utf-8")   # the small page that leads on
    added = content / "柱濮镇-2024.txt"
    added.write_text((content / "柱濮镇-2023.txt").read_text(encoding="utf-8").replace("2023", "2024"), encoding="utf-8")
    server.builder()
    assert "data-timeline" in body.read_text(encoding="utf-8") and not full_builds
    summary = site / "stats" / "region" / "141181" / "index.html"   # 孝义市: a summary once it has two reports
    assert summary.is_file()
    built(project, tmp_path / "full")
    assert tree(site) == tree(tmp_path / "full")
    added.unlink()
    server.builder()
    assert "gknb-scope" not in body.read_text(encoding="utf-8") and not summary.exists()
    built(project, tmp_path / "full-again")
    assert tree(site) == tree(tmp_path / "full-again")


def test_a_changed_number_shows_in_the_data_and_only_the_pages_showing_the_report_change(project: Path) -> None:
    _config, server, _full = served(project)
    site = project / "site"
    before = {p: p.read_bytes() for p in site.rglob("*.html")}
    source = project / "content" / "下冶镇人民政府-2021.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("行政许可\t1\t", "行政许可\t7\t"), encoding="utf-8")
    server.builder()
    record = json.loads(next((site / "data" / "reports").rglob("下冶镇/2021.json")).read_text(encoding="utf-8"))
    assert record["tables"]["active"]["licensing"]["decisions"]["value"] == 7
    changed = sorted(p.relative_to(site).as_posix() for p, data in before.items()
                     if not p.is_file() or p.read_bytes() != data)
    assert any(c.startswith("reports/") and "下冶镇/2021" in c for c in changed)
    # The other seeds' report pages are not made again: they do not show this report (its old hash
    # address, a redirect named by the file's content, is gone: the new content has another).
    assert len([c for c in changed if c.startswith("reports/") and "下冶镇" not in c]) == 1


def test_a_change_to_the_docs_is_a_full_rebuild(project: Path) -> None:
    _config, server, full_builds = served(project)
    about = project / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n更多说明。\n", encoding="utf-8")
    server.builder()
    assert full_builds == [1]
    assert "更多说明" in (project / "site" / "about" / "index.html").read_text(encoding="utf-8")
