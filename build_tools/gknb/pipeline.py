"""One report file → one checked record; a content folder → a corpus of records and rejections.

One bad report never stops the build: every input ends as a record or as a rejection with
the reason (pelican: readers → records → writers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .checks import run_checks
from .document import Document
from .history import apply_history
from .metadata import apply_metadata, load_sidecar
from .parse import parse_document
from .readers import ReadError, read_document
from .record import Record


class NotAReport(ReadError):
    """The file was read but holds no annual report (no section headings and no tables)."""


SIDECAR_SUFFIXES = {".yml", ".yaml"}


@dataclass(frozen=True)
class Rejection:
    path: str
    reason: str


@dataclass
class Corpus:
    inputs: int = 0
    records: list[Record] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


def looks_like_report(record: Record) -> bool:
    return bool(record.sections) or bool(record.tables)


def document_text(document: Document) -> str:
    return "\n".join(line.text for line in document.lines)


def parse_file(path: Path, *, display_path: str | None = None) -> Record:
    """Read, parse and check one report; raises ReadError when the file cannot give a report."""
    document = read_document(path)
    if display_path is not None:
        document.path = display_path
    sidecar = load_sidecar(path, document.front_matter)
    record = parse_document(document)
    if not looks_like_report(record):
        raise NotAReport(path, "未找到年度报告的章节或表格（不是政府信息公开工作年度报告？）")
    apply_metadata(record, sidecar, document_text(document))
    record.findings = run_checks(record)
    return record


def input_files(content_dir: Path) -> list[Path]:
    """Every file in the folder but sidecar metadata, in a stable order.

    Files of unknown type are inputs too, so that they end on the list of rejections rather
    than vanish."""
    files = [p for p in content_dir.rglob("*") if p.is_file() and not p.name.startswith(".")
             and p.suffix.lower() not in SIDECAR_SUFFIXES]
    return sorted(files, key=lambda p: p.relative_to(content_dir).as_posix())


def build_corpus(content_dir: Path) -> Corpus:
    corpus = Corpus()
    for path in input_files(content_dir):
        corpus.inputs += 1
        relative = path.relative_to(content_dir).as_posix()
        try:
            corpus.records.append(parse_file(path, display_path=relative))
        except ReadError as error:
            corpus.rejected.append(Rejection(relative, error.reason))
        except Exception as error:  # noqa: BLE001 — one broken file must not stop the build
            corpus.rejected.append(Rejection(relative, f"内部错误 {type(error).__name__}: {error}"))
    apply_history(corpus.records)
    return corpus
