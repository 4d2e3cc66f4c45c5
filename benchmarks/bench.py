"""Speed, memory and size of gknb on a synthetic corpus, printed as one table of figures.

    .venv/bin/python benchmarks/bench.py [--sizes 1000 5000] [--parse-sample 1000] [--seed 1]
                                         [--layouts mixed|text|all]

The corpus is the mixed one by default (synth.MIXED_LAYOUTS: tab text, one cell per line, pipe
fragments, Markdown, `pdftotext -layout` text, HTML, DOCX; varied bodies, regions, years and
templates; 80 % consistent, the rest with a broken total). In this one run it measures:
- parse + check throughput on that corpus, one process and all cores (reports/s, per core), and
  per format in one process; the same on the real reports of tests/real/ (the PDFs among them
  with a text layer: their warm rate is printed apart, and what the first PDF of a process costs more);
- the instructions parse + check executes per report (valgrind's callgrind, when valgrind is
  installed): the same for the same code whatever the machine's speed at the moment, which wanders
  by a third here within minutes, so the figure to compare two versions of the code by;
for each corpus size N:
- the full portal build (`gknb build --no-cache`: parse, pages, MkDocs, Pagefind) and the same
  pages built by bare MkDocs + Material with no plugin (the floor we build on), and their ratio;
- MkDocs' own part of our build: bare MkDocs on those pages with our HTML blocks set aside, as
  the plugin hands them over (the blocks skip Markdown, render.lift_html_blocks);
- a rebuild after changing one report (the cache re-parses only that one);
- peak memory (max RSS) of each build, the site size and bytes per report (with and without the
  copies of the sources), what Material's built-in search index would weigh, and the bytes
  Pagefind fetches for one query in Chromium (when /usr/bin/chromium exists).
Each figure is printed beside the target of issue #18 where it has one. Ratios and figures are
measured, never asserted: see README "Performance". Rates are CPU seconds of the parsing process
(time.process_time) where one process parses, so that other work on a shared machine does not
count against them; the all-cores rate is wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402

from gknb.corpus.pipeline import Options, build_corpus  # noqa: E402
from gknb.portal.render import lift_html_blocks  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUERY = "行政复议"
LAYOUT_SETS = {"mixed": synth.MIXED_LAYOUTS, "text": synth.TEXT_LAYOUTS, "all": synth.ALL_LAYOUTS}
# Issue #18's goals, printed beside the figures.
TARGET_PER_CORE = 300      # reports/s per core, mixed corpus (every format but PDF and OCR)
TARGET_PDF = 20            # reports/s, PDF with a text layer
TARGET_RATIO = 1.0         # full build ÷ bare MkDocs
TARGET_KB_PER_REPORT = 40  # site bytes per report, the copies of the sources left out
TARGET_PEAK_MB = 1500      # peak memory of the build at 5,000 reports
TARGET_LIVE_S = 3.0        # a changed report on screen under `mkdocs serve`, at 5,000 reports


SHAPES = ("scattered", "province")


def write_corpus(folder: Path, count: int, seed: int, layouts: tuple[str, ...] = synth.ALL_LAYOUTS,
                 shape: str = "scattered") -> None:
    """`count` synthetic reports: `scattered`, each of a random body anywhere in China (1,000 of them
    fall in ~790 counties, so nearly every report has listing pages of its own), or `province`, one
    province's bodies each reporting every year (1,000 reports: 167 bodies in ~80 counties)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    reports = (synth.province_reports(rng, count, layouts) if shape == "province"
               else (synth.make_report(rng, rng.choice(layouts)) for _ in range(count)))
    for index, report in enumerate(reports):
        suffix, data = synth.render(report)
        (folder / f"r{index:06d}{suffix}").write_bytes(data)


def set_aside_pages(pages: Path, target: Path) -> None:
    """The generated pages as our plugin hands them to MkDocs: HTML blocks replaced by placeholders."""
    for path in pages.rglob("*.md"):
        out = target / path.relative_to(pages)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(lift_html_blocks(path.read_text(encoding="utf-8"))[0], encoding="utf-8")


def parse_rate(folder: Path, jobs: int) -> float:
    """Reports/s: CPU time of this process when it parses alone, wall time when workers do."""
    count = sum(1 for _ in folder.iterdir())
    clock = time.process_time if jobs == 1 else time.perf_counter
    started = clock()
    corpus = build_corpus(folder, Options(jobs=jobs))
    assert len(corpus.records) + len(corpus.rejected) == count
    return count / (clock() - started)


class RealRates(NamedTuple):
    other: float         # reports/s, the reports that are not PDF (warm)
    pdf: float           # reports/s, the PDFs with a text layer, median of PASSES warm passes
    pdf_passes: list[float]
    pdf_start_s: float   # CPU seconds the first PDF of a process costs more than the next one
    other_count: int
    pdf_count: int


PASSES = 5


def real_rates(work: Path) -> RealRates:
    """Reports/s, one process, on tests/real/: the reports that are not PDF, and the PDFs (text layer).

    Both warm: the first run of the others loads the division index; the first PDF of a process
    imports pypdfium2 and loads pdfium, a cost paid once per process, measured apart (that PDF
    parsed four times: the first time less the median of the others)."""
    others, pdfs, first_pdf = work / "real-other", work / "real-pdf", work / "real-first-pdf"
    for folder in (others, pdfs, first_pdf):
        folder.mkdir()
    for path in sorted((ROOT / "tests" / "real").iterdir()):
        if path.suffix in (".txt", ".md", ".html", ".htm", ".docx", ".pdf"):
            shutil.copy(path, (pdfs if path.suffix == ".pdf" else others) / path.name)
    shutil.copy(min(pdfs.iterdir()), first_pdf)
    parse_rate(others, 1)  # the first run loads the division index
    other = parse_rate(others, 1)
    cold = 1 / parse_rate(first_pdf, 1)
    warm = statistics.median(1 / parse_rate(first_pdf, 1) for _ in range(3))  # one run may hold a full GC
    passes = [parse_rate(pdfs, 1) for _ in range(PASSES)]
    return RealRates(other, statistics.median(passes), passes, cold - warm,
                     len(list(others.iterdir())), len(list(pdfs.iterdir())))


INSTRUCTION_SAMPLE = 100   # reports parsed under callgrind (~50 s; a process's start alone is ~35 s)
PARSE_ONLY = ("import sys; from pathlib import Path; from gknb.corpus.pipeline import Options, build_corpus; "
              "build_corpus(Path(sys.argv[1]), Options(jobs=1))")


def instructions(folder: Path) -> int:
    """Instructions one process executes parsing and checking `folder` (callgrind's `I refs`), with
    string hashing fixed so that two runs execute the same code."""
    result = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
                             "-c", PARSE_ONLY, str(folder)], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONHASHSEED": "0"})
    refs = next(line for line in result.stderr.splitlines() if "I   refs:" in line)
    return int(refs.rsplit(":", 1)[1].replace(",", ""))


def instructions_per_report(work: Path, seed: int, layouts: tuple[str, ...]) -> float | None:
    """Instructions per report on INSTRUCTION_SAMPLE reports of the corpus, less a run of its first
    report alone (the interpreter's start, imports, the division index): None without valgrind."""
    if shutil.which("valgrind") is None:
        return None
    sample, first = work / "instructions-sample", work / "instructions-first"
    write_corpus(sample, INSTRUCTION_SAMPLE, seed, layouts)
    first.mkdir()
    shutil.copy(min(sample.iterdir()), first)
    return (instructions(sample) - instructions(first)) / (INSTRUCTION_SAMPLE - 1)


def layout_rates(work: Path, count: int, seed: int, layouts: tuple[str, ...]) -> dict[str, float]:
    rates = {}
    for layout in layouts:
        write_corpus(work / f"layout-{layout}", count, seed, (layout,))
        rates[layout] = parse_rate(work / f"layout-{layout}", 1)
    return rates


def versus(figure: float, target: float, higher_is_better: bool = True) -> str:
    met = figure >= target if higher_is_better else figure <= target
    return f"(target {'≥' if higher_is_better else '≤'} {target:g}: {'met' if met else 'NOT met'})"


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time and peak RSS (MB) of a command, measured from a fresh wrapper process."""
    wrapper = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
               "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True); "
               "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
               "sys.exit(r.returncode and (print(r.stderr[-2000:], file=sys.stderr) or r.returncode))")
    result = subprocess.run([sys.executable, "-c", wrapper, *command], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, **(env or {})}, check=True)
    seconds, rss_kb = result.stdout.split()
    return float(seconds), int(rss_kb) / 1024


def project(folder: Path, content: Path) -> Path:
    """A copy of our site configuration building `content`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, folder / name, dirs_exist_ok=True)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("content_dir: content", f"content_dir: {content}")
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    return folder


def bare_project(folder: Path, pages: Path, search: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    plugins = "[search]" if search else "[]"
    # Same navigation as ours: sections only, the generated pages out of the nav (else every page
    # renders a nav of every page and the floor is quadratic).
    (folder / "mkdocs.yml").write_text(
        f"site_name: bare\ndocs_dir: {pages}\nsite_dir: site\ntheme:\n  name: material\n  language: zh\n"
        f"  font: false\n  features: [navigation.prune]\nplugins: {plugins}\nnav: [index.md]\n"
        "not_in_nav: |\n  /**\n", encoding="utf-8")
    return folder


def plain_templates(pages: Path) -> None:
    """Bare Material has no template of ours: a page naming one (a lone body's address page) is
    rendered by its default template in the floor."""
    for path in pages.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        if "\ntemplate: gknb-" in text:
            path.write_text("\n".join(line for line in text.split("\n") if not line.startswith("template: gknb-")),
                            encoding="utf-8")


def tree_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def pagefind_query_bytes(site: Path) -> int | None:
    """Bytes the search page fetches from /pagefind/ for one query, in a real browser."""
    if not Path("/usr/bin/chromium").exists():
        return None
    from playwright.sync_api import Error as PlaywrightError, Request, sync_playwright

    handler = partial(SimpleHTTPRequestHandler, directory=str(site))
    SimpleHTTPRequestHandler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fetched = 0
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
            page = browser.new_page()
            sizes: list[int] = []

            def finished(request: Request) -> None:
                if "/pagefind/" not in request.url:
                    return
                try:
                    sizes.append(request.sizes()["responseBodySize"])
                except PlaywrightError:  # still loading when the window ended and the browser closed
                    pass

            page.on("requestfinished", finished)
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/search/?q={QUERY}")
            page.get_by_text("找到", exact=False).first.wait_for(timeout=120_000)  # CSP forbids eval
            page.wait_for_timeout(500)
            fetched = sum(sizes)
            browser.close()
    finally:
        server.shutdown()
    return fetched


class QuietServer(ThreadingHTTPServer):
    """The search benchmark's server: a browser closed with fragments still loading breaks their
    connections, which is no error of the measurement."""
    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def live_update(ours: Path) -> dict[str, float]:
    """benchmarks/live.py on a copy of the project: `mkdocs serve`'s build, one report changed, the live update."""
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "live.py"), str(ours)],
                            capture_output=True, text=True, check=True)
    found: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def measure(size: int, work: Path, seed: int, layouts: tuple[str, ...], shape: str = "scattered",
            live: bool = True, extras: bool = True) -> dict[str, float | int | str | None]:
    """`live`: also time a live update (benchmarks/live.py); `extras`: also MkDocs' own share of our
    build (the set-aside pages) and Material's built-in search index on the same pages."""
    content = work / f"content-{shape}-{size}"
    write_corpus(content, size, seed, layouts, shape)
    ours = project(work / f"ours-{shape}-{size}", content)
    build_time, build_rss = timed([sys.executable, "-m", "gknb.cli", "build", "--no-cache", "--site-dir", "site"], ours)
    # rebuild after touching one report: the cache (filled by a cached build) re-parses only that one
    timed([sys.executable, "-m", "gknb.cli", "build", "--site-dir", "site"], ours)
    changed = sorted(content.glob("*.txt"))[0]  # every mix has text layouts
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    rebuild_time, _ = timed([sys.executable, "-m", "gknb.cli", "build", "--site-dir", "site"], ours)
    pages = work / f"pages-{shape}-{size}"
    subprocess.run([sys.executable, "-m", "gknb.cli", "pages", str(pages), "--content", str(content)],
                   check=True, capture_output=True)
    plain_templates(pages)
    bare = bare_project(work / f"bare-{shape}-{size}", pages, search=False)
    bare_time, bare_rss = timed([sys.executable, "-m", "mkdocs", "build", "-q"], bare)
    # MkDocs' own share of our build: the same pages with our HTML blocks set aside, as the plugin
    # hands them over (the blocks themselves skip Markdown and are put back afterwards).
    mkdocs_time: float | None = None
    index = work / "none"
    if extras:
        set_aside_pages(pages, work / f"pages-set-aside-{shape}-{size}")
        mkdocs_time, _ = timed([sys.executable, "-m", "mkdocs", "build", "-q"],
                               bare_project(work / f"set-aside-{shape}-{size}", work / f"pages-set-aside-{shape}-{size}",
                                            search=False))
        material = bare_project(work / f"material-search-{shape}-{size}", pages, search=True)
        timed([sys.executable, "-m", "mkdocs", "build", "-q"], material)
        index = material / "site" / "search" / "search_index.json"
    site_bytes = tree_bytes(ours / "site")
    sources = tree_bytes(ours / "site" / "data" / "sources") if (ours / "site" / "data" / "sources").is_dir() else 0
    served = live_update(ours) if live else {}
    return {
        "reports": size, "shape": shape, "build_s": build_time, "bare_mkdocs_s": bare_time, "ratio": build_time / bare_time,
        "mkdocs_part_s": mkdocs_time,
        "rebuild_one_changed_s": rebuild_time, "peak_rss_mb": build_rss, "bare_peak_rss_mb": bare_rss,
        "site_mb": site_bytes / 1e6, "kb_per_report": site_bytes / size / 1e3,
        "kb_per_report_without_sources": (site_bytes - sources) / size / 1e3,
        "pagefind_index_mb": tree_bytes(ours / "site" / "pagefind") / 1e6,
        "material_search_index_mb": index.stat().st_size / 1e6 if index.exists() else None,
        "pagefind_query_kb": (lambda b: b / 1e3 if b is not None else None)(pagefind_query_bytes(ours / "site")),
        "live_update_s": served.get("live_update_s"), "live_all_written_s": served.get("all_written_s"),
        "live_with_search_s": served.get("with_search_s"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000])
    parser.add_argument("--parse-sample", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--layouts", choices=sorted(LAYOUT_SETS), default="mixed")
    parser.add_argument("--no-live", action="store_true", help="leave out the live-update timing")
    parser.add_argument("--no-extras", action="store_true",
                        help="leave out MkDocs' share of the build and Material's search index")
    parser.add_argument("--no-parse", action="store_true", help="leave out the parse rates")
    parser.add_argument("--big", type=int, nargs="*", default=[],
                        help="also one full build of each of these sizes (e.g. 20000): time, peak memory, bytes")
    parser.add_argument("--shapes", nargs="*", choices=SHAPES, default=list(SHAPES),
                        help="corpus shapes built at each size (the issue's figures are the scattered ones)")
    args = parser.parse_args()
    layouts = LAYOUT_SETS[args.layouts]
    cores = os.cpu_count() or 1
    print(f"load average at the start: {os.getloadavg()[0]:.1f} on {cores} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="gknb-bench-") as tmp:
        work = Path(tmp)
        if not args.no_parse:
            parse_rates(work, args, layouts, cores)
        rows = []
        for size in args.sizes:
            for shape in args.shapes:
                rows.append(measure(size, work, args.seed, layouts, shape, live=not args.no_live, extras=not args.no_extras))
                print(json.dumps(rows[-1]), flush=True)  # each size as soon as it is measured
        for size in args.big:
            print(big_build(size, work / f"big-{size}", args.seed, layouts), flush=True)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(json.dumps(rows, indent=1))
    keys = list(rows[0]) if rows else []
    print("\n" + "".join(f"{k:>24}" for k in keys))
    for row in rows:
        print("".join(f"{(f'{v:.2f}' if isinstance(v, float) else str(v)):>24}" for v in row.values()))
    for row in rows:
        print(f"{row['reports']} {row['shape']} reports: build {row['ratio']:.2f}× bare MkDocs {versus(float(row['ratio'] or 0), TARGET_RATIO, False)}; "
              f"{row['kb_per_report_without_sources']:.0f} KB per report without the sources "
              f"{versus(float(row['kb_per_report_without_sources'] or 0), TARGET_KB_PER_REPORT, False)}, "
              f"{row['kb_per_report']:.0f} KB with them; peak {row['peak_rss_mb']:.0f} MB"
              + (f" {versus(float(row['peak_rss_mb'] or 0), TARGET_PEAK_MB, False)}" if row["reports"] == 5000 else "")
              + (f"; live update {row['live_update_s']:.2f} s {versus(float(row['live_update_s'] or 0), TARGET_LIVE_S, False)}"
                 f" (every page and file {row['live_all_written_s']:.2f} s, its search entry {row['live_with_search_s']:.2f} s)" if row.get("live_update_s") is not None else ""))


def parse_rates(work: Path, args: argparse.Namespace, layouts: tuple[str, ...], cores: int) -> None:
    """Parse + check rates: the mixed corpus in one process and on every core, per format, tests/real."""
    corpus = work / "parse-sample"
    write_corpus(corpus, args.parse_sample, args.seed, layouts)
    first = parse_rate(corpus, 1)
    # This machine's timings wander by ±15 % from run to run: the median of three, runs shown.
    ones = [parse_rate(corpus, 1) for _ in range(3)]
    everys = [parse_rate(corpus, cores) for _ in range(3)]
    one, every = statistics.median(ones), statistics.median(everys)
    print(f"parse + check, {args.layouts} corpus ({args.parse_sample} reports): first run (loading the division "
          f"index) {first:.0f} reports/s; then, median of {[round(r) for r in ones]}: {one:.0f} reports/s "
          f"in one process {versus(one, TARGET_PER_CORE)}; median of {[round(r) for r in everys]}: {every:.0f} "
          f"reports/s on {cores} cores, {every / cores:.0f} per core {versus(every / cores, TARGET_PER_CORE)}", flush=True)
    rates = layout_rates(work, max(args.parse_sample // len(layouts), 20), args.seed, layouts)
    print("  by format, one process: " + ", ".join(f"{layout} {rate:.0f}/s" for layout, rate in rates.items()))
    counted = instructions_per_report(work, args.seed, layouts)
    print("  instructions per report (callgrind, " + (f"{INSTRUCTION_SAMPLE} reports): {counted / 1e6:.1f} M"
          if counted is not None else "valgrind not installed): not counted"), flush=True)
    real = real_rates(work)
    print(f"  tests/real/, one process: {real.other_count} reports (txt, md, html) {real.other:.0f}/s; "
          f"{real.pdf_count} PDFs with a text layer, warm, median of {[round(r, 1) for r in real.pdf_passes]}: "
          f"{real.pdf:.1f}/s {versus(real.pdf, TARGET_PDF)}; first PDF in a process: {real.pdf_start_s:.2f} s more "
          "(importing pypdfium2, loading pdfium)", flush=True)


def big_build(size: int, work: Path, seed: int, layouts: tuple[str, ...]) -> str:
    """One full build of a large corpus (no floor: bare MkDocs on it would take as long again)."""
    content = work / "content"
    write_corpus(content, size, seed, layouts)
    ours = project(work / "ours", content)
    seconds, rss = timed([sys.executable, "-m", "gknb.cli", "build", "--no-cache", "--site-dir", "site"], ours)
    site = tree_bytes(ours / "site")
    sources = tree_bytes(ours / "site" / "data" / "sources") if (ours / "site" / "data" / "sources").is_dir() else 0
    pages = sum(1 for _ in (ours / "site").rglob("*.html"))
    shutil.rmtree(work, ignore_errors=True)
    return (f"{size} reports, one build: {seconds:.0f} s ({size / seconds:.0f} reports/s), peak RSS {rss:.0f} MB, "
            f"{pages} HTML pages, site {site / 1e9:.2f} GB ({site / size / 1e3:.0f} KB per report, "
            f"{(site - sources) / size / 1e3:.0f} KB without the sources "
            f"{versus((site - sources) / size / 1e3, TARGET_KB_PER_REPORT, False)})")


if __name__ == "__main__":
    main()
