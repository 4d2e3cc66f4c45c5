"""Issue 15, all cases at once: one content folder holding every hostile input is built into the portal.

Every input ends published, rejected or listed as ignored; the build's peak memory (resource.getrusage,
not a clock) stays under 1 GB; the published sources run nothing in Chromium; the Content-Security-Policy
allows no inline script but the theme's own, by hash, and the nginx header in docs/deploy.md is the same."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import random
import re
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

import pytest
from conftest import serve_under
from hostile_cases import build_outcomes, hostile_project, measured_build, remove_deep_tree

ROOT = Path(__file__).resolve().parent.parent
PEAK_LIMIT_KB = 1024 * 1024
CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.DOTALL)


class Built:
    def __init__(self, project: Path, expected: dict[str, list[str]], peak_kb: int) -> None:
        self.project, self.expected, self.peak_kb = project, expected, peak_kb
        self.site = project / "site"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    project = tmp_path_factory.mktemp("hostile2-site")
    expected = hostile_project(project)
    try:
        code, stderr, peak = measured_build(project, "--site-dir", "site")
        assert code == 0, stderr[-3000:]
        yield Built(project, expected, peak)
    finally:
        remove_deep_tree(project / "content")
        (project / "content" / "huge.pdf").unlink()


pytestmark = pytest.mark.site


def test_every_input_is_published_rejected_or_listed_as_ignored(built: Built) -> None:
    outcomes = build_outcomes(built.site)
    assert outcomes == {kind: sorted(paths) for kind, paths in built.expected.items()}
    report = json.loads((built.site / "data" / "build-report.json").read_text(encoding="utf-8"))
    assert report["inputs"] == len(outcomes["published"]) + len(outcomes["rejected"])
    page = (built.site / "findings" / "rejected" / "index.html").read_text(encoding="utf-8")
    assert all(f"<code>{path}</code>" in page for path in outcomes["rejected"] + outcomes["ignored"])


def test_the_build_of_every_case_stays_under_1_gb(built: Built) -> None:
    assert built.peak_kb < PEAK_LIMIT_KB, f"peak RSS {built.peak_kb / 1024:.0f} MB"


def test_reports_jsonl_is_strict_json(built: Built) -> None:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    lines = gzip.decompress((built.site / "data" / "reports.jsonl.gz").read_bytes()).decode("utf-8").splitlines()
    assert len(lines) == len(built.expected["published"])
    for line in lines:
        json.loads(line, parse_constant=refuse)


def test_a_damaged_cache_is_parsed_again(built: Built) -> None:
    """Bit flips in every entry of the build's cache: the next build publishes the same records."""
    rng = random.Random(15)
    for entry in sorted((built.project / ".gknb-cache").glob("*.pickle")):
        data = bytearray(entry.read_bytes())
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        entry.write_bytes(bytes(data))
    before = (built.site / "data" / "reports.jsonl.gz").read_bytes()
    code, stderr, _peak = measured_build(built.project, "--site-dir", "site-again")
    assert code == 0, stderr[-3000:]
    assert (built.project / "site-again" / "data" / "reports.jsonl.gz").read_bytes() == before


def test_sources_are_published_under_names_a_browser_does_not_run(built: Built) -> None:
    names = sorted(p.name for p in (built.site / "data" / "sources").rglob("*") if p.is_file())
    assert names and all(name.endswith((".txt", ".pdf", ".docx")) for name in names)
    assert any(name.endswith(".html.txt") for name in names) and any(name.endswith(".md.txt") for name in names)


def script_directive(policy: str) -> str:
    """script-src, or default-src where there is none (the redirect pages' `default-src 'none'`)."""
    directives = {d.split()[0]: d for d in (part.strip() for part in policy.split(";")) if d}
    return directives.get("script-src") or directives["default-src"]


def script_hashes(policy: str) -> set[str]:
    return {token.strip("'")[len("sha256-"):] for token in script_directive(policy).split() if token.startswith("'sha256-")}


def test_every_inline_script_is_allowed_by_hash_and_no_other(built: Built) -> None:
    pages = sorted(built.site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        policy = CSP_META.search(html)
        assert policy is not None, page
        assert "'unsafe-inline'" not in script_directive(policy.group(1))
        resources = [at for at in (html.find("<script"), html.find('<link rel="stylesheet"')) if at >= 0]
        assert all(policy.start() < at for at in resources), f"{page}: the policy must come before what it covers"
        allowed = script_hashes(policy.group(1))
        for attributes, body in INLINE_SCRIPT.findall(html):
            if "application/json" in attributes:
                continue  # data, not run
            digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
            assert digest in allowed, f"{page}: inline script not in the policy: {body[:80]}"


def test_the_nginx_header_is_the_meta_policy_with_frame_ancestors(built: Built) -> None:
    meta = CSP_META.search((built.site / "index.html").read_text(encoding="utf-8"))
    assert meta is not None
    deploy = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    headers = re.findall(r'add_header Content-Security-Policy "([^"]+)" always;', deploy)
    assert f"{meta.group(1)}; frame-ancestors 'none'" in headers


def test_no_root_absolute_link_not_even_in_404(built: Built) -> None:
    for page in built.site.rglob("*.html"):
        links = re.findall(r'(?:href|src)="(/[^"]*)"', page.read_text(encoding="utf-8"))
        assert links == [], f"{page}: {links[:3]}"


def test_sitemap_gz_does_not_depend_on_the_day(built: Built) -> None:
    data = (built.site / "sitemap.xml.gz").read_bytes()
    assert data[4:8] == b"\0\0\0\0" and not data[3] & 0x08  # no modification time, no file name


# ---- in Chromium ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(built: Built) -> Iterator[str]:
    yield from serve_under(built.project / "www", built.site, "portal")


@pytest.mark.browser
def test_no_published_source_runs_anything(built: Built, served: str, browser: Any) -> None:
    folder = built.site / "data" / "sources"
    sources = sorted(quote(p.relative_to(folder).as_posix()) for p in folder.rglob("*") if p.is_file())
    dialogs: list[str] = []
    outside: list[str] = []
    page = browser.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((served, "data:")) else None)
    for name in sources:
        if name.endswith(".docx"):
            continue  # a download, never shown
        url = f"{served}data/sources/{name}"
        page.goto(url, wait_until="load")
        page.wait_for_timeout(300)  # a <meta refresh> of 0 s would have fired by now (no assert on time)
        assert page.url == url, f"{name} navigated to {page.url}"
        assert page.evaluate("() => window.__pwned === undefined"), f"{name}: a script from the source ran"
    html_source = next(name for name in sources if name.endswith(".html.txt"))
    page.goto(f"{served}data/sources/{html_source}", wait_until="load")
    assert "alert(location.origin)" in page.inner_text("body")  # shown as text
    page.close()
    assert dialogs == [] and outside == []


@pytest.mark.browser
def test_the_policy_stops_an_injected_inline_script(built: Built, served: str, browser: Any) -> None:
    """Were a report's text ever to reach a page unescaped, the policy still keeps it from running."""
    report = next((built.site / "reports").glob("*/*/*/index.html"))   # a report page, not an old address
    html = report.read_text(encoding="utf-8")
    injected = html.replace("</h1>", "</h1><script>window.__pwned='inline'</script>"
                                     "<img src=\"data:,\" onerror=\"window.__pwned='handler'\">", 1)
    assert injected != html
    (report.parent / "injected.html").write_text(injected, encoding="utf-8")
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{served}{report.parent.relative_to(built.site).as_posix()}/injected.html", wait_until="load")
    assert page.evaluate("() => window.__pwned === undefined")
    assert page.evaluate("() => typeof __md_scope === 'object'")  # the theme's own inline script ran
    page.close()
    assert any("Content Security Policy" in e for e in errors)
    assert not any("Content Security Policy" in e and "gknb" in e for e in errors)
