"""Parsing on a Dask cluster (`gknb build --scheduler tcp://HOST:8786`): the files' work goes to its workers.

Each task is one file, parsed by a worker exactly as a local worker process parses it
(`pipeline.run_task`). With a cache, the worker stores the outcome under the key the build
computed (file content, sidecars, name, parser version) and answers with that key only; the build
then reads the record from the cache, as it reads any cached record. So the cache directory must
be one the workers and the build share (the same path on every machine, e.g. an NFS mount), and
so must the content folder, which workers read by path. Without a cache (`--no-cache`) the
outcomes come back through Dask itself.

On a worker, tasks run in threads, where no alarm can stop a file that takes too long (the local
build's per-file limit, pipeline.report_or_rejection): each worker parses in a child process of
its own, whose main thread the alarm does stop, and a child still busy past the limit is killed
and replaced (`parsed_in_time`).

A worker whose parser is not the build's (another checkout, another version) would store records
under keys they do not belong to: each task compares the parser versions first and fails.

Dask (PyPI `dask`, `distributed`) is an optional extra (`pip install -e '.[cluster]'`); it is
imported only when a scheduler is given.
"""

from __future__ import annotations

import os
import pickle
import select
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from gknb.corpus import pipeline
from gknb.parse import divisions
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


# A child given this much longer than the alarm's limit is stuck where no signal reaches (inside C code).
GRACE_SECONDS = 10
LENGTH_BYTES = 8


class ParserChild:
    """A child process of the worker that parses one task at a time in its main thread, where the
    per-file alarm works. A plain subprocess: Dask's worker processes are daemonic and may not
    start multiprocessing children. Tasks and outcomes travel as length-prefixed pickles."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", "from gknb.corpus.cluster import serve_tasks; serve_tasks()"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def run(self, task: Task, seconds: float) -> pipeline.Outcome:
        """The task's outcome; TimeoutError past `seconds`, EOFError when the child died."""
        assert self.process.stdin is not None and self.process.stdout is not None
        message = pickle.dumps(task)
        self.process.stdin.write(len(message).to_bytes(LENGTH_BYTES, "big") + message)
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], seconds)
        if not ready:
            raise TimeoutError(task[1])
        length = self.process.stdout.read(LENGTH_BYTES)
        if len(length) < LENGTH_BYTES:
            raise EOFError(task[1])
        outcome: pipeline.Outcome = pickle.loads(self.process.stdout.read(int.from_bytes(length, "big")))
        return outcome

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


def serve_tasks() -> None:
    """The child's loop: a task in, its outcome out, until the worker closes the pipe."""
    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, not into the channel
    tasks = sys.stdin.buffer
    divisions.load()  # before the first task: its time limit is for parsing, not for starting up
    while (length := tasks.read(LENGTH_BYTES)) and len(length) == LENGTH_BYTES:
        task: Task = pickle.loads(tasks.read(int.from_bytes(length, "big")))
        answer = pickle.dumps(pipeline.run_task(task), protocol=pickle.HIGHEST_PROTOCOL)
        channel.write(len(answer).to_bytes(LENGTH_BYTES, "big") + answer)
        channel.flush()


_child_lock = threading.Lock()  # one task at a time per worker child (a worker may run threads)
_child: ParserChild | None = None


def parsed_in_time(task: Task) -> pipeline.Outcome:
    """One file parsed in the worker's child process, stopped at the task's time limit like a local
    build's; a child still busy `GRACE_SECONDS` later, or dead, is replaced."""
    global _child
    _path, relative, seconds, _max_bytes = task
    with _child_lock:
        if _child is None or _child.process.poll() is not None:
            _child = ParserChild()
        try:
            return _child.run(task, seconds + GRACE_SECONDS)
        except TimeoutError:
            _child.kill()
            _child = None
            return pipeline.Rejection(relative, f"解析超时（超过 {seconds} 秒），已停止")
        except (EOFError, OSError, pickle.UnpicklingError):
            _child.kill()
            _child = None
            return pipeline.Rejection(relative, "解析进程意外退出（内存不足或崩溃），未能读取")


def run_on_worker(job: ClusterTask) -> pipeline.Outcome | str:
    """One file on a worker: the outcome itself, or (with a cache) its key once it is stored there."""
    if job.version and job.version != worker_version():
        raise ClusterError(f"the worker's parser ({worker_version()}) is not the build's ({job.version})")
    cache = pipeline.cache_location(job.cache_dir) if job.cache_dir else None
    if isinstance(cache, Path):
        use_cache(cache)  # OCR and LibreOffice results shared too
    outcome = parsed_in_time(job.task)
    if cache is None:
        return outcome
    pipeline.store(cache, job.key, outcome)
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
    stored = pipeline.cached(pipeline.cache_location(job.cache_dir or ""), answer)
    if stored is None:
        raise ClusterError(f"the record of {job.task[1]} is not in the cache {job.cache_dir}: "
                           "do the workers share this cache directory?")
    return stored
