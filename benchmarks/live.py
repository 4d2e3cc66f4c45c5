"""How long a changed report takes to show under `mkdocs serve` (the plugin's live update).

    .venv/bin/python benchmarks/live.py PROJECT [--report FILE]

Builds PROJECT (a folder with mkdocs.yml) as `mkdocs serve` builds it, in this process, then
changes one report of its content folder (a figure of table 二, or a line added) and runs the
rebuild that `mkdocs serve` runs on a change. Prints one JSON line: the first build's seconds;
`live_update_s`, the seconds until the rebuild returns and MkDocs reloads the browser: the corpus
brought up to date, the changed report's pages, the listings it appears in (region, type, year,
ranking, its body's timeline) and its addresses rendered and written; `all_written_s`, until the
rest is written too (home, statistics, findings, open data, workbooks, feeds, index files, the
source copy: made in the background); `with_search_s`, until its search entry is in the index
(after that); and what was made again.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path
from typing import Any, Callable

from mkdocs.commands.build import build
from mkdocs.config import load_config
from watchdog.observers.polling import PollingObserver

SERVE_URL = "http://127.0.0.1:8000/"


class Server:
    """What the plugin's on_serve uses of MkDocs' LiveReloadServer; with `watch`, its file watcher
    too (the polling observer of watchdog that MkDocs runs, started after the first build as there)."""

    def __init__(self, builder: Callable[[], None], watch: bool = False) -> None:
        self.builder: Any = builder
        self.watched: list[str] = []
        if watch:
            self.observer = PollingObserver(timeout=0.5)  # MkDocs' default polling interval

    def watch(self, path: str) -> None:
        self.watched.append(path)

    def close(self) -> None:
        if hasattr(self, "observer") and self.observer.is_alive():
            self.observer.stop()
            self.observer.join()

    def seen(self, path: Path, timeout: float = 30.0) -> bool:
        """Wait until the plugin's watcher has been told `path` changed (MkDocs builds after that)."""
        watcher = getattr(self.builder, "watcher", None)
        deadline = time.monotonic() + timeout
        while watcher is not None and time.monotonic() < deadline:
            with watcher.lock:
                if path in watcher.paths:
                    return True
            time.sleep(0.05)
        return False


def served(project: Path, site_dir: Path, watch: bool = False) -> tuple[Any, Server, list[int], float]:
    """PROJECT built into `site_dir` as `mkdocs serve` builds it, in this process: its config, its
    server (whose builder the plugin has replaced; with `watch`, the file watcher running), the full
    rebuilds counted, the first build's seconds."""
    def config() -> Any:
        loaded = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site_dir))
        loaded.site_url = SERVE_URL
        return loaded

    first = config()
    first.plugins.on_startup(command="serve", dirty=False)
    full_builds: list[int] = []

    def full() -> None:
        full_builds.append(1)
        build(config(), serve_url=SERVE_URL)

    started = time.perf_counter()
    build(first, serve_url=SERVE_URL)
    seconds = time.perf_counter() - started
    server = Server(full, watch)
    first.plugins["gknb"].on_serve(server, config=first, builder=full)
    if watch:
        server.observer.start()
    return first, server, full_builds, seconds


def changed_figure(text: str) -> str:
    """The report with its 行政许可 figure one higher (or a line added when it has none)."""
    found = re.search(r"(行政许可\D{0,12}?)(\d+)", text)
    if found is None:
        return text + "\n"
    return text[:found.start(2)] + str(int(found.group(2)) + 1) + text[found.end(2):]


def measure(project: Path, report: Path | None, watch: bool = True) -> dict[str, Any]:
    first, server, full, first_build = served(project, project / "site-live", watch)
    plugin = first.plugins["gknb"]
    content = Path(plugin.live.content_dir)
    target = report or sorted(p for p in content.iterdir() if p.suffix == ".txt")[0]
    time.sleep(1.0)  # the watcher's first listing of the folder done (MkDocs starts it after the build)
    target.write_text(changed_figure(target.read_text(encoding="utf-8")), encoding="utf-8")
    watched = server.seen(target.resolve()) if watch else False
    started = time.perf_counter()
    server.builder()
    pages = time.perf_counter() - started
    builder = server.builder
    builder.wait_written()
    written = time.perf_counter() - started
    builder.wait()
    searched = time.perf_counter() - started
    server.close()
    last = builder.last
    return {"reports": len(plugin.live.corpus.records), "first_build_s": round(first_build, 2),
            "live_update_s": round(pages, 2), "all_written_s": round(written, 2), "with_search_s": round(searched, 2),
            "full_rebuilds": len(full), "watched": watched and builder.changed is not None,
            "read_again": last.touched, "pages_rendered": last.pages, "files_written": last.files,
            "removed": last.removed, "changed": target.name}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--report", type=Path)
    parser.add_argument("--no-watch", action="store_true", help="no file watcher: the update lists the content folder")
    args = parser.parse_args()
    print(json.dumps(measure(args.project.resolve(), args.report, not args.no_watch), ensure_ascii=False))


if __name__ == "__main__":
    main()
