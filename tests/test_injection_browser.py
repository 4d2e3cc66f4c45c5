"""Report text is untrusted: a report full of injection attempts is built into the portal and
opened in Chromium; any dialog, any script the report carried, any request to another host fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from conftest import serve_under, site_project

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = site_project(tmp_path_factory.mktemp("hostile-site"), ROOT / "tests" / "hostile")
    result = subprocess.run([sys.executable, "-m", "gknb.cli", "build", "--site-dir", "site"], cwd=folder,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return folder / "site"


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    yield from serve_under(site.parent / "www", site, "portal")


def report_pages(site: Path) -> list[str]:
    """The report pages (reports/<region>/<body>/<year>/), not the redirects at the hash addresses."""
    return sorted(p.relative_to(site).parent.as_posix() for p in (site / "reports").glob("*/*/*/index.html"))


def test_hostile_report_page_runs_nothing_it_carries(site: Path, served: str, browser: Any) -> None:
    pages = report_pages(site)
    assert pages, "the hostile report must be published, not rejected"
    dialogs: list[str] = []
    outside: list[str] = []
    errors: list[str] = []
    page = browser.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((served, "data:")) else None)
    for path in pages + ["", "findings/", "browse/region/"]:
        page.goto(f"{served}{path}", wait_until="load")
        for cell in page.locator("td").all()[:200]:  # mouse over every cell: no handler may fire
            cell.hover(timeout=2000)
        assert page.evaluate("() => window.__pwned === undefined"), f"{path}: a script from the report ran"
    page.goto(f"{served}{pages[0]}/", wait_until="load")
    body = page.inner_text("body")
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    page.close()
    assert dialogs == [] and outside == [] and errors == []
    assert "<script>window.__pwned='script'" in body  # shown as text, not run
    assert "{{ 7*7 }}" in body and "{% include 'main.html' %}" in body  # no template ran on it
    assert "[点我](javascript:" in body and not any(h.startswith("javascript:") for h in links)
