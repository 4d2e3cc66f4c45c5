"""Full-text search: Pagefind (1.6, extended build, from npm) indexes the report pages.

The plugin feeds each report page to `pagefind --service` as MkDocs renders it (`PagefindFeed`),
so indexing runs on another core during the build; `run_pagefind` indexes a built site from disk
instead (after a dirty rebuild, which renders only some pages, and for an empty portal).

Material's own search would ship one index of the whole site to every browser (about 70 MB for
1,000 Chinese reports); Pagefind splits its index into fragments fetched per query, all from the
site itself (`site/pagefind/`), so nothing is requested from another host.

Chinese text has no spaces, and Pagefind segments it twice, differently: jieba when indexing, the
browser's Intl.Segmenter when searching (Pagefind issue #1237). 复议 is one jieba word inside
行政复议 but 复|议 to ICU, so `行政复议` found one report of five with 1.5. We therefore index a
copy of each report page with a space between Chinese characters (every character a word), and
the search page asks for the query's characters as an exact phrase (overrides/assets/gknb.js):
the substring match Chinese readers expect, whatever either segmenter thinks a word is.
benchmarks/search_eval.py measured this against Pagefind 1.6's own segmentation (which adds
bigrams across word boundaries) on the same site: 1.6 alone finds 99.9 % of the true hits but 21 %
of what it returns does not hold the query and its highlights split names; spacing gives 100 % /
100 % with either version, and 1.6 fetches a little less per query (185 kB median, 296 kB at most,
against 190 / 344) and writes the same bytes for the same pages by itself (1.5 needed
`canonicalise_pagefind`, kept as a guard). README "Search" has the figures.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tempfile
import threading
from pathlib import Path
from typing import Sequence
from typing import Any

import cbor2

LANGUAGE = "zh"
INDEXED_MARKER = "data-pagefind-body"
EMPTY_INDEX_TEXT = "本门户暂无可检索的报告"
# CJK ideographs (and compatibility ideographs); punctuation is dropped by Pagefind anyway.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_BETWEEN_HAN = re.compile(f"(?<=[{_HAN}])(?=[{_HAN}])")
_TAG = re.compile(r"(<[^>]*>)")


class SearchIndexError(RuntimeError):
    pass


def spaced_text(text: str) -> str:
    """行政复议 → 行 政 复 议 (Latin words and digits untouched)."""
    return _BETWEEN_HAN.sub(" ", text)


def spaced_html(page: str) -> str:
    """The page with its text spaced out; tags and attribute values (filters, meta) unchanged."""
    return "".join(part if part.startswith("<") else spaced_text(part) for part in _TAG.split(page))


def write_index_copy(site_dir: Path, copy_dir: Path, pages: Sequence[str]) -> int:
    """Spaced copies of the pages Pagefind indexes, at the same paths (so result URLs match)."""
    for page in sorted(pages):
        target = copy_dir / page
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(spaced_html((site_dir / page).read_text(encoding="utf-8")), encoding="utf-8")
    return len(pages)


# Pagefind's extended build (it segments Chinese) from npm, pinned in build_tools/pagefind/ and
# installed by `make setup` into the virtual environment; PAGEFIND_BINARY_PATH (the variable
# Pagefind's own wrappers read) names another binary, e.g. another platform's @pagefind/* package.
PAGEFIND_PACKAGE = Path("pagefind") / "node_modules" / "@pagefind" / "linux-x64" / "bin" / "pagefind_extended"


def pagefind_executable() -> Path:
    """The binary named by PAGEFIND_BINARY_PATH, else the one `make setup` installed."""
    named = os.environ.get("PAGEFIND_BINARY_PATH")
    binary = Path(named) if named else Path(sys.prefix) / PAGEFIND_PACKAGE
    if not os.access(binary, os.X_OK):
        where = "PAGEFIND_BINARY_PATH" if named else "make setup (npm ci in build_tools/pagefind/) did not install it"
        raise SearchIndexError(f"Pagefind not found at {binary} ({where})")
    return binary


def pagefind_command(source_dir: Path, output_dir: Path) -> list[str]:
    return [str(pagefind_executable()), "--site", str(source_dir), "--output-path", str(output_dir),
            "--force-language", LANGUAGE, "--quiet"]


class PagefindFeed:
    """Pagefind's indexer as a service (`pagefind --service`), fed each report page as MkDocs
    renders it: the indexing runs in its own process on another core while MkDocs renders the rest,
    and no page is read back from disk. Protocol (as the `pagefind` Python package speaks it):
    base64 JSON messages, each followed by a comma, on stdin and stdout."""

    def __init__(self) -> None:
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen([str(pagefind_executable()), "--service"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self.errors)
        self.responses: dict[int, dict[str, Any]] = {}
        self.arrived = threading.Condition()
        self.last_id = 0
        self.pending: list[int] = []
        self.pages = 0
        threading.Thread(target=self.read_responses, daemon=True).start()
        self.index_id = self.wait(self.send({"type": "NewIndex", "config": {"force_language": LANGUAGE}}))["index_id"]

    def send(self, payload: dict[str, Any]) -> int:
        self.last_id += 1
        message = {"message_id": self.last_id, "payload": payload}
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
            self.process.stdin.flush()
        except OSError as error:
            raise SearchIndexError(f"pagefind --service stopped: {self.stderr_text()}") from error
        return self.last_id

    def stderr_text(self) -> str:
        self.errors.seek(0)
        return self.errors.read().decode("utf-8", errors="replace")[-2000:]

    def read_responses(self) -> None:
        try:
            self.collect_responses()
        finally:  # however reading ends, nobody waits for an answer that cannot come
            with self.arrived:
                self.responses[-1] = {"type": "Error", "message": "pagefind --service stopped answering"}
                self.arrived.notify_all()

    def collect_responses(self) -> None:
        assert self.process.stdout is not None
        buffer = b""
        while chunk := os.read(self.process.stdout.fileno(), 1 << 16):
            *messages, buffer = (buffer + chunk).split(b",")
            for message in messages:
                try:
                    response = json.loads(base64.b64decode(message, validate=True))
                except ValueError:
                    continue  # an empty message or a logged line: no answer to anyone
                with self.arrived:
                    # An error without a message id answers nothing in particular: it ends the feed.
                    message_id = response.get("message_id")
                    self.responses[-1 if message_id is None else int(message_id)] = response["payload"]
                    self.arrived.notify_all()

    def wait(self, message_id: int, seconds: float = 600) -> dict[str, Any]:
        with self.arrived:
            if not self.arrived.wait_for(lambda: message_id in self.responses or -1 in self.responses, seconds):
                raise SearchIndexError(f"pagefind --service gave no answer in {seconds:.0f} s")
            payload = self.responses.pop(message_id) if message_id in self.responses else self.responses[-1]
        if payload.get("type") == "Error":
            raise SearchIndexError(f"pagefind: {payload.get('message')} {self.stderr_text()}")
        return payload

    def page_html(self, content_html: str) -> str:
        """The page Pagefind is given for a report page's content: spaced out, as a whole document."""
        return f'<html lang="{LANGUAGE}"><body {INDEXED_MARKER}>{spaced_html(content_html)}</body></html>'

    def add_page(self, url: str, content_html: str) -> None:
        """One report page's content (what `data-pagefind-body` wraps on the built page), by its URL."""
        page = self.page_html(content_html)
        self.pending.append(self.send({"type": "AddFile", "index_id": self.index_id, "url": url,
                                       "file_contents": page, "file_path": None}))
        self.pages += 1

    def write(self, output: Path) -> None:
        """Wait for every page, write the index to `output` (replaced), stop the service."""
        try:
            for message_id in self.pending:
                self.wait(message_id)
            shutil.rmtree(output, ignore_errors=True)
            self.wait(self.send({"type": "WriteFiles", "index_id": self.index_id, "output_path": str(output)}))
            written(output)
        finally:
            self.close()
        canonicalise_pagefind(output)

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                # Pagefind may still be flushing the files WriteFiles answered for: on a loaded
                # machine a short wait killed it mid-write (an empty pagefind-entry.json).
                self.process.wait(timeout=300)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.errors.close()


def run_pagefind(site_dir: Path, pages: Sequence[str]) -> None:
    """Write `site_dir/pagefind/` from these built pages (paths relative to `site_dir`: the report pages)."""
    output = (site_dir / "pagefind").resolve()
    shutil.rmtree(output, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="gknb-search-") as copy:
        if write_index_copy(site_dir, Path(copy), pages) == 0:
            # Pagefind refuses an empty site; a portal with no readable report still needs an index
            # for its search page to load, so the home page stands in, saying so.
            (Path(copy) / "index.html").write_text(
                f'<html lang="{LANGUAGE}"><body {INDEXED_MARKER}><h1>{EMPTY_INDEX_TEXT}</h1></body></html>',
                encoding="utf-8")
        result = subprocess.run(pagefind_command(Path(copy), output), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({result.returncode}): {result.stderr or result.stdout}")
    canonicalise_pagefind(output)


# ---- a byte-identical index for the same content ------------------------------------------------
# Pagefind (1.5) writes its filter lists and the order of its filters from hash maps, so two runs
# over the same pages differ (upstream issue #638: fragments are stable, filters are not). Files
# are gzip("pagefind_dcd" + CBOR) named by a hash of their content and referenced from the
# `.pf_meta` file, itself named in `pagefind-entry.json`: sorting the lists and renaming by our own
# content hash makes the whole index a function of the content.

PAGEFIND_MAGIC = b"pagefind_dcd"


def read_pagefind_file(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(PAGEFIND_MAGIC):
        raise SearchIndexError(f"unexpected Pagefind file format: {path.name}")
    return cbor2.loads(data[len(PAGEFIND_MAGIC):])


def pagefind_bytes(value: Any) -> bytes:
    return gzip.compress(PAGEFIND_MAGIC + cbor2.dumps(value), mtime=0)


def content_name(prefix: str, data: bytes, length: int) -> str:
    return f"{prefix}{hashlib.sha256(data).hexdigest()[:length]}"


def canonical_filters(folder: Path, language: str, filters: list[list[str]]) -> list[list[str]]:
    """Rewrite each filter file with its values sorted; returns the meta's [name, hash] list, sorted."""
    renamed = []
    for name, old_hash in sorted(filters):
        old = folder / "filter" / f"{old_hash}.pf_filter"
        filter_name, values = read_pagefind_file(old)
        data = pagefind_bytes([filter_name, sorted(values, key=lambda v: str(v[0]))])
        new_hash = content_name(f"{language}_", data, 7)
        old.unlink()
        (folder / "filter" / f"{new_hash}.pf_filter").write_bytes(data)
        renamed.append([name, new_hash])
    return renamed


WRITE_WAIT_SECONDS = 120


def written(folder: Path) -> None:
    """Wait until Pagefind's files are on disk. Its service answers WriteFiles before every file is
    flushed; stopping it then (stdin closed) left an empty pagefind-entry.json on a busy machine."""
    deadline = time.monotonic() + WRITE_WAIT_SECONDS
    previous: tuple[int, int] | None = None
    while time.monotonic() < deadline:
        try:
            entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
            metas = [folder / f"pagefind.{info['hash']}.pf_meta" for info in entry["languages"].values()]
            if all(m.is_file() and m.stat().st_size for m in metas):
                files = [p for p in folder.rglob("*") if p.is_file()]
                now = (len(files), sum(p.stat().st_size for p in files))
                if now == previous:  # nothing grew since the last look: the writing is over
                    return
                previous = now
        except (OSError, ValueError, KeyError, TypeError):
            pass
        time.sleep(0.1)
    raise SearchIndexError(f"pagefind wrote no complete index to {folder} in {WRITE_WAIT_SECONDS} s")


def canonicalise_pagefind(folder: Path) -> None:
    """Make Pagefind's output depend only on the pages it indexed."""
    entry_path = folder / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, info in sorted(entry["languages"].items()):
        meta_path = folder / f"pagefind.{info['hash']}.pf_meta"
        meta = read_pagefind_file(meta_path)
        meta[3] = canonical_filters(folder, language, meta[3])
        data = pagefind_bytes(meta)
        meta_path.unlink()
        info["hash"] = content_name(f"{language}_", data, 10)
        (folder / f"pagefind.{info['hash']}.pf_meta").write_bytes(data)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
