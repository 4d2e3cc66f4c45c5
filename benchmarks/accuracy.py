"""Cell-level accuracy of the parser per input format, on synthetic reports whose truth is known.

    .venv/bin/python benchmarks/accuracy.py [--per-layout 40] [--seed 1]

For every layout (tab text, pipe fragments, one cell per line, flattened digits, HTML, DOCX,
Markdown, and PDF made from the DOCX with LibreOffice when `soffice` is installed) it renders
reports with random consistent tables, parses them, and counts per cell: correct (`ok` or
`recovered` with the true value), WRONG (a number stated that is not the truth — must be 0),
and not stated (`ambiguous`, `garbled`, `blank`, `missing`), with the recovered/ambiguous/garbled counts.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402

from gknb.corpus.pipeline import read_report  # noqa: E402
from gknb.model.record import CellState  # noqa: E402


def write_corpus(folder: Path, per_layout: int, seed: int) -> list[tuple[Path, synth.Report]]:
    rng = random.Random(seed)
    corpus = []
    for layout in synth.ALL_LAYOUTS:
        for index in range(per_layout):
            report = synth.make_report(rng, layout, consistent=True)
            suffix, data = synth.render(report)
            path = folder / f"{layout}-{index:03d}{suffix}"
            path.write_bytes(data)
            corpus.append((path, report))
    return corpus


def unruled_docx(folder: Path, corpus: list[tuple[Path, synth.Report]]) -> list[tuple[Path, synth.Report]]:
    """The DOCX reports again with tables drawn without rules: their PDFs have bare text columns."""
    out = []
    for path, report in corpus:
        if path.suffix == ".docx":
            bare = synth.Report(**{**report.__dict__, "ruled": False})
            copy = folder / f"unruled-{path.name}"
            copy.write_bytes(synth.docx_report(bare))
            out.append((copy, bare))
    return out


def add_pdfs(folder: Path, corpus: list[tuple[Path, synth.Report]]) -> list[tuple[Path, synth.Report]]:
    """PDF versions of the DOCX reports, printed by LibreOffice (skipped when it is not installed)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    docx = [(p, r) for p, r in corpus if p.suffix == ".docx"]
    if not soffice or not docx:
        return []
    docx += unruled_docx(folder, docx)
    out = folder / "pdf"
    out.mkdir()
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out), *(str(p) for p, _ in docx)],
                   check=True, capture_output=True, timeout=900)
    pdfs = []
    for path, report in docx:
        pdf = out / (path.stem + ".pdf")
        if pdf.exists():
            report.layout = "pdf"
            pdfs.append((pdf, report))
    return pdfs


def score(path: Path, report: synth.Report) -> Counter[str]:
    counts: Counter[str] = Counter()
    record = read_report(path)
    for key, value in report.truth().items():
        cell = record.cell(key)
        counts["cells"] += 1
        counts[cell.state.value] += 1
        if cell.state in (CellState.OK, CellState.RECOVERED):
            counts["correct" if cell.value == value else "WRONG"] += 1
        else:
            counts["not_stated"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-layout", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus = write_corpus(folder, args.per_layout, args.seed)
        pdfs = add_pdfs(folder, corpus)
        by_layout: dict[str, Counter[str]] = {}
        for path, report in corpus + pdfs:
            layout = path.stem.rsplit("-", 1)[0]
            if path.suffix == ".pdf":
                layout = "pdf (unruled)" if path.stem.startswith("unruled") else "pdf (ruled)"
            by_layout.setdefault(layout, Counter()).update(score(path, report))
    print(f"{'layout':<18}{'reports':>8}{'cells':>8}{'correct':>9}{'WRONG':>7}{'not stated':>11}"
          f"{'recovered':>10}{'ambiguous':>10}{'garbled':>8}")
    for layout, c in by_layout.items():
        reports = args.per_layout
        share = 100 * c["correct"] / max(c["cells"], 1)
        print(f"{layout:<18}{reports:>8}{c['cells']:>8}{share:>8.1f}%{c['WRONG']:>7}{c['not_stated']:>11}"
              f"{c['recovered']:>10}{c['ambiguous']:>10}{c['garbled']:>8}")


if __name__ == "__main__":
    main()
