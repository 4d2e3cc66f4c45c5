"""One report file → one checked record; a content folder → a corpus of records and rejections.

One bad report never stops the build: every input ends as a record or as a rejection with the
reason (pelican: readers → records → writers). Large corpora are parsed on all cores; a cache
keyed by file content and parser version means a rebuild re-parses only what changed.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Iterator

from gknb.check.registry import run_corpus_checks, run_report_checks
from gknb.model.document import Document
from gknb.parse.sidecar import apply_metadata, load_sidecar, sidecar_files
from gknb.parse.assemble import assemble_record
from gknb.model.errors import NotAReport, ReadError
from gknb.read import read_document
from gknb.read.common import use_cache
from gknb.read.pdf import scanned_page_count
from gknb.model.record import Record

SIDECAR_SUFFIXES = {".yml", ".yaml"}
MAX_INPUT_BYTES = 20 * 1024 * 1024   # a real report, even a PDF with images, is far smaller
SECONDS_PER_FILE = 60                # a file taking longer is stopped and rejected
PARALLEL_FROM = 48                   # below this many files, starting worker processes costs more than it saves
MIN_SECTIONS = 2                     # fewer recognised sections and no tables: not an annual report


@dataclass(frozen=True)
class Rejection:
    path: str
    reason: str


@dataclass
class Corpus:
    inputs: int = 0
    records: list[Record] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    cache_dir: Path | None = None     # None: no cache
    jobs: int | None = None           # None: all cores for large corpora
    progress: bool = False            # a progress line on stderr
    seconds_per_file: int = SECONDS_PER_FILE
    max_bytes: int = MAX_INPUT_BYTES


def looks_like_report(record: Record) -> bool:
    return len(record.sections) >= MIN_SECTIONS or bool(record.tables)


def document_text(document: Document) -> str:
    return "\n".join(line.text for line in document.lines)


def read_report(path: Path, *, display_path: str | None = None, max_bytes: int = MAX_INPUT_BYTES) -> Record:
    """Read, parse and check one report; raises ReadError when the file cannot give a report."""
    size = path.stat().st_size
    if size > max_bytes:
        raise ReadError(path, f"文件过大（{size / 1048576:.1f} MB，上限 {max_bytes / 1048576:.0f} MB），未解析")
    document = read_document(path)
    if display_path is not None:
        document.path = display_path
    sidecar = load_sidecar(path, document.front_matter)
    record = assemble_record(document)
    if not looks_like_report(record):
        raise NotAReport(path, "未找到年度报告的章节或表格（不是政府信息公开工作年度报告？）")
    apply_metadata(record, sidecar, document_text(document))
    record.findings = run_report_checks(record)
    return record


def input_files(content_dir: Path) -> list[Path]:
    """Every file in the folder but sidecar metadata, in a stable order.

    Files of unknown type are inputs too, so that they end on the list of rejections rather
    than vanish."""
    files = [p for p in content_dir.rglob("*") if p.is_file() and not p.name.startswith(".")
             and p.suffix.lower() not in SIDECAR_SUFFIXES]
    return sorted(files, key=lambda p: p.relative_to(content_dir).as_posix())


# ---- cache ----------------------------------------------------------------------------------------

# What a record depends on: the stages up to the checks and their data. Pages and publishing
# are left out, so that editing a page template keeps the parse cache.
PARSE_STAGES = ("model", "read", "parse", "check", "corpus", "data")


def parser_version() -> str:
    """A digest of the code and data parsing depends on: any change to them invalidates the cache."""
    package = Path(__file__).parent.parent
    digest = hashlib.sha256()
    for stage in PARSE_STAGES:
        for source in sorted((package / stage).rglob("*")):
            if source.is_file() and source.suffix != ".pyc":
                digest.update(source.relative_to(package).as_posix().encode())
                digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(path: Path, relative: str, version: str) -> str:
    digest = hashlib.sha256(version.encode() + relative.encode())
    digest.update(path.read_bytes())
    for sidecar in sidecar_files(path):
        digest.update(sidecar.read_bytes())
    return digest.hexdigest()


Outcome = Record | Rejection


def cached(cache_dir: Path, key: str) -> Outcome | None:
    try:
        value = pickle.loads((cache_dir / f"{key}.pickle").read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return value if isinstance(value, (Record, Rejection)) else None


def store(cache_dir: Path, key: str, outcome: Outcome) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    temporary = cache_dir / f".{key}.{os.getpid()}.tmp"
    temporary.write_bytes(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
    temporary.replace(cache_dir / f"{key}.pickle")


# ---- one file, guarded --------------------------------------------------------------------------

def raise_timeout(_signum: int, _frame: FrameType | None) -> None:
    raise TimeoutError


def report_or_rejection(path: Path, relative: str, seconds: int, max_bytes: int) -> Outcome:
    """A record, or the reason the file gives none; never raises, never runs past `seconds`."""
    can_alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM")
    if can_alarm:
        previous = signal.signal(signal.SIGALRM, raise_timeout)
        signal.alarm(seconds)
    try:
        return read_report(path, display_path=relative, max_bytes=max_bytes)
    except ReadError as error:
        return Rejection(relative, error.reason)
    except TimeoutError:
        return Rejection(relative, f"解析超时（超过 {seconds} 秒），已停止")
    except RecursionError:
        return Rejection(relative, "文件结构嵌套过深，无法解析")
    except Exception as error:  # noqa: BLE001 — one broken file must not stop the build
        return Rejection(relative, f"内部错误 {type(error).__name__}: {error}")
    finally:
        if can_alarm:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)


def run_task(task: tuple[str, str, int, int]) -> Outcome:
    """One worker task (path, display path, seconds, byte limit): picklable arguments for the pool."""
    path, relative, seconds, max_bytes = task
    return report_or_rejection(Path(path), relative, seconds, max_bytes)


def outcomes_of(tasks: list[tuple[str, str, int, int]], jobs: int) -> Iterator[Outcome]:
    """The outcome of every task, in order: in this process for small corpora, else on `jobs` workers."""
    if jobs <= 1 or len(tasks) < PARALLEL_FROM:
        yield from map(run_task, tasks)
        return
    with frozen_heap(), ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(run_task, tasks, chunksize=max(1, len(tasks) // (jobs * 8)))


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Around forking workers: the objects alive now leave the garbage collector's view, so that
    a collection in a worker does not touch (and so copy) every page inherited from this process."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def report_progress(done: int, total: int, enabled: bool, pages: tuple[int, int] = (0, 0)) -> None:
    """The progress line: files parsed, and pages recognised by OCR when there are scans (a
    scanned page costs as much as hundreds of text reports, so files alone would stall the bar)."""
    if enabled and (done == total or done % 50 == 0 or pages[1]):
        width = 30
        share = (done + pages[0]) / max(total + pages[1], 1)
        filled = int(width * share)
        scanned = f"，扫描页 {pages[0]}/{pages[1]}" if pages[1] else ""
        print(f"\rgknb: 解析 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}{scanned}", end="", file=sys.stderr)
        if done == total:
            print(file=sys.stderr)


def pages_to_recognise(tasks: list[tuple[str, str, int, int]]) -> dict[str, int]:
    """Scanned pages of each PDF to parse, counted up front for the progress line."""
    counts = {}
    for path, *_ in tasks:
        if path.lower().endswith(".pdf"):
            counts[path] = scanned_page_count(Path(path))
    return {path: count for path, count in counts.items() if count}



def build_corpus(content_dir: Path, options: Options = Options()) -> Corpus:
    """Every input file as a record or a rejection, with the cross-report checks applied."""
    files = input_files(content_dir)
    use_cache(options.cache_dir)
    version = parser_version() if options.cache_dir else ""
    outcomes: dict[int, Outcome] = {}
    keys: dict[int, str] = {}
    tasks: list[tuple[str, str, int, int]] = []
    pending: list[int] = []
    for index, path in enumerate(files):
        relative = path.relative_to(content_dir).as_posix()
        if options.cache_dir:
            keys[index] = cache_key(path, relative, version)
            hit = cached(options.cache_dir, keys[index])
            if hit is not None:
                outcomes[index] = hit
                continue
        tasks.append((str(path), relative, options.seconds_per_file, options.max_bytes))
        pending.append(index)
    jobs = options.jobs or os.cpu_count() or 1
    scans = pages_to_recognise(tasks) if options.progress else {}
    recognised = 0
    for done, (index, outcome) in enumerate(zip(pending, outcomes_of(tasks, jobs)), 1):
        outcomes[index] = outcome
        if options.cache_dir:
            store(options.cache_dir, keys[index], outcome)
        recognised += scans.get(tasks[done - 1][0], 0)
        report_progress(done, len(tasks), options.progress, (recognised, sum(scans.values())))
    corpus = Corpus(inputs=len(files))
    for index in range(len(files)):
        outcome = outcomes[index]
        if isinstance(outcome, Record):
            corpus.records.append(outcome)
        else:
            corpus.rejected.append(outcome)
    run_corpus_checks(corpus.records)
    return corpus
