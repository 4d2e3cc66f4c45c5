"""Live rebuilds under `mkdocs serve` (publish/live.py): after reports are edited, added and removed,
the live-updated site is the site a full build of the new content gives, file for file."""

from __future__ import annotations

import gzip
import json
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import site_project
from mkdocs.commands.build import build
from mkdocs.config import load_config

from watchdog.events import DirCreatedEvent, DirModifiedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent, \
    FileOpenedEvent

from gknb.corpus.pipeline import MAX_DEPTH, Options, build_corpus
from gknb.corpus.update import fingerprints, update_corpus, watched_paths
from gknb.publish.live import ContentWatcher, LiveBuilder

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import live  # noqa: E402
import synth  # noqa: E402

pytestmark = pytest.mark.site
SERVE_URL = live.SERVE_URL


def served(project: Path, watch: bool = False) -> tuple[Any, live.Server, list[int]]:
    """The project built as `mkdocs serve` builds it, and its server's builder (full builds counted);
    `watch`: with MkDocs' file watcher running (stop it with server.close())."""
    config, server, full_builds, _seconds = live.served(project, project / "site", watch)
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
    ids = {p["path"]: p["id"] for p in json.loads((project / "site/data/build-report.json").read_bytes())["published"]}
    records_before = record_lines((project / "site/data/reports.jsonl.gz").read_bytes())
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
    builder.wait()
    built(project, tmp_path / "full")
    live, full = tree(project / "site"), tree(tmp_path / "full")
    assert sorted(live) == sorted(full)
    assert [path for path in full if live[path] != full[path]] == []
    # The edited report's record read again, the removed one's gone, in the one copy of the records.
    records_now = record_lines(live["data/reports.jsonl.gz"])
    edited_id, removed_id = ids["柱濮镇-2023.txt"], ids["synth-1.txt"]
    assert removed_id in records_before and removed_id not in records_now
    assert records_now[edited_id] != records_before[edited_id]
    assert not [path for path in live if path.startswith("data/reports/")]


def record_lines(bulk: bytes) -> dict[str, bytes]:
    """Report id → its record line in reports.jsonl.gz."""
    return {json.loads(line)["portal"]["id"]: line for line in gzip.decompress(bulk).splitlines()}


def test_a_second_year_turns_a_lone_bodys_address_into_its_timeline_and_back(project: Path, tmp_path: Path) -> None:
    """柱濮镇 has one report: its body address leads to it. A 2024 report added live makes that address
    the timeline (a page where a redirect page was), and 孝义市's address its list of reports; removed
    again, both addresses lead on as before."""
    _config, server, full_builds = served(project)
    site, content = project / "site", project / "content"
    body = next((site / "bodies").rglob("柱濮镇/index.html"))
    assert "gknb-scope" not in body.read_text(encoding="utf-8")   # the small page that leads on
    region = site / "browse" / "region" / "141181" / "index.html"   # 孝义市: its list once it has two reports
    assert "gknb-scope" not in region.read_text(encoding="utf-8")
    added = content / "柱濮镇-2024.txt"
    added.write_text((content / "柱濮镇-2023.txt").read_text(encoding="utf-8").replace("2023", "2024"), encoding="utf-8")
    server.builder()
    assert "data-timeline" in body.read_text(encoding="utf-8") and not full_builds  # the first stage
    server.builder.wait()
    assert "gknb-scope" in region.read_text(encoding="utf-8")
    built(project, tmp_path / "full")
    assert tree(site) == tree(tmp_path / "full")
    added.unlink()
    server.builder()
    assert "gknb-scope" not in body.read_text(encoding="utf-8")
    server.builder.wait()
    assert "gknb-scope" not in region.read_text(encoding="utf-8")
    built(project, tmp_path / "full-again")
    assert tree(site) == tree(tmp_path / "full-again")


def test_a_changed_number_shows_in_the_data_and_only_the_pages_showing_the_report_change(project: Path) -> None:
    _config, server, _full = served(project)
    site = project / "site"
    before = {p: p.read_bytes() for p in site.rglob("*.html")}
    source = project / "content" / "下冶镇人民政府-2021.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("行政许可\t1\t", "行政许可\t7\t"), encoding="utf-8")
    server.builder()
    server.builder.wait()
    record = next(json.loads(line) for line in gzip.decompress((site / "data/reports.jsonl.gz").read_bytes()).splitlines()
                  if json.loads(line)["portal"]["id"].endswith("下冶镇/2021"))
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


def test_with_the_file_watcher_an_update_reads_the_changed_files_only_and_gives_the_full_build(
        project: Path, tmp_path: Path) -> None:
    """Under a running watcher (MkDocs' polling observer) the update takes the changed files from it,
    lists no folder, and the site is still the full build's: an edit, an addition and a removal."""
    _config, server, full_builds = served(project, watch=True)
    try:
        content = project / "content"
        time.sleep(1.0)  # the observer's first listing of the folder
        edited = content / "下冶镇人民政府-2021.txt"
        edited.write_text(edited.read_text(encoding="utf-8").replace("行政许可\t1\t", "行政许可\t7\t"), encoding="utf-8")
        suffix, data = synthetic(11)
        added = content / f"added{suffix}"
        added.write_bytes(data)
        removed = next(content.glob("synth-2.*"))
        removed.unlink()
        assert all(server.seen(path) for path in (edited, added, removed))
        server.builder()
        builder: LiveBuilder = server.builder
        assert builder.changed == {edited, added, removed} and not full_builds
        assert builder.last is not None and builder.last.touched >= 3
        builder.wait()
    finally:
        server.close()
    built(project, tmp_path / "full")
    assert tree(project / "site") == tree(tmp_path / "full")


def test_the_watcher_names_changed_files_and_gives_up_on_folders(tmp_path: Path) -> None:
    watcher = ContentWatcher()
    watcher.on_any_event(FileModifiedEvent(str(tmp_path / "a.txt")))
    watcher.on_any_event(FileMovedEvent(str(tmp_path / "b.txt"), str(tmp_path / "c.txt")))
    watcher.on_any_event(DirModifiedEvent(str(tmp_path)))        # a file made or removed in it
    watcher.on_any_event(FileOpenedEvent(str(tmp_path / "d.txt")))  # read, not changed
    assert watcher.take() == {tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"}
    assert watcher.take() == set()
    watcher.on_any_event(FileDeletedEvent(str(tmp_path / "a.txt")))
    watcher.on_any_event(DirCreatedEvent(str(tmp_path / "new")))
    assert watcher.take() is None
    assert watcher.take() == set()


def test_changed_files_are_taken_as_the_folder_listing_would_take_them_or_the_folder_is_listed(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "sub").mkdir(parents=True)
    for name, seed in (("a", 0), ("sub/b", 1)):
        suffix, data = synthetic(seed)
        (content / f"{name}{suffix}").write_bytes(data)
    (content / "stray.yml").write_text("agency: 无主\n", encoding="utf-8")  # a sidecar of no report: ignored
    corpus, prints = build_corpus(content), fingerprints(content)
    assert sorted(prints) == ["a.txt", "sub/b.txt"] and [i.path for i in corpus.ignored] == ["stray.yml"]

    def taken(*names: str) -> tuple[list[str], list[str]] | None:
        found = watched_paths(corpus, prints, content, {content / n for n in names})
        return None if found is None else (list(found[0]), sorted(found[1]))

    (content / "sub" / "b.txt.yml").write_text("year: 2020\n", encoding="utf-8")
    assert taken("sub/b.txt.yml") == (["a.txt", "sub/b.txt"], ["sub/b.txt"])    # its report is read again
    (content / "sub" / "c.txt").write_text("新的报告\n", encoding="utf-8")
    (content / "a.txt").unlink()
    assert taken("sub/c.txt", "a.txt", "gone.tmp") == (["sub/b.txt", "sub/c.txt"], ["a.txt", "sub/c.txt"])
    (content / ".hidden.txt").write_text("x", encoding="utf-8")
    (content / "link.txt").symlink_to(content / "sub" / "c.txt")
    (content / "stray.txt").write_text("认领 stray.yml\n", encoding="utf-8")
    (content / ".git").mkdir()
    (content / ".git" / "d.txt").write_text("x", encoding="utf-8")
    (content / "linked").symlink_to(content / "sub", target_is_directory=True)
    deep = content.joinpath(*[f"d{n}" for n in range(MAX_DEPTH)])
    deep.mkdir(parents=True)
    (deep / "e.txt").write_text("x", encoding="utf-8")
    (deep.parent / "e.txt").write_text("x", encoding="utf-8")
    assert taken(str((deep.parent / "e.txt").relative_to(content))) is not None   # the deepest folder walked
    for name in (".hidden.txt", "link.txt", "stray.yml", "stray.txt", "sub", "new/x.yml", ".git/d.txt",
                 "linked/c.txt", str((deep / "e.txt").relative_to(content))):
        assert taken(name) is None, name  # the listing names these (ignored, or a sidecar claimed)
    for made in (deep.parent / "e.txt", deep / "e.txt", content / ".git" / "d.txt"):
        made.unlink()
    shutil.rmtree(content / "d0")
    shutil.rmtree(content / ".git")
    (content / "linked").unlink()
    assert watched_paths(corpus, prints, content, {tmp_path / "elsewhere.txt"}) is None
    # Through update_corpus: the same corpus as listing the folder gives.
    (content / ".hidden.txt").unlink()
    (content / "link.txt").unlink()
    (content / "stray.txt").unlink()
    watched = update_corpus(corpus, prints, content, Options(), {content / "a.txt", content / "sub/c.txt",
                                                                         content / "sub/b.txt.yml"})
    listed = update_corpus(corpus, prints, content, Options())
    assert watched.fingerprints == listed.fingerprints and watched.touched == listed.touched == {"a.txt", "sub/b.txt",
                                                                                                 "sub/c.txt"}
    assert [r.source["path"] for r in watched.corpus.records] == [r.source["path"] for r in listed.corpus.records]
    assert [x.path for x in watched.corpus.rejected] == [x.path for x in listed.corpus.rejected] == ["sub/c.txt"]
    assert watched.corpus.ignored == listed.corpus.ignored and watched.corpus.inputs == listed.corpus.inputs == 2


def test_when_the_second_stage_fails_the_next_change_is_a_full_rebuild(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       tmp_path: Path) -> None:
    import gknb.publish.live as live_module

    def failing(*args: Any, **kwargs: Any) -> Any:
        shown, _rest = staged(*args, **kwargs)

        def rest() -> Any:
            raise RuntimeError("the open data could not be made")
        return shown, rest

    staged = live_module.generate_staged
    _config, server, full_builds = served(project)
    source = project / "content" / "下冶镇人民政府-2021.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("行政许可\t1\t", "行政许可\t7\t"), encoding="utf-8")
    monkeypatch.setattr(live_module, "generate_staged", failing)
    server.builder()
    server.builder.wait()
    assert server.builder.broken and not full_builds
    monkeypatch.setattr(live_module, "generate_staged", staged)
    server.builder()
    assert full_builds == [1] and not server.builder.broken
    built(project, tmp_path / "full")
    assert tree(project / "site") == tree(tmp_path / "full")
