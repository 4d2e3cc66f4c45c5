"""Parsing on a Dask cluster (`gknb build --scheduler tcp://HOST:8786`): the files' work goes to its workers.

Each task is one file, parsed by a worker exactly as a local worker process parses it
(`pipeline.run_task`). With a cache, the worker stores the outcome under the key the build
computed (file content, sidecars, name, parser version) and answers with that key only; the build
then reads the record from the cache, as it reads any cached record. So the cache directory must
be one the workers and the build share (the same path on every machine, e.g. an NFS mount), and
so must the content folder, which workers read by path. Without a cache (`--no-cache`) the
outcomes come back through Dask itself.

A worker whose parser is not the build's (another checkout, another version) would store records
under keys they do not belong to: each task compares the parser versions first and fails.

Dask (PyPI `dask`, `distributed`) is an optional extra (`pip install -e '.[cluster]'`); it is
imported only when a scheduler is given.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from gknb.corpus import pipeline
from gknb.read.common import use_cache

Task = tuple[str, str, int, int]


class ClusterError(Exception):
    """The cluster could not be used (Dask missing, scheduler unreachable, a worker's parser differs)."""


@dataclass(frozen=True)
class ClusterTask:
    """What a worker needs for one file: the local task, and where and under which key to store it."""

    task: Task
    cache_dir: str | None
    key: str
    version: str


@lru_cache(maxsize=1)
def worker_version() -> str:
    return pipeline.parser_version()


def run_on_worker(job: ClusterTask) -> pipeline.Outcome | str:
    """One file on a worker: the outcome itself, or (with a cache) its key once it is stored there."""
    if job.version and job.version != worker_version():
        raise ClusterError(f"the worker's parser ({worker_version()}) is not the build's ({job.version})")
    if job.cache_dir:
        use_cache(Path(job.cache_dir))  # OCR and LibreOffice results shared too
    outcome = pipeline.run_task(job.task)
    if not job.cache_dir:
        return outcome
    pipeline.store(Path(job.cache_dir), job.key, outcome)
    return job.key


def connect(scheduler: str) -> Any:
    try:
        from distributed import Client
    except ImportError as error:
        raise ClusterError("--scheduler needs Dask: pip install 'gknb[cluster]' (dask, distributed)") from error
    try:
        return Client(scheduler, timeout="30s")  # type: ignore[no-untyped-call]  # distributed is partly typed
    except OSError as error:
        raise ClusterError(f"cannot reach the Dask scheduler {scheduler}: {error}") from error


def outcomes_on_cluster(jobs: list[ClusterTask], scheduler: str) -> Iterator[pipeline.Outcome]:
    """The outcome of every job, in order, parsed on the cluster's workers."""
    if not jobs:
        return
    with connect(scheduler) as client:
        futures = client.map(run_on_worker, jobs, pure=False)
        for job, future in zip(jobs, futures):
            yield outcome_of(job, future.result())


def outcome_of(job: ClusterTask, answer: pipeline.Outcome | str) -> pipeline.Outcome:
    """A worker's answer as an outcome: a key is read back from the shared cache."""
    if not isinstance(answer, str):
        return answer
    stored = pipeline.cached(Path(job.cache_dir or ""), answer)
    if stored is None:
        raise ClusterError(f"the record of {job.task[1]} is not in the cache {job.cache_dir}: "
                           "do the workers share this cache directory?")
    return stored
