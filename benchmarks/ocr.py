"""Cost of reading scanned reports: seconds per page, pages at once, and what the cache saves.

    .venv/bin/python benchmarks/ocr.py [--dpi 150 200]

Scans are made from the real 洪泽区 PDFs in tests/real (tests/scans.py: rendered at the scanner's
dpi, tilted 1.5°, JPEG). For each, in this one run: the whole read (render, straighten, grid,
recognition, parse, checks) with pages on one thread and on `ocr.THREADS`, the per-page time,
and a second read from the cache. Peak memory (max RSS) of the process is printed at the end.
Figures are measured, never asserted (README "Performance").
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gknb.corpus.pipeline import read_report  # noqa: E402
from gknb.read import ocr  # noqa: E402
from gknb.read.common import use_cache  # noqa: E402
from tests.scans import scanned_pdf  # noqa: E402

REPORTS = ("kiro_hongzequ_2023_report.pdf", "kiro_hongzequ_2024_report.pdf")


def timed_read(path: Path) -> tuple[float, int]:
    start = time.perf_counter()
    record = read_report(path)
    return time.perf_counter() - start, int(record.source["ocr"]["pages"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, nargs="+", default=[150, 200])
    args = parser.parse_args()
    ocr._recogniser()  # the models load once per process; not part of a page's cost
    print(f"{'scan':40} {'pages':>5} {'1 thread s/page':>16} {f'{ocr.THREADS} threads s/page':>17} {'speed-up':>8} {'cached s':>9}")
    with tempfile.TemporaryDirectory() as work:
        for name in REPORTS:
            for dpi in args.dpi:
                path = Path(work) / f"{dpi}-{name}"
                path.write_bytes(scanned_pdf(ROOT / "tests" / "real" / name, dpi, 1.5))
                threads = ocr.THREADS
                ocr.THREADS = 1
                single, pages = timed_read(path)
                ocr.THREADS = threads
                use_cache(Path(work) / "cache")
                parallel, _ = timed_read(path)
                cached, _ = timed_read(path)
                use_cache(None)
                print(f"{path.name:40} {pages:5d} {single / pages:16.2f} {parallel / pages:17.2f} "
                      f"{single / parallel:8.2f} {cached:9.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()
