"""Report text is untrusted: a report full of injection attempts is built into the portal and
opened in Chromium; any dialog, any script the report carried, any request to another host fails."""

from __future__ import annotations

import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest
from conftest import site_project

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is installed by .ci/run")]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = site_project(tmp_path_factory.mktemp("hostile-site"), ROOT / "tests" / "hostile")
    result = subprocess.run([sys.executable, "-m", "gknb.cli", "build", "--site-dir", "site"], cwd=folder,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return folder / "site"


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def report_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).parent.as_posix() for p in (site / "reports").rglob("index.html"))


def test_hostile_report_page_runs_nothing_it_carries(site: Path, served: str) -> None:
    from playwright.sync_api import sync_playwright

    pages = report_pages(site)
    assert pages, "the hostile report must be published, not rejected"
    dialogs: list[str] = []
    outside: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"])
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((served, "data:")) else None)
        for path in pages + ["", "findings/", "browse/region/"]:
            page.goto(f"{served}/{path}", wait_until="load")
            for cell in page.locator("td").all()[:200]:  # mouse over every cell: no handler may fire
                cell.hover(timeout=2000)
            assert page.evaluate("() => window.__pwned === undefined"), f"{path}: a script from the report ran"
        page.goto(f"{served}/{pages[0]}/", wait_until="load")
        body = page.inner_text("body")
        links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        browser.close()
    assert dialogs == [] and outside == [] and errors == []
    assert "<script>window.__pwned='script'" in body  # shown as text, not run
    assert "{{ 7*7 }}" in body and "{% include 'main.html' %}" in body  # no template ran on it
    assert "[点我](javascript:" in body and not any(h.startswith("javascript:") for h in links)
