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
import stat
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Iterator, Protocol

from gknb.check.registry import check_report, run_corpus_checks
from gknb.model.document import Document
from gknb.parse.corrections import apply_corrections
from gknb.parse.sidecar import apply_metadata, load_sidecar, sidecar_files
from gknb.parse import divisions
from gknb.parse.assemble import assemble_record
from gknb.model.errors import NotAReport, ReadError
from gknb.read import read_document
from gknb.read.common import use_cache
from gknb.read.pdf import scanned_page_count
from gknb.read.yaml_text import MAX_YAML_BYTES
from gknb.model.record import Record

SIDECAR_SUFFIXES = {".yml", ".yaml"}
MAX_INPUT_BYTES = 20 * 1024 * 1024   # a real report, even a PDF with images, is far smaller
MAX_DEPTH = 32                       # folders below this are listed as ignored (a real archive is a few deep)
SECONDS_PER_FILE = 60                # a file taking longer is stopped and rejected
PARALLEL_FROM = 48                   # below this many files, starting worker processes costs more than it saves
CHUNKS_PER_WORKER = 32              # tasks are handed to the parse workers in this many chunks each
MIN_SECTIONS = 2                     # fewer recognised sections and no tables: not an annual report


@dataclass(frozen=True)
class Rejection:
    path: str
    reason: str


@dataclass(frozen=True)
class Ignored:
    """Something in the content folder that is not read at all (hidden, not a regular file, too deep …)."""
    path: str
    reason: str


@dataclass
class Corpus:
    inputs: int = 0   # files read: every one is a record or a rejection
    records: list[Record] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)
    # display path (record.source.path, rejection.path) → the file, where they differ (a file name
    # that is not UTF-8 is shown decoded)
    origins: dict[str, Path] = field(default_factory=dict)


@dataclass(frozen=True)
class Options:
    cache_dir: CacheDir | None = None  # a folder or an fsspec URL; None: no cache
    jobs: int | None = None           # None: all cores for large corpora
    progress: bool = False            # a progress line on stderr
    seconds_per_file: int = SECONDS_PER_FILE
    max_bytes: int = MAX_INPUT_BYTES
    # Symbolic links are followed only to files under this folder (None: the content folder itself);
    # a shard's content folder is made of links into the project's.
    links_within: Path | None = None
    # A Dask scheduler (tcp://HOST:8786): files are parsed on its workers (corpus/cluster.py); None: here.
    scheduler: str | None = None


def looks_like_report(record: Record) -> bool:
    return len(record.sections) >= MIN_SECTIONS or bool(record.tables)


def document_text(document: Document) -> str:
    return "\n".join(line.text for line in document.lines)


def check_file(path: Path, max_bytes: int) -> None:
    """A ReadError unless `path` is a regular file within the size limit: judged on its metadata alone,
    before a byte is read (a FIFO would block, a sparse 30 GB file would fill the memory)."""
    try:
        info = path.stat()
    except OSError as error:
        raise ReadError(path, f"无法打开文件（cannot open: {error.strerror or error}）") from error
    if not stat.S_ISREG(info.st_mode):
        raise ReadError(path, "不是普通文件（命名管道、设备或文件夹），未读取（not a regular file）")
    if info.st_size > max_bytes:
        raise ReadError(path, f"文件过大（{info.st_size / 1048576:.1f} MB，上限 {max_bytes / 1048576:.0f} MB），未解析")


def read_report(path: Path, *, display_path: str | None = None, max_bytes: int = MAX_INPUT_BYTES) -> Record:
    """Read, parse and check one report; raises ReadError when the file cannot give a report."""
    check_file(path, max_bytes)
    document = read_document(path)
    if display_path is not None:
        document.path = display_path
    sidecar = load_sidecar(path, document.front_matter)
    record = assemble_record(document)
    if not looks_like_report(record):
        raise NotAReport(path, "未找到年度报告的章节或表格（不是政府信息公开工作年度报告？）")
    apply_metadata(record, sidecar, document_text(document))
    apply_corrections(record, sidecar.get("cells"), sidecar.path or path)  # before the checks: they check corrected values
    check_report(record)
    return record


@dataclass
class Inventory:
    """What a content folder holds: the input files, in a stable order, and what is not read, with why."""
    files: list[Path] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)


def display_name(relative: str) -> str:
    """A relative path as text: file names from an archive unzipped on Chinese Windows are GBK bytes,
    which Python holds as surrogate escapes that no UTF-8 writer accepts."""
    raw = os.fsencode(relative)
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def relative_name(path: Path, content_dir: Path) -> str:
    return display_name(path.relative_to(content_dir).as_posix())


def link_target_outside(path: Path, root: Path) -> bool:
    """A symbolic link whose target lies outside `root` (or nowhere): a link to /etc/passwd or to
    /proc/self/mem must not be published or read."""
    try:
        return not path.resolve(strict=True).is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a dangling link or a loop
        return True


class FolderEntry(Protocol):
    """What ignore_reason reads of an entry: an os.DirEntry while walking, a Path when a live update
    asks about the folders above one changed file."""
    @property
    def name(self) -> str: ...
    def is_symlink(self) -> bool: ...
    def is_dir(self) -> bool: ...
    def is_file(self) -> bool: ...
    def __fspath__(self) -> str: ...


def ignore_reason(entry: FolderEntry, links_within: Path, depth: int) -> str | None:
    """Why an entry of the content folder (at `depth`, 1 for its own entries) is not read, or None
    when it is (a file) or walked (a folder)."""
    if entry.name.startswith("."):
        return "隐藏文件或文件夹（名称以 . 开头，如 .git），未读取"
    path = Path(os.fspath(entry))
    if entry.is_symlink() and link_target_outside(path, links_within):
        return "符号链接指向内容文件夹之外（或不存在），未跟随"
    if entry.is_dir():
        if entry.is_symlink():
            return "链接的文件夹未跟随（其中的文件请直接放入内容文件夹）"
        return f"文件夹嵌套超过 {MAX_DEPTH} 层，其中的文件未读取" if depth >= MAX_DEPTH else None
    if not entry.is_file():
        return "不是普通文件（命名管道、套接字或设备），未读取"
    return None


def inventory(content_dir: Path, links_within: Path | None = None) -> Inventory:
    """Walk the folder without recursion (a tree 1,200 folders deep must not overflow the stack).

    Sidecar metadata goes with its report; one that belongs to no report is listed as ignored."""
    found = Inventory()
    sidecars: list[Path] = []
    stack: list[tuple[Path, int]] = [(content_dir, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as error:
            found.ignored.append(Ignored(relative_name(folder, content_dir), f"无法打开文件夹（{error.strerror}）"))
            continue
        for entry in entries:
            path = Path(entry.path)
            reason = ignore_reason(entry, links_within or content_dir, depth + 1)
            if reason is not None:
                found.ignored.append(Ignored(relative_name(path, content_dir), reason))
            elif entry.is_dir():
                stack.append((path, depth + 1))
            elif path.suffix.lower() in SIDECAR_SUFFIXES:
                sidecars.append(path)
            else:
                found.files.append(path)
    # each report's sidecars are looked for again when it is read: here only to find the unclaimed ones
    claimed = {sidecar for report in found.files for sidecar in sidecar_files(report)} if sidecars else set()
    found.ignored.extend(Ignored(relative_name(s, content_dir), "侧车元数据文件没有对应的报告文件，未使用")
                         for s in sidecars if s not in claimed)
    found.files.sort(key=lambda p: p.relative_to(content_dir).as_posix())
    found.ignored.sort(key=lambda i: i.path)
    return found


def input_files(content_dir: Path, links_within: Path | None = None) -> list[Path]:
    """Every file in the folder that is read as a report, in a stable order.

    Files of unknown type are inputs too, so that they end on the list of rejections rather
    than vanish."""
    return inventory(content_dir, links_within).files


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


HASH_CHUNK = 1 << 20


def cache_key(path: Path, relative: str, version: str) -> str:
    """Content, sidecars, name and parser version; read in chunks (OSError when a file cannot be read)."""
    digest = hashlib.sha256(version.encode() + os.fsencode(relative))
    for part in (path, *sidecar_files(path)):
        size = part.stat().st_size
        if part != path and size > MAX_YAML_BYTES:  # rejected on its size: not worth reading
            digest.update(f"oversized sidecar {size}".encode())
            continue
        with part.open("rb") as stream:
            while chunk := stream.read(HASH_CHUNK):
                digest.update(chunk)
    return digest.hexdigest()


Outcome = Record | Rejection
DIGEST_BYTES = 32  # sha256 of the pickle, written before it


# Where parsed records are kept: a folder, or any fsspec URL (s3://bucket/gknb-cache, a shared
# file:// mount …) that a cluster's workers and the build both reach.
CacheDir = Path | str


def is_url(cache_dir: CacheDir) -> bool:
    return isinstance(cache_dir, str) and "://" in cache_dir


def cache_location(text: str) -> CacheDir:
    """A cache given as text (mkdocs.yml, a Dask task): an fsspec URL stays one, anything else is a folder."""
    return text if is_url(text) else Path(text)


def read_cached(cache_dir: CacheDir, name: str) -> bytes:
    """An entry's bytes (OSError when there is none)."""
    if is_url(cache_dir):
        import fsspec  # type: ignore[import-untyped]  # a dependency of Dask; loaded only for a cache at a URL

        with fsspec.open(f"{str(cache_dir).rstrip('/')}/{name}", "rb") as stream:
            data: bytes = stream.read()
            return data
    return (Path(cache_dir) / name).read_bytes()


def write_cached(cache_dir: CacheDir, name: str, data: bytes) -> None:
    """An entry written whole or not at all: a local file by rename, a URL by one put (atomic on object stores)."""
    if is_url(cache_dir):
        import fsspec

        filesystem, root = fsspec.core.url_to_fs(str(cache_dir))
        filesystem.makedirs(root, exist_ok=True)
        filesystem.pipe_file(f"{root.rstrip('/')}/{name}", data)
        return
    folder = Path(cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"
    temporary.write_bytes(data)
    temporary.replace(folder / name)


def cached(cache_dir: CacheDir, key: str) -> Outcome | None:
    """The stored outcome, or None when there is none or it is damaged: an entry whose digest does not
    match is never unpickled (a flipped bit can give a record with silently changed numbers)."""
    try:
        data = read_cached(cache_dir, f"{key}.pickle")
    except OSError:
        return None
    digest, payload = data[:DIGEST_BYTES], data[DIGEST_BYTES:]
    if hashlib.sha256(payload).digest() != digest:
        return None
    try:
        value = pickle.loads(payload)
    except Exception:  # noqa: BLE001 — an entry from another version of the code: parse again
        return None
    return value if isinstance(value, (Record, Rejection)) else None


def store(cache_dir: CacheDir, key: str, outcome: Outcome) -> None:
    payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    write_cached(cache_dir, f"{key}.pickle", hashlib.sha256(payload).digest() + payload)


# ---- one file, guarded --------------------------------------------------------------------------

class TimeLimit(BaseException):
    """Raised by the alarm: a BaseException, so that no library's `except Exception` swallows it and
    reports the time-out as a damaged file."""


def raise_timeout(_signum: int, _frame: FrameType | None) -> None:
    raise TimeLimit


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
    except TimeLimit:
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
    divisions.load()  # once, here: the forked workers share it instead of each building it again
    with frozen_heap(), ProcessPoolExecutor(max_workers=jobs) as pool:
        # small chunks: a report costs 2–15 ms by format, and with 8 chunks a worker the last chunk
        # left one core idle for a tenth of the run; a chunk's round trip costs well under a millisecond
        yield from pool.map(run_task, tasks, chunksize=max(1, len(tasks) // (jobs * CHUNKS_PER_WORKER)))


def cluster_outcomes(tasks: list[tuple[str, str, int, int]], keys: list[str], version: str,
                     options: Options) -> Iterator[Outcome]:
    """The tasks parsed on the Dask cluster of `options.scheduler`, in order."""
    from gknb.corpus.cluster import ClusterTask, outcomes_on_cluster  # Dask loads only for a cluster build

    cache = str(options.cache_dir) if options.cache_dir else None
    jobs = [ClusterTask(task, cache, key, version) for task, key in zip(tasks, keys)]
    return outcomes_on_cluster(jobs, options.scheduler or "")


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



def known_outcome(path: Path, relative: str, version: str, options: Options) -> tuple[str, Outcome | None]:
    """The cache key and the outcome known without parsing: a rejection on the file's metadata or
    when it cannot be read, else the cached outcome (None when the file must be parsed)."""
    try:
        check_file(path, options.max_bytes)
        if not options.cache_dir:
            return "", None
        key = cache_key(path, relative, version)
    except ReadError as error:
        return "", Rejection(relative, error.reason)
    except OSError as error:
        return "", Rejection(relative, f"无法读取文件（cannot read: {error.strerror or error}）")
    return key, cached(options.cache_dir, key)


def build_corpus(content_dir: Path, options: Options = Options()) -> Corpus:
    """Every input file as a record or a rejection, with the cross-report checks applied; what is
    not read is listed in `ignored`."""
    found = inventory(content_dir, options.links_within)
    files = found.files
    use_cache(options.cache_dir if isinstance(options.cache_dir, Path) else None)  # OCR results: a local folder only
    version = parser_version() if options.cache_dir or options.scheduler else ""
    outcomes: dict[int, Outcome] = {}
    keys: dict[int, str] = {}
    tasks: list[tuple[str, str, int, int]] = []
    pending: list[int] = []
    corpus = Corpus(inputs=len(files), ignored=found.ignored)
    for index, path in enumerate(files):
        relative = relative_name(path, content_dir)
        if relative != path.relative_to(content_dir).as_posix():
            corpus.origins[relative] = path
        keys[index], known = known_outcome(path, relative, version, options)
        if known is not None:
            outcomes[index] = known
            continue
        tasks.append((str(path), relative, options.seconds_per_file, options.max_bytes))
        pending.append(index)
    jobs = options.jobs or os.cpu_count() or 1
    scans = pages_to_recognise(tasks) if options.progress else {}
    recognised = 0
    parsed = (outcomes_of(tasks, jobs) if not options.scheduler
              else cluster_outcomes(tasks, [keys[index] for index in pending], version, options))
    for done, (index, outcome) in enumerate(zip(pending, parsed), 1):
        outcomes[index] = outcome
        if options.cache_dir and keys[index] and not options.scheduler:  # a cluster's workers stored it
            store(options.cache_dir, keys[index], outcome)
        recognised += scans.get(tasks[done - 1][0], 0)
        report_progress(done, len(tasks), options.progress, (recognised, sum(scans.values())))
    for index in range(len(files)):
        outcome = outcomes[index]
        if isinstance(outcome, Record):
            corpus.records.append(outcome)
        else:
            corpus.rejected.append(outcome)
    run_corpus_checks(corpus.records)
    return corpus
