from __future__ import annotations

import functools
import http.server
import os
import threading
import zlib
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import settings

# In CI the property tests run a fixed set of examples (a red CI must mean a real regression);
# locally they explore new random examples on every run.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def site_config(folder: Path) -> Path:
    """A copy of the project's site configuration (mkdocs.yml, docs/, overrides/) in `folder`."""
    import shutil

    for name in ("mkdocs.yml", "docs", "overrides"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        else:
            shutil.copy(source, folder / name)
    return folder


def site_project(folder: Path, content: Path) -> Path:
    """A copy of the project's site configuration building a copy of `content`."""
    import shutil

    shutil.copytree(content, site_config(folder) / "content")
    return folder


# ---- the browser tests' shared plumbing -----------------------------------------------------------
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 — the base class's name
        pass


class PagesHandler(QuietHandler):
    """As GitHub Pages serves a project site: a missing address under the sub-path gets the site's
    404.html, with status 404, at that address."""
    not_found: Path | None = None

    def send_head(self) -> Any:
        # GitHub Pages revalidates by ETag, which changes with the bytes; http.server's Last-Modified
        # counts whole seconds, so a page rebuilt within the second it was first fetched would come
        # back 304 and the browser would show the old bytes. Every answer here is a full one.
        del self.headers["If-Modified-Since"]   # no error when there is none
        return super().send_head()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404 or self.not_found is None or not self.not_found.is_file():
            super().send_error(code, message, explain)
            return
        body = self.not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def serve_under(www: Path, site: Path, sub_path: str, kind: type[PagesHandler] | None = None) -> Iterator[str]:
    """Serve `site` at http://127.0.0.1:PORT/<sub_path>/ (a link, so the site knows nothing of it);
    `kind`: another server's habits than GitHub Pages' (a PagesHandler)."""
    www.mkdir(exist_ok=True)
    if not (www / sub_path).exists():
        (www / sub_path).symlink_to(site, target_is_directory=True)
    handler = type("Handler", (kind or PagesHandler,), {"not_found": site / "404.html"})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(www)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/{sub_path}/"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian chromium driven by Playwright (it cannot download its own browsers here)."""
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def keyed_cells(page: Any) -> dict[str, Any]:
    """A report page's official-table cells (lxml elements) by cell key, derived from each row's data-row
    and the official layout as assets/gknb-cells.js does in the browser (the HTML names no key per cell)."""
    from gknb.portal.render import row_cell_keys

    cells: dict[str, Any] = {}
    for table in page.iter("table"):
        if not table.get("data-template"):
            continue
        for tr in table.iter("tr"):
            if tr.get("data-row") is None:
                continue
            tds = [td for td in tr if td.tag == "td"]
            raw = ["cell-row-raw" in (td.get("class") or "").split() for td in tds]
            keys = row_cell_keys(table.get("data-template"), table.get("data-table"), tr.get("data-row"), raw)
            assert len(keys) == len(tds), (tr.get("data-row"), len(keys), len(tds))
            cells.update(zip(keys, tds))
    return cells


def gzip_members(data: bytes) -> list[bytes]:
    """What each gzip member of `data` holds, member by member (gzip.decompress would join them)."""
    members = []
    while data:
        reader = zlib.decompressobj(wbits=31)
        members.append(reader.decompress(data) + reader.flush())
        data = reader.unused_data
    return members
