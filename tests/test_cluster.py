"""Parsing on a real Dask cluster (two worker processes on 127.0.0.1) gives the records a local build gives."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import site_project

from gknb.corpus import cluster
from gknb.corpus.pipeline import Corpus, Options, Rejection, build_corpus, parser_version

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import synth  # noqa: E402

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as local:
        yield str(local.scheduler_address)


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds (one with a sidecar), real reports of every kind, synthetic DOCX/HTML/Markdown, a broken PDF."""
    folder = tmp_path_factory.mktemp("content")
    shutil.copytree(ROOT / "content", folder, dirs_exist_ok=True)
    for name in sorted(p.name for p in (ROOT / "tests" / "real").iterdir() if p.suffix in (".html", ".md", ".pdf") and p.name != "README.md")[:4]:
        shutil.copy(ROOT / "tests" / "real" / name, folder / name)
    rng = random.Random(18)
    for index, layout in enumerate(("docx", "html", "md", "tabs", "pipes", "one_cell_per_line")):
        suffix, data = synth.render(synth.make_report(rng, layout))
        (folder / f"synth-{index}{suffix}").write_bytes(data)
    (folder / "broken.pdf").write_bytes(b"not a pdf at all")
    return folder


def outcomes(corpus: Corpus) -> tuple[list[object], list[object]]:
    return list(corpus.records), list(corpus.rejected)


def test_a_cluster_build_gives_the_local_records_through_the_cache(scheduler: str, content: Path, tmp_path: Path) -> None:
    local = build_corpus(content, Options(jobs=1))
    on_cluster = build_corpus(content, Options(cache_dir=tmp_path / "cache", scheduler=scheduler))
    assert len(local.records) >= 14 and [r.path for r in local.rejected] == ["broken.pdf"]
    assert outcomes(on_cluster) == outcomes(local)
    # every outcome came back through the cache the workers wrote: one entry per input
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == local.inputs


def test_without_a_cache_the_outcomes_come_back_through_dask(scheduler: str, content: Path) -> None:
    assert outcomes(build_corpus(content, Options(scheduler=scheduler))) == outcomes(build_corpus(content, Options(jobs=1)))


def test_a_worker_with_another_parser_refuses_the_task() -> None:
    job = cluster.ClusterTask(("a.txt", "a.txt", 60, 1 << 20), None, "", "not-" + parser_version())
    with pytest.raises(cluster.ClusterError, match="parser"):
        cluster.run_on_worker(job)


def test_an_unreachable_scheduler_is_a_clear_error(content: Path) -> None:
    with pytest.raises(cluster.ClusterError, match="cannot reach the Dask scheduler"):
        build_corpus(content, Options(scheduler="tcp://127.0.0.1:9"))


@pytest.mark.site
def test_gknb_build_scheduler_gives_the_local_site_data(scheduler: str, content: Path, tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    project = site_project(tmp_path / "project", content)

    def build(*args: str) -> None:
        result = subprocess.run([sys.executable, "-m", "gknb.cli", "build", "--no-cache", *args], cwd=project,
                                capture_output=True, text=True, check=False, timeout=600)
        assert result.returncode == 0, result.stderr

    build("--site-dir", "site-local")
    build("--site-dir", "site-cluster", "--scheduler", scheduler)
    for name in ("reports.jsonl.gz", "build-report.json"):
        assert (project / "site-cluster" / "data" / name).read_bytes() == (project / "site-local" / "data" / name).read_bytes()


def test_the_cache_may_be_an_fsspec_url(scheduler: str, content: Path, tmp_path: Path) -> None:
    url = (tmp_path / "shared-cache").as_uri()  # file:///…: through fsspec, as s3:// or a mount would be
    on_cluster = build_corpus(content, Options(cache_dir=url, scheduler=scheduler))
    assert outcomes(on_cluster) == outcomes(build_corpus(content, Options(jobs=1)))
    assert len(list((tmp_path / "shared-cache").glob("*.pickle"))) == on_cluster.inputs
    # read back from that URL with no parsing at all: a local build from the same cache
    again = build_corpus(content, Options(cache_dir=url, jobs=1))
    assert outcomes(again) == outcomes(on_cluster)


@pytest.fixture(scope="module")
def slow_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,500 reports run together in one file: ~5 s to parse, far past a one-second limit (300 took
    1 s once the parse got faster: too close)."""
    rng = random.Random(3)
    folder = tmp_path_factory.mktemp("slow")
    parts = [synth.render(synth.make_report(rng, "tabs"))[1].decode("utf-8") for _ in range(1500)]
    (folder / "slow.txt").write_text("\n".join(parts), encoding="utf-8")
    shutil.copy(ROOT / "content" / "柱濮镇-2023.txt", folder / "fast.txt")
    return folder


def test_a_file_past_its_time_limit_on_a_worker_is_stopped(scheduler: str, slow_report: Path) -> None:
    corpus = build_corpus(slow_report, Options(scheduler=scheduler, seconds_per_file=1))
    assert [(r.path, "超时" in r.reason) for r in corpus.rejected] == [("slow.txt", True)]
    assert [str(r.source.get("path")) for r in corpus.records] == ["fast.txt"]


def test_a_child_stuck_past_the_alarm_is_killed_and_the_next_file_parses(slow_report: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # No alarm (0 s) stands for code no signal reaches: the worker's thread gives up after the grace time.
    monkeypatch.setattr(cluster, "GRACE_SECONDS", 0.5)
    stuck = cluster.parsed_in_time((str(slow_report / "slow.txt"), "slow.txt", 0, 1 << 24))
    assert isinstance(stuck, Rejection) and "超时" in stuck.reason
    monkeypatch.setattr(cluster, "GRACE_SECONDS", 60)
    fast = cluster.parsed_in_time((str(slow_report / "fast.txt"), "fast.txt", 60, 1 << 24))
    assert not isinstance(fast, Rejection) and fast.source.get("path") == "fast.txt"
