"""Chinese search on one built portal: Pagefind 1.5.2 with our character spacing against Pagefind 1.6.0.

    .venv/bin/python benchmarks/search_eval.py [--synthetic 300] [--seed 1] [--substrings 400]
        [--old PATH] [--new PATH] [--work DIR]

One site is built (the seeds, the real reports of tests/real/ and synthetic ones from synth.py),
then its report pages are indexed by each variant and searched in Chromium through Pagefind's own
JavaScript API, as the search page does:

- `1.5.2-spaced`: Pagefind 1.5.2 (PyPI `pagefind[extended]`, what the portal used up to issue #16)
  over copies of the pages with a space between Chinese characters (search.spaced_html), each
  query term asked as an exact phrase of its characters, as the search page asks;
- `1.5.2 stock`, `1.6.0 stock`: the pages as they are, the query as typed;
- `1.6.0 phrase`: the pages as they are, each query term quoted as a phrase;
- `1.6.0-spaced`: 1.6.0 with the spacing (what the portal uses since).

Queries: every body name and each other common form of it (render.name_aliases: 柱濮镇人民政府 for
柱濮镇); 2–4 character substrings of the indexed text drawn at random (a uniformly drawn character
starts each), split into those that fall on word boundaries of the browser's Intl.Segmenter and
cross-word ones (an end inside a word: 府信 of 政府信息). The truth of each query is every page
whose indexed text (the `data-pagefind-body` content without `data-pagefind-ignore` parts, and the
page's meta) holds it within one block of text.

Printed per variant: recall (found ÷ true page hits) and precision, the share of queries answered
completely, snippet quality of the top true hit (query visible in the excerpt, query marked as one
piece, excerpts with a run of 7+ digits, spacing left in the excerpt), index bytes, the bytes a cold
search page fetches for one query (start-up and the first 20 results' fragments, counted by the
server), and whether two indexings of the same pages (from disk; and through `pagefind --service`
fed the pages in two orders) give the same bytes, as Pagefind writes them and after
search.canonicalise_pagefind.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402

from gknb.portal.search_terms import name_aliases  # noqa: E402
from gknb.publish import search  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
REPORT_SUFFIXES = {".txt", ".md", ".html", ".htm", ".docx", ".pdf", ".yml"}
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RUN = re.compile(f"[{HAN}]+")
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td", "th", "caption", "div", "dl", "ul",
          "ol", "table", "tr", "section", "body", "br"}
COLD_QUERIES = 30
RESULTS_SHOWN = 20  # the search page loads this many results' fragments at a time


# ---- the site ----------------------------------------------------------------------------------

def write_content(folder: Path, synthetic: int, seed: int) -> None:
    folder.mkdir(parents=True)
    for source in (ROOT / "content", ROOT / "tests" / "real"):
        for path in sorted(source.iterdir()):
            if path.suffix in REPORT_SUFFIXES and path.name != "gold.yaml":
                shutil.copy(path, folder / path.name)
    rng = random.Random(seed)
    for index in range(synthetic):
        suffix, data = synth.render(synth.make_report(rng, rng.choice(synth.MIXED_LAYOUTS)))
        (folder / f"synthetic-{index:05d}{suffix}").write_bytes(data)


def build_site(work: Path, synthetic: int, seed: int) -> Path:
    project = work / "project"
    if (project / "site").is_dir():
        return project / "site"
    write_content(project / "content", synthetic, seed)
    for name in ("docs", "overrides", "mkdocs.yml"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, project / name)
    subprocess.run([sys.executable, "-m", "gknb.cli", "build", "--site-dir", "site"], cwd=project, check=True,
                   stdout=subprocess.DEVNULL)
    return project / "site"


def report_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if search.INDEXED_MARKER in p.read_text(encoding="utf-8"))


# ---- what each page holds ----------------------------------------------------------------------

@dataclass
class Page:
    url: str
    body: str
    blocks: list[str] = field(default_factory=list)


def text_blocks(element: Any) -> Iterator[str]:
    """The element's text cut at block-level tags (Pagefind, like a reader, does not join across them)."""
    pieces: list[str] = []

    def walk(node: Any) -> None:
        if node.get("data-pagefind-ignore") is not None or node.tag in ("script", "style"):
            pieces.append("\n")
            return
        block = node.tag in BLOCKS
        pieces.append("\n" if block else "")
        pieces.append(node.text or "")
        for child in node:
            walk(child)
            pieces.append(child.tail or "")
        pieces.append("\n" if block else "")

    walk(element)
    yield from (b.strip() for b in "".join(pieces).split("\n") if b.strip())


def read_page(site: Path, path: str) -> Page:
    tree = lxml.html.fromstring((site / path).read_bytes())
    body = tree.find(".//*[@data-pagefind-body]")
    assert body is not None, path
    metas = [m.get("data-pagefind-meta", "") for m in body.iter() if m.get("data-pagefind-meta")]
    meta = dict(m.split(":", 1) for m in metas)
    url = "/" + path.removesuffix("index.html")
    return Page(url, meta.get("body", ""), [*text_blocks(body), meta.get("title", "")])


@dataclass(frozen=True)
class Query:
    text: str
    kind: str            # name, name form, word, cross-word
    truth: frozenset[str]


def truth_of(text: str, pages: list[Page]) -> frozenset[str]:
    return frozenset(p.url for p in pages if any(text in b for b in p.blocks))


def name_queries(pages: list[Page]) -> list[Query]:
    names = sorted({p.body for p in pages if p.body})
    queries = [Query(n, "name", truth_of(n, pages)) for n in names]
    for name in names:
        owners = frozenset(p.url for p in pages if p.body == name)
        for form in name_aliases(name):
            queries.append(Query(form, "name form", owners | truth_of(form, pages)))
    return queries


def drawn_substrings(pages: list[Page], count: int, seed: int) -> list[tuple[str, str, int]]:
    """(substring, its block, where it starts): a Chinese character drawn uniformly starts each."""
    runs = [(block, m.start(), m.end()) for p in pages for block in p.blocks for m in HAN_RUN.finditer(block)
            if m.end() - m.start() >= 2]
    weights = [end - start - 1 for _, start, end in runs]
    rng = random.Random(seed)
    drawn: dict[str, tuple[str, str, int]] = {}
    while len(drawn) < count:
        block, start, end = rng.choices(runs, weights)[0]
        length = rng.randint(2, min(4, end - start))
        at = rng.randint(start, end - length)
        text = block[at:at + length]
        drawn.setdefault(text, (text, block, at))
    return list(drawn.values())


# ---- serving and the browser -------------------------------------------------------------------

class CountingHandler(SimpleHTTPRequestHandler):
    sent: list[tuple[str, int]] = []

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def copyfile(self, source: Any, outputfile: Any) -> None:
        data = source.read()
        CountingHandler.sent.append((self.path, len(data)))
        outputfile.write(data)


HARNESS = r"""<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>harness</title></head><body>
<script type="module">
const HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff";
const BETWEEN = new RegExp("(?<=[" + HAN + "])(?=[" + HAN + "])", "g");
const SPACED = new RegExp("([" + HAN + "](?:</mark>)?)\\s+(?=(?:<mark>)?[" + HAN + "])", "g");
const compact = e => e.replace(/\s+<\/mark>/g, "</mark> ").replace(SPACED, "$1").replace(/<\/mark><mark>/g, "");
window.pagefind = null; let pagefind = null;
window.load = async (bundle) => {
  pagefind = await import(bundle + "pagefind.js");
  await pagefind.options({ baseUrl: "/" });
  await pagefind.init();
};
async function find(query, mode) {
  const terms = query.split(/\s+/).filter(Boolean);
  if (mode === "raw") return (await pagefind.search(query)).results;
  const asked = terms.map(t => '"' + (mode === "spaced" ? t.replace(BETWEEN, " ") : t) + '"');
  const lists = await Promise.all(asked.map(q => pagefind.search(q).then(s => s.results)));
  return lists[0].filter(r => lists.every(l => l.some(o => o.id === r.id)));
}
let urlOf = {};
window.pages = (map) => { urlOf = map; };
window.ask = async (query, mode, truth) => {
  // Result ids are fragment names: their URLs come from the index folder (search_eval.fragment_urls),
  // so only the top true hit's fragment is fetched, for its excerpt.
  const results = await find(query, mode);
  const urls = await Promise.all(results.map(r => urlOf[r.id] || r.data().then(d => d.url)));
  const at = urls.findIndex(u => truth.includes(u));
  const top = at === -1 ? null : await results[at].data();
  return { urls: urls, excerpt: top ? (mode === "spaced" ? compact(top.excerpt) : top.excerpt) : null };
};
window.coldAsk = async (query, mode) => {
  const results = await find(query, mode);
  await Promise.all(results.slice(0, 20).map(r => r.data()));
  return results.length;
};
window.boundaries = (items) => {
  const seg = new Intl.Segmenter("zh", { granularity: "word" });
  return items.map(([block, start, end]) => {
    const cuts = new Set([...seg.segment(block)].map(s => s.index));
    cuts.add(block.length);
    return cuts.has(start) && cuts.has(end);
  });
};
window.ready = true;
</script></body></html>"""


@dataclass
class Served:
    url: str
    www: Path
    server: ThreadingHTTPServer


def serve(www: Path) -> Served:
    (www / "index.html").write_text(HARNESS, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(CountingHandler, directory=str(www)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Served(f"http://127.0.0.1:{server.server_address[1]}/", www, server)


def open_harness(browser: Any, served: Served, bundle: str) -> Any:
    page = browser.new_page()
    page.goto(served.url)
    page.wait_for_function("window.ready === true")
    page.evaluate("b => window.load(b)", bundle)
    return page


# ---- indexing ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Index:
    name: str
    binary: Path
    spaced: bool


@dataclass(frozen=True)
class Variant:
    name: str
    index: Index
    mode: str  # spaced: phrase of spaced characters per term; phrase: quoted term; raw: as typed


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def index_from_disk(index: Index, site: Path, pages: list[str], output: Path, reverse: bool = False) -> None:
    """Pagefind over copies of the report pages (spaced when the variant spaces), written in either order."""
    with tempfile.TemporaryDirectory(prefix="gknb-eval-") as copy:
        for page in sorted(pages, reverse=reverse):
            target = Path(copy) / page
            target.parent.mkdir(parents=True, exist_ok=True)
            text = (site / page).read_text(encoding="utf-8")
            target.write_text(search.spaced_html(text) if index.spaced else text, encoding="utf-8")
        shutil.rmtree(output, ignore_errors=True)
        subprocess.run([str(index.binary), "--site", copy, "--output-path", str(output), "--force-language",
                        search.LANGUAGE, "--quiet"], check=True, capture_output=True)


def body_html(site: Path, page: str) -> str:
    tree = lxml.html.fromstring((site / page).read_bytes())
    body = tree.find(".//*[@data-pagefind-body]")
    return "".join(lxml.html.tostring(child, encoding="unicode") for child in body)


class Feed(search.PagefindFeed):
    """The build's service feed, with or without the spacing."""

    def __init__(self, spaced: bool) -> None:
        self.spaced = spaced
        super().__init__()

    def page_html(self, content_html: str) -> str:
        if self.spaced:
            return super().page_html(content_html)
        return f'<html lang="{search.LANGUAGE}"><body {search.INDEXED_MARKER}>{content_html}</body></html>'


def index_by_service(index: Index, site: Path, pages: list[str], output: Path, reverse: bool) -> None:
    previous = os.environ.get("PAGEFIND_BINARY_PATH")
    os.environ["PAGEFIND_BINARY_PATH"] = str(index.binary)
    try:
        feed = Feed(index.spaced)
        for page in sorted(pages, reverse=reverse):
            feed.add_page("/" + page.removesuffix("index.html"), body_html(site, page))
        for message_id in feed.pending:
            feed.wait(message_id)
        shutil.rmtree(output, ignore_errors=True)
        feed.wait(feed.send({"type": "WriteFiles", "index_id": feed.index_id, "output_path": str(output)}))
        search.written(output)
        feed.close()
    finally:
        if previous is None:
            os.environ.pop("PAGEFIND_BINARY_PATH", None)
        else:
            os.environ["PAGEFIND_BINARY_PATH"] = previous


def determinism(index: Index, site: Path, pages: list[str], work: Path) -> dict[str, str]:
    """Same bytes twice? From disk (the copies written in two orders), and through the service fed the
    pages in the same order twice (as the build feeds them: MkDocs renders in a fixed order)."""
    out: dict[str, str] = {}
    for how, run, orders in (("disk", index_from_disk, (False, True)), ("service", index_by_service, (False, False))):
        folders = [work / f"det-{index.name}-{how}-{n}" for n in (0, 1)]
        for folder, reverse in zip(folders, orders):
            run(index, site, pages, folder, reverse)
        raw = digest(folders[0]) == digest(folders[1])
        for folder in folders:
            search.canonicalise_pagefind(folder)
        canonical = digest(folders[0]) == digest(folders[1])
        out[how] = f"{'same' if raw else 'differ'} raw / {'same' if canonical else 'differ'} canonicalised"
    return out


def index_bytes(folder: Path) -> tuple[int, int]:
    """All files, and the index proper (meta, word chunks, fragments, filters: no UI scripts)."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    proper = [p for p in files if p.suffix in (".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter")]
    return sum(p.stat().st_size for p in files), sum(p.stat().st_size for p in proper)


# ---- measuring ---------------------------------------------------------------------------------

DIGIT_RUN = re.compile(r"\d{7,}")
LEFT_SPACED = re.compile(f"[{HAN}] [{HAN}]")
MARK = re.compile(r"<mark>(.*?)</mark>")


@dataclass
class Tally:
    true_hits: int = 0
    found: int = 0
    returned: int = 0
    complete: int = 0
    queries: int = 0
    snippets: int = 0
    visible: int = 0
    marked: int = 0
    digits: int = 0
    spaced_left: int = 0

    def add(self, query: Query, urls: list[str], excerpt: str | None) -> None:
        got = set(urls)
        self.queries += 1
        self.true_hits += len(query.truth)
        self.found += len(got & query.truth)
        self.returned += len(got)
        self.complete += query.truth <= got
        if excerpt is None:
            return
        plain = re.sub(r"</?mark>", "", excerpt)
        self.snippets += 1
        self.visible += query.text in plain
        self.marked += any(query.text in m for m in MARK.findall(excerpt)) or "".join(MARK.findall(excerpt)) == query.text
        self.digits += bool(DIGIT_RUN.search(plain))
        self.spaced_left += bool(LEFT_SPACED.search(plain))

    def row(self) -> str:
        def pct(a: int, b: int) -> str:
            return f"{100 * a / b:5.1f} %" if b else "    —  "
        return (f"{pct(self.found, self.true_hits)} {pct(self.found, self.returned)} {pct(self.complete, self.queries)}"
                f"  {pct(self.visible, self.snippets)} {pct(self.marked, self.snippets)}"
                f" {pct(self.digits, self.snippets)} {pct(self.spaced_left, self.snippets)}")


def fragment_urls(bundle: Path) -> dict[str, str]:
    """Pagefind result id (a fragment's file name) → the page's URL."""
    return {p.stem: json.loads(gzip.decompress(p.read_bytes())[len(search.PAGEFIND_MAGIC):])["url"]
            for p in (bundle / "fragment").glob("*.pf_fragment")}


def measure_recall(browser: Any, served: Served, variant: Variant, queries: list[Query]) -> dict[str, Tally]:
    page = open_harness(browser, served, f"/v/{variant.index.name}/pagefind/")
    page.evaluate("m => window.pages(m)", fragment_urls(served.www / "v" / variant.index.name / "pagefind"))
    tallies: dict[str, Tally] = {}
    for query in queries:
        answer = page.evaluate("([q, m, t]) => window.ask(q, m, t)", [query.text, variant.mode, sorted(query.truth)])
        for kind in (query.kind, "all"):
            tallies.setdefault(kind, Tally()).add(query, answer["urls"], answer["excerpt"])
    page.close()
    return tallies


def measure_bytes(browser: Any, served: Served, variant: Variant, queries: list[Query]) -> tuple[float, float, float]:
    """Median bytes per cold query: start-up (script, wasm, meta), the search itself, and the largest."""
    bundle = f"/v/{variant.index.name}/pagefind/"
    startup, searching = [], []
    for query in queries:
        context = browser.new_context()
        page = context.new_page()
        page.goto(served.url)
        page.wait_for_function("window.ready === true")
        CountingHandler.sent.clear()
        page.evaluate("b => window.load(b)", bundle)
        page.wait_for_timeout(50)
        startup.append(sum(n for path, n in CountingHandler.sent if path.startswith(bundle)))
        CountingHandler.sent.clear()
        page.evaluate("([q, m]) => window.coldAsk(q, m)", [query.text, variant.mode])
        page.wait_for_timeout(50)
        searching.append(sum(n for path, n in CountingHandler.sent if path.startswith(bundle)))
        context.close()
    return statistics.median(startup), statistics.median(searching), max(searching)


def old_pagefind() -> Path:
    """The PyPI build the portal used up to issue #16 (not a dependency any more)."""
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-untyped]
    except ImportError:
        sys.exit("Pagefind 1.5.2 is needed to compare: pip install 'pagefind[extended]==1.5.2', or give --old PATH")
    return Path(get_executable())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synthetic", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--substrings", type=int, default=400)
    parser.add_argument("--old", type=Path, default=None,
                        help="Pagefind 1.5.2 extended (default: PyPI's, `pip install 'pagefind[extended]==1.5.2'`)")
    parser.add_argument("--new", type=Path, default=None, help="Pagefind 1.6.0 extended (default: the project's)")
    parser.add_argument("--work", type=Path, default=None, help="keep the built site here (reused when present)")
    args = parser.parse_args()
    old = args.old or old_pagefind()
    new = args.new or search.pagefind_executable()
    versions = {p: subprocess.run([str(p), "--version"], capture_output=True, text=True).stdout.split()[-1]
                for p in (old, new)}
    work = args.work or Path(tempfile.mkdtemp(prefix="gknb-search-eval-"))
    work.mkdir(parents=True, exist_ok=True)
    site = build_site(work, args.synthetic, args.seed)
    paths = report_pages(site)
    pages = [read_page(site, p) for p in paths]
    print(f"site: {len(pages)} report pages ({args.synthetic} synthetic), Pagefind {versions[old]} and {versions[new]}")

    indexes = [Index(f"{versions[old]}-spaced", old, True), Index(f"{versions[old]}", old, False),
               Index(f"{versions[new]}", new, False), Index(f"{versions[new]}-spaced", new, True)]
    variants = [Variant(f"{indexes[0].name}", indexes[0], "spaced"), Variant(f"{indexes[1].name} stock", indexes[1], "raw"),
                Variant(f"{indexes[2].name} stock", indexes[2], "raw"), Variant(f"{indexes[2].name} phrase", indexes[2], "phrase"),
                Variant(f"{indexes[3].name}", indexes[3], "spaced")]
    www = work / "www"
    shutil.rmtree(www, ignore_errors=True)
    for index in indexes:
        out = www / "v" / index.name / "pagefind"
        index_from_disk(index, site, paths, out)
        search.canonicalise_pagefind(out)
    served = serve(www)

    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        probe = open_harness(browser, served, f"/v/{indexes[0].name}/pagefind/")
        drawn = drawn_substrings(pages, args.substrings, args.seed)
        whole = probe.evaluate("items => window.boundaries(items)", [[b, at, at + len(t)] for t, b, at in drawn])
        probe.close()
        queries = name_queries(pages) + [Query(t, "word" if w else "cross-word", truth_of(t, pages))
                                         for (t, _, _), w in zip(drawn, whole)]
        kinds = ["name", "name form", "word", "cross-word", "all"]
        counts = {k: sum(q.kind == k for q in queries) for k in kinds[:-1]}
        print("queries: " + ", ".join(f"{k} {n}" for k, n in counts.items()))
        print("\nrecall = true page hits found; precision = returned pages that hold the query; complete = queries"
              " with every true page found;\nsnippet of the top true hit: query visible, marked as one piece,"
              " with a 7+ digit run, with spaces left between characters")
        header = f"{'variant':<16} {'queries':<10} recall  precis. complete  visible  marked  digits  spaced"
        print(header)
        results = {}
        for variant in variants:
            tallies = measure_recall(browser, served, variant, queries)
            results[variant.name] = tallies
            for kind in kinds:
                print(f"{variant.name:<16} {kind:<10} {tallies[kind].row()}")
        rng = random.Random(args.seed)
        cold = rng.sample(queries, min(COLD_QUERIES, len(queries)))
        print(f"\nbytes (median over {len(cold)} cold queries: start-up, the search with its first {RESULTS_SHOWN} results;"
              " largest search), index size")
        for variant in variants:
            start, per_query, largest = measure_bytes(browser, served, variant, cold)
            total, proper = index_bytes(www / "v" / variant.index.name / "pagefind")
            print(f"{variant.name:<16} start-up {start / 1e3:7.1f} kB  query {per_query / 1e3:7.1f} kB  "
                  f"largest {largest / 1e3:7.1f} kB  index {proper / 1e6:6.2f} MB (all files {total / 1e6:6.2f} MB)")
        browser.close()
    served.server.shutdown()

    print("\nbyte-identical indexing (two runs over the same pages)")
    for index in indexes:
        same = determinism(index, site, paths, work)
        print(f"{index.name:<16} " + "; ".join(f"{how}: {verdict}" for how, verdict in same.items()))


if __name__ == "__main__":
    main()
