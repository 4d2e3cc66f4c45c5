"""How long a changed report takes to show under `mkdocs serve` (the plugin's live update).

    .venv/bin/python benchmarks/live.py PROJECT [--report FILE]

Builds PROJECT (a folder with mkdocs.yml) as `mkdocs serve` builds it, in this process, then
changes one report of its content folder (a figure of table 二, or a line added) and runs the
rebuild that `mkdocs serve` runs on a change. Prints one JSON line: the first build's seconds,
the seconds until the changed report's pages and files are written (what the browser reloads),
then until its search entry is in the index (made in the background), and what was made again.
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

SERVE_URL = "http://127.0.0.1:8000/"


class Server:
    """What the plugin's on_serve uses of MkDocs' LiveReloadServer."""

    def __init__(self, builder: Callable[[], None]) -> None:
        self.builder: Any = builder
        self.watched: list[str] = []

    def watch(self, path: str) -> None:
        self.watched.append(path)


def served(project: Path, site_dir: Path) -> tuple[Any, Server, list[int], float]:
    """PROJECT built into `site_dir` as `mkdocs serve` builds it, in this process: its config, its
    server (whose builder the plugin has replaced), the full rebuilds counted, the first build's seconds."""
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
    server = Server(full)
    first.plugins["gknb"].on_serve(server, config=first, builder=full)
    return first, server, full_builds, seconds


def changed_figure(text: str) -> str:
    """The report with its 行政许可 figure one higher (or a line added when it has none)."""
    found = re.search(r"(行政许可\D{0,12}?)(\d+)", text)
    if found is None:
        return text + "\n"
    return text[:found.start(2)] + str(int(found.group(2)) + 1) + text[found.end(2):]


def measure(project: Path, report: Path | None) -> dict[str, Any]:
    first, server, full, first_build = served(project, project / "site-live")
    plugin = first.plugins["gknb"]
    content = Path(plugin.live.content_dir)
    target = report or sorted(p for p in content.iterdir() if p.suffix == ".txt")[0]
    target.write_text(changed_figure(target.read_text(encoding="utf-8")), encoding="utf-8")
    started = time.perf_counter()
    server.builder()
    pages = time.perf_counter() - started
    builder = server.builder
    if builder.search is not None:
        builder.search.join()
    searched = time.perf_counter() - started
    last = builder.last
    return {"reports": len(plugin.live.corpus.records), "first_build_s": round(first_build, 2),
            "live_update_s": round(pages, 2), "with_search_s": round(searched, 2), "full_rebuilds": len(full),
            "read_again": last.touched, "pages_rendered": last.pages, "files_written": last.files,
            "removed": last.removed, "changed": target.name}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--report", type=Path)
    args = parser.parse_args()
    print(json.dumps(measure(args.project.resolve(), args.report), ensure_ascii=False))


if __name__ == "__main__":
    main()
